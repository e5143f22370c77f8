import Foundation
import SQLKit

/// Evidence from the data beside each of the four premises (DOMAIN.md, seed 000 L244–249),
/// computed live, one SQL statement per premise, on SQLite and PostgreSQL alike.
///
/// The exact rules, as the page also states them:
/// - Premise 1: counselors are the office's active users with the role veileder; of them, those who
///   are the responsible counselor (`counselor_id`) of at least one candidate of the office in
///   hybrid follow-up now (`is_hybrid`).
/// - Premise 2: active pathways are the office's pathways with status `aktiv` and no `closed_at`.
///   Counted are those with an active mentor link (`pathway_mentors.from_date` on or before now and
///   `to_date` empty or after now)
///   **and** workplace contact in the last 30 days (`occurred_at` between now − 30 days and now):
///   a logged contact with the mentor or the employer, or one held at the workplace
///   (`pa_arbeidsplassen`), or a pathway event `mentor_contact` or `employer_followup` that is not
///   withdrawn.
/// - Premise 3: sessions of the office's reflection groups marked as held, not cancelled, starting
///   within the last 90 days; attendances recorded as came in those sessions; and the counselors
///   (as in premise 1) who came to at least one of them.
/// - Premise 4: active pathways (as in premise 2) with at least one resource active now (started on
///   or before now, not ended or ending after now), split into internal and external resources.
struct PremiseEvidence: Sendable, Equatable {
    var counselors: Int
    var counselorsWithHybrid: Int
    var activePathways: Int
    var pathwaysWithMentorAndContact: Int
    var sessionsHeld: Int
    var attendances: Int
    var counselorsAttending: Int
    var pathwaysWithResource: Int
    var pathwaysWithInternal: Int
    var pathwaysWithExternal: Int

    static let contactDays = 30
    static let sessionDays = 90

    static func compute(officeID: UUID, now: Date, on sql: any SQLDatabase) async throws -> PremiseEvidence {
        let counselor: SQLQueryString = """
            u.office_id = \(bind: officeID) AND u.is_active = \(bind: true)
            AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = \(bind: Role.veileder.rawValue))
            """
        let p1: SQLQueryString = """
            SELECT COUNT(*) AS total,
                   COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM candidates c WHERE c.counselor_id = u.id AND c.office_id = \(bind: officeID)
                                                  AND c.is_hybrid = \(bind: true)) THEN 1 ELSE 0 END), 0) AS hits
            FROM users u WHERE \(counselor)
            """
        let p1Row = try await sql.raw(p1).first(decoding: Pair.self) ?? Pair(total: 0, hits: 0)

        let since = now.addingTimeInterval(-Double(contactDays) * 86_400)
        let active: SQLQueryString = "p.office_id = \(bind: officeID) AND p.status = \(bind: Pathway.Status.active.rawValue) AND p.closed_at IS NULL"
        let p2: SQLQueryString = """
            SELECT COUNT(*) AS total,
                   COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM pathway_mentors pm WHERE pm.pathway_id = p.id AND pm.from_date <= \(bind: now) AND (pm.to_date IS NULL OR pm.to_date > \(bind: now)))
                     AND (EXISTS (SELECT 1 FROM contacts k WHERE k.pathway_id = p.id AND k.occurred_at >= \(bind: since) AND k.occurred_at <= \(bind: now)
                                   AND (k.with_whom IN (\(bind: ContactParty.mentor.rawValue), \(bind: ContactParty.employer.rawValue))
                                        OR k.channel = \(bind: ContactChannel.workplace.rawValue)))
                          OR EXISTS (SELECT 1 FROM pathway_events e WHERE e.pathway_id = p.id AND e.withdrawn_at IS NULL
                                   AND e.occurred_at >= \(bind: since) AND e.occurred_at <= \(bind: now)
                                   AND e.type IN (\(bind: PathwayEventType.mentorContact.rawValue), \(bind: PathwayEventType.employerFollowup.rawValue))))
                     THEN 1 ELSE 0 END), 0) AS hits
            FROM pathways p WHERE \(active)
            """
        let p2Row = try await sql.raw(p2).first(decoding: Pair.self) ?? Pair(total: 0, hits: 0)

        let from = now.addingTimeInterval(-Double(sessionDays) * 86_400)
        let held: SQLQueryString = """
            s.office_id = \(bind: officeID) AND s.held_at IS NOT NULL AND s.cancelled_at IS NULL
            AND s.starts_at >= \(bind: from) AND s.starts_at <= \(bind: now)
            """
        let p3: SQLQueryString = """
            SELECT (SELECT COUNT(*) FROM reflection_sessions s WHERE \(held)) AS sessions,
                   (SELECT COUNT(*) FROM reflection_attendance a JOIN reflection_sessions s ON s.id = a.session_id
                     WHERE a.attended = \(bind: true) AND \(held)) AS attendances,
                   (SELECT COUNT(*) FROM users u WHERE \(counselor)
                     AND EXISTS (SELECT 1 FROM reflection_attendance a JOIN reflection_sessions s ON s.id = a.session_id
                                 WHERE a.user_id = u.id AND a.attended = \(bind: true) AND \(held))) AS counselors
            """
        let p3Row = try await sql.raw(p3).first(decoding: Sessions.self) ?? Sessions(sessions: 0, attendances: 0, counselors: 0)

        let internalKinds = PathwayResourceKind.allCases.filter(\.isInternal).map(\.rawValue)
        let externalKinds = PathwayResourceKind.allCases.filter { !$0.isInternal }.map(\.rawValue)
        let resourceActive: SQLQueryString = "pr.pathway_id = p.id AND pr.started_on <= \(bind: now) AND (pr.ended_on IS NULL OR pr.ended_on > \(bind: now))"
        let p4: SQLQueryString = """
            SELECT COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM pathway_resources pr WHERE \(resourceActive)) THEN 1 ELSE 0 END), 0) AS any_kind,
                   COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM pathway_resources pr WHERE \(resourceActive) AND pr.kind IN (\(binds: internalKinds))) THEN 1 ELSE 0 END), 0) AS internal_kind,
                   COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM pathway_resources pr WHERE \(resourceActive) AND pr.kind IN (\(binds: externalKinds))) THEN 1 ELSE 0 END), 0) AS external_kind
            FROM pathways p WHERE \(active)
            """
        let p4Row = try await sql.raw(p4).first(decoding: Resources.self) ?? Resources(any_kind: 0, internal_kind: 0, external_kind: 0)

        return PremiseEvidence(
            counselors: p1Row.total, counselorsWithHybrid: p1Row.hits, activePathways: p2Row.total, pathwaysWithMentorAndContact: p2Row.hits,
            sessionsHeld: p3Row.sessions, attendances: p3Row.attendances, counselorsAttending: p3Row.counselors,
            pathwaysWithResource: p4Row.any_kind, pathwaysWithInternal: p4Row.internal_kind, pathwaysWithExternal: p4Row.external_kind
        )
    }

    private struct Pair: Decodable { var total: Int; var hits: Int }
    private struct Sessions: Decodable { var sessions: Int; var attendances: Int; var counselors: Int }
    private struct Resources: Decodable { var any_kind: Int; var internal_kind: Int; var external_kind: Int }
}
