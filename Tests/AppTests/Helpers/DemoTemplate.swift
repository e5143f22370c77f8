@testable import App
import Fluent
import Foundation
import SQLKit
import Vapor

/// The demo data, seeded once per test run into a template database that each test copies
/// (`TestDatabase.makeSeeded`). Seeding is deterministic for the test clock's start, so every copy
/// holds exactly what seeding in the test itself would have written. The template is built by the
/// first test that asks and lives until the process ends (in a temporary file, or a database of the
/// throwaway PostgreSQL cluster); templates left by runs that have ended are removed first.
actor DemoTemplate {
    static let shared = DemoTemplate()

    private var building: Task<DatabaseLocation, any Error>?

    func location() async throws -> DatabaseLocation {
        if let building { return try await building.value }
        let task = Task { try await Self.build() }
        building = task
        return try await task.value
    }

    private static let prefix = "samskap_template_"
    /// The template's name carries the process id, so that a run removes only what dead runs left.
    private static var ownPrefix: String { "\(prefix)\(getpid())_" }

    private static func isLeftover(_ name: String) -> Bool {
        guard name.hasPrefix(prefix) else { return false }
        let rest = name.dropFirst(prefix.count)
        guard let pid = rest.split(separator: "_").first.flatMap({ Int32($0) }) else { return true }
        return pid != getpid() && kill(pid, 0) != 0
    }

    private static func build() async throws -> DatabaseLocation {
        try await removeLeftovers()
        let database: TestDatabase
        if let admin = TestDatabase.postgresAdminURL {
            let name = TestDatabase.freshName(prefix: ownPrefix)
            try await TestDatabase.execute("CREATE DATABASE \(name)", adminURL: admin)
            database = TestDatabase.postgres(name, admin: admin)
        } else {
            database = TestDatabase.sqlite(TestDatabase.freshName(prefix: ownPrefix))
        }
        let app = try await Application.make(.testing)
        app.directory = DirectoryConfiguration(workingDirectory: TestApp.packageRoot)
        app.logger.logLevel = .warning
        let config = AppConfig(database: database.location, bcryptCost: 4, demoPassword: TestApp.demoPassword, allowSyntheticIDs: true)
        do {
            try await App.configure(app, config: config, clock: ManualClock())
            try await Startup.migrate(app)
            _ = try await DemoSeeder(app: app).run()
            if case .sqlite = database.location {
                // Everything into the main file, so that copying the file copies the data.
                try await (app.db as! any SQLDatabase).raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
            }
        } catch {
            try? await app.asyncShutdown()
            try? await database.drop()
            throw error
        }
        try await app.asyncShutdown()
        return database.location
    }

    private static func removeLeftovers() async throws {
        if let admin = TestDatabase.postgresAdminURL {
            let names = try await TestDatabase.query(
                "SELECT datname FROM pg_database WHERE datname LIKE '\(prefix)%'", adminURL: admin
            )
            for name in names where isLeftover(name) {
                try await TestDatabase.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", adminURL: admin)
            }
        } else {
            let directory = FileManager.default.temporaryDirectory
            for file in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where isLeftover(file.components(separatedBy: ".").first ?? file) {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(file))
            }
        }
    }
}
