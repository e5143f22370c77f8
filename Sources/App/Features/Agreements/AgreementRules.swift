import Foundation

/// The terms of one version of an agreement. Everything may be missing while the agreement is
/// being written (påbegynt); `missingFields` says what approval still needs.
public struct AgreementTerms: Codable, Sendable, Equatable {
    public var startDate: Date?
    public var endDate: Date?
    public var goals: [AgreementGoal] = []
    public var tasks: String?
    public var followUp: String?
    public var navContact: String?
    public var workplaceContact: String?
    public var wageSubsidyPercent: Int?
    public var mentorID: UUID?
    /// Hours per month × 100.
    public var hundredthHours: Int?
    /// Hourly wage in øre.
    public var wageInOre: Int?
}

/// Pure checks for agreements: the form and API input, the legal duration limits, completeness
/// and the status, which is always derived and never stored.
enum AgreementRules {
    static let maxText = 4_000
    static let maxContact = 300
    /// A participant is at most this old on the agreement's last day.
    static let maxAge = 72

    /// As typed in the form or sent to the API; a PATCH is merged into the current terms first.
    struct Draft: Sendable, Equatable {
        struct Goal: Sendable, Equatable {
            var kind: String?
            var description: String?
        }
        var startDate: String?
        var endDate: String?
        var goals: [Goal] = []
        var tasks: String?
        var followUp: String?
        var navContact: String?
        var workplaceContact: String?
        var wageSubsidyPercent: String?
        var mentorId: String?
        var mentorHoursPerMonth: String?
        var hourlyWage: String?

        init(startDate: String? = nil, endDate: String? = nil, goals: [Goal] = [], tasks: String? = nil, followUp: String? = nil,
             navContact: String? = nil, workplaceContact: String? = nil, wageSubsidyPercent: String? = nil, mentorId: String? = nil,
             mentorHoursPerMonth: String? = nil, hourlyWage: String? = nil) {
            self.startDate = startDate; self.endDate = endDate; self.goals = goals; self.tasks = tasks; self.followUp = followUp
            self.navContact = navContact; self.workplaceContact = workplaceContact; self.wageSubsidyPercent = wageSubsidyPercent
            self.mentorId = mentorId; self.mentorHoursPerMonth = mentorHoursPerMonth; self.hourlyWage = hourlyWage
        }

        /// The draft that reproduces stored terms (to merge a PATCH into, or to fill the form).
        init(_ terms: AgreementTerms) {
            startDate = terms.startDate.map(DisplayDate.dayInput)
            endDate = terms.endDate.map(DisplayDate.dayInput)
            goals = terms.goals.map { Goal(kind: $0.kind.rawValue, description: $0.description) }
            tasks = terms.tasks; followUp = terms.followUp; navContact = terms.navContact; workplaceContact = terms.workplaceContact
            wageSubsidyPercent = terms.wageSubsidyPercent.map(String.init)
            mentorId = terms.mentorID?.uuidString
            mentorHoursPerMonth = terms.hundredthHours.map { AgreementRules.decimalText($0) }
            hourlyWage = terms.wageInOre.map { AgreementRules.decimalText($0) }
        }
    }

    /// What the rules need to know about the participant.
    struct Participant: Sendable {
        var innsatsgruppe: Innsatsgruppe
        var birthDate: Date?
    }

    typealias Issues = [ProblemError.FieldIssue]

    /// "7,5" or "7.5" → 750 (hundredths); at most two decimals.
    static func hundredths(_ raw: String?, _ field: String, range: ClosedRange<Int>, _ issues: inout Issues) -> Int? {
        guard let raw = PathwayRules.trimmed(raw) else { return nil }
        let text = raw.replacingOccurrences(of: ",", with: ".").replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\u{00A0}", with: "")
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), parts[0].count <= 7,
              parts.count == 1 || ((1...2).contains(parts[1].count) && parts[1].allSatisfy({ $0.isASCII && $0.isNumber })),
              let whole = Int(parts[0]) else {
            issues.append(.init(field, "agreement.error.number"))
            return nil
        }
        let fraction = parts.count == 2 ? Int(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0))! : 0
        let value = whole * 100 + fraction
        guard range.contains(value) else {
            issues.append(.init(field, "agreement.error.range", decimalText(range.lowerBound), decimalText(range.upperBound)))
            return nil
        }
        return value
    }

    /// 750 → "7,5"; 30000 → "300".
    static func decimalText(_ hundredths: Int) -> String {
        let whole = hundredths / 100, fraction = hundredths % 100
        if fraction == 0 { return String(whole) }
        return fraction % 10 == 0 ? "\(whole),\(fraction / 10)" : "\(whole),\(String(format: "%02d", fraction))"
    }

    /// Checks the terms' form and the limits that hold whatever else is missing. Missing fields
    /// are allowed: they keep the agreement "påbegynt".
    static func terms(_ draft: Draft, type: AgreementType, participant: Participant, mentors: Set<UUID>, now: Date) -> Result<AgreementTerms, ProblemError> {
        var issues: Issues = []
        var terms = AgreementTerms()
        terms.startDate = EmployerRules.day(draft.startDate, "startDate", now: now, pastOnly: false, required: false, &issues)
        terms.endDate = EmployerRules.day(draft.endDate, "endDate", now: now, pastOnly: false, required: false, &issues)
        if let start = terms.startDate, let end = terms.endDate {
            if end < start {
                issues.append(.init("endDate", "agreement.error.end_before_start"))
            } else if let limit = type.maximumDuration(for: participant.innsatsgruppe), end > limit.lastEndDate(from: start) {
                let (key, count) = limit.labelArgs
                issues.append(.init("endDate", key, count, DisplayDate.date(limit.lastEndDate(from: start))))
            }
        }
        if let birth = participant.birthDate, let last = terms.endDate ?? terms.startDate,
           let limitDay = RuleDuration.calendar.date(byAdding: .year, value: maxAge + 1, to: birth), last >= limitDay {
            issues.append(.init(terms.endDate == nil ? "startDate" : "endDate", "agreement.error.age", String(maxAge)))
        }
        var seen: Set<AgreementGoalKind> = []
        for (index, goal) in draft.goals.enumerated() {
            let field = "goals[\(index)]"
            guard let kind = PathwayRules.trimmed(goal.kind).flatMap(AgreementGoalKind.init(rawValue:)) else {
                issues.append(.init(field, "form.error.choice"))
                continue
            }
            guard seen.insert(kind).inserted else {
                issues.append(.init(field, "agreement.error.goal_twice"))
                continue
            }
            if let text = EmployerRules.text(goal.description, field, max: maxText, required: true, &issues) {
                terms.goals.append(AgreementGoal(kind: kind, description: text))
            }
        }
        terms.tasks = EmployerRules.text(draft.tasks, "tasks", max: maxText, &issues)
        terms.followUp = EmployerRules.text(draft.followUp, "followUp", max: maxText, &issues)
        terms.navContact = EmployerRules.text(draft.navContact, "navContact", max: maxContact, &issues)
        terms.workplaceContact = EmployerRules.text(draft.workplaceContact, "workplaceContact", max: maxContact, &issues)
        if let raw = PathwayRules.trimmed(draft.wageSubsidyPercent) {
            if !type.usesWageSubsidy {
                issues.append(.init("wageSubsidyPercent", "agreement.error.not_for_type"))
            } else if let percent = Int(raw), (1...type.maximumWageSubsidyPercent).contains(percent) {
                terms.wageSubsidyPercent = percent
            } else {
                issues.append(.init("wageSubsidyPercent", "agreement.error.percent", String(type.maximumWageSubsidyPercent)))
            }
        }
        let mentorFields = [("mentorId", draft.mentorId), ("mentorHoursPerMonth", draft.mentorHoursPerMonth), ("hourlyWage", draft.hourlyWage)]
        if type != .mentor {
            for (field, value) in mentorFields where PathwayRules.trimmed(value) != nil {
                issues.append(.init(field, "agreement.error.not_for_type"))
            }
        } else {
            terms.mentorID = EmployerRules.uuid(draft.mentorId, "mentorId", &issues)
            if let mentor = terms.mentorID, !mentors.contains(mentor) { issues.append(.init("mentorId", "agreement.error.mentor")) }
            terms.hundredthHours = hundredths(draft.mentorHoursPerMonth, "mentorHoursPerMonth", range: 25...20_000, &issues)
            terms.wageInOre = hundredths(draft.hourlyWage, "hourlyWage", range: 100...1_000_000, &issues)
        }
        guard issues.isEmpty else { return .failure(.validation(issues)) }
        return .success(terms)
    }

    /// Fields approval still needs; empty when the agreement is complete.
    static func missingFields(_ terms: AgreementTerms, type: AgreementType) -> [String] {
        var missing: [String] = []
        if terms.startDate == nil { missing.append("startDate") }
        if terms.endDate == nil && !type.endDateOptional { missing.append("endDate") }
        if terms.goals.isEmpty { missing.append("goals") }
        if terms.tasks == nil { missing.append("tasks") }
        if terms.followUp == nil { missing.append("followUp") }
        if terms.navContact == nil { missing.append("navContact") }
        if terms.workplaceContact == nil { missing.append("workplaceContact") }
        if type.usesWageSubsidy && terms.wageSubsidyPercent == nil { missing.append("wageSubsidyPercent") }
        if type == .mentor {
            if terms.mentorID == nil { missing.append("mentorId") }
            if terms.hundredthHours == nil { missing.append("mentorHoursPerMonth") }
            if terms.wageInOre == nil { missing.append("hourlyWage") }
        }
        return missing
    }

    static func participant(_ candidate: Candidate) -> Participant {
        let birth = (try? NationalID(candidate.fnr, allowSynthetic: true))?.birthDate
        return Participant(innsatsgruppe: candidate.innsatsgruppe, birthDate: birth.flatMap { RuleDuration.calendar.date(from: $0) })
    }
}

/// Where an agreement stands, derived from its data and today's date.
public enum AgreementStatus: String, Codable, CaseIterable, Sendable {
    case started = "pabegynt"
    case awaitingApproval = "mangler_godkjenning"
    case readyToStart = "klar_for_oppstart"
    case running = "gjennomfores"
    case ended = "avsluttet"
    case annulled = "annullert"

    var labelKey: String { "agreement_status.\(rawValue)" }

    /// påbegynt → mangler godkjenning (all required fields) → klar for oppstart (both approved)
    /// → gjennomføres (from the start date) → avsluttet (after the end date); annullert overrides.
    static func derive(annulled: Bool, complete: Bool, approvedBy parties: Set<ApprovalParty>, start: Date?, end: Date?, now: Date) -> AgreementStatus {
        if annulled { return .annulled }
        guard complete, let start else { return .started }
        guard parties.isSuperset(of: ApprovalParty.allCases) else { return .awaitingApproval }
        let today = RuleDuration.calendar.startOfDay(for: now)
        if today < start { return .readyToStart }
        if let end, today > end { return .ended }
        return .running
    }
}

/// The pathway events an agreement stands for, derived from its last fully approved version and
/// today; the store adds what is missing and withdraws what no longer holds.
enum AgreementTimeline {
    struct Approved: Sendable {
        var start: Date
        var end: Date?
        /// The days on which approved extensions were made, oldest first.
        var extensions: [Date]
    }

    struct Expected: Sendable, Hashable {
        var type: PathwayEventType
        var day: Date
    }

    /// What the timeline reads of one version.
    struct VersionFacts: Sendable {
        var version: Int
        var start: Date?
        var end: Date?
        var isExtension: Bool
        var fullyApprovedAt: Date?
    }

    /// The last version both parties approved, with the approved extensions up to it.
    static func approved(_ versions: [VersionFacts]) -> Approved? {
        guard let effective = versions.filter({ $0.fullyApprovedAt != nil }).max(by: { $0.version < $1.version }), let start = effective.start else { return nil }
        let extensions = versions.filter { $0.isExtension && $0.version <= effective.version && $0.fullyApprovedAt != nil }
            .sorted { $0.version < $1.version }.map { RuleDuration.calendar.startOfDay(for: $0.fullyApprovedAt!) }
        return .init(start: start, end: effective.end, extensions: extensions)
    }

    static func expected(type: AgreementType, approved: Approved?, annulled: (on: Date, reason: AnnulmentReason)?, now: Date) -> [Expected] {
        guard let approved, annulled?.reason != .misregistration else { return [] }
        let calendar = RuleDuration.calendar
        let today = calendar.startOfDay(for: now)
        // An annulment stops the agreement on that day; one made before the start means it never began.
        if let annulled, annulled.on < approved.start { return [] }
        guard approved.start <= today else { return [] }
        var events: [Expected] = []
        if let start = type.startEvent { events.append(Expected(type: start, day: approved.start)) }
        for day in approved.extensions where day <= today && annulled.map({ day <= $0.on }) ?? true {
            events.append(Expected(type: .agreementExtended, day: max(day, approved.start)))
        }
        if type.endsPlacement {
            if let annulled, approved.end.map({ annulled.on <= $0 }) ?? true {
                events.append(Expected(type: .placementEnded, day: annulled.on))
            } else if let end = approved.end, end < today {
                events.append(Expected(type: .placementEnded, day: end))
            }
        }
        return events
    }

    /// The next day on which `expected` would give a different answer, for the daily job.
    static func nextChange(approved: Approved?, annulled: Bool, now: Date) -> Date? {
        guard let approved, !annulled else { return nil }
        let calendar = RuleDuration.calendar
        let today = calendar.startOfDay(for: now)
        if approved.start > today { return approved.start }
        if let end = approved.end, end >= today { return calendar.date(byAdding: .day, value: 1, to: end) }
        return nil
    }
}
