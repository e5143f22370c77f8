import Foundation

/// What a pathway form or API call may contain. Pure checks, shared by the pages and the API;
/// each problem names its field and a string key.
enum PathwayRules {
    static let maxNote = 2_000
    static let maxReason = 1_000
    static let maxReferrer = 200
    static let maxEmployerName = 200
    /// Work is often registered afterwards, but not years afterwards, and not ahead of time.
    static let maxYearsBack = 10

    struct ValidStart: Sendable {
        var modelRecordID: UUID
        var referralDate: Date
        var referrer: String
    }

    struct ValidEvent: Sendable {
        var type: PathwayEventType
        var occurredAt: Date
        var employerID: UUID?
        var newEmployerName: String?
        var agreementID: UUID?
        var note: String?
    }

    struct ValidStep: Sendable {
        var step: String
        var reason: String?
    }

    struct ValidClose: Sendable {
        var outcome: Pathway.Outcome
        var reason: String
        var closedAt: Date
    }

    /// Trimmed, without NUL characters (PostgreSQL refuses them in text; SQLite would cut the text there).
    static func trimmed(_ text: String?) -> String? {
        let value = (text ?? "").replacingOccurrences(of: "\u{0}", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }

    /// A day (`yyyy-MM-dd`) or an ISO 8601 moment, within the allowed window.
    static func moment(_ raw: String?, field: String, now: Date, notBefore: Date? = nil, issues: inout [ProblemError.FieldIssue]) -> Date? {
        guard let raw = trimmed(raw) else {
            issues.append(.init(field, "pathway.error.date_required"))
            return nil
        }
        let date = DisplayDate.parseDay(raw) ?? ISO8601DateFormatter().date(from: raw)
        guard let date else {
            issues.append(.init(field, "pathway.error.date_invalid"))
            return nil
        }
        // Up to the end of today in Norwegian time: registered afterwards, never ahead.
        let latest = RuleDuration(0, .day).deadline(after: now)
        let earliest = RuleDuration(maxYearsBack, .year).earliest(before: now)
        if date >= latest {
            issues.append(.init(field, "pathway.error.date_future"))
        } else if date < earliest {
            issues.append(.init(field, "pathway.error.date_too_old", String(maxYearsBack)))
        } else if let notBefore, date < RuleDuration.calendar.startOfDay(for: notBefore) {
            issues.append(.init(field, "pathway.error.date_before_referral", DisplayDate.date(notBefore)))
        } else {
            return date
        }
        return nil
    }

    static func text(_ raw: String?, field: String, max: Int, required: Bool, issues: inout [ProblemError.FieldIssue]) -> String? {
        guard let value = trimmed(raw) else {
            if required { issues.append(.init(field, "pathway.error.required")) }
            return nil
        }
        if value.count > max {
            issues.append(.init(field, "pathway.error.too_long", String(max)))
            return nil
        }
        return value
    }

    static func start(modelID: String?, referralDate: String?, referrer: String?, available: [UUID], now: Date) -> Result<ValidStart, ProblemError> {
        var issues: [ProblemError.FieldIssue] = []
        let model = trimmed(modelID).flatMap(UUID.init(uuidString:))
        if model == nil || !available.contains(model!) { issues.append(.init("methodModel", "pathway.error.model")) }
        let date = moment(referralDate, field: "referralDate", now: now, issues: &issues)
        let who = text(referrer, field: "referrer", max: maxReferrer, required: true, issues: &issues)
        guard issues.isEmpty, let model, let date, let who else { return .failure(.validation(issues)) }
        return .success(ValidStart(modelRecordID: model, referralDate: date, referrer: who))
    }

    static func event(type rawType: String?, occurredAt: String?, employerID: String?, newEmployerName: String?, agreementID: String?,
                      note: String?, referralDate: Date, now: Date) -> Result<ValidEvent, ProblemError> {
        var issues: [ProblemError.FieldIssue] = []
        let type = trimmed(rawType).flatMap(PathwayEventType.init(rawValue:))
        if type == nil || !PathwayEventType.recordable.contains(type!) {
            issues.append(.init("type", type.map { !$0.isWithdrawable } == true ? "pathway.error.system_event" : "pathway.error.event_type"))
        }
        // Visits may precede the referral (a workplace known from before); nothing is older than the window.
        let date = moment(occurredAt, field: "occurredAt", now: now, notBefore: type == .employerVisit || type == .employerContact ? nil : referralDate, issues: &issues)
        var employer: UUID?
        if let raw = trimmed(employerID) {
            employer = UUID(uuidString: raw)
            if employer == nil { issues.append(.init("employerId", "pathway.error.employer")) }
        }
        let newName = text(newEmployerName, field: "newEmployerName", max: maxEmployerName, required: false, issues: &issues)
        if employer != nil && newName != nil { issues.append(.init("newEmployerName", "pathway.error.employer_both")) }
        if let type, requiresEmployer(type), employer == nil, newName == nil, !issues.contains(where: { $0.field == "employerId" }) {
            issues.append(.init("employerId", "pathway.error.employer_required"))
        }
        var agreement: UUID?
        if let raw = trimmed(agreementID) {
            agreement = UUID(uuidString: raw)
            if agreement == nil { issues.append(.init("agreementId", "pathway.error.agreement")) }
        }
        // A status or evaluation meeting counts only with its notes (Snart Ansatt V8), also when it is
        // registered afterwards as an event rather than as a meeting with minutes.
        let needsNote = type.map(requiresNote) ?? false
        let cleanNote = text(note, field: "note", max: maxNote, required: false, issues: &issues)
        if needsNote, cleanNote == nil, !issues.contains(where: { $0.field == "note" }) {
            issues.append(.init("note", "pathway.error.meeting_note_required"))
        }
        guard issues.isEmpty, let type, let date else { return .failure(.validation(issues)) }
        return .success(ValidEvent(type: type, occurredAt: date, employerID: employer, newEmployerName: newName, agreementID: agreement, note: cleanNote))
    }

    /// Meeting events that count only with notes from the meeting.
    static func requiresNote(_ type: PathwayEventType) -> Bool {
        [.statusMeeting, .evaluationMeeting].contains(type)
    }

    /// Events whose rules compare employers: without one, the criterion could not be checked.
    static func requiresEmployer(_ type: PathwayEventType) -> Bool {
        [.employerVisit, .employerContact, .jobTasteStart, .placementStart, .hired].contains(type)
    }

    static func step(_ raw: String?, reason: String?, model: MethodModel, current: String) -> Result<ValidStep, ProblemError> {
        var issues: [ProblemError.FieldIssue] = []
        let steps = model.pathwaySteps.map(\.id)
        let target = trimmed(raw)
        if target == nil || !steps.contains(target!) {
            issues.append(.init("step", "pathway.error.step"))
        } else if target == current {
            issues.append(.init("step", "pathway.error.step_same"))
        }
        let back = target.flatMap { steps.firstIndex(of: $0) }.map { $0 < (steps.firstIndex(of: current) ?? 0) } ?? false
        // Going back is allowed, and the reason is kept: it is how the pathway's story is read later.
        let why = text(reason, field: "reason", max: maxReason, required: back, issues: &issues)
        guard issues.isEmpty, let target else { return .failure(.validation(issues)) }
        return .success(ValidStep(step: target, reason: why))
    }

    static func close(outcome raw: String?, reason: String?, closedAt: String?, referralDate: Date, now: Date) -> Result<ValidClose, ProblemError> {
        var issues: [ProblemError.FieldIssue] = []
        let outcome = trimmed(raw).flatMap(Pathway.Outcome.init(rawValue:))
        if outcome == nil { issues.append(.init("outcome", "pathway.error.outcome")) }
        let why = text(reason, field: "reason", max: maxReason, required: true, issues: &issues)
        let date = moment(closedAt ?? DisplayDate.dayInput(now), field: "closedAt", now: now, notBefore: referralDate, issues: &issues)
        guard issues.isEmpty, let outcome, let why, let date else { return .failure(.validation(issues)) }
        return .success(ValidClose(outcome: outcome, reason: why, closedAt: date))
    }
}
