@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("The hash-chained, append-only audit trail")
struct AuditTrailTests {
    struct Boom: Error {}

    /// Tampering needs the append-only triggers out of the way, as an attacker with database access would do.
    private func disableProtection(_ t: TestApp) async throws {
        switch t.dialect {
        case .sqlite:
            try await t.sql.raw("DROP TRIGGER audit_entries_no_update").run()
            try await t.sql.raw("DROP TRIGGER audit_entries_no_delete").run()
        case .postgres:
            try await t.sql.raw("ALTER TABLE audit_entries DISABLE TRIGGER USER").run()
        }
    }

    @Test("A write and its audit entries commit together or not at all")
    func sameTransaction() async throws {
        try await withTestApp { t in
            let before = try await AuditEntry.query(on: t.db).count()
            await #expect(throws: Boom.self) {
                try await t.app.write(context: .cli) { db, audit in
                    try await Office(enhetNumber: "4242", name: "NAV Rull tilbake").create(on: db)
                    audit.record(AuditEvent(.officeCreated, detail: "skal ikke finnes"))
                    throw Boom()
                }
            }
            #expect(try await Office.query(on: t.db).filter(\.$enhetNumber == "4242").count() == 0)
            #expect(try await AuditEntry.query(on: t.db).count() == before)

            // If the audit entry cannot be written, the change it describes is not kept either.
            try await t.sql.raw("UPDATE audit_chain_head SET id = 2").run()
            await #expect(throws: (any Error).self) {
                _ = try await OfficeRegistry(app: t.app, context: .cli).create(enhetNumber: "4343", name: "NAV Uten logg")
            }
            #expect(try await Office.query(on: t.db).filter(\.$enhetNumber == "4343").count() == 0)
            try await t.sql.raw("UPDATE audit_chain_head SET id = 1").run()
            _ = try await OfficeRegistry(app: t.app, context: .cli).create(enhetNumber: "4343", name: "NAV Med logg")
            #expect(try await t.auditEntries(.officeCreated).first?.detail == "enhet 4343")
        }
    }

    @Test("Entries form an unbroken chain, also under concurrent writes")
    func chainUnderConcurrency() async throws {
        try await withTestApp { t in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        try await t.app.audit([AuditEvent(.userRead, objectType: "user", objectID: "p\(index)")], context: .cli)
                    }
                }
                try await group.waitForAll()
            }
            let report = try await AuditVerifier(db: t.db).verify()
            #expect(report.finding == nil)
            let entries = try await AuditEntry.query(on: t.db).sort(\.$id).all()
            #expect(report.checked == entries.count)
            #expect(entries.map(\.id) == Array(1...entries.count).map(Optional.some))
        }
    }

    @Test("Reads logged at the same moment share transactions, but each keeps its own actor, request and order, among concurrent writes")
    func batchedReadsKeepTheirContext() async throws {
        try await withTestApp { t in
            let before = try await AuditEntry.query(on: t.db).count()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        let context = AuditContext(actorUserID: nil, actorUsername: "leser\(index)", requestID: "r\(index)")
                        try await t.app.audit([
                            AuditEvent(.userRead, objectType: "user", objectID: "a\(index)"),
                            AuditEvent(.userRead, objectType: "user", objectID: "b\(index)"),
                        ], context: context)
                    }
                    if index % 10 == 0 {
                        group.addTask {
                            _ = try await OfficeRegistry(app: t.app, context: .cli).create(enhetNumber: "47\(10 + index)", name: "NAV Samtidig \(index)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let entries = try await AuditEntry.query(on: t.db).filter(\.$id > before).sort(\.$id).all()
            #expect(entries.count == 30 * 2 + 3)
            for index in 0..<30 {
                let mine = entries.enumerated().filter { $0.element.requestID == "r\(index)" }
                #expect(mine.map(\.element.objectID) == ["a\(index)", "b\(index)"])
                #expect(mine.allSatisfy { $0.element.actorUsername == "leser\(index)" })
                // One caller's entries are adjacent in the chain.
                #expect(mine.count == 2 && mine[1].offset == mine[0].offset + 1)
            }
            #expect(entries.filter { $0.action == AuditAction.officeCreated.rawValue }.count == 3)
            let report = try await AuditVerifier(db: t.db).verify()
            #expect(report.finding == nil)
        }
    }

    @Test("The database refuses updates and deletes of audit entries")
    func appendOnly() async throws {
        try await withTestApp { t in
            await #expect(throws: (any Error).self) {
                try await t.sql.raw("UPDATE audit_entries SET detail = 'endret' WHERE seq = 1").run()
            }
            await #expect(throws: (any Error).self) {
                try await t.sql.raw("DELETE FROM audit_entries WHERE seq = 1").run()
            }
            // Replacing a row through an insert is refused as well.
            let replace: SQLQueryString = t.dialect == .sqlite
                ? "INSERT OR REPLACE INTO audit_entries (seq, occurred_at, action, outcome, prev_hash, hash) SELECT seq, occurred_at, 'forfalsket', outcome, prev_hash, hash FROM audit_entries WHERE seq = 1"
                : "INSERT INTO audit_entries (seq, occurred_at, action, outcome, prev_hash, hash) SELECT seq, occurred_at, 'forfalsket', outcome, prev_hash, hash FROM audit_entries WHERE seq = 1 ON CONFLICT (seq) DO UPDATE SET action = 'forfalsket'"
            await #expect(throws: (any Error).self) {
                try await t.sql.raw(replace).run()
            }
            #expect(try await AuditEntry.find(1, on: t.db)?.action != "forfalsket")
            let report = try await AuditVerifier(db: t.db).verify()
            #expect(report.finding == nil)
        }
    }

    @Test("audit verify passes on an intact chain and names the first changed entry")
    func verifyDetectsChange() async throws {
        try await withTestApp { t in
            let ok = try await t.run(["audit", "verify"])
            #expect(ok.contains("Revisjonsloggen er intakt"))
            let count = try await AuditEntry.query(on: t.db).count()
            #expect(count >= 9)

            try await disableProtection(t)
            try await t.sql.raw("UPDATE audit_entries SET detail = 'skjult endring' WHERE seq = 4").run()
            let failure = try await #require(throws: CommandFailure.self) { try await t.run(["audit", "verify"]) }
            #expect(failure.exitCode != 0)
            #expect(failure.description.contains("oppføring 4 er endret"))
        }
    }

    @Test("audit verify names a deleted entry in the middle and at the end")
    func verifyDetectsDeletion() async throws {
        try await withTestApp { t in
            try await disableProtection(t)
            let last = try #require(try await AuditEntry.query(on: t.db).sort(\.$id, .descending).first()?.id)
            try await t.sql.raw("DELETE FROM audit_entries WHERE seq = \(bind: last)").run()
            let tail = try await AuditVerifier(db: t.db).verify()
            #expect(tail.finding == .tailRemoved(lastSeq: last - 1, headSeq: last))
            #expect(tail.finding?.seq == last)

            try await t.sql.raw("DELETE FROM audit_entries WHERE seq = 3").run()
            let middle = try await #require(throws: CommandFailure.self) { try await t.run(["audit", "verify"]) }
            #expect(middle.description.contains("oppføring 3 mangler"))
        }
    }

    @Test("Rewriting an entry together with its own hash still breaks the chain at the next entry")
    func verifyDetectsRehash() async throws {
        try await withTestApp { t in
            try await disableProtection(t)
            let entry = try #require(try await AuditEntry.find(2, on: t.db))
            entry.detail = "forfalsket"
            let forged = AuditHash.compute(previous: entry.prevHash, content: entry.hashContent)
            try await t.sql.raw("UPDATE audit_entries SET detail = 'forfalsket', hash = \(bind: forged) WHERE seq = 2").run()
            let report = try await AuditVerifier(db: t.db).verify()
            #expect(report.finding == .brokenLink(seq: 3))
        }
    }

    @Test("The audit page searches by person, user and date")
    func searchPage() async throws {
        try await withTestApp { t in
            let admin = t.browser()
            try await admin.login("admin")
            let vera = try await t.user("veileder1")
            try await admin.get("/admin/brukere/\(vera.id!)")
            try await admin.get("/admin/brukere/\(try await t.user("veileder2").id!)")

            let byPerson = try await admin.get("/revisjonslogg?person=veileder1")
            #expect(byPerson.status == .ok)
            #expect(byPerson.text.contains("Så brukerkonto"))
            #expect(byPerson.text.contains("bruker veileder1"))
            #expect(!byPerson.text.contains("bruker veileder2"))

            let byActor = try await admin.get("/revisjonslogg?bruker=cli")
            #expect(byActor.text.contains("Opprettet bruker"))
            #expect(byActor.text.contains("kontor 9901 NAV Demo Nord"), "offices are named, not shown as ids")
            #expect(!byActor.text.contains("Så brukerkonto"))

            let today = ISO8601DateFormatter.string(from: t.clock.now(), timeZone: DisplayDate.timeZone, formatOptions: [.withFullDate, .withDashSeparatorInDate])
            let dated = try await admin.get("/revisjonslogg?fra=\(today)&til=\(today)")
            #expect(dated.text.contains("Så brukerkonto"))
            let future = try await admin.get("/revisjonslogg?fra=2099-01-01")
            #expect(future.text.contains("Ingen hendelser passer søket."))

            let bad = try await admin.get("/revisjonslogg?fra=i%20g%C3%A5r&person=%3Cscript%3E")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Skriv datoen som åååå-mm-dd."))
            #expect(!bad.text.contains("<script>"))
            #expect(bad.text.contains("&lt;script&gt;"))

            #expect(try await t.auditEntries(.auditSearched).count >= 4)
        }
    }
}
