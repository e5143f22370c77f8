import Foundation

/// What the office's reflection note, the premises self-check and the pathway resources may hold.
/// Pure checks shared by pages and API; each problem names its field and a string key (`olearn.error.*`).
enum OfficeLearningRules {
    static let maxTitle = 200
    static let maxBody = 40_000
    static let maxChangeSummary = 300
    static let maxComment = 1_000
    static let maxResourceNote = 200
    /// Counts below this are shown as "<3" for other offices in the county view.
    static let smallCount = 3

    // MARK: - Periods

    /// A note's period: a year ("2026") or a half-year ("2026-H1", "2026-H2").
    static func notePeriod(_ raw: String?, field: String = "period") throws -> String {
        guard let value = trimmed(raw)?.uppercased() else { throw ProblemError.validation([.init(field, "olearn.error.period_required")]) }
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard let year = Int(parts[0]), parts[0].count == 4, (2000...2100).contains(year),
              parts.count == 1 || (parts.count == 2 && ["H1", "H2"].contains(parts[1]))
        else { throw ProblemError.validation([.init(field, "olearn.error.note_period")]) }
        return value
    }

    /// A self-check round's period: a quarter ("2026-Q4").
    static func quarterPeriod(_ raw: String?, field: String = "period") throws -> String {
        guard let value = trimmed(raw)?.uppercased() else { throw ProblemError.validation([.init(field, "olearn.error.period_required")]) }
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), (2000...2100).contains(year),
              ["Q1", "Q2", "Q3", "Q4"].contains(parts[1])
        else { throw ProblemError.validation([.init(field, "olearn.error.quarter_period")]) }
        return value
    }

    /// "2026-Q4" for the quarter `date` falls in, in Norwegian time.
    static func quarterName(_ date: Date) -> String {
        let parts = RuleDuration.calendar.dateComponents([.year, .month], from: date)
        return "\(parts.year!)-Q\((parts.month! - 1) / 3 + 1)"
    }

    // MARK: - The reflection note

    struct ValidNote: Sendable, Equatable {
        var period: String
        var title: String
    }

    static func note(period: String?, title: String?) throws -> ValidNote {
        var issues: [ProblemError.FieldIssue] = []
        var valid: String?
        do { valid = try notePeriod(period) } catch let problem as ProblemError { issues += problem.fields }
        let title = text(title, field: "title", max: maxTitle, requiredKey: "olearn.error.title_required", issues: &issues)
        guard issues.isEmpty, let valid, let title else { throw ProblemError.validation(issues) }
        return ValidNote(period: valid, title: title)
    }

    struct ValidVersion: Sendable, Equatable {
        var body: String
        var changeSummary: String?
        var baseVersion: Int
    }

    /// A new text: required; the change summary is optional; the base version is the one the writer started from.
    static func version(body: String?, changeSummary: String?, baseVersion: String?) throws -> ValidVersion {
        var issues: [ProblemError.FieldIssue] = []
        let body = text(body, field: "body", max: maxBody, requiredKey: "olearn.error.body_required", issues: &issues)
        let summary = text(changeSummary, field: "changeSummary", max: maxChangeSummary, requiredKey: nil, issues: &issues)
        let base = trimmed(baseVersion).flatMap(Int.init)
        if base == nil || base! < 0 { issues.append(.init("baseVersion", "olearn.error.base_version")) }
        guard issues.isEmpty, let body, let base else { throw ProblemError.validation(issues) }
        return ValidVersion(body: normalisedBody(body), changeSummary: summary, baseVersion: base)
    }

    /// Line ends as `\n`, so a text typed in a browser (CRLF) and one from the API compare alike.
    static func normalisedBody(_ body: String) -> String {
        body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// Paragraphs: blocks separated by an empty line.
    static func paragraphs(_ body: String) -> [String] {
        normalisedBody(body).components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// What changed between two texts, paragraph by paragraph: paragraphs only in `newer` are
    /// added, paragraphs only in `older` removed (order kept).
    static func changes(from older: String, to newer: String) -> (added: [String], removed: [String]) {
        let old = paragraphs(older), new = paragraphs(newer)
        let oldSet = Set(old), newSet = Set(new)
        return (new.filter { !oldSet.contains($0) }, old.filter { !newSet.contains($0) })
    }

    /// A participant signs the current version once; a note without text cannot be signed.
    static func maySign(currentVersion: Int, isParticipant: Bool, alreadySigned: Bool) throws {
        if currentVersion == 0 { throw ProblemError(.conflict, key: "olearn.error.nothing_to_sign") }
        if !isParticipant { throw ProblemError(.conflict, key: "olearn.error.not_participant") }
        if alreadySigned { throw ProblemError(.conflict, key: "olearn.error.already_signed") }
    }

    // MARK: - The premises self-check

    static let premises = [1, 2, 3, 4]

    struct ValidAnswer: Sendable, Equatable {
        var premise: Int
        var score: Int
        var comment: String?
    }

    /// One answer per premise at most; a score 1–5; a comment of at most 1 000 characters.
    /// `field` names the field of answer `i` for the problem (form: "score-1", API: "answers[0].score").
    static func answers(_ raw: [(premise: Int?, score: String?, comment: String?)], field: (Int, String) -> String) throws -> [ValidAnswer] {
        var issues: [ProblemError.FieldIssue] = []
        var result: [ValidAnswer] = []
        for (index, item) in raw.enumerated() {
            guard let premise = item.premise, premises.contains(premise) else {
                issues.append(.init(field(index, "premise"), "olearn.error.premise"))
                continue
            }
            if result.contains(where: { $0.premise == premise }) {
                issues.append(.init(field(index, "premise"), "olearn.error.premise_twice"))
                continue
            }
            let comment = text(item.comment, field: field(index, "comment"), max: maxComment, requiredKey: nil, issues: &issues)
            guard let score = trimmed(item.score).flatMap(Int.init), (1...5).contains(score) else {
                issues.append(.init(field(index, "score"), "olearn.error.score"))
                continue
            }
            result.append(ValidAnswer(premise: premise, score: score, comment: comment))
        }
        if raw.isEmpty { issues.append(.init(field(0, "score"), "olearn.error.answers_empty")) }
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        return result
    }

    /// Average with one decimal, "–" without answers.
    static func average(_ scores: [Int]) -> Double? {
        scores.isEmpty ? nil : (Double(scores.reduce(0, +)) / Double(scores.count) * 10).rounded() / 10
    }

    static func formatted(_ average: Double?) -> String {
        guard let average else { return "–" }
        return String(format: "%.1f", average).replacingOccurrences(of: ".", with: ",")
    }

    static func percent(_ part: Int, of whole: Int) -> Int {
        whole == 0 ? 0 : Int((Double(part) * 100 / Double(whole)).rounded())
    }

    // MARK: - County view

    /// The county an office belongs to: the first two digits of its four-digit NAV enhet number
    /// (NAV numbers its units by county, e.g. 03xx Oslo, 18xx Nordland).
    static func county(of enhetNumber: String) -> String { String(enhetNumber.prefix(2)) }

    /// Another office's small numbers (0, 1 and 2) are shown alike, so no one is recognised by them.
    static func masked(_ count: Int, exact: Bool) -> String {
        exact || count >= smallCount ? String(count) : "<\(smallCount)"
    }

    // MARK: - Pathway resources

    struct ValidResource: Sendable, Equatable {
        var kind: PathwayResourceKind
        var note: String?
        var startedOn: Date
    }

    static func resource(kind: String?, note: String?, startedOn: String?, now: Date) throws -> ValidResource {
        var issues: [ProblemError.FieldIssue] = []
        let kind = trimmed(kind).flatMap(PathwayResourceKind.init(rawValue:))
        if kind == nil { issues.append(.init("kind", "olearn.error.resource_kind")) }
        let note = text(note, field: "note", max: maxResourceNote, requiredKey: nil, issues: &issues)
        let started = day(startedOn, field: "startedOn", requiredKey: "olearn.error.started_required", issues: &issues)
        if let started, started > RuleDuration.calendar.startOfDay(for: now).addingTimeInterval(366 * 86_400) {
            issues.append(.init("startedOn", "olearn.error.too_far_ahead"))
        }
        guard issues.isEmpty, let kind, let started else { throw ProblemError.validation(issues) }
        return ValidResource(kind: kind, note: note, startedOn: started)
    }

    /// The end: a day on or after the start, at most a year ahead; a resource ends once.
    static func resourceEnd(_ raw: String?, startedOn: Date, endedOn: Date?, now: Date) throws -> Date {
        if endedOn != nil { throw ProblemError(.conflict, key: "olearn.error.resource_ended") }
        var issues: [ProblemError.FieldIssue] = []
        guard let end = day(raw, field: "endedOn", requiredKey: "olearn.error.ended_required", issues: &issues) else {
            throw ProblemError.validation(issues)
        }
        if end < RuleDuration.calendar.startOfDay(for: startedOn) {
            throw ProblemError.validation([.init("endedOn", "olearn.error.end_before_start", DisplayDate.date(startedOn))])
        }
        if end > RuleDuration.calendar.startOfDay(for: now).addingTimeInterval(366 * 86_400) {
            throw ProblemError.validation([.init("endedOn", "olearn.error.too_far_ahead")])
        }
        return end
    }

    // MARK: - Pieces

    static func trimmed(_ text: String?) -> String? { PathwayRules.trimmed(text) }

    static func day(_ raw: String?, field: String, requiredKey: String, issues: inout [ProblemError.FieldIssue]) -> Date? {
        guard let value = trimmed(raw) else {
            issues.append(.init(field, requiredKey))
            return nil
        }
        guard let date = DisplayDate.parseDay(String(value.prefix(10))), value.count == 10 else {
            issues.append(.init(field, "olearn.error.day_invalid"))
            return nil
        }
        return date
    }

    static func text(_ raw: String?, field: String, max: Int, requiredKey: String?, issues: inout [ProblemError.FieldIssue]) -> String? {
        guard let value = trimmed(raw) else {
            if let requiredKey { issues.append(.init(field, requiredKey)) }
            return nil
        }
        if value.count > max {
            issues.append(.init(field, "olearn.error.too_long", String(max)))
            return nil
        }
        return value
    }
}
