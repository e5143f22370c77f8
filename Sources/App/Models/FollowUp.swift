import Fluent
import Foundation

/// One logged contact in a pathway: when, how, with whom, and what comes next.
public final class Contact: Model, @unchecked Sendable {
    public static let schema = "contacts"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "pathway_id") public var pathway: Pathway
    @Parent(key: "candidate_id") public var candidate: Candidate
    @Parent(key: "office_id") public var office: Office
    @Field(key: "occurred_at") public var occurredAt: Date
    @Enum(key: "channel") public var channel: ContactChannel
    @Enum(key: "with_whom") public var withWhom: ContactParty
    @OptionalField(key: "with_name") public var withName: String?
    @OptionalField(key: "duration_minutes") public var durationMinutes: Int?
    @OptionalField(key: "note") public var note: String?
    @OptionalField(key: "next_step") public var nextStep: String?
    @Field(key: "for_candidate") public var forCandidate: Bool
    @OptionalField(key: "event_id") public var eventID: UUID?
    @Field(key: "recorded_at") public var recordedAt: Date
    @Parent(key: "recorded_by") public var recordedBy: User

    public var properties: [any AnyProperty] {
        [$id, $pathway, $candidate, $office, $occurredAt, $channel, $withWhom, $withName, $durationMinutes, $note,
         $nextStep, $forCandidate, $eventID, $recordedAt, $recordedBy]
    }

    public init() {}
}

/// A meeting in a pathway. It counts as held — and writes its event — only once its minutes are written.
public final class Meeting: Model, @unchecked Sendable {
    public static let schema = "meetings"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "pathway_id") public var pathway: Pathway
    @Parent(key: "candidate_id") public var candidate: Candidate
    @Parent(key: "office_id") public var office: Office
    @Enum(key: "type") public var type: MeetingType
    @Field(key: "starts_at") public var startsAt: Date
    @Field(key: "duration_minutes") public var durationMinutes: Int
    @OptionalField(key: "place") public var place: String?
    @Field(key: "participants") public var participantsJSON: String
    @OptionalField(key: "agenda") public var agenda: String?
    @OptionalField(key: "minutes") public var minutes: String?
    @Field(key: "minutes_for_candidate") public var minutesForCandidate: Bool
    @OptionalField(key: "minutes_at") public var minutesAt: Date?
    @OptionalParent(key: "minutes_by") public var minutesBy: User?
    @OptionalField(key: "event_id") public var eventID: UUID?
    @OptionalField(key: "cancelled_at") public var cancelledAt: Date?
    @OptionalField(key: "cancel_reason") public var cancelReason: String?
    @OptionalParent(key: "cancelled_by") public var cancelledBy: User?
    @Field(key: "sequence") public var sequence: Int
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User
    @Field(key: "updated_at") public var updatedAt: Date

    public var properties: [any AnyProperty] {
        [$id, $pathway, $candidate, $office, $type, $startsAt, $durationMinutes, $place, $participantsJSON, $agenda,
         $minutes, $minutesForCandidate, $minutesAt, $minutesBy, $eventID, $cancelledAt, $cancelReason, $cancelledBy,
         $sequence, $createdAt, $createdBy, $updatedAt]
    }

    public init() {}

    var endsAt: Date { startsAt.addingTimeInterval(Double(durationMinutes) * 60) }

    var status: MeetingStatus {
        if cancelledAt != nil { return .cancelled }
        if minutesAt != nil { return .held }
        return .planned
    }

    var participants: [MeetingParticipant] {
        get { Self.participants(fromJSON: participantsJSON) }
        set { participantsJSON = String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }

    /// The `participants` column as stored; unreadable text reads as no participants.
    static func participants(fromJSON json: String) -> [MeetingParticipant] {
        (try? JSONDecoder().decode([MeetingParticipant].self, from: Data(json.utf8))) ?? []
    }

    /// Whether the stored participants include the workplace (a mentor or the employer), which makes
    /// a held meeting a contact at the workplace. The alerts ask this of every held meeting of a
    /// pathway on each of its writes. Most lists name neither role, and a list whose text holds
    /// neither word cannot; only the others are decoded, as `participants` decodes them.
    static func includesWorkplace(participantsJSON json: String) -> Bool {
        let workplace: [ParticipantRole] = [.mentor, .employer]
        let text = Array(json.utf8)
        let mentions = workplace.contains { role in
            let word = Array(role.rawValue.utf8)
            guard text.count >= word.count else { return false }
            return (0...(text.count - word.count)).contains { start in text[start..<(start + word.count)].elementsEqual(word) }
        }
        guard mentions else { return false }
        return participants(fromJSON: json).contains { workplace.contains($0.role) }
    }
}

/// A private calendar-feed address of one user; only the SHA-256 of its token is kept.
public final class CalendarFeed: Model, @unchecked Sendable {
    public static let schema = "calendar_feeds"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: User
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "revoked_at") public var revokedAt: Date?
    @OptionalField(key: "last_used_at") public var lastUsedAt: Date?

    public var properties: [any AnyProperty] { [$id, $user, $tokenHash, $createdAt, $revokedAt, $lastUsedAt] }

    public init() {}
}

/// A sub-goal of a placement's training plan (opplæringsplan) or language plan (norskopplæring).
public final class TrainingGoal: Model, @unchecked Sendable {
    public static let schema = "training_goals"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agreement_id") public var agreement: Agreement
    @Parent(key: "pathway_id") public var pathway: Pathway
    @Enum(key: "plan") public var plan: TrainingPlanKind
    @Field(key: "title") public var title: String
    @OptionalField(key: "target_date") public var targetDate: Date?
    @Enum(key: "status") public var status: TrainingGoalStatus
    @Enum(key: "responsible") public var responsible: TrainingResponsible
    @Field(key: "created_at") public var createdAt: Date
    @Parent(key: "created_by") public var createdBy: User
    @Field(key: "updated_at") public var updatedAt: Date

    public var properties: [any AnyProperty] {
        [$id, $agreement, $pathway, $plan, $title, $targetDate, $status, $responsible, $createdAt, $createdBy, $updatedAt]
    }

    public init() {}
}

/// A progress note on a sub-goal, with the status change it made, if any.
public final class TrainingGoalNote: Model, @unchecked Sendable {
    public static let schema = "training_goal_notes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "goal_id") public var goal: TrainingGoal
    @OptionalField(key: "text") public var text: String?
    @OptionalEnum(key: "from_status") public var fromStatus: TrainingGoalStatus?
    @OptionalEnum(key: "to_status") public var toStatus: TrainingGoalStatus?
    @Field(key: "written_at") public var writtenAt: Date
    @Parent(key: "written_by") public var writtenBy: User

    public var properties: [any AnyProperty] { [$id, $goal, $text, $fromStatus, $toStatus, $writtenAt, $writtenBy] }

    public init() {}
}

/// The language plan's final goal and deadline for one placement.
public final class LanguagePlan: Model, @unchecked Sendable {
    public static let schema = "language_plans"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agreement_id") public var agreement: Agreement
    @Field(key: "final_goal") public var finalGoal: String
    @Field(key: "deadline") public var deadline: Date
    @Field(key: "updated_at") public var updatedAt: Date
    @Parent(key: "updated_by") public var updatedBy: User

    public var properties: [any AnyProperty] { [$id, $agreement, $finalGoal, $deadline, $updatedAt, $updatedBy] }

    public init() {}
}

/// One workplace observation of the candidate's language and social situation (seed 004, appendix 3).
public final class LanguageObservation: Model, @unchecked Sendable {
    public static let schema = "language_observations"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "agreement_id") public var agreement: Agreement
    @Field(key: "observed_on") public var observedOn: Date
    @Field(key: "items") public var itemsJSON: String
    @OptionalField(key: "note") public var note: String?
    @Field(key: "recorded_at") public var recordedAt: Date
    @Parent(key: "recorded_by") public var recordedBy: User

    public var properties: [any AnyProperty] { [$id, $agreement, $observedOn, $itemsJSON, $note, $recordedAt, $recordedBy] }

    public init() {}

    var items: [ObservationItem: ObservationAnswer] {
        get {
            let raw = (try? JSONDecoder().decode([String: ObservationAnswer].self, from: Data(itemsJSON.utf8))) ?? [:]
            return Dictionary(uniqueKeysWithValues: raw.compactMap { key, value in ObservationItem(rawValue: key).map { ($0, value) } })
        }
        set {
            let raw = Dictionary(uniqueKeysWithValues: newValue.map { ($0.key.rawValue, $0.value) })
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            itemsJSON = String(decoding: (try? encoder.encode(raw)) ?? Data("{}".utf8), as: UTF8.self)
        }
    }
}

/// A stored "trenger oppfølging" alert. Opened and resolved by `AlertStore` from the data alone;
/// a person can only snooze it, with a reason and a date.
public final class Alert: Model, @unchecked Sendable {
    public static let schema = "alerts"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "pathway_id") public var pathway: Pathway
    @Parent(key: "candidate_id") public var candidate: Candidate
    @Parent(key: "office_id") public var office: Office
    @Enum(key: "kind") public var kind: AlertKind
    @Field(key: "subject") public var subject: String
    @Field(key: "since") public var since: Date
    @Field(key: "reason_args") public var reasonArgsJSON: String
    @Field(key: "opened_at") public var openedAt: Date
    @OptionalField(key: "resolved_at") public var resolvedAt: Date?
    @OptionalField(key: "snoozed_until") public var snoozedUntil: Date?
    @OptionalField(key: "snooze_reason") public var snoozeReason: String?
    @OptionalParent(key: "snoozed_by") public var snoozedBy: User?
    @OptionalField(key: "snoozed_at") public var snoozedAt: Date?

    public var properties: [any AnyProperty] {
        [$id, $pathway, $candidate, $office, $kind, $subject, $since, $reasonArgsJSON, $openedAt, $resolvedAt,
         $snoozedUntil, $snoozeReason, $snoozedBy, $snoozedAt]
    }

    public init() {}

    var reasonArgs: [String] {
        get { (try? JSONDecoder().decode([String].self, from: Data(reasonArgsJSON.utf8))) ?? [] }
        set { reasonArgsJSON = String(decoding: (try? JSONEncoder().encode(newValue)) ?? Data("[]".utf8), as: UTF8.self) }
    }

    func isSnoozed(now: Date) -> Bool { snoozedUntil.map { $0 > now } ?? false }
}

/// A word of the office's plain-language list: NAV jargon and what to write instead.
public final class PlainLanguageTerm: Model, @unchecked Sendable {
    public static let schema = "plain_language_terms"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "office_id") public var office: Office
    @Field(key: "term") public var term: String
    @Field(key: "suggestion") public var suggestion: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalParent(key: "created_by") public var createdBy: User?

    public var properties: [any AnyProperty] { [$id, $office, $term, $suggestion, $createdAt, $createdBy] }

    public init() {}
}
