import Fluent
import Foundation
import SQLKit

/// The stored state of a pathway's quality criteria: rewritten whenever the pathway's events
/// change, and by the daily job when a deadline passes, so pages and counts only read rows.
enum PathwayCriteriaStore {
    struct Row: Codable, Sendable {
        var pathway_id: UUID
        var criterion_id: String
        var state: String
        var deadline: Date?
        var limit_at: Date?
        var overdue_since: Date?
        var evidence_event_id: UUID?
        var evidence_at: Date?
        var next_check_at: Date?
        var resolvable: Bool
        var evaluated_at: Date

        /// Overdue also when the deadline passed after the last evaluation and the daily job has not run yet.
        func effectiveState(now: Date) -> CriterionState {
            let stored = CriterionState(rawValue: state) ?? .notApplicable
            if stored == .due, let deadline, deadline <= now { return .overdue }
            return stored
        }

        /// Overdue and still something the counselor can do something about.
        func needsAction(now: Date) -> Bool { effectiveState(now: now) == .overdue && resolvable }
    }

    /// One obligation of a criterion (see `CriterionObligation`).
    struct ObligationRow: Codable, Sendable {
        var pathway_id: UUID
        var criterion_id: String
        var anchor_event_id: UUID
        var state: String
        var deadline: Date?
        var evidence_event_id: UUID?
        var evidence_at: Date?
        var resolvable: Bool
        var evaluated_at: Date
    }

    /// SQL for "this criterion row is overdue now", on alias `pc`.
    static func overduePredicate(now: Date) -> SQLQueryString {
        "(pc.state = \(bind: CriterionState.overdue.rawValue) OR (pc.state = \(bind: CriterionState.due.rawValue) AND pc.deadline <= \(bind: now)))"
    }

    /// Overdue and still resolvable: what "trenger handling nå" shows.
    static func needsActionPredicate(now: Date) -> SQLQueryString {
        "(pc.resolvable = \(bind: true) AND \(overduePredicate(now: now)))"
    }

    /// Evaluates every checked criterion of the pathway's model over its events and stores the result,
    /// then the pathway's alerts. Runs inside the write transaction that changed the pathway.
    /// Returns the rows written.
    @discardableResult
    static func refresh(pathwayID: UUID, model: MethodModel, on db: any Database, now: Date) async throws -> [Row] {
        // Writers of the same pathway wait for each other (most hold this lock already): an agreement's
        // approval and a logged contact must not rewrite the same rows at once.
        try await DatabaseDialect(db).lockRow("pathways", id: pathwayID, on: db)
        let events = try await ruleEvents(pathwayID: pathwayID, on: db)
        var withVisits = events
        // A visit to an employer counts for every pathway that uses the employer ("visited before
        // use"), also when it was made with another candidate or none.
        let employerIDs = Set(events.compactMap(\.employerID))
        if !employerIDs.isEmpty {
            let ownEvents = Set(events.map(\.id))
            withVisits += try await employerVisits(employerIDs, on: db).filter { visit in visit.event_id.map { !ownEvents.contains($0) } ?? true }.map { visit in
                RuleEvent(id: visit.id, type: .employerVisit, occurredAt: visit.visited_on, employerID: visit.employer_id)
            }
            withVisits.sort { $0.occurredAt < $1.occurredAt }
        }
        let sql = db as! any SQLDatabase
        try await sql.delete(from: "pathway_criteria").where("pathway_id", .equal, pathwayID).run()
        try await sql.delete(from: "pathway_criterion_obligations").where("pathway_id", .equal, pathwayID).run()
        var rows: [Row] = []
        var obligations: [ObligationRow] = []
        for criterion in model.checkedCriteria {
            guard let rule = criterion.rule else { continue }
            let evaluation = CriterionEvaluator.evaluateAll(rule, events: withVisits, now: now)
            let result = evaluation.current
            rows.append(Row(
                pathway_id: pathwayID, criterion_id: criterion.id, state: result.state.rawValue, deadline: result.deadline,
                limit_at: result.limit, overdue_since: result.overdueSince, evidence_event_id: result.evidence?.id,
                evidence_at: result.evidence?.occurredAt, next_check_at: result.nextCheckAt, resolvable: result.resolvable, evaluated_at: now
            ))
            obligations += evaluation.obligations.map { obligation in
                ObligationRow(
                    pathway_id: pathwayID, criterion_id: criterion.id, anchor_event_id: obligation.anchorID, state: obligation.result.state.rawValue,
                    deadline: obligation.result.deadline, evidence_event_id: obligation.result.evidence?.id, evidence_at: obligation.result.evidence?.occurredAt,
                    resolvable: obligation.result.resolvable, evaluated_at: now
                )
            }
        }
        if !rows.isEmpty {
            try await sql.insert(into: "pathway_criteria").models(rows, nilEncodingStrategy: .asNil).run()
        }
        // In chunks: a long pathway can have many obligations, and SQLite limits bound parameters.
        for chunk in stride(from: 0, to: obligations.count, by: 100).map({ Array(obligations[$0..<min($0 + 100, obligations.count)]) }) {
            try await sql.insert(into: "pathway_criterion_obligations").models(chunk, nilEncodingStrategy: .asNil).run()
        }
        // The alerts read the criteria just written, and the events read above.
        try await AlertStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now, events: events)
        return rows
    }

    /// The pathway's events as the rules read them, in the order they happened; withdrawn events stay
    /// in the timeline but count for nothing. Plain rows, not models: this runs on every change.
    static func ruleEvents(pathwayID: UUID, on db: any Database) async throws -> [RuleEvent] {
        struct EventRow: Decodable {
            var id: UUID
            var type: String
            var occurred_at: Date
            var employer_id: UUID?
        }
        let rows = try await (db as! any SQLDatabase).select()
            .columns("id", "type", "occurred_at", "employer_id")
            .from(PathwayEvent.schema)
            .where("pathway_id", .equal, pathwayID)
            .where("withdrawn_at", .is, SQLLiteral.null)
            .orderBy("occurred_at").orderBy("recorded_at")
            .all(decoding: EventRow.self)
        return try rows.map { row in
            guard let type = PathwayEventType(rawValue: row.type) else { throw UnknownEventType(value: row.type) }
            return RuleEvent(id: row.id, type: type, occurredAt: row.occurred_at, employerID: row.employer_id)
        }
    }

    struct UnknownEventType: Error, CustomStringConvertible {
        var value: String
        var description: String { "Ukjent hendelsestype i pathway_events: «\(value)»." }
    }

    private struct VisitRow: Decodable {
        var id: UUID
        var employer_id: UUID
        var visited_on: Date
        var event_id: UUID?
    }

    private static func employerVisits(_ employerIDs: Set<UUID>, on db: any Database) async throws -> [VisitRow] {
        try await (db as! any SQLDatabase).select()
            .columns("id", "employer_id", "visited_on", "event_id")
            .from(EmployerVisit.schema)
            .where("employer_id", .in, Array(employerIDs))
            .all(decoding: VisitRow.self)
    }

    static func load(pathwayID: UUID, on db: any Database) async throws -> [String: Row] {
        let sql = db as! any SQLDatabase
        let rows = try await sql.select().column("*").from("pathway_criteria").where("pathway_id", .equal, pathwayID).all(decoding: Row.self)
        return Dictionary(rows.map { ($0.criterion_id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
