@testable import App
import FluentPostgresDriver
import Foundation
import Logging
import NIOPosix
import PostgresNIO

/// The database a test runs on: a fresh SQLite file, or — when `SAMSKAP_TEST_POSTGRES_URL` is set —
/// a fresh PostgreSQL database created for this test and dropped after it.
struct TestDatabase {
    static let postgresAdminURL = ProcessInfo.processInfo.environment["SAMSKAP_TEST_POSTGRES_URL"]
    static var isPostgres: Bool { postgresAdminURL != nil }

    let location: DatabaseLocation
    private let cleanup: @Sendable () async throws -> Void

    static func make() async throws -> TestDatabase {
        let name = freshName()
        if let admin = postgresAdminURL {
            try await execute("CREATE DATABASE \(name)", adminURL: admin)
            return postgres(name, admin: admin)
        }
        return sqlite(name)
    }

    func drop() async throws { try await cleanup() }

    /// A fresh database holding the demo data: a copy of the template seeded once per test run.
    static func makeSeeded() async throws -> TestDatabase {
        let template = try await DemoTemplate.shared.location()
        let name = freshName()
        switch template {
        case .postgres(let url):
            let admin = postgresAdminURL!
            let templateName = URLComponents(string: url)!.path.dropFirst()
            try await execute("CREATE DATABASE \(name) TEMPLATE \(templateName)", adminURL: admin)
            return postgres(name, admin: admin)
        case .sqlite(let templatePath):
            let database = sqlite(name)
            guard case .sqlite(let path) = database.location else { preconditionFailure() }
            try FileManager.default.copyItem(atPath: templatePath, toPath: path)
            return database
        }
    }

    static func freshName(prefix: String = "samskap_test_") -> String {
        prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    }

    static func postgres(_ name: String, admin: String) -> TestDatabase {
        var components = URLComponents(string: admin)!
        components.path = "/" + name
        return TestDatabase(location: .postgres(url: components.string!)) {
            try await execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", adminURL: admin)
        }
    }

    static func sqlite(_ name: String) -> TestDatabase {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).sqlite").path
        return TestDatabase(location: .sqlite(path: path)) {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    static func execute(_ sql: String, adminURL: String) async throws {
        let configuration = try SQLPostgresConfiguration(url: adminURL).coreConfiguration
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1, logger: Logger(label: "test-db")
        )
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test-db"))
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// The first column of each row, as text.
    static func query(_ sql: String, adminURL: String) async throws -> [String] {
        let configuration = try SQLPostgresConfiguration(url: adminURL).coreConfiguration
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1, logger: Logger(label: "test-db")
        )
        do {
            var values: [String] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test-db")) {
                values.append(try row.decode(String.self))
            }
            try await connection.close()
            return values
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
