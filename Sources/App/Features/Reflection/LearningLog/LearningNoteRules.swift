import Foundation

/// What a "gjort – lært – lurt" note may hold, who may read it, and what keeps it from being
/// shared. Pure checks shared by pages and API; each problem names its field and a string key.
/// The log is about practice, not about people: a note shared with a group must not identify a
/// candidate (seed 002: make tacit approaches explicit, in plain words).
enum LearningNoteRules {
    static let maxText = 2_000
    static let maxFreeTags = 5

    /// The three texts, by the field names pages and the API use.
    static let textFields = ["done", "learned", "worthKeeping"]

    struct Input: Sendable {
        var done: String?
        var learned: String?
        var worthKeeping: String?
        /// `ReflectionTheme` raw values.
        var themes: [String] = []
        /// Free tags as typed (a form gives one comma separated text, split here).
        var freeTags: [String] = []
        /// A pathway id as given, or nil/empty for none.
        var pathwayID: String?
    }

    struct ValidNote: Sendable, Equatable {
        var done: String
        var learned: String
        var worthKeeping: String
        var themes: [ReflectionTheme]
        var freeTags: [String]
        var pathwayID: UUID?
    }

    /// All three texts are required, each at most 2000 characters; themes from the catalogue;
    /// at most five free tags (normalised, duplicates once).
    static func note(_ input: Input) throws -> ValidNote {
        var issues: [ProblemError.FieldIssue] = []
        let done = text(input.done, field: "done", issues: &issues)
        let learned = text(input.learned, field: "learned", issues: &issues)
        let worth = text(input.worthKeeping, field: "worthKeeping", issues: &issues)

        var themes: [ReflectionTheme] = []
        for raw in input.themes {
            guard let theme = ReflectionTheme(rawValue: raw.trimmingCharacters(in: .whitespaces)) else {
                issues.append(.init("themes", "learning.error.theme_unknown"))
                break
            }
            if !themes.contains(theme) { themes.append(theme) }
        }
        // Keep the catalogue's order, so the same choice always reads the same.
        themes = ReflectionTheme.allCases.filter(themes.contains)

        let tags = freeTags(input.freeTags, issues: &issues)

        var pathwayID: UUID?
        if let raw = PathwayRules.trimmed(input.pathwayID) {
            pathwayID = UUID(uuidString: raw)
            if pathwayID == nil { issues.append(.init("pathwayID", "learning.error.pathway_unknown")) }
        }
        guard issues.isEmpty, let done, let learned, let worth else { throw ProblemError.validation(issues) }
        return ValidNote(done: done, learned: learned, worthKeeping: worth, themes: themes, freeTags: tags, pathwayID: pathwayID)
    }

    /// "a, b ,c" → ["a", "b", "c"].
    static func splitTags(_ raw: String?) -> [String] {
        (raw ?? "").split(separator: ",").map(String.init)
    }

    static func freeTags(_ raw: [String], issues: inout [ProblemError.FieldIssue]) -> [String] {
        var tags: [String] = []
        for value in raw {
            guard let tag = ReflectionTheme.normalisedFreeTag(value.replacingOccurrences(of: "\u{0}", with: "")) else { continue }
            if !tags.contains(tag) { tags.append(tag) }
        }
        if tags.count > maxFreeTags {
            issues.append(.init("freeTags", "learning.error.too_many_tags", String(maxFreeTags)))
        }
        return tags
    }

    // MARK: - Who may read a note

    enum Reader: Equatable, Sendable {
        /// The author: everything, the pathway too.
        case author
        /// An active member of the group the note is shared with: the texts and themes, never the pathway.
        case groupMember
    }

    /// Nil: the note is not there for this person (404). A deleted note is gone for everyone;
    /// a private note is its author's only, leaders included; a shared note is its author's and
    /// its group's active members', in the note's office only.
    static func reader(authorID: UUID, noteOfficeID: UUID, groupID: UUID?, deleted: Bool,
                       viewerID: UUID, viewerOfficeID: UUID?, viewerGroupIDs: Set<UUID>) -> Reader? {
        guard !deleted, viewerOfficeID == noteOfficeID else { return nil }
        if authorID == viewerID { return .author }
        if let groupID, viewerGroupIDs.contains(groupID) { return .groupMember }
        return nil
    }

    // MARK: - What keeps a note from being shared

    /// What was found in a text that may identify someone.
    enum Finding: String, Sendable, CaseIterable {
        case nationalID = "fnr"
        case email
        case phone
        case candidateName = "name"

        var errorKey: String { "learning.error.share_\(rawValue)" }
    }

    /// The findings in one text, in the order above. `names` are the linked candidate's first and
    /// last name; each of their words counts on its own, matched as a whole word in any letter case.
    static func findings(in text: String, names: [String] = []) -> [Finding] {
        var found: [Finding] = []
        if matches(text, #"(?<!\d)\d{6} ?\d{5}(?!\d)"#) { found.append(.nationalID) }
        if matches(text, #"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"#) { found.append(.email) }
        if matches(text, #"(?<![\d+])(\+47 ?|0047 ?)?(\d{8}|\d{3} \d{2} \d{3}|\d{2} \d{2} \d{2} \d{2}|\d{4} \d{4})(?![\d])"#) {
            // An eleven-digit number is a national ID, not a phone number as well.
            let withoutIDs = text.replacingOccurrences(of: #"(?<!\d)\d{6} ?\d{5}(?!\d)"#, with: " ", options: .regularExpression)
            if matches(withoutIDs, #"(?<![\d+])(\+47 ?|0047 ?)?(\d{8}|\d{3} \d{2} \d{3}|\d{2} \d{2} \d{2} \d{2}|\d{4} \d{4})(?![\d])"#) {
                found.append(.phone)
            }
        }
        let nameWords = Set(names.flatMap(words))
        if !nameWords.isEmpty, !Set(words(text)).isDisjoint(with: nameWords) { found.append(.candidateName) }
        return found
    }

    /// The problems that refuse sharing: one per text and finding, naming the text's field.
    static func shareIssues(done: String, learned: String, worthKeeping: String, candidateNames: [String]) -> [ProblemError.FieldIssue] {
        var issues: [ProblemError.FieldIssue] = []
        for (field, text) in zip(textFields, [done, learned, worthKeeping]) {
            for finding in findings(in: text, names: candidateNames) {
                issues.append(.init(field, finding.errorKey))
            }
        }
        return issues
    }

    /// Lower-case words of letters (a name like "Hansen-Berg" gives two).
    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init).filter { $0.count >= 2 }
    }

    private static func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }

    // MARK: - Pieces

    static func text(_ raw: String?, field: String, issues: inout [ProblemError.FieldIssue]) -> String? {
        guard let value = PathwayRules.trimmed(raw) else {
            issues.append(.init(field, "learning.error.\(field)_required"))
            return nil
        }
        if value.count > maxText {
            issues.append(.init(field, "learning.error.too_long", String(maxText)))
            return nil
        }
        return value
    }
}

/// What a reflection group may hold, and who may change it.
enum ReflectionGroupRules {
    static let maxName = 120
    static let maxDescription = 1_000
    static let maxRhythmWeeks = 52
    static let maxMembers = 200

    struct Input: Sendable {
        var name: String?
        var kind: String?
        /// Every N weeks; empty for no fixed rhythm.
        var rhythmWeeks: String?
        var description: String?
    }

    struct ValidGroup: Sendable, Equatable {
        var name: String
        var kind: ReflectionGroupKind
        var rhythmWeeks: Int?
        var description: String?
    }

    static func group(_ input: Input) throws -> ValidGroup {
        var issues: [ProblemError.FieldIssue] = []
        var name: String?
        if let value = PathwayRules.trimmed(input.name) {
            if value.count > maxName { issues.append(.init("name", "learning.error.too_long", String(maxName))) } else { name = value }
        } else {
            issues.append(.init("name", "learning.error.group_name_required"))
        }
        let kind = PathwayRules.trimmed(input.kind).flatMap(ReflectionGroupKind.init(rawValue:))
        if kind == nil { issues.append(.init("kind", "learning.error.group_kind")) }
        var rhythm: Int?
        if let raw = PathwayRules.trimmed(input.rhythmWeeks) {
            if let weeks = Int(raw), (1...maxRhythmWeeks).contains(weeks) {
                rhythm = weeks
            } else {
                issues.append(.init("rhythmWeeks", "learning.error.rhythm", String(maxRhythmWeeks)))
            }
        }
        var description: String?
        if let value = PathwayRules.trimmed(input.description) {
            if value.count > maxDescription { issues.append(.init("description", "learning.error.too_long", String(maxDescription))) } else { description = value }
        }
        guard issues.isEmpty, let name, let kind else { throw ProblemError.validation(issues) }
        return ValidGroup(name: name, kind: kind, rhythmWeeks: rhythm, description: description)
    }

    /// User ids as given: each a UUID, at least one; duplicates count once.
    static func memberIDs(_ raw: [String], field: String = "userIDs") throws -> [UUID] {
        var ids: [UUID] = []
        for value in raw {
            guard let id = UUID(uuidString: value.trimmingCharacters(in: .whitespaces)) else {
                throw ProblemError.validation([.init(field, "learning.error.member_unknown")])
            }
            if !ids.contains(id) { ids.append(id) }
        }
        if ids.isEmpty { throw ProblemError.validation([.init(field, "learning.error.members_required")]) }
        if ids.count > maxMembers { throw ProblemError.validation([.init(field, "learning.error.too_many_members", String(maxMembers))]) }
        return ids
    }

    /// Any active member manages the group, and so does a leader of its office.
    static func mayManage(isActiveMember: Bool, isLeader: Bool) -> Bool {
        isActiveMember || isLeader
    }
}
