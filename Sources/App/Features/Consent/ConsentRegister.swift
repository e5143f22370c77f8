import Foundation

/// What may be told about a candidate.
public enum DisclosureItem: String, Codable, Sendable, CaseIterable {
    case goalsAndPlan = "goals_plan"
    case healthAdaptations = "health_adaptations"
    case contactDetails = "contact_details"
    case educationAndExperience = "education_experience"

    public var labelKey: String { "consent.item.\(rawValue)" }
}

/// To whom.
public enum DisclosureParty: String, Codable, Sendable, CaseIterable {
    case employer, mentor
    case healthService = "health_service"
    case school
    case otherNav = "other_nav"

    public var labelKey: String { "consent.party.\(rawValue)" }
}

public enum ConsentForm: String, Codable, Sendable, CaseIterable {
    case written, oral

    public var labelKey: String { "consent.form.\(rawValue)" }
}

/// One consent as the rules see it.
public struct ConsentTerms: Sendable, Equatable {
    public var item: DisclosureItem
    public var party: DisclosureParty
    /// First day the consent holds.
    public var givenOn: Date
    /// Last day it holds (inclusive); nil = until withdrawn.
    public var expiresOn: Date?
    /// The moment it was withdrawn; it stops holding at once.
    public var withdrawnAt: Date?

    public init(item: DisclosureItem, party: DisclosureParty, givenOn: Date, expiresOn: Date?, withdrawnAt: Date?) {
        self.item = item
        self.party = party
        self.givenOn = givenOn
        self.expiresOn = expiresOn
        self.withdrawnAt = withdrawnAt
    }

    /// Whether this consent lets `item` be shared with `party` at `moment`.
    public func holds(at moment: Date) -> Bool {
        if let withdrawnAt, withdrawnAt <= moment { return false }
        if moment < givenOn { return false }
        // The last day is a whole calendar day in Norway, also when the clocks change that night.
        if let expiresOn, moment >= (Calendar.oslo.date(byAdding: .day, value: 1, to: expiresOn) ?? expiresOn.addingTimeInterval(86_400)) { return false }
        return true
    }

    public var status: Status {
        withdrawnAt != nil ? .withdrawn : .recorded
    }

    public enum Status { case recorded, withdrawn }
}

/// The one rule every feature asks before showing a candidate's data to someone outside NAV.
public enum ConsentRegister {
    public static func mayShare(_ item: DisclosureItem, with party: DisclosureParty, at moment: Date, consents: [ConsentTerms]) -> Bool {
        consents.contains { $0.item == item && $0.party == party && $0.holds(at: moment) }
    }
}
