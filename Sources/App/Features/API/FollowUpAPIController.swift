import Fluent
import Vapor

enum FollowUpAPIRoutes {
    static func register(staff: some RoutesBuilder) {
        let api = FollowUpAPIController()
        staff.get("pathways", ":pathwayID", "contacts", use: api.contacts)
        staff.post("pathways", ":pathwayID", "contacts", use: api.logContact)
        let meetings = staff.grouped("meetings")
        meetings.get(use: api.meetings)
        meetings.post(use: api.planMeeting)
        // `{id}` or `{id}.ics`.
        meetings.get(":meeting", use: api.meeting)
        meetings.patch(":meeting", use: api.updateMeeting)
        staff.get("alerts", use: api.alerts)
        staff.post("alerts", ":alertID", "snooze", use: api.snooze)
    }
}

struct ContactDTO: Content {
    var id: UUID
    var pathwayId: UUID
    var occurredAt: Date
    var channel: String
    var withWhom: String
    var withName: String?
    var durationMinutes: Int?
    var note: String?
    var nextStep: String?
    var forCandidate: Bool
    /// The pathway event the contact wrote (`mentor_contact`, `employer_followup`), if any.
    var eventId: UUID?
    var recordedAt: Date
    var recordedBy: UUID
    /// NAV jargon found in a note meant for the candidate, with what to write instead (advisory).
    var plainLanguage: [PlainLanguageFindingDTO]

    init(_ c: Contact, terms: [PlainLanguageTerm.Entry]) {
        id = c.id!; pathwayId = c.$pathway.id; occurredAt = c.occurredAt; channel = c.channel.rawValue; withWhom = c.withWhom.rawValue
        withName = c.withName; durationMinutes = c.durationMinutes; note = c.note; nextStep = c.nextStep; forCandidate = c.forCandidate
        eventId = c.eventID; recordedAt = c.recordedAt; recordedBy = c.$recordedBy.id
        plainLanguage = c.forCandidate ? PlainLanguage.findings(in: [c.note, c.nextStep].compactMap { $0 }.joined(separator: "\n"), terms: terms).map(PlainLanguageFindingDTO.init) : []
    }
}

struct PlainLanguageFindingDTO: Content {
    var term: String
    var suggestion: String
    var count: Int

    init(_ finding: PlainLanguage.Finding) {
        term = finding.term; suggestion = finding.suggestion; count = finding.count
    }
}

struct MeetingDTO: Content {
    var id: UUID
    var pathwayId: UUID
    var candidateId: UUID
    var type: String
    /// planlagt, holdt (minutes written) or avlyst.
    var status: String
    var startsAt: Date
    var endsAt: Date
    var durationMinutes: Int
    var place: String?
    var participants: [MeetingParticipant]
    var agenda: String?
    var minutes: String?
    var minutesForCandidate: Bool
    var minutesAt: Date?
    var minutesBy: UUID?
    /// The pathway event the held meeting wrote, if its type writes one.
    var eventId: UUID?
    var cancelledAt: Date?
    var cancelReason: String?
    var sequence: Int
    var icsUrl: String
    var plainLanguage: [PlainLanguageFindingDTO]
    var createdAt: Date
    var updatedAt: Date

    init(_ m: Meeting, terms: [PlainLanguageTerm.Entry]) {
        id = m.id!; pathwayId = m.$pathway.id; candidateId = m.$candidate.id; type = m.type.rawValue; status = m.status.rawValue
        startsAt = m.startsAt; endsAt = m.endsAt; durationMinutes = m.durationMinutes; place = m.place; participants = m.participants
        agenda = m.agenda; minutes = m.minutes; minutesForCandidate = m.minutesForCandidate; minutesAt = m.minutesAt; minutesBy = m.$minutesBy.id
        eventId = m.eventID; cancelledAt = m.cancelledAt; cancelReason = m.cancelReason; sequence = m.sequence
        icsUrl = "/api/v1/meetings/\(m.id!).ics"
        plainLanguage = m.minutesForCandidate ? PlainLanguage.findings(in: m.minutes ?? "", terms: terms).map(PlainLanguageFindingDTO.init) : []
        createdAt = m.createdAt; updatedAt = m.updatedAt
    }
}

struct AlertDTO: Content {
    var id: UUID
    /// no_workplace_contact, criterion_overdue, agreement_ending, no_next_meeting, first_workday, mentor_alarm.
    var kind: String
    var pathwayId: UUID
    var candidateId: UUID
    var since: Date
    /// Why, in the caller's language.
    var reason: String
    /// Where the action that resolves it is (a page in Samskap).
    var link: String
    var snoozedUntil: String?
    var snoozeReason: String?

    init(_ a: Alert, req: Request) {
        id = a.id!; kind = a.kind.rawValue; pathwayId = a.$pathway.id; candidateId = a.$candidate.id; since = a.since
        reason = AlertText.reason(a, t: req.t); link = AlertText.link(a)
        snoozedUntil = a.snoozedUntil.map(DisplayDate.dayInput); snoozeReason = a.snoozeReason
    }
}

struct FollowUpAPIController {
    struct ContactInput: Content {
        var occurredAt: String?
        var channel: String?
        var withWhom: String?
        var withName: String?
        var durationMinutes: Int?
        var note: String?
        var nextStep: String?
        var forCandidate: Bool?
    }

    struct MeetingInput: Content {
        var pathwayId: UUID?
        var type: String?
        var startsAt: String?
        var durationMinutes: Int?
        var place: String?
        var participants: [MeetingParticipant]?
        var agenda: String?

        var rules: FollowUpRules.MeetingInput {
            .init(type: type, startsAt: startsAt, durationMinutes: durationMinutes.map(String.init), place: place, participants: participants, agenda: agenda)
        }
    }

    /// One of: new minutes (with an optional next meeting), a cancellation, or changed plans.
    struct MeetingPatch: Content {
        var type: String?
        var startsAt: String?
        var durationMinutes: Int?
        var place: String?
        var participants: [MeetingParticipant]?
        var agenda: String?
        var minutes: String?
        var minutesForCandidate: Bool?
        var nextMeeting: MeetingInput?
        var cancelReason: String?
    }

    struct SnoozeInput: Content {
        var until: String?
        var reason: String?
    }

    // MARK: - Contacts

    func contacts(req: Request) async throws -> [ContactDTO] {
        let opened = try await req.openPathway()
        let contacts = try await Contact.query(on: req.db).filter(\.$pathway.$id == opened.id).sort(\.$occurredAt, .descending).limit(500).all()
        try await req.audit(.pathway(.contactsRead, opened.pathway, detail: "API"))
        let terms = try await PlainLanguageList.load(officeID: opened.pathway.$office.id, on: req.readDB)
        return contacts.map { ContactDTO($0, terms: terms) }
    }

    func logContact(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        let input = try req.content.decode(ContactInput.self)
        let valid = try FollowUpRules.contact(.init(
            occurredAt: input.occurredAt, channel: input.channel, withWhom: input.withWhom, withName: input.withName,
            durationMinutes: input.durationMinutes.map(String.init), note: input.note, nextStep: input.nextStep,
            forCandidate: input.forCandidate ?? false
        ), now: req.now, notBefore: opened.pathway.referralDate)
        let contact = try await FollowUpService(req: req).logContact(opened, valid)
        let terms = try await PlainLanguageList.load(officeID: opened.pathway.$office.id, on: req.readDB)
        return try await ContactDTO(contact, terms: terms).encodeResponse(status: .created, for: req)
    }

    // MARK: - Meetings

    /// `?pathwayId=` (that pathway's meetings), or `?from=&to=` (days; the caller's own candidates,
    /// at most a year).
    func meetings(req: Request) async throws -> [MeetingDTO] {
        let principal = try req.requirePrincipal()
        if let raw = try? req.query.get(String.self, at: "pathwayId") {
            guard let id = UUID(uuidString: raw) else { throw ProblemError.validation([.init("pathwayId", "form.error.choice")]) }
            let opened = try await req.openPathway(id: id)
            let meetings = try await Meeting.query(on: req.db).filter(\.$pathway.$id == id).sort(\.$startsAt).limit(1_000).all()
            try await req.audit(.pathway(.meetingRead, opened.pathway, detail: "API: liste"))
            let terms = try await PlainLanguageList.load(officeID: opened.pathway.$office.id, on: req.readDB)
            return meetings.map { MeetingDTO($0, terms: terms) }
        }
        guard let officeID = principal.officeID else { return [] }
        var issues: [ProblemError.FieldIssue] = []
        let from = (try? req.query.get(String.self, at: "from")).flatMap(DisplayDate.parseDay)
        let to = (try? req.query.get(String.self, at: "to")).flatMap(DisplayDate.parseDay)
        if from == nil { issues.append(.init("from", "pathway.error.date_invalid")) }
        if to == nil { issues.append(.init("to", "pathway.error.date_invalid")) }
        if let from, let to, to < from || to.timeIntervalSince(from) > 366 * 86_400 {
            issues.append(.init("to", "meeting.error.range"))
        }
        guard issues.isEmpty, let from, let to else { throw ProblemError.validation(issues) }
        let end = RuleDuration(0, .day).deadline(after: to)
        let meetings = try await Meeting.query(on: req.db)
            .join(Candidate.self, on: \Meeting.$candidate.$id == \Candidate.$id)
            .filter(Candidate.self, \.$counselor.$id == principal.userID)
            .filter(\.$office.$id == officeID)
            .filter(\.$startsAt >= from).filter(\.$startsAt < end)
            .sort(\.$startsAt).limit(1_000).all()
        if !meetings.isEmpty {
            try await req.application.audit(Set(meetings.map(\.$candidate.id)).map {
                AuditEvent(.meetingRead, objectType: AuditObjectType.candidate, objectID: $0.uuidString, officeID: officeID, detail: "API: møter i periode")
            }, context: req.auditContext)
        }
        let terms = try await PlainLanguageList.load(officeID: officeID, on: req.readDB)
        return meetings.map { MeetingDTO($0, terms: terms) }
    }

    func planMeeting(req: Request) async throws -> Response {
        let input = try req.content.decode(MeetingInput.self)
        guard let pathwayID = input.pathwayId else { throw ProblemError.validation([.init("pathwayId", "pathway.error.required")]) }
        let opened = try await req.openPathway(id: pathwayID, needs: .full)
        let valid = try FollowUpRules.meeting(input.rules, now: req.now)
        let meeting = try await FollowUpService(req: req).plan(opened, valid)
        let response = try await MeetingDTO(meeting, terms: []).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/meetings/\(meeting.id!)")
        return response
    }

    func meeting(req: Request) async throws -> Response {
        let raw = req.parameters.get("meeting") ?? ""
        let ics = raw.hasSuffix(".ics")
        let (meeting, opened) = try await Self.open(req, raw: ics ? String(raw.dropLast(4)) : raw, needs: .read)
        try await req.audit(.pathway(.meetingRead, opened.pathway, detail: "møte \(meeting.id!): API" + (ics ? " (kalenderfil)" : "")))
        if ics { return try MeetingCalendar.download(meeting, candidate: opened.candidate.candidate, req: req) }
        let terms = try await PlainLanguageList.load(officeID: opened.pathway.$office.id, on: req.readDB)
        return try await MeetingDTO(meeting, terms: terms).encodeResponse(for: req)
    }

    func updateMeeting(req: Request) async throws -> MeetingDTO {
        let (meeting, opened) = try await Self.open(req, raw: req.parameters.get("meeting") ?? "", needs: .full)
        let patch = try req.content.decode(MeetingPatch.self)
        let service = try FollowUpService(req: req)
        let meetingID = try meeting.requireID()
        if patch.minutes != nil {
            let valid = try FollowUpRules.minutes(patch.minutes, forCandidate: patch.minutesForCandidate ?? false,
                                                  next: patch.nextMeeting?.rules, meetingStart: meeting.startsAt, now: req.now)
            try await service.writeMinutes(meetingID, opened, valid)
        } else if patch.cancelReason != nil {
            var issues: [ProblemError.FieldIssue] = []
            let reason = PathwayRules.text(patch.cancelReason, field: "cancelReason", max: PathwayRules.maxReason, required: true, issues: &issues)
            guard issues.isEmpty, let reason else { throw ProblemError.validation(issues) }
            try await service.cancel(meetingID, opened, reason: reason)
        } else {
            // Changed plans: what is not sent stays as it was.
            let valid = try FollowUpRules.meeting(.init(
                type: patch.type ?? meeting.type.rawValue,
                startsAt: patch.startsAt ?? ISO8601DateFormatter().string(from: meeting.startsAt),
                durationMinutes: String(patch.durationMinutes ?? meeting.durationMinutes),
                place: patch.place ?? meeting.place, participants: patch.participants ?? meeting.participants,
                agenda: patch.agenda ?? meeting.agenda
            ), now: req.now)
            try await service.update(meetingID, opened, valid)
        }
        guard let fresh = try await req.readDB.findModel(Meeting.self, id: meetingID) else { throw Abort(.notFound) }
        let terms = try await PlainLanguageList.load(officeID: opened.pathway.$office.id, on: req.readDB)
        return MeetingDTO(fresh, terms: terms)
    }

    static func open(_ req: Request, raw: String, needs: CandidateAccess.Level) async throws -> (Meeting, OpenedPathway) {
        guard let id = UUID(uuidString: raw), let meeting = try await req.readDB.findModel(Meeting.self, id: id) else { throw Abort(.notFound) }
        let opened = try await req.openPathway(id: meeting.$pathway.id, needs: needs)
        return (meeting, opened)
    }

    // MARK: - Alerts

    /// The caller's own candidates' open alerts; `?includeSnoozed=true` also the snoozed ones.
    func alerts(req: Request) async throws -> [AlertDTO] {
        let principal = try req.requirePrincipal()
        guard let officeID = principal.officeID else { return [] }
        let includeSnoozed = (try? req.query.get(Bool.self, at: "includeSnoozed")) ?? false
        let alerts = try await AlertStore.current(for: principal.userID, officeID: officeID, includeSnoozed: includeSnoozed, on: req.db, now: req.now)
        // Each candidate whose alerts were read gets an entry, as on the start page.
        if !alerts.isEmpty {
            try await req.application.audit(Set(alerts.map(\.$candidate.id)).map {
                AuditEvent(.alertsRead, objectType: AuditObjectType.candidate, objectID: $0.uuidString, officeID: officeID, detail: "API: varsler")
            }, context: req.auditContext)
        }
        return alerts.map { AlertDTO($0, req: req) }
    }

    func snooze(req: Request) async throws -> AlertDTO {
        guard let id = req.parameters.get("alertID", as: UUID.self), let alert = try await Alert.find(id, on: req.db) else { throw Abort(.notFound) }
        _ = try await req.openCandidate(id: alert.$candidate.id, needs: .full)
        let input = try req.content.decode(SnoozeInput.self)
        let valid = try FollowUpRules.snooze(until: input.until, reason: input.reason, now: req.now)
        try await FollowUpService(req: req).snooze(id, officeID: alert.$office.id, until: valid.until, reason: valid.reason)
        guard let fresh = try await Alert.find(id, on: req.db) else { throw Abort(.notFound) }
        return AlertDTO(fresh, req: req)
    }
}

/// An alert's reason and the page that resolves it.
enum AlertText {
    static func reason(_ alert: Alert, t: (String, [String]) -> String) -> String {
        var args = alert.reasonArgs
        switch alert.kind {
        case .agreementEnding, .firstWorkday:
            if let type = args.first.flatMap(AgreementType.init(rawValue:)) { args[0] = t(type.labelKey, []) }
        case .noWorkplaceContact:
            // Since the last contact, or since the start when there has been none.
            if args.count > 2, args[2] == "start" { return t("alert.reason.no_workplace_contact_since_start", Array(args.prefix(2))) }
        case .noNextMeeting:
            if args.first?.isEmpty ?? true { return t("alert.reason.no_next_meeting_none", []) }
        case .mentorAlarm:
            if let reason = args.first.flatMap(AlarmReason.init(rawValue:)) { args[0] = t(reason.labelKey, []) }
        default:
            break
        }
        return t(alert.kind.reasonKey, args)
    }

    static func link(_ alert: Alert) -> String {
        let pathway = "/forlop/\(alert.$pathway.id)"
        switch alert.kind {
        case .criterionOverdue: return pathway + "#kriterier"
        case .agreementEnding, .firstWorkday: return UUID(uuidString: alert.subject).map { "/avtaler/\($0)" } ?? pathway
        case .noWorkplaceContact, .noNextMeeting: return pathway + "/oppfolging"
        case .mentorAlarm: return pathway + "/oppfolging#mentor"
        }
    }
}
