import Foundation

/// The state of one criterion for one pathway.
public enum CriterionState: String, Codable, Sendable, CaseIterable {
    case met
    case metLate = "met_late"
    case due
    case overdue
    case notApplicable = "not_applicable"
}

/// An event as the evaluator sees it.
public struct RuleEvent: Sendable, Hashable {
    public var id: UUID
    public var type: PathwayEventType
    public var occurredAt: Date
    public var employerID: UUID?

    public init(id: UUID, type: PathwayEventType, occurredAt: Date, employerID: UUID? = nil) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.employerID = employerID
    }
}

public struct CriterionResult: Sendable, Hashable {
    public var state: CriterionState
    /// The first moment after the last allowed day (a page shows the day before it).
    public var deadline: Date?
    /// An outer limit shown beside the deadline ("at the latest 6 months").
    public var limit: Date?
    public var evidence: RuleEvent?
    /// For `overdue`: since when.
    public var overdueSince: Date?
    /// When the state can change by time alone (the daily job looks again then).
    public var nextCheckAt: Date?
    /// False for a miss nothing can repair any more (the rule has ended): still not met, but no
    /// longer something to act on.
    public var resolvable: Bool = true

    static let notApplicable = CriterionResult(state: .notApplicable)

    init(state: CriterionState, deadline: Date? = nil, limit: Date? = nil, evidence: RuleEvent? = nil, overdueSince: Date? = nil, nextCheckAt: Date? = nil, resolvable: Bool = true) {
        self.resolvable = resolvable
        self.state = state
        self.deadline = deadline
        self.limit = limit
        self.evidence = evidence
        self.overdueSince = overdueSince
        self.nextCheckAt = nextCheckAt
    }
}

/// One time the criterion applied: an anchor event (a referral, a placement start, an extension …)
/// and what came of it.
public struct CriterionObligation: Sendable, Hashable {
    /// The event that started it (the anchor, trigger or period start).
    public var anchorID: UUID
    public var result: CriterionResult
}

/// Every obligation a rule gave rise to in a pathway, and the state to show now.
public struct CriterionEvaluation: Sendable {
    public var current: CriterionResult
    public var obligations: [CriterionObligation]
}

/// Evaluates a rule over a pathway's events at a moment. Pure: no database, no clock.
public enum CriterionEvaluator {
    /// The state to show now: the latest anchor's (within, every), or the worst trigger's (before).
    public static func evaluate(_ rule: CriterionRule, events: [RuleEvent], now: Date) -> CriterionResult {
        evaluateAll(rule, events: events, now: now).current
    }

    /// Every obligation, for statistics over time: an earlier placement's missed evaluation stays
    /// missed when a later placement is followed up well.
    public static func evaluateAll(_ rule: CriterionRule, events unsorted: [RuleEvent], now: Date) -> CriterionEvaluation {
        // Same moment: the order they were given in (recording order) decides.
        let events = unsorted.enumerated().sorted { ($0.element.occurredAt, $0.offset) < ($1.element.occurredAt, $1.offset) }.map(\.element)
        switch rule.kind {
        case let .within(after, within, limit):
            let anchors = events.indices.filter { after.contains(events[$0].type) }
            // One event answers for one anchor only (one meeting is not two placements' evaluations).
            var used: Set<UUID> = []
            let obligations = anchors.enumerated().map { position, index in
                let result = evaluateWithin(
                    expect: rule.expect, anchorIndex: index, nextAnchor: anchors.dropFirst(position + 1).first,
                    within: within, limit: limit, ends: rule.allEnds, used: used, events: events, now: now)
                if let evidence = result.evidence { used.insert(evidence.id) }
                return CriterionObligation(anchorID: events[index].id, result: result)
            }
            return CriterionEvaluation(current: obligations.last?.result ?? .notApplicable, obligations: obligations)
        case let .before(triggers, sameEmployer, within):
            let obligations = evaluateBefore(expect: rule.expect, triggers: triggers, sameEmployer: sameEmployer, within: within, ends: rule.allEnds, events: events)
            // The worst occurrence decides; among equals, the latest.
            let rank: [CriterionState: Int] = [.overdue: 3, .metLate: 2, .met: 1]
            let worst = obligations.reversed().max { rank[$0.result.state, default: 0] < rank[$1.result.state, default: 0] }
            return CriterionEvaluation(current: worst?.result ?? .notApplicable, obligations: obligations)
        case let .every(interval, from, until, period):
            let starts = events.indices.filter { from.contains(events[$0].type) }
            let obligations = starts.enumerated().map { position, index in
                CriterionObligation(anchorID: events[index].id, result: evaluateEvery(
                    expect: rule.expect, startIndex: index, nextStart: starts.dropFirst(position + 1).first, interval: interval,
                    until: until, period: period, ends: rule.allEnds, events: events, now: now))
            }
            return CriterionEvaluation(current: obligations.last?.result ?? .notApplicable, obligations: obligations)
        }
    }

    private static func startOfDay(_ date: Date) -> Date { RuleDays.startOfDay(date) }

    // MARK: X within D after Y

    /// One anchor's obligation. A later anchor (a new placement) takes over: what had not become
    /// due by then no longer applies, what was missed stays missed.
    private static func evaluateWithin(expect: Set<PathwayEventType>, anchorIndex: Int, nextAnchor: Int?, within: RuleDuration, limit: RuleDuration?,
                                       ends: Set<PathwayEventType>, used: Set<UUID>, events: [RuleEvent], now: Date) -> CriterionResult {
        let anchor = events[anchorIndex]
        let deadline = within.deadline(after: anchor.occurredAt)
        let outer = limit?.deadline(after: anchor.occurredAt)
        let stop = nextAnchor ?? events.count
        // Only an ending that comes after the anchor (by position: a placement that ended the day
        // the next one began does not end the new one's rule) and, when both name an employer, at
        // the same employer; or the next anchor.
        let endingIndex = events.indices[(anchorIndex + 1)..<stop].first { i in
            let event = events[i]
            return ends.contains(event.type) && (event.type == .pathwayClosed || anchor.employerID == nil || event.employerID == nil || event.employerID == anchor.employerID)
        }
        // The anchor's own day counts, whatever time was entered for either event; nothing after the ending does.
        let from = startOfDay(anchor.occurredAt)
        if let evidence = events[..<(endingIndex ?? stop)].first(where: { expect.contains($0.type) && $0.occurredAt >= from && $0.id != anchor.id && !used.contains($0.id) }) {
            return CriterionResult(state: evidence.occurredAt < deadline ? .met : .metLate, deadline: deadline, limit: outer, evidence: evidence)
        }
        let ending = endingIndex.map { events[$0] } ?? nextAnchor.map { events[$0] }
        if let ending {
            return ending.occurredAt < deadline
                ? CriterionResult(state: .notApplicable, deadline: deadline, limit: outer)
                : CriterionResult(state: .overdue, deadline: deadline, limit: outer, overdueSince: deadline, resolvable: false)
        }
        if now < deadline {
            return CriterionResult(state: .due, deadline: deadline, limit: outer, nextCheckAt: deadline)
        }
        return CriterionResult(state: .overdue, deadline: deadline, limit: outer, overdueSince: deadline)
    }

    // MARK: X before Y (at the same employer)

    private static func evaluateBefore(expect: Set<PathwayEventType>, triggers: Set<PathwayEventType>, sameEmployer: Bool, within: RuleDuration?,
                                       ends: Set<PathwayEventType>, events: [RuleEvent]) -> [CriterionObligation] {
        let firstEnd = events.firstIndex { ends.contains($0.type) }
        let triggerIndices = events.indices.filter { triggers.contains(events[$0].type) && (firstEnd == nil || $0 < firstEnd!) }
        var results: [CriterionObligation] = []
        // Without `sameEmployer`, one expected event answers for one trigger only (one evaluation
        // cannot cover two extensions); with it, one visit covers every use of that employer.
        var used: Set<UUID> = []
        for (position, index) in triggerIndices.enumerated() {
            let trigger = events[index]
            if sameEmployer && trigger.employerID == nil { continue } // cannot be checked without an employer
            let matches: (Int) -> Bool = { i in
                let event = events[i]
                return expect.contains(event.type) && i != index && !used.contains(event.id) && (!sameEmployer || event.employerID == trigger.employerID)
            }
            // Since the previous trigger (by position, so a same-day pair keeps its order).
            let previous = sameEmployer || position == 0 ? -1 : triggerIndices[position - 1]
            let next = sameEmployer ? nil : triggerIndices.dropFirst(position + 1).first
            let earliest = within.map { $0.earliest(before: trigger.occurredAt) } ?? .distantPast
            // The trigger's own day is the last allowed day (an expected event that day counts).
            let deadline = RuleDuration(0, .day).deadline(after: trigger.occurredAt)
            if let found = events.indices.last(where: { $0 > previous && matches($0) && events[$0].occurredAt <= trigger.occurredAt && events[$0].occurredAt >= earliest }) {
                if !sameEmployer { used.insert(events[found].id) }
                results.append(CriterionObligation(anchorID: trigger.id, result: CriterionResult(state: .met, deadline: deadline, evidence: events[found])))
            } else if next == nil, let late = events.indices.first(where: { $0 > index && matches($0) }) {
                // Late evidence only for the last trigger: an event between two triggers is the
                // next one's evidence in time, not this one's late.
                if !sameEmployer { used.insert(events[late].id) }
                results.append(CriterionObligation(anchorID: trigger.id, result: CriterionResult(state: .metLate, deadline: deadline, evidence: events[late])))
            } else {
                // At the same employer a late visit can still be registered; without it, only
                // before the next trigger — after that the miss can no longer be repaired.
                results.append(CriterionObligation(anchorID: trigger.id, result: CriterionResult(
                    state: .overdue, deadline: deadline, overdueSince: trigger.occurredAt, resolvable: sameEmployer || next == nil)))
            }
        }
        return results
    }

    // MARK: X at least every D from Y until Z (or for a period)

    /// One period's obligation. A new start (a new placement) ends the previous period.
    private static func evaluateEvery(expect: Set<PathwayEventType>, startIndex: Int, nextStart: Int?, interval: RuleDuration, until: Set<PathwayEventType>,
                                      period: RuleDuration?, ends: Set<PathwayEventType>, events: [RuleEvent], now: Date) -> CriterionResult {
        let start = events[startIndex]
        let day = startOfDay(start.occurredAt)
        // The period ends at the first `until` or ending event after the start (by position: a
        // placement that ended the same day a new one began does not end the new one), at the next
        // start, or after `period`.
        let stopIndex = nextStart ?? events.count
        var periodEnd: Date? = events[(startIndex + 1)..<stopIndex].first { until.contains($0.type) || ends.contains($0.type) }?.occurredAt
            ?? nextStart.map { events[$0].occurredAt }
        // Ended by an event: a contact that day still belongs to the period. Ended by time: the
        // period's end is the first moment after its last day, which no longer belongs to it.
        var endedByTime = false
        if let period {
            let timed = period.deadline(after: start.occurredAt)
            if periodEnd == nil || timed < periodEnd! {
                periodEnd = timed
                endedByTime = true
            }
        }
        let stop = min(periodEnd ?? now, now)
        var last: RuleEvent?
        var lastAt = start.occurredAt
        var gapExceeded = false
        for event in events where expect.contains(event.type) && event.id != start.id && event.occurredAt >= day
            && (endedByTime && stop == periodEnd ? event.occurredAt < stop : event.occurredAt <= stop) {
            if event.occurredAt >= interval.deadline(after: lastAt) { gapExceeded = true }
            last = event
            lastAt = event.occurredAt
        }
        let deadline = interval.deadline(after: lastAt)
        if let periodEnd, periodEnd <= now {
            // The period is over: judge it as a whole. A gap still open when it ended was never
            // closed, so it stays overdue (ending the placement must not make a miss look better).
            // Ended by an event on the deadline itself: the gap had already run out (overdue).
            if endedByTime ? deadline < periodEnd : deadline <= periodEnd {
                return CriterionResult(state: .overdue, deadline: deadline, evidence: last, overdueSince: deadline, resolvable: false)
            }
            guard let last else { return .notApplicable }
            return CriterionResult(state: gapExceeded ? .metLate : .met, deadline: deadline, evidence: last)
        }
        let timedEnd = period.map { $0.deadline(after: start.occurredAt) }
        if now >= deadline {
            return CriterionResult(state: .overdue, deadline: deadline, evidence: last, overdueSince: deadline, nextCheckAt: timedEnd)
        }
        return CriterionResult(state: .due, deadline: deadline, evidence: last, nextCheckAt: min(deadline, timedEnd ?? deadline))
    }
}
