import Fluent
import Vapor

/// Appends audit events that belong to no change (reads, refusals, logins) in shared transactions.
///
/// Every caller still waits until its entries are committed, so nothing is shown that is not logged.
/// While one transaction commits, the callers that arrive queue up and go together in the next one:
/// under load, dozens of reads share one commit instead of each paying for its own, and the chain
/// head is read and written once per transaction. With one caller at a time it behaves as before.
final class AuditBatcher: Sendable {
    /// At most this many callers share one transaction, so one commit stays short.
    static let maxCallers = 256

    private let queue: GroupQueue<AuditBatch>

    init(app: Application) {
        queue = GroupQueue(maxItems: Self.maxCallers) { batches in
            do {
                try await app.appendAudit(batches)
                return batches.map { _ in .success(()) }
            } catch {
                // One caller's bad entry must not fail the others: each is tried alone.
                var outcomes: [Result<Void, any Error>] = []
                for batch in batches {
                    do {
                        try await app.appendAudit([batch])
                        outcomes.append(.success(()))
                    } catch {
                        outcomes.append(.failure(error))
                    }
                }
                return outcomes
            }
        }
    }

    func append(_ batch: AuditBatch) async throws {
        try await queue.submit(batch)
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
            try await writeDB.transaction { tx in
                try await AuditLog.append(batches, on: tx)
            }
            await gate?.release()
        } catch {
            await gate?.release()
            throw error
        }
    }
}
