import Fluent
import SQLKit
import Vapor

/// Every follow-up change — contacts, meetings, minutes, snoozed alerts — shared by pages, API and
/// demo data. Each change, its pathway event, the pathway's criteria and alerts, and the audit
/// entry are written in one transaction.
struct FollowUpService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    // MARK: - Contacts

    @discardableResult
    func logContact(_ opened: OpenedPathway, _ valid: FollowUpRules.ValidContact) async throws -> Contact {
        let pathwayID = opened.id
        let (actorID, now, model) = (actorID, now, opened.model)
        let pathway = opened.pathway
        return try await app.write(context: context) { db, audit in
            // Its candidate and office never change; whether it is still open is checked here.
            try await Self.touchOpen(pathwayID, now: now, on: db)
            let contact = Contact()
            contact.$pathway.id = pathwayID
            contact.$candidate.id = pathway.$candidate.id
            contact.$office.id = pathway.$office.id
            contact.occurredAt = valid.occurredAt
            contact.channel = valid.channel
            contact.withWhom = valid.withWhom
            contact.withName = valid.withName
            contact.durationMinutes = valid.durationMinutes
            contact.note = valid.note
            contact.nextStep = valid.nextStep
            contact.forCandidate = valid.forCandidate
            contact.recordedAt = now
            contact.$recordedBy.id = actorID
            if let type = valid.withWhom.event {
                let employerID = try await Self.currentEmployer(pathwayID, on: db)
                let event = try await PathwayService.insertEvent(pathwayID: pathwayID, type: type, at: valid.occurredAt, by: actorID, now: now,
                                                                 employerID: employerID, note: "Kontakt: \(valid.channel.rawValue)", on: db)
                contact.eventID = event.id
            }
            try await contact.insert(on: db)
            try await Self.touchLastContact(pathway.$candidate.id, at: valid.occurredAt, on: db)
            // Criteria and alerts are read from events, meetings and agreements, never from the
            // contact log: only a contact that wrote an event can change them. A contact with the
            // candidate leaves them as they were (what time alone changes is the daily job's).
            if contact.eventID != nil {
                try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
            }
            audit.record(.pathway(.contactRecorded, pathway, detail: "\(valid.withWhom.rawValue) \(valid.channel.rawValue) \(DisplayDate.dayInput(valid.occurredAt))"))
            return contact
        }
    }

    // MARK: - Meetings

    @discardableResult
    func plan(_ opened: OpenedPathway, _ valid: FollowUpRules.ValidMeeting) async throws -> Meeting {
        let pathwayID = opened.id
        let (actorID, now, model) = (actorID, now, opened.model)
        let agenda = valid.agenda ?? MeetingAgenda.prefill(type: valid.type, model: model, step: opened.pathway.currentStep)
        return try await app.write(context: context) { db, audit in
            let pathway = try await Self.lockOpen(pathwayID, on: db)
            let meeting = Self.newMeeting(pathway, valid, agenda: agenda, by: actorID, now: now)
            try await meeting.create(on: db)
            try await AlertStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
            audit.record(.pathway(.meetingCreated, pathway, detail: "\(valid.type.rawValue) \(DisplayDate.dateTime(valid.startsAt))"))
            return meeting
        }
    }

    /// Moves, re-plans or changes the participants of a meeting that is not yet held or cancelled.
    func update(_ meetingID: UUID, _ opened: OpenedPathway, _ valid: FollowUpRules.ValidMeeting) async throws {
        let pathwayID = opened.id
        let (now, model) = (now, opened.model)
        try await app.write(context: context) { db, audit in
            let pathway = try await Self.lockOpen(pathwayID, on: db)
            let meeting = try await Self.meeting(meetingID, in: pathwayID, on: db)
            guard meeting.status == .planned else { throw ProblemError(.conflict, key: "meeting.error.not_planned") }
            meeting.type = valid.type
            meeting.startsAt = valid.startsAt
            meeting.durationMinutes = valid.durationMinutes
            meeting.place = valid.place
            meeting.participants = valid.participants
            meeting.agenda = valid.agenda
            meeting.sequence += 1
            meeting.updatedAt = now
            try await meeting.save(on: db)
            try await AlertStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
            audit.record(.pathway(.meetingUpdated, pathway, detail: "møte \(meetingID): \(valid.type.rawValue) \(DisplayDate.dateTime(valid.startsAt))"))
        }
    }

    /// Writing the minutes makes the meeting held: it writes its event (Snart Ansatt V8), and the
    /// next meeting, when given, is booked in the same step. Minutes can be corrected afterwards;
    /// the event stays.
    @discardableResult
    func writeMinutes(_ meetingID: UUID, _ opened: OpenedPathway, _ valid: FollowUpRules.ValidMinutes) async throws -> Meeting? {
        let pathwayID = opened.id
        let (actorID, now, model, step) = (actorID, now, opened.model, opened.pathway.currentStep)
        return try await app.write(context: context) { db, audit in
            let pathway = try await Self.lockOpen(pathwayID, on: db)
            let meeting = try await Self.meeting(meetingID, in: pathwayID, on: db)
            guard meeting.status != .cancelled else { throw ProblemError(.conflict, key: "meeting.error.cancelled") }
            let first = meeting.minutesAt == nil
            meeting.minutes = valid.minutes
            meeting.minutesForCandidate = valid.forCandidate
            meeting.minutesAt = now
            meeting.$minutesBy.id = actorID
            meeting.sequence += 1
            meeting.updatedAt = now
            if first, let type = meeting.type.event(participants: Set(meeting.participants.map(\.role))) {
                let employerID = try await Self.currentEmployer(pathwayID, on: db)
                let event = try await PathwayService.insertEvent(pathwayID: pathwayID, type: type, at: meeting.startsAt, by: actorID, now: now,
                                                                 employerID: employerID, note: "Møte med referat: \(meeting.type.rawValue)", on: db)
                meeting.eventID = event.id
            }
            try await meeting.save(on: db)
            if first { try await Self.touchLastContact(pathway.$candidate.id, at: meeting.startsAt, on: db) }
            var next: Meeting?
            if let planned = valid.next {
                let agenda = planned.agenda ?? MeetingAgenda.prefill(type: planned.type, model: model, step: step)
                next = Self.newMeeting(pathway, planned, agenda: agenda, by: actorID, now: now)
                try await next!.create(on: db)
                audit.record(.pathway(.meetingCreated, pathway, detail: "\(planned.type.rawValue) \(DisplayDate.dateTime(planned.startsAt))"))
            }
            pathway.updatedAt = now
            try await pathway.save(on: db)
            try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
            audit.record(.pathway(.meetingMinutesWritten, pathway, detail: "møte \(meetingID): \(meeting.type.rawValue)" + (first ? "" : " (rettet)")))
            return next
        }
    }

    func cancel(_ meetingID: UUID, _ opened: OpenedPathway, reason: String) async throws {
        let pathwayID = opened.id
        let (actorID, now, model) = (actorID, now, opened.model)
        try await app.write(context: context) { db, audit in
            let pathway = try await Self.lockOpen(pathwayID, on: db)
            let meeting = try await Self.meeting(meetingID, in: pathwayID, on: db)
            guard meeting.status == .planned else { throw ProblemError(.conflict, key: "meeting.error.not_planned") }
            meeting.cancelledAt = now
            meeting.cancelReason = reason
            meeting.$cancelledBy.id = actorID
            meeting.sequence += 1
            meeting.updatedAt = now
            try await meeting.save(on: db)
            try await AlertStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
            audit.record(.pathway(.meetingCancelled, pathway, detail: "møte \(meetingID): \(reason)"))
        }
    }

    // MARK: - Alerts

    /// Hides an alert until a day, with a reason. It is never deleted: it comes back on that day if
    /// the data still says so, and disappears by itself when the data resolves it.
    func snooze(_ alertID: UUID, officeID: UUID, until: Date, reason: String) async throws {
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            guard let alert = try await Alert.find(alertID, on: db), alert.$office.id == officeID else { throw Abort(.notFound) }
            guard alert.resolvedAt == nil else { throw ProblemError(.conflict, key: "alert.error.resolved") }
            // A mentor's alarm must be answered, never put off.
            guard alert.kind != .mentorAlarm else { throw ProblemError(.conflict, key: "alert.error.alarm_snooze") }
            alert.snoozedUntil = until
            alert.snoozeReason = reason
            alert.$snoozedBy.id = actorID
            alert.snoozedAt = now
            try await alert.save(on: db)
            try await NeedsAction.refresh(candidateID: alert.$candidate.id, on: db)
            audit.record(AuditEvent(.alertSnoozed, objectType: AuditObjectType.candidate, objectID: alert.$candidate.id.uuidString,
                                    officeID: officeID, detail: "\(alert.kind.rawValue) til \(DisplayDate.dayInput(until)): \(reason)"))
        }
    }

    // MARK: - Pieces

    static func lockOpen(_ pathwayID: UUID, on db: any Database) async throws -> Pathway {
        try await DatabaseDialect(db).lockRow("pathways", id: pathwayID, on: db)
        guard let pathway = try await Pathway.find(pathwayID, on: db), pathway.status != .closed else {
            throw ProblemError(.conflict, key: "pathway.error.closed")
        }
        return pathway
    }

    /// Marks the pathway changed at `now` if it is still open, in one statement that also locks its
    /// row against other writers of it until the commit (PostgreSQL; a weaker lock than `lockOpen`'s
    /// `FOR UPDATE`, which rows that only refer to the pathway need not wait for); for writes that
    /// need nothing else of the row.
    static func touchOpen(_ pathwayID: UUID, now: Date, on db: any Database) async throws {
        let touched = try await (db as! any SQLDatabase).raw("""
            UPDATE pathways SET updated_at = \(bind: now)
            WHERE id = \(bind: pathwayID) AND status <> \(bind: Pathway.Status.closed.rawValue) RETURNING id
            """).all()
        guard !touched.isEmpty else { throw ProblemError(.conflict, key: "pathway.error.closed") }
    }

    static func meeting(_ meetingID: UUID, in pathwayID: UUID, on db: any Database) async throws -> Meeting {
        guard let meeting = try await Meeting.find(meetingID, on: db), meeting.$pathway.id == pathwayID else { throw Abort(.notFound) }
        return meeting
    }

    static func newMeeting(_ pathway: Pathway, _ valid: FollowUpRules.ValidMeeting, agenda: String?, by actorID: UUID, now: Date) -> Meeting {
        let meeting = Meeting()
        meeting.$pathway.id = pathway.id!
        meeting.$candidate.id = pathway.$candidate.id
        meeting.$office.id = pathway.$office.id
        meeting.type = valid.type
        meeting.startsAt = valid.startsAt
        meeting.durationMinutes = valid.durationMinutes
        meeting.place = valid.place
        meeting.participants = valid.participants
        meeting.agenda = agenda
        meeting.minutesForCandidate = false
        meeting.sequence = 0
        meeting.createdAt = now
        meeting.$createdBy.id = actorID
        meeting.updatedAt = now
        return meeting
    }

    /// The employer of the pathway's latest approved placement, so workplace events name it.
    static func currentEmployer(_ pathwayID: UUID, on db: any Database) async throws -> UUID? {
        struct Row: Decodable { var employer_id: UUID }
        let types: [PathwayEventType] = [.placementStart, .jobTasteStart, .hired]
        return try await (db as! any SQLDatabase).select().column("employer_id").from(PathwayEvent.schema)
            .where("pathway_id", .equal, pathwayID).where("withdrawn_at", .is, SQLLiteral.null)
            .where("type", .in, types.map(\.rawValue)).where("employer_id", .isNot, SQLLiteral.null)
            .orderBy("occurred_at", .descending).limit(1)
            .first(decoding: Row.self)?.employer_id
    }

    /// Moves the candidate's last contact forward to `at`; one statement, no read.
    static func touchLastContact(_ candidateID: UUID, at: Date, on db: any Database) async throws {
        try await (db as! any SQLDatabase).update(Candidate.schema).set("last_contact_at", to: at)
            .where("id", .equal, candidateID)
            .where { $0.where("last_contact_at", .is, SQLLiteral.null).orWhere("last_contact_at", .lessThan, at) }
            .run()
    }
}

/// The agenda a new meeting starts with, from the pathway's method model: its meeting checklist
/// (the hybrid model's "Møtesjekkliste"), or else the activities of the current step. The counselor
/// edits it freely; booking the next meeting always closes it.
enum MeetingAgenda {
    static func prefill(type: MeetingType, model: MethodModel, step: String) -> String {
        let activities = model.steps.flatMap(\.activities)
        var lines: [String]
        if let checklist = activities.first(where: { $0.what.lowercased().contains("sjekkliste") }), let how = checklist.how {
            lines = how.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        } else {
            let current = model.steps.first { $0.id == step } ?? model.pathwaySteps.first
            lines = (current?.activities ?? []).map(\.what)
        }
        if !lines.contains(where: { $0.lowercased().contains("neste møte") }) {
            lines.append("Sett dato for neste møte før dere går fra hverandre")
        }
        return lines.map { "- \($0)" }.joined(separator: "\n")
    }
}
