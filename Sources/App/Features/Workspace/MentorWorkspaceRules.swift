import Foundation

/// What a mentor may write, and the month-by-month view of their hours. Pure.
enum MentorWorkspaceRules {
    static let maxActivity = 500
    static let maxText = 2_000
    static let maxResponse = 2_000
    /// One entry: a quarter of an hour up to a long working day.
    static let hoursRange = 25...1_600

    struct ValidHours: Sendable, Equatable {
        var workedOn: Date
        var hundredthHours: Int
        var activity: String
    }

    /// Hours are written as "1,5" or "1.5"; the day may not be in the future, nor more than a year back.
    static func hours(date: String?, hours: String?, activity: String?, now: Date) -> Result<ValidHours, ProblemError> {
        var issues: EmployerRules.Issues = []
        let day = EmployerRules.day(date, "date", now: now, pastOnly: false, &issues)
        if let day, day > now { issues.append(.init("date", "workspace.error.future")) }
        if let day, day < (Calendar.oslo.date(byAdding: .year, value: -1, to: now) ?? now) { issues.append(.init("date", "workspace.error.too_old")) }
        var hundredths: Int?
        if let raw = PathwayRules.trimmed(hours) {
            let decimal = Decimal(string: raw.replacingOccurrences(of: ",", with: "."), locale: Locale(identifier: "en_US_POSIX"))
            if let decimal, raw.range(of: #"^\d{1,2}([.,]\d{1,2})?$"#, options: .regularExpression) != nil {
                let value = NSDecimalNumber(decimal: decimal * 100).intValue
                if hoursRange.contains(value) { hundredths = value } else { issues.append(.init("hours", "workspace.error.hours_range")) }
            } else {
                issues.append(.init("hours", "workspace.error.hours_format"))
            }
        } else {
            issues.append(.init("hours", "pathway.error.required"))
        }
        let what = EmployerRules.text(activity, "activity", max: maxActivity, required: true, &issues)
        guard issues.isEmpty, let day, let hundredths, let what else { return .failure(.validation(issues)) }
        return .success(ValidHours(workedOn: day, hundredthHours: hundredths, activity: what))
    }

    static func observation(kind: String?, text: String?) -> Result<(ObservationKind, String), ProblemError> {
        var issues: EmployerRules.Issues = []
        let kind: ObservationKind? = EmployerRules.choice(kind, "kind", required: true, &issues)
        let text = EmployerRules.text(text, "text", max: maxText, required: true, &issues)
        guard issues.isEmpty, let kind, let text else { return .failure(.validation(issues)) }
        return .success((kind, text))
    }

    /// An alarm needs its reason; the words are optional, so a mentor in a hurry can send it at once.
    static func alarm(reason: String?, text: String?) -> Result<(AlarmReason, String?), ProblemError> {
        var issues: EmployerRules.Issues = []
        let reason: AlarmReason? = EmployerRules.choice(reason, "reason", required: true, &issues)
        let text = EmployerRules.text(text, "text", max: maxText, &issues)
        guard issues.isEmpty, let reason else { return .failure(.validation(issues)) }
        return .success((reason, text))
    }

    static func response(_ raw: String?) -> Result<String, ProblemError> {
        var issues: EmployerRules.Issues = []
        let text = EmployerRules.text(raw, "response", max: maxResponse, required: true, &issues)
        guard issues.isEmpty, let text else { return .failure(.validation(issues)) }
        return .success(text)
    }

    /// One month of a mentor's hours against what the agreement sets per month.
    struct Month: Sendable, Equatable {
        /// First day of the month (Oslo).
        var start: Date
        var loggedHundredths: Int
        /// Hours per month × 100 in the agreement, when there is a mentor agreement.
        var agreedHundredths: Int?

        var isOver: Bool { agreedHundredths.map { loggedHundredths > $0 } ?? false }
    }

    /// Month by month from the first month of `from` (the agreement's start, else the first entry)
    /// up to the month of `to`, newest first; months without hours are listed too.
    static func months(entries: [(day: Date, hundredths: Int)], agreedPerMonth: Int?, from: Date?, to: Date) -> [Month] {
        let calendar = Calendar.oslo
        func monthStart(_ date: Date) -> Date { calendar.date(from: calendar.dateComponents([.year, .month], from: date)) ?? date }
        guard let first = [from, entries.map(\.day).min()].compactMap({ $0 }).min() else { return [] }
        var totals: [Date: Int] = [:]
        for entry in entries { totals[monthStart(entry.day), default: 0] += entry.hundredths }
        var result: [Month] = []
        var month = monthStart(first)
        let last = max(monthStart(to), entries.map { monthStart($0.day) }.max() ?? monthStart(to))
        while month <= last, result.count < 120 {
            result.append(Month(start: month, loggedHundredths: totals[month] ?? 0, agreedHundredths: agreedPerMonth))
            guard let next = calendar.date(byAdding: .month, value: 1, to: month) else { break }
            month = next
        }
        return result.reversed()
    }

    /// "1,5" for 150.
    static func hoursText(_ hundredths: Int) -> String {
        AgreementRules.decimalText(hundredths)
    }
}
