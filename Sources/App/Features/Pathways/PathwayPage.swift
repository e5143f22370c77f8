import Fluent
import SQLKit
import Vapor

/// Builds the pathway page: facts, the steps as a bar, the criteria panel (with the model's risk
/// texts), the forms, and the timeline. Shows personal data, so a rendering is audited.
struct PathwayPage {
    let req: Request
    let opened: OpenedPathway
    var eventErrors = FormErrors()
    var eventDraft: PathwayController.EventForm?
    var stepErrors = FormErrors()
    var stepDraft: PathwayController.StepForm?
    var closeErrors = FormErrors()
    var closeDraft: PathwayController.CloseForm?
    var statusErrors = FormErrors()
    /// The timeline shows the events older than this one (`?eldre=`); nil: the newest.
    var timelineCursor: UUID?

    init(req: Request, opened: OpenedPathway, timelineCursor: UUID? = nil) {
        self.req = req
        self.opened = opened
        self.timelineCursor = timelineCursor
    }

    static func timelinePage(_ req: Request, pathwayID: UUID, facts: PathwayPageReads.Facts, cursor: UUID?, shown: [PathwayPageReads.Event], hasOlder: Bool) -> TimelinePage {
        guard hasOlder || cursor != nil else { return TimelinePage() }
        let first = facts.newerThanPage + 1
        return TimelinePage(
            position: shown.isEmpty ? nil : req.t("pathway.timeline.position", String(first), String(first + shown.count - 1), String(facts.events)),
            first: first,
            olderHref: hasOlder ? shown.last.map { "/forlop/\(pathwayID)?eldre=\($0.id)#tidslinje" } : nil,
            newestHref: cursor == nil ? nil : "/forlop/\(pathwayID)#tidslinje"
        )
    }

    struct StepItem: Encodable, Sendable {
        var number: Int
        var id: String
        var name: String
        var purpose: String
        var state: String // done, current, ahead
        var isCurrent: Bool
    }

    struct CriterionItem: Encodable, Sendable {
        var id: String
        var text: String
        var risk: String?
        var rule: String?
        var state: String
        var stateLabel: String
        var tagClass: String
        var line: String
        /// Overdue and still something to act on.
        var needsAction: Bool
        /// What the template asks with `#if`, as Booleans (see `TimelineItem`).
        var hasRisk: Bool
        var hasRule: Bool

        init(id: String, text: String, risk: String?, rule: String?, state: String, stateLabel: String, tagClass: String, line: String, needsAction: Bool) {
            (self.id, self.text, self.risk, self.rule, self.state) = (id, text, risk, rule, state)
            (self.stateLabel, self.tagClass, self.line, self.needsAction) = (stateLabel, tagClass, line, needsAction)
            hasRisk = risk != nil
            hasRule = rule != nil
        }
    }

    struct CriteriaGroup: Encodable, Sendable {
        var step: String
        var isCurrent: Bool
        /// Checked against the events; shown first.
        var checked: [CriterionItem]
        /// Judged by the counselor; folded away under the checked ones.
        var manual: [CriterionItem]
        var isEmpty: Bool
    }

    struct TimelineItem: Encodable, Sendable {
        var id: String
        /// The page that withdraws the event, when the user may.
        var withdrawHref: String?
        /// "Trukket tilbake …" with who, when and why, for a withdrawn event.
        var withdrawn: String?
        var date: String
        var label: String
        var employer: String?
        var note: String?
        var recorded: String
        /// What the template asks with `#if`, as Booleans: Leaf converts a text in `#if` through a
        /// table of converters it builds each time, and the timeline asked six times per event.
        var mayWithdraw: Bool
        var isWithdrawn: Bool
        var hasEmployer: Bool
        var hasNote: Bool

        init(id: String, withdrawHref: String?, withdrawn: String?, date: String, label: String, employer: String?, note: String?, recorded: String) {
            (self.id, self.withdrawHref, self.withdrawn, self.date) = (id, withdrawHref, withdrawn, date)
            (self.label, self.employer, self.note, self.recorded) = (label, employer, note, recorded)
            mayWithdraw = withdrawHref != nil
            isWithdrawn = withdrawn != nil
            hasEmployer = employer != nil
            hasNote = note != nil
        }
    }

    /// Where the shown part of the timeline lies, and the links to the rest.
    struct TimelinePage: Encodable, Sendable {
        /// "Hendelser 31–60 av 412, nyeste først", when the timeline does not fit on one page.
        var position: String?
        /// The number of the first event shown, counted from the newest, for the list's numbering.
        var first = 1
        var olderHref: String?
        var newestHref: String?
    }

    struct TransitionItem: Encodable, Sendable {
        var at: String
        var text: String
        var reason: String?
        var by: String
        var hasReason: Bool

        init(at: String, text: String, reason: String?, by: String) {
            (self.at, self.text, self.reason, self.by) = (at, text, reason, by)
            hasReason = reason != nil
        }
    }

    struct View: Encodable, Sendable {
        var id: String
        var candidateID: String
        var candidateName: String
        var modelName: String
        var modelVersion: Int
        var modelHref: String?
        var status: String
        var isClosed: Bool
        var isPaused: Bool
        var mayChange: Bool
        var readOnlyNotice: Bool
        /// Internal and external resources brought in and still active (premise 4).
        var activeResourceCount: Int
        var referralDate: String
        var referrer: String
        var counselor: String
        var outcome: String?
        var outcomeReason: String?
        var closedAt: String?
        var steps: [StepItem]
        var currentStepName: String
        var summary: [String: Int]
        var overdueCount: Int
        var dueCount: Int
        var groups: [CriteriaGroup]
        /// Overdue criteria, listed at the top of the panel.
        var overdue: [CriterionItem]
        var timeline: [TimelineItem]
        var timelinePage: TimelinePage
        var transitions: [TransitionItem]
        var eventTypes: [PathwayController.Option]
        var employers: [PathwayController.Option]
        var stepOptions: [PathwayController.Option]
        var outcomes: [PathwayController.Option]
        var eventValues: [String: String]
        var stepReason: String
        var closeValues: [String: String]
        var today: String
        /// One line about job development, mentors and agreements, linking to the job page.
        var jobsSummary: String
        var followUpSummary: String
        var alertCount: Int
        var eventErrors: FormErrors
        var stepErrors: FormErrors
        var closeErrors: FormErrors
        var statusErrors: FormErrors
    }

    func render(status: HTTPStatus = .ok, auditRead: Bool = true) async throws -> Response {
        let pathway = opened.pathway
        let model = opened.model
        let now = req.now
        let pathwayID = opened.id
        let sql = req.readDB
        let rows = try await PathwayCriteriaStore.load(pathwayID: pathwayID, on: sql)
        let evidenceTypes = try await PathwayPageReads.evidenceTypes(pathwayID: pathwayID, on: sql)
        let facts = try await PathwayPageReads.facts(pathwayID: pathwayID, counselorID: pathway.$counselor.id, cursor: timelineCursor, now: now, on: sql)
        let pageSize = PathwayPageReads.timelinePageSize
        var cursor = timelineCursor
        var events = try await PathwayPageReads.events(pathwayID: pathwayID, olderThan: cursor, limit: pageSize + 1, on: sql)
        if cursor != nil, facts.newerThanPage == 0 {
            // Not an event of this pathway (or withdrawn from the database): show the newest.
            cursor = nil
            events = try await PathwayPageReads.events(pathwayID: pathwayID, olderThan: nil, limit: pageSize + 1, on: sql)
        }
        let hasOlder = events.count > pageSize
        if hasOlder { events.removeLast() }
        let transitions = try await PathwayPageReads.transitions(pathwayID: pathwayID, on: sql)
        // Only what the employer menu shows: an office has a hundred employers or more.
        let employers = try await PathwayPageReads.employerOptions(officeID: pathway.$office.id, on: sql)
        let daysToContact = facts.firstEmployerContact.flatMap { JobDevelopment.days(fromReferral: pathway.referralDate, toFirstContact: $0) }

        let steps = model.pathwaySteps
        let currentIndex = steps.firstIndex { $0.id == pathway.currentStep } ?? 0
        let stepItems = steps.enumerated().map { index, step in
            StepItem(number: index + 1, id: step.id, name: step.name, purpose: step.purpose,
                     state: index < currentIndex ? "done" : index == currentIndex ? "current" : "ahead", isCurrent: index == currentIndex)
        }
        var summary: [String: Int] = [:]
        let groups = steps.map { step in
            let items = step.allCriteria.map { criterion in
                let status = CriterionStatus(row: rows[criterion.id], now: now)
                let checked = criterion.rule != nil
                if checked { summary[status.state.rawValue, default: 0] += 1 }
                return CriterionItem(
                    id: criterion.id, text: criterion.text, risk: criterion.risk,
                    rule: criterion.rule.map { RuleWording.describe($0, req) },
                    state: checked ? status.state.rawValue : "manual",
                    stateLabel: req.t(checked ? "criterion.state.\(status.state.rawValue)" : "criterion.state.manual"),
                    tagClass: checked ? status.tagClass : "",
                    line: status.line(req, machineChecked: checked, evidenceType: status.evidenceEventID == nil ? nil : evidenceTypes[criterion.id]),
                    needsAction: checked && status.state == .overdue && status.resolvable
                )
            }
            // `#criteria` writes an item of state "manual" in the manual shape: the split is by that state.
            return CriteriaGroup(step: step.name, isCurrent: step.id == pathway.currentStep, checked: items.filter { $0.state != "manual" },
                                 manual: items.filter { $0.state == "manual" }, isEmpty: items.isEmpty)
        }
        let view = View(
            id: pathwayID.uuidString, candidateID: opened.candidate.id.uuidString, candidateName: opened.candidate.candidate.fullName,
            modelName: model.name, modelVersion: model.version,
            modelHref: req.principal?.hasAny([.leder, .admin]) == true ? "/metodemodeller/\(opened.recordID)" : nil,
            status: req.t(pathway.status.labelKey), isClosed: pathway.status == .closed, isPaused: pathway.status == .paused,
            mayChange: opened.mayChange, readOnlyNotice: !opened.candidate.mayChange, activeResourceCount: facts.activeResources,
            referralDate: DisplayDate.date(pathway.referralDate), referrer: pathway.referrer,
            counselor: facts.counselor ?? "–",
            outcome: pathway.outcome.map { req.t($0.labelKey) }, outcomeReason: pathway.outcomeReason,
            closedAt: pathway.closedAt.map(DisplayDate.date),
            steps: stepItems, currentStepName: steps[safe: currentIndex]?.name ?? pathway.currentStep,
            summary: summary, overdueCount: summary[CriterionState.overdue.rawValue] ?? 0, dueCount: summary[CriterionState.due.rawValue] ?? 0,
            groups: groups, overdue: groups.flatMap(\.checked).filter(\.needsAction),
            timeline: events.map { event in
                let id = event.id.uuidString
                return TimelineItem(
                    id: id,
                    withdrawHref: opened.mayChange && event.withdrawnAt == nil && event.type.isWithdrawable
                        ? "/forlop/\(pathwayID)/hendelser/\(id)/trekk-tilbake" + (cursor.map { "?eldre=\($0)" } ?? "") : nil,
                    withdrawn: event.withdrawnAt.map { req.t("pathway.timeline.withdrawn", DisplayDate.dateTime($0), event.withdrawnBy ?? "–", event.withdrawnReason ?? "") },
                    date: DisplayDate.date(event.occurredAt), label: req.t(event.type.labelKey), employer: event.employer,
                    note: event.type == .stepChanged || event.type == .pathwayClosed ? nil : event.note,
                    recorded: req.t("pathway.timeline.recorded", event.recordedBy, DisplayDate.dateTime(event.recordedAt))
                )
            },
            timelinePage: Self.timelinePage(req, pathwayID: pathwayID, facts: facts, cursor: cursor, shown: events, hasOlder: hasOlder),
            transitions: transitions.map { transition in
                let name: (String?) -> String = { id in id.flatMap { model.step($0)?.name } ?? id ?? "" }
                let text: String
                switch transition.kind {
                case .start: text = req.t("pathway.transition.start", name(transition.toStep))
                case .step: text = req.t("pathway.transition.step", name(transition.fromStep), name(transition.toStep))
                case .pause: text = req.t("pathway.transition.pause")
                case .resume: text = req.t("pathway.transition.resume")
                case .close: text = req.t("pathway.transition.close")
                }
                return TransitionItem(at: DisplayDate.dateTime(transition.at), text: text, reason: transition.reason, by: transition.by)
            },
            eventTypes: PathwayEventType.recordable.map { .init(value: $0.rawValue, label: req.t($0.labelKey), selected: $0.rawValue == eventDraft?.type) },
            employers: employers.map { .init(value: $0.id.uuidString, label: $0.name, selected: $0.id.uuidString == eventDraft?.employerId) },
            stepOptions: steps.map { .init(value: $0.id, label: $0.name, selected: $0.id == (stepDraft?.step ?? pathway.currentStep)) },
            outcomes: Pathway.Outcome.allCases.map { .init(value: $0.rawValue, label: req.t($0.labelKey), selected: $0.rawValue == closeDraft?.outcome) },
            eventValues: [
                "occurredAt": eventDraft?.occurredAt ?? DisplayDate.dayInput(now), "newEmployerName": eventDraft?.newEmployerName ?? "",
                "note": eventDraft?.note ?? "",
            ],
            stepReason: stepDraft?.reason ?? "",
            closeValues: ["reason": closeDraft?.reason ?? "", "closedAt": closeDraft?.closedAt ?? DisplayDate.dayInput(now)],
            today: DisplayDate.dayInput(now),
            jobsSummary: [
                daysToContact.map { req.t("jobs.summary.first_contact", String($0)) } ?? req.t("jobs.summary.no_contact"),
                req.t("jobs.summary.mentors", String(facts.activeMentors)), req.t("jobs.summary.agreements", String(facts.agreements)),
            ].joined(separator: " · "),
            followUpSummary: [
                facts.openAlerts > 0 ? req.t("followup.summary.alerts", String(facts.openAlerts)) : req.t("followup.summary.no_alerts"),
                facts.nextMeeting.map { req.t("followup.summary.next_meeting", DisplayDate.dateTime($0)) } ?? req.t("followup.summary.no_meeting"),
                facts.lastContact.map { req.t("followup.summary.last_contact", DisplayDate.date($0)) } ?? req.t("followup.summary.no_contact"),
            ].joined(separator: " · "),
            alertCount: facts.openAlerts,
            eventErrors: eventErrors, stepErrors: stepErrors, closeErrors: closeErrors, statusErrors: statusErrors
        )
        if auditRead {
            try await req.audit(.pathway(.pathwayRead, pathway, detail: "side"))
        }
        return try await req.render("pathways/show", titleKey: "pathway.title", titleArgs: [opened.candidate.candidate.firstName, model.name], view, status: status)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
