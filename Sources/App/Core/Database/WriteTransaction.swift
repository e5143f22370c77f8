import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Serialises this process's write transactions on SQLite, which has one writer at a time anyway;
/// waiting here costs nothing, while waiting inside SQLite's busy handler spins a thread.
actor WriteGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            busy = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

public enum WriteError: Error, CustomStringConvertible {
    case nested

    public var description: String { "A write transaction was opened inside another one; pass the transaction down instead." }
}

extension Application {
    private struct WriteGateKey: StorageKey { typealias Value = WriteGate }
    private struct WriteBatcherKey: StorageKey { typealias Value = WriteBatcher }

    /// Where write transactions run: on SQLite the write connections (`SQLiteWriteDatabase`), on
    /// PostgreSQL the one pool. For `transaction` (through `write`); a statement outside one
    /// would wait for the write lock on its own.
    var writeDB: any Database {
        let db = self.db
        guard let sqliteWriter else { return db }
        return SQLiteWriteDatabase(connections: sqliteWriter, connection: nil, threadPool: threadPool, context: db.context, inTransaction: false)
    }

    var writeGate: WriteGate? {
        get { storage[WriteGateKey.self] }
        set { storage[WriteGateKey.self] = newValue }
    }

    /// Groups concurrent writes into shared transactions.
    var writeBatcher: WriteBatcher? {
        get { storage[WriteBatcherKey.self] }
        set { storage[WriteBatcherKey.self] = newValue }
    }

    /// Runs `body` in one transaction and appends what it recorded to the audit trail in the same
    /// transaction: the change and its audit entries are kept or lost together.
    ///
    /// Writers that arrive while another write commits go together in the next transaction
    /// (`WriteBatcher`), each in its own savepoint: they share one commit, while a body that throws
    /// takes back only its own changes and entries. The transaction runs on `writeDB` (on SQLite
    /// the write connections), whichever `db` is given.
    public func write<T: Sendable>(
        context: AuditContext,
        on db: (any Database)? = nil,
        _ body: @escaping @Sendable (any Database, AuditRecorder) async throws -> T
    ) async throws -> T {
        guard !WriteScope.isOpen else { throw WriteError.nested }
        let db = db ?? self.db
        if let batcher = writeBatcher {
            let result = NIOLockedValueBox<T?>(nil)
            try await batcher.run(WriteJob(context: context, db: writeDB) { tx, recorder in
                let value = try await body(tx, recorder)
                result.withLockedValue { $0 = value }
            })
            return result.withLockedValue { $0! }
        }
        let clock = samskap.clock
        let catalog = samskap.methodModels
        return try await db.transaction { tx in
            // Set inside the transaction's closure: Fluent runs it in a task of its own, which does
            // not inherit the caller's task-locals.
            try await WriteScope.$isOpen.withValue(true) {
                let recorder = AuditRecorder()
                let pending = PendingEvaluations()
                let result = try await PendingEvaluations.$current.withValue(pending) { try await body(tx, recorder) }
                try await pending.run(on: tx, catalog: catalog)
                try await AuditLog.append(recorder.events, context: context, at: clock.now(), on: tx)
                return result
            }
        }
    }

    /// Records audit events that belong to no change (reads, denied access, failed logins).
    /// Returns when they are committed; callers arriving together share a transaction (`AuditBatcher`).
    public func audit(_ events: [AuditEvent], context: AuditContext) async throws {
        guard !WriteScope.isOpen else { throw WriteError.nested }
        guard !events.isEmpty else { return }
        guard let batcher = auditBatcher else {
            return try await write(context: context) { _, recorder in events.forEach(recorder.record) }
        }
        try await batcher.append(AuditBatch(events: events, context: context, at: samskap.clock.now()))
    }
}

enum WriteScope {
    @TaskLocal static var isOpen = false
}

extension Request {
    public var auditContext: AuditContext {
        AuditContext(actorUserID: principal?.userID, actorUsername: principal?.username, requestID: id)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any Database, AuditRecorder) async throws -> T) async throws -> T {
        try await application.write(context: auditContext, on: db, body)
    }

    public func audit(_ events: AuditEvent...) async throws {
        try await application.audit(events, context: auditContext)
    }
}

/// One caller's write: its body, and whom to tell how it went.
struct WriteJob: Sendable {
    var context: AuditContext
    var db: any Database
    var body: @Sendable (any Database, AuditRecorder) async throws -> Void

    init(context: AuditContext, db: any Database, body: @escaping @Sendable (any Database, AuditRecorder) async throws -> Void) {
        self.context = context
        self.db = db
        self.body = body
    }
}

/// Group commit: one write transaction at a time, shared by the writes that wait for it.
///
/// SQLite has one writer at a time anyway. On PostgreSQL every write appends to the audit chain
/// under the chain head's lock, held until its commit, so the appends and commits ran one at a
/// time there too, each with its own wait for the disk; now a group shares them.
///
/// One transaction at a time, not several: transactions that each run a group of bodies hold the
/// row locks of all of them until their commit, so two of them deadlock as soon as their bodies
/// touch the same rows in a different order (tried with two and four at once on PostgreSQL: most
/// writes to a counselor's pathways then waited for PostgreSQL's deadlock check). Within one
/// process, writes no longer wait for each other's row locks at all. The transactions of another
/// instance on the same PostgreSQL still can deadlock with this one; PostgreSQL then aborts one
/// statement, that write alone is taken back (its savepoint), and its caller is told to try again
/// (`ErrorMiddleware`).
///
/// While one transaction runs, the writes that arrive queue up; the next transaction takes all of
/// them (at most `maxJobs`), each body in its own savepoint, then appends every kept body's audit
/// entries in one go and commits once. A body that throws is rolled back to its savepoint: its
/// changes and entries are gone and its caller gets its error, while the others are kept. If the
/// transaction itself fails (the commit, the audit append), every caller in it gets that error and
/// nothing of it is kept. Every caller waits for the commit of its own write, as before; with one
/// writer at a time it behaves as one transaction per write.
///
/// A commit waits for the disk (2.4 ms on the benchmark machine), and the audit chain's lock, head
/// and update are paid per transaction: under load, many writes now share both.
///
/// The pathways the writes changed are re-evaluated once for the whole transaction, after the last
/// body (`PendingEvaluations`). Should that fail, the transaction fails as a failed commit does:
/// every caller in it gets the error and nothing of it is kept. Its pathways are then suspect
/// (`suspects`): a later write that changes one of them evaluates it within its own savepoint, so
/// a pathway whose data cannot be evaluated fails its own writes only; one that evaluates well
/// is no longer suspect.
final class WriteBatcher: Sendable {
    /// At most this many writes share one transaction, so the write lock is not held for long.
    static let maxJobs = 64

    private let queue: GroupQueue<WriteJob>
    let suspects = NIOLockedValueBox<Set<UUID>>([])
    private let evaluated = NIOLockedValueBox(0)

    init(app: Application) {
        let suspects = suspects, evaluated = evaluated
        queue = GroupQueue(maxItems: Self.maxJobs) { jobs in await app.runWrites(jobs, suspects: suspects, evaluated: evaluated) }
    }

    func run(_ job: WriteJob) async throws {
        try await queue.submit(job)
    }

    /// Transactions run so far; tests read it to see writes share commits.
    var transactions: Int { get async { await queue.groups } }
    /// Writes waiting for the next transaction.
    var waiting: Int { get async { await queue.waiting } }
    /// Shared re-evaluations run so far (one per transaction that changed a pathway, besides a
    /// suspect's own); tests read it to see writes share them.
    var evaluations: Int { evaluated.withLockedValue { $0 } }
}

extension Application {
    /// One transaction for `jobs`, at the write gate; see `WriteBatcher`. Returns each job's outcome.
    fileprivate func runWrites(
        _ jobs: [WriteJob], suspects: NIOLockedValueBox<Set<UUID>>, evaluated: NIOLockedValueBox<Int>
    ) async -> [Result<Void, any Error>] {
        guard let db = jobs.first?.db else { return [] }
        let clock = samskap.clock
        let catalog = samskap.methodModels
        let logger = self.logger
        let gate = writeGate
        // SQLite: take the write lock with the first statement (see below). PostgreSQL: the chain's
        // lock is taken by the append at the end, so that other transactions appending to the chain
        // (the audited reads') wait only for this one's append and commit, not for its bodies.
        let lockChainFirst = DatabaseDialect(db) == .sqlite
        await gate?.acquire()
        let outcomes = NIOLockedValueBox<[Result<Void, any Error>]>(Array(repeating: .success(()), count: jobs.count))
        do {
            try await db.transaction { tx in
                // Inside the closure: Fluent runs it in a task of its own (see `write`).
                try await WriteScope.$isOpen.withValue(true) {
                    let sql = tx as! any SQLDatabase
                    // The first statement is a write, so the transaction holds the write lock from
                    // the start and cannot fail later on a stale read snapshot.
                    if lockChainFirst { try await AuditLog.lockChain(on: tx) }
                    var audits: [AuditBatch] = []
                    let shared = PendingEvaluations()
                    for (index, job) in jobs.enumerated() {
                        let recorder = AuditRecorder()
                        let pending = PendingEvaluations()
                        guard jobs.count > 1 else {
                            // Alone: its error rolls back the whole transaction, no savepoint needed.
                            try await PendingEvaluations.$current.withValue(pending) { try await job.body(tx, recorder) }
                            shared.add(pending)
                            audits.append(AuditBatch(events: recorder.events, context: job.context, at: clock.now()))
                            continue
                        }
                        try await sql.raw("SAVEPOINT samskap_write").run()
                        do {
                            try await PendingEvaluations.$current.withValue(pending) { try await job.body(tx, recorder) }
                            let ids = pending.pathwayIDs
                            if suspects.withLockedValue({ !$0.isDisjoint(with: ids) }) {
                                // Evaluated here, so that its failure takes back this write only.
                                try await pending.run(on: tx, catalog: catalog)
                                suspects.withLockedValue { $0.subtract(ids) }
                            }
                            try await sql.raw("RELEASE SAVEPOINT samskap_write").run()
                            shared.add(pending)
                            audits.append(AuditBatch(events: recorder.events, context: job.context, at: clock.now()))
                        } catch {
                            outcomes.withLockedValue { $0[index] = .failure(error) }
                            // Should this fail, the transaction is broken and all of it is rolled back.
                            try await sql.raw("ROLLBACK TO SAVEPOINT samskap_write").run()
                            try await sql.raw("RELEASE SAVEPOINT samskap_write").run()
                        }
                    }
                    let ids = shared.pathwayIDs
                    do {
                        if try await shared.run(on: tx, catalog: catalog) > 0 { evaluated.withLockedValue { $0 += 1 } }
                        suspects.withLockedValue { $0.subtract(ids) }
                    } catch {
                        if jobs.count > 1 {
                            suspects.withLockedValue { $0.formUnion(ids) }
                            // The whole group fails; the pathways are named so the one at fault can be found.
                            logger.error("The shared re-evaluation of \(ids.count) pathways failed; \(jobs.count) writes are taken back", metadata: [
                                "error": "\(String(reflecting: error))", "pathways": "\(ids.map(\.uuidString).sorted().joined(separator: ","))",
                            ])
                        }
                        throw error
                    }
                    try await AuditLog.append(audits, chainLocked: lockChainFirst, on: tx)
                }
            }
        } catch {
            // Rolled back: nothing of this transaction is kept, so no caller in it succeeded.
            outcomes.withLockedValue { results in
                for index in results.indices {
                    if case .success = results[index] { results[index] = .failure(error) }
                }
            }
        }
        await gate?.release()
        return outcomes.withLockedValue { $0 }
    }
}
