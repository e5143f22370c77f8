@testable import App
import Foundation
import Testing

/// A moment at a Norwegian office (days away from the changes to and from summer time).
private func day(_ year: Int, _ month: Int, _ day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) -> Date {
    Calendar.oslo.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
}

@Suite("ConsentRegister: who may be told what, and when")
struct ConsentRegisterTests {
    static let givenOn = day(2026, 5, 4)
    static let expiresOn = day(2026, 6, 15)

    static func consent(
        _ item: DisclosureItem = .goalsAndPlan, _ party: DisclosureParty = .employer,
        expiresOn: Date? = ConsentRegisterTests.expiresOn, withdrawnAt: Date? = nil
    ) -> ConsentTerms {
        ConsentTerms(item: item, party: party, givenOn: givenOn, expiresOn: expiresOn, withdrawnAt: withdrawnAt)
    }

    static func mayShare(at moment: Date, _ consents: [ConsentTerms], item: DisclosureItem = .goalsAndPlan, party: DisclosureParty = .employer) -> Bool {
        ConsentRegister.mayShare(item, with: party, at: moment, consents: consents)
    }

    @Test("Nothing may be shared without a consent")
    func noConsent() {
        for item in DisclosureItem.allCases {
            for party in DisclosureParty.allCases {
                #expect(!ConsentRegister.mayShare(item, with: party, at: Self.givenOn, consents: []))
            }
        }
    }

    @Test("Before the day it was given, a consent does not hold", arguments: [
        day(2026, 5, 3, hour: 23, minute: 59, second: 59), day(2026, 5, 3, hour: 12), day(2025, 5, 4),
    ])
    func beforeGiven(moment: Date) {
        #expect(!Self.mayShare(at: moment, [Self.consent()]))
        #expect(!Self.consent().holds(at: moment))
    }

    @Test("From the start of the day it was given, a consent holds", arguments: [
        day(2026, 5, 4), day(2026, 5, 4, hour: 8, minute: 30), day(2026, 5, 20, hour: 14),
    ])
    func onGiven(moment: Date) {
        #expect(Self.mayShare(at: moment, [Self.consent()]))
    }

    @Test("A consent holds through the whole of its last day", arguments: [
        day(2026, 6, 15), day(2026, 6, 15, hour: 12), day(2026, 6, 15, hour: 23, minute: 59, second: 59),
    ])
    func lastDay(moment: Date) {
        #expect(Self.mayShare(at: moment, [Self.consent()]))
    }

    @Test("From the day after its last day, a consent no longer holds", arguments: [
        day(2026, 6, 16), day(2026, 6, 16, hour: 9), day(2027, 1, 1),
    ])
    func dayAfter(moment: Date) {
        #expect(!Self.mayShare(at: moment, [Self.consent()]))
    }

    @Test("Without an end date, a consent holds until withdrawn")
    func openEnded() {
        let consent = Self.consent(expiresOn: nil)
        #expect(Self.mayShare(at: day(2030, 1, 1), [consent]))
        #expect(!Self.mayShare(at: day(2026, 5, 3), [consent]))
    }

    @Test("A withdrawal stops the consent at once: false at the moment and after, true just before")
    func withdrawn() {
        let withdrawnAt = day(2026, 5, 20, hour: 13, minute: 14, second: 15)
        let consent = Self.consent(withdrawnAt: withdrawnAt)
        #expect(Self.mayShare(at: withdrawnAt.addingTimeInterval(-1), [consent]))
        #expect(Self.mayShare(at: withdrawnAt.addingTimeInterval(-0.001), [consent]))
        #expect(!Self.mayShare(at: withdrawnAt, [consent]))
        #expect(!Self.mayShare(at: withdrawnAt.addingTimeInterval(1), [consent]))
        #expect(!Self.mayShare(at: day(2026, 6, 1), [consent]))
        #expect(consent.status == .withdrawn)
        #expect(Self.consent().status == .recorded)
    }

    @Test("A consent withdrawn on the day it was given never held after the withdrawal")
    func withdrawnSameDay() {
        let withdrawnAt = day(2026, 5, 4, hour: 10)
        let consent = Self.consent(expiresOn: nil, withdrawnAt: withdrawnAt)
        #expect(Self.mayShare(at: day(2026, 5, 4, hour: 9), [consent]))
        #expect(!Self.mayShare(at: day(2026, 5, 4, hour: 11), [consent]))
    }

    @Test("A consent covers only its own item and its own party")
    func otherItemOrParty() {
        let consents = [Self.consent(.goalsAndPlan, .mentor)]
        let moment = day(2026, 5, 10, hour: 10)
        for item in DisclosureItem.allCases {
            for party in DisclosureParty.allCases {
                let expected = item == .goalsAndPlan && party == .mentor
                #expect(Self.mayShare(at: moment, consents, item: item, party: party) == expected, "\(item) → \(party)")
            }
        }
    }

    @Test("Any one consent that holds is enough; withdrawn and expired ones do not count")
    func severalConsents() {
        let moment = day(2026, 7, 1, hour: 10)
        let expired = Self.consent()
        let withdrawn = Self.consent(expiresOn: nil, withdrawnAt: day(2026, 6, 1))
        #expect(!Self.mayShare(at: moment, [expired, withdrawn]))
        let renewed = ConsentTerms(item: .goalsAndPlan, party: .employer, givenOn: day(2026, 6, 20), expiresOn: nil, withdrawnAt: nil)
        #expect(Self.mayShare(at: moment, [expired, withdrawn, renewed]))
        #expect(!Self.mayShare(at: moment, [expired, withdrawn, renewed], party: .mentor))
    }

    @Test("A consent stored with the candidate gives the same terms")
    func modelTerms() {
        let stored = CandidateConsent()
        stored.item = .healthAdaptations
        stored.party = .mentor
        stored.givenOn = Self.givenOn
        stored.expiresOn = Self.expiresOn
        stored.withdrawnAt = nil
        #expect(stored.terms == Self.consent(.healthAdaptations, .mentor))
    }
}
