import Fluent
import Foundation

/// What a party outside NAV may be told about a candidate, right now. The only way to get a
/// candidate's data into a view for someone outside NAV (mentor, employer, school …): its
/// initialiser is private to this file, and `DisclosureGate.disclose` fills in exactly what the
/// consent register allows. A withdrawn or expired consent leaves the field empty at the next call.
public struct Disclosure: Sendable {
    public let candidateID: UUID
    public let party: DisclosureParty
    public let moment: Date
    /// First name only: enough to know who the work is about.
    public let firstName: String
    public let allowed: Set<DisclosureItem>
    /// `goalsAndPlan`: the candidate's own wishes for work.
    public let goals: String?
    public let wishedWork: String?
    /// `contactDetails`
    public let phone: String?
    public let email: String?
    /// `healthAdaptations`: the support the candidate needs at work.
    public let adaptations: String?
    /// `educationAndExperience`
    public let education: String?
    public let workExperience: String?

    fileprivate init(candidate: Candidate, party: DisclosureParty, moment: Date, allowed: Set<DisclosureItem>) {
        candidateID = candidate.id!
        self.party = party
        self.moment = moment
        firstName = candidate.firstName
        self.allowed = allowed
        func when<T>(_ item: DisclosureItem, _ value: T?) -> T? { allowed.contains(item) ? value : nil }
        goals = when(.goalsAndPlan, candidate.wishes)
        wishedWork = when(.goalsAndPlan, candidate.wishedWork)
        phone = when(.contactDetails, candidate.phone)
        email = when(.contactDetails, candidate.email)
        adaptations = when(.healthAdaptations, candidate.supportNeeds)
        education = when(.educationAndExperience, candidate.education)
        workExperience = when(.educationAndExperience, candidate.workExperience)
    }

    /// Whether `item` may be shared; later features ask this for data kept elsewhere (training plans …).
    public func may(_ item: DisclosureItem) -> Bool { allowed.contains(item) }
}

public enum DisclosureGate {
    /// Reads the candidate's consents at `moment` and returns what `party` may see.
    public static func disclose(candidateID: UUID, to party: DisclosureParty, at moment: Date, on db: any Database) async throws -> Disclosure? {
        guard let candidate = try await Candidate.find(candidateID, on: db) else { return nil }
        let consents = try await CandidateConsent.query(on: db)
            .filter(\.$candidate.$id == candidateID)
            .filter(\.$party == party)
            .all()
            .map(\.terms)
        let allowed = Set(DisclosureItem.allCases.filter { ConsentRegister.mayShare($0, with: party, at: moment, consents: consents) })
        return Disclosure(candidate: candidate, party: party, moment: moment, allowed: allowed)
    }
}
