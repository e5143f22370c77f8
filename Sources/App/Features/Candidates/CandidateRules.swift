import Foundation

/// What a person typed into a candidate form (or sent to the API), before validation.
/// Field names are the form and API names, so a problem can point at the field.
public struct CandidateDraft: Sendable, Equatable {
    public var fnr: String = ""
    public var firstName: String = ""
    public var lastName: String = ""
    public var phone: String = ""
    public var email: String = ""
    public var municipality: String = ""
    public var innsatsgruppe: String = ""
    public var mainBenefit: String = ""
    public var wishes: String = ""
    public var wishedWork: String = ""
    public var strengths: String = ""
    public var challenges: String = ""
    public var supportNeeds: String = ""
    public var education: String = ""
    public var workExperience: String = ""
    public var norwegianLevel: String = ""

    public init() {}
}

/// A draft that passed validation.
public struct ValidCandidate: Sendable {
    public var fnr: NationalID?
    public var firstName: String
    public var lastName: String
    public var phone: String?
    public var email: String?
    public var municipality: String?
    public var innsatsgruppe: Innsatsgruppe
    public var mainBenefit: MainBenefit
    public var wishes: String?
    public var wishedWork: String?
    public var strengths: String?
    public var challenges: String?
    public var supportNeeds: String?
    public var education: String?
    public var workExperience: String?
    public var norwegianLevel: NorwegianLevel?
}

/// The rules for a candidate's record, without HTTP or a database.
public enum CandidateRules {
    public static let nameLimit = 100
    public static let shortTextLimit = 200
    public static let longTextLimit = 4_000

    /// Validates a draft; `checkFnr` is false when editing (the number is never changed by an edit).
    public static func validate(_ draft: CandidateDraft, checkFnr: Bool, allowSynthetic: Bool) -> Result<ValidCandidate, ValidationProblems> {
        var issues: [ProblemError.FieldIssue] = []
        var fnr: NationalID?
        if checkFnr {
            if draft.fnr.trimmingCharacters(in: .whitespaces).isEmpty {
                issues.append(.init("fnr", "fnr.error.required"))
            } else {
                do { fnr = try NationalID(draft.fnr, allowSynthetic: allowSynthetic) } catch { issues.append(.init("fnr", error.messageKey)) }
            }
        }
        let firstName = clean(draft.firstName), lastName = clean(draft.lastName)
        if firstName.isEmpty { issues.append(.init("firstName", "candidate.error.first_name")) }
        if firstName.count > nameLimit { issues.append(.init("firstName", "form.error.too_long", String(nameLimit))) }
        if lastName.isEmpty { issues.append(.init("lastName", "candidate.error.last_name")) }
        if lastName.count > nameLimit { issues.append(.init("lastName", "form.error.too_long", String(nameLimit))) }

        let phone = clean(draft.phone)
        if !phone.isEmpty && !isPhone(phone) { issues.append(.init("phone", "candidate.error.phone")) }
        let email = clean(draft.email)
        if !email.isEmpty && !isEmail(email) { issues.append(.init("email", "candidate.error.email")) }

        let innsatsgruppe = Innsatsgruppe(rawValue: draft.innsatsgruppe)
        if innsatsgruppe == nil { issues.append(.init("innsatsgruppe", "candidate.error.innsatsgruppe")) }
        let benefit = MainBenefit(rawValue: draft.mainBenefit)
        if benefit == nil { issues.append(.init("mainBenefit", "candidate.error.benefit")) }
        var level: NorwegianLevel?
        if !draft.norwegianLevel.isEmpty {
            level = NorwegianLevel(rawValue: draft.norwegianLevel)
            if level == nil { issues.append(.init("norwegianLevel", "candidate.error.norwegian")) }
        }

        for (field, value, limit) in [
            ("municipality", draft.municipality, shortTextLimit), ("wishedWork", draft.wishedWork, longTextLimit),
            ("wishes", draft.wishes, longTextLimit), ("strengths", draft.strengths, longTextLimit),
            ("challenges", draft.challenges, longTextLimit), ("supportNeeds", draft.supportNeeds, longTextLimit),
            ("education", draft.education, longTextLimit), ("workExperience", draft.workExperience, longTextLimit),
        ] where clean(value).count > limit {
            issues.append(.init(field, "form.error.too_long", String(limit)))
        }
        guard issues.isEmpty, let innsatsgruppe, let benefit else { return .failure(ValidationProblems(issues: issues)) }
        return .success(ValidCandidate(
            fnr: fnr, firstName: firstName, lastName: lastName, phone: optional(phone), email: optional(email.lowercased()),
            municipality: optional(clean(draft.municipality)), innsatsgruppe: innsatsgruppe, mainBenefit: benefit,
            wishes: optional(clean(draft.wishes)), wishedWork: optional(clean(draft.wishedWork)),
            strengths: optional(clean(draft.strengths)), challenges: optional(clean(draft.challenges)),
            supportNeeds: optional(clean(draft.supportNeeds)), education: optional(clean(draft.education)),
            workExperience: optional(clean(draft.workExperience)), norwegianLevel: level
        ))
    }

    /// The date and reason of starting or ending hybrid follow-up (fields `date`, `reason`). An empty
    /// date is today; a date in the future is refused.
    public static func hybridChange(date raw: String?, reason: String?, now: Date) -> Result<(date: Date, reason: String), ValidationProblems> {
        var issues: [ProblemError.FieldIssue] = []
        let date = (raw ?? "").isEmpty ? Calendar.oslo.startOfDay(for: now) : DisplayDate.parseDay(raw ?? "")
        if let date {
            if date > now { issues.append(.init("date", "hybrid.error.future")) }
        } else {
            issues.append(.init("date", "hybrid.error.date"))
        }
        let reason = validReason(reason)
        if reason == nil { issues.append(.init("reason", "candidate.error.reason")) }
        guard issues.isEmpty, let date, let reason else { return .failure(ValidationProblems(issues: issues)) }
        return .success((date, reason))
    }

    /// A reason someone gives for opening a candidate or asking for access.
    public static func validReason(_ raw: String?) -> String? {
        let reason = clean(raw ?? "")
        guard reason.count >= 5, reason.count <= 500 else { return nil }
        return reason
    }

    static func clean(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\u{0}", with: "")
    }

    static func optional(_ text: String) -> String? { text.isEmpty ? nil : text }

    /// 8 to 15 digits, with spaces and a leading + allowed.
    static func isPhone(_ text: String) -> Bool {
        var body = Substring(text)
        if body.hasPrefix("+") { body = body.dropFirst() }
        let digits = body.filter { $0 != " " }
        return (8...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func isEmail(_ text: String) -> Bool {
        guard text.count <= 254, !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".")
    }
}

/// Validation issues as a value, so rules stay free of throwing HTTP errors.
public struct ValidationProblems: Error, Sendable {
    public var issues: [ProblemError.FieldIssue]
    public var problem: ProblemError { .validation(issues) }
}
