import Fluent
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

    var writeGate: WriteGate? {
        get { storage[WriteGateKey.self] }
        set { storage[WriteGateKey.self] = newValue }
    }

    /// Runs `body` in one transaction and appends what it recorded to the audit trail in the same
    /// transaction: the change and its audit entries are kept or lost together.
    public func write<T: Sendable>(
        context: AuditContext,
        on db: (any Database)? = nil,
        _ body: @escaping @Sendable (any Database, AuditRecorder) async throws -> T
    ) async throws -> T {
        guard !WriteScope.isOpen else { throw WriteError.nested }
        let db = db ?? self.db
        let dialect = DatabaseDialect(db)
        let gate = dialect == .sqlite ? writeGate : nil
        let clock = samskap.clock
        await gate?.acquire()
        do {
            let result = try await WriteScope.$isOpen.withValue(true) {
                try await db.transaction { tx in
                    // SQLite: make the first statement a write, so the transaction holds the write
                    // lock from the start and cannot fail later on a stale read snapshot.
                    if dialect == .sqlite { try await AuditLog.lockChain(on: tx) }
                    let recorder = AuditRecorder()
                    let result = try await body(tx, recorder)
                    try await AuditLog.append(recorder.events, context: context, at: clock.now(), chainLocked: dialect == .sqlite, on: tx)
                    return result
                }
            }
            await gate?.release()
            return result
        } catch {
            await gate?.release()
            throw error
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
