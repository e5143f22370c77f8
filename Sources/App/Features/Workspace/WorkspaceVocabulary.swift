import Foundation

/// What a mentor writes about how it goes.
public enum ObservationKind: String, Codable, Sendable, CaseIterable {
    case progress
    case concern

    var labelKey: String { "workspace.observation.\(rawValue)" }
}

/// Why a mentor raises the alarm.
public enum AlarmReason: String, Codable, Sendable, CaseIterable {
    /// "Kandidaten møtte ikke"
    case noShow = "no_show"
    /// "Konflikt på arbeidsplassen"
    case conflict
    /// "Helse/krise"
    case healthCrisis = "health_crisis"
    /// "Trenger hjelp fra NAV"
    case needsHelp = "needs_help"

    var labelKey: String { "workspace.alarm.\(rawValue)" }
}

/// The kinds of gathering offices hold for mentors.
public enum GatheringKind: String, Codable, Sendable, CaseIterable {
    case mentorGathering = "mentorsamling"
    case networkMeeting = "nettverksmote"
    case sponsorGathering = "faddersamling"

    var labelKey: String { "gathering.kind.\(rawValue)" }
}

/// A mentor's answer to a gathering invitation.
public enum GatheringAnswer: String, Codable, Sendable, CaseIterable {
    case yes, no, maybe

    var labelKey: String { "gathering.answer.\(rawValue)" }
}
