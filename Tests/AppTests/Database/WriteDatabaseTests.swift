@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
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
            try await rename(t, id, to: office.name)
            // The connection with its statements is there before the failed write and after it: the
            // transaction was rolled back, not left for `checkIn` to close.
            let kept = t.app.sqliteWriter?.withIdleConnections { $0.map(\.statementCount) }
            #expect(kept.map { !$0.isEmpty } ?? true)
            let entries = try await t.auditEntries().count
            await #expect(throws: Boom.self) { try await rename(t, id, to: "NAV Tapt", fail: true) }
            #expect(try await t.office("9901").name == office.name)
            #expect(try await t.auditEntries().count == entries)
            #expect(t.app.sqliteWriter?.withIdleConnections { $0.map(\.statementCount) } == kept)

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
            #expect(impatient.idleCount == 1)
            #expect(impatient.withIdleConnections { $0.allSatisfy { !$0.inTransaction } })
            try other.execute("ROLLBACK")
            #expect(try await t.office("9901").name != "NAV Venter")

            try await db.transaction { tx in
                try await (tx as! any SQLDatabase).raw("UPDATE offices SET name = \(bind: "NAV Venter") WHERE id = \(bind: id)").run()
            }
            #expect(try await t.office("9901").name == "NAV Venter")
        }
    }

    /// SQLite: a COMMIT that fails (here a reference broken under `defer_foreign_keys`, checked only
    /// at the commit) keeps nothing and leaves the connection kept, outside any transaction.
    @Test func aFailedCommitKeepsNothing() async throws {
        try await withTestApp { t in
            guard let writer = t.app.sqliteWriter else {
                #expect(t.dialect == .postgres)
                return
            }
            let office = try await t.office("9901")
            let id = try office.requireID()
            try await rename(t, id, to: office.name)
            let idle = writer.idleCount
            do {
                try await t.app.writeDB.transaction { tx in
                    let sql = tx as! any SQLDatabase
                    try await sql.raw("PRAGMA defer_foreign_keys=ON").run()
                    try await sql.raw("UPDATE offices SET name = \(bind: "NAV Brutt") WHERE id = \(bind: id)").run()
                    try await sql.raw("UPDATE users SET office_id = \(bind: UUID()) WHERE id = (SELECT id FROM users ORDER BY username LIMIT 1)").run()
                }
                Issue.record("A transaction with a broken reference was committed")
            } catch {
                #expect((error as? any DatabaseError)?.isConstraintFailure == true, "\(String(reflecting: error))")
            }
            #expect(try await t.office("9901").name == office.name)
            #expect(writer.idleCount == idle)
            #expect(writer.withIdleConnections { $0.allSatisfy { !$0.inTransaction && !$0.hasStatementRunning } })
            try await rename(t, id, to: "NAV Etter commit")
            #expect(try await t.office("9901").name == "NAV Etter commit")
        }
    }

    /// SQLite: a connection given back inside a transaction is closed, not kept: kept, it would
    /// hold the write lock and every later write would wait for it and fail.
    @Test func aConnectionGivenBackInATransactionIsClosed() async throws {
        try await withTestApp { t in
            guard let writer = t.app.sqliteWriter else {
                #expect(t.dialect == .postgres)
                return
            }
            let id = try await t.office("9901").requireID()
            try await rename(t, id, to: "NAV Før")
            let idle = writer.idleCount
            #expect(idle >= 1)
            let left = NIOLockedValueBox<KeptConnection?>(nil)
            try await (t.app.writeDB as! any SQLDatabase).withSession { session in
                try await session.raw("BEGIN IMMEDIATE").run()
                left.withLockedValue { $0 = (session as? SQLiteWriteDatabase)?.connection }
            }
            let connection = try #require(left.withLockedValue { $0 })
            #expect(!connection.isOpen)
            #expect(writer.idleCount == idle - 1)
            try await rename(t, id, to: "NAV Etter")
            #expect(try await t.office("9901").name == "NAV Etter")
        }
    }

    /// SQLite: a transaction's database used after its transaction ended (kept in a task nobody
    /// awaited, say) runs nothing, rather than join the transaction that holds the connection then.
    @Test func aTransactionsDatabaseRunsNothingAfterIt() async throws {
        try await withTestApp { t in
            guard t.app.sqliteWriter != nil else {
                #expect(t.dialect == .postgres)
                return
            }
            let id = try await t.office("9901").requireID()
            let escaped = NIOLockedValueBox<(any Database)?>(nil)
            try await t.app.writeDB.transaction { tx in
                escaped.withLockedValue { $0 = tx }
                try await (tx as! any SQLDatabase).raw("UPDATE offices SET name = \(bind: "NAV Innenfor") WHERE id = \(bind: id)").run()
            }
            let tx = try #require(escaped.withLockedValue { $0 }) as! any SQLDatabase
            do {
                try await tx.raw("UPDATE offices SET name = \(bind: "NAV Utenfor") WHERE id = \(bind: id)").run()
                Issue.record("A statement ran on a transaction that had ended")
            } catch {
                #expect((error as? SQLiteStatementError)?.isConnectionClosed == true, "\(String(reflecting: error))")
            }
            #expect(try await t.office("9901").name == "NAV Innenfor")

            // A transaction on a held connection: its database ends with it, the holder's does not.
            let held = try await (t.app.writeDB as! any SQLDatabase).withSession { session in
                let db = session as! SQLiteWriteDatabase
                try await db.transaction { tx in
                    escaped.withLockedValue { $0 = tx }
                    try await (tx as! any SQLDatabase).raw("UPDATE offices SET name = \(bind: "NAV Holdt") WHERE id = \(bind: id)").run()
                }
                let inner = try #require(escaped.withLockedValue { $0 }) as! any SQLDatabase
                await #expect(throws: SQLiteStatementError.self) {
                    try await inner.raw("UPDATE offices SET name = \(bind: "NAV Etter indre") WHERE id = \(bind: id)").run()
                }
                try await session.raw("SELECT 1 AS one").run()
                return db
            }
            #expect(try await t.office("9901").name == "NAV Holdt")
            // Given back, the holder's database starts no transaction either.
            await #expect(throws: SQLiteStatementError.self) {
                try await held.transaction { tx in
                    try await (tx as! any SQLDatabase).raw("UPDATE offices SET name = \(bind: "NAV Foreldet") WHERE id = \(bind: id)").run()
                }
            }
            #expect(try await t.office("9901").name == "NAV Holdt")
        }
    }

    /// What one side writes, the other reads the same: the write connections and the driver bind
    /// and read dates, booleans, optionals, enums and ids alike.
    @Test func valuesReadTheSameOnTheWriterAndTheDriver() async throws {
        try await withTestApp { t in
            let office = try await t.office("9901")
            let officeID = try office.requireID()
            let user = try await t.user("veileder1")
            func employer(_ name: String, orgnr: String, full: Bool) -> Employer {
                let employer = Employer()
                employer.$office.id = officeID
                employer.name = name
                employer.nameKey = Employer.nameKey(name)
                employer.orgnr = full ? orgnr : nil
                employer.industry = full ? .q : nil
                employer.size = full ? .upTo20 : nil
                employer.cooperationStatus = full ? .inDialogue : .new
                employer.isDemo = full
                employer.createdAt = Date(timeIntervalSince1970: 1_795_000_000.5)
                employer.$createdBy.id = full ? user.id : nil
                employer.updatedAt = full ? Date(timeIntervalSince1970: 1_795_100_000.25) : nil
                return employer
            }
            func same(_ a: Employer, _ b: Employer) -> Bool {
                a.id == b.id && a.$office.id == b.$office.id && a.name == b.name && a.orgnr == b.orgnr && a.industry == b.industry
                    && a.size == b.size && a.cooperationStatus == b.cooperationStatus && a.isDemo == b.isDemo
                    && a.createdAt == b.createdAt && a.$createdBy.id == b.$createdBy.id && a.updatedAt == b.updatedAt
            }
            for full in [true, false] {
                let written = employer("Skrevet \(full)", orgnr: "999888771", full: full)
                try await t.app.writeDB.transaction { tx in try await written.create(on: tx) }
                let read = try #require(try await Employer.find(written.id, on: t.db))
                #expect(same(written, read))

                let other = employer("Driver \(full)", orgnr: "999888772", full: full)
                try await other.create(on: t.db)
                let back = try await t.app.writeDB.transaction { tx in try await Employer.find(other.id, on: tx) }
                #expect(same(other, try #require(back)))
                // And a filter on each kind of value finds it on the writer.
                let found = try await t.app.writeDB.transaction { tx in
                    try await Employer.query(on: tx).filter(\.$office.$id == officeID).filter(\.$isDemo == full)
                        .filter(\.$cooperationStatus == other.cooperationStatus).filter(\.$createdAt == other.createdAt)
                        .filter(\.$updatedAt == other.updatedAt).sort(\.$name).all().map(\.name)
                }
                #expect(found == ["Driver \(full)", "Skrevet \(full)"])
            }
        }
    }

    /// `insert(on:)` writes the row Fluent's `create` writes: every column the same, whether set,
    /// set to nothing or left out; afterwards the model exists, as after `create`.
    @Test func insertWritesTheRowFluentsCreateWrites() async throws {
        try await withTestApp { t in
            let pathway = try #require(try await Pathway.query(on: t.db).filter(\.$status == .active).first())
            let at = Date(timeIntervalSince1970: 1_764_300_000.25)
            func contact(withName: String?) throws -> Contact {
                let contact = Contact()
                contact.$pathway.id = try pathway.requireID()
                contact.$candidate.id = pathway.$candidate.id
                contact.$office.id = pathway.$office.id
                contact.occurredAt = at
                contact.channel = .phone
                contact.withWhom = .mentor
                contact.withName = withName
                contact.durationMinutes = 15
                contact.note = "Åse «økt»"
                contact.forCandidate = false
                contact.recordedAt = at
                contact.$recordedBy.id = pathway.$counselor.id
                return contact
            }
            let pairs: [(Contact, Contact)] = [
                (try contact(withName: "Mentor Mo"), try contact(withName: "Mentor Mo")),
                (try contact(withName: nil), try contact(withName: nil)),
            ]
            try await t.app.write(context: .cli) { db, _ in
                for (fluent, ours) in pairs {
                    try await fluent.create(on: db)
                    try await ours.insert(on: db)
                    #expect(ours._$idExists)
                    #expect(ours.id != nil)
                }
            }
            for (fluent, ours) in pairs {
                let a = try #require(try await t.sql.raw("SELECT * FROM contacts WHERE id = \(bind: fluent.requireID())").first())
                let b = try #require(try await t.sql.raw("SELECT * FROM contacts WHERE id = \(bind: ours.requireID())").first())
                #expect(a.allColumns == b.allColumns)
                // Column by column, compared by the database itself: same value, or both empty.
                for column in a.allColumns where column != "id" {
                    let same = try await t.sql.raw("""
                        SELECT a.id FROM contacts a, contacts b WHERE a.id = \(bind: fluent.requireID()) AND b.id = \(bind: ours.requireID())
                        AND a.\(ident: column) IS NOT DISTINCT FROM b.\(ident: column)
                        """).all()
                    #expect(same.count == 1, "column \(column)")
                }
                let read = try #require(try await Contact.find(ours.requireID(), on: t.db))
                #expect(read.withName == fluent.withName && read.note == "Åse «økt»" && read.channel == .phone && read.withWhom == .mentor)
                #expect(read.occurredAt == at && read.durationMinutes == 15 && read.nextStep == nil && read.eventID == nil)
            }
        }
    }
}
