import Foundation

/// The fixed vocabulary of pathway events (docs/EVENTS.md). Every feature that records something
/// about a pathway uses one of these; the method models' rules are written over them.
public enum PathwayEventType: String, Codable, CaseIterable, Sendable, Hashable, Comparable {
    case referralReceived = "referral_received"
    case firstConversation = "first_conversation"
    case relevanceDecision = "relevance_decision"
    case planAgreed = "plan_agreed"
    case decision
    case programStart = "program_start"
    case careerGuidance = "career_guidance"
    case vocationalProfile = "vocational_profile"
    case employerVisit = "employer_visit"
    case employerContact = "employer_contact"
    case jobTasteStart = "job_taste_start"
    case placementStart = "placement_start"
    case firstWorkdayContact = "first_workday_contact"
    case evaluationMeeting = "evaluation_meeting"
    case statusMeeting = "status_meeting"
    case mentorContact = "mentor_contact"
    case employerFollowup = "employer_followup"
    case agreementExtended = "agreement_extended"
    case hired
    case placementEnded = "placement_ended"
    /// Written from the mentor's workspace: hours logged, a training sub-goal's status, a meeting confirmed.
    case mentorHours = "mentor_hours"
    case trainingGoalUpdated = "training_goal_updated"
    case meetingConfirmed = "meeting_confirmed"
    case stepChanged = "step_changed"
    case pathwayClosed = "pathway_closed"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Written by the system when a step changes or the pathway closes; never posted directly.
    public var isSystemEvent: Bool { self == .stepChanged || self == .pathwayClosed }

    /// Written by the mentor's own actions in their workspace; tied to the record they describe.
    public var isWorkspaceEvent: Bool { self == .mentorHours || self == .trainingGoalUpdated || self == .meetingConfirmed }

    /// Types a counselor may record by hand, in the order the form lists them.
    public static var recordable: [PathwayEventType] { allCases.filter { !$0.isSystemEvent && !$0.isWorkspaceEvent && $0 != .referralReceived } }

    /// Whether a counselor may withdraw an event of this type as recorded by mistake.
    public var isWithdrawable: Bool { !isSystemEvent && !isWorkspaceEvent && self != .referralReceived }

    /// Events that concern one employer; the form asks for it.
    public var concernsEmployer: Bool {
        switch self {
        case .employerVisit, .employerContact, .jobTasteStart, .placementStart, .firstWorkdayContact,
             .evaluationMeeting, .employerFollowup, .agreementExtended, .hired, .placementEnded:
            true
        default:
            false
        }
    }

    var labelKey: String { "event.\(rawValue)" }
}
