import Fluent
import Foundation

/// A candidate's inclusion pathway (inkluderingsforløp). It keeps the method model version it started with.
public final class Pathway: Model, @unchecked Sendable {
    public static let schema = "pathways"

    public enum Status: String, Codable, CaseIterable, Sendable {
        case active = "aktiv", paused = "pause", closed = "avsluttet"
        var labelKey: String { "pathway.status.\(rawValue)" }
    }

    public enum Outcome: String, Codable, CaseIterable, Sendable {
        case ordinaryWork = "ordinaert_arbeid"
        case subsidisedWork = "arbeid_med_lonnstilskudd"
        case apprenticeship = "laereplass"
        case education = "utdanning"
        case betterEquipped = "bedre_rustet"
        case notRelevant = "ikke_aktuell"
        case droppedOut = "avbrutt"
        var labelKey: String { "pathway.outcome.\(rawValue)" }
    }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "candidate_id") public var candidate: Candidate
    @Parent(key: "office_id") public var office: Office
    @Parent(key: "counselor_id") public var counselor: User
    @Parent(key: "method_model_id") public var methodModel: MethodModelRecord
    @Field(key: "current_step") public var currentStep: String
    @Enum(key: "status") public var status: Status
    @Field(key: "referral_date") public var referralDate: Date
    @Field(key: "referrer") public var referrer: String
    @OptionalEnum(key: "outcome") public var outcome: Outcome?
    @OptionalField(key: "outcome_reason") public var outcomeReason: String?
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User
    @OptionalField(key: "closed_at") public var closedAt: Date?
    @OptionalField(key: "updated_at") public var updatedAt: Date?
    /// NACE section letters, comma separated, for job matching.
    @OptionalField(key: "wished_industries") public var wishedIndustriesText: String?
    /// When a time-based alert condition of this pathway turns next (`AlertStore`).
    @OptionalField(key: "alerts_check_at") public var alertsCheckAt: Date?

    public var properties: [any AnyProperty] {
        [$id, $candidate, $office, $counselor, $methodModel, $currentStep, $status, $referralDate, $referrer, $outcome,
         $outcomeReason, $createdAt, $createdBy, $closedAt, $updatedAt, $wishedIndustriesText, $alertsCheckAt]
    }

    public init() {}

    var wishedIndustries: [Industry] {
        get { (wishedIndustriesText ?? "").split(separator: ",").compactMap { Industry(rawValue: String($0)) } }
        set { wishedIndustriesText = newValue.isEmpty ? nil : newValue.map(\.rawValue).joined(separator: ",") }
    }
}

/// Something that happened in a pathway (docs/EVENTS.md).
public final class PathwayEvent: Model, @unchecked Sendable {
    public static let schema = "pathway_events"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "pathway_id") public var pathway: Pathway
    @Enum(key: "type") public var type: PathwayEventType
    @Field(key: "occurred_at") public var occurredAt: Date
    @Field(key: "recorded_at") public var recordedAt: Date
    @Parent(key: "recorded_by") public var recordedBy: User
    @OptionalParent(key: "employer_id") public var employer: Employer?
    @OptionalField(key: "agreement_id") public var agreementID: UUID?
    @OptionalField(key: "note") public var note: String?
    @OptionalField(key: "withdrawn_at") public var withdrawnAt: Date?
    @OptionalParent(key: "withdrawn_by") public var withdrawnBy: User?
    @OptionalField(key: "withdrawn_reason") public var withdrawnReason: String?

    public var properties: [any AnyProperty] {
        [$id, $pathway, $type, $occurredAt, $recordedAt, $recordedBy, $employer, $agreementID, $note, $withdrawnAt,
         $withdrawnBy, $withdrawnReason]
    }

    public init() {}

    var ruleEvent: RuleEvent {
        RuleEvent(id: id ?? UUID(), type: type, occurredAt: occurredAt, employerID: $employer.id)
    }
}

/// A step change, a pause, a resumption or the closing of a pathway; going back is allowed and kept.
public final class PathwayTransition: Model, @unchecked Sendable {
    public static let schema = "pathway_transitions"

    public enum Kind: String, Codable, Sendable {
        case start, step, pause, resume, close
    }

    @ID(key: .id) public var id: UUID?
    @Parent(key: "pathway_id") public var pathway: Pathway
    @Enum(key: "kind") public var kind: Kind
    @OptionalField(key: "from_step") public var fromStep: String?
    @OptionalField(key: "to_step") public var toStep: String?
    @Field(key: "at") public var at: Date
    @OptionalField(key: "reason") public var reason: String?
    @Parent(key: "by_user") public var byUser: User

    public var properties: [any AnyProperty] { [$id, $pathway, $kind, $fromStep, $toStep, $at, $reason, $byUser] }

    public init() {}
}

/// A stored method model: a shipped file or an office's own, one row per version, never changed.
public final class MethodModelRecord: Model, @unchecked Sendable {
    public static let schema = "method_models"
    static let shippedOwner = "shipped"

    @ID(key: .id) public var id: UUID?
    @Field(key: "key") public var key: String
    @Field(key: "version") public var version: Int
    @Field(key: "owner") public var owner: String
    @OptionalParent(key: "office_id") public var office: Office?
    @Field(key: "name") public var name: String
    @Field(key: "source_text") public var sourceText: String
    @Field(key: "sha256") public var sha256: String
    @Field(key: "file_name") public var fileName: String
    @Field(key: "loaded_at") public var loadedAt: Date
    @OptionalParent(key: "loaded_by") public var loadedBy: User?

    public var properties: [any AnyProperty] {
        [$id, $key, $version, $owner, $office, $name, $sourceText, $sha256, $fileName, $loadedAt, $loadedBy]
    }

    public init() {}
}
