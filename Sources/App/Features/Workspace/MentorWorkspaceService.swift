import Fluent
import Vapor

extension AuditAction {
    static let mentorCaseRead: AuditAction = "workspace.case_read"
    static let mentorHoursLogged: AuditAction = "workspace.hours_logged"
    static let mentorObservationWritten: AuditAction = "workspace.observation_written"
    static let mentorAlarmRaised: AuditAction = "workspace.alarm_raised"
    static let mentorAlarmAcknowledged: AuditAction = "workspace.alarm_acknowledged"
    static let meetingConfirmed: AuditAction = "workspace.meeting_confirmed"
}

/// What a mentor writes in their workspace, and the counselor's answer to an alarm. Each change,
/// its pathway event, the pathway's criteria and alerts, and the audit entry in one transaction.
struct MentorWorkspaceService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    /// The pathway's mentor agreement with this mentor in its current terms, if any (hours are counted against it).
    static func mentorAgreement(pathwayID: UUID, mentorID: UUID, on db: any Database) async throws -> (Agreement, AgreementVersion)? {
        for agreement in try await Agreement.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$type == .mentor)
            .filter(\.$annulledOn == nil).sort(\.$createdAt, .descending).all() {
            if let version = try await AgreementVersion.query(on: db).filter(\.$agreement.$id == agreement.requireID())
                .filter(\.$version == agreement.currentVersion).first(), version.$mentor.id == mentorID {
                return (agreement, version)
            }
        }
        return nil
    }

    /// One write from the mentor's workspace: locks the open pathway, lets `body` store its row
    /// (given the pathway event it writes), then marks the pathway changed, brings its criteria and
    /// alerts up to date and records the audit entry — all in one transaction.
    private func write<Row: Sendable>(
        _ found: MentorCase, event type: PathwayEventType, at occurredAt: Date, agreementID: (@Sendable (any Database) async throws -> UUID?)? = nil,
        note: String, audit action: AuditAction, detail: String,
        _ body: @escaping @Sendable (any Database, Pathway, _ event: PathwayEvent, _ agreementID: UUID?) async throws -> Row
    ) async throws -> Row {
        let (actorID, now) = (actorID, now)
        let pathwayID = found.pathwayID
        let employerID = found.mentor.$employer.id
        let catalog = app.samskap.methodModels
        return try await app.write(context: context) { db, audit in
            let pathway = try await FollowUpService.lockOpen(pathwayID, on: db)
            let agreement = try await agreementID?(db)
            let event = try await PathwayService.insertEvent(pathwayID: pathwayID, type: type, at: occurredAt, by: actorID, now: now,
                                                             employerID: employerID, agreementID: agreement, note: note, on: db)
            let row = try await body(db, pathway, event, agreement)
            pathway.updatedAt = now
            try await pathway.save(on: db)
            guard let model = try await catalog.model(id: pathway.$methodModel.id, on: db) else { throw Abort(.internalServerError) }
            try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
            audit.record(.pathway(action, pathway, detail: detail))
            return row
        }
    }

    @discardableResult
    func logHours(_ found: MentorCase, _ valid: MentorWorkspaceRules.ValidHours) async throws -> MentorHours {
        let (actorID, now) = (actorID, now)
        let mentorID = try found.mentor.requireID()
        let pathwayID = found.pathwayID
        let hours = MentorWorkspaceRules.hoursText(valid.hundredthHours)
        return try await write(found, event: .mentorHours, at: valid.workedOn,
                               agreementID: { db in try await Self.mentorAgreement(pathwayID: pathwayID, mentorID: mentorID, on: db)?.0.requireID() },
                               note: "\(hours) t", audit: .mentorHoursLogged, detail: "\(hours) t \(DisplayDate.dayInput(valid.workedOn))") { db, _, event, agreementID in
            let row = MentorHours()
            row.$pathway.id = pathwayID
            row.$agreement.id = agreementID
            row.$mentor.id = mentorID
            row.workedOn = valid.workedOn
            row.hundredthHours = valid.hundredthHours
            row.activity = valid.activity
            row.recordedAt = now
            row.$recordedBy.id = actorID
            row.eventID = event.id
            try await row.create(on: db)
            return row
        }
    }

    @discardableResult
    func observe(_ found: MentorCase, kind: ObservationKind, text: String) async throws -> MentorObservation {
        let (actorID, now) = (actorID, now)
        let mentorID = try found.mentor.requireID()
        let pathwayID = found.pathwayID
        return try await write(found, event: .mentorContact, at: now, note: "Observasjon fra mentor (\(kind.rawValue))",
                               audit: .mentorObservationWritten, detail: kind.rawValue) { db, _, event, _ in
            let row = MentorObservation()
            row.$pathway.id = pathwayID
            row.$mentor.id = mentorID
            row.kind = kind
            row.text = text
            row.writtenAt = now
            row.$writtenBy.id = actorID
            row.eventID = event.id
            try await row.create(on: db)
            return row
        }
    }

    /// Raises an alarm: the counselor's `mentor_alarm` alert opens in the same transaction, and an
    /// e-mail (without names) tells the counselor at once. The alert cannot be snoozed; only an
    /// answer resolves it.
    @discardableResult
    func raiseAlarm(_ found: MentorCase, reason: AlarmReason, text: String?, baseURL: String) async throws -> MentorAlarm {
        let (actorID, now) = (actorID, now)
        let mentorID = try found.mentor.requireID()
        let mentorName = found.mentor.name
        let pathwayID = found.pathwayID
        // The note is stored and shown in the timeline as written: the reason in words, not its code.
        let said = app.samskap.strings.text(reason.labelKey, locale: "nb", args: [])
        let alarm = try await write(found, event: .mentorContact, at: now, note: "Alarm fra mentor: \(said)",
                                    audit: .mentorAlarmRaised, detail: reason.rawValue) { db, pathway, event, _ in
            let row = MentorAlarm()
            row.$pathway.id = pathwayID
            row.$mentor.id = mentorID
            row.reason = reason
            row.text = text
            row.raisedAt = now
            row.$raisedBy.id = actorID
            row.eventID = event.id
            try await row.create(on: db)
            let alert = Alert()
            alert.$pathway.id = pathwayID
            alert.$candidate.id = pathway.$candidate.id
            alert.$office.id = pathway.$office.id
            alert.kind = .mentorAlarm
            alert.subject = try row.requireID().uuidString
            alert.since = now
            alert.reasonArgs = [reason.rawValue, mentorName]
            alert.openedAt = now
            // No refresh of "trenger handling" here: `write` re-evaluates the pathway after this
            // body, and that ends in `AlertStore.refresh`, which recomputes it with this alert.
            try await alert.create(on: db)
            row.alertID = alert.id
            try await row.save(on: db)
            return row
        }
        await notifyCounselor(pathway: found.pathway, reason: reason, baseURL: baseURL)
        return alarm
    }

    /// The e-mail leaves names out: it says only that there is an alarm and where to read it.
    private func notifyCounselor(pathway: Pathway, reason: AlarmReason, baseURL: String) async {
        do {
            guard let counselor = try await User.find(pathway.$counselor.id, on: app.db),
                  let email = Self.staffEmail(counselor) else { return }
            let t = { (key: String, args: [String]) in app.samskap.strings.text(key, locale: counselor.locale ?? "nb", args: args) }
            try await app.samskap.mail.send(Mail(to: email, subject: t("alarm.mail.subject", []),
                                                 body: t("alarm.mail.body", [t(reason.labelKey, []), "\(baseURL)/forlop/\(pathway.id!.uuidString)/oppfolging#mentor"])))
        } catch {
            // The alert is stored and on the counselor's start page; a failed e-mail must not undo it.
            app.logger.error("Varsel om mentoralarm kunne ikke sendes på e-post: \(String(describing: error))")
        }
    }

    /// Staff accounts have no e-mail field; a username that is an address is used, otherwise the
    /// alert on the start page is the channel.
    static func staffEmail(_ user: User) -> String? {
        CandidateRules.isEmail(user.username) ? user.username : nil
    }

    /// The counselor's answer. Resolves the alert; the mentor sees the answer in their workspace.
    func acknowledge(alertID: UUID, officeID: UUID, response: String) async throws -> MentorAlarm {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            guard let alert = try await Alert.find(alertID, on: db), alert.$office.id == officeID else { throw Abort(.notFound) }
            try await DatabaseDialect(db).lockRow("pathways", id: alert.$pathway.id, on: db)
            guard alert.kind == .mentorAlarm else { throw ProblemError(.conflict, key: "alert.error.not_alarm") }
            guard alert.resolvedAt == nil, let alarmID = UUID(uuidString: alert.subject),
                  let alarm = try await MentorAlarm.find(alarmID, on: db), alarm.acknowledgedAt == nil else {
                throw ProblemError(.conflict, key: "alert.error.resolved")
            }
            alarm.acknowledgedAt = now
            alarm.$acknowledgedBy.id = actorID
            alarm.response = response
            try await alarm.save(on: db)
            alert.resolvedAt = now
            try await alert.save(on: db)
            try await NeedsAction.refresh(candidateID: alert.$candidate.id, on: db)
            audit.record(AuditEvent(.mentorAlarmAcknowledged, objectType: AuditObjectType.candidate, objectID: alert.$candidate.id.uuidString,
                                    officeID: officeID, detail: "alarm \(alarmID.uuidString)"))
            return alarm
        }
    }

    /// The mentor will come. Idempotent: a second confirmation changes nothing.
    func confirmMeeting(_ found: MentorCase, meetingID: UUID) async throws {
        let (actorID, now) = (actorID, now)
        let pathwayID = found.pathwayID
        let employerID = found.mentor.$employer.id
        try await app.write(context: context) { db, audit in
            let pathway = try await FollowUpService.lockOpen(pathwayID, on: db)
            guard let meeting = try await Meeting.find(meetingID, on: db), meeting.$pathway.id == pathwayID,
                  found.mayAttend(meeting) else { throw Abort(.notFound) }
            guard meeting.status == .planned else { throw ProblemError(.conflict, key: "meeting.error.not_planned") }
            if try await MeetingConfirmation.query(on: db).filter(\.$meeting.$id == meetingID).filter(\.$user.$id == actorID).count() > 0 { return }
            let row = MeetingConfirmation()
            row.$meeting.id = meetingID
            row.$user.id = actorID
            row.confirmedAt = now
            try await row.create(on: db)
            try await PathwayService.insertEvent(pathwayID: pathwayID, type: .meetingConfirmed, at: now, by: actorID, now: now,
                                                 employerID: employerID, note: "\(meeting.type.rawValue) \(DisplayDate.dateTime(meeting.startsAt))", on: db)
            audit.record(.pathway(.meetingConfirmed, pathway, detail: "møte \(meetingID.uuidString)"))
        }
    }
}
