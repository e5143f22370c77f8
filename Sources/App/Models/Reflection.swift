import Fluent
import Foundation

/// A reflection group in an office: everyone in hybrid work, a three-person case-discussion group,
/// team guidance. Members come and go; a removed member keeps their row with `removedAt`.
public final class ReflectionGroup: Model, @unchecked Sendable {
    public static let schema = "reflection_groups"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Field(key: "name") public var name: String
    @Enum(key: "kind") public var kind: ReflectionGroupKind
    /// How often the group meets, in weeks (nil: no fixed rhythm).
    @OptionalField(key: "rhythm_weeks") public var rhythmWeeks: Int?
    @OptionalField(key: "description") public var groupDescription: String?
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User
    @OptionalField(key: "archived_at") public var archivedAt: Date?

    public var properties: [any AnyProperty] {
        [$id, $office, $name, $kind, $rhythmWeeks, $groupDescription, $createdAt, $createdBy, $archivedAt]
    }

    public init() {}
}

public final class ReflectionGroupMember: Model, @unchecked Sendable {
    public static let schema = "reflection_group_members"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "group_id") public var group: ReflectionGroup
    @Parent(key: "user_id") public var user: User
    @Field(key: "added_at") public var addedAt: Date
    @Parent(key: "added_by") public var addedBy: User
    @OptionalField(key: "removed_at") public var removedAt: Date?

    public var properties: [any AnyProperty] { [$id, $group, $user, $addedAt, $addedBy, $removedAt] }

    public init() {}
}

/// A "gjort – lært – lurt" note (done, learned, worth keeping). Private to its author until shared
/// with one group the author is a member of; never shows the candidate even when it names a pathway.
public final class LearningNote: Model, @unchecked Sendable {
    public static let schema = "learning_notes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Parent(key: "author_id") public var author: User
    @OptionalParent(key: "pathway_id") public var pathway: Pathway?
    @Field(key: "done") public var done: String
    @Field(key: "learned") public var learned: String
    @Field(key: "worth_keeping") public var worthKeeping: String
    @OptionalParent(key: "group_id") public var group: ReflectionGroup?
    @OptionalField(key: "shared_at") public var sharedAt: Date?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date
    @OptionalField(key: "deleted_at") public var deletedAt: Date?

    public var properties: [any AnyProperty] {
        [$id, $office, $author, $pathway, $done, $learned, $worthKeeping, $group, $sharedAt, $createdAt, $updatedAt,
         $deletedAt]
    }

    public init() {}
}

/// A pseudonymised case presentation: structured facts that identify no one, and free text the
/// generator cleaned and the author edited. `sharedAt` is set once it passed the identifier check.
public final class CasePresentation: Model, @unchecked Sendable {
    public static let schema = "case_presentations"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Parent(key: "author_id") public var author: User
    /// Only the author's own link back; never shown to anyone else.
    @OptionalParent(key: "pathway_id") public var pathway: Pathway?
    @Field(key: "age_band") public var ageBand: String
    @Field(key: "innsatsgruppe") public var innsatsgruppe: String
    @Field(key: "step") public var step: String
    @Field(key: "duration_weeks") public var durationWeeks: Int
    @Field(key: "challenges") public var challenges: String
    @Field(key: "tried") public var tried: String
    @Field(key: "criteria") public var criteria: String
    @Field(key: "question") public var question: String
    @OptionalField(key: "shared_at") public var sharedAt: Date?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public var properties: [any AnyProperty] {
        [$id, $office, $author, $pathway, $ageBand, $innsatsgruppe, $step, $durationWeeks, $challenges, $tried, $criteria,
         $question, $sharedAt, $createdAt, $updatedAt]
    }

    public init() {}
}

/// One meeting of a reflection group.
public final class ReflectionSession: Model, @unchecked Sendable {
    public static let schema = "reflection_sessions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Parent(key: "group_id") public var group: ReflectionGroup
    @Field(key: "starts_at") public var startsAt: Date
    @OptionalField(key: "place") public var place: String?
    @OptionalField(key: "summary") public var summary: String?
    /// Set when the session is marked as held (attendance recorded); counts for premise 3.
    @OptionalField(key: "held_at") public var heldAt: Date?
    @OptionalField(key: "cancelled_at") public var cancelledAt: Date?
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User

    public var properties: [any AnyProperty] {
        [$id, $office, $group, $startsAt, $place, $summary, $heldAt, $cancelledAt, $createdAt, $createdBy]
    }

    public init() {}
}

public final class ReflectionAgendaItem: Model, @unchecked Sendable {
    public static let schema = "reflection_agenda_items"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "session_id") public var session: ReflectionSession
    @Field(key: "position") public var position: Int
    @Enum(key: "kind") public var kind: AgendaItemKind
    @Field(key: "title") public var title: String
    @OptionalField(key: "notes") public var notes: String?
    @OptionalParent(key: "case_presentation_id") public var casePresentation: CasePresentation?
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User
    @Field(key: "updated_at") public var updatedAt: Date

    public var properties: [any AnyProperty] {
        [$id, $session, $position, $kind, $title, $notes, $casePresentation, $createdAt, $createdBy, $updatedAt]
    }

    public init() {}
}

public final class ReflectionAttendance: Model, @unchecked Sendable {
    public static let schema = "reflection_attendance"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "session_id") public var session: ReflectionSession
    @Parent(key: "user_id") public var user: User
    @Field(key: "attended") public var attended: Bool
    @Field(key: "recorded_at") public var recordedAt: Date
    @Parent(key: "recorded_by") public var recordedBy: User

    public var properties: [any AnyProperty] { [$id, $session, $user, $attended, $recordedAt, $recordedBy] }

    public init() {}
}

/// A theme on a session (optionally one agenda point) or on a learning note. `theme` is a
/// `ReflectionTheme` raw value, or a free tag (`isFree`), normalised to lower case.
public final class ReflectionThemeTag: Model, @unchecked Sendable {
    public static let schema = "reflection_themes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @OptionalParent(key: "session_id") public var session: ReflectionSession?
    @OptionalParent(key: "agenda_item_id") public var agendaItem: ReflectionAgendaItem?
    @OptionalParent(key: "learning_note_id") public var learningNote: LearningNote?
    @Field(key: "theme") public var theme: String
    @Field(key: "is_free") public var isFree: Bool
    /// The day the theme was discussed (the session's day, or the note's), for themes over time.
    @Field(key: "tagged_on") public var taggedOn: Date

    public var properties: [any AnyProperty] { [$id, $office, $session, $agendaItem, $learningNote, $theme, $isFree, $taggedOn] }

    public init() {}
}

/// An action agreed in a session, with an owner and a due date; shown to its owner until done.
public final class ReflectionAction: Model, @unchecked Sendable {
    public static let schema = "reflection_actions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Parent(key: "session_id") public var session: ReflectionSession
    @OptionalParent(key: "agenda_item_id") public var agendaItem: ReflectionAgendaItem?
    @Field(key: "title") public var title: String
    @Parent(key: "owner_id") public var owner: User
    @Field(key: "due_on") public var dueOn: Date
    @OptionalField(key: "done_at") public var doneAt: Date?
    @OptionalParent(key: "done_by") public var doneBy: User?
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User

    public var properties: [any AnyProperty] {
        [$id, $office, $session, $agendaItem, $title, $owner, $dueOn, $doneAt, $doneBy, $createdAt, $createdBy]
    }

    public init() {}
}

/// The office's reflection note for a period (e.g. "2026" or "2026-H2"), written by several people.
public final class ReflectionNote: Model, @unchecked Sendable {
    public static let schema = "reflection_notes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Field(key: "period") public var period: String
    @Field(key: "title") public var title: String
    @Field(key: "current_version") public var currentVersion: Int
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User

    public var properties: [any AnyProperty] { [$id, $office, $period, $title, $currentVersion, $createdAt, $createdBy] }

    public init() {}
}

public final class ReflectionNoteParticipant: Model, @unchecked Sendable {
    public static let schema = "reflection_note_participants"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "note_id") public var note: ReflectionNote
    @Parent(key: "user_id") public var user: User
    @Field(key: "added_at") public var addedAt: Date

    public var properties: [any AnyProperty] { [$id, $note, $user, $addedAt] }

    public init() {}
}

/// Every saved text of the note; never changed once written.
public final class ReflectionNoteVersion: Model, @unchecked Sendable {
    public static let schema = "reflection_note_versions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "note_id") public var note: ReflectionNote
    @Field(key: "version") public var version: Int
    @Field(key: "body") public var body: String
    @OptionalField(key: "change_summary") public var changeSummary: String?
    @Field(key: "written_at") public var writtenAt: Date
    @Parent(key: "written_by") public var writtenBy: User

    public var properties: [any AnyProperty] { [$id, $note, $version, $body, $changeSummary, $writtenAt, $writtenBy] }

    public init() {}
}

/// A participant's sign-off of one version.
public final class ReflectionNoteSignoff: Model, @unchecked Sendable {
    public static let schema = "reflection_note_signoffs"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "note_id") public var note: ReflectionNote
    @Field(key: "version") public var version: Int
    @Parent(key: "user_id") public var user: User
    @Field(key: "signed_at") public var signedAt: Date

    public var properties: [any AnyProperty] { [$id, $note, $version, $user, $signedAt] }

    public init() {}
}

/// One round of the premises self-check in an office (period e.g. "2026-Q4").
public final class PremiseCheck: Model, @unchecked Sendable {
    public static let schema = "premise_checks"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Field(key: "period") public var period: String
    @Field(key: "opened_at") public var openedAt: Date
    @Parent(key: "opened_by") public var openedBy: User
    @OptionalField(key: "closed_at") public var closedAt: Date?

    public var properties: [any AnyProperty] { [$id, $office, $period, $openedAt, $openedBy, $closedAt] }

    public init() {}
}

/// One person's answer on one premise (1–4): a score 1–5 and an optional comment.
public final class PremiseAnswer: Model, @unchecked Sendable {
    public static let schema = "premise_answers"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "check_id") public var check: PremiseCheck
    @Parent(key: "user_id") public var user: User
    @Field(key: "premise") public var premise: Int
    @Field(key: "score") public var score: Int
    @OptionalField(key: "comment") public var comment: String?
    @Field(key: "answered_at") public var answeredAt: Date

    public var properties: [any AnyProperty] { [$id, $check, $user, $premise, $score, $comment, $answeredAt] }

    public init() {}
}

/// An internal or external resource brought into a pathway (premise 4).
public final class PathwayResource: Model, @unchecked Sendable {
    public static let schema = "pathway_resources"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "pathway_id") public var pathway: Pathway
    @Parent(key: "office_id") public var office: Office
    @Enum(key: "kind") public var kind: PathwayResourceKind
    @OptionalField(key: "note") public var note: String?
    @Field(key: "started_on") public var startedOn: Date
    @OptionalField(key: "ended_on") public var endedOn: Date?
    @Field(key: "recorded_at") public var recordedAt: Date
    @Parent(key: "recorded_by") public var recordedBy: User

    public var properties: [any AnyProperty] { [$id, $pathway, $office, $kind, $note, $startedOn, $endedOn, $recordedAt, $recordedBy] }

    public init() {}
}
