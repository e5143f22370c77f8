import FluentKit
import Foundation
import SQLKit

/// The candidate page's lists as plain rows with the names joined in: the counselor history, the
/// hybrid periods, who has looked, and the pathways with their overdue criteria. One statement
/// each, where the models took one per relation (and Fluent spent a tenth of the page's time
/// writing the SQL of those queries).
enum CandidatePageReads {
    struct Assignment: Sendable {
        var changedAt: Date
        var from: String?
        var to: String
        var changedBy: String
        var situation: String?
        var agreements: String?
        var mentor: String?
        var nextMeeting: String?
        var promised: String?
    }

    /// The counselor changes of the candidate, newest first.
    static func assignments(candidateID: UUID, on sql: any SQLDatabase) async throws -> [Assignment] {
        try await assignmentRows(where: "a.candidate_id = \(bind: candidateID)", on: sql).map(\.assignment)
    }

    /// The latest handover note to `counselorID` that they have not opened yet, with its id.
    static func unseenHandover(candidateID: UUID, to counselorID: UUID, on sql: any SQLDatabase) async throws -> (id: UUID, assignment: Assignment)? {
        try await assignmentRows(
            where: "a.candidate_id = \(bind: candidateID) AND a.to_counselor_id = \(bind: counselorID) AND a.seen_at IS NULL", limit: 1, on: sql
        ).first
    }

    private static func assignmentRows(where condition: SQLQueryString, limit: Int? = nil, on sql: any SQLDatabase) async throws -> [(id: UUID, assignment: Assignment)] {
        try await sql.raw("""
            SELECT a.id, a.changed_at, f.display_name AS from_name, t.display_name AS to_name, b.display_name AS by_name,
                   a.situation, a.agreements, a.mentor, a.next_meeting, a.promised
            FROM counselor_assignments a
            JOIN users t ON t.id = a.to_counselor_id
            JOIN users b ON b.id = a.changed_by
            LEFT JOIN users f ON f.id = a.from_counselor_id
            WHERE \(condition)
            ORDER BY a.changed_at DESC\(unsafeRaw: limit.map { " LIMIT \($0)" } ?? "")
            """).all().map { row in
            (try row.uuid("id"), Assignment(
                changedAt: try row.decode(column: "changed_at", as: Date.self), from: try row.optional("from_name", as: String.self),
                to: try row.decode(column: "to_name", as: String.self), changedBy: try row.decode(column: "by_name", as: String.self),
                situation: try row.optional("situation", as: String.self), agreements: try row.optional("agreements", as: String.self),
                mentor: try row.optional("mentor", as: String.self), nextMeeting: try row.optional("next_meeting", as: String.self),
                promised: try row.optional("promised", as: String.self)
            ))
        }
    }

    struct OpenRequest: Sendable {
        var id: UUID
        var requester: String
        /// The requester's office, "number name"; nil for a user without one.
        var office: String?
        var reason: String
        var createdAt: Date
    }

    /// Requests for access to the candidate that nobody has decided yet, oldest first.
    static func openRequests(candidateID: UUID, on sql: any SQLDatabase) async throws -> [OpenRequest] {
        try await sql.raw("""
            SELECT r.id, u.display_name, o.enhet_number, o.name AS office_name, r.reason, r.created_at
            FROM candidate_access_requests r
            JOIN users u ON u.id = r.requester_id
            LEFT JOIN offices o ON o.id = u.office_id
            WHERE r.candidate_id = \(bind: candidateID) AND r.decided_at IS NULL
            ORDER BY r.created_at
            """).all().map { row in
            OpenRequest(
                id: try row.uuid("id"), requester: try row.decode(column: "display_name", as: String.self),
                office: try PortfolioRequestReads.officeLabel(row), reason: try row.decode(column: "reason", as: String.self),
                createdAt: try row.decode(column: "created_at", as: Date.self)
            )
        }
    }

    struct Period: Sendable {
        var startedOn: Date
        var endedOn: Date?
        var reason: String
        var endReason: String?
        var counselor: String
    }

    /// The candidate's periods in the hybrid model, newest first.
    static func hybridPeriods(candidateID: UUID, on sql: any SQLDatabase) async throws -> [Period] {
        try await sql.raw("""
            SELECT h.started_on, h.ended_on, h.reason, h.end_reason, u.display_name
            FROM hybrid_periods h JOIN users u ON u.id = h.counselor_id
            WHERE h.candidate_id = \(bind: candidateID)
            ORDER BY h.started_on DESC
            """).all().map { row in
            Period(
                startedOn: try row.decode(column: "started_on", as: Date.self), endedOn: try row.optional("ended_on", as: Date.self),
                reason: try row.decode(column: "reason", as: String.self), endReason: try row.optional("end_reason", as: String.self),
                counselor: try row.decode(column: "display_name", as: String.self)
            )
        }
    }

    struct Look: Sendable {
        var occurredAt: Date
        var actor: String?
        var action: String
        var outcome: String
        var detail: String?
    }

    /// The newest audit entries about the candidate: only the columns the page shows.
    static func looks(candidateID: UUID, limit: Int, on sql: any SQLDatabase) async throws -> [Look] {
        try await sql.raw("""
            SELECT occurred_at, actor_username, action, outcome, detail FROM audit_entries
            WHERE object_type = \(bind: AuditObjectType.candidate) AND object_id = \(bind: candidateID.uuidString)
            ORDER BY seq DESC LIMIT \(unsafeRaw: String(limit))
            """).all().map { row in
            Look(
                occurredAt: try row.decode(column: "occurred_at", as: Date.self), actor: try row.optional("actor_username", as: String.self),
                action: try row.decode(column: "action", as: String.self), outcome: try row.decode(column: "outcome", as: String.self),
                detail: try row.optional("detail", as: String.self)
            )
        }
    }

    struct PathwaySummary: Sendable {
        var id: UUID
        var methodModelID: UUID
        var status: Pathway.Status
        var currentStep: String
        var referralDate: Date
        /// Criteria that need action now (overdue and resolvable); counted for every status.
        var needingAction: Int
    }

    /// The candidate's pathways, newest referral first, with how many criteria need action now.
    static func pathways(candidateID: UUID, now: Date, on sql: any SQLDatabase) async throws -> [PathwaySummary] {
        try await sql.raw("""
            SELECT p.id, p.method_model_id, p.status, p.current_step, p.referral_date,
                   (SELECT COUNT(*) FROM pathway_criteria pc WHERE pc.pathway_id = p.id AND \(PathwayCriteriaStore.needsActionPredicate(now: now))) AS needing
            FROM pathways p WHERE p.candidate_id = \(bind: candidateID)
            ORDER BY p.referral_date DESC
            """).all().map { row in
            let status = try row.decode(column: "status", as: String.self)
            guard let known = Pathway.Status(rawValue: status) else { throw CandidatePageReadError.unknownStatus(status) }
            return PathwaySummary(
                id: try row.uuid("id"), methodModelID: try row.uuid("method_model_id"),
                status: known, currentStep: try row.decode(column: "current_step", as: String.self),
                referralDate: try row.decode(column: "referral_date", as: Date.self), needingAction: try row.decode(column: "needing", as: Int.self)
            )
        }
    }

    enum CandidatePageReadError: Error, CustomStringConvertible {
        case unknownStatus(String)

        var description: String {
            switch self {
            case let .unknownStatus(status): "unknown pathway status in the database: \(status)"
            }
        }
    }
}
