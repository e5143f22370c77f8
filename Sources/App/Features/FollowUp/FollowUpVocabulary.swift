import Foundation

/// How a contact took place.
public enum ContactChannel: String, Codable, CaseIterable, Sendable {
    case workplace = "pa_arbeidsplassen"
    case navOffice = "nav_kontoret"
    case elsewhere = "annet_sted"
    case phone = "telefon"
    case video
    case message = "melding"

    var labelKey: String { "contact_channel.\(rawValue)" }
}

/// Who the counselor was in contact with.
public enum ContactParty: String, Codable, CaseIterable, Sendable {
    case candidate = "kandidat"
    case mentor
    case employer = "arbeidsgiver"
    case other = "annen"

    var labelKey: String { "contact_party.\(rawValue)" }

    /// The pathway event a contact with this party writes, if any.
    var event: PathwayEventType? {
        switch self {
        case .mentor: .mentorContact
        case .employer: .employerFollowup
        case .candidate, .other: nil
        }
    }
}

public enum MeetingType: String, Codable, CaseIterable, Sendable {
    case startup = "oppstartsmote"
    case mapping = "kartleggingssamtale"
    case careerGuidance = "karriereveiledning"
    case status = "statusmote"
    case evaluation = "evalueringsmote"
    case tripartite = "trepartsmote"
    case responsibilityGroup = "ansvarsgruppemote"
    case closing = "sluttmote"

    var labelKey: String { "meeting_type.\(rawValue)" }

    /// The event a held meeting (minutes written) writes. Types without one of their own count as
    /// contact with the mentor, or else the employer, when they took part.
    func event(participants: Set<ParticipantRole>) -> PathwayEventType? {
        switch self {
        case .mapping: return .firstConversation
        case .careerGuidance: return .careerGuidance
        case .status: return .statusMeeting
        case .evaluation: return .evaluationMeeting
        case .startup, .tripartite, .responsibilityGroup, .closing:
            if participants.contains(.mentor) { return .mentorContact }
            if participants.contains(.employer) { return .employerFollowup }
            return nil
        }
    }

    /// Held at the workplace by nature (the evaluation meeting of the quality criteria).
    var atWorkplace: Bool { self == .evaluation }
}

public enum ParticipantRole: String, Codable, CaseIterable, Sendable {
    case candidate = "kandidat"
    case mentor
    case employer = "arbeidsgiver"
    case counselor = "veileder"
    case other = "annen"

    var labelKey: String { "participant_role.\(rawValue)" }
}

public struct MeetingParticipant: Codable, Sendable, Hashable {
    public var role: ParticipantRole
    public var name: String?
}

public enum MeetingStatus: String, Codable, Sendable {
    case planned = "planlagt"
    case held = "holdt"
    case cancelled = "avlyst"

    var labelKey: String { "meeting_status.\(rawValue)" }
}

/// The two plans a placement can have.
public enum TrainingPlanKind: String, Codable, CaseIterable, Sendable {
    case training = "opplaering"
    case language = "sprak"

    var labelKey: String { "training_plan.\(rawValue)" }
}

public enum TrainingGoalStatus: String, Codable, CaseIterable, Sendable {
    case notStarted = "ikke_startet"
    case inProgress = "pagar"
    case reached = "nadd"
    case notReached = "ikke_nadd"

    var labelKey: String { "training_status.\(rawValue)" }
}

public enum TrainingResponsible: String, Codable, CaseIterable, Sendable {
    case mentor
    case employer = "arbeidsgiver"
    case candidate = "kandidat"
    case counselor = "veileder"

    var labelKey: String { "training_responsible.\(rawValue)" }
}

/// The workplace observation checklist of the language plan (seed 004, appendix 3).
public enum ObservationItem: String, Codable, CaseIterable, Sendable {
    case smallTalk = "smaprat"
    case listenedTo = "blir_hort"
    case socialPosition = "sosial_posisjon"
    case supportLeader = "stotte_leder"
    case supportMentor = "stotte_mentor"
    case supportColleagues = "stotte_kolleger"
    case speaking = "samtale"
    case listening = "lytting"
    case writing = "skriftlig"

    var labelKey: String { "observation_item.\(rawValue)" }
}

public enum ObservationRating: String, Codable, CaseIterable, Sendable {
    case masters = "mestrer"
    case partly = "delvis"
    case needsSupport = "trenger_stotte"
    case notObserved = "ikke_observert"

    var labelKey: String { "observation_rating.\(rawValue)" }
}

public struct ObservationAnswer: Codable, Sendable, Hashable {
    public var rating: ObservationRating
    public var comment: String?
}

/// The kinds of "trenger oppfølging" alert.
public enum AlertKind: String, Codable, CaseIterable, Sendable {
    case noWorkplaceContact = "no_workplace_contact"
    case criterionOverdue = "criterion_overdue"
    case agreementEnding = "agreement_ending"
    case noNextMeeting = "no_next_meeting"
    case firstWorkday = "first_workday"
    case mentorAlarm = "mentor_alarm"

    var labelKey: String { "alert.kind.\(rawValue)" }
    var reasonKey: String { "alert.reason.\(rawValue)" }

    /// Kinds opened and resolved from the pathway's data by `AlertRules`; a mentor's alarm is
    /// opened by the mentor and resolved by the counselor's answer.
    var isDerived: Bool { self != .mentorAlarm }
}
