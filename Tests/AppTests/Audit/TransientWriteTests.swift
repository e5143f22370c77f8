@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// A write that PostgreSQL aborts to break a deadlock (with another server's transaction, say) is
/// taken back whole, and its caller is told to try again (503, `Retry-After`), not that something broke.
@Suite("A write that loses to a change at the same moment keeps nothing and asks to be sent again")
struct TransientWriteTests {
    @Test("PostgreSQL picks a write as a deadlock's victim: it keeps nothing, and the error asks for the request again")
    func postgresDeadlock() async throws {
        try await withTestApp { t in
            guard t.dialect == .postgres else { return }
            let offices = try await Office.query(on: t.db).sort(\.$enhetNumber).limit(2).all()
            try #require(offices.count == 2)
            let (first, second) = (try offices[0].requireID(), try offices[1].requireID())
            let (lockedFirst, lockFirst) = AsyncStream<Void>.makeStream()
            let (lockedSecond, lockSecond) = AsyncStream<Void>.makeStream()
            let entries = try await AuditEntry.query(on: t.db).count()
            // Another server's transaction: it locks the first office, then waits for the second.
            // Its deadlock check waits longer than the write's, so PostgreSQL aborts the write.
            let other = Task {
                try await t.app.db.transaction { tx in
                    let sql = tx as! any SQLDatabase
                    try await sql.raw("SET LOCAL deadlock_timeout = '20s'").run()
                    try await sql.raw("UPDATE offices SET name = name WHERE id = \(bind: first)").run()
                    lockFirst.yield()
                    for await _ in lockedSecond { break }
                    try await sql.raw("UPDATE offices SET name = name WHERE id = \(bind: second)").run()
                }
            }
            for await _ in lockedFirst { break }
            do {
                try await t.app.write(context: .cli) { db, audit in
                    let sql = db as! any SQLDatabase
                    try await sql.raw("UPDATE offices SET name = 'NAV Låst' WHERE id = \(bind: second)").run()
                    audit.record(AuditEvent(.officeCreated, detail: "låst"))
                    lockSecond.yield()
                    lockSecond.finish()
                    try await sql.raw("UPDATE offices SET name = name WHERE id = \(bind: first)").run()
                }
                Issue.record("the write should have been the deadlock's victim")
            } catch {
                let problem = SamskapErrorMiddleware.problem(for: error)
                #expect(problem.status == .serviceUnavailable)
                #expect(problem.key == "problem.retry")
                #expect(problem.headers.first(name: "Retry-After") == "1")
            }
            try await other.value
            #expect(try await Office.find(second, on: t.db)?.name != "NAV Låst")
            #expect(try await AuditEntry.query(on: t.db).count() == entries)
        }
    }
}
