import Fluent
import Foundation
import NIOConcurrencyHelpers

/// The pathways the writes of one transaction have changed, re-evaluated once, together, just
/// before the transaction's audit entries and commit (`Application.write`).
///
/// A write body marks what it changed (`PathwayCriteriaStore.refresh`, `AlertStore.refresh`); the
/// writes of a group commit then share one `PathwayEvaluation` over all their pathways
/// instead of one each, and the evaluation's statements are paid once per group. Since each
/// evaluation reads every input afresh, the criteria, alerts and candidates come out as the last
/// of the group's writes evaluating them would leave them, at the latest `now` of the group (a
/// few milliseconds after the earlier writes' own). A body sees the rows the earlier bodies of its
/// group changed, but their derived state (stored criteria, alerts, "trenger handling") as of
/// before them; no body reads derived state after changing rows today.
final class PendingEvaluations: Sendable {
    private struct State {
        var criteria: [UUID] = []
        var alerts: [UUID] = []
        var now: Date?
    }

    private let state = NIOLockedValueBox(State())

    /// The current write's; outside a write there is none and changes are evaluated at once.
    @TaskLocal static var current: PendingEvaluations?

    /// Marks `ids` for evaluation in `scope` at `now` (the latest `now` of a group is used).
    func add(_ ids: [UUID], scope: PathwayEvaluation.Scope, now: Date) {
        state.withLockedValue { state in
            switch scope {
            case .criteriaAndAlerts: state.criteria += ids
            case .alerts: state.alerts += ids
            }
            state.now = max(state.now ?? now, now)
        }
    }

    /// Takes over what `other` has marked.
    func add(_ other: PendingEvaluations) {
        let taken = other.state.withLockedValue { $0 }
        state.withLockedValue { state in
            state.criteria += taken.criteria
            state.alerts += taken.alerts
            if let now = taken.now { state.now = max(state.now ?? now, now) }
        }
    }

    /// Every pathway marked so far.
    var pathwayIDs: Set<UUID> {
        state.withLockedValue { Set($0.criteria).union($0.alerts) }
    }

    /// Evaluates what is marked and empties the list: the criteria scope first (it brings the
    /// alerts in line as well), then the alerts of the pathways marked for alerts alone. In parts
    /// of `PathwayDailyJob.chunkSize`, so the statements' bound values stay within SQLite's limit.
    /// Returns how many pathways were evaluated.
    @discardableResult
    func run(on db: any Database, catalog: MethodModelCatalog) async throws -> Int {
        let taken = state.withLockedValue { state in
            defer { state = State() }
            return state
        }
        guard let now = taken.now else { return 0 }
        var seen = Set<UUID>()
        let criteria = taken.criteria.filter { seen.insert($0).inserted }
        let alerts = taken.alerts.filter { seen.insert($0).inserted }
        for (ids, scope) in [(criteria, PathwayEvaluation.Scope.criteriaAndAlerts), (alerts, .alerts)] {
            for start in stride(from: 0, to: ids.count, by: PathwayDailyJob.chunkSize) {
                try await PathwayEvaluation.refresh(Array(ids[start ..< min(start + PathwayDailyJob.chunkSize, ids.count)]), scope: scope,
                                                    on: db, now: now, models: { try await catalog.model(id: $0, on: db) })
            }
        }
        return criteria.count + alerts.count
    }
}

extension PathwayEvaluation {
    /// After a change to the pathways, inside the write that made it: marks them for the
    /// evaluation before the commit (`PendingEvaluations`). Outside a write, evaluates them now.
    static func afterChange(
        _ pathwayIDs: [UUID], scope: Scope, on db: any Database, now: Date, models: (UUID) async throws -> MethodModel?
    ) async throws {
        if let pending = PendingEvaluations.current {
            pending.add(pathwayIDs, scope: scope, now: now)
        } else {
            try await refresh(pathwayIDs, scope: scope, on: db, now: now, models: models)
        }
    }
}
