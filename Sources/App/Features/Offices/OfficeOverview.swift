import Foundation
import SQLKit

/// The leader's picture of an office: per counselor, portfolio size, hybrid candidates, items that
/// need action and last activity — counts only, never a candidate's name. One SQL query.
struct OfficeOverviewQuery: Sendable {
    var officeID: UUID
    var now: Date

    struct Row: Decodable, Sendable {
        var id: UUID
        var display_name: String
        var last_login_at: Date?
        var active: Int
        var is_counselor: Int
        var portfolio: Int
        var hybrid: Int
        var needs_action: Int
        var last_contact_at: Date?
        var handovers_in: Int
    }

    /// What premise 1 asks of each hybrid counselor, as the office has set it.
    enum HybridFlag: String, Sendable {
        /// No candidate in close follow-up: premise 1 is not met.
        case none
        case belowMinimum = "below"
        case withinRange = "ok"
        case aboveMaximum = "above"

        static func of(hybrid: Int, min: Int, max: Int) -> HybridFlag {
            if hybrid == 0 { return .none }
            if hybrid < min { return .belowMinimum }
            if hybrid > max { return .aboveMaximum }
            return .withinRange
        }
    }

    /// Each staff member at the office with their candidates' counts. The candidates are counted per
    /// counselor first, from `candidates_office_idx` alone (M0015): every column the count takes is in
    /// it, and it is in counselor order, so the counts need no sorting. Joining the candidates to the
    /// staff first and grouping the joined rows made SQLite sort all of them (about 2 000 at a
    /// national office): the query took twice as long.
    var query: SQLQueryString {
        let yearAgo = now.addingTimeInterval(-365 * 86_400)
        return """
            SELECT u.id, u.display_name, u.last_login_at, CASE WHEN u.is_active = \(bind: true) THEN 1 ELSE 0 END AS active,
                   CASE WHEN EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = \(bind: Role.veileder.rawValue)) THEN 1 ELSE 0 END AS is_counselor,
                   COALESCE(k.portfolio, 0) AS portfolio, COALESCE(k.hybrid, 0) AS hybrid, COALESCE(k.needs_action, 0) AS needs_action,
                   k.last_contact_at,
                   (SELECT COUNT(*) FROM counselor_assignments ca
                     WHERE ca.to_counselor_id = u.id AND ca.from_counselor_id IS NOT NULL AND ca.changed_at >= \(bind: yearAgo)) AS handovers_in
            FROM users u
            LEFT JOIN (
                SELECT c.counselor_id, COUNT(*) AS portfolio,
                       SUM(CASE WHEN c.is_hybrid = \(bind: true) THEN 1 ELSE 0 END) AS hybrid,
                       SUM(CASE WHEN \(PortfolioFilter.needsAction.predicate(now: now)) THEN 1 ELSE 0 END) AS needs_action,
                       MAX(c.last_contact_at) AS last_contact_at
                FROM candidates c
                WHERE c.office_id = \(bind: officeID)
                GROUP BY c.counselor_id
            ) k ON k.counselor_id = u.id
            WHERE u.office_id = \(bind: officeID)
            ORDER BY u.display_name, u.id
            """
    }

    func rows(on sql: any SQLDatabase) async throws -> [Row] {
        let rows = try await sql.raw(query).all(decoding: Row.self)
        // Active counselors always; anyone else — a deactivated counselor too — while a candidate is
        // still theirs, so no candidate drops out of the office's totals.
        return rows.filter { ($0.is_counselor == 1 && $0.active == 1) || $0.portfolio > 0 }
    }
}
