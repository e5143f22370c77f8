@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// Group commit: on SQLite, writes that arrive while another one runs share the next transaction.
@Suite("Writes that arrive together share a commit, and each keeps or loses only its own changes")
struct WriteBatchTests {
    struct Boom: Error {}

    /// Runs `writes` concurrently. On SQLite they are first queued behind a write that waits for
    /// them all, so they go in one transaction; the returned count is the transactions they took.
    private func together<T: Sendable>(
        _ t: TestApp, _ count: Int, _ write: @escaping @Sendable (Int) async throws -> T
    ) async throws -> (results: [Int: Result<T, any Error>], transactions: Int?) {
        let (opened, open) = AsyncStream<Void>.makeStream()
        let batcher = t.app.writeBatcher
        let before = await batcher?.transactions
        return try await withThrowingTaskGroup(of: (Int, Result<T, any Error>)?.self) { group in
            if let batcher {
                // The holder: its transaction runs until every other write is queued.
                group.addTask {
                    try await t.app.write(context: .cli) { _, _ in
                        for await _ in opened { break }
                    }
                    return nil
                }
                while await batcher.transactions == before! { try await Task.sleep(for: .milliseconds(5)) }
            }
            for index in 0..<count {
                group.addTask {
                    do { return (index, .success(try await write(index))) } catch { return (index, .failure(error)) }
                }
            }
            if let batcher {
                while await batcher.waiting < count { try await Task.sleep(for: .milliseconds(5)) }
            }
            open.yield()
            open.finish()
            var results: [Int: Result<T, any Error>] = [:]
            for try await case let (index, result)? in group { results[index] = result }
            let after = await batcher?.transactions
            return (results, after.map { $0 - before! - 1 })
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
            if t.dialect == .sqlite { #expect(transactions == 1) }
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
            switch t.dialect {
            case .sqlite:
                #expect(transactions == 1)
                #expect(failed == [0, 1, 2])
                #expect(try await Office.query(on: t.db).count() == officesBefore)
                #expect(try await AuditEntry.query(on: t.db).count() == auditBefore)
            case .postgres:
                // One transaction per write: only the one that broke the head is lost.
                #expect(failed == [1])
                #expect(try await Office.query(on: t.db).count() == officesBefore + 2)
                #expect(try await AuditEntry.query(on: t.db).count() == auditBefore + 2)
            }
            // The head is back (rolled back with the write), and the next write is kept.
            _ = try await OfficeRegistry(app: t.app, context: .cli).create(enhetNumber: "4999", name: "NAV Etterpå")
            #expect(try await t.auditEntries(.officeCreated).first?.detail == "enhet 4999")
            #expect(try await AuditVerifier(db: t.db).verify().finding == nil)
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
