@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The whole app on a fresh database, with a clock the test controls.
struct TestApp {
    static let demoPassword = "demo-passord-for-test"
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path + "/"

    let app: Application
    let clock: ManualClock
    let database: TestDatabase

    var db: any Database { app.db }
    var sql: any SQLDatabase { app.db as! any SQLDatabase }
    var dialect: DatabaseDialect { DatabaseDialect(app.db) }

    func browser() -> Browser { Browser(app: app) }

    func user(_ username: String) async throws -> User {
        try #require(try await User.query(on: db).filter(\.$username == username).with(\.$roleRows).first())
    }

    func office(_ enhet: String) async throws -> Office {
        try #require(try await Office.query(on: db).filter(\.$enhetNumber == enhet).first())
    }

    /// Audit entries, newest first, optionally only one action.
    func auditEntries(_ action: AuditAction? = nil) async throws -> [AuditEntry] {
        var query = AuditEntry.query(on: db).sort(\.$id, .descending)
        if let action { query = query.filter(\.$action == action.rawValue) }
        return try await query.all()
    }

    func issueToken(for username: String) async throws -> String {
        try await APITokens(app: app, context: .cli).issue(username: username, label: "test")
    }
}

/// Runs `body` against a migrated app. With `demo`, the demo offices and users exist
/// (password `TestApp.demoPassword`): the database is a copy of one seeded once per test run
/// (`DemoTemplate`), so each test starts from the same demo data without seeding it again.
func withTestApp(
    demo: Bool = true,
    configure adjust: (inout AppConfig) -> Void = { _ in },
    _ body: (TestApp) async throws -> Void
) async throws {
    // At most a few apps at once: on a small machine, dozens of parallel apps starve each other's
    // database connections and make timing-sensitive tests (concurrent writes) time out.
    await TestAppGate.shared.enter()
    do {
        try await runTestApp(demo: demo, configure: adjust, body)
    } catch {
        await TestAppGate.shared.leave()
        throw error
    }
    await TestAppGate.shared.leave()
}

/// Lets a limited number of test apps run at the same time.
actor TestAppGate {
    static let shared = TestAppGate(limit: 6)

    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { available = limit }

    func enter() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty { available += 1 } else { waiting.removeFirst().resume() }
    }
}

private func runTestApp(
    demo: Bool,
    configure adjust: (inout AppConfig) -> Void,
    _ body: (TestApp) async throws -> Void
) async throws {
    let database = try await (demo ? TestDatabase.makeSeeded() : TestDatabase.make())
    let app = try await Application.make(.testing)
    app.directory = DirectoryConfiguration(workingDirectory: TestApp.packageRoot)
    app.logger.logLevel = .warning
    let clock = ManualClock()
    var config = AppConfig(database: database.location, bcryptCost: 4, demoPassword: TestApp.demoPassword, allowSyntheticIDs: true)
    adjust(&config)
    do {
        try await App.configure(app, config: config, clock: clock)
        app.fluent.migrationLogLevel = .debug
        try await Startup.migrate(app)
        try await body(TestApp(app: app, clock: clock, database: database))
        // Whatever the test did, every candidate's derived "needs action" moment must still equal a
        // fresh computation: a write path that forgot to refresh it fails here.
        let stale = try await NeedsAction.stale(on: app.db)
        if !stale.isEmpty { throw StaleDerivedState(candidates: stale) }
    } catch {
        try? await app.asyncShutdown()
        try? await database.drop()
        throw error
    }
    try await app.asyncShutdown()
    try await database.drop()
}

extension TestApp {
    /// An open action item for the candidate (no page writes them; they come from elsewhere), with
    /// the candidate's "needs action" moment refreshed, as every writer must.
    func addActionItem(for candidateID: UUID, due: Date) async throws {
        let item = ActionItem()
        item.$candidate.id = candidateID
        item.kind = "test"
        item.title = "Følg opp"
        item.dueAt = due
        item.createdAt = clock.now()
        try await item.create(on: db)
        try await NeedsAction.refresh(candidateID: candidateID, on: db)
    }
}

struct StaleDerivedState: Error, CustomStringConvertible {
    var candidates: [UUID]
    var description: String { "candidates.needs_action_at differs from a fresh computation for \(candidates.count) candidates: \(candidates.prefix(5))" }
}

extension TestingHTTPResponse {
    var text: String { body.string }
}
