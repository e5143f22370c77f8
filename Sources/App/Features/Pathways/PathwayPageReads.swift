import FluentKit
import Foundation
import SQLKit

/// The pathway page's reads, as plain rows in few statements: the facts line (counts and dates
/// from seven tables) is one statement, the timeline one page of events with their names.
///
/// A pathway collects hundreds of events over a few years of follow-up; the page shows the newest
/// `timelinePageSize` and links to older ones by the last event shown (a keyset: stable while
/// events are added, and as fast on the tenth page as on the first).
enum PathwayPageReads {
    static let timelinePageSize = 30

    struct Facts: Sendable {
        var counselor: String?
        var openAlerts: Int
        var nextMeeting: Date?
        var lastContact: Date?
        var activeMentors: Int
        var agreements: Int
        var activeResources: Int
        var firstEmployerContact: Date?
        var events: Int
        /// Events newer than the timeline's cursor, or equal to it: where the shown page starts.
        var newerThanPage: Int
    }

    /// The row of the cursor event, in the timeline's sort key, when it belongs to the pathway.
    private static func cursorKey(_ cursor: UUID, pathwayID: UUID) -> SQLQueryString {
        "(SELECT k.occurred_at, k.recorded_at, k.id FROM pathway_events k WHERE k.id = \(bind: cursor) AND k.pathway_id = \(bind: pathwayID))"
    }

    static func facts(pathwayID: UUID, counselorID: UUID, cursor: UUID?, now: Date, on sql: any SQLDatabase) async throws -> Facts {
        let newer: SQLQueryString = cursor.map { cursor in
            "(SELECT COUNT(*) FROM pathway_events n WHERE n.pathway_id = \(bind: pathwayID) AND (n.occurred_at, n.recorded_at, n.id) >= \(cursorKey(cursor, pathwayID: pathwayID)))"
        } ?? "0"
        let query: SQLQueryString = """
            SELECT
              (SELECT u.display_name FROM users u WHERE u.id = \(bind: counselorID)) AS counselor,
              (SELECT COUNT(*) FROM alerts a WHERE a.pathway_id = \(bind: pathwayID) AND a.resolved_at IS NULL
                 AND (a.snoozed_until IS NULL OR a.snoozed_until <= \(bind: now))) AS open_alerts,
              (SELECT MIN(m.starts_at) FROM meetings m WHERE m.pathway_id = \(bind: pathwayID) AND m.cancelled_at IS NULL
                 AND m.minutes_at IS NULL AND m.starts_at > \(bind: now)) AS next_meeting,
              (SELECT MAX(c.occurred_at) FROM contacts c WHERE c.pathway_id = \(bind: pathwayID)) AS last_contact,
              (SELECT COUNT(*) FROM pathway_mentors pm WHERE pm.pathway_id = \(bind: pathwayID) AND pm.to_date IS NULL) AS active_mentors,
              (SELECT COUNT(*) FROM agreements ag WHERE ag.pathway_id = \(bind: pathwayID) AND ag.annulled_on IS NULL) AS agreements,
              (SELECT COUNT(*) FROM pathway_resources r WHERE r.pathway_id = \(bind: pathwayID)
                 AND (r.ended_on IS NULL OR r.ended_on > \(bind: now))) AS active_resources,
              (SELECT MIN(e.occurred_at) FROM pathway_events e WHERE e.pathway_id = \(bind: pathwayID)
                 AND e.type = \(bind: PathwayEventType.employerContact.rawValue) AND e.withdrawn_at IS NULL) AS first_employer_contact,
              (SELECT COUNT(*) FROM pathway_events t WHERE t.pathway_id = \(bind: pathwayID)) AS events,
              \(newer) AS newer_than_page
            """
        guard let row = try await sql.raw(query).first() else { throw PageReadError.noRow }
        return Facts(
            counselor: try row.optional("counselor", as: String.self),
            openAlerts: try row.decode(column: "open_alerts", as: Int.self),
            nextMeeting: try row.optional("next_meeting", as: Date.self),
            lastContact: try row.optional("last_contact", as: Date.self),
            activeMentors: try row.decode(column: "active_mentors", as: Int.self),
            agreements: try row.decode(column: "agreements", as: Int.self),
            activeResources: try row.decode(column: "active_resources", as: Int.self),
            firstEmployerContact: try row.optional("first_employer_contact", as: Date.self),
            events: try row.decode(column: "events", as: Int.self),
            newerThanPage: try row.decode(column: "newer_than_page", as: Int.self)
        )
    }

    struct Event: Sendable {
        var id: UUID
        var type: PathwayEventType
        var occurredAt: Date
        var recordedAt: Date
        var note: String?
        var withdrawnAt: Date?
        var withdrawnReason: String?
        var employer: String?
        var recordedBy: String
        var withdrawnBy: String?
    }

    /// One page of the timeline, newest first (`id` breaks ties, so a cursor is exact): the events
    /// older than `cursor` (from the newest when nil), at most `limit`.
    static func events(pathwayID: UUID, olderThan cursor: UUID?, limit: Int, on sql: any SQLDatabase) async throws -> [Event] {
        let after: SQLQueryString = cursor.map { "AND (e.occurred_at, e.recorded_at, e.id) < \(cursorKey($0, pathwayID: pathwayID))" } ?? ""
        return try await events(where: "e.pathway_id = \(bind: pathwayID) \(after)", limit: limit, on: sql)
    }

    /// One event of the pathway, or nil when the pathway has no such event.
    static func event(_ id: UUID, pathwayID: UUID, on sql: any SQLDatabase) async throws -> Event? {
        try await events(where: "e.id = \(bind: id) AND e.pathway_id = \(bind: pathwayID)", limit: 1, on: sql).first
    }

    private static func events(where condition: SQLQueryString, limit: Int, on sql: any SQLDatabase) async throws -> [Event] {
        let rows = try await sql.raw("""
            SELECT e.id, e.type, e.occurred_at, e.recorded_at, e.note, e.withdrawn_at, e.withdrawn_reason,
                   em.name AS employer, rb.display_name AS recorded_by, wb.display_name AS withdrawn_by
            FROM pathway_events e
            JOIN users rb ON rb.id = e.recorded_by
            LEFT JOIN employers em ON em.id = e.employer_id
            LEFT JOIN users wb ON wb.id = e.withdrawn_by
            WHERE \(condition)
            ORDER BY e.occurred_at DESC, e.recorded_at DESC, e.id DESC
            LIMIT \(unsafeRaw: String(limit))
            """).all()
        return try rows.map { row in
            let type = try row.decode(column: "type", as: String.self)
            guard let known = PathwayEventType(rawValue: type) else { throw PageReadError.unknownEventType(type) }
            return Event(
                id: try row.uuid("id"), type: known,
                occurredAt: try row.decode(column: "occurred_at", as: Date.self),
                recordedAt: try row.decode(column: "recorded_at", as: Date.self),
                note: try row.optional("note", as: String.self),
                withdrawnAt: try row.optional("withdrawn_at", as: Date.self),
                withdrawnReason: try row.optional("withdrawn_reason", as: String.self),
                employer: try row.optional("employer", as: String.self),
                recordedBy: try row.decode(column: "recorded_by", as: String.self),
                withdrawnBy: try row.optional("withdrawn_by", as: String.self)
            )
        }
    }

    /// The type of each criterion's evidence event, by criterion id: the criteria panel names it.
    static func evidenceTypes(pathwayID: UUID, on sql: any SQLDatabase) async throws -> [String: PathwayEventType] {
        let rows = try await sql.raw("""
            SELECT pc.criterion_id, e.type FROM pathway_criteria pc JOIN pathway_events e ON e.id = pc.evidence_event_id
            WHERE pc.pathway_id = \(bind: pathwayID)
            """).all()
        var types: [String: PathwayEventType] = [:]
        for row in rows {
            if let type = PathwayEventType(rawValue: try row.decode(column: "type", as: String.self)) {
                types[try row.decode(column: "criterion_id", as: String.self)] = type
            }
        }
        return types
    }

    struct Transition: Sendable {
        var kind: PathwayTransition.Kind
        var fromStep: String?
        var toStep: String?
        var at: Date
        var reason: String?
        var by: String
    }

    static func transitions(pathwayID: UUID, on sql: any SQLDatabase) async throws -> [Transition] {
        let rows = try await sql.raw("""
            SELECT t.kind, t.from_step, t.to_step, t.at, t.reason, u.display_name AS by_name
            FROM pathway_transitions t JOIN users u ON u.id = t.by_user
            WHERE t.pathway_id = \(bind: pathwayID) ORDER BY t.at DESC
            """).all()
        return try rows.map { row in
            let kind = try row.decode(column: "kind", as: String.self)
            guard let known = PathwayTransition.Kind(rawValue: kind) else { throw PageReadError.unknownTransition(kind) }
            return Transition(
                kind: known, fromStep: try row.optional("from_step", as: String.self), toStep: try row.optional("to_step", as: String.self),
                at: try row.decode(column: "at", as: Date.self), reason: try row.optional("reason", as: String.self),
                by: try row.decode(column: "by_name", as: String.self)
            )
        }
    }

    /// The office's employers for the event form's menu, by name.
    static func employerOptions(officeID: UUID, on sql: any SQLDatabase) async throws -> [(id: UUID, name: String)] {
        try await sql.raw("SELECT id, name FROM employers WHERE office_id = \(bind: officeID) ORDER BY name").all().map { row in
            (try row.uuid("id"), try row.decode(column: "name", as: String.self))
        }
    }

    enum PageReadError: Error, CustomStringConvertible {
        case noRow
        case unknownEventType(String)
        case unknownTransition(String)

        var description: String {
            switch self {
            case .noRow: "the pathway page's facts gave no row"
            case let .unknownEventType(type): "unknown pathway event type in the database: \(type)"
            case let .unknownTransition(kind): "unknown pathway transition kind in the database: \(kind)"
            }
        }
    }
}
