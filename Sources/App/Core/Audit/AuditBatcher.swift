import Fluent
import Vapor

/// Appends audit events that belong to no change (reads, refusals, logins) in shared transactions.
///
/// Every caller still waits until its entries are committed, so nothing is shown that is not logged.
/// While one transaction commits, the callers that arrive queue up and go together in the next one:
/// under load, dozens of reads share one commit instead of each paying for its own, and the chain
/// head is read and written once per transaction. With one caller at a time it behaves as before.
actor AuditBatcher {
    /// At most this many callers share one transaction, so one commit stays short.
    static let maxCallers = 256

    private let app: Application
    private var pending: [(batch: AuditBatch, done: CheckedContinuation<Void, any Error>)] = []
    private var draining = false

    init(app: Application) {
        self.app = app
    }

    func append(_ batch: AuditBatch) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            pending.append((batch, done))
            if !draining {
                draining = true
                // Detached: the caller's task-locals (an open write scope, say) do not belong to the drain.
                Task.detached { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let taken = Array(pending.prefix(Self.maxCallers))
            pending.removeFirst(taken.count)
            do {
                try await app.appendAudit(taken.map(\.batch))
                for caller in taken { caller.done.resume() }
            } catch {
                // One caller's bad entry must not fail the others: each is tried alone.
                for caller in taken {
                    do {
                        try await app.appendAudit([caller.batch])
                        caller.done.resume()
                    } catch {
                        caller.done.resume(throwing: error)
                    }
                }
            }
        }
        draining = false
    }
}

extension Application {
    private struct AuditBatcherKey: StorageKey { typealias Value = AuditBatcher }

    var auditBatcher: AuditBatcher? {
        get { storage[AuditBatcherKey.self] }
        set { storage[AuditBatcherKey.self] = newValue }
    }

    /// One transaction that appends `batches` to the chain; on SQLite it waits its turn at the write gate.
    fileprivate func appendAudit(_ batches: [AuditBatch]) async throws {
        let dialect = DatabaseDialect(db)
        let gate = dialect == .sqlite ? writeGate : nil
        await gate?.acquire()
        do {
            try await db.transaction { tx in
                try await AuditLog.append(batches, on: tx)
            }
            await gate?.release()
        } catch {
            await gate?.release()
            throw error
        }
    }
}
