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
    static func splitTags(_ raw: String?) -> [String] { ReflectionTheme.splitFreeTags(raw) }

    static func freeTags(_ raw: [String], issues: inout [ProblemError.FieldIssue]) -> [String] {
        let tags = ReflectionTheme.normalisedFreeTags(raw)
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

    /// The texts a group would read, by the field names pages and the API use: the three texts and
    /// each free tag on its own (under `freeTags`, so two tags never run together into a number).
    static func sharedTexts(done: String, learned: String, worthKeeping: String, freeTags: [String]) -> [(field: String, text: String)] {
        zip(textFields, [done, learned, worthKeeping]).map { (field: $0.0, text: $0.1) } + freeTags.map { (field: "freeTags", text: $0) }
    }

    /// What each field still holds that may identify someone, by every check given (the people of
    /// the note's pathways, the names of the author's own candidates, the patterns every check has).
    /// Fields without findings are left out; fields in the order given, kinds in `Pseudonymiser.Kind`'s.
    static func shareFindings(_ texts: [(field: String, text: String)], checks: [Pseudonymiser]) -> [(field: String, kinds: [Pseudonymiser.Kind])] {
        let checks = checks.isEmpty ? [Pseudonymiser.patternsOnly] : checks
        var fields: [String] = []
        var kinds: [String: Set<Pseudonymiser.Kind>] = [:]
        for (field, text) in texts {
            if !fields.contains(field) { fields.append(field) }
            for check in checks { kinds[field, default: []].formUnion(check.findings(in: text)) }
        }
        return fields.compactMap { field in
            guard let found = kinds[field], !found.isEmpty else { return nil }
            return (field, found.sorted())
        }
    }

    /// The problems that refuse sharing: one per text, naming the kinds found in it
    /// ("Teksten har kandidatens navn og et telefonnummer").
    static func shareIssues(_ findings: [(field: String, kinds: [Pseudonymiser.Kind])], t: (String, [String]) -> String) -> [ProblemError.FieldIssue] {
        findings.map { field, kinds in
            let found = list(kinds.map { t($0.foundKey, []) }, and: t("learning.and", []))
            return .init(field, field == "freeTags" ? "learning.error.share_found_tags" : "learning.error.share_found", found)
        }
    }

    /// "a", "a og b", "a, b og c".
    static func list(_ items: [String], and: String) -> String {
        guard let last = items.last else { return "" }
        return items.count == 1 ? last : items.dropLast().joined(separator: ", ") + " \(and) " + last
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
