import FluentKit
import Foundation
import SQLKit

/// "Trenger handling": the moment from which a candidate needs action, kept on the candidate as
/// `candidates.needs_action_at` so that lists count and filter it as one column comparison.
///
/// A candidate needs action at `now` when one of these holds:
/// - an open action item is due (`due_at <= now`);
/// - an open alert is not snoozed, or its snooze has ended (`snoozed_until <= now`);
/// - an active pathway has a resolvable criterion that is overdue, or due with its deadline passed.
///
/// Each of these is a moment, so the candidate needs action exactly when the earliest of them has
/// come: `needs_action_at <= now`. An unsnoozed alert and an overdue criterion count from
/// `always`, a moment before any `now`. NULL means nothing can make the candidate need action until
/// one of those rows changes.
///
/// Derived state: every write that changes one of those rows calls `refresh` in its transaction
/// (alerts and criteria through `PathwayEvaluation`, a snooze, a pathway's status). The test suite
/// checks after every test that no candidate's value differs from a fresh computation (`stale`).
enum NeedsAction {
    /// Before any `now`: what counts from the moment it exists.
    static let always = Date(timeIntervalSince1970: 0)

    /// The predicate on candidates `c` at `now`.
    static func predicate(now: Date) -> SQLQueryString {
        "c.needs_action_at <= \(bind: now)"
    }

    /// The earliest moment from which the candidate whose id is `candidateID` needs action, from the
    /// rows themselves (NULL: none). The criteria are read per active pathway, by the pathway's key:
    /// as a join, SQLite chose the criteria's state index and read every overdue criterion in the
    /// database for each candidate (`EXPLAIN QUERY PLAN`).
    static func earliest(_ candidateID: SQLQueryString) -> SQLQueryString {
        """
        (SELECT MIN(needs.at) FROM (
            SELECT a.due_at AS at FROM action_items a WHERE a.candidate_id = \(candidateID) AND a.resolved_at IS NULL
            UNION ALL
            SELECT COALESCE(al.snoozed_until, \(bind: always)) AS at FROM alerts al WHERE al.candidate_id = \(candidateID) AND al.resolved_at IS NULL
            UNION ALL
            SELECT (SELECT MIN(CASE WHEN pc.state = \(bind: CriterionState.overdue.rawValue) THEN \(bind: always) ELSE pc.deadline END)
                    FROM pathway_criteria pc
                    WHERE pc.pathway_id = p.id AND pc.resolvable = \(bind: true)
                      AND (pc.state = \(bind: CriterionState.overdue.rawValue) OR (pc.state = \(bind: CriterionState.due.rawValue) AND pc.deadline IS NOT NULL))) AS at
            FROM pathways p
            WHERE p.candidate_id = \(candidateID) AND p.status = \(bind: Pathway.Status.active.rawValue)
        ) needs)
        """
    }

    /// Recomputes one candidate's value, inside the write that changed its rows.
    static func refresh(candidateID: UUID, on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("""
            UPDATE candidates SET needs_action_at = \(earliest("candidates.id")) WHERE id = \(bind: candidateID)
            """).run()
    }

    /// Recomputes several candidates' values with one statement (the daily job's pathways).
    static func refresh(candidateIDs: [UUID], on sql: any SQLDatabase) async throws {
        guard !candidateIDs.isEmpty else { return }
        try await sql.raw("""
            UPDATE candidates SET needs_action_at = \(earliest("candidates.id")) WHERE id IN (\(binds: candidateIDs))
            """).run()
    }

    /// Recomputes every candidate's value: after a bulk load, and when the column is added.
    static func refreshAll(on sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE candidates SET needs_action_at = \(earliest("candidates.id"))").run()
    }

    /// Candidates whose stored value differs from a fresh computation: a writer that forgot to call
    /// `refresh`. Empty when the derived state is right.
    static func stale(on db: any Database) async throws -> [UUID] {
        struct Row: Decodable {
            var id: UUID
            var needs_action_at: Date?
            var fresh: Date?
        }
        let rows = try await (db as! any SQLDatabase).raw("""
            SELECT c.id, c.needs_action_at, \(earliest("c.id")) AS fresh FROM candidates c
            """).all(decoding: Row.self)
        return rows.filter { $0.needs_action_at != $0.fresh }.map(\.id)
    }
}
