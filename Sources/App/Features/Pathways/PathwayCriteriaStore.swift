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

    /// One obligation of a criterion (see `CriterionObligation`), with copies of its pathway's
    /// office, counselor and method model, so that the quality page counts an office's
    /// obligations from one index (M0018). Always written. Optional because the SQLite columns
    /// are nullable: a row read back without them (which only a write outside this code could
    /// leave) counts as changed, and the pathway's next evaluation rewrites it.
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
        var office_id: UUID?
        var counselor_id: UUID?
        var method_model_id: UUID?
    }

    /// Whose a pathway's obligations are: the copies each of its obligation rows carries.
    struct Owner: Sendable, Equatable {
        var officeID: UUID
        var counselorID: UUID
        var methodModelID: UUID
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
    /// then the pathway's alerts (`PathwayEvaluation`). In the write transaction that changed the
    /// pathway this happens just before the commit, once for all the writes sharing the commit
    /// (`PendingEvaluations`); outside a write, at once.
    static func refresh(pathwayID: UUID, model: MethodModel, on db: any Database, now: Date) async throws {
        try await PathwayEvaluation.afterChange([pathwayID], scope: .criteriaAndAlerts, on: db, now: now, models: { _ in model })
    }

    /// The rows and obligations the criteria of `model` give over `events` (the pathway's own and the
    /// visits that count for it, in the order they happened) at `now`, the obligations marked with
    /// `owner`. Pure.
    static func evaluate(pathwayID: UUID, owner: Owner, model: MethodModel, events: [RuleEvent], now: Date) -> (rows: [Row], obligations: [ObligationRow]) {
        var rows: [Row] = []
        var obligations: [ObligationRow] = []
        for criterion in model.checkedCriteria {
            guard let rule = criterion.rule else { continue }
            let evaluation = CriterionEvaluator.evaluateAll(rule, events: events, now: now)
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
                    resolvable: obligation.result.resolvable, evaluated_at: now,
                    office_id: owner.officeID, counselor_id: owner.counselorID, method_model_id: owner.methodModelID
                )
            }
        }
        return (rows, obligations)
    }

    struct UnknownEventType: Error, CustomStringConvertible {
        var value: String
        var description: String { "Ukjent hendelsestype i pathway_events: «\(value)»." }
    }

    static func load(pathwayID: UUID, on db: any Database) async throws -> [String: Row] {
        try await load(pathwayID: pathwayID, on: db as! any SQLDatabase)
    }

    /// A pathway's stored criteria by criterion id. Pages pass `Request.readDB`.
    static func load(pathwayID: UUID, on sql: any SQLDatabase) async throws -> [String: Row] {
        let rows = try await sql.select().column("*").from("pathway_criteria").where("pathway_id", .equal, pathwayID).all().map(Row.init)
        return Dictionary(rows.map { ($0.criterion_id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

extension PathwayCriteriaStore.Row {
    /// From a row of `pathway_criteria`, column by column: the daily job reads every criterion of
    /// every pathway it evaluates.
    init(_ row: any SQLRow) throws {
        self.init(
            pathway_id: try row.uuid("pathway_id"),
            criterion_id: try row.decode(column: "criterion_id", as: String.self),
            state: try row.decode(column: "state", as: String.self),
            deadline: try row.optional("deadline", as: Date.self),
            limit_at: try row.optional("limit_at", as: Date.self),
            overdue_since: try row.optional("overdue_since", as: Date.self),
            evidence_event_id: try row.uuidIfPresent("evidence_event_id"),
            evidence_at: try row.optional("evidence_at", as: Date.self),
            next_check_at: try row.optional("next_check_at", as: Date.self),
            resolvable: try row.decode(column: "resolvable", as: Bool.self),
            evaluated_at: try row.decode(column: "evaluated_at", as: Date.self)
        )
    }
}
