/// Callers that arrive while a group is being handled wait together for the next group; each
/// caller returns when its own item is done, with its own outcome. The group commit of writes
/// (`WriteBatcher`) and of audit entries (`AuditBatcher`) are built on it.
actor GroupQueue<Item: Sendable> {
    /// At most this many items go in one group.
    let maxItems: Int
    /// Handles one group; returns an outcome per item, in order.
    private let handle: @Sendable ([Item]) async -> [Result<Void, any Error>]
    private var pending: [(item: Item, done: CheckedContinuation<Void, any Error>)] = []
    private var draining = false
    /// Groups handled so far.
    private(set) var groups = 0
    /// Items waiting for the next group.
    var waiting: Int { pending.count }

    init(maxItems: Int, handle: @escaping @Sendable ([Item]) async -> [Result<Void, any Error>]) {
        self.maxItems = maxItems
        self.handle = handle
    }

    func submit(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            pending.append((item, done))
            if !draining {
                draining = true
                // Detached: the caller's task-locals (an open write scope, say) do not belong to the drain.
                Task.detached { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let taken = Array(pending.prefix(maxItems))
            pending.removeFirst(taken.count)
            groups += 1
            let outcomes = await handle(taken.map(\.item))
            for (index, caller) in taken.enumerated() {
                caller.done.resume(with: index < outcomes.count ? outcomes[index] : .failure(GroupQueueError.noOutcome))
            }
        }
        draining = false
    }
}

enum GroupQueueError: Error, CustomStringConvertible {
    case noOutcome

    var description: String { "A group was handled without an outcome for every item." }
}
