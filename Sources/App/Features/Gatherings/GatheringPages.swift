import Fluent
import Vapor

/// `/samlinger`: the office's gatherings (upcoming first, then past) with how many were invited,
/// said yes and came; a form for a new one; and per mentor how many gatherings they came to in
/// the last twelve months.
struct GatheringListPage: MultiFormPage {
    let req: Request
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request) { self.req = req }

    struct Item: Encodable, Sendable {
        var href: String
        var kind: String
        var when: String
        var place: String
        var theme: String
        var status: String
        var statusClass: String
        var invited: Int
        var yes: Int
        var attended: Int
        var showAttended: Bool
    }

    struct MentorLine: Encodable, Sendable {
        var name: String
        var employer: String
        var attendance: String
        var notRecorded: String?
        var invited: Int
    }

    struct View: Encodable, Sendable {
        var createForm: [FormView]
        var upcoming: [Item]
        var past: [Item]
        var mentors: [MentorLine]
        var statsPeriod: String
    }

    static func item(_ record: GatheringRecord, req: Request) -> Item {
        let g = record.gathering
        let status = record.status(now: req.now)
        let counts = record.counts
        return Item(href: "/samlinger/\(record.id.uuidString)", kind: req.t(g.kind.labelKey), when: DisplayDate.dateTime(g.startsAt), place: g.place,
                    theme: g.theme, status: req.t(status.labelKey), statusClass: status.rawValue, invited: counts.invited, yes: counts.yes,
                    attended: counts.attended, showAttended: status == .held)
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let now = req.now
        let officeID = try req.requireOfficeID()

        var form = builder("ny", action: "/samlinger", defaults: ["time": "12:00"])
        form.choice("kind", GatheringKind.self, label: "gathering.field.kind", labelKey: \.labelKey, hint: "gathering.field.kind_hint")
        form.add("day", .date, label: "gathering.field.day")
        form.add("time", .time, label: "gathering.field.time")
        form.add("place", .text, label: "gathering.field.place", hint: "gathering.field.place_hint", maxLength: GatheringRules.maxPlace)
        form.add("theme", .text, label: "gathering.field.theme", hint: "gathering.field.theme_hint", maxLength: GatheringRules.maxTheme)

        let records = try await GatheringRecord.office(officeID, on: db)
        let upcoming = records.filter { $0.gathering.startsAt > now }.sorted { $0.gathering.startsAt < $1.gathering.startsAt }
        let past = records.filter { $0.gathering.startsAt <= now }

        let period = GatheringStats.lastTwelveMonths([], now: now)
        let stats = GatheringStats(try await GatheringRecord.statsRecords(officeID: officeID, from: period.from, on: db), from: period.from, to: period.to)
        let mentors = try await Mentor.query(on: db).filter(\.$office.$id == officeID).with(\.$employer).all()
            .sorted { ($0.name.lowercased(), $0.id!.uuidString) < ($1.name.lowercased(), $1.id!.uuidString) }
        let lines = mentors.map { mentor in
            let line = stats.line(for: mentor.id!)
            return MentorLine(
                name: mentor.name, employer: mentor.employer.name,
                attendance: line.invited == 0 ? req.t("gathering.stats.none") : req.t("gathering.stats.attended", String(line.attended), String(line.invited)),
                notRecorded: line.notRecorded > 0 ? req.t("gathering.stats.not_recorded", String(line.notRecorded)) : nil,
                invited: line.invited
            )
        }

        let view = View(
            createForm: [form.build(submit: "gathering.create.submit", folded: !records.isEmpty, summary: "gathering.create.summary")],
            upcoming: upcoming.map { Self.item($0, req: req) }, past: past.map { Self.item($0, req: req) },
            mentors: lines, statsPeriod: "\(DisplayDate.date(period.from)) – \(DisplayDate.date(period.to))"
        )
        return try await req.render("gatherings/index", titleKey: "gathering.list.title", view, status: status)
    }
}

/// `/samlinger/{id}`: one gathering — invite the office's mentors, see their answers, record who
/// came once it has begun, write a short summary, or cancel it.
struct GatheringPage: MultiFormPage {
    let req: Request
    let gathering: Gathering
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request, gathering: Gathering) {
        self.req = req
        self.gathering = gathering
    }

    static func mentorField(_ id: UUID) -> String { "mentor-\(id.uuidString)" }
    static func attendedField(_ id: UUID) -> String { "attended-\(id.uuidString)" }

    struct Invitee: Encodable, Sendable {
        var name: String
        var employer: String
        var answer: String
        var answerClass: String
        var attendance: String?
    }

    struct MentorOption: Encodable, Sendable {
        var field: String
        var id: String
        var name: String
        var employer: String
        var checked: Bool
    }

    /// A form drawn by its own template: a checkbox or radio list.
    struct ListForm<Row: Encodable & Sendable>: Encodable, Sendable {
        var id: String
        var action: String
        var rows: [Row]
        var errors: [FormErrors.Item]
        var hasErrors: Bool
    }

    struct AttendanceRow: Encodable, Sendable {
        var field: String
        var id: String
        var name: String
        var employer: String
        var answer: String
        var came: Bool
        var notCame: Bool
    }

    struct Counts: Encodable, Sendable {
        var invited: Int
        var yes: Int
        var no: Int
        var maybe: Int
        var unanswered: Int
        var attended: Int
        var absent: Int
    }

    struct View: Encodable, Sendable {
        var id: String
        var kind: String
        var when: String
        var place: String
        var theme: String
        var status: String
        var statusClass: String
        var cancelled: String?
        var cancelReason: String?
        var counts: Counts
        var invitees: [Invitee]
        var inviteForm: [ListForm<MentorOption>]
        var allInvited: Bool
        var noMentors: Bool
        var attendanceForm: [ListForm<AttendanceRow>]
        var attendanceFrom: String?
        var summary: String?
        var summaryMeta: String?
        var summaryForm: [FormView]
        var cancelForm: [FormView]
    }

    private func listErrors(_ formID: String) -> (items: [FormErrors.Item], values: [String: String]?) {
        guard let failed, failed.id == formID else { return ([], nil) }
        // Custom lists have no field of their own to point at: every message points at the form.
        return (failed.errors.items.map { .init(field: formID, message: $0.message) }, failed.values)
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let now = req.now
        let record = try await GatheringRecord.load(gathering, on: db)
        let g = record.gathering
        let base = "/samlinger/\(record.id.uuidString)"
        let state = record.status(now: now)
        let counts = record.counts

        let invitees = record.invitees.map { invitee in
            let i = invitee.invitation
            return Invitee(
                name: invitee.mentorName, employer: invitee.employerName,
                answer: i.answer.map { req.t($0.labelKey) } ?? req.t("gathering.answer.none"),
                answerClass: i.answer?.rawValue ?? "none",
                attendance: i.attended.map { req.t($0 ? "gathering.attendance.came" : "gathering.attendance.not_came") }
            )
        }

        // Inviting: the office's mentors not yet invited.
        var inviteForm: [ListForm<MentorOption>] = []
        let invited = Set(record.invitees.map(\.invitation.$mentor.id))
        let officeMentors = try await Mentor.query(on: db).filter(\.$office.$id == g.$office.id).with(\.$employer).all()
            .sorted { ($0.name.lowercased(), $0.id!.uuidString) < ($1.name.lowercased(), $1.id!.uuidString) }
        let notInvited = officeMentors.filter { !invited.contains($0.id!) }
        if state != .cancelled, !notInvited.isEmpty {
            let (errors, values) = listErrors("inviter")
            inviteForm = [ListForm(id: "inviter", action: "\(base)/inviter", rows: notInvited.map { mentor in
                let field = Self.mentorField(mentor.id!)
                return MentorOption(field: field, id: "inviter-\(mentor.id!.uuidString)", name: mentor.name, employer: mentor.employer.name,
                                    checked: values?[field] == "on")
            }, errors: errors, hasErrors: !errors.isEmpty)]
        }

        // Attendance: from the start on, for those invited.
        var attendanceForm: [ListForm<AttendanceRow>] = []
        if state == .held, !record.invitees.isEmpty {
            let (errors, values) = listErrors("oppmote")
            attendanceForm = [ListForm(id: "oppmote", action: "\(base)/oppmote", rows: record.invitees.map { invitee in
                let mentorID = invitee.invitation.$mentor.id
                let field = Self.attendedField(mentorID)
                let chosen = values.map { $0[field] } ?? invitee.invitation.attended.map { $0 ? "yes" : "no" }
                return AttendanceRow(field: field, id: "oppmote-\(mentorID.uuidString)", name: invitee.mentorName, employer: invitee.employerName,
                                     answer: invitee.invitation.answer.map { req.t($0.labelKey) } ?? req.t("gathering.answer.none"),
                                     came: chosen == "yes", notCame: chosen == "no")
            }, errors: errors, hasErrors: !errors.isEmpty)]
        }

        var summaryForm: [FormView] = []
        if state == .held {
            var form = builder("oppsummering", action: "\(base)/oppsummering", defaults: ["summary": g.heldSummary ?? ""])
            form.add("summary", .textarea, label: "gathering.field.summary", hint: "gathering.field.summary_hint", maxLength: GatheringRules.maxSummary)
            summaryForm = [form.build(submit: g.summaryAt == nil ? "gathering.summary.submit" : "gathering.summary.correct",
                                      folded: g.summaryAt != nil, summary: "gathering.summary.correct")]
        }

        var cancelForm: [FormView] = []
        if state != .cancelled, g.summaryAt == nil, !record.attendanceRecorded {
            var form = builder("avlys", action: "\(base)/avlys")
            form.add("reason", .textarea, label: "gathering.field.cancel_reason", hint: "gathering.field.cancel_reason_hint", maxLength: GatheringRules.maxCancelReason)
            cancelForm = [form.build(submit: "gathering.cancel.submit", folded: true, summary: "gathering.cancel.summary", secondary: true)]
        }

        let view = View(
            id: record.id.uuidString, kind: req.t(g.kind.labelKey), when: DisplayDate.dateTime(g.startsAt), place: g.place, theme: g.theme,
            status: req.t(state.labelKey), statusClass: state.rawValue,
            cancelled: g.cancelledAt.map { req.t("gathering.cancelled_meta", DisplayDate.dateTime($0)) }, cancelReason: g.cancelReason,
            counts: Counts(invited: counts.invited, yes: counts.yes, no: counts.no, maybe: counts.maybe, unanswered: counts.unanswered,
                           attended: counts.attended, absent: counts.absent),
            invitees: invitees, inviteForm: inviteForm, allInvited: state != .cancelled && !officeMentors.isEmpty && notInvited.isEmpty,
            noMentors: officeMentors.isEmpty,
            attendanceForm: attendanceForm,
            attendanceFrom: state == .planned ? DisplayDate.dateTime(g.startsAt) : nil,
            summary: g.heldSummary, summaryMeta: g.summaryAt.map { req.t("gathering.summary_meta", DisplayDate.dateTime($0)) },
            summaryForm: summaryForm, cancelForm: cancelForm
        )
        return try await req.render("gatherings/show", titleKey: "gathering.show.title", titleArgs: [req.t(g.kind.labelKey), DisplayDate.date(g.startsAt)],
                                    view, status: status)
    }
}
