@testable import App
import Foundation
import Testing

// Pure tests of `CriterionEvaluator.evaluate` (no database, no clock). The rules are taken from
// the shipped model files, so a test fails if a file loses or changes a rule.
// Days count in Europe/Oslo whole days: "within 14d" after an event on day D is met by anything on
// day D+14, and the deadline stored is the first moment of day D+15.

// MARK: - Helpers

private let oslo: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Europe/Oslo")!
    return calendar
}()

/// A moment in Norwegian time.
private func day(_ year: Int, _ month: Int, _ dayOfMonth: Int, hour: Int = 0, minute: Int = 0) -> Date {
    oslo.date(from: DateComponents(year: year, month: month, day: dayOfMonth, hour: hour, minute: minute))!
}

private func plusDays(_ date: Date, _ days: Int) -> Date {
    oslo.date(byAdding: .day, value: days, to: date)!
}

private func event(_ type: PathwayEventType, _ at: Date, employer: UUID? = nil) -> RuleEvent {
    RuleEvent(id: UUID(), type: type, occurredAt: at, employerID: employer)
}

private let shippedCatalog = Result { try MethodModelCatalog.loadShipped(from: TestApp.packageRoot + "Resources/MethodModels") }

/// The rule of a criterion in a shipped model file.
private func shippedRule(_ modelKey: String, _ criterionID: String) throws -> CriterionRule {
    let catalog = try shippedCatalog.get()
    let model = try #require(catalog.shipped.first { $0.model.key == modelKey }?.model, "no shipped model \(modelKey)")
    let criterion = try #require(model.criterion(criterionID), "\(modelKey) has no criterion \(criterionID)")
    return try #require(criterion.rule, "\(modelKey) \(criterionID) has no rule")
}

/// Every ordering of the events (Heap's algorithm). Only for events at distinct moments: for
/// events at the same moment the given (recording) order decides by design.
private func permutations(_ events: [RuleEvent]) -> [[RuleEvent]] {
    var result: [[RuleEvent]] = []
    var items = events
    func generate(_ k: Int) {
        if k <= 1 { result.append(items); return }
        generate(k - 1)
        for i in 0..<(k - 1) {
            items.swapAt(k % 2 == 0 ? i : 0, k - 1)
            generate(k - 1)
        }
    }
    generate(items.count)
    return result
}

// MARK: - "X within D after Y"

/// A time-limited criterion of a shipped model; the anchor is always 10 March 2026 at 10:00.
struct EvaluatorWithinCase: Sendable, CustomTestStringConvertible {
    let model: String
    let criterion: String
    let anchor: PathwayEventType
    let expect: PathwayEventType
    /// Year, month, day of the last allowed day and of the deadline (the first day too late).
    let lastAllowedDay: [Int]
    let deadlineDay: [Int]
    let limitDay: [Int]?

    var testDescription: String { "\(model) \(criterion) (\(expect.rawValue) after \(anchor.rawValue))" }

    var anchorAt: Date { day(2026, 3, 10, hour: 10) }
    var lastAllowed: Date { day(lastAllowedDay[0], lastAllowedDay[1], lastAllowedDay[2]) }
    var deadline: Date { day(deadlineDay[0], deadlineDay[1], deadlineDay[2]) }
    var limit: Date? { limitDay.map { day($0[0], $0[1], $0[2]) } }
    /// An event that no rule of this case looks at.
    var noise: PathwayEventType { .careerGuidance }

    func rule() throws -> CriterionRule { try shippedRule(model, criterion) }
}

private let withinCases: [EvaluatorWithinCase] = [
    EvaluatorWithinCase(model: "tromsopakken", criterion: "T1.2a", anchor: .referralReceived, expect: .firstConversation,
               lastAllowedDay: [2026, 3, 24], deadlineDay: [2026, 3, 25], limitDay: nil),
    EvaluatorWithinCase(model: "tromsopakken", criterion: "T1.4a", anchor: .referralReceived, expect: .decision,
               lastAllowedDay: [2026, 4, 7], deadlineDay: [2026, 4, 8], limitDay: nil),
    EvaluatorWithinCase(model: "tromsopakken", criterion: "T1.6a", anchor: .referralReceived, expect: .programStart,
               lastAllowedDay: [2026, 5, 10], deadlineDay: [2026, 5, 11], limitDay: [2026, 9, 11]),
    EvaluatorWithinCase(model: "tromsopakken", criterion: "T5.1a", anchor: .placementStart, expect: .firstWorkdayContact,
               lastAllowedDay: [2026, 3, 13], deadlineDay: [2026, 3, 14], limitDay: nil),
    EvaluatorWithinCase(model: "tromsopakken", criterion: "T5.2a", anchor: .placementStart, expect: .evaluationMeeting,
               lastAllowedDay: [2026, 4, 9], deadlineDay: [2026, 4, 10], limitDay: nil),
    EvaluatorWithinCase(model: "snart-ansatt", criterion: "I3", anchor: .referralReceived, expect: .relevanceDecision,
               lastAllowedDay: [2026, 6, 10], deadlineDay: [2026, 6, 11], limitDay: nil),
    EvaluatorWithinCase(model: "snart-ansatt", criterion: "I6", anchor: .firstConversation, expect: .planAgreed,
               lastAllowedDay: [2026, 3, 17], deadlineDay: [2026, 3, 18], limitDay: nil),
    EvaluatorWithinCase(model: "snart-ansatt", criterion: "I6", anchor: .firstConversation, expect: .relevanceDecision,
               lastAllowedDay: [2026, 3, 17], deadlineDay: [2026, 3, 18], limitDay: nil),
]

@Suite("Criterion evaluator: X within D after Y")
struct CriterionEvaluatorWithinTests {
    @Test("Met on time: the evidence is the expected event", arguments: withinCases)
    func metOnTime(_ c: EvaluatorWithinCase) throws {
        let rule = try c.rule()
        let anchor = event(c.anchor, c.anchorAt)
        let evidence = event(c.expect, day(2026, 3, 11, hour: 9))
        let events = [anchor, event(c.noise, day(2026, 3, 11, hour: 8)), evidence]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: plusDays(c.deadline, 30))

        #expect(result.state == .met)
        #expect(result.evidence?.id == evidence.id)
        #expect(result.deadline == c.deadline)
        #expect(result.limit == c.limit)
        #expect(result.overdueSince == nil)
        #expect(result.nextCheckAt == nil)
    }

    @Test("Met late: the expected event came after the deadline", arguments: withinCases)
    func metLate(_ c: EvaluatorWithinCase) throws {
        let rule = try c.rule()
        let late = event(c.expect, plusDays(c.deadline, 2).addingTimeInterval(9 * 3600))
        let events = [event(c.anchor, c.anchorAt), late]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: plusDays(c.deadline, 30))

        #expect(result.state == .metLate)
        #expect(result.evidence?.id == late.id)
        #expect(result.deadline == c.deadline)
        #expect(result.limit == c.limit)
        #expect(result.overdueSince == nil)
        #expect(result.nextCheckAt == nil)
    }

    @Test("Overdue: nothing came and the deadline has passed", arguments: withinCases)
    func overdue(_ c: EvaluatorWithinCase) throws {
        let rule = try c.rule()
        let events = [event(c.anchor, c.anchorAt), event(c.noise, day(2026, 3, 12))]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: plusDays(c.deadline, 1))

        #expect(result.state == .overdue)
        #expect(result.evidence == nil)
        #expect(result.deadline == c.deadline)
        #expect(result.overdueSince == c.deadline)
        #expect(result.limit == c.limit)
        #expect(result.nextCheckAt == nil)
    }

    @Test("Overdue from the very first moment of the deadline day", arguments: withinCases)
    func overdueAtDeadline(_ c: EvaluatorWithinCase) throws {
        let rule = try c.rule()

        let result = CriterionEvaluator.evaluate(rule, events: [event(c.anchor, c.anchorAt)], now: c.deadline)

        #expect(result.state == .overdue)
        #expect(result.overdueSince == c.deadline)
    }

    @Test("Not yet due: the deadline lies ahead and is the next check", arguments: withinCases)
    func due(_ c: EvaluatorWithinCase) throws {
        let rule = try c.rule()
        let events = [event(c.anchor, c.anchorAt)]
        let lateOnLastAllowedDay = c.lastAllowed.addingTimeInterval(23 * 3600 + 59 * 60)

        let result = CriterionEvaluator.evaluate(rule, events: events, now: lateOnLastAllowedDay)

        #expect(result.state == .due)
        #expect(result.deadline == c.deadline)
        #expect(result.nextCheckAt == c.deadline)
        #expect(result.limit == c.limit)
        #expect(result.evidence == nil)
        #expect(result.overdueSince == nil)
    }

    @Test("Not applicable while the anchor event is missing", arguments: withinCases)
    func notApplicableWithoutAnchor(_ c: EvaluatorWithinCase) throws {
        let rule = try c.rule()
        let events = [event(c.expect, day(2026, 3, 11)), event(c.noise, day(2026, 3, 12))]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2027, 1, 1))

        #expect(result.state == .notApplicable)
        #expect(result.deadline == nil)
        #expect(result.evidence == nil)
        #expect(result.overdueSince == nil)
        #expect(result.nextCheckAt == nil)
    }

    @Test("Boundary: the last allowed day is met, the next day is late", arguments: withinCases)
    func boundary(_ c: EvaluatorWithinCase) throws {
        let rule = try c.rule()
        let anchor = event(c.anchor, c.anchorAt)
        let now = plusDays(c.deadline, 10)
        let lastMinute = event(c.expect, c.lastAllowed.addingTimeInterval(23 * 3600 + 59 * 60))
        let firstMomentAfter = event(c.expect, c.deadline)
        let nextDayNoon = event(c.expect, c.deadline.addingTimeInterval(12 * 3600))

        let onTime = CriterionEvaluator.evaluate(rule, events: [anchor, lastMinute], now: now)
        let atDeadline = CriterionEvaluator.evaluate(rule, events: [anchor, firstMomentAfter], now: now)
        let nextDay = CriterionEvaluator.evaluate(rule, events: [anchor, nextDayNoon], now: now)

        #expect(onTime.state == .met)
        #expect(onTime.evidence?.id == lastMinute.id)
        #expect(atDeadline.state == .metLate)
        #expect(atDeadline.evidence?.id == firstMomentAfter.id)
        #expect(nextDay.state == .metLate)
        #expect(nextDay.evidence?.id == nextDayNoon.id)
    }

    @Test("An expected event on a day before the anchor does not count", arguments: withinCases)
    func evidenceBeforeAnchorDayIgnored(_ c: EvaluatorWithinCase) throws {
        let rule = try c.rule()
        let events = [event(c.expect, day(2026, 3, 9, hour: 23)), event(c.anchor, c.anchorAt)]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 3, 12))

        #expect(result.state == .due)
        #expect(result.evidence == nil)
        #expect(result.deadline == c.deadline)
    }

    @Test("The anchor's own day counts, whatever time was entered")
    func sameDayBeforeAnchorCounts() throws {
        let rule = try shippedRule("tromsopakken", "T1.2a")
        let conversation = event(.firstConversation, day(2026, 3, 10, hour: 8))
        let referral = event(.referralReceived, day(2026, 3, 10, hour: 14))

        let result = CriterionEvaluator.evaluate(rule, events: [referral, conversation], now: day(2026, 3, 11))

        #expect(result.state == .met)
        #expect(result.evidence?.id == conversation.id)
    }

    @Test("I6: whichever of plan_agreed and relevance_decision comes first is the evidence")
    func i6FirstOfEitherType() throws {
        let rule = try shippedRule("snart-ansatt", "I6")
        let plan = event(.planAgreed, day(2026, 3, 12))
        let decision = event(.relevanceDecision, day(2026, 3, 14))
        let events = [event(.firstConversation, day(2026, 3, 10, hour: 10)), decision, plan]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 4, 1))

        #expect(result.state == .met)
        #expect(result.evidence?.id == plan.id)
        #expect(result.deadline == day(2026, 3, 18))
    }

    @Test("A later anchor restarts the rule (after the latest Y)")
    func latestAnchorCounts() throws {
        let rule = try shippedRule("tromsopakken", "T5.1a")
        let firstContact = event(.firstWorkdayContact, day(2026, 3, 2))
        let events = [
            event(.placementStart, day(2026, 3, 1), employer: UUID()), firstContact,
            event(.placementStart, day(2026, 5, 4), employer: UUID()),
        ]

        let due = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 5, 5))
        let overdue = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 5, 9))

        #expect(due.state == .due)
        #expect(due.evidence == nil)
        #expect(due.deadline == day(2026, 5, 8))
        #expect(overdue.state == .overdue)
        #expect(overdue.overdueSince == day(2026, 5, 8))
    }

    @Test("T1.6a: within two calendar months, limit six, counted from 31 January")
    func programStartFromEndOfJanuary() throws {
        let rule = try shippedRule("tromsopakken", "T1.6a")
        let events = [event(.referralReceived, day(2026, 1, 31, hour: 15))]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 3, 31, hour: 23))

        // 31 January + 2 months = 31 March (last allowed day); + 6 months = 31 July.
        #expect(result.state == .due)
        #expect(result.deadline == day(2026, 4, 1))
        #expect(result.limit == day(2026, 8, 1))
        #expect(result.nextCheckAt == day(2026, 4, 1))
    }

    @Test("Calendar months are clamped to the end of a shorter month")
    func calendarMonthFromEndOfMonth() {
        // One month from 31 January: the last allowed day is 28 February.
        #expect(RuleDuration(1, .month).deadline(after: day(2026, 1, 31, hour: 10)) == day(2026, 3, 1))
        // Two months (T1.6a) from 31 December: 28 February; six months: 30 June.
        #expect(RuleDuration(2, .month).deadline(after: day(2025, 12, 31, hour: 10)) == day(2026, 3, 1))
        #expect(RuleDuration(6, .month).deadline(after: day(2025, 12, 31, hour: 10)) == day(2026, 7, 1))
        #expect(RuleDuration(1, .year).deadline(after: day(2024, 2, 29, hour: 10)) == day(2025, 3, 1))
    }

    @Test("T1.6a: the limit is six months after a referral on 31 December")
    func programStartLimitClamped() throws {
        let rule = try shippedRule("tromsopakken", "T1.6a")
        let start = event(.programStart, day(2026, 3, 2))
        let events = [event(.referralReceived, day(2025, 12, 31, hour: 9)), start]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 8, 1))

        #expect(result.state == .metLate)
        #expect(result.evidence?.id == start.id)
        #expect(result.deadline == day(2026, 3, 1))
        #expect(result.limit == day(2026, 7, 1))
    }

    @Test("Whole Norwegian days across the change to summer time")
    func acrossDaylightSaving() throws {
        let rule = try shippedRule("tromsopakken", "T1.2a")
        // Summer time starts 29 March 2026; the deadline is midnight in Oslo, not 23:00 or 01:00.
        let referral = event(.referralReceived, day(2026, 3, 20, hour: 0, minute: 30))
        let lastMinute = event(.firstConversation, day(2026, 4, 3, hour: 23, minute: 59))

        let met = CriterionEvaluator.evaluate(rule, events: [referral, lastMinute], now: day(2026, 4, 10))
        let due = CriterionEvaluator.evaluate(rule, events: [referral], now: day(2026, 4, 3, hour: 23, minute: 59))
        let overdue = CriterionEvaluator.evaluate(rule, events: [referral], now: day(2026, 4, 4))

        #expect(met.state == .met)
        #expect(met.deadline == day(2026, 4, 4))
        #expect(due.state == .due)
        #expect(overdue.state == .overdue)
        #expect(overdue.overdueSince == day(2026, 4, 4))
    }
}

// MARK: - Ending a rule (endsWith, pathway_closed)

@Suite("Criterion evaluator: pathway_closed ends every rule")
struct CriterionEvaluatorEndTests {
    @Test("Closed before the deadline with nothing done: not applicable")
    func closedBeforeDeadline() throws {
        let rule = try shippedRule("tromsopakken", "T1.2a")
        let events = [event(.referralReceived, day(2026, 3, 10, hour: 10)), event(.pathwayClosed, day(2026, 3, 15))]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 6, 1))

        #expect(result.state == .notApplicable)
        #expect(result.evidence == nil)
        #expect(result.overdueSince == nil)
        #expect(result.nextCheckAt == nil)
    }

    @Test("Closed after the deadline with nothing done: overdue, frozen")
    func closedAfterDeadline() throws {
        let rule = try shippedRule("tromsopakken", "T1.2a")
        let events = [event(.referralReceived, day(2026, 3, 10, hour: 10)), event(.pathwayClosed, day(2026, 4, 2))]

        let soon = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 4, 3))
        let muchLater = CriterionEvaluator.evaluate(rule, events: events, now: day(2028, 1, 1))

        #expect(soon.state == .overdue)
        #expect(soon.deadline == day(2026, 3, 25))
        #expect(soon.overdueSince == day(2026, 3, 25))
        #expect(soon.nextCheckAt == nil)
        #expect(muchLater == soon)
    }

    @Test("Closed before the deadline, evaluated before the deadline: not due any more")
    func closedStopsDue() throws {
        let rule = try shippedRule("snart-ansatt", "I3")
        let events = [event(.referralReceived, day(2026, 3, 10, hour: 10)), event(.pathwayClosed, day(2026, 4, 1))]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 4, 2))

        #expect(result.state == .notApplicable)
        #expect(result.nextCheckAt == nil)
    }

    @Test("A recurring rule ends with the pathway: regular contacts until closing are met")
    func everyEndsWithPathwayClosed() throws {
        let rule = try shippedRule("hybridmodellen", "H5.3")
        let contact = event(.mentorContact, day(2026, 3, 20))
        let events = [event(.placementStart, day(2026, 3, 2, hour: 10), employer: UUID()), contact, event(.pathwayClosed, day(2026, 4, 5))]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 9, 1))

        #expect(result.state == .met)
        #expect(result.evidence?.id == contact.id)
        #expect(result.nextCheckAt == nil)
    }

    @Test("A trigger after the pathway was closed does not count")
    func beforeIgnoresTriggersAfterClosing() throws {
        let rule = try shippedRule("tromsopakken", "T3.3a")
        let events = [event(.pathwayClosed, day(2026, 3, 1)), event(.placementStart, day(2026, 3, 10), employer: UUID())]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 4, 1))

        #expect(result.state == .notApplicable)
    }
}

// MARK: - "X at least every D" (H5.3, V10)

@Suite("Criterion evaluator: X at least every D")
struct CriterionEvaluatorEveryTests {
    let employer = UUID()
    let placementAt = day(2026, 3, 2, hour: 10)

    @Test("H5.3 ongoing, a mentor contact every 20 days: due 30 days after the last contact")
    func mentorOngoingRegular() throws {
        let rule = try shippedRule("hybridmodellen", "H5.3")
        let last = event(.mentorContact, day(2026, 5, 1))
        let events = [
            event(.placementStart, placementAt, employer: employer),
            event(.mentorContact, day(2026, 3, 22)), event(.mentorContact, day(2026, 4, 11)), last,
        ]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 5, 10))

        #expect(result.state == .due)
        #expect(result.evidence?.id == last.id)
        #expect(result.deadline == day(2026, 6, 1)) // 1 May + 30 days = 31 May, the last allowed day
        #expect(result.nextCheckAt == day(2026, 6, 1))
        #expect(result.overdueSince == nil)
    }

    @Test("H5.3 ongoing, 40 days since the last contact: overdue")
    func mentorOngoingGap() throws {
        let rule = try shippedRule("hybridmodellen", "H5.3")
        let contact = event(.mentorContact, day(2026, 3, 12))
        let events = [event(.placementStart, placementAt, employer: employer), contact]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 4, 21))

        #expect(result.state == .overdue)
        #expect(result.deadline == day(2026, 4, 12)) // 12 March + 30 days = 11 April
        #expect(result.overdueSince == day(2026, 4, 12))
        #expect(result.evidence?.id == contact.id)
        #expect(result.nextCheckAt == nil)
    }

    @Test("H5.3 ongoing, no contact at all: due, then overdue 30 days after the start")
    func mentorNoContactYet() throws {
        let rule = try shippedRule("hybridmodellen", "H5.3")
        // A contact before the placement started does not count.
        let events = [event(.mentorContact, day(2026, 2, 20)), event(.placementStart, placementAt, employer: employer)]

        let due = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 4, 1, hour: 12))
        let overdue = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 4, 2))

        #expect(due.state == .due)
        #expect(due.deadline == day(2026, 4, 2))
        #expect(due.evidence == nil)
        #expect(overdue.state == .overdue)
        #expect(overdue.overdueSince == day(2026, 4, 2))
        #expect(overdue.evidence == nil)
    }

    @Test("H5.3 ended after regular contacts: met, even after the last deadline")
    func mentorEndedRegular() throws {
        let rule = try shippedRule("hybridmodellen", "H5.3")
        let last = event(.mentorContact, day(2026, 5, 1))
        let events = [
            event(.placementStart, placementAt, employer: employer),
            event(.mentorContact, day(2026, 3, 22)), event(.mentorContact, day(2026, 4, 11)), last,
            event(.placementEnded, day(2026, 5, 20), employer: employer),
        ]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 6, 15))

        #expect(result.state == .met)
        #expect(result.evidence?.id == last.id)
        #expect(result.overdueSince == nil)
        #expect(result.nextCheckAt == nil)
    }

    @Test("H5.3 ended after a 40-day gap followed by a contact: met late")
    func mentorEndedAfterGap() throws {
        let rule = try shippedRule("hybridmodellen", "H5.3")
        let afterGap = event(.mentorContact, day(2026, 4, 21))
        let events = [
            event(.placementStart, placementAt, employer: employer),
            event(.mentorContact, day(2026, 3, 12)), afterGap,
            event(.placementEnded, day(2026, 5, 5), employer: employer),
        ]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 6, 15))

        #expect(result.state == .metLate)
        #expect(result.evidence?.id == afterGap.id)
        #expect(result.nextCheckAt == nil)
    }

    @Test("H5.3 placement of 10 days without contact, ended: not applicable")
    func mentorShortPlacement() throws {
        let rule = try shippedRule("hybridmodellen", "H5.3")
        let events = [
            event(.placementStart, placementAt, employer: employer),
            event(.placementEnded, day(2026, 3, 12), employer: employer),
        ]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 6, 15))

        #expect(result.state == .notApplicable)
        #expect(result.evidence == nil)
        #expect(result.overdueSince == nil)
        #expect(result.nextCheckAt == nil)
    }

    @Test("H5.3 without a placement: not applicable")
    func mentorNoPlacement() throws {
        let rule = try shippedRule("hybridmodellen", "H5.3")

        let result = CriterionEvaluator.evaluate(rule, events: [event(.mentorContact, day(2026, 3, 12))], now: day(2026, 6, 15))

        #expect(result.state == .notApplicable)
    }

    @Test(
        "H5.3 ended long after the last contact, nothing after the gap: overdue, not met late"
    )
    func mentorEndedWithTrailingGap() throws {
        let rule = try shippedRule("hybridmodellen", "H5.3")
        let contact = event(.mentorContact, day(2026, 3, 12))
        let events = [
            event(.placementStart, placementAt, employer: employer), contact,
            event(.placementEnded, day(2026, 5, 30), employer: employer),
        ]

        // While the placement ran, the rule was overdue since 12 April.
        let whileRunning = CriterionEvaluator.evaluate(rule, events: Array(events.prefix(2)), now: day(2026, 5, 29))
        let afterEnd = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 6, 15))

        #expect(whileRunning.state == .overdue)
        // Ending the placement must not turn a missed contact into "met late": nothing came after the gap.
        #expect(afterEnd.state == .overdue)
        #expect(afterEnd.overdueSince == day(2026, 4, 12))
        #expect(afterEnd.nextCheckAt == nil)
    }

    @Test(
        "H5.3 a new placement starting the same day the previous one ended is followed up"
    )
    func mentorNextPlacementSameDay() throws {
        let rule = try shippedRule("hybridmodellen", "H5.3")
        // Dates from the form are the start of the day; recording order decides within a day.
        let events = [
            event(.placementStart, day(2026, 1, 5), employer: UUID()),
            event(.placementEnded, day(2026, 3, 2), employer: UUID()),
            event(.placementStart, day(2026, 3, 2), employer: employer),
        ]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 4, 10))

        // No mentor contact in the 30 days after the new placement started on 2 March.
        #expect(result.state == .overdue)
        #expect(result.overdueSince == day(2026, 4, 2))
    }

    // V10: from hired, for 1 year, every month one of the four follow-up types.

    let hiredAt = day(2026, 1, 15, hour: 10)
    let followUpTypes: [PathwayEventType] = [.employerFollowup, .mentorContact, .statusMeeting, .evaluationMeeting]

    /// A follow-up on the 15th of each given month (months counted from January 2026).
    func followUps(months: [Int]) -> [RuleEvent] {
        months.enumerated().map { index, month in
            let date = oslo.date(byAdding: .month, value: month - 1, to: day(2026, 1, 15, hour: 11))!
            return event(followUpTypes[index % followUpTypes.count], date)
        }
    }

    @Test("V10 monthly follow-ups for 13 months: met after the year, evidence the last one inside it")
    func hiredFollowedUpAllYear() throws {
        let rule = try shippedRule("snart-ansatt", "V10")
        let contacts = followUps(months: Array(2...14)) // 15 February 2026 ... 15 February 2027
        let events = [event(.hired, hiredAt, employer: employer)] + contacts

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2027, 3, 1))

        #expect(result.state == .met)
        #expect(result.evidence?.id == contacts[11].id) // 15 January 2027, the last day of the year
        #expect(result.evidence?.occurredAt == day(2027, 1, 15, hour: 11))
        #expect(result.overdueSince == nil)
        #expect(result.nextCheckAt == nil)
    }

    @Test("V10 ongoing: due, and the next check is not after the year's end")
    func hiredOngoing() throws {
        let rule = try shippedRule("snart-ansatt", "V10")
        let yearEnd = day(2027, 1, 16) // 15 January 2027 is the last day of the year
        let last = event(.statusMeeting, day(2026, 12, 25))
        let events = [event(.hired, hiredAt, employer: employer)] + followUps(months: Array(2...12)) + [last]

        let early = CriterionEvaluator.evaluate(rule, events: Array(events.prefix(2)), now: day(2026, 3, 1))
        let late = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 12, 28))

        #expect(early.state == .due)
        #expect(early.deadline == day(2026, 3, 16))
        #expect(early.nextCheckAt == day(2026, 3, 16))
        #expect(late.state == .due)
        #expect(late.evidence?.id == last.id)
        #expect(late.deadline == day(2027, 1, 26))
        #expect(late.nextCheckAt == yearEnd)
    }

    @Test("V10 a missed month: overdue meanwhile, met late after the year")
    func hiredMissedMonth() throws {
        let rule = try shippedRule("snart-ansatt", "V10")
        let months = Array(2...5) + Array(7...13) // no follow-up in June 2026
        let contacts = followUps(months: months)
        let events = [event(.hired, hiredAt, employer: employer)] + contacts

        let meanwhile = CriterionEvaluator.evaluate(rule, events: events.filter { $0.occurredAt < day(2026, 7, 1) }, now: day(2026, 7, 1))
        let afterYear = CriterionEvaluator.evaluate(rule, events: events, now: day(2027, 2, 1))

        #expect(meanwhile.state == .overdue)
        #expect(meanwhile.overdueSince == day(2026, 6, 16)) // 15 May + 1 month = 15 June
        #expect(meanwhile.nextCheckAt == day(2027, 1, 16))
        #expect(afterYear.state == .metLate)
        #expect(afterYear.evidence?.id == contacts.last?.id)
        #expect(afterYear.nextCheckAt == nil)
    }

    @Test("V10 not applicable until the candidate is hired")
    func notHired() throws {
        let rule = try shippedRule("snart-ansatt", "V10")

        let result = CriterionEvaluator.evaluate(rule, events: followUps(months: [2, 3]), now: day(2026, 6, 1))

        #expect(result.state == .notApplicable)
    }
}

// MARK: - "X before Y" (T3.3a, T5.2d)

@Suite("Criterion evaluator: X before Y")
struct CriterionEvaluatorBeforeTests {
    let employerA = UUID()
    let employerB = UUID()
    let now = day(2026, 6, 1)

    @Test("T3.3a a visit at the same employer before the placement: met", arguments: [PathwayEventType.placementStart, .jobTasteStart])
    func visitedBefore(_ trigger: PathwayEventType) throws {
        let rule = try shippedRule("tromsopakken", "T3.3a")
        let visit = event(.employerVisit, day(2026, 3, 1), employer: employerA)
        let start = event(trigger, day(2026, 3, 10), employer: employerA)

        let result = CriterionEvaluator.evaluate(rule, events: [visit, start], now: now)

        #expect(result.state == .met)
        #expect(result.evidence?.id == visit.id)
        // The trigger's own day is the last allowed day.
        #expect(result.deadline == plusDays(oslo.startOfDay(for: start.occurredAt), 1))
        #expect(result.overdueSince == nil)
    }

    @Test("T3.3a a visit and a placement on the same day (form dates) counts as before")
    func visitedSameDay() throws {
        let rule = try shippedRule("tromsopakken", "T3.3a")
        let start = event(.placementStart, day(2026, 3, 10), employer: employerA)
        let visit = event(.employerVisit, day(2026, 3, 10), employer: employerA)

        let result = CriterionEvaluator.evaluate(rule, events: [start, visit], now: now)

        #expect(result.state == .met)
        #expect(result.evidence?.id == visit.id)
    }

    @Test("T3.3a a visit at another employer only: overdue since the placement")
    func visitedOtherEmployer() throws {
        let rule = try shippedRule("tromsopakken", "T3.3a")
        let start = event(.placementStart, day(2026, 3, 10, hour: 9), employer: employerA)
        let events = [event(.employerVisit, day(2026, 3, 1), employer: employerB), start]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: now)

        #expect(result.state == .overdue)
        #expect(result.overdueSince == start.occurredAt)
        #expect(result.deadline == plusDays(oslo.startOfDay(for: start.occurredAt), 1))
        #expect(result.evidence == nil)
    }

    @Test("T3.3a a visit at the same employer only after the placement: met late")
    func visitedAfter() throws {
        let rule = try shippedRule("tromsopakken", "T3.3a")
        let start = event(.placementStart, day(2026, 3, 10), employer: employerA)
        let late = event(.employerVisit, day(2026, 3, 17), employer: employerA)
        let events = [event(.employerVisit, day(2026, 3, 1), employer: employerB), start, late]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: now)

        #expect(result.state == .metLate)
        #expect(result.evidence?.id == late.id)
        #expect(result.deadline == plusDays(oslo.startOfDay(for: start.occurredAt), 1))
    }

    @Test("T3.3a no job taste or placement: not applicable")
    func noTrigger() throws {
        let rule = try shippedRule("tromsopakken", "T3.3a")
        let events = [event(.employerVisit, day(2026, 3, 1), employer: employerA), event(.employerContact, day(2026, 3, 2), employer: employerA)]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: now)

        #expect(result.state == .notApplicable)
        #expect(result.evidence == nil)
        #expect(result.deadline == nil)
    }

    @Test("T3.3a a placement without an employer cannot be checked: not applicable")
    func triggerWithoutEmployer() throws {
        let rule = try shippedRule("tromsopakken", "T3.3a")
        let events = [event(.employerVisit, day(2026, 3, 1), employer: employerA), event(.placementStart, day(2026, 3, 10))]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: now)

        #expect(result.state == .notApplicable)
    }

    @Test("T3.3a the worst occurrence decides: a job taste visited, a placement elsewhere not")
    func worstOccurrenceDecides() throws {
        let rule = try shippedRule("tromsopakken", "T3.3a")
        let placement = event(.placementStart, day(2026, 4, 1), employer: employerB)
        let events = [
            event(.employerVisit, day(2026, 3, 1), employer: employerA),
            event(.jobTasteStart, day(2026, 3, 10), employer: employerA),
            placement,
        ]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: now)

        #expect(result.state == .overdue)
        #expect(result.overdueSince == placement.occurredAt)
    }

    @Test("T5.2d an evaluation before the first extension but none before the second: overdue")
    func extensionWithoutNewEvaluation() throws {
        let rule = try shippedRule("tromsopakken", "T5.2d")
        let second = event(.agreementExtended, day(2026, 6, 1), employer: employerA)
        let events = [
            event(.placementStart, day(2026, 2, 1), employer: employerA),
            event(.evaluationMeeting, day(2026, 3, 1), employer: employerA),
            event(.agreementExtended, day(2026, 3, 10), employer: employerA),
            second,
        ]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 6, 2))

        #expect(result.state == .overdue)
        #expect(result.overdueSince == second.occurredAt)
        #expect(result.deadline == plusDays(oslo.startOfDay(for: second.occurredAt), 1))
        #expect(result.evidence == nil)
    }

    @Test("T5.2d an evaluation before each extension: met, evidence the latest")
    func evaluationBeforeEachExtension() throws {
        let rule = try shippedRule("tromsopakken", "T5.2d")
        let secondEvaluation = event(.evaluationMeeting, day(2026, 5, 20))
        let events = [
            event(.evaluationMeeting, day(2026, 3, 1)), event(.agreementExtended, day(2026, 3, 10)),
            secondEvaluation, event(.agreementExtended, day(2026, 6, 1)),
        ]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 6, 2))

        #expect(result.state == .met)
        #expect(result.evidence?.id == secondEvaluation.id)
        #expect(result.deadline == day(2026, 6, 2))
    }

    @Test(
        "T5.2d an evaluation recorded before the first extension on the same day does not also cover the second"
    )
    func sameDayEvaluationCountsOnce() throws {
        let rule = try shippedRule("tromsopakken", "T5.2d")
        // Form dates are midnight: the meeting and the first extension share a moment; the meeting was recorded first.
        let second = event(.agreementExtended, day(2026, 6, 1))
        let events = [event(.evaluationMeeting, day(2026, 3, 10)), event(.agreementExtended, day(2026, 3, 10)), second]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 6, 2))

        // The meeting came before the first extension, not after it: nothing prepared the second.
        #expect(result.state == .overdue)
        #expect(result.overdueSince == second.occurredAt)
    }

    @Test("T5.2d an evaluation only after the extension: met late")
    func evaluationAfterExtension() throws {
        let rule = try shippedRule("tromsopakken", "T5.2d")
        let late = event(.evaluationMeeting, day(2026, 3, 20))
        let events = [event(.agreementExtended, day(2026, 3, 10)), late]

        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 6, 2))

        #expect(result.state == .metLate)
        #expect(result.evidence?.id == late.id)
    }
}

// MARK: - Order of the input

@Suite("Criterion evaluator: the order of the events given does not matter")
struct CriterionEvaluatorOrderTests {
    /// Evaluates every ordering and checks each gives the expected result.
    func expectSameForEveryOrder(_ rule: CriterionRule, _ events: [RuleEvent], now: Date, expected: CriterionState,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(Set(events.map(\.occurredAt)).count == events.count, "events must be at distinct moments", sourceLocation: sourceLocation)
        let sorted = events.sorted { $0.occurredAt < $1.occurredAt }
        let reference = CriterionEvaluator.evaluate(rule, events: sorted, now: now)
        #expect(reference.state == expected, sourceLocation: sourceLocation)
        for order in permutations(events) {
            let result = CriterionEvaluator.evaluate(rule, events: order, now: now)
            #expect(result == reference, "order: \(order.map(\.type.rawValue))", sourceLocation: sourceLocation)
        }
    }

    @Test("within (T1.2a, T1.6a, I6)")
    func within() throws {
        try expectSameForEveryOrder(try shippedRule("tromsopakken", "T1.2a"), [
            event(.firstConversation, day(2026, 3, 26)), event(.referralReceived, day(2026, 3, 10)),
            event(.firstConversation, day(2026, 3, 30)), event(.pathwayClosed, day(2026, 4, 5)), event(.careerGuidance, day(2026, 3, 12)),
        ], now: day(2026, 5, 1), expected: .metLate)
        try expectSameForEveryOrder(try shippedRule("tromsopakken", "T1.6a"), [
            event(.programStart, day(2026, 4, 1)), event(.referralReceived, day(2026, 1, 5)),
            event(.referralReceived, day(2026, 3, 1)), event(.decision, day(2026, 3, 20)),
        ], now: day(2026, 5, 1), expected: .met)
        try expectSameForEveryOrder(try shippedRule("snart-ansatt", "I6"), [
            event(.relevanceDecision, day(2026, 3, 12)), event(.firstConversation, day(2026, 3, 10)),
            event(.planAgreed, day(2026, 3, 11)), event(.referralReceived, day(2026, 3, 1)),
        ], now: day(2026, 5, 1), expected: .met)
    }

    @Test("every (H5.3, V10)")
    func every() throws {
        let employer = UUID()
        try expectSameForEveryOrder(try shippedRule("hybridmodellen", "H5.3"), [
            event(.mentorContact, day(2026, 4, 21)), event(.placementEnded, day(2026, 5, 5), employer: employer),
            event(.mentorContact, day(2026, 3, 12)), event(.placementStart, day(2026, 3, 2), employer: employer),
            event(.mentorContact, day(2026, 2, 1)),
        ], now: day(2026, 6, 1), expected: .metLate)
        try expectSameForEveryOrder(try shippedRule("snart-ansatt", "V10"), [
            event(.statusMeeting, day(2026, 3, 10)), event(.hired, day(2026, 1, 15), employer: employer),
            event(.employerFollowup, day(2026, 2, 10)), event(.mentorContact, day(2026, 4, 5)),
        ], now: day(2026, 4, 20), expected: .due)
    }

    @Test("before (T3.3a, T5.2d)")
    func before() throws {
        let (a, b) = (UUID(), UUID())
        try expectSameForEveryOrder(try shippedRule("tromsopakken", "T3.3a"), [
            event(.placementStart, day(2026, 4, 1), employer: b), event(.employerVisit, day(2026, 3, 1), employer: a),
            event(.employerVisit, day(2026, 4, 8), employer: b), event(.jobTasteStart, day(2026, 3, 10), employer: a),
            event(.employerVisit, day(2026, 3, 20), employer: a),
        ], now: day(2026, 6, 1), expected: .metLate)
        try expectSameForEveryOrder(try shippedRule("tromsopakken", "T5.2d"), [
            event(.agreementExtended, day(2026, 6, 1)), event(.evaluationMeeting, day(2026, 3, 1)),
            event(.agreementExtended, day(2026, 3, 10)), event(.evaluationMeeting, day(2026, 2, 1)),
        ], now: day(2026, 6, 2), expected: .overdue)
    }
}

// MARK: - Endings and misses that can no longer be repaired

@Suite("Criterion evaluator: endings by position and employer, and misses nothing can repair")
struct CriterionEvaluatorEndingTests {
    @Test("T5.2a: a placement that ended the day the next one began does not end the new one's evaluation rule")
    func sameDayEndDoesNotEndNewPlacement() throws {
        let rule = try shippedRule("tromsopakken", "T5.2a")
        let (a, b) = (UUID(), UUID())
        let events = [
            event(.placementStart, day(2026, 1, 5), employer: a),
            event(.placementEnded, day(2026, 3, 2), employer: a),
            event(.placementStart, day(2026, 3, 2), employer: b),
        ]
        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 4, 15))
        #expect(result.state == .overdue)
        #expect(result.deadline == day(2026, 4, 2))
        #expect(result.resolvable)
    }

    @Test("T5.2a: a placement ending at another employer does not end the rule; at the same employer before the deadline it does")
    func endAtOtherEmployer() throws {
        let rule = try shippedRule("tromsopakken", "T5.2a")
        let (a, b) = (UUID(), UUID())
        let other = CriterionEvaluator.evaluate(rule, events: [
            event(.placementStart, day(2026, 3, 2), employer: b), event(.placementEnded, day(2026, 3, 10), employer: a),
        ], now: day(2026, 3, 20))
        #expect(other.state == .due)
        let same = CriterionEvaluator.evaluate(rule, events: [
            event(.placementStart, day(2026, 3, 2), employer: b), event(.placementEnded, day(2026, 3, 10), employer: b),
        ], now: day(2026, 3, 20))
        #expect(same.state == .notApplicable)
    }

    @Test("A miss the rule's end froze is overdue but no longer resolvable; a running one is resolvable")
    func resolvable() throws {
        let within = try shippedRule("tromsopakken", "T5.2a")
        let frozen = CriterionEvaluator.evaluate(within, events: [
            event(.placementStart, day(2026, 1, 5)), event(.placementEnded, day(2026, 3, 1)),
        ], now: day(2026, 3, 20))
        #expect(frozen.state == .overdue && !frozen.resolvable)
        let every = try shippedRule("hybridmodellen", "H5.3")
        let ended = CriterionEvaluator.evaluate(every, events: [
            event(.placementStart, day(2026, 1, 5)), event(.mentorContact, day(2026, 1, 20)), event(.placementEnded, day(2026, 3, 30)),
        ], now: day(2026, 4, 2))
        #expect(ended.state == .overdue && !ended.resolvable)
        let running = CriterionEvaluator.evaluate(every, events: [
            event(.placementStart, day(2026, 1, 5)), event(.mentorContact, day(2026, 1, 20)),
        ], now: day(2026, 4, 2))
        #expect(running.state == .overdue && running.resolvable)
    }
}

@Suite("Criterion evaluator: boundaries found in review")
struct CriterionEvaluatorBoundaryTests {
    @Test("H5.3: a placement that ends on the deadline itself, with no contact, stays overdue")
    func endOnDeadlineDay() throws {
        let rule = try shippedRule("hybridmodellen", "H5.3")
        // Start 1 March: the last allowed day is 31 March, the deadline the first moment of 1 April.
        let result = CriterionEvaluator.evaluate(rule, events: [event(.placementStart, day(2026, 3, 1)), event(.placementEnded, day(2026, 4, 1))], now: day(2026, 4, 5))
        #expect(result.state == .overdue && !result.resolvable)
        let inTime = CriterionEvaluator.evaluate(rule, events: [event(.placementStart, day(2026, 3, 1)), event(.placementEnded, day(2026, 3, 31))], now: day(2026, 4, 5))
        #expect(inTime.state == .notApplicable)
    }

    @Test("V10: a follow-up dated after the year does not count for it")
    func afterTheYear() throws {
        let rule = try shippedRule("snart-ansatt", "V10")
        var events = [event(.hired, day(2025, 1, 15))]
        var month = day(2025, 2, 1)
        while month < day(2025, 11, 2) {
            events.append(event(.employerFollowup, month))
            month = oslo.date(byAdding: .month, value: 1, to: month)!
        }
        events.append(event(.employerFollowup, day(2026, 1, 16)))
        let result = CriterionEvaluator.evaluate(rule, events: events, now: day(2026, 2, 1))
        #expect(result.state == .overdue)
        #expect(!result.resolvable)
    }

    @Test("T5.2d: a miss before an extension cannot be repaired after the next one, so it asks for no action")
    func beforeMissFinal() throws {
        let rule = try shippedRule("tromsopakken", "T5.2d")
        let result = CriterionEvaluator.evaluate(rule, events: [
            event(.agreementExtended, day(2026, 1, 1)), event(.evaluationMeeting, day(2026, 2, 20)), event(.agreementExtended, day(2026, 3, 1)),
        ], now: day(2026, 3, 10))
        #expect(result.state == .overdue)
        #expect(!result.resolvable)
    }

    @Test("T5.2a: one evaluation meeting answers for one placement, and nothing after the placement ended counts")
    func oneMeetingOnePlacement() throws {
        let rule = try shippedRule("tromsopakken", "T5.2a")
        let meeting = event(.evaluationMeeting, day(2026, 3, 20))
        let all = CriterionEvaluator.evaluateAll(rule, events: [
            event(.placementStart, day(2026, 3, 1)), meeting, event(.placementStart, day(2026, 3, 20)),
        ], now: day(2026, 5, 1))
        #expect(all.obligations.map(\.result.state) == [.met, .overdue])
        #expect(all.obligations.first?.result.evidence == meeting)
        let ended = CriterionEvaluator.evaluate(rule, events: [
            event(.placementStart, day(2026, 1, 1)), event(.placementEnded, day(2026, 1, 6)), event(.evaluationMeeting, day(2026, 2, 10)),
        ], now: day(2026, 3, 1))
        #expect(ended.state == .notApplicable)
    }
}
