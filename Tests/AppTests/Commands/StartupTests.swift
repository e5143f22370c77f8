@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Starting the server: migrations, demo data, several instances")
struct StartupTests {
    /// A second app instance on the same database, as behind a load balancer.
    private func withSecondInstance(of t: TestApp, _ body: (Application) async throws -> Void) async throws {
        let app = try await Application.make(.testing)
        app.directory = DirectoryConfiguration(workingDirectory: TestApp.packageRoot)
        app.logger.logLevel = .warning
        do {
            try await App.configure(app, config: t.app.samskap.config, clock: t.clock)
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test("serve --demo migrates and seeds an empty database; start-up refuses --demo on real data")
    func serveDemo() async throws {
        try await withTestApp(demo: false, configure: { $0.seedDemoAtStart = true }) { t in
            try await t.app.autoRevert()
            try await Startup.prepare(t.app, command: "serve")
            #expect(try await User.query(on: t.db).filter(\.$isDemo == true).count() == 10)
            #expect(try await t.browser().login("veileder1").status == .seeOther)
            // A second start changes nothing.
            try await Startup.prepare(t.app, command: "serve")
            #expect(try await User.query(on: t.db).count() == 10)
        }
        try await withTestApp(demo: false, configure: { $0.seedDemoAtStart = true }) { t in
            _ = try await UserAccounts(app: t.app, context: .cli).create(.init(username: "ekte", displayName: "Ekte", roles: [.admin], officeID: nil))
            let failure = try await #require(throws: CommandFailure.self) { try await Startup.prepare(t.app, command: "serve") }
            #expect(failure.description.contains("ekte (ikke-demo) brukere"))
            #expect(try await User.query(on: t.db).count() == 1)
        }
    }

    @Test("samskap migrate brings an empty database up to date")
    func migrate() async throws {
        try await withTestApp(demo: false) { t in
            try await t.app.autoRevert()
            let output = try await t.run(["migrate"])
            #expect(output.contains("Databasen er oppdatert"))
            #expect(try await Office.query(on: t.db).count() == 0)
            #expect(try await AuditVerifier(db: t.db).verify().checked == 0)
        }
    }

    @Test("The SQLite file runs in WAL mode")
    func walMode() async throws {
        try await withTestApp(demo: false) { t in
            guard t.dialect == .sqlite else { return }
            struct Mode: Decodable { var journal_mode: String }
            let mode = try await t.sql.raw("PRAGMA journal_mode").first(decoding: Mode.self)
            #expect(mode?.journal_mode == "wal")
        }
    }

    @Test("A session started on one app instance works on another, and logout ends it on both")
    func sharedSessions() async throws {
        try await withTestApp { t in
            let first = t.browser()
            try await first.login("veileder1")
            try await withSecondInstance(of: t) { other in
                let second = Browser(app: other)
                for (name, value) in first.cookies { second.setCookie(name, value) }
                let page = try await second.get("/kontor")
                #expect(page.status == .ok)
                #expect(page.text.contains("Vera Veileder"))
                try await second.post("/logg-ut")
                #expect(try await first.get("/").status == .seeOther)
            }
        }
    }
}
