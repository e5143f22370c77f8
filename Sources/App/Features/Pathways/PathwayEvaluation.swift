import Fluent
import Foundation
import SQLKit

/// Brings the derived state of pathways in line with their rows: the stored criteria with their
/// obligations, the open alerts and when they next need a look, and on the candidate the next
/// meeting and "trenger handling". Runs inside the write transaction that changed the pathways.
///
/// One pathway (every write to it) and many (the daily job, a visit to an employer) take the same
/// statements: each input is read for all the pathways at once, and only what changed is written.
/// A pathway whose criteria come out as they were stored gets its evaluation time renewed and
/// nothing else. Dates are compared to the millisecond: the databases keep microseconds, and a
/// moment computed in memory can differ from its stored copy in the last bits.
enum PathwayEvaluation {
    enum Scope: Sendable, Equatable {
        /// The criteria from the events, then the alerts: after a change to the pathway's events.
        case criteriaAndAlerts
        /// The alerts alone, from the stored criteria: after a change no criterion reads (a meeting,
        /// the hybrid status, a deadline of an alert passing).
        case alerts
    }

    /// Re-evaluates the pathways and returns, for the criteria scope, each pathway's criteria as
    /// evaluated now. A pathway that does not exist, or whose method model `models` does not know,
    /// is left as it is.
    @discardableResult
    static func refresh(
        _ pathwayIDs: [UUID], scope: Scope, on db: any Database, now: Date,
        models: (UUID) async throws -> MethodModel?
    ) async throws -> [UUID: [PathwayCriteriaStore.Row]] {
        var unique = Set<UUID>()
        let ids = pathwayIDs.filter { unique.insert($0).inserted }
        guard !ids.isEmpty else { return [:] }
        let sql = db as! any SQLDatabase
        // Writers of the same pathways wait for each other (most callers hold the lock already).
        try await DatabaseDialect(db).lockRows("pathways", ids: ids, on: db)

        let facts = try await Facts.load(ids, on: sql)
        var model: [UUID: MethodModel] = [:]
        var byVersion: [UUID: MethodModel?] = [:]
        for id in ids {
            guard let fact = facts[id] else { continue }
            if byVersion[fact.method_model_id] == nil { byVersion[fact.method_model_id] = .some(try await models(fact.method_model_id)) }
            if let found = byVersion[fact.method_model_id] ?? nil { model[id] = found }
        }
        let present = ids.filter { model[$0] != nil }
        guard !present.isEmpty else { return [:] }

        let events = try await ruleEvents(present, on: sql)
        let stored = try await storedCriteria(present, on: sql)
        let current = scope == .criteriaAndAlerts
            ? try await evaluateCriteria(present, facts: facts, models: model, events: events, stored: stored, on: sql, now: now)
            : stored
        try await refreshAlerts(present, facts: facts, models: model, events: events, criteria: current, on: db, now: now)
        // In id order, so that two writers update the same candidates' next meetings in the same order.
        let candidates = Array(Set(present.compactMap { facts[$0]?.candidate_id }))
        try await refreshCandidates(candidates, facts: facts, on: sql, now: now)
        return scope == .criteriaAndAlerts ? current : [:]
    }

    // MARK: - Reading

    /// What the alerts read of a pathway and its candidate and office.
    private struct Facts: Decodable {
        var id: UUID
        var candidate_id: UUID
        var office_id: UUID
        var counselor_id: UUID
        var method_model_id: UUID
        var status: String
        var referral_date: Date
        var alerts_check_at: Date?
        var is_hybrid: Bool
        var hybrid_since: Date?
        var next_meeting_at: Date?
        var no_contact_alert_days: Int

        static func load(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [UUID: Facts] {
            let rows = try await sql.raw("""
                SELECT p.id, p.candidate_id, p.office_id, p.counselor_id, p.method_model_id, p.status, p.referral_date, p.alerts_check_at,
                       c.is_hybrid, c.hybrid_since, c.next_meeting_at, o.no_contact_alert_days
                FROM pathways p JOIN candidates c ON c.id = p.candidate_id JOIN offices o ON o.id = p.office_id
                WHERE p.id IN (\(binds: ids))
                """).all(decoding: Facts.self)
            return Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Read from the index by pathway alone, in its order (M0017).
    static func ruleEventsQuery(_ ids: [UUID]) -> SQLQueryString {
        """
        SELECT pathway_id, id, type, occurred_at, employer_id FROM pathway_events
        WHERE pathway_id IN (\(binds: ids)) AND withdrawn_at IS NULL
        ORDER BY pathway_id, occurred_at, recorded_at, id
        """
    }

    /// The pathways' events as the rules read them, each pathway's in the order they happened;
    /// withdrawn events stay in the timeline but count for nothing.
    private static func ruleEvents(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [UUID: [RuleEvent]] {
        let rows = try await sql.raw(ruleEventsQuery(ids)).all()
        var events: [UUID: [RuleEvent]] = [:]
        // One pathway (every write to it): its id is known, not read again from each row.
        let only = ids.count == 1 ? ids.first : nil
        for row in rows {
            let raw = try row.decode(column: "type", as: String.self)
            guard let type = PathwayEventType(rawValue: raw) else { throw PathwayCriteriaStore.UnknownEventType(value: raw) }
            events[try only ?? row.uuid("pathway_id"), default: []].append(RuleEvent(
                id: try row.uuid("id"), type: type, occurredAt: try row.decode(column: "occurred_at", as: Date.self),
                employerID: try row.uuidIfPresent("employer_id")))
        }
        return events
    }

    private static func storedCriteria(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [UUID: [PathwayCriteriaStore.Row]] {
        let rows = try await sql.raw("SELECT * FROM pathway_criteria WHERE pathway_id IN (\(binds: ids))").all()
        return Dictionary(grouping: try rows.map(PathwayCriteriaStore.Row.init), by: \.pathway_id)
    }

    // MARK: - Criteria

    private static func evaluateCriteria(
        _ ids: [UUID], facts: [UUID: Facts], models: [UUID: MethodModel], events: [UUID: [RuleEvent]], stored: [UUID: [PathwayCriteriaStore.Row]],
        on sql: any SQLDatabase, now: Date
    ) async throws -> [UUID: [PathwayCriteriaStore.Row]] {
        // A visit to an employer counts for every pathway that uses the employer ("visited before
        // use"), also when it was made with another candidate or none.
        struct Visit: Decodable {
            var id: UUID
            var employer_id: UUID
            var visited_on: Date
            var event_id: UUID?
        }
        let employerIDs = Set(ids.flatMap { (events[$0] ?? []).compactMap(\.employerID) })
        var visits: [UUID: [Visit]] = [:]
        if !employerIDs.isEmpty {
            let rows = try await sql.raw("""
                SELECT id, employer_id, visited_on, event_id FROM employer_visits
                WHERE employer_id IN (\(binds: Array(employerIDs))) ORDER BY visited_on, id
                """).all(decoding: Visit.self)
            visits = Dictionary(grouping: rows, by: \.employer_id)
        }
        let obligationRows = try await sql.raw("""
            SELECT pathway_id, criterion_id, anchor_event_id, state, deadline, evidence_event_id, evidence_at, resolvable,
                   office_id, counselor_id, method_model_id
            FROM pathway_criterion_obligations WHERE pathway_id IN (\(binds: ids))
            """).all().map { row in
                PathwayCriteriaStore.ObligationRow(
                    pathway_id: try row.uuid("pathway_id"), criterion_id: try row.decode(column: "criterion_id", as: String.self),
                    anchor_event_id: try row.uuid("anchor_event_id"), state: try row.decode(column: "state", as: String.self),
                    deadline: try row.optional("deadline", as: Date.self), evidence_event_id: try row.uuidIfPresent("evidence_event_id"),
                    evidence_at: try row.optional("evidence_at", as: Date.self), resolvable: try row.decode(column: "resolvable", as: Bool.self),
                    evaluated_at: now, office_id: try row.uuidIfPresent("office_id"), counselor_id: try row.uuidIfPresent("counselor_id"),
                    method_model_id: try row.uuidIfPresent("method_model_id"))
            }
        let storedObligations = Dictionary(grouping: obligationRows, by: \.pathway_id)

        var current: [UUID: [PathwayCriteriaStore.Row]] = [:]
        var rowsToWrite: [PathwayCriteriaStore.Row] = [], criteriaChanged: [UUID] = [], criteriaKept: [UUID] = []
        var obligationsToWrite: [PathwayCriteriaStore.ObligationRow] = [], obligationsChanged: [UUID] = [], obligationsKept: [UUID] = []
        for id in ids {
            guard let model = models[id], let fact = facts[id] else { continue }
            let own = events[id] ?? []
            var withVisits = own
            let employers = Set(own.compactMap(\.employerID))
            if !employers.isEmpty {
                let ownIDs = Set(own.map(\.id))
                let others = visits.filter { employers.contains($0.key) }.values.joined()
                    .filter { visit in visit.event_id.map { !ownIDs.contains($0) } ?? true }
                    .sorted { ($0.visited_on, $0.id.uuidString) < ($1.visited_on, $1.id.uuidString) }
                withVisits += others.map { RuleEvent(id: $0.id, type: .employerVisit, occurredAt: $0.visited_on, employerID: $0.employer_id) }
                withVisits.sort { $0.occurredAt < $1.occurredAt }
            }
            let owner = PathwayCriteriaStore.Owner(officeID: fact.office_id, counselorID: fact.counselor_id, methodModelID: fact.method_model_id)
            let (rows, obligations) = PathwayCriteriaStore.evaluate(pathwayID: id, owner: owner, model: model, events: withVisits, now: now)
            current[id] = rows
            if sameCriteria(rows, stored[id] ?? []) {
                criteriaKept.append(id)
            } else {
                criteriaChanged.append(id)
                rowsToWrite += rows
            }
            if sameObligations(obligations, storedObligations[id] ?? []) {
                obligationsKept.append(id)
            } else {
                obligationsChanged.append(id)
                obligationsToWrite += obligations
            }
        }
        try await store("pathway_criteria", kept: criteriaKept, changed: criteriaChanged, rows: rowsToWrite, on: sql, now: now)
        try await store("pathway_criterion_obligations", kept: obligationsKept, changed: obligationsChanged, rows: obligationsToWrite, on: sql, now: now)
        return current
    }

    /// Renews the evaluation time of the kept pathways' rows in `table`, and replaces the changed
    /// pathways' rows with `rows`.
    private static func store<Row: Encodable & Sendable>(
        _ table: String, kept: [UUID], changed: [UUID], rows: [Row], on sql: any SQLDatabase, now: Date
    ) async throws {
        if !kept.isEmpty {
            try await sql.raw("UPDATE \(ident: table) SET evaluated_at = \(bind: now) WHERE pathway_id IN (\(binds: kept))").run()
        }
        if !changed.isEmpty {
            try await sql.raw("DELETE FROM \(ident: table) WHERE pathway_id IN (\(binds: changed))").run()
        }
        // In parts: SQLite limits the bound values of one statement.
        for start in stride(from: 0, to: rows.count, by: 1_000) {
            try await sql.insert(into: table).models(Array(rows[start ..< min(start + 1_000, rows.count)]), nilEncodingStrategy: .asNil).run()
        }
    }

    /// The same moment as stored (to the millisecond), or both absent.
    static func sameMoment(_ a: Date?, _ b: Date?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case let (a?, b?): abs(a.timeIntervalSince(b)) < 0.001
        default: false
        }
    }

    /// The criteria say the same as the stored rows, the evaluation time aside.
    private static func sameCriteria(_ new: [PathwayCriteriaStore.Row], _ old: [PathwayCriteriaStore.Row]) -> Bool {
        guard new.count == old.count else { return false }
        let byID = Dictionary(old.map { ($0.criterion_id, $0) }, uniquingKeysWith: { first, _ in first })
        return new.allSatisfy { row in
            guard let was = byID[row.criterion_id] else { return false }
            return row.state == was.state && row.evidence_event_id == was.evidence_event_id && row.resolvable == was.resolvable
                && sameMoment(row.deadline, was.deadline) && sameMoment(row.limit_at, was.limit_at)
                && sameMoment(row.overdue_since, was.overdue_since) && sameMoment(row.evidence_at, was.evidence_at)
                && sameMoment(row.next_check_at, was.next_check_at)
        }
    }

    /// The obligations say the same as the stored rows, the evaluation time aside, and the stored
    /// rows carry the pathway's office, counselor and model as they are now (M0018).
    private static func sameObligations(_ new: [PathwayCriteriaStore.ObligationRow], _ old: [PathwayCriteriaStore.ObligationRow]) -> Bool {
        guard new.count == old.count else { return false }
        struct Key: Hashable { var criterion: String; var anchor: UUID }
        let byKey = Dictionary(old.map { (Key(criterion: $0.criterion_id, anchor: $0.anchor_event_id), $0) }, uniquingKeysWith: { first, _ in first })
        return new.allSatisfy { row in
            guard let was = byKey[Key(criterion: row.criterion_id, anchor: row.anchor_event_id)] else { return false }
            return row.state == was.state && row.evidence_event_id == was.evidence_event_id && row.resolvable == was.resolvable
                && sameMoment(row.deadline, was.deadline) && sameMoment(row.evidence_at, was.evidence_at)
                && row.office_id == was.office_id && row.counselor_id == was.counselor_id && row.method_model_id == was.method_model_id
        }
    }

    // MARK: - Alerts

    private static func refreshAlerts(
        _ ids: [UUID], facts: [UUID: Facts], models: [UUID: MethodModel], events: [UUID: [RuleEvent]],
        criteria: [UUID: [PathwayCriteriaStore.Row]], on db: any Database, now: Date
    ) async throws {
        let sql = db as! any SQLDatabase
        // Only what the rules read of a meeting; the minutes and agenda can be long.
        struct MeetingRow {
            var pathway_id: UUID
            var starts_at: Date
            var minutes_at: Date?
            var event_id: UUID?
            var participants: String
        }
        let meetingRows = try await sql.raw("""
            SELECT pathway_id, starts_at, minutes_at, event_id, participants FROM meetings
            WHERE pathway_id IN (\(binds: ids)) AND cancelled_at IS NULL
            """).all().map { row in
                MeetingRow(pathway_id: try row.uuid("pathway_id"), starts_at: try row.decode(column: "starts_at", as: Date.self),
                           minutes_at: try row.optional("minutes_at", as: Date.self), event_id: try row.uuidIfPresent("event_id"),
                           participants: try row.decode(column: "participants", as: String.self))
            }
        let meetings = Dictionary(grouping: meetingRows, by: \.pathway_id)
        let agreements = try await AgreementTimeline.approvedTimelines(pathwayIDs: ids, on: db)
        let openAlerts = try await sql.select().column("*").from(Alert.schema)
            .where("pathway_id", .in, ids).where("resolved_at", .is, SQLLiteral.null).models(Alert.self)
        let open = Dictionary(grouping: openAlerts, by: \.$pathway.id)
        let workplaceTypes: Set<PathwayEventType> = [.mentorContact, .employerFollowup, .evaluationMeeting, .firstWorkdayContact, .employerVisit]

        for id in ids {
            guard let fact = facts[id], let model = models[id] else { continue }
            let events = events[id] ?? []
            let meetings = meetings[id] ?? []
            var workplace = events.filter { workplaceTypes.contains($0.type) }.map(\.occurredAt)
            // A held meeting whose event was withdrawn (recorded by mistake) no longer counts.
            let activeEvents = Set(events.map(\.id))
            for meeting in meetings where meeting.minutes_at != nil && (meeting.event_id.map(activeEvents.contains) ?? true) {
                if Meeting.includesWorkplace(participantsJSON: meeting.participants) { workplace.append(meeting.starts_at) }
            }
            let texts = Dictionary(model.criteria.map { ($0.id, $0.text) }, uniquingKeysWith: { first, _ in first })
            let snapshot = AlertRules.Snapshot(
                pathwayActive: fact.status == Pathway.Status.active.rawValue,
                candidateIsHybrid: fact.is_hybrid,
                followUpSince: max(fact.referral_date, fact.hybrid_since ?? .distantPast),
                noContactDays: fact.no_contact_alert_days,
                events: events.map { ($0.type, $0.occurredAt) },
                workplaceContacts: workplace,
                criteria: (criteria[id] ?? []).sorted { $0.criterion_id < $1.criterion_id }
                    .map { AlertRules.Criterion(id: $0.criterion_id, text: texts[$0.criterion_id] ?? $0.criterion_id, row: $0) },
                agreements: (agreements[id] ?? []).map { agreement in
                    AlertRules.AgreementFacts(id: agreement.id, type: agreement.type, start: agreement.approved.start,
                                              end: agreement.approved.end, lastExtension: agreement.approved.extensions.last)
                },
                plannedMeetings: meetings.filter { $0.minutes_at == nil }.map(\.starts_at),
                lastHeldMeeting: meetings.filter { $0.minutes_at != nil }.map(\.starts_at).max()
            )
            let (wanted, nextCheck) = AlertRules.evaluate(snapshot, now: now)

            var byKey: [String: Alert] = [:]
            for alert in open[id] ?? [] where alert.kind.isDerived { byKey["\(alert.kind.rawValue)|\(alert.subject)"] = alert }
            for item in wanted {
                let key = "\(item.kind.rawValue)|\(item.subject)"
                if let alert = byKey.removeValue(forKey: key) {
                    if !sameMoment(alert.since, item.since) || alert.reasonArgs != item.args {
                        alert.since = item.since
                        alert.reasonArgs = item.args
                        try await alert.save(on: db)
                    }
                } else {
                    let alert = Alert()
                    alert.$pathway.id = id
                    alert.$candidate.id = fact.candidate_id
                    alert.$office.id = fact.office_id
                    alert.kind = item.kind
                    alert.subject = item.subject
                    alert.since = item.since
                    alert.reasonArgs = item.args
                    alert.openedAt = now
                    try await alert.create(on: db)
                }
            }
            // An alert that no longer holds is resolved: kept, never deleted.
            let resolved = byKey.values.compactMap(\.id)
            if !resolved.isEmpty {
                try await sql.raw("UPDATE alerts SET resolved_at = \(bind: now) WHERE id IN (\(binds: resolved))").run()
            }
            if !sameMoment(fact.alerts_check_at, nextCheck) {
                let value: any SQLExpression = nextCheck.map { SQLBind($0) } ?? SQLLiteral.null
                try await sql.raw("UPDATE pathways SET alerts_check_at = \(value) WHERE id = \(bind: id)").run()
            }
        }
    }

    // MARK: - Candidates

    /// The candidates' next planned meeting (for the portfolio), and "trenger handling", which every
    /// change to a pathway's criteria, alerts or status ends with.
    private static func refreshCandidates(_ ids: [UUID], facts: [UUID: Facts], on sql: any SQLDatabase, now: Date) async throws {
        guard !ids.isEmpty else { return }
        struct Next: Decodable {
            var candidate_id: UUID
            var next_at: Date?
        }
        let next = try await sql.raw("""
            SELECT candidate_id, MIN(CASE WHEN cancelled_at IS NULL AND minutes_at IS NULL AND starts_at > \(bind: now) THEN starts_at END) AS next_at
            FROM meetings WHERE candidate_id IN (\(binds: ids)) GROUP BY candidate_id ORDER BY candidate_id
            """).all(decoding: Next.self)
        let stored = Dictionary(facts.values.map { ($0.candidate_id, $0.next_meeting_at) }, uniquingKeysWith: { first, _ in first })
        // A candidate without any meeting in Samskap (no row here) keeps what was registered for them otherwise.
        for row in next where stored[row.candidate_id].map({ $0 != row.next_at }) ?? false {
            let value: any SQLExpression = row.next_at.map { SQLBind($0) } ?? SQLLiteral.null
            try await sql.raw("UPDATE candidates SET next_meeting_at = \(value) WHERE id = \(bind: row.candidate_id)").run()
        }
        try await NeedsAction.refresh(candidateIDs: ids, on: sql)
    }
}
