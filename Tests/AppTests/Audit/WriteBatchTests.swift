@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Group commit: writes that arrive while another one runs share the next transaction, on SQLite
/// and on PostgreSQL.
@Suite("Writes that arrive together share a commit, and each keeps or loses only its own changes")
struct WriteBatchTests {
    struct Boom: Error {}

    /// Runs `writes` concurrently. They are first queued behind a write that waits for them all, so
    /// they go in one transaction; the returned count is the transactions they took.
    private func together<T: Sendable>(
        _ t: TestApp, _ count: Int, _ write: @escaping @Sendable (Int) async throws -> T
    ) async throws -> (results: [Int: Result<T, any Error>], transactions: Int) {
        let (opened, open) = AsyncStream<Void>.makeStream()
        let batcher = try #require(t.app.writeBatcher)
        let before = await batcher.transactions
        return try await withThrowingTaskGroup(of: (Int, Result<T, any Error>)?.self) { group in
            // The holder: its transaction runs until every other write is queued.
            group.addTask {
                try await t.app.write(context: .cli) { _, _ in
                    for await _ in opened { break }
                }
                return nil
            }
            while await batcher.transactions == before { try await Task.sleep(for: .milliseconds(5)) }
            for index in 0..<count {
                group.addTask {
                    do { return (index, .success(try await write(index))) } catch { return (index, .failure(error)) }
                }
            }
            while await batcher.waiting < count { try await Task.sleep(for: .milliseconds(5)) }
            open.yield()
            open.finish()
            var results: [Int: Result<T, any Error>] = [:]
            for try await case let (index, result)? in group { results[index] = result }
            return (results, await batcher.transactions - before - 1)
        }
    }

    @Test("Ten writes in one transaction: each caller gets its own answer, a body that throws takes back only its own office and entry, and the chain stays whole")
    func sharedTransaction() async throws {
        try await withTestApp { t in
            let auditBefore = try await AuditEntry.query(on: t.db).count()
            let (results, transactions) = try await together(t, 10) { index in
                try await t.app.write(context: AuditContext(actorUserID: nil, actorUsername: "skriver\(index)", requestID: "w\(index)")) { db, audit in
                    try await Office(enhetNumber: "48\(10 + index)", name: "NAV Samlet \(index)").create(on: db)
                    audit.record(AuditEvent(.officeCreated, detail: "samlet \(index)"))
                    if index == 3 || index == 7 { throw Boom() }
                    return index * 100
                }
            }
            #expect(transactions == 1)
            for index in 0..<10 {
                let result = try #require(results[index])
                if index == 3 || index == 7 {
                    #expect(throws: Boom.self) { try result.get() }
                } else {
                    #expect(try result.get() == index * 100)
                }
            }
            let offices = try await Office.query(on: t.db).filter(\.$enhetNumber ~~ (0..<10).map { "48\(10 + $0)" }).all()
            #expect(Set(offices.map(\.enhetNumber)) == Set([0, 1, 2, 4, 5, 6, 8, 9].map { "48\(10 + $0)" }))
            let entries = try await AuditEntry.query(on: t.db).filter(\.$id > auditBefore).sort(\.$id).all()
            #expect(entries.count == 8)
            for entry in entries {
                let index = try #require(entry.requestID.flatMap { Int($0.dropFirst()) })
                #expect(entry.detail == "samlet \(index)")
                #expect(entry.actorUsername == "skriver\(index)")
            }
            #expect(try await AuditVerifier(db: t.db).verify().finding == nil)
        }
    }

    @Test("When the shared transaction itself fails, no write in it is kept and every caller in it gets the error")
    func failedTransaction() async throws {
        try await withTestApp { t in
            let officesBefore = try await Office.query(on: t.db).count()
            let auditBefore = try await AuditEntry.query(on: t.db).count()
            let (results, transactions) = try await together(t, 3) { index in
                try await t.app.write(context: .cli) { db, audit in
                    try await Office(enhetNumber: "49\(10 + index)", name: "NAV Tapt \(index)").create(on: db)
                    audit.record(AuditEvent(.officeCreated, detail: "tapt \(index)"))
                    // The chain's head disappears, so the audit append of this transaction fails.
                    if index == 1 { try await (db as! any SQLDatabase).raw("UPDATE audit_chain_head SET id = 2").run() }
                }
            }
            let failed = (0..<3).filter { index in (try? results[index]?.get()) == nil }
            #expect(transactions == 1)
            #expect(failed == [0, 1, 2])
            #expect(try await Office.query(on: t.db).count() == officesBefore)
            #expect(try await AuditEntry.query(on: t.db).count() == auditBefore)
            // The head is back (rolled back with the write), and the next write is kept.
            _ = try await OfficeRegistry(app: t.app, context: .cli).create(enhetNumber: "4999", name: "NAV Etterpå")
            #expect(try await t.auditEntries(.officeCreated).first?.detail == "enhet 4999")
            #expect(try await AuditVerifier(db: t.db).verify().finding == nil)
        }
    }

    /// Logs a contact with the mentor: it writes a pathway event, so the pathway's criteria and
    /// alerts are re-evaluated before the write commits. Reads nothing itself, so that it can wait
    /// in `together` while a transaction holds the database.
    private func mentorContact(_ t: TestApp, _ opened: OpenedPathway, at now: Date) async throws {
        try await FollowUpService(app: t.app, context: .cli, actorID: opened.pathway.$counselor.id, now: now).logContact(opened, .init(
            occurredAt: now, channel: .phone, withWhom: .mentor, withName: nil, durationMinutes: 15,
            note: "Samtale med mentoren om uka", nextStep: nil, forCandidate: false))
    }

    private func activePathways(_ t: TestApp, _ count: Int) async throws -> [OpenedPathway] {
        let pathways = try await Pathway.query(on: t.db).filter(\.$status == .active).sort(\.$id).limit(count).all()
        try #require(pathways.count == count)
        var opened: [OpenedPathway] = []
        for pathway in pathways {
            let model = try #require(try await t.app.samskap.methodModels.model(id: pathway.$methodModel.id, on: t.db))
            let candidate = try #require(try await Candidate.find(pathway.$candidate.id, on: t.db))
            opened.append(OpenedPathway(pathway: pathway, candidate: OpenedCandidate(candidate: candidate, level: .full),
                                        recordID: pathway.$methodModel.id, model: model))
        }
        return opened
    }

    @Test("Writes that share a commit share one re-evaluation of their pathways, and leave criteria, alerts and candidates as each pathway evaluated alone would")
    func sharedEvaluation() async throws {
        try await withTestApp { t in
            // Five weeks on, so that the demo's deadlines have moved and the evaluation has work.
            t.clock.advance(by: 35 * 86_400)
            let now = t.clock.now()
            let pathways = try await activePathways(t, 6)
            let ids = pathways.map(\.id)
            let before = try await ScaleDemoTests.derived(t)
            let evaluations = t.app.writeBatcher?.evaluations
            let (results, transactions) = try await together(t, pathways.count) { index in
                try await mentorContact(t, pathways[index], at: now)
            }
            for index in pathways.indices { try #require(results[index]).get() }
            #expect(transactions == 1)
            #expect(t.app.writeBatcher?.evaluations == evaluations.map { $0 + 1 })
            let shared = try await ScaleDemoTests.derived(t)
            #expect(shared != before)
            let stamps = try await t.sql.raw("SELECT DISTINCT evaluated_at FROM pathway_criteria WHERE pathway_id IN (\(binds: ids))").all()
            #expect(try stamps.map { try $0.decode(column: "evaluated_at", as: Date.self) } == [now])

            // The same pathways from nothing stored, each in a write of its own.
            try await t.sql.raw("DELETE FROM pathway_criterion_obligations WHERE pathway_id IN (\(binds: ids))").run()
            try await t.sql.raw("DELETE FROM pathway_criteria WHERE pathway_id IN (\(binds: ids))").run()
            let catalog = t.app.samskap.methodModels
            for id in ids {
                _ = try await t.app.write(context: .system) { db, _ in
                    try await PathwayEvaluation.refresh([id], scope: .criteriaAndAlerts, on: db, now: now, models: { try await catalog.model(id: $0, on: db) })
                }
            }
            #expect(try await ScaleDemoTests.derived(t) == shared)
            #expect(try await NeedsAction.stale(on: t.db).isEmpty)
        }
    }

    @Test("A pathway whose re-evaluation fails takes the writes of its commit with it once; after that it fails only its own")
    func failedEvaluation() async throws {
        try await withTestApp { t in
            let now = t.clock.now()
            let pathways = try await activePathways(t, 4)
            let ids = pathways.map(\.id)
            let broken = ids[3]
            // An event type the rules do not know: evaluating this pathway throws.
            let odd = try await t.app.write(context: .system) { db, _ in
                try await PathwayService.insertEvent(pathwayID: broken, type: .mentorContact, at: now, by: pathways[3].pathway.$counselor.id, now: now, on: db).requireID()
            }
            try await t.sql.raw("UPDATE pathway_events SET type = 'ukjent_type' WHERE id = \(bind: odd)").run()
            func count() async throws -> [Int] {
                var counts: [Int] = []
                for id in ids { counts.append(try await Contact.query(on: t.db).filter(\.$pathway.$id == id).count()) }
                return counts
            }
            let demoContacts = try await count()
            /// The contacts logged by this test, per pathway.
            func contacts() async throws -> [Int] { zip(try await count(), demoContacts).map { $0 - $1 } }
            let auditBefore = try await AuditEntry.query(on: t.db).count()

            let (first, _) = try await together(t, 4) { index in try await mentorContact(t, pathways[index], at: now) }
            let failedFirst = (0..<4).filter { (try? first[$0]?.get()) == nil }
            // The shared evaluation failed: like a failed commit, nothing of the transaction is kept.
            #expect(failedFirst == [0, 1, 2, 3])
            #expect(try await contacts() == [0, 0, 0, 0])
            #expect(t.app.writeBatcher?.suspects.withLockedValue { $0 } == Set(ids))
            #expect(throws: PathwayCriteriaStore.UnknownEventType.self) { try first[3]?.get() }

            // Now each suspect is evaluated within its own write: only the broken one fails.
            let evaluations = t.app.writeBatcher?.evaluations
            let (second, _) = try await together(t, 4) { index in try await mentorContact(t, pathways[index], at: now) }
            #expect((0..<4).filter { (try? second[$0]?.get()) == nil } == [3])
            #expect(throws: PathwayCriteriaStore.UnknownEventType.self) { try second[3]?.get() }
            #expect(try await contacts() == [1, 1, 1, 0])
            #expect(t.app.writeBatcher?.suspects.withLockedValue { $0 } == [broken])
            #expect(t.app.writeBatcher?.evaluations == evaluations)

            // The others share one evaluation again.
            let (third, _) = try await together(t, 3) { index in try await mentorContact(t, pathways[index], at: now) }
            for index in 0..<3 { try #require(third[index]).get() }
            #expect(t.app.writeBatcher?.evaluations == evaluations.map { $0 + 1 })
            #expect(try await AuditEntry.query(on: t.db).count() == auditBefore + 6)
            let evaluated = try await t.sql.raw("SELECT DISTINCT evaluated_at FROM pathway_criteria WHERE pathway_id IN (\(binds: Array(ids[0..<3])))").all()
            #expect(try evaluated.map { try $0.decode(column: "evaluated_at", as: Date.self) } == [now])
            #expect(try await AuditVerifier(db: t.db).verify().finding == nil)
        }
    }

    @Test("While a write transaction is open, reads on every event loop go on: writes have connections of their own")
    func readsDuringWrite() async throws {
        try await withTestApp { t in
            let (opened, open) = AsyncStream<Void>.makeStream()
            let (started, start) = AsyncStream<Void>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await t.app.write(context: .cli) { db, audit in
                        try await Office(enhetNumber: "4801", name: "NAV Underveis").create(on: db)
                        audit.record(AuditEvent(.officeCreated, detail: "underveis"))
                        start.yield()
                        for await _ in opened { break }
                    }
                }
                for await _ in started { break }
                // Should a read wait for the write, this lets the write commit after a while, and
                // the read then sees the office.
                let watchdog = Task {
                    try await Task.sleep(for: .seconds(20))
                    open.yield()
                }
                // One read per event loop: the driver keeps one connection per loop (SQLite), and
                // the one the write holds would keep its loop's reads waiting until the commit.
                var counts: [Int] = []
                for loop in t.app.eventLoopGroup.makeIterator() {
                    let db = try #require(t.app.databases.database(logger: t.app.logger, on: loop))
                    counts.append(try await Office.query(on: db).filter(\.$enhetNumber == "4801").count())
                }
                watchdog.cancel()
                // Not committed yet, so not seen: every read came back while the write was open.
                #expect(counts.count >= 1)
                #expect(counts.allSatisfy { $0 == 0 })
                open.yield()
                open.finish()
                try await group.waitForAll()
            }
            #expect(try await Office.query(on: t.db).filter(\.$enhetNumber == "4801").count() == 1)
            #expect(try await t.auditEntries(.officeCreated).first?.detail == "underveis")
        }
    }

    @Test("A contact on a pathway closed after it was opened is refused, and nothing of it is kept")
    func contactOnClosedPathway() async throws {
        try await withTestApp { t in
            let opened = try await activePathways(t, 1)[0]
            let id = opened.id
            let stampBefore = try await Pathway.find(id, on: t.db)?.updatedAt
            let contactsBefore = try await Contact.query(on: t.db).filter(\.$pathway.$id == id).count()
            let auditBefore = try await AuditEntry.query(on: t.db).count()
            try await t.sql.raw("UPDATE pathways SET status = \(bind: Pathway.Status.closed.rawValue) WHERE id = \(bind: id)").run()
            t.clock.advance(by: 60)
            do {
                try await mentorContact(t, opened, at: t.clock.now())
                Issue.record("the contact should be refused")
            } catch let problem as ProblemError {
                #expect(problem.status == .conflict)
            }
            #expect(try await Contact.query(on: t.db).filter(\.$pathway.$id == id).count() == contactsBefore)
            #expect(try await Pathway.find(id, on: t.db)?.updatedAt == stampBefore)
            #expect(try await PathwayEvent.query(on: t.db).filter(\.$pathway.$id == id).filter(\.$type == .mentorContact)
                .filter(\.$recordedAt > t.clock.now().addingTimeInterval(-30)).count() == 0)
            #expect(try await AuditEntry.query(on: t.db).count() == auditBefore)
            // Open again, so that the derived state the closing by hand skipped agrees once more.
            try await t.sql.raw("UPDATE pathways SET status = \(bind: opened.pathway.status.rawValue) WHERE id = \(bind: id)").run()
        }
    }

    /// Without the refusal the inner write would wait for the outer one's transaction for ever.
    @Test("A write inside a write is refused, also when it would have gone in a shared transaction")
    func nestedIsRefused() async throws {
        try await withTestApp { t in
            await #expect(throws: WriteError.self) {
                try await t.app.write(context: .cli) { _, _ in
                    try await t.app.write(context: .cli) { _, _ in }
                }
            }
        }
    }
}
