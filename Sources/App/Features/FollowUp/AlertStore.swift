import Fluent
import Foundation
import SQLKit

/// Keeps the stored alerts of a pathway equal to what `AlertRules` says, inside the transaction
/// that changed the pathway (and from the daily job when a time-based condition turns). Pages and
/// the API only read the rows. An alert that no longer holds is resolved — kept, never deleted.
enum AlertStore {
    static func refresh(pathwayID: UUID, model: MethodModel, on db: any Database, now: Date) async throws {
        // Writers of the same pathway wait for each other (most hold this lock already).
        try await DatabaseDialect(db).lockRow("pathways", id: pathwayID, on: db)
        try await refresh(pathwayID: pathwayID, model: model, on: db, now: now, events: nil)
    }

    /// For a caller that already holds the pathway's row lock. `events`: the pathway's events that
    /// are not withdrawn, when the caller has just read them (the criteria refresh), so they are not
    /// read a second time; nil reads them.
    static func refresh(pathwayID: UUID, model: MethodModel, on db: any Database, now: Date, events: [RuleEvent]?) async throws {
        struct OfficeRow: Decodable { var no_contact_alert_days: Int }
        guard let pathway = try await Pathway.find(pathwayID, on: db),
              let candidate = try await Candidate.find(pathway.$candidate.id, on: db),
              let office = try await (db as! any SQLDatabase).select().column("no_contact_alert_days").from(Office.schema)
                  .where("id", .equal, pathway.$office.id).first(decoding: OfficeRow.self) else { return }
        let events = if let events { events } else { try await PathwayCriteriaStore.ruleEvents(pathwayID: pathwayID, on: db) }
        let snapshot = try await snapshot(pathway, candidate: candidate, noContactDays: office.no_contact_alert_days, model: model, events: events, on: db)
        let (wanted, nextCheck) = AlertRules.evaluate(snapshot, now: now)
        let open = try await Alert.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$resolvedAt == nil).all()
        var byKey: [String: Alert] = [:]
        for alert in open where alert.kind.isDerived { byKey["\(alert.kind.rawValue)|\(alert.subject)"] = alert }
        for item in wanted {
            let key = "\(item.kind.rawValue)|\(item.subject)"
            if let alert = byKey.removeValue(forKey: key) {
                if alert.since != item.since || alert.reasonArgs != item.args {
                    alert.since = item.since
                    alert.reasonArgs = item.args
                    try await alert.save(on: db)
                }
            } else {
                let alert = Alert()
                alert.$pathway.id = pathwayID
                alert.$candidate.id = pathway.$candidate.id
                alert.$office.id = pathway.$office.id
                alert.kind = item.kind
                alert.subject = item.subject
                alert.since = item.since
                alert.reasonArgs = item.args
                alert.openedAt = now
                try await alert.create(on: db)
            }
        }
        for alert in byKey.values {
            alert.resolvedAt = now
            try await alert.save(on: db)
        }
        if pathway.alertsCheckAt != nextCheck {
            pathway.alertsCheckAt = nextCheck
            try await pathway.save(on: db)
        }
        try await updateNextMeeting(candidate, on: db, now: now)
        // Every change to a pathway's criteria, alerts or status ends here.
        try await NeedsAction.refresh(candidateID: pathway.$candidate.id, on: db)
    }

    /// Every open pathway of the candidate (its hybrid status changed).
    static func refresh(candidateID: UUID, catalog: MethodModelCatalog, on db: any Database, now: Date) async throws {
        let pathways = try await Pathway.query(on: db).filter(\.$candidate.$id == candidateID).filter(\.$status != .closed).all()
        for pathway in pathways {
            guard let model = try await catalog.model(id: pathway.$methodModel.id, on: db) else { continue }
            try await refresh(pathwayID: pathway.requireID(), model: model, on: db, now: now)
        }
    }

    /// The candidate's next planned meeting, for the portfolio.
    static func updateNextMeeting(candidateID: UUID, on db: any Database, now: Date) async throws {
        guard let candidate = try await Candidate.find(candidateID, on: db) else { return }
        try await updateNextMeeting(candidate, on: db, now: now)
    }

    private static func updateNextMeeting(_ candidate: Candidate, on db: any Database, now: Date) async throws {
        let candidateID = try candidate.requireID()
        let next = try await Meeting.query(on: db).filter(\.$candidate.$id == candidateID)
            .filter(\.$cancelledAt == nil).filter(\.$minutesAt == nil).filter(\.$startsAt > now)
            .field(\.$startsAt).sort(\.$startsAt).first()
        // A candidate without any meeting in Samskap keeps what was registered for them otherwise.
        if next == nil, try await Meeting.query(on: db).filter(\.$candidate.$id == candidateID).count() == 0 { return }
        if candidate.nextMeetingAt != next?.startsAt {
            candidate.nextMeetingAt = next?.startsAt
            try await candidate.save(on: db)
        }
    }

    private static func snapshot(
        _ pathway: Pathway, candidate: Candidate, noContactDays: Int, model: MethodModel, events: [RuleEvent], on db: any Database
    ) async throws -> AlertRules.Snapshot {
        let pathwayID = try pathway.requireID()
        let workplaceTypes: Set<PathwayEventType> = [.mentorContact, .employerFollowup, .evaluationMeeting, .firstWorkdayContact, .employerVisit]
        var workplace = events.filter { workplaceTypes.contains($0.type) }.map(\.occurredAt)
        // Only what the rules read of a meeting; the minutes and agenda can be long.
        struct MeetingRow: Decodable {
            var starts_at: Date
            var minutes_at: Date?
            var event_id: UUID?
            var participants: String
        }
        let meetings = try await (db as! any SQLDatabase).select()
            .columns("starts_at", "minutes_at", "event_id", "participants")
            .from(Meeting.schema)
            .where("pathway_id", .equal, pathwayID)
            .where("cancelled_at", .is, SQLLiteral.null)
            .all(decoding: MeetingRow.self)
        // A held meeting whose event was withdrawn (recorded by mistake) no longer counts.
        let activeEvents = Set(events.map(\.id))
        for meeting in meetings where meeting.minutes_at != nil && (meeting.event_id.map(activeEvents.contains) ?? true) {
            let roles = Set(Meeting.participants(fromJSON: meeting.participants).map(\.role))
            if roles.contains(.mentor) || roles.contains(.employer) { workplace.append(meeting.starts_at) }
        }
        let texts = Dictionary(model.criteria.map { ($0.id, $0.text) }, uniquingKeysWith: { first, _ in first })
        let criteria = try await PathwayCriteriaStore.load(pathwayID: pathwayID, on: db).values
            .sorted { $0.criterion_id < $1.criterion_id }
            .map { AlertRules.Criterion(id: $0.criterion_id, text: texts[$0.criterion_id] ?? $0.criterion_id, row: $0) }
        let agreements = try await AgreementTimeline.approvedTimelines(pathwayID: pathwayID, on: db).map { agreement in
            AlertRules.AgreementFacts(id: agreement.id, type: agreement.type, start: agreement.approved.start, end: agreement.approved.end,
                                      lastExtension: agreement.approved.extensions.last)
        }
        let followUpSince = max(pathway.referralDate, candidate.hybridSince ?? .distantPast)
        return AlertRules.Snapshot(
            pathwayActive: pathway.status == .active,
            candidateIsHybrid: candidate.isHybrid,
            followUpSince: followUpSince,
            noContactDays: noContactDays,
            events: events.map { ($0.type, $0.occurredAt) },
            workplaceContacts: workplace,
            criteria: criteria,
            agreements: agreements,
            plannedMeetings: meetings.filter { $0.minutes_at == nil }.map(\.starts_at),
            lastHeldMeeting: meetings.filter { $0.minutes_at != nil }.map(\.starts_at).max()
        )
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
