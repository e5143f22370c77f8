import Fluent
import Vapor

/// The pathway's follow-up page: what needs follow-up now, the contact log (quick to enter from a
/// phone), and the meetings. Shows personal data, so a rendering is audited.
struct FollowUpPage: MultiFormPage {
    let req: Request
    let opened: OpenedPathway
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request, opened: OpenedPathway) {
        self.req = req
        self.opened = opened
    }

    struct AlertItem: Encodable, Sendable {
        var kind: String
        var reason: String
        var since: String
        var href: String
        var snoozed: String?
        var snoozeForm: [FormView]
    }

    struct ContactItem: Encodable, Sendable {
        var when: String
        var channel: String
        var withWhom: String
        var duration: String?
        var note: [PlainLanguage.Segment]
        var nextStep: String?
        var forCandidate: Bool
        var jargon: [String]
        var by: String
    }

    struct MeetingItem: Encodable, Sendable {
        var href: String
        var type: String
        var when: String
        var place: String?
        var status: String
        var statusClass: String
    }

    /// What the pathway's mentors wrote in their workspace.
    struct MentorItem: Encodable, Sendable {
        var when: String
        var who: String
        var title: String
        var text: String?
        var response: String?
        var open: Bool
    }

    struct MentorMonth: Encodable, Sendable {
        var who: String
        var month: String
        var logged: String
        var agreed: String?
        var over: Bool
    }

    struct View: Encodable, Sendable {
        var id: String
        var candidateName: String
        var mayChange: Bool
        var alerts: [AlertItem]
        var mentorNotes: [MentorItem]
        var mentorMonths: [MentorMonth]
        var meetingConfirmations: [String]
        var contactForm: [FormView]
        var contacts: [ContactItem]
        var upcoming: [MeetingItem]
        var past: [MeetingItem]
        var meetingForm: [FormView]
        var noContactDays: Int
    }

    /// One alert with its form: a mentor's alarm is answered (never snoozed); the others can be snoozed.
    /// `failed` is the form that failed on this request, if any; `back` is added to the form's address.
    static func alertItem(_ alert: Alert, req: Request, mayChange: Bool, failed: (id: String, values: [String: String], errors: FormErrors)?, back: String = "") -> AlertItem {
        let id = alert.id!.uuidString
        var forms: [FormView] = []
        if mayChange, alert.kind == .mentorAlarm {
            let formID = "kvitter-\(id)"
            let mine = failed?.id == formID ? failed : nil
            var form = FormBuilder(req, id: formID, action: "/varsler/\(id)/kvitter\(back)", values: mine?.values ?? [:], errors: mine?.errors ?? .init())
            form.add("response", .textarea, label: "alert.acknowledge.response", hint: "alert.acknowledge.hint", maxLength: MentorWorkspaceRules.maxResponse)
            forms.append(form.build(submit: "alert.acknowledge.submit"))
        } else if mayChange {
            let formID = "utsett-\(id)"
            let mine = failed?.id == formID ? failed : nil
            var form = FormBuilder(req, id: formID, action: "/varsler/\(id)/utsett\(back)", values: mine?.values ?? [:], errors: mine?.errors ?? .init())
            form.add("until", .date, label: "alert.snooze.until", hint: "alert.snooze.until_hint")
            form.add("reason", .textarea, label: "alert.snooze.reason", maxLength: PathwayRules.maxReason)
            forms.append(form.build(submit: "alert.snooze.submit", folded: true, summary: "alert.snooze.summary", secondary: true))
        }
        return AlertItem(kind: req.t(alert.kind.labelKey), reason: AlertText.reason(alert, t: req.t), since: DisplayDate.date(alert.since),
                         href: AlertText.link(alert), snoozed: alert.isSnoozed(now: req.now) ? DisplayDate.date(alert.snoozedUntil!) : nil,
                         snoozeForm: forms)
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let now = req.now
        let pathway = opened.pathway
        let pathwayID = opened.id
        let base = "/forlop/\(pathwayID.uuidString)/oppfolging"
        let candidate = opened.candidate.candidate
        let mayChange = opened.mayChange
        let office = try await req.readDB.findModel(Office.self, id: pathway.$office.id)
        let terms = try await office.asyncMap { try await PlainLanguageList.load(office: $0, on: req.readDB) } ?? []

        let alerts = try await Alert.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$resolvedAt == nil).sort(\.$since).all()

        var contactForm = builder("kontakt", action: "\(base)/kontakter", defaults: ["occurredAt": DisplayDate.dayInput(now)])
        contactForm.add("occurredAt", .date, label: "contact.field.when")
        contactForm.choice("channel", ContactChannel.self, label: "contact.field.channel", labelKey: \.labelKey)
        contactForm.choice("withWhom", ContactParty.self, label: "contact.field.with_whom", labelKey: \.labelKey)
        contactForm.add("withName", .text, label: "contact.field.with_name", hint: "contact.field.with_name_hint", maxLength: FollowUpRules.maxName)
        contactForm.add("durationMinutes", .number, label: "contact.field.duration", maxLength: 3, inputMode: "numeric")
        contactForm.add("note", .textarea, label: "contact.field.note", maxLength: FollowUpRules.maxNote)
        contactForm.add("nextStep", .text, label: "contact.field.next_step", maxLength: FollowUpRules.maxNote)
        contactForm.add("forCandidate", .checkbox, label: "contact.field.for_candidate")

        let contacts = try await Contact.query(on: db).filter(\.$pathway.$id == pathwayID).with(\.$recordedBy)
            .sort(\.$occurredAt, .descending).sort(\.$recordedAt, .descending).limit(200).all()

        var meetingForm = builder("mote", action: "\(base)/moter", defaults: ["time": "09:00", "durationMinutes": "60"])
        meetingForm.addMeetingFields(agendaHint: "meeting.field.agenda_hint")

        let meetings = try await Meeting.query(on: db).filter(\.$pathway.$id == pathwayID).sort(\.$startsAt, .descending).limit(200).all()
        func item(_ m: Meeting) -> MeetingItem {
            MeetingItem(href: "/moter/\(m.id!.uuidString)", type: req.t(m.type.labelKey), when: DisplayDate.dateTime(m.startsAt), place: m.place,
                        status: req.t(m.status.labelKey), statusClass: m.status.rawValue)
        }
        let upcoming = meetings.filter { $0.status == .planned }.sorted { $0.startsAt < $1.startsAt }
        let past = meetings.filter { $0.status != .planned }

        // From the mentors' workspace: alarms and observations, newest first, and hours by month.
        let mentors = Dictionary(try await Mentor.query(on: db).join(PathwayMentor.self, on: \Mentor.$id == \PathwayMentor.$mentor.$id)
            .filter(PathwayMentor.self, \.$pathway.$id == pathwayID).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let alarms = try await MentorAlarm.query(on: db).filter(\.$pathway.$id == pathwayID).sort(\.$raisedAt, .descending).limit(50).all()
        let observations = try await MentorObservation.query(on: db).filter(\.$pathway.$id == pathwayID).sort(\.$writtenAt, .descending).limit(50).all()
        var mentorNotes = alarms.map { a in
            (a.raisedAt, MentorItem(when: DisplayDate.dateTime(a.raisedAt), who: mentors[a.$mentor.id]?.name ?? "–",
                                    title: req.t("followup.mentor.alarm", req.t(a.reason.labelKey)), text: a.text, response: a.response, open: a.acknowledgedAt == nil))
        }
        mentorNotes += observations.map { o in
            (o.writtenAt, MentorItem(when: DisplayDate.dateTime(o.writtenAt), who: mentors[o.$mentor.id]?.name ?? "–", title: req.t(o.kind.labelKey),
                                     text: o.text, response: nil, open: false))
        }
        var mentorMonths: [MentorMonth] = []
        for (mentorID, mentor) in mentors.sorted(by: { $0.value.name < $1.value.name }) {
            let hours = try await MentorHours.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$mentor.$id == mentorID).all()
            guard !hours.isEmpty else { continue }
            let agreement = try await MentorWorkspaceService.mentorAgreement(pathwayID: pathwayID, mentorID: mentorID, on: db)
            for month in MentorWorkspaceRules.months(entries: hours.map { ($0.workedOn, $0.hundredthHours) }, agreedPerMonth: agreement?.1.hundredthHours,
                                                     from: agreement?.1.startDate, to: min(now, agreement?.1.endDate ?? now)).prefix(6) {
                mentorMonths.append(.init(who: mentor.name, month: DisplayDate.month(month.start), logged: MentorWorkspaceRules.hoursText(month.loggedHundredths),
                                          agreed: month.agreedHundredths.map(MentorWorkspaceRules.hoursText), over: month.isOver))
            }
        }
        let confirmations = try await MeetingConfirmation.query(on: db).join(Meeting.self, on: \MeetingConfirmation.$meeting.$id == \Meeting.$id)
            .filter(Meeting.self, \.$pathway.$id == pathwayID).filter(Meeting.self, \.$startsAt > now).with(\.$user).all()
        let upcomingTypes = Dictionary(meetings.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })

        let view = View(
            id: pathwayID.uuidString, candidateName: candidate.fullName, mayChange: mayChange,
            alerts: alerts.map { alert in
                Self.alertItem(alert, req: req, mayChange: mayChange, failed: failed, back: "?tilbake=oppfolging")
            },
            mentorNotes: mentorNotes.sorted { $0.0 > $1.0 }.map(\.1),
            mentorMonths: mentorMonths,
            meetingConfirmations: confirmations.compactMap { c in
                upcomingTypes[c.$meeting.id].map { req.t("followup.mentor.confirmed", c.user.displayName, req.t($0.type.labelKey), DisplayDate.dateTime($0.startsAt)) }
            },
            contactForm: mayChange ? [contactForm.build(submit: "contact.submit")] : [],
            contacts: contacts.map { c in
                let note = c.note ?? ""
                return ContactItem(
                    when: DisplayDate.date(c.occurredAt), channel: req.t(c.channel.labelKey),
                    withWhom: req.t(c.withWhom.labelKey) + (c.withName.map { " (\($0))" } ?? ""),
                    duration: c.durationMinutes.map { req.t("contact.minutes", String($0)) },
                    note: c.forCandidate ? PlainLanguage.segments(note, terms: terms) : [.init(text: note)],
                    nextStep: c.nextStep, forCandidate: c.forCandidate,
                    jargon: c.forCandidate ? PlainLanguage.findings(in: [note, c.nextStep ?? ""].joined(separator: "\n"), terms: terms)
                        .map { req.t("plain_language.finding", $0.term, $0.suggestion) } : [],
                    by: c.recordedBy.displayName
                )
            },
            upcoming: upcoming.map(item), past: past.map(item),
            meetingForm: mayChange ? [meetingForm.build(submit: "meeting.submit", folded: !upcoming.isEmpty, summary: "meeting.new.summary")] : [],
            noContactDays: office?.noContactAlertDays ?? 30
        )
        try await req.audit(.pathway(.pathwayRead, pathway, detail: "oppfølging"))
        return try await req.render("followup/pathway", titleKey: "followup.title", titleArgs: [candidate.firstName], view, status: status)
    }
}

/// One meeting: plans, agenda, minutes (which make it held), the next meeting, cancelling, and
/// the calendar file.
struct MeetingPage: MultiFormPage {
    let req: Request
    let meeting: Meeting
    let opened: OpenedPathway
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request, meeting: Meeting, opened: OpenedPathway) {
        self.req = req
        self.meeting = meeting
        self.opened = opened
    }

    struct View: Encodable, Sendable {
        var id: String
        var pathwayID: String
        var candidateName: String
        var type: String
        var status: String
        var statusClass: String
        var when: String
        var duration: Int
        var place: String?
        var participants: [String]
        var agenda: String?
        var minutes: [PlainLanguage.Segment]
        var hasMinutes: Bool
        var minutesForCandidate: Bool
        var jargon: [String]
        var minutesMeta: String?
        var cancelled: String?
        var noNextMeeting: Bool
        var minutesForm: [FormView]
        var editForm: [FormView]
        var cancelForm: [FormView]
        var icsHref: String
    }

    static func participantValues(_ participants: [MeetingParticipant]) -> [String: String] {
        var values: [String: String] = [:]
        for role in [ParticipantRole.candidate, .mentor, .employer] where participants.contains(where: { $0.role == role }) {
            values["with_\(role.rawValue)"] = "on"
        }
        values["others"] = participants.filter { $0.role == .other }.compactMap(\.name).joined(separator: ", ")
        return values
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let now = req.now
        let m = meeting
        let base = "/moter/\(m.id!.uuidString)"
        let terms = try await PlainLanguageList.load(officeID: m.$office.id, on: req.readDB)
        let mayChange = opened.mayChange
        let nextPlanned = try await Meeting.query(on: db).filter(\.$pathway.$id == opened.id).filter(\.$cancelledAt == nil)
            .filter(\.$minutesAt == nil).filter(\.$startsAt > now).filter(\.$id != m.id!).first()

        var minutes = builder("referat", action: "\(base)/referat", defaults: [
            "minutes": m.minutes ?? "", "forCandidate": m.minutesForCandidate ? "on" : "", "next.time": "09:00",
        ])
        minutes.add("minutes", .textarea, label: "meeting.field.minutes", hint: "meeting.field.minutes_hint", maxLength: FollowUpRules.maxMinutes)
        minutes.add("forCandidate", .checkbox, label: "meeting.field.for_candidate")
        if m.minutesAt == nil {
            minutes.choice("next.type", MeetingType.self, label: "meeting.field.next_type", labelKey: \.labelKey, hint: nextPlanned == nil ? "meeting.field.next_hint" : nil, emptyLabel: "meeting.field.next_none")
            minutes.add("next.day", .date, label: "meeting.field.next_day")
            minutes.add("next.time", .time, label: "meeting.field.next_time")
        }

        var edit = builder("endre", action: "\(base)/endre", defaults: [
            "type": m.type.rawValue, "day": DisplayDate.dayInput(m.startsAt), "time": DisplayDate.timeInput(m.startsAt),
            "durationMinutes": String(m.durationMinutes), "place": m.place ?? "", "agenda": m.agenda ?? "",
        ].merging(Self.participantValues(m.participants)) { a, _ in a })
        edit.addMeetingFields(agendaHint: nil)

        var cancel = builder("avlys", action: "\(base)/avlys")
        cancel.add("reason", .textarea, label: "meeting.field.cancel_reason", maxLength: PathwayRules.maxReason)

        let planned = m.status == .planned
        let minutesBy = try await m.$minutesBy.get(on: db)
        let view = View(
            id: m.id!.uuidString, pathwayID: opened.id.uuidString, candidateName: opened.candidate.candidate.fullName,
            type: req.t(m.type.labelKey), status: req.t(m.status.labelKey), statusClass: m.status.rawValue,
            when: DisplayDate.dateTime(m.startsAt), duration: m.durationMinutes, place: m.place,
            participants: m.participants.map { p in req.t(p.role.labelKey) + (p.name.map { ": \($0)" } ?? "") },
            agenda: m.agenda,
            minutes: m.minutesForCandidate ? PlainLanguage.segments(m.minutes ?? "", terms: terms) : [.init(text: m.minutes ?? "")],
            hasMinutes: m.minutesAt != nil, minutesForCandidate: m.minutesForCandidate,
            jargon: m.minutesForCandidate ? PlainLanguage.findings(in: m.minutes ?? "", terms: terms).map { req.t("plain_language.finding", $0.term, $0.suggestion) } : [],
            minutesMeta: m.minutesAt.map { req.t("meeting.minutes_meta", minutesBy?.displayName ?? "–", DisplayDate.dateTime($0)) },
            cancelled: m.cancelledAt.map { req.t("meeting.cancelled_meta", DisplayDate.dateTime($0), m.cancelReason ?? "") },
            noNextMeeting: m.minutesAt != nil && nextPlanned == nil,
            minutesForm: mayChange && m.status != .cancelled
                ? [minutes.build(submit: m.minutesAt == nil ? "meeting.minutes.submit" : "meeting.minutes.correct", folded: m.minutesAt != nil, summary: "meeting.minutes.correct")] : [],
            editForm: mayChange && planned ? [edit.build(submit: "meeting.edit.submit", folded: true, summary: "meeting.edit.summary", secondary: true)] : [],
            cancelForm: mayChange && planned ? [cancel.build(submit: "meeting.cancel.submit", folded: true, summary: "meeting.cancel.summary", secondary: true)] : [],
            icsHref: "\(base).ics"
        )
        try await req.audit(.pathway(.meetingRead, opened.pathway, detail: "møte \(m.id!.uuidString): side"))
        return try await req.render("followup/meeting", titleKey: "meeting.title", titleArgs: [req.t(m.type.labelKey), opened.candidate.candidate.firstName], view, status: status)
    }
}

extension FormBuilder {
    /// The fields of a meeting's plans, shared by booking and changing one.
    mutating func addMeetingFields(agendaHint: String?) {
        choice("type", MeetingType.self, label: "meeting.field.type", labelKey: \.labelKey)
        add("day", .date, label: "meeting.field.day")
        add("time", .time, label: "meeting.field.time")
        add("durationMinutes", .number, label: "meeting.field.duration", maxLength: 3, inputMode: "numeric")
        add("place", .text, label: "meeting.field.place", maxLength: FollowUpRules.maxPlace)
        for role in [ParticipantRole.candidate, .mentor, .employer] {
            add("with_\(role.rawValue)", .checkbox, label: "meeting.field.with_\(role.rawValue)")
        }
        add("others", .text, label: "meeting.field.others", hint: "meeting.field.others_hint", maxLength: FollowUpRules.maxName)
        add("agenda", .textarea, label: "meeting.field.agenda", hint: agendaHint, maxLength: FollowUpRules.maxAgenda)
    }
}
