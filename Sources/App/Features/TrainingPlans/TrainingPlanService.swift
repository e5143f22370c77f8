import Fluent
import Vapor

/// Every change to a placement's training plan and language plan, shared by page and API. Each
/// change and its audit entry are written in one transaction, with the agreement and the pathway
/// locked: an annulled agreement or a closed pathway takes no more writes (409).
struct TrainingPlanService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    /// The audit detail names the agreement and what changed, never the plan's free text.
    private static func audit(_ action: AuditAction, _ pathway: Pathway, _ agreementID: UUID, _ detail: String) -> AuditEvent {
        .pathway(action, pathway, detail: "avtale \(agreementID.uuidString): \(detail)")
    }

    @discardableResult
    func addGoal(_ agreementID: UUID, _ valid: TrainingPlanRules.ValidGoal) async throws -> TrainingGoal {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            let (agreement, pathway) = try await Self.lockWritable(agreementID, on: db)
            let goal = TrainingGoal()
            goal.$agreement.id = agreementID
            goal.$pathway.id = agreement.$pathway.id
            goal.plan = valid.plan
            goal.title = valid.title
            goal.targetDate = valid.targetDate
            goal.status = valid.status
            goal.responsible = valid.responsible
            goal.createdAt = now
            goal.$createdBy.id = actorID
            goal.updatedAt = now
            try await goal.create(on: db)
            // The history starts with the status the goal was made with.
            let note = TrainingGoalNote()
            note.$goal.id = try goal.requireID()
            note.toStatus = valid.status
            note.writtenAt = now
            note.$writtenBy.id = actorID
            try await note.create(on: db)
            audit.record(Self.audit(.trainingGoalSaved, pathway, agreementID, "nytt delmål \(goal.id!.uuidString) (\(valid.plan.rawValue), \(valid.status.rawValue))"))
            return goal
        }
    }

    /// A status change and/or a progress note; each writes one line of the goal's history. A change
    /// made by the mentor in their workspace also writes a `training_goal_updated` event.
    @discardableResult
    func updateGoal(_ goalID: UUID, agreementID: UUID, _ update: TrainingPlanRules.ValidUpdate, byMentor: Bool = false) async throws -> TrainingGoal {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            let (agreement, pathway) = try await Self.lockWritable(agreementID, on: db)
            guard let goal = try await TrainingGoal.find(goalID, on: db), goal.$agreement.id == agreementID else { throw Abort(.notFound) }
            let change = try TrainingPlanRules.change(from: goal.status, update)
            let note = TrainingGoalNote()
            note.$goal.id = goalID
            note.text = change.note
            note.fromStatus = change.move?.from
            note.toStatus = change.move?.to
            note.writtenAt = now
            note.$writtenBy.id = actorID
            try await note.create(on: db)
            if let move = change.move { goal.status = move.to }
            goal.updatedAt = now
            try await goal.save(on: db)
            if byMentor {
                try await PathwayService.insertEvent(pathwayID: pathway.requireID(), type: .trainingGoalUpdated, at: now, by: actorID, now: now,
                                                     employerID: agreement.$employer.id, agreementID: agreementID,
                                                     note: change.move.map { "\($0.from.rawValue) → \($0.to.rawValue)" } ?? "notat", on: db)
            }
            let what = change.move.map { "\($0.from.rawValue) → \($0.to.rawValue)" } ?? "notat"
            audit.record(Self.audit(.trainingGoalSaved, pathway, agreementID, "delmål \(goalID.uuidString): \(what)\(change.move != nil && change.note != nil ? " med notat" : "")"))
            return goal
        }
    }

    /// Sets the language plan's final goal and deadline; one plan per agreement, changed in place.
    /// Returns the plan and whether it was new.
    @discardableResult
    func setLanguagePlan(_ agreementID: UUID, _ valid: TrainingPlanRules.ValidLanguagePlan) async throws -> (plan: LanguagePlan, created: Bool) {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            let (_, pathway) = try await Self.lockWritable(agreementID, on: db)
            let existing = try await LanguagePlan.query(on: db).filter(\.$agreement.$id == agreementID).first()
            let plan = existing ?? LanguagePlan()
            plan.$agreement.id = agreementID
            plan.finalGoal = valid.finalGoal
            plan.deadline = valid.deadline
            plan.updatedAt = now
            plan.$updatedBy.id = actorID
            try await plan.save(on: db)
            audit.record(Self.audit(.languagePlanSaved, pathway, agreementID, "\(existing == nil ? "ny språkplan" : "språkplan endret"), frist \(DisplayDate.dayInput(valid.deadline))"))
            return (plan, existing == nil)
        }
    }

    @discardableResult
    func recordObservation(_ agreementID: UUID, _ valid: TrainingPlanRules.ValidObservation) async throws -> LanguageObservation {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            let (_, pathway) = try await Self.lockWritable(agreementID, on: db)
            let observation = LanguageObservation()
            observation.$agreement.id = agreementID
            observation.observedOn = valid.observedOn
            observation.items = valid.items
            observation.note = valid.note
            observation.recordedAt = now
            observation.$recordedBy.id = actorID
            try await observation.create(on: db)
            audit.record(Self.audit(.languageObservationRecorded, pathway, agreementID,
                                    "observasjon \(observation.id!.uuidString) \(DisplayDate.dayInput(valid.observedOn))"))
            return observation
        }
    }

    // MARK: - Pieces

    /// Locks the agreement, then its pathway; refuses an annulled agreement or a closed pathway.
    static func lockWritable(_ agreementID: UUID, on db: any Database) async throws -> (Agreement, Pathway) {
        try await DatabaseDialect(db).lockRow("agreements", id: agreementID, on: db)
        guard let agreement = try await Agreement.find(agreementID, on: db) else { throw Abort(.notFound) }
        guard agreement.annulledOn == nil else { throw ProblemError(.conflict, key: "training_plan.error.annulled") }
        let pathway = try await FollowUpService.lockOpen(agreement.$pathway.id, on: db)
        return (agreement, pathway)
    }
}
