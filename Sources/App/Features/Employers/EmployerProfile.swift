import Foundation

/// How far the office has come with an employer. Changed only through `allowedNext`, each change
/// kept with its date and reason.
public enum CooperationStatus: String, Codable, CaseIterable, Sendable {
    case new = "ny"
    case contacted = "kontaktet"
    case inDialogue = "i_dialog"
    case cooperating = "samarbeider"
    case paused = "pause"
    case ended = "avsluttet"

    /// ny → kontaktet → i dialog → samarbeider, with pause and avsluttet along the way; a pause
    /// resumes where it fits, and an ended cooperation can start again with a new contact.
    public var allowedNext: [CooperationStatus] {
        switch self {
        case .new: [.contacted, .ended]
        case .contacted: [.inDialogue, .paused, .ended]
        case .inDialogue: [.cooperating, .contacted, .paused, .ended]
        case .cooperating: [.inDialogue, .paused, .ended]
        case .paused: [.contacted, .inDialogue, .cooperating, .ended]
        case .ended: [.contacted]
        }
    }

    var labelKey: String { "cooperation.\(rawValue)" }
}

/// Number of employees, in the bands the research reports use.
public enum EmployerSize: String, Codable, CaseIterable, Sendable {
    case upTo10 = "1-10", upTo20 = "11-20", upTo50 = "21-50", over50 = "51+"
    var labelKey: String { "employer_size.\(rawValue)" }
}

/// The sections (A–U) of the Norwegian standard industrial classification (SN2007/NACE).
public enum Industry: String, Codable, CaseIterable, Sendable {
    case a = "A", b = "B", c = "C", d = "D", e = "E", f = "F", g = "G", h = "H", i = "I", j = "J", k = "K"
    case l = "L", m = "M", n = "N", o = "O", p = "P", q = "Q", r = "R", s = "S", t = "T", u = "U"
    var labelKey: String { "industry.\(rawValue)" }
}

/// The position of a mentor or an employer's contact person.
public enum MentorPosition: String, Codable, CaseIterable, Sendable {
    case ownerOrManager = "eier_leder"
    case departmentManager = "avdelingsleder"
    case colleague = "kollega"
    case hr = "hr"
    var labelKey: String { "mentor_position.\(rawValue)" }
}

/// The language level a job needs; the candidate's `NorwegianLevel` must reach it.
public enum LanguageRequirement: String, Codable, CaseIterable, Sendable {
    case none = "ingen", a1 = "A1", a2 = "A2", b1 = "B1", b2 = "B2", c1 = "C1"
    var labelKey: String { "language_requirement.\(rawValue.lowercased())" }

    /// 0 for none, 1 for A1 … 5 for C1.
    var rank: Int { Self.allCases.firstIndex(of: self)! }

    /// Whether a candidate at `level` meets this requirement; an unknown level meets only "none".
    func isMet(by level: NorwegianLevel?) -> Bool {
        guard let level else { return self == .none }
        switch level {
        case .morsmal, .c2: return true
        case .c1: return rank <= 5
        case .b2: return rank <= 4
        case .b1: return rank <= 3
        case .a2: return rank <= 2
        case .a1: return rank <= 1
        }
    }
}
