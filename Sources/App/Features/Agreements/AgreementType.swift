import Foundation

/// The kinds of agreement (tiltak) a pathway can have with an employer.
public enum AgreementType: String, Codable, CaseIterable, Sendable {
    case mentor
    case workTraining = "arbeidstrening"
    case temporaryWageSubsidy = "midlertidig_lonnstilskudd"
    case permanentWageSubsidy = "varig_lonnstilskudd"
    case inclusionGrant = "inkluderingstilskudd"
    case jobTaste = "jobbsmak"
    case workPractice = "arbeidspraksis"
    case adaptationGuarantee = "tilretteleggingsgaranti"
    case employment = "ansettelse"

    var labelKey: String { "agreement_type.\(rawValue)" }

    /// The longest allowed period from start to end, or nil when the type has no limit.
    /// Mentor support and temporary wage subsidy last longer for candidates who need the most help.
    func maximumDuration(for group: Innsatsgruppe) -> AgreementDuration? {
        let needsMost = group == .spesieltTilpasset || group == .varigTilpasset
        switch self {
        case .jobTaste: return .days(7)
        case .workTraining: return .months(18)
        case .mentor: return .months(needsMost ? 36 : 6)
        case .temporaryWageSubsidy: return .months(needsMost ? 24 : 12)
        default: return nil
        }
    }

    /// Types that may run without an end date.
    var endDateOptional: Bool { self == .permanentWageSubsidy || self == .employment }

    var usesWageSubsidy: Bool { self == .temporaryWageSubsidy || self == .permanentWageSubsidy }

    /// The highest wage-subsidy percentage the type allows.
    var maximumWageSubsidyPercent: Int { self == .permanentWageSubsidy ? 75 : 60 }

    /// The pathway event written when the agreement starts. Support agreements (mentor,
    /// inclusion grant, adaptation guarantee) go with a placement and write none of their own.
    var startEvent: PathwayEventType? {
        switch self {
        case .jobTaste: .jobTasteStart
        case .employment: .hired
        case .workTraining, .temporaryWageSubsidy, .permanentWageSubsidy, .workPractice: .placementStart
        case .mentor, .inclusionGrant, .adaptationGuarantee: nil
        }
    }

    /// Whether the end of the agreement ends a placement (`placement_ended`).
    var endsPlacement: Bool { startEvent == .placementStart }
}

public enum AgreementDuration: Sendable, Equatable {
    case days(Int), months(Int)

    /// The last allowed end date for an agreement starting on `start` (both days inclusive).
    func lastEndDate(from start: Date) -> Date {
        let calendar = RuleDuration.calendar
        switch self {
        case let .days(n): return calendar.date(byAdding: .day, value: n - 1, to: start)!
        case let .months(n):
            let after = calendar.date(byAdding: .month, value: n, to: start)!
            return calendar.date(byAdding: .day, value: -1, to: after)!
        }
    }

    var labelArgs: (key: String, count: String) {
        switch self {
        case let .days(n): ("agreement.error.too_long_days", String(n))
        case let .months(n): ("agreement.error.too_long_months", String(n))
        }
    }
}

/// What an agreement aims for; each goal carries its own description.
public enum AgreementGoalKind: String, Codable, CaseIterable, Sendable {
    case jobAtEmployer = "fa_jobb_i_bedriften"
    case workExperience = "arbeidserfaring"
    case tryingOut = "utproving"
    case languageTraining = "sprakopplaering"
    case tradeCertificate = "fagbrev"
    case other = "annet"
    var labelKey: String { "agreement_goal.\(rawValue)" }
}

public struct AgreementGoal: Codable, Sendable, Equatable {
    public var kind: AgreementGoalKind
    public var description: String
}

/// Why an agreement was annulled.
public enum AnnulmentReason: String, Codable, CaseIterable, Sendable {
    case misregistration = "feilregistrering"
    case startedWork = "begynt_i_arbeid"
    case otherProgram = "annet_tiltak"
    case ill = "syk"
    case didNotShowUp = "ikke_mott"
    case other = "annet"
    var labelKey: String { "annulment.\(rawValue)" }
}

/// Who approves an agreement. Both must approve the same version before it can start.
public enum ApprovalParty: String, Codable, CaseIterable, Sendable {
    case counselor = "veileder"
    case employer = "arbeidsgiver"
    var labelKey: String { "approval_party.\(rawValue)" }
}
