import Fluent
import Foundation

/// Who an external account stands for: one mentor or one employer contact. Unique on each, so
/// two people can never share a login.
public final class ExternalAccount: Model, @unchecked Sendable {
    public static let schema = "external_accounts"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: User
    @Enum(key: "role") public var role: Role
    @Parent(key: "office_id") public var office: Office
    @Parent(key: "employer_id") public var employer: Employer
    @OptionalParent(key: "mentor_id") public var mentor: Mentor?
    @OptionalParent(key: "employer_contact_id") public var employerContact: EmployerContact?
    @Field(key: "email") public var email: String
    @Field(key: "created_at") public var createdAt: Date

    public var properties: [any AnyProperty] { [$id, $user, $role, $office, $employer, $mentor, $employerContact, $email, $createdAt] }

    public init() {}
}

/// A single-use invitation link (only the SHA-256 of its token is kept), valid for a week.
public final class Invitation: Model, @unchecked Sendable {
    public static let schema = "invitations"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Enum(key: "role") public var role: Role
    @Parent(key: "employer_id") public var employer: Employer
    @OptionalParent(key: "mentor_id") public var mentor: Mentor?
    @OptionalParent(key: "employer_contact_id") public var employerContact: EmployerContact?
    @OptionalParent(key: "pathway_id") public var pathway: Pathway?
    @OptionalParent(key: "agreement_id") public var agreement: Agreement?
    @Field(key: "name") public var name: String
    @Field(key: "email") public var email: String
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?
    @OptionalParent(key: "user_id") public var user: User?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public var properties: [any AnyProperty] {
        [$id, $office, $role, $employer, $mentor, $employerContact, $pathway, $agreement, $name, $email, $tokenHash,
         $createdAt, $createdBy, $expiresAt, $usedAt, $user, $revokedAt]
    }

    public init() {}
}

/// One acceptance of one version of the confidentiality declaration (taushetserklæring).
public final class DeclarationAcceptance: Model, @unchecked Sendable {
    public static let schema = "declaration_acceptances"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: User
    @Field(key: "version") public var version: Int
    @Field(key: "accepted_at") public var acceptedAt: Date

    public var properties: [any AnyProperty] { [$id, $user, $version, $acceptedAt] }

    public init() {}
}

/// A one-time sign-in code sent by e-mail (only its digest is kept).
public final class LoginCode: Model, @unchecked Sendable {
    public static let schema = "login_codes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: User
    @Field(key: "code_hash") public var codeHash: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?
    @Field(key: "attempts") public var attempts: Int

    public var properties: [any AnyProperty] { [$id, $user, $codeHash, $createdAt, $expiresAt, $usedAt, $attempts] }

    public init() {}
}

/// Hours a mentor spent training and supporting a candidate.
public final class MentorHours: Model, @unchecked Sendable {
    public static let schema = "mentor_hours"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "pathway_id") public var pathway: Pathway
    @OptionalParent(key: "agreement_id") public var agreement: Agreement?
    @Parent(key: "mentor_id") public var mentor: Mentor
    @Field(key: "worked_on") public var workedOn: Date
    /// Hours × 100 (1.5 h = 150).
    @Field(key: "hours_x100") public var hundredthHours: Int
    @Field(key: "activity") public var activity: String
    @OptionalField(key: "event_id") public var eventID: UUID?
    @Field(key: "recorded_at") public var recordedAt: Date
    @Parent(key: "recorded_by") public var recordedBy: User

    public var properties: [any AnyProperty] {
        [$id, $pathway, $agreement, $mentor, $workedOn, $hundredthHours, $activity, $eventID, $recordedAt, $recordedBy]
    }

    public init() {}
}

/// A mentor's note on how it goes: progress or a concern.
public final class MentorObservation: Model, @unchecked Sendable {
    public static let schema = "mentor_observations"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "pathway_id") public var pathway: Pathway
    @Parent(key: "mentor_id") public var mentor: Mentor
    @Enum(key: "kind") public var kind: ObservationKind
    @Field(key: "text") public var text: String
    @OptionalField(key: "event_id") public var eventID: UUID?
    @Field(key: "written_at") public var writtenAt: Date
    @Parent(key: "written_by") public var writtenBy: User

    public var properties: [any AnyProperty] { [$id, $pathway, $mentor, $kind, $text, $eventID, $writtenAt, $writtenBy] }

    public init() {}
}

/// A mentor's alarm. It opens a `mentor_alarm` alert for the counselor at once, which stays open
/// until the counselor acknowledges it with a response the mentor sees.
public final class MentorAlarm: Model, @unchecked Sendable {
    public static let schema = "mentor_alarms"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "pathway_id") public var pathway: Pathway
    @Parent(key: "mentor_id") public var mentor: Mentor
    @Enum(key: "reason") public var reason: AlarmReason
    @OptionalField(key: "text") public var text: String?
    @Field(key: "raised_at") public var raisedAt: Date
    @Parent(key: "raised_by") public var raisedBy: User
    @OptionalField(key: "alert_id") public var alertID: UUID?
    @OptionalField(key: "event_id") public var eventID: UUID?
    @OptionalField(key: "acknowledged_at") public var acknowledgedAt: Date?
    @OptionalParent(key: "acknowledged_by") public var acknowledgedBy: User?
    @OptionalField(key: "response") public var response: String?

    public var properties: [any AnyProperty] {
        [$id, $pathway, $mentor, $reason, $text, $raisedAt, $raisedBy, $alertID, $eventID, $acknowledgedAt,
         $acknowledgedBy, $response]
    }

    public init() {}
}

/// A participant outside NAV confirmed they will come to a meeting.
public final class MeetingConfirmation: Model, @unchecked Sendable {
    public static let schema = "meeting_confirmations"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "meeting_id") public var meeting: Meeting
    @Parent(key: "user_id") public var user: User
    @Field(key: "confirmed_at") public var confirmedAt: Date

    public var properties: [any AnyProperty] { [$id, $meeting, $user, $confirmedAt] }

    public init() {}
}

/// A message from an employer contact (or mentor) to a counselor.
public final class WorkspaceMessage: Model, @unchecked Sendable {
    public static let schema = "workspace_messages"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Parent(key: "employer_id") public var employer: Employer
    @OptionalParent(key: "pathway_id") public var pathway: Pathway?
    @OptionalParent(key: "agreement_id") public var agreement: Agreement?
    @Parent(key: "from_user") public var fromUser: User
    @Parent(key: "to_user") public var toUser: User
    @Field(key: "text") public var text: String
    @Field(key: "sent_at") public var sentAt: Date
    @OptionalField(key: "read_at") public var readAt: Date?

    public var properties: [any AnyProperty] {
        [$id, $office, $employer, $pathway, $agreement, $fromUser, $toUser, $text, $sentAt, $readAt]
    }

    public init() {}
}

/// A mentor gathering (mentorsamling, nettverksmøte, faddersamling) held by an office.
public final class Gathering: Model, @unchecked Sendable {
    public static let schema = "gatherings"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Enum(key: "kind") public var kind: GatheringKind
    @Field(key: "starts_at") public var startsAt: Date
    @Field(key: "place") public var place: String
    @Field(key: "theme") public var theme: String
    @OptionalField(key: "summary") public var summary: String?
    @OptionalField(key: "summary_at") public var summaryAt: Date?
    @OptionalField(key: "cancelled_at") public var cancelledAt: Date?
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User

    public var properties: [any AnyProperty] {
        [$id, $office, $kind, $startsAt, $place, $theme, $summary, $summaryAt, $cancelledAt, $createdAt, $createdBy]
    }

    public init() {}
}

/// One mentor invited to one gathering: their answer, and afterwards whether they came.
public final class GatheringInvitation: Model, @unchecked Sendable {
    public static let schema = "gathering_invitations"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "gathering_id") public var gathering: Gathering
    @Parent(key: "mentor_id") public var mentor: Mentor
    @Field(key: "invited_at") public var invitedAt: Date
    @Parent(key: "invited_by") public var invitedBy: User
    @OptionalEnum(key: "answer") public var answer: GatheringAnswer?
    @OptionalField(key: "answered_at") public var answeredAt: Date?
    @OptionalField(key: "attended") public var attended: Bool?
    @OptionalField(key: "attendance_recorded_at") public var attendanceRecordedAt: Date?

    public var properties: [any AnyProperty] {
        [$id, $gathering, $mentor, $invitedAt, $invitedBy, $answer, $answeredAt, $attended, $attendanceRecordedAt]
    }

    public init() {}
}
