import Fluent
import Foundation

/// A placement's whole training plan as stored: both plans' sub-goals with their history, the
/// language plan and the workplace observations. Loaded in a few index lookups for page and API.
struct TrainingPlanRecord: Sendable {
    struct Goal: Sendable {
        let goal: TrainingGoal
        /// Oldest first.
        let notes: [TrainingGoalNote]
    }

    let agreementID: UUID
    let trainingGoals: [Goal]
    let languageGoals: [Goal]
    let languagePlan: LanguagePlan?
    /// Newest first.
    let observations: [LanguageObservation]

    /// Everyone who wrote something in the plan, for "who" in the history.
    var authorIDs: Set<UUID> {
        var ids = Set((trainingGoals + languageGoals).flatMap { [$0.goal.$createdBy.id] + $0.notes.map { $0.$writtenBy.id } })
        if let languagePlan { ids.insert(languagePlan.$updatedBy.id) }
        ids.formUnion(observations.map { $0.$recordedBy.id })
        return ids
    }

    static func load(agreementID: UUID, on db: any Database) async throws -> TrainingPlanRecord {
        let goals = try await TrainingGoal.query(on: db).filter(\.$agreement.$id == agreementID).all()
            .sorted { ($0.targetDate ?? .distantFuture, $0.createdAt) < ($1.targetDate ?? .distantFuture, $1.createdAt) }
        let goalIDs = goals.compactMap(\.id)
        let notes = goalIDs.isEmpty ? [] : try await TrainingGoalNote.query(on: db).filter(\.$goal.$id ~~ goalIDs).sort(\.$writtenAt).all()
        let byGoal = Dictionary(grouping: notes, by: { $0.$goal.id })
        let items = goals.map { Goal(goal: $0, notes: byGoal[$0.id!] ?? []) }
        return TrainingPlanRecord(
            agreementID: agreementID,
            trainingGoals: items.filter { $0.goal.plan == .training },
            languageGoals: items.filter { $0.goal.plan == .language },
            languagePlan: try await LanguagePlan.query(on: db).filter(\.$agreement.$id == agreementID).first(),
            observations: try await LanguageObservation.query(on: db).filter(\.$agreement.$id == agreementID)
                .sort(\.$observedOn, .descending).sort(\.$recordedAt, .descending).all()
        )
    }

    static func userNames(_ ids: Set<UUID>, on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await User.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.displayName) }, uniquingKeysWith: { a, _ in a })
    }
}
