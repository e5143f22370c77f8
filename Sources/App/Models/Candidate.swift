import Fluent
import Foundation

/// A person in a counselor's portfolio. Say "kandidat" in the UI, never "bruker".
public final class Candidate: Model, @unchecked Sendable {
    public static let schema = "candidates"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Parent(key: "counselor_id") public var counselor: User
    /// Validated 11 digits. Never in a URL, a log line or a page title; pages show `NationalID.mask`.
    @Field(key: "fnr") public var fnr: String
    @Field(key: "first_name") public var firstName: String
    @Field(key: "last_name") public var lastName: String
    /// Names lowercased and folded (see `SearchText.folded`), for search.
    @Field(key: "search_key") public var searchKey: String
    @OptionalField(key: "phone") public var phone: String?
    @OptionalField(key: "email") public var email: String?
    @OptionalField(key: "municipality") public var municipality: String?
    @Enum(key: "innsatsgruppe") public var innsatsgruppe: Innsatsgruppe
    @Enum(key: "main_benefit") public var mainBenefit: MainBenefit
    /// The candidate's own wishes and interests for work, in their words.
    @OptionalField(key: "wishes") public var wishes: String?
    /// Occupations and industries the candidate wants, comma separated.
    @OptionalField(key: "wished_work") public var wishedWork: String?
    @OptionalField(key: "strengths") public var strengths: String?
    @OptionalField(key: "challenges") public var challenges: String?
    @OptionalField(key: "support_needs") public var supportNeeds: String?
    @OptionalField(key: "education") public var education: String?
    @OptionalField(key: "work_experience") public var workExperience: String?
    @OptionalEnum(key: "norwegian_level") public var norwegianLevel: NorwegianLevel?
    // Derived state, kept current by the write paths.
    @Field(key: "is_hybrid") public var isHybrid: Bool
    @OptionalField(key: "hybrid_since") public var hybridSince: Date?
    @OptionalField(key: "last_contact_at") public var lastContactAt: Date?
    @OptionalField(key: "next_meeting_at") public var nextMeetingAt: Date?
    @Field(key: "counselor_changes") public var counselorChanges: Int
    @Field(key: "is_demo") public var isDemo: Bool
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "updated_at") public var updatedAt: Date?

    /// Every model lists its wrappers by hand instead of FluentKit finding them by reflection for each
    /// row (docs/ARCHITECTURE.md); `ModelPropertiesTests` checks each list.
    public var properties: [any AnyProperty] {
        [$id, $office, $counselor, $fnr, $firstName, $lastName, $searchKey, $phone, $email, $municipality, $innsatsgruppe,
         $mainBenefit, $wishes, $wishedWork, $strengths, $challenges, $supportNeeds, $education, $workExperience,
         $norwegianLevel, $isHybrid, $hybridSince, $lastContactAt, $nextMeetingAt, $counselorChanges, $isDemo, $createdAt,
         $updatedAt]
    }

    public init() {}

    public var fullName: String { "\(firstName) \(lastName)" }
    public var fnrMasked: String { NationalID.mask(fnr) }
}

/// One consent in the candidate's consent and disclosure register.
public final class CandidateConsent: Model, @unchecked Sendable {
    public static let schema = "candidate_consents"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "candidate_id") public var candidate: Candidate
    @Enum(key: "item") public var item: DisclosureItem
    @Enum(key: "party") public var party: DisclosureParty
    @Field(key: "given_on") public var givenOn: Date
    @OptionalField(key: "expires_on") public var expiresOn: Date?
    @Enum(key: "form") public var form: ConsentForm
    @OptionalField(key: "note") public var note: String?
    @Parent(key: "recorded_by") public var recordedBy: User
    @Field(key: "recorded_at") public var recordedAt: Date
    @OptionalField(key: "withdrawn_at") public var withdrawnAt: Date?
    @OptionalParent(key: "withdrawn_by") public var withdrawnBy: User?

    public var properties: [any AnyProperty] {
        [$id, $candidate, $item, $party, $givenOn, $expiresOn, $form, $note, $recordedBy, $recordedAt, $withdrawnAt,
         $withdrawnBy]
    }

    public init() {}

    public var terms: ConsentTerms {
        ConsentTerms(item: item, party: party, givenOn: givenOn, expiresOn: expiresOn, withdrawnAt: withdrawnAt)
    }
}

/// A change of responsible counselor, with the handover note.
public final class CounselorAssignment: Model, @unchecked Sendable {
    public static let schema = "counselor_assignments"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "candidate_id") public var candidate: Candidate
    @OptionalParent(key: "from_counselor_id") public var fromCounselor: User?
    @Parent(key: "to_counselor_id") public var toCounselor: User
    @Field(key: "changed_at") public var changedAt: Date
    @Parent(key: "changed_by") public var changedBy: User
    @OptionalField(key: "situation") public var situation: String?
    @OptionalField(key: "agreements") public var agreements: String?
    @OptionalField(key: "mentor") public var mentor: String?
    @OptionalField(key: "next_meeting") public var nextMeeting: String?
    @OptionalField(key: "promised") public var promised: String?
    /// When the new counselor first opened the candidate after the handover.
    @OptionalField(key: "seen_at") public var seenAt: Date?

    public var properties: [any AnyProperty] {
        [$id, $candidate, $fromCounselor, $toCounselor, $changedAt, $changedBy, $situation, $agreements, $mentor,
         $nextMeeting, $promised, $seenAt]
    }

    public init() {}
}

/// A period of close "hybrid" follow-up.
public final class HybridPeriod: Model, @unchecked Sendable {
    public static let schema = "hybrid_periods"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "candidate_id") public var candidate: Candidate
    @Parent(key: "counselor_id") public var counselor: User
    @Field(key: "started_on") public var startedOn: Date
    @Field(key: "reason") public var reason: String
    @OptionalField(key: "ended_on") public var endedOn: Date?
    @OptionalField(key: "end_reason") public var endReason: String?

    public var properties: [any AnyProperty] { [$id, $candidate, $counselor, $startedOn, $reason, $endedOn, $endReason] }

    public init() {}
}

/// Something that must be done for a candidate by a date. Later features (meetings, quality
/// criteria, alerts) create these; the portfolio's "trenger handling nå" counts the overdue ones.
public final class ActionItem: Model, @unchecked Sendable {
    public static let schema = "action_items"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "candidate_id") public var candidate: Candidate
    @Field(key: "kind") public var kind: String
    @Field(key: "title") public var title: String
    @Field(key: "due_at") public var dueAt: Date
    @OptionalField(key: "resolved_at") public var resolvedAt: Date?
    @Field(key: "created_at") public var createdAt: Date

    public var properties: [any AnyProperty] { [$id, $candidate, $kind, $title, $dueAt, $resolvedAt, $createdAt] }

    public init() {}
}

/// A counselor asking for access to a candidate registered elsewhere.
public final class CandidateAccessRequest: Model, @unchecked Sendable {
    public static let schema = "candidate_access_requests"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "candidate_id") public var candidate: Candidate
    @Parent(key: "requester_id") public var requester: User
    @Field(key: "reason") public var reason: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @OptionalParent(key: "decided_by") public var decidedBy: User?
    @OptionalField(key: "approved") public var approved: Bool?
    @OptionalField(key: "response") public var response: String?

    public var properties: [any AnyProperty] {
        [$id, $candidate, $requester, $reason, $createdAt, $decidedAt, $decidedBy, $approved, $response]
    }

    public init() {}
}

/// Time-limited access to a candidate for someone who is not the responsible counselor: given
/// for a stated reason (a colleague or leader at the office), or by an approved access request.
public final class CandidateAccessGrant: Model, @unchecked Sendable {
    public static let schema = "candidate_access_grants"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "candidate_id") public var candidate: Candidate
    @Parent(key: "user_id") public var user: User
    @Field(key: "reason") public var reason: String
    @Field(key: "granted_at") public var grantedAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    /// Grants from an approved request across offices let the person read, not change.
    @Field(key: "read_only") public var readOnly: Bool

    public var properties: [any AnyProperty] { [$id, $candidate, $user, $reason, $grantedAt, $expiresAt, $readOnly] }

    public init() {}
}
