import Foundation

/// How an inclusion pathway is worked: steps, activities and quality criteria, read from a
/// model file (docs/METHOD_MODELS.md). Plain values; the files are the only source of criteria.
public struct MethodModel: Sendable, Hashable {
    public var key: String
    public var version: Int
    public var name: String
    public var summary: String
    public var source: String?
    public var steps: [MethodStep]

    /// The steps a pathway moves through, in order (steps about the office's practice are left out).
    public var pathwaySteps: [MethodStep] { steps.filter { $0.scope == .pathway } }

    /// Every criterion of the model, in file order.
    public var criteria: [QualityCriterion] { steps.flatMap(\.allCriteria) }

    /// The criteria evaluated per pathway: those of pathway steps that have a rule.
    public var checkedCriteria: [QualityCriterion] {
        pathwaySteps.flatMap(\.allCriteria).filter { $0.rule != nil }
    }

    public func step(_ id: String) -> MethodStep? { steps.first { $0.id == id } }
    public func criterion(_ id: String) -> QualityCriterion? { criteria.first { $0.id == id } }
}

public struct MethodStep: Sendable, Hashable {
    public enum Scope: String, Sendable, Hashable {
        /// A step of a pathway, shown in its step bar.
        case pathway
        /// About the office's practice (e.g. Snart Ansatt's office cooperation); not a step of one pathway.
        case office
    }

    public var id: String
    public var name: String
    public var purpose: String
    public var scope: Scope
    public var activities: [MethodActivity]
    /// Criteria of the step that belong to no activity.
    public var criteria: [QualityCriterion]

    public var allCriteria: [QualityCriterion] { activities.flatMap(\.criteria) + criteria }
}

/// One row of a model: what is done, how, by whom, under which frame, and its criteria.
public struct MethodActivity: Sendable, Hashable {
    public var what: String
    public var how: String?
    public var who: String?
    public var frame: String?
    public var criteria: [QualityCriterion]
}

public struct QualityCriterion: Sendable, Hashable {
    public var id: String
    public var stepID: String
    public var text: String
    /// What tends to go wrong when the criterion is not followed (Snart Ansatt's "risiko").
    public var risk: String?
    public var rule: CriterionRule?
}
