import Foundation
import SQLKit

/// The portfolio page's reads besides the list itself: the counselor's column choice and the access
/// requests on both sides. Plain statements on `Request.readDB`, where Fluent's queries (one with a
/// join and two eager loads) took a tenth of the page's CPU on the driver.
enum PortfolioRequestReads {
    /// The user's stored column choice (`Column.parse` reads it).
    static func columns(userID: UUID, on sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("SELECT portfolio_columns FROM users WHERE id = \(bind: userID)").first()?
            .optional("portfolio_columns", as: String.self)
    }

    struct Pending: Sendable {
        var candidateID: UUID
        var candidateName: String
        var requester: String
        /// The requester's office, "number name"; nil for a user without one.
        var requesterOffice: String?
        var reason: String
        var createdAt: Date
    }

    /// Requests not yet decided for the counselor's candidates at the office, oldest first (at most 50).
    static func pending(counselorID: UUID, officeID: UUID, on sql: any SQLDatabase) async throws -> [Pending] {
        try await sql.raw("""
            SELECT r.candidate_id, c.first_name, c.last_name, u.display_name, o.enhet_number, o.name AS office_name, r.reason, r.created_at
            FROM candidate_access_requests r
            JOIN candidates c ON c.id = r.candidate_id
            JOIN users u ON u.id = r.requester_id
            LEFT JOIN offices o ON o.id = u.office_id
            WHERE c.counselor_id = \(bind: counselorID) AND c.office_id = \(bind: officeID) AND r.decided_at IS NULL
            ORDER BY r.created_at
            LIMIT 50
            """).all().map { row in
            Pending(
                candidateID: try row.uuid("candidate_id"),
                candidateName: "\(try row.decode(column: "first_name", as: String.self)) \(try row.decode(column: "last_name", as: String.self))",
                requester: try row.decode(column: "display_name", as: String.self), requesterOffice: try officeLabel(row),
                reason: try row.decode(column: "reason", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self)
            )
        }
    }

    /// "number name" of a requester's office joined in as `enhet_number` and `office_name`; nil
    /// for a user without an office.
    static func officeLabel(_ row: any SQLRow) throws -> String? {
        try row.optional("enhet_number", as: String.self).map { "\($0) \(try row.decode(column: "office_name", as: String.self))" }
    }

    struct Mine: Sendable {
        var candidateID: UUID
        var createdAt: Date
        var decided: Bool
        var approved: Bool
    }

    /// The statement of `mine`; tests read its plan.
    static func mineQuery(requesterID: UUID) -> SQLQueryString {
        """
        SELECT candidate_id, created_at, decided_at, approved FROM candidate_access_requests
        WHERE requester_id = \(bind: requesterID)
        ORDER BY created_at DESC
        LIMIT 20
        """
    }

    /// The user's own latest requests (at most 20), newest first, from the requester index (M0016).
    static func mine(requesterID: UUID, on sql: any SQLDatabase) async throws -> [Mine] {
        try await sql.raw(mineQuery(requesterID: requesterID)).all().map { row in
            Mine(
                candidateID: try row.uuid("candidate_id"), createdAt: try row.decode(column: "created_at", as: Date.self),
                decided: try row.optional("decided_at", as: Date.self) != nil, approved: try row.optional("approved", as: Bool.self) ?? false
            )
        }
    }
}
