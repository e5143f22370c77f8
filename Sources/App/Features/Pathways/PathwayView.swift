import Fluent
import Vapor

/// How a criterion's state reads on a page and in the API, from a stored row.
struct CriterionStatus: Sendable {
    var state: CriterionState
    var deadline: Date?
    var limit: Date?
    var overdueSince: Date?
    var evidenceEventID: UUID?
    var evidenceAt: Date?
    var resolvable = true

    init(row: PathwayCriteriaStore.Row?, now: Date) {
        guard let row else {
            state = .notApplicable
            return
        }
        state = row.effectiveState(now: now)
        deadline = row.deadline
        limit = row.limit_at
        overdueSince = row.overdue_since ?? (state == .overdue ? row.deadline : nil)
        evidenceEventID = row.evidence_event_id
        evidenceAt = row.evidence_at
        resolvable = row.resolvable
    }

    /// The last allowed day (the stored deadline is the first moment after it).
    static func lastDay(_ deadline: Date) -> Date { deadline.addingTimeInterval(-1) }

    func line(_ req: Request, machineChecked: Bool, evidenceType: PathwayEventType?) -> String {
        guard machineChecked else { return req.t("criterion.manual") }
        let day: (Date?) -> String = { $0.map { DisplayDate.date(Self.lastDay($0)) } ?? "" }
        switch state {
        case .met:
            return req.t("criterion.line.met", evidenceAt.map(DisplayDate.date) ?? "", evidenceType.map { req.t($0.labelKey) } ?? "")
        case .metLate:
            return req.t("criterion.line.met_late", evidenceAt.map(DisplayDate.date) ?? "", day(deadline))
        case .due:
            return limit == nil ? req.t("criterion.line.due", day(deadline)) : req.t("criterion.line.due_limit", day(deadline), day(limit))
        case .overdue where !resolvable:
            return req.t("criterion.line.missed", day(deadline))
        case .overdue:
            return req.t("criterion.line.overdue", overdueSince.map(DisplayDate.date) ?? day(deadline))
        case .notApplicable:
            return req.t("criterion.line.not_applicable")
        }
    }

    var tagClass: String {
        switch state {
        case .met: "ok"
        case .metLate: "late"
        case .due: "due"
        case .overdue: "warn"
        case .notApplicable: ""
        }
    }
}

/// A rule in words, for the model page and the criteria panel.
enum RuleWording {
    static func duration(_ d: RuleDuration, _ req: Request) -> String {
        req.t("duration.\(d.unit == .month ? "month" : d.unit == .week ? "week" : d.unit == .year ? "year" : "day")\(d.value == 1 ? ".one" : "")", String(d.value))
    }

    static func events(_ set: Set<PathwayEventType>, _ req: Request) -> String {
        set.sorted { PathwayEventType.allCases.firstIndex(of: $0)! < PathwayEventType.allCases.firstIndex(of: $1)! }
            .map { "«\(req.t($0.labelKey))»" }.joined(separator: req.t("rule.or"))
    }

    static func describe(_ rule: CriterionRule, _ req: Request) -> String {
        let expect = events(rule.expect, req)
        var text: String
        switch rule.kind {
        case let .within(after, within, limit):
            text = req.t("rule.within", expect, duration(within, req), events(after, req))
            if let limit { text += " " + req.t("rule.limit", duration(limit, req)) }
        case let .before(triggers, sameEmployer, within):
            text = req.t(sameEmployer ? "rule.before_same_employer" : "rule.before", expect, events(triggers, req))
            if let within { text += " " + req.t("rule.before_within", duration(within, req)) }
        case let .every(interval, from, until, period):
            text = req.t("rule.every", expect, duration(interval, req), events(from, req))
            if !until.isEmpty { text += " " + req.t("rule.until", events(until, req)) }
            if let period { text += " " + req.t("rule.for", duration(period, req)) }
        }
        if !rule.endsWith.isEmpty { text += " " + req.t("rule.ends", events(rule.endsWith, req)) }
        return text
    }
}
