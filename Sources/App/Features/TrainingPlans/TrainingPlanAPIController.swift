import Fluent
import Vapor

struct TrainingGoalNoteDTO: Content {
    var id: UUID
    var text: String?
    /// With `toStatus`: the status change this line made. Only `toStatus`: the goal was created with it.
    var fromStatus: String?
    var toStatus: String?
    var writtenAt: Date
    var writtenBy: UUID

    init(_ n: TrainingGoalNote) {
        id = n.id!; text = n.text; fromStatus = n.fromStatus?.rawValue; toStatus = n.toStatus?.rawValue
        writtenAt = n.writtenAt; writtenBy = n.$writtenBy.id
    }
}

struct TrainingGoalDTO: Content {
    var id: UUID
    var agreementId: UUID
    /// opplaering (the training plan) or sprak (the language plan).
    var plan: String
    var title: String
    /// yyyy-MM-dd.
    var targetDate: String?
    var status: String
    var responsible: String
    var createdAt: Date
    var createdBy: UUID
    var updatedAt: Date
    /// The goal's history, oldest first.
    var notes: [TrainingGoalNoteDTO]

    init(_ g: TrainingGoal, notes: [TrainingGoalNote]) {
        id = g.id!; agreementId = g.$agreement.id; plan = g.plan.rawValue; title = g.title; targetDate = g.targetDate.map(DisplayDate.dayInput)
        status = g.status.rawValue; responsible = g.responsible.rawValue; createdAt = g.createdAt; createdBy = g.$createdBy.id; updatedAt = g.updatedAt
        self.notes = notes.map(TrainingGoalNoteDTO.init)
    }
}

struct LanguagePlanDTO: Content {
    var agreementId: UUID
    var finalGoal: String
    /// yyyy-MM-dd.
    var deadline: String
    var updatedAt: Date
    var updatedBy: UUID

    init(_ p: LanguagePlan) {
        agreementId = p.$agreement.id; finalGoal = p.finalGoal; deadline = DisplayDate.dayInput(p.deadline)
        updatedAt = p.updatedAt; updatedBy = p.$updatedBy.id
    }
}

struct ObservationAnswerDTO: Content {
    var rating: String
    var comment: String?
}

struct LanguageObservationDTO: Content {
    var id: UUID
    var agreementId: UUID
    /// yyyy-MM-dd.
    var observedOn: String
    /// One answer per checklist item, by the item's key (smaprat, blir_hort, …).
    var items: [String: ObservationAnswerDTO]
    var note: String?
    var recordedAt: Date
    var recordedBy: UUID

    init(_ o: LanguageObservation) {
        id = o.id!; agreementId = o.$agreement.id; observedOn = DisplayDate.dayInput(o.observedOn)
        items = Dictionary(uniqueKeysWithValues: o.items.map { ($0.key.rawValue, ObservationAnswerDTO(rating: $0.value.rating.rawValue, comment: $0.value.comment)) })
        note = o.note; recordedAt = o.recordedAt; recordedBy = o.$recordedBy.id
    }
}

struct TrainingPlanDTO: Content {
    var agreementId: UUID
    var pathwayId: UUID
    var candidateId: UUID
    /// False when the agreement is annulled, the pathway closed, or the caller may only read.
    var writable: Bool
    var trainingGoals: [TrainingGoalDTO]
    var languagePlan: LanguagePlanDTO?
    var languageGoals: [TrainingGoalDTO]
    /// Newest first.
    var observations: [LanguageObservationDTO]

    init(_ record: TrainingPlanRecord, snapshot: AgreementSnapshot, opened: OpenedPathway) {
        agreementId = snapshot.id; pathwayId = opened.id; candidateId = snapshot.agreement.$candidate.id
        writable = opened.mayChange && snapshot.agreement.annulledOn == nil
        trainingGoals = record.trainingGoals.map { TrainingGoalDTO($0.goal, notes: $0.notes) }
        languagePlan = record.languagePlan.map(LanguagePlanDTO.init)
        languageGoals = record.languageGoals.map { TrainingGoalDTO($0.goal, notes: $0.notes) }
        observations = record.observations.map(LanguageObservationDTO.init)
    }
}

/// `/api/v1/placements/{agreementId}/training-plan`: the same plan as the page, as JSON.
struct TrainingPlanAPIController {
    struct GoalInput: Content {
        var plan: String?
        var title: String?
        var targetDate: String?
        var responsible: String?
        var status: String?
    }

    struct GoalPatch: Content {
        var status: String?
        var note: String?
    }

    struct LanguagePlanInput: Content {
        var finalGoal: String?
        var deadline: String?
    }

    struct ItemInput: Content {
        var rating: String?
        var comment: String?
    }

    struct ObservationInput: Content {
        var observedOn: String?
        var items: [String: ItemInput]?
        var note: String?
    }

    func show(req: Request) async throws -> TrainingPlanDTO {
        let (snapshot, opened) = try await req.openAgreement()
        let record = try await TrainingPlanRecord.load(agreementID: snapshot.id, on: req.db)
        try await req.audit(.pathway(.trainingPlanRead, opened.pathway, detail: "avtale \(snapshot.id.uuidString): API"))
        return TrainingPlanDTO(record, snapshot: snapshot, opened: opened)
    }

    private func goalDTO(_ req: Request, _ goal: TrainingGoal) async throws -> TrainingGoalDTO {
        let notes = try await TrainingGoalNote.query(on: req.db).filter(\.$goal.$id == goal.requireID()).sort(\.$writtenAt).all()
        return TrainingGoalDTO(goal, notes: notes)
    }

    func addGoal(req: Request) async throws -> Response {
        let (snapshot, _) = try await req.openAgreement(needs: .full)
        let input = try req.content.decode(GoalInput.self)
        let valid = try TrainingPlanRules.goal(.init(plan: input.plan, title: input.title, targetDate: input.targetDate,
                                                     responsible: input.responsible, status: input.status), now: req.now)
        let goal = try await TrainingPlanService(req: req).addGoal(snapshot.id, valid)
        return try await goalDTO(req, goal).encodeResponse(status: .created, for: req)
    }

    /// `status` and/or `note`; any other field is refused (the title and target date stay as made).
    func updateGoal(req: Request) async throws -> TrainingGoalDTO {
        let (snapshot, _) = try await req.openAgreement(needs: .full)
        guard let goalID = req.parameters.get("goalID", as: UUID.self) else { throw Abort(.notFound) }
        let body = try req.content.decode([String: AnyJSONValue].self)
        if let unknown = body.keys.sorted().first(where: { !["status", "note"].contains($0) }) {
            throw ProblemError.validation([.init(unknown, "api.error.unknown_field")])
        }
        let patch = try req.content.decode(GoalPatch.self)
        let valid = try TrainingPlanRules.update(status: patch.status, note: patch.note)
        let goal = try await TrainingPlanService(req: req).updateGoal(goalID, agreementID: snapshot.id, valid)
        return try await goalDTO(req, goal)
    }

    /// Creates the language plan (201) or replaces its final goal and deadline (200).
    func setLanguagePlan(req: Request) async throws -> Response {
        let (snapshot, _) = try await req.openAgreement(needs: .full)
        let input = try req.content.decode(LanguagePlanInput.self)
        let valid = try TrainingPlanRules.languagePlan(finalGoal: input.finalGoal, deadline: input.deadline, now: req.now)
        let (plan, created) = try await TrainingPlanService(req: req).setLanguagePlan(snapshot.id, valid)
        return try await LanguagePlanDTO(plan).encodeResponse(status: created ? .created : .ok, for: req)
    }

    func recordObservation(req: Request) async throws -> Response {
        let (snapshot, _) = try await req.openAgreement(needs: .full)
        let input = try req.content.decode(ObservationInput.self)
        let items = (input.items ?? [:]).mapValues { TrainingPlanRules.ItemInput(rating: $0.rating, comment: $0.comment) }
        let valid = try TrainingPlanRules.observation(.init(observedOn: input.observedOn, items: items, note: input.note), now: req.now)
        let observation = try await TrainingPlanService(req: req).recordObservation(snapshot.id, valid)
        return try await LanguageObservationDTO(observation).encodeResponse(status: .created, for: req)
    }
}
