import Foundation

/// What the training plan's forms and API calls may contain: sub-goals, progress notes, the
/// language plan and the workplace observation (Snart Ansatt V1 and V3, seed 004 appendix 3).
/// Pure checks shared by pages and API; each problem names its field and a string key.
enum TrainingPlanRules {
    static let maxTitle = FollowUpRules.maxGoalTitle
    static let maxNote = 2_000
    static let maxFinalGoal = 2_000
    static let maxComment = 500

    // MARK: - Sub-goals

    struct GoalInput: Sendable {
        var plan: String?
        var title: String?
        /// `yyyy-MM-dd`, optional.
        var targetDate: String?
        var responsible: String?
        /// Optional; a new sub-goal is "ikke startet" unless told otherwise.
        var status: String?
    }

    struct ValidGoal: Sendable, Equatable {
        var plan: TrainingPlanKind
        var title: String
        var targetDate: Date?
        var responsible: TrainingResponsible
        var status: TrainingGoalStatus
    }

    static func goal(_ input: GoalInput, now: Date) throws -> ValidGoal {
        var issues: [ProblemError.FieldIssue] = []
        let plan = FollowUpRules.choice(input.plan, field: "plan", TrainingPlanKind.self, issues: &issues)
        let title = text(input.title, field: "title", max: maxTitle, required: true, issues: &issues)
        let target = EmployerRules.day(input.targetDate, "targetDate", now: now, pastOnly: false, required: false, &issues)
        let responsible = FollowUpRules.choice(input.responsible, field: "responsible", TrainingResponsible.self, issues: &issues)
        var status = TrainingGoalStatus.notStarted
        if PathwayRules.trimmed(input.status) != nil {
            status = FollowUpRules.choice(input.status, field: "status", TrainingGoalStatus.self, issues: &issues) ?? status
        }
        guard issues.isEmpty, let plan, let title, let responsible else { throw ProblemError.validation(issues) }
        return ValidGoal(plan: plan, title: title, targetDate: target, responsible: responsible, status: status)
    }

    struct ValidUpdate: Sendable, Equatable {
        /// The new status, when one was chosen (it may equal the current one).
        var status: TrainingGoalStatus?
        var note: String?
    }

    /// A status and/or a progress note; at least one of them.
    static func update(status rawStatus: String?, note rawNote: String?) throws -> ValidUpdate {
        var issues: [ProblemError.FieldIssue] = []
        var status: TrainingGoalStatus?
        if PathwayRules.trimmed(rawStatus) != nil {
            status = FollowUpRules.choice(rawStatus, field: "status", TrainingGoalStatus.self, issues: &issues)
        }
        let note = text(rawNote, field: "note", max: maxNote, required: false, issues: &issues)
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        return ValidUpdate(status: status, note: note)
    }

    /// What an update changes on a goal whose status is `current`: the status move (nil when it
    /// stays) and the note. Nothing at all is refused, so every history line says something.
    static func change(from current: TrainingGoalStatus, _ update: ValidUpdate) throws -> (move: (from: TrainingGoalStatus, to: TrainingGoalStatus)?, note: String?) {
        let move = update.status.flatMap { $0 == current ? nil : (from: current, to: $0) }
        guard move != nil || update.note != nil else {
            throw ProblemError.validation([.init("note", "training_plan.error.nothing_changed")])
        }
        return (move, update.note)
    }

    // MARK: - Language plan

    struct ValidLanguagePlan: Sendable, Equatable {
        var finalGoal: String
        var deadline: Date
    }

    /// The final goal — what the participant shall master — and by when.
    static func languagePlan(finalGoal rawGoal: String?, deadline rawDeadline: String?, now: Date) throws -> ValidLanguagePlan {
        var issues: [ProblemError.FieldIssue] = []
        let goal = text(rawGoal, field: "finalGoal", max: maxFinalGoal, required: true, issues: &issues)
        let deadline = EmployerRules.day(rawDeadline, "deadline", now: now, pastOnly: false, required: true, &issues)
        guard issues.isEmpty, let goal, let deadline else { throw ProblemError.validation(issues) }
        return ValidLanguagePlan(finalGoal: goal, deadline: deadline)
    }

    // MARK: - Workplace observation

    struct ItemInput: Sendable {
        var rating: String?
        var comment: String?
    }

    struct ObservationInput: Sendable {
        var observedOn: String?
        /// By the item's raw value (`smaprat`, `blir_hort`, …).
        var items: [String: ItemInput]
        var note: String?
    }

    struct ValidObservation: Sendable, Equatable {
        var observedOn: Date
        var items: [ObservationItem: ObservationAnswer]
        var note: String?
    }

    /// The API's name of an item's field: `items.smaprat.rating`.
    static func itemField(_ item: ObservationItem, _ part: String) -> String { "items.\(item.rawValue).\(part)" }

    /// A day not in the future, and a rating for every item of the checklist ("ikke observert" is
    /// an answer too), each with an optional short comment.
    static func observation(_ input: ObservationInput, now: Date) throws -> ValidObservation {
        var issues: [ProblemError.FieldIssue] = []
        let day = EmployerRules.day(input.observedOn, "observedOn", now: now, pastOnly: true, required: true, &issues)
        for key in input.items.keys.sorted() where ObservationItem(rawValue: key) == nil {
            issues.append(.init("items.\(key)", "training_plan.error.unknown_item"))
        }
        var answers: [ObservationItem: ObservationAnswer] = [:]
        for item in ObservationItem.allCases {
            let given = input.items[item.rawValue]
            let rating = FollowUpRules.choice(given?.rating, field: itemField(item, "rating"), ObservationRating.self, issues: &issues)
            let comment = text(given?.comment, field: itemField(item, "comment"), max: maxComment, required: false, issues: &issues)
            if let rating { answers[item] = ObservationAnswer(rating: rating, comment: comment) }
        }
        let note = text(input.note, field: "note", max: maxNote, required: false, issues: &issues)
        guard issues.isEmpty, let day else { throw ProblemError.validation(issues) }
        return ValidObservation(observedOn: RuleDuration.calendar.startOfDay(for: day), items: answers, note: note)
    }

    // MARK: - Pieces

    /// Trimmed text without NUL characters (PostgreSQL refuses them), within `max` characters.
    static func text(_ raw: String?, field: String, max: Int, required: Bool, issues: inout [ProblemError.FieldIssue]) -> String? {
        PathwayRules.text(raw.map(CandidateRules.clean), field: field, max: max, required: required, issues: &issues)
    }
}
