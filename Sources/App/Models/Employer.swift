import Fluent
import Foundation

/// An employer (virksomhet) in the office's shared register: one per name and per organisation
/// number in an office, never one per counselor.
public final class Employer: Model, @unchecked Sendable {
    public static let schema = "employers"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Field(key: "name") public var name: String
    @Field(key: "name_key") public var nameKey: String
    @OptionalField(key: "orgnr") public var orgnr: String?
    @OptionalEnum(key: "industry") public var industry: Industry?
    @OptionalEnum(key: "size_band") public var size: EmployerSize?
    @OptionalField(key: "address") public var address: String?
    @OptionalField(key: "municipality") public var municipality: String?
    @OptionalParent(key: "owner_id") public var owner: User?
    /// Changed only by `EmployerService.changeStatus`, which keeps the history.
    @Enum(key: "cooperation_status") public var cooperationStatus: CooperationStatus
    @Field(key: "is_demo") public var isDemo: Bool
    @Field(key: "created_at") public var createdAt: Date
    @OptionalParent(key: "created_by") public var createdBy: User?
    @OptionalField(key: "updated_at") public var updatedAt: Date?

    public var properties: [any AnyProperty] {
        [$id, $office, $name, $nameKey, $orgnr, $industry, $size, $address, $municipality, $owner, $cooperationStatus,
         $isDemo, $createdAt, $createdBy, $updatedAt]
    }

    public init() {}

    /// The key that makes a name unique within an office: letter case, æøå spelling and spacing aside.
    static func nameKey(_ name: String) -> String {
        SearchText.folded(name.split(whereSeparator: \.isWhitespace).joined(separator: " "))
    }
}

/// A contact person at an employer.
public final class EmployerContact: Model, @unchecked Sendable {
    public static let schema = "employer_contacts"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "employer_id") public var employer: Employer
    @Field(key: "name") public var name: String
    @OptionalField(key: "role") public var role: String?
    @OptionalField(key: "phone") public var phone: String?
    @OptionalField(key: "email") public var email: String?
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User
    @OptionalField(key: "removed_at") public var removedAt: Date?
    @OptionalParent(key: "removed_by") public var removedBy: User?

    public var properties: [any AnyProperty] {
        [$id, $employer, $name, $role, $phone, $email, $createdAt, $createdBy, $removedAt, $removedBy]
    }

    public init() {}
}

/// One change of an employer's cooperation status.
public final class EmployerStatusChange: Model, @unchecked Sendable {
    public static let schema = "employer_status_changes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "employer_id") public var employer: Employer
    @Enum(key: "from_status") public var fromStatus: CooperationStatus
    @Enum(key: "to_status") public var toStatus: CooperationStatus
    @Field(key: "changed_on") public var changedOn: Date
    @Field(key: "reason") public var reason: String
    @Field(key: "recorded_at") public var recordedAt: Date
    @Parent(key: "recorded_by") public var recordedBy: User

    public var properties: [any AnyProperty] { [$id, $employer, $fromStatus, $toStatus, $changedOn, $reason, $recordedAt, $recordedBy] }

    public init() {}
}

/// A note for colleagues about an employer (never about candidates).
public final class EmployerNote: Model, @unchecked Sendable {
    public static let schema = "employer_notes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "employer_id") public var employer: Employer
    @Field(key: "text") public var text: String
    @Field(key: "written_at") public var writtenAt: Date
    @Parent(key: "written_by") public var writtenBy: User

    public var properties: [any AnyProperty] { [$id, $employer, $text, $writtenAt, $writtenBy] }

    public init() {}
}

/// A visit to an employer, with or without a candidate.
public final class EmployerVisit: Model, @unchecked Sendable {
    public static let schema = "employer_visits"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "employer_id") public var employer: Employer
    @Field(key: "visited_on") public var visitedOn: Date
    @Field(key: "visitors") public var visitors: String
    @Field(key: "purpose") public var purpose: String
    @OptionalParent(key: "pathway_id") public var pathway: Pathway?
    @OptionalParent(key: "event_id") public var event: PathwayEvent?
    @OptionalField(key: "notes") public var notes: String?
    @Field(key: "recorded_at") public var recordedAt: Date
    @Parent(key: "recorded_by") public var recordedBy: User

    public var properties: [any AnyProperty] {
        [$id, $employer, $visitedOn, $visitors, $purpose, $pathway, $event, $notes, $recordedAt, $recordedBy]
    }

    public init() {}
}

/// A job analysis (arbeidskravsanalyse) for one role at an employer.
public final class JobAnalysis: Model, @unchecked Sendable {
    public static let schema = "job_analyses"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "employer_id") public var employer: Employer
    @Field(key: "role") public var role: String
    @Field(key: "tasks") public var tasks: String
    @OptionalField(key: "physical_demands") public var physicalDemands: String?
    @OptionalField(key: "social_demands") public var socialDemands: String?
    @Enum(key: "language_requirement") public var languageRequirement: LanguageRequirement
    @OptionalField(key: "hours_per_week") public var hoursPerWeek: Int?
    @OptionalField(key: "psychosocial_environment") public var psychosocialEnvironment: String?
    @OptionalField(key: "training_routines") public var trainingRoutines: String?
    @OptionalField(key: "adaptation_possibilities") public var adaptationPossibilities: String?
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User
    @OptionalField(key: "updated_at") public var updatedAt: Date?

    public var properties: [any AnyProperty] {
        [$id, $employer, $role, $tasks, $physicalDemands, $socialDemands, $languageRequirement, $hoursPerWeek,
         $psychosocialEnvironment, $trainingRoutines, $adaptationPossibilities, $createdAt, $createdBy, $updatedAt]
    }

    public init() {}

    func apply(_ valid: EmployerRules.ValidJobAnalysis) {
        role = valid.role
        tasks = valid.tasks
        physicalDemands = valid.physicalDemands
        socialDemands = valid.socialDemands
        languageRequirement = valid.languageRequirement
        hoursPerWeek = valid.hoursPerWeek
        psychosocialEnvironment = valid.psychosocialEnvironment
        trainingRoutines = valid.trainingRoutines
        adaptationPossibilities = valid.adaptationPossibilities
    }
}

/// One approach to an employer in a candidate's job search (jobbutvikling).
public final class EmployerApproach: Model, @unchecked Sendable {
    public static let schema = "employer_approaches"

    public enum Channel: String, Codable, CaseIterable, Sendable {
        case faceToFace = "oppmote", phone = "telefon", email = "epost"
        var labelKey: String { "approach_channel.\(rawValue)" }
    }

    public enum Outcome: String, Codable, CaseIterable, Sendable {
        case no = "nei", maybe = "kanskje", jobTaste = "jobbsmak", practice = "praksis", interview = "intervju", job = "jobb"
        var labelKey: String { "approach_outcome.\(rawValue)" }
    }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "pathway_id") public var pathway: Pathway
    @Parent(key: "employer_id") public var employer: Employer
    @Field(key: "occurred_on") public var occurredOn: Date
    @Enum(key: "channel") public var channel: Channel
    @Field(key: "with_candidate") public var withCandidate: Bool
    @Enum(key: "outcome") public var outcome: Outcome
    @OptionalField(key: "note") public var note: String?
    @Parent(key: "event_id") public var event: PathwayEvent
    @Field(key: "recorded_at") public var recordedAt: Date
    @Parent(key: "recorded_by") public var recordedBy: User

    public var properties: [any AnyProperty] {
        [$id, $pathway, $employer, $occurredOn, $channel, $withCandidate, $outcome, $note, $event, $recordedAt, $recordedBy]
    }

    public init() {}
}
