import Fluent
import Foundation
import SQLKit

/// Keeps the stored alerts of a pathway equal to what `AlertRules` says, inside the transaction
/// that changed the pathway (and from the daily job when a time-based condition turns). Pages and
/// the API only read the rows. An alert that no longer holds is resolved — kept, never deleted.
enum AlertStore {
    /// The pathway's alerts from its stored criteria and its rows (`PathwayEvaluation`, alerts scope);
    /// in a write, just before it commits (`PendingEvaluations`).
    static func refresh(pathwayID: UUID, model: MethodModel, on db: any Database, now: Date) async throws {
        try await PathwayEvaluation.afterChange([pathwayID], scope: .alerts, on: db, now: now, models: { _ in model })
    }

    /// Every open pathway of the candidate (its hybrid status changed).
    static func refresh(candidateID: UUID, catalog: MethodModelCatalog, on db: any Database, now: Date) async throws {
        struct Row: Decodable { var id: UUID }
        let ids = try await (db as! any SQLDatabase).raw("""
            SELECT id FROM pathways WHERE candidate_id = \(bind: candidateID) AND status <> \(bind: Pathway.Status.closed.rawValue)
            """).all(decoding: Row.self).map(\.id)
        try await PathwayEvaluation.afterChange(ids, scope: .alerts, on: db, now: now, models: { try await catalog.model(id: $0, on: db) })
    }

    // MARK: - Reading

    /// The open, not snoozed alerts of the user's own candidates, oldest first.
    static func current(for userID: UUID, officeID: UUID, includeSnoozed: Bool = false, on db: any Database, now: Date) async throws -> [Alert] {
        var query = Alert.query(on: db)
            .join(Candidate.self, on: \Alert.$candidate.$id == \Candidate.$id)
            .filter(Candidate.self, \.$counselor.$id == userID)
            .filter(Candidate.self, \.$office.$id == officeID)
            .filter(\.$resolvedAt == nil)
        if !includeSnoozed {
            query = query.group(.or) { $0.filter(\.$snoozedUntil == nil).filter(\.$snoozedUntil <= now) }
        }
        return try await query.sort(\.$since).sort(\.$id).all()
    }

    /// SQL for "the candidate `c` has an open, not snoozed alert", for the portfolio's "trenger handling nå".
    static func openPredicate(now: Date) -> SQLQueryString {
        "EXISTS (SELECT 1 FROM alerts al WHERE al.candidate_id = c.id AND al.resolved_at IS NULL AND (al.snoozed_until IS NULL OR al.snoozed_until <= \(bind: now)))"
    }
}
