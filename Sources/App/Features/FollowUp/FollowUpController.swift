import Fluent
import Vapor

/// The follow-up pages: a pathway's contacts and meetings, one meeting, snoozing an alert, and the
/// office's follow-up settings and plain-language word list.
struct FollowUpController {
    func show(req: Request) async throws -> Response {
        try await FollowUpPage(req: req, opened: try await req.openPathway()).render()
    }

    /// Form problems about a meeting's start name the day field the form shows.
    private static func formFields(_ error: ProblemError) -> ProblemError {
        var renamed = error
        renamed.fields = error.fields.map { issue in
            var issue = issue
            issue.field = issue.field.replacingOccurrences(of: "startsAt", with: "day")
            return issue
        }
        return renamed
    }

    private static func renaming<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ProblemError { throw formFields(error) }
    }

    static func participants(_ form: [String: String]) -> [MeetingParticipant] {
        var list: [MeetingParticipant] = []
        for role in [ParticipantRole.candidate, .mentor, .employer] where form["with_\(role.rawValue)"] == "on" {
            list.append(.init(role: role, name: nil))
        }
        for name in (form["others"] ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            list.append(.init(role: .other, name: name))
        }
        return list
    }

    static func meetingInput(_ form: [String: String], prefix: String = "") -> FollowUpRules.MeetingInput {
        .init(type: form[prefix + "type"], day: form[prefix + "day"], time: form[prefix + "time"], durationMinutes: form[prefix + "durationMinutes"],
              place: form[prefix + "place"], participants: participants(form), agenda: form[prefix + "agenda"])
    }

    func addContact(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let opened = try await req.openPathway(needs: .full)
        return try await req.submitForm("kontakt", values: form, done: "/forlop/\(opened.id.uuidString)/oppfolging?melding=\(Flash.contactRecorded.rawValue)#kontakter",
                                        page: { FollowUpPage(req: req, opened: opened) }) {
            let valid = try FollowUpRules.contact(.init(
                occurredAt: form["occurredAt"], channel: form["channel"], withWhom: form["withWhom"], withName: form["withName"],
                durationMinutes: form["durationMinutes"], note: form["note"], nextStep: form["nextStep"], forCandidate: form["forCandidate"] == "on"
            ), now: req.now, notBefore: opened.pathway.referralDate)
            try await FollowUpService(req: req).logContact(opened, valid)
        }
    }

    func planMeeting(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let opened = try await req.openPathway(needs: .full)
        var created: Meeting?
        let response = try await req.submitForm("mote", values: form, done: "", page: { FollowUpPage(req: req, opened: opened) }) {
            let valid = try Self.renaming { try FollowUpRules.meeting(Self.meetingInput(form), now: req.now) }
            created = try await FollowUpService(req: req).plan(opened, valid)
        }
        guard let created else { return response }
        return req.redirect(to: "/moter/\(created.id!.uuidString)?melding=\(Flash.meetingCreated.rawValue)", redirectType: .normal)
    }

    // MARK: - One meeting

    private func open(_ req: Request, needs: CandidateAccess.Level) async throws -> (Meeting, OpenedPathway) {
        try await FollowUpAPIController.open(req, raw: req.parameters.get("meeting") ?? "", needs: needs)
    }

    func meeting(req: Request) async throws -> Response {
        let raw = req.parameters.get("meeting") ?? ""
        if raw.hasSuffix(".ics") {
            let (meeting, opened) = try await FollowUpAPIController.open(req, raw: String(raw.dropLast(4)), needs: .read)
            try await req.audit(.pathway(.meetingRead, opened.pathway, detail: "møte \(meeting.id!.uuidString): kalenderfil"))
            return try MeetingCalendar.download(meeting, candidate: opened.candidate.candidate, req: req)
        }
        let (meeting, opened) = try await open(req, needs: .read)
        return try await MeetingPage(req: req, meeting: meeting, opened: opened).render()
    }

    func writeMinutes(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let (meeting, opened) = try await open(req, needs: .full)
        var flash = Flash.minutesWritten
        return try await req.submitForm("referat", values: form, done: "/moter/\(meeting.id!.uuidString)?melding=", page: { MeetingPage(req: req, meeting: meeting, opened: opened) }) {
            let next = Self.meetingInput(form, prefix: "next.")
            let nextInput = PathwayRules.trimmed(next.type) == nil ? nil : next
            let valid = try Self.renaming {
                try FollowUpRules.minutes(form["minutes"], forCandidate: form["forCandidate"] == "on", next: nextInput, meetingStart: meeting.startsAt, now: req.now)
            }
            let booked = try await FollowUpService(req: req).writeMinutes(meeting.id!, opened, valid)
            let planned = try await Meeting.query(on: req.db).filter(\.$pathway.$id == opened.id).filter(\.$cancelledAt == nil)
                .filter(\.$minutesAt == nil).filter(\.$startsAt > req.now).count()
            if booked == nil, planned == 0 { flash = .minutesWrittenNoNext }
        }.withFlash(flash)
    }

    func updateMeeting(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let (meeting, opened) = try await open(req, needs: .full)
        return try await req.submitForm("endre", values: form, done: "/moter/\(meeting.id!.uuidString)?melding=\(Flash.meetingUpdated.rawValue)",
                                        page: { MeetingPage(req: req, meeting: meeting, opened: opened) }) {
            let valid = try Self.renaming { try FollowUpRules.meeting(Self.meetingInput(form), now: req.now) }
            try await FollowUpService(req: req).update(meeting.id!, opened, valid)
        }
    }

    func cancelMeeting(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let (meeting, opened) = try await open(req, needs: .full)
        return try await req.submitForm("avlys", values: form, done: "/moter/\(meeting.id!.uuidString)?melding=\(Flash.meetingCancelled.rawValue)",
                                        page: { MeetingPage(req: req, meeting: meeting, opened: opened) }) {
            var issues: [ProblemError.FieldIssue] = []
            let reason = PathwayRules.text(form["reason"], field: "reason", max: PathwayRules.maxReason, required: true, issues: &issues)
            guard issues.isEmpty, let reason else { throw ProblemError.validation(issues) }
            try await FollowUpService(req: req).cancel(meeting.id!, opened, reason: reason)
        }
    }

    // MARK: - Alerts

    /// Snoozes from the start page or the pathway's follow-up page; a problem re-renders that page.
    func snooze(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        guard let id = req.parameters.get("alertID", as: UUID.self), let alert = try await Alert.find(id, on: req.db) else { throw Abort(.notFound) }
        let opened = try await req.openPathway(id: alert.$pathway.id, needs: .full)
        let fromPathway = (try? req.query.get(String.self, at: "tilbake")) == "oppfolging"
        let done = fromPathway ? "/forlop/\(opened.id.uuidString)/oppfolging?melding=\(Flash.alertSnoozed.rawValue)" : "/?melding=\(Flash.alertSnoozed.rawValue)"
        do {
            let valid = try FollowUpRules.snooze(until: form["until"], reason: form["reason"], now: req.now)
            try await FollowUpService(req: req).snooze(id, officeID: alert.$office.id, until: valid.until, reason: valid.reason)
        } catch let problem as ProblemError where !problem.fields.isEmpty {
            let formID = "utsett-\(id.uuidString)"
            if fromPathway {
                var page = FollowUpPage(req: req, opened: opened)
                page.failed = (formID, form, FormErrors(problem.fields, req))
                return try await page.render(status: .unprocessableEntity)
            }
            return try await HomeController().render(req: req, failed: (formID, form, FormErrors(problem.fields, req)), status: .unprocessableEntity)
        }
        return req.redirect(to: done, redirectType: .normal)
    }
}

private extension Response {
    /// Fills in the flash of a redirect whose message was decided while saving.
    func withFlash(_ flash: Flash) -> Response {
        if status == .seeOther || status == .found, let location = headers.first(name: .location), location.hasSuffix("?melding=") {
            headers.replaceOrAdd(name: .location, value: location + flash.rawValue)
        }
        return self
    }
}
