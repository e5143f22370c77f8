import Fluent
import Foundation

/// An agreement (avtale/tiltak) between the candidate, an employer and NAV. Its terms live in
/// versions; its status is derived (`AgreementStatus.derive`), never stored.
public final class Agreement: Model, @unchecked Sendable {
    public static let schema = "agreements"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Parent(key: "pathway_id") public var pathway: Pathway
    @Parent(key: "candidate_id") public var candidate: Candidate
    @Parent(key: "employer_id") public var employer: Employer
    @Enum(key: "type") public var type: AgreementType
    @Field(key: "current_version") public var currentVersion: Int
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User
    @OptionalField(key: "updated_at") public var updatedAt: Date?
    @OptionalField(key: "annulled_on") public var annulledOn: Date?
    @OptionalEnum(key: "annul_reason") public var annulReason: AnnulmentReason?
    @OptionalField(key: "annul_note") public var annulNote: String?
    @OptionalParent(key: "annulled_by") public var annulledBy: User?
    @OptionalField(key: "events_due_at") public var eventsDueAt: Date?
    @Field(key: "is_demo") public var isDemo: Bool

    public var properties: [any AnyProperty] {
        [$id, $office, $pathway, $candidate, $employer, $type, $currentVersion, $createdAt, $createdBy, $updatedAt,
         $annulledOn, $annulReason, $annulNote, $annulledBy, $eventsDueAt, $isDemo]
    }

    public init() {}
}

/// One version of an agreement's terms. A change after any approval makes a new version.
public final class AgreementVersion: Model, @unchecked Sendable {
    public static let schema = "agreement_versions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agreement_id") public var agreement: Agreement
    @Field(key: "version") public var version: Int
    @OptionalField(key: "start_date") public var startDate: Date?
    @OptionalField(key: "end_date") public var endDate: Date?
    @Field(key: "goals") public var goalsJSON: String
    @OptionalField(key: "tasks") public var tasks: String?
    @OptionalField(key: "follow_up") public var followUp: String?
    @OptionalField(key: "nav_contact") public var navContact: String?
    @OptionalField(key: "workplace_contact") public var workplaceContact: String?
    @OptionalField(key: "wage_subsidy_percent") public var wageSubsidyPercent: Int?
    @OptionalParent(key: "mentor_id") public var mentor: Mentor?
    @OptionalField(key: "mentor_hours_x100") public var hundredthHours: Int?
    @OptionalField(key: "hourly_wage_ore") public var wageInOre: Int?
    @Field(key: "is_extension") public var isExtension: Bool
    @OptionalField(key: "change_note") public var changeNote: String?
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User
    @OptionalField(key: "fully_approved_at") public var fullyApprovedAt: Date?

    public var properties: [any AnyProperty] {
        [$id, $agreement, $version, $startDate, $endDate, $goalsJSON, $tasks, $followUp, $navContact, $workplaceContact,
         $wageSubsidyPercent, $mentor, $hundredthHours, $wageInOre, $isExtension, $changeNote, $createdAt, $createdBy,
         $fullyApprovedAt]
    }

    public init() {}

    var terms: AgreementTerms {
        get {
            AgreementTerms(startDate: startDate, endDate: endDate,
                           goals: (try? JSONDecoder().decode([AgreementGoal].self, from: Data(goalsJSON.utf8))) ?? [],
                           tasks: tasks, followUp: followUp, navContact: navContact, workplaceContact: workplaceContact,
                           wageSubsidyPercent: wageSubsidyPercent, mentorID: $mentor.id, hundredthHours: hundredthHours, wageInOre: wageInOre)
        }
        set {
            startDate = newValue.startDate
            endDate = newValue.endDate
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            goalsJSON = String(decoding: (try? encoder.encode(newValue.goals)) ?? Data("[]".utf8), as: UTF8.self)
            tasks = newValue.tasks
            followUp = newValue.followUp
            navContact = newValue.navContact
            workplaceContact = newValue.workplaceContact
            wageSubsidyPercent = newValue.wageSubsidyPercent
            $mentor.id = newValue.mentorID
            hundredthHours = newValue.hundredthHours
            wageInOre = newValue.wageInOre
        }
    }
}

/// One party's approval of one version; withdrawn (kept, with the reason) when a new version is made.
public final class AgreementApproval: Model, @unchecked Sendable {
    public static let schema = "agreement_approvals"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agreement_id") public var agreement: Agreement
    @Field(key: "version") public var version: Int
    @Enum(key: "party") public var party: ApprovalParty
    @Field(key: "approved_at") public var approvedAt: Date
    @Parent(key: "approved_by") public var approvedBy: User
    @OptionalField(key: "withdrawn_at") public var withdrawnAt: Date?
    @OptionalField(key: "withdrawn_reason") public var withdrawnReason: String?

    public var properties: [any AnyProperty] {
        [$id, $agreement, $version, $party, $approvedAt, $approvedBy, $withdrawnAt, $withdrawnReason]
    }

    public init() {}
}
