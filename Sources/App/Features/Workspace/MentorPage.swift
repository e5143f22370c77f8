import Fluent
import Vapor

/// The mentor's pages: their candidates, and one candidate's page with everything a mentor does —
/// raise the alarm, confirm meetings, update training goals, log hours, write observations.
/// Phone first: short forms, big buttons, no JavaScript.
struct MentorHomeView: Encodable, Sendable {
    struct Item: Encodable, Sendable {
        var href: String
        var firstName: String
        var employer: String
        var accessEnds: String?
    }

    var items: [Item]
    var gatheringsHref: String
}

struct MentorCasePage: MultiFormPage {
    struct Goal: Encodable, Sendable {
        var title: String
        var plan: String
        var status: String
        var target: String?
        var form: [FormView]
    }

    struct MeetingRow: Encodable, Sendable {
        var id: String
        var type: String
        var when: String
        var place: String?
        var confirmed: Bool
    }

    struct MonthRow: Encodable, Sendable {
        var month: String
        var logged: String
        var agreed: String?
        var over: Bool
    }

    struct Entry: Encodable, Sendable {
        var when: String
        var title: String
        var text: String?
        var response: String?
        var pending: Bool
    }

    struct AlarmChoice: Encodable, Sendable {
        var value: String
        var label: String
    }

    struct View: Encodable, Sendable {
        var base: String
        var firstName: String
        var employer: String
        var accessEnds: String?
        var open: Bool
        var counselorName: String
        var counselorPhone: String?
        var alarmChoices: [AlarmChoice]
        var alarmError: String?
        var alarmText: String
        var alarms: [Entry]
        var meetings: [MeetingRow]
        var sharesGoals: Bool
        var wishes: String?
        var agreedGoals: [String]
        var goals: [Goal]
        var hoursForm: [FormView]
        var agreedPerMonth: String?
        var months: [MonthRow]
        var hours: [Entry]
        var observationForm: [FormView]
        var observations: [Entry]
    }

    let req: Request
    let found: MentorCase
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request, found: MentorCase) {
        self.req = req
        self.found = found
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        let now = req.now
        let detail = try await MentorCaseDetail.load(found, userID: principal.userID, now: now, on: req.db)
        let base = "/mentor/forlop/\(found.pathwayID.uuidString)"
        let open = detail.pathwayOpen

        var hoursForm = builder("timer", action: "\(base)/timer", defaults: ["date": DisplayDate.dayInput(now)])
        hoursForm.add("date", .date, label: "workspace.hours.date")
        hoursForm.add("hours", .text, label: "workspace.hours.hours", hint: "workspace.hours.hours_hint", maxLength: 5, inputMode: "decimal")
        hoursForm.add("activity", .textarea, label: "workspace.hours.activity", hint: "workspace.hours.activity_hint", maxLength: MentorWorkspaceRules.maxActivity)

        var observationForm = builder("observasjon", action: "\(base)/observasjoner")
        observationForm.choice("kind", ObservationKind.self, label: "workspace.observation.kind", labelKey: \.labelKey)
        observationForm.add("text", .textarea, label: "workspace.observation.text", maxLength: MentorWorkspaceRules.maxText)

        let goals = detail.trainingGoals.map { goal -> Goal in
            var form = builder("delmal-\(goal.id.uuidString)", action: "\(base)/delmal/\(goal.id.uuidString)", defaults: ["status": goal.status.rawValue])
            form.choice("status", TrainingGoalStatus.self, label: "workspace.goal.status", labelKey: \.labelKey, emptyLabel: nil)
            form.add("note", .text, label: "workspace.goal.note", maxLength: TrainingPlanRules.maxNote)
            return Goal(title: goal.title, plan: req.t(goal.plan.labelKey), status: req.t(goal.status.labelKey), target: goal.targetDate.map(DisplayDate.date),
                        form: open ? [form.build(submit: "workspace.goal.submit", secondary: true)] : [])
        }
        let alarmFailed = failed?.id == "alarm" ? failed : nil
        let view = View(
            base: base, firstName: detail.firstName, employer: detail.employerName, accessEnds: detail.accessEnds.map(DisplayDate.date), open: open,
            counselorName: detail.counselorName, counselorPhone: detail.counselorPhone,
            alarmChoices: AlarmReason.allCases.map { .init(value: $0.rawValue, label: req.t($0.labelKey)) },
            alarmError: alarmFailed?.errors.items.first?.message, alarmText: alarmFailed?.values["text"] ?? "",
            alarms: detail.alarms.map { .init(when: DisplayDate.dateTime($0.raisedAt), title: req.t($0.reason.labelKey), text: $0.text,
                                              response: $0.response, pending: $0.acknowledgedAt == nil) },
            meetings: detail.meetings.map { .init(id: $0.id.uuidString, type: req.t($0.type.labelKey), when: DisplayDate.dateTime($0.startsAt),
                                                  place: $0.place, confirmed: $0.confirmed) },
            sharesGoals: detail.sharesGoals, wishes: detail.wishes, agreedGoals: detail.agreedGoals, goals: goals,
            hoursForm: open ? [hoursForm.build(submit: "workspace.hours.submit")] : [],
            agreedPerMonth: detail.agreedHundredthsPerMonth.map(MentorWorkspaceRules.hoursText),
            months: detail.months.map { .init(month: DisplayDate.month($0.start), logged: MentorWorkspaceRules.hoursText($0.loggedHundredths),
                                              agreed: $0.agreedHundredths.map(MentorWorkspaceRules.hoursText), over: $0.isOver) },
            hours: detail.hours.prefix(30).map { .init(when: DisplayDate.date($0.workedOn), title: req.t("workspace.hours.entry", MentorWorkspaceRules.hoursText($0.hundredthHours)),
                                                       text: $0.activity, response: nil, pending: false) },
            observationForm: open ? [observationForm.build(submit: "workspace.observation.submit")] : [],
            observations: detail.observations.map { .init(when: DisplayDate.dateTime($0.writtenAt), title: req.t($0.kind.labelKey), text: $0.text,
                                                          response: nil, pending: false) }
        )
        return try await req.render("workspace/mentor-case", titleKey: "workspace.case.title", titleArgs: [detail.firstName], view, status: status)
    }
}
