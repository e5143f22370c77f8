@testable import App
import Fluent
import Foundation
import SQLKit
import Testing

/// `writeDB`: on SQLite our own connections with kept statements (`SQLiteWriteDatabase`), on
/// PostgreSQL the one pool. Either way a write keeps all of itself or nothing.
@Suite("Write transactions (writeDB)")
struct WriteDatabaseTests {
    struct Boom: Error {}

    private func rename(_ t: TestApp, _ officeID: UUID, to name: String, fail: Bool = false) async throws {
        try await t.app.write(context: .cli) { db, audit in
            let office = try #require(try await Office.find(officeID, on: db))
            office.name = name
            try await office.save(on: db)
            audit.record(AuditEvent(.officeUpdated, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID, detail: name))
            if fail { throw Boom() }
        }
    }

    /// A write's changes and its audit entry are committed together; a second write of the same
    /// kind uses the statements the first one prepared.
    @Test func writesAreCommittedWithTheirAuditAndKeepTheirStatements() async throws {
        try await withTestApp { t in
            let office = try await t.office("9901")
            let id = try office.requireID()
            try await rename(t, id, to: "NAV Første")
            #expect(try await t.office("9901").name == "NAV Første")
            #expect(try await t.auditEntries(.officeUpdated).first?.detail == "NAV Første")

            guard let writer = t.app.sqliteWriter else {
                #expect(t.dialect == .postgres)
                #expect(!(t.app.writeDB is SQLiteWriteDatabase))
                return
            }
            #expect(t.app.writeDB is SQLiteWriteDatabase)
            let afterFirst = writer.withIdleConnections { $0.map(\.statementCount) }
            #expect(afterFirst.reduce(0, +) > 0)
            try await rename(t, id, to: "NAV Andre")
            #expect(try await t.office("9901").name == "NAV Andre")
            #expect(try await t.auditEntries(.officeUpdated).first?.detail == "NAV Andre")
            // The same statements again: none prepared anew, none left running, no transaction open.
            #expect(writer.withIdleConnections { $0.map(\.statementCount) } == afterFirst)
            #expect(writer.withIdleConnections { $0.allSatisfy { !$0.hasStatementRunning && !$0.inTransaction } })
        }
    }

    /// A body that throws takes back its change and its entry; a broken constraint is reported as
    /// one (the API's 409), and the connection is usable afterwards. References are checked.
    @Test func aFailedWriteKeepsNothing() async throws {
        try await withTestApp { t in
            let office = try await t.office("9901")
            let id = try office.requireID()
            let entries = try await t.auditEntries().count
            await #expect(throws: Boom.self) { try await rename(t, id, to: "NAV Tapt", fail: true) }
            #expect(try await t.office("9901").name == office.name)
            #expect(try await t.auditEntries().count == entries)

            do {
                try await t.app.write(context: .cli) { db, _ in
                    try await Office(enhetNumber: "9901", name: "NAV Dobbel").create(on: db)
                }
                Issue.record("An office with an enhet number already taken was stored")
            } catch {
                #expect((error as? any DatabaseError)?.isConstraintFailure == true, "\(String(reflecting: error))")
            }
            #expect(try await Office.query(on: t.db).filter(\.$enhetNumber == "9901").count() == 1)

            // A reference to nothing is refused.
            let users = try await User.query(on: t.db).filter(\.$office.$id == id).count()
            do {
                try await t.app.write(context: .cli) { db, _ in
                    let user = try #require(try await User.query(on: db).first())
                    user.$office.id = UUID()
                    try await user.save(on: db)
                }
                Issue.record("A user was moved to an office that does not exist")
            } catch {
                #expect((error as? any DatabaseError)?.isConstraintFailure == true, "\(String(reflecting: error))")
            }
            #expect(try await User.query(on: t.db).filter(\.$office.$id == id).count() == users)

            try await rename(t, id, to: "NAV Etterpå")
            #expect(try await t.office("9901").name == "NAV Etterpå")
            if let writer = t.app.sqliteWriter {
                #expect(writer.withIdleConnections { $0.allSatisfy { !$0.inTransaction } })
            }
        }
    }

    /// SQLite: while another connection (another process, say) holds the write lock, a write waits
    /// for it, then fails as "try again" with nothing kept; when the lock is let go, it goes through.
    @Test func aWriteWaitsForAnotherWriterThenAsksToTryAgain() async throws {
        try await withTestApp { t in
            guard let writer = t.app.sqliteWriter else {
                #expect(t.dialect == .postgres)
                return
            }
            let id = try await t.office("9901").requireID()
            let impatient = SQLiteConnections(path: writer.path, mode: .write, lockWait: 50)
            defer { impatient.close() }
            let db = SQLiteWriteDatabase(connections: impatient, connection: nil, threadPool: t.app.threadPool, context: t.app.db.context, inTransaction: false)
            let other = try KeptConnection(path: writer.path, mode: .write)
            defer { other.close() }
            try other.execute("BEGIN IMMEDIATE")
            do {
                try await db.transaction { tx in
                    try await (tx as! any SQLDatabase).raw("UPDATE offices SET name = \(bind: "NAV Venter") WHERE id = \(bind: id)").run()
                }
                Issue.record("A write went through while another connection held the write lock")
            } catch {
                #expect(TransientWriteError.matches(error), "\(String(reflecting: error))")
            }
            #expect(impatient.withIdleConnections { $0.allSatisfy { !$0.inTransaction } })
            try other.execute("ROLLBACK")
            #expect(try await t.office("9901").name != "NAV Venter")

            try await db.transaction { tx in
                try await (tx as! any SQLDatabase).raw("UPDATE offices SET name = \(bind: "NAV Venter") WHERE id = \(bind: id)").run()
            }
            #expect(try await t.office("9901").name == "NAV Venter")
        }
    }
}
