import Foundation

/// What a case presentation's four texts may hold, and when it may be shared. Pure checks shared
/// by pages and API; each problem names its field and a string key.
enum CasePresentationRules {
    static let maxText = 8_000
    static let maxQuestion = 2_000

    /// The four texts the author edits, by their form and JSON names.
    static let textFields = ["challenges", "tried", "criteria", "question"]

    struct Texts: Sendable, Equatable {
        var challenges: String
        var tried: String
        var criteria: String
        var question: String

        var named: [(field: String, text: String)] {
            [("challenges", challenges), ("tried", tried), ("criteria", criteria), ("question", question)]
        }
    }

    /// Trimmed texts; too long is refused (nothing is cut). Empty is allowed while it is a draft.
    static func texts(challenges: String?, tried: String?, criteria: String?, question: String?) throws -> Texts {
        var issues: [ProblemError.FieldIssue] = []
        func text(_ raw: String?, _ field: String, max: Int) -> String {
            let value = (raw ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if value.count > max { issues.append(.init(field, "casepres.error.too_long", String(max))) }
            return value
        }
        let texts = Texts(challenges: text(challenges, "challenges", max: maxText), tried: text(tried, "tried", max: maxText),
                          criteria: text(criteria, "criteria", max: maxText), question: text(question, "question", max: maxQuestion))
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        return texts
    }

    /// Only its author changes a draft; a shared presentation is read-only.
    static func mayEdit(sharedAt: Date?) throws {
        if sharedAt != nil { throw ProblemError(.conflict, key: "casepres.error.already_shared") }
    }

    /// Sharing needs a question for the group and no identifier left in any text. Problems name
    /// each text and the kinds found in it ("Teksten inneholder fortsatt kandidatens navn").
    static func mayShare(_ texts: Texts, sharedAt: Date?, check: Pseudonymiser, t: (String, [String]) -> String) throws {
        try mayEdit(sharedAt: sharedAt)
        var issues: [ProblemError.FieldIssue] = []
        for (field, kinds) in check.findings(in: texts.named) {
            issues.append(.init(field, "casepres.error.identifiers", list(kinds.map { t($0.foundKey, []) }, and: t("casepres.and", []))))
        }
        if texts.question.isEmpty { issues.append(.init("question", "casepres.error.question_required")) }
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
    }

    /// The kinds found in all texts together, for audit details and the API.
    static func kinds(_ texts: Texts, check: Pseudonymiser) -> [Pseudonymiser.Kind] {
        Array(Set(check.findings(in: texts.named).flatMap(\.kinds))).sorted()
    }

    /// "a, b og c".
    static func list(_ items: [String], and: String) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " \(and) " + items.last!
    }
}
