import Fluent
import Vapor

/// A placement's training plan page (`/avtaler/:id/opplaering`): the training plan's sub-goals
/// with their history, the language plan with its final goal, deadline and sub-goals, and the
/// workplace observation checklist with earlier observations as a table. Shows personal data, so
/// a rendering is audited.
struct TrainingPlanPage: MultiFormPage {
    let req: Request
    let snapshot: AgreementSnapshot
    let opened: OpenedPathway
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request, snapshot: AgreementSnapshot, opened: OpenedPathway) {
        self.req = req
        self.snapshot = snapshot
        self.opened = opened
    }

    static func base(_ agreementID: UUID) -> String { "/avtaler/\(agreementID.uuidString)/opplaering" }

    /// The form field names of an observation item.
    static func ratingField(_ item: ObservationItem) -> String { "rating_\(item.rawValue)" }
    static func commentField(_ item: ObservationItem) -> String { "comment_\(item.rawValue)" }

    /// The rules name items as the API does (`items.smaprat.rating`); the form names them `rating_smaprat`.
    static func formField(_ field: String) -> String {
        for item in ObservationItem.allCases {
            if field == TrainingPlanRules.itemField(item, "rating") { return ratingField(item) }
            if field == TrainingPlanRules.itemField(item, "comment") { return commentField(item) }
        }
        return field
    }

    struct HistoryLine: Encodable, Sendable {
        var when: String
        var who: String
        var change: String?
        var text: String?
    }

    struct GoalItem: Encodable, Sendable {
        var anchor: String
        var title: String
        var targetDate: String?
        var overdue: Bool
        var status: String
        var statusClass: String
        var responsible: String
        var history: [HistoryLine]
        var historySummary: String
        var form: [FormView]
    }

    struct Cell: Encodable, Sendable {
        var rating: String
        var ratingClass: String
        var comment: String?
    }

    struct Row: Encodable, Sendable {
        var label: String
        var cells: [Cell]
    }

    struct LanguagePlanView: Encodable, Sendable {
        var finalGoal: String
        var deadline: String
        var overdue: Bool
        var updated: String
    }

    struct View: Encodable, Sendable {
        var id: String
        var agreementHref: String
        var candidateName: String
        var agreementType: String
        var employerName: String
        var mayChange: Bool
        var readOnly: String?
        var pageError: String?
        var trainingGoals: [GoalItem]
        var trainingGoalForm: [FormView]
        var languagePlan: LanguagePlanView?
        var languagePlanForm: [FormView]
        var languageGoals: [GoalItem]
        var languageGoalForm: [FormView]
        var observationForm: [FormView]
        var observationDates: [String]
        var observationRows: [Row]
        var observationNotes: [String]
        var observationAuthors: [String]
        var hasObservations: Bool
        var hasObservationNotes: Bool
    }

    static func statusClass(_ status: TrainingGoalStatus) -> String {
        switch status {
        case .notStarted: ""
        case .inProgress: "due"
        case .reached: "ok"
        case .notReached: "warn"
        }
    }

    static func ratingClass(_ rating: ObservationRating) -> String {
        switch rating {
        case .masters: "ok"
        case .partly: "due"
        case .needsSupport: "warn"
        case .notObserved: ""
        }
    }

    func render(status httpStatus: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let now = req.now
        let agreement = snapshot.agreement
        let agreementID = snapshot.id
        let base = Self.base(agreementID)
        let record = try await TrainingPlanRecord.load(agreementID: agreementID, on: db)
        let names = try await TrainingPlanRecord.userNames(record.authorIDs, on: db)
        let employer = try await Employer.find(agreement.$employer.id, on: db)
        let annulled = agreement.annulledOn != nil
        let mayChange = opened.mayChange && !annulled
        let today = RuleDuration.calendar.startOfDay(for: now)
        let readOnly: String? = annulled ? req.t("training_plan.read_only.annulled")
            : opened.pathway.status == .closed ? req.t("training_plan.read_only.closed")
            : !opened.candidate.mayChange ? req.t("training_plan.read_only.access") : nil

        func goalItems(_ goals: [TrainingPlanRecord.Goal]) -> [GoalItem] {
            goals.map { item in
                let goal = item.goal
                let id = goal.id!.uuidString
                var form = builder("delmal-\(id)", action: "\(base)/delmal/\(id)", defaults: ["status": goal.status.rawValue])
                form.choice("status", TrainingGoalStatus.self, label: "training_plan.field.status", labelKey: \.labelKey, emptyLabel: nil)
                form.add("note", .textarea, label: "training_plan.field.progress_note", hint: "training_plan.field.progress_note_hint", maxLength: TrainingPlanRules.maxNote)
                return GoalItem(
                    anchor: "delmal-\(id)", title: goal.title, targetDate: goal.targetDate.map(DisplayDate.date),
                    overdue: goal.targetDate.map { $0 < today } == true && goal.status != .reached && goal.status != .notReached,
                    status: req.t(goal.status.labelKey), statusClass: Self.statusClass(goal.status),
                    responsible: req.t(goal.responsible.labelKey),
                    history: item.notes.reversed().map { note in
                        let change: String? = switch (note.fromStatus, note.toStatus) {
                        case let (from?, to?): req.t("training_plan.history.moved", req.t(from.labelKey), req.t(to.labelKey))
                        case let (nil, to?): req.t("training_plan.history.created", req.t(to.labelKey))
                        default: nil
                        }
                        return HistoryLine(when: DisplayDate.dateTime(note.writtenAt), who: names[note.$writtenBy.id] ?? "–", change: change, text: note.text)
                    },
                    historySummary: req.t("training_plan.history.summary", String(item.notes.count)),
                    form: mayChange ? [form.build(submit: "training_plan.goal.update_submit", folded: true, summary: "training_plan.goal.update_summary", secondary: true)] : []
                )
            }
        }

        func goalForm(_ plan: TrainingPlanKind) -> FormView {
            var form = builder("delmal-\(plan.rawValue)", action: "\(base)/delmal", defaults: ["plan": plan.rawValue])
            form.add("plan", .hidden, label: plan.labelKey, defaultValue: plan.rawValue)
            form.add("title", .text, label: plan == .training ? "training_plan.field.title" : "training_plan.field.language_title",
                     hint: plan == .training ? "training_plan.field.title_hint" : "training_plan.field.language_title_hint", maxLength: TrainingPlanRules.maxTitle)
            form.add("targetDate", .date, label: "training_plan.field.target_date", hint: "training_plan.field.target_date_hint")
            form.choice("responsible", TrainingResponsible.self, label: "training_plan.field.responsible", labelKey: \.labelKey)
            let goals = plan == .training ? record.trainingGoals : record.languageGoals
            return form.build(submit: "training_plan.goal.add_submit", folded: !goals.isEmpty,
                              summary: plan == .training ? "training_plan.goal.add_summary" : "training_plan.goal.add_language_summary")
        }

        var planForm = builder("sprakplan", action: "\(base)/sprakplan", defaults: [
            "finalGoal": record.languagePlan?.finalGoal ?? "", "deadline": record.languagePlan.map { DisplayDate.dayInput($0.deadline) } ?? "",
        ])
        planForm.add("finalGoal", .textarea, label: "training_plan.field.final_goal", hint: "training_plan.field.final_goal_hint", maxLength: TrainingPlanRules.maxFinalGoal)
        planForm.add("deadline", .date, label: "training_plan.field.deadline", hint: "training_plan.field.deadline_hint")

        var observationForm = builder("observasjon", action: "\(base)/observasjon", defaults: ["observedOn": DisplayDate.dayInput(now)])
        observationForm.add("observedOn", .date, label: "training_plan.field.observed_on", hint: "training_plan.field.observed_on_hint")
        for item in ObservationItem.allCases {
            observationForm.choice(Self.ratingField(item), ObservationRating.self, label: item.labelKey, labelKey: \.labelKey)
            observationForm.add(Self.commentField(item), .text, label: "training_plan.field.comment", maxLength: TrainingPlanRules.maxComment)
        }
        observationForm.add("note", .textarea, label: "training_plan.field.observation_note", hint: "training_plan.field.observation_note_hint", maxLength: TrainingPlanRules.maxNote)
        var observationView = observationForm.build(submit: "training_plan.observation.submit", folded: !record.observations.isEmpty, summary: "training_plan.observation.summary")
        // Each comment is labelled with its item, so a screen reader says which one it belongs to.
        for index in observationView.fields.indices {
            if let item = ObservationItem.allCases.first(where: { Self.commentField($0) == observationView.fields[index].name }) {
                observationView.fields[index].label = req.t("training_plan.field.comment_for", req.t(item.labelKey))
            }
        }

        let observations = record.observations
        let rows = ObservationItem.allCases.map { item in
            Row(label: req.t(item.labelKey), cells: observations.map { observation in
                let answer = observation.items[item]
                return Cell(rating: answer.map { req.t($0.rating.labelKey) } ?? "–", ratingClass: answer.map { Self.ratingClass($0.rating) } ?? "",
                            comment: answer?.comment)
            })
        }

        let trainingGoals = goalItems(record.trainingGoals)
        let languageGoals = goalItems(record.languageGoals)
        let trainingGoalForm = mayChange ? [goalForm(.training)] : []
        let languageGoalForm = mayChange ? [goalForm(.language)] : []
        let languagePlanForm = mayChange ? [planForm.build(submit: "training_plan.language.submit", folded: record.languagePlan != nil,
                                                           summary: "training_plan.language.change_summary", secondary: record.languagePlan != nil)] : []
        let observationForms = mayChange ? [observationView] : []
        let shownForms = Set((trainingGoals + languageGoals).flatMap(\.form).map(\.id)
            + (trainingGoalForm + languageGoalForm + languagePlanForm + observationForms).map(\.id))

        let view = View(
            id: agreementID.uuidString, agreementHref: "/avtaler/\(agreementID.uuidString)", candidateName: opened.candidate.candidate.fullName,
            agreementType: req.t(agreement.type.labelKey), employerName: employer?.name ?? "–",
            mayChange: mayChange, readOnly: readOnly,
            pageError: failed.flatMap { failed in shownForms.contains(failed.id) ? nil : failed.errors.items.first?.message },
            trainingGoals: trainingGoals, trainingGoalForm: trainingGoalForm,
            languagePlan: record.languagePlan.map { plan in
                LanguagePlanView(finalGoal: plan.finalGoal, deadline: DisplayDate.date(plan.deadline), overdue: plan.deadline < today,
                                 updated: req.t("training_plan.language.updated", DisplayDate.dateTime(plan.updatedAt), names[plan.$updatedBy.id] ?? "–"))
            },
            languagePlanForm: languagePlanForm,
            languageGoals: languageGoals, languageGoalForm: languageGoalForm,
            observationForm: observationForms,
            observationDates: observations.map { DisplayDate.date($0.observedOn) },
            observationRows: rows,
            observationNotes: observations.map { $0.note ?? "" },
            observationAuthors: observations.map { names[$0.$recordedBy.id] ?? "–" },
            hasObservations: !observations.isEmpty,
            hasObservationNotes: observations.contains { $0.note != nil }
        )
        try await req.audit(.pathway(.trainingPlanRead, opened.pathway, detail: "avtale \(agreementID.uuidString): side"))
        return try await req.render("trainingplans/show", titleKey: "training_plan.title", titleArgs: [opened.candidate.candidate.firstName], view, status: httpStatus)
    }
}
