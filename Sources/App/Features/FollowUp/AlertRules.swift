import Foundation

/// Which "trenger oppfølging" alerts a pathway should have now, from its data alone, and when the
/// answer next changes by time. Pure: `AlertStore` gathers the snapshot and stores the result.
enum AlertRules {
    struct Snapshot: Sendable {
        var pathwayActive: Bool
        var candidateIsHybrid: Bool
        /// Start of the candidate's current hybrid period (or the pathway's start).
        var followUpSince: Date
        var noContactDays: Int
        /// Non-withdrawn events of the pathway.
        var events: [(type: PathwayEventType, at: Date)]
        /// Moments of contact with mentor or employer: contacts, held meetings they took part in, visits.
        var workplaceContacts: [Date]
        var criteria: [Criterion]
        var agreements: [AgreementFacts]
        /// Planned meetings (neither held nor cancelled).
        var plannedMeetings: [Date]
        /// The last held meeting's start.
        var lastHeldMeeting: Date?
    }

    struct Criterion: Sendable {
        var id: String
        var text: String
        var row: PathwayCriteriaStore.Row
    }

    struct AgreementFacts: Sendable {
        var id: UUID
        var type: AgreementType
        /// The approved period (both parties approved); nil while not approved or when annulled.
        var start: Date?
        var end: Date?
        /// The last approved extension, if any: an evaluation must lie after the later of it and the start.
        var lastExtension: Date?
    }

    struct Wanted: Sendable, Hashable {
        var kind: AlertKind
        var subject: String
        var since: Date
        var args: [String]
    }

    static let endingWindowDays = 30

    static func evaluate(_ s: Snapshot, now: Date) -> (alerts: [Wanted], nextCheck: Date?) {
        guard s.pathwayActive else { return ([], nil) }
        let today = RuleDays.startOfDay(now)
        var alerts: [Wanted] = []
        var checks: [Date] = []
        func day(_ date: Date, _ days: Int) -> Date { RuleDays.adding(.day, days, to: RuleDays.startOfDay(date)) }

        // 1. No contact with mentor or employer during a running placement: a placement started and
        // not yet ended (an end on the day of a new start ends the earlier one), or a job taste
        // within its approved period.
        let sorted = s.events.sorted { $0.at < $1.at }
        var running: Date?
        if let start = sorted.last(where: { $0.type == .placementStart }), start.at <= now,
           !sorted.contains(where: { $0.type == .placementEnded && $0.at > start.at }) {
            running = start.at
        }
        for taste in s.agreements where taste.type == .jobTaste {
            guard let start = taste.start, start <= now, taste.end.map({ now < day($0, 1) }) ?? true else { continue }
            running = max(running ?? start, start)
            if let end = taste.end { checks.append(day(end, 1)) }
        }
        if let start = running {
            let last = s.workplaceContacts.filter { $0.at(orAfter: start) && $0 <= now }.max() ?? start
            let due = RuleDuration(s.noContactDays, .day).deadline(after: last)
            if due <= now {
                let contacted = s.workplaceContacts.contains { $0.at(orAfter: start) && $0 <= now }
                alerts.append(Wanted(kind: .noWorkplaceContact, subject: "", since: due,
                                     args: [DisplayDate.date(last), String(s.noContactDays), contacted ? "contact" : "start"]))
            } else {
                checks.append(due)
            }
        }
        // A contact registered for later today counts from its moment on.
        if let later = s.workplaceContacts.filter({ $0 > now }).min() { checks.append(later) }

        // 2. An overdue quality criterion that something can still be done about.
        for criterion in s.criteria {
            if criterion.row.needsAction(now: now) {
                let since = criterion.row.overdue_since ?? criterion.row.deadline ?? now
                alerts.append(Wanted(kind: .criterionOverdue, subject: criterion.id, since: since,
                                     args: [criterion.id, criterion.text, criterion.row.deadline.map { DisplayDate.date($0.addingTimeInterval(-1)) } ?? ""]))
            } else if let deadline = criterion.row.deadline, deadline > now, criterion.row.state == CriterionState.due.rawValue {
                checks.append(deadline)
            }
        }

        let evaluations = sorted.filter { $0.type == .evaluationMeeting }.map(\.at)
        for agreement in s.agreements {
            guard let start = agreement.start else { continue }
            // 3. Ending within 30 days, with no evaluation since the start or the last extension. Not
            // before the start (nothing could resolve it yet), and not for a job taste of a few days.
            if let end = agreement.end, agreement.type != .jobTaste {
                let windowOpens = max(day(end, -endingWindowDays), RuleDays.startOfDay(start))
                let windowCloses = day(end, 1)
                let evaluatedSince = max(RuleDays.startOfDay(start), agreement.lastExtension.map { RuleDays.startOfDay($0) } ?? .distantPast)
                let evaluated = evaluations.contains { $0 >= evaluatedSince }
                if now < windowOpens {
                    checks.append(windowOpens)
                } else if now < windowCloses {
                    checks.append(windowCloses)
                    if !evaluated {
                        alerts.append(Wanted(kind: .agreementEnding, subject: agreement.id.uuidString, since: windowOpens,
                                             args: [agreement.type.rawValue, DisplayDate.date(end)]))
                    }
                }
            }
            // 5. First work day today or tomorrow.
            if agreement.type.startEvent != nil {
                let opens = day(start, -1)
                let closes = day(start, 1)
                if today < opens {
                    checks.append(opens)
                } else if now < closes {
                    checks.append(closes)
                    alerts.append(Wanted(kind: .firstWorkday, subject: agreement.id.uuidString, since: opens,
                                         args: [agreement.type.rawValue, DisplayDate.date(start)]))
                }
            }
        }

        // 4. A hybrid candidate with no next meeting booked.
        if s.candidateIsHybrid {
            let upcoming = s.plannedMeetings.filter { $0 > now }
            if let next = upcoming.min() {
                checks.append(next)
            } else {
                let passed = s.plannedMeetings.filter { $0 <= now }.max()
                let since = [s.followUpSince, s.lastHeldMeeting, passed].compactMap { $0 }.max() ?? s.followUpSince
                alerts.append(Wanted(kind: .noNextMeeting, subject: "", since: min(since, now),
                                     args: [s.lastHeldMeeting.map(DisplayDate.date) ?? ""]))
            }
        }
        return (alerts, checks.min())
    }
}

private extension Date {
    /// On or after the day of `date` (a contact on the placement's first day counts).
    func at(orAfter date: Date) -> Bool { self >= RuleDays.startOfDay(date) }
}
