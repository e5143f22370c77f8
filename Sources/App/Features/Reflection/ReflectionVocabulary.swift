import Foundation

/// The kinds of reflection group the offices in the project used (seed 000 ch. 2).
public enum ReflectionGroupKind: String, Codable, Sendable, CaseIterable {
    /// Everyone working as hybrid counselors at the office.
    case allHybrid = "alle_hybridveiledere"
    /// Three-person case-discussion group.
    case caseDiscussion = "sakdrofting"
    /// Team guidance on single cases; everyone brings at least one candidate.
    case teamGuidance = "teamveiledning"
    case other = "annen"

    var labelKey: String { "reflection.group_kind.\(rawValue)" }
}

/// What an agenda point is.
public enum AgendaItemKind: String, Codable, Sendable, CaseIterable {
    /// A pseudonymised case presentation.
    case casePresentation = "case"
    /// A theme for reflection on practice, beyond the single case.
    case theme = "tema"
    /// Experience exchange: what each has done, learned and found worth keeping.
    case exchange = "erfaringsdeling"
    case other = "annet"

    var labelKey: String { "reflection.agenda_kind.\(rawValue)" }
}

/// The themes sessions and notes are tagged with, drawn from the reports' barriers and learning
/// themes (seed 000 ch. 2–3, seed 002, seed 004). Free tags come in addition.
public enum ReflectionTheme: String, Codable, Sendable, CaseIterable {
    case defensiveRoutines = "defensive_rutiner"
    case portfolioSize = "portefoljestorrelse"
    case steering = "styring_og_maltall"
    case employerContact = "arbeidsgiverkontakt"
    case mentorRole = "mentorrollen"
    case candidateReadiness = "kandidatens_motivasjon"
    case internalCooperation = "internt_samarbeid"
    case finances = "okonomi_og_tilskudd"
    case relationshipBuilding = "relasjonsbygging"
    case placeThenTrain = "place_train"
    case followUpAfterPlacement = "oppfolging_etter_plassering"
    case rolesAndResponsibility = "roller_og_ansvar"
    case externalResources = "eksterne_ressurser"
    case plainLanguage = "klarsprak"

    var labelKey: String { "reflection.theme.\(rawValue)" }

    /// A free tag as stored: trimmed, lower case, inner whitespace collapsed, at most 40 characters.
    /// Nil for an empty tag.
    static func normalisedFreeTag(_ raw: String) -> String? {
        let words = raw.lowercased().split(whereSeparator: \.isWhitespace)
        guard !words.isEmpty else { return nil }
        return String(words.joined(separator: " ").prefix(40))
    }

    /// Free tags as typed in one field, comma separated, empty ones left out.
    static func splitFreeTags(_ raw: String?) -> [String] {
        (raw ?? "").split(separator: ",").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Each tag normalised (NUL characters dropped), empty ones left out, each once in the order typed.
    static func normalisedFreeTags(_ raw: [String]) -> [String] {
        var tags: [String] = []
        for value in raw {
            if let tag = normalisedFreeTag(value.replacingOccurrences(of: "\u{0}", with: "")), !tags.contains(tag) { tags.append(tag) }
        }
        return tags
    }
}

/// A resource brought into a pathway: internal at NAV, or external.
public enum PathwayResourceKind: String, Codable, Sendable, CaseIterable {
    case marketContact = "markedskontakt"
    case jobSpecialist = "jobbspesialist"
    case otherInternal = "annen_intern"
    case health = "helse"
    case school = "skole"
    case otherExternal = "annen_ekstern"

    var isInternal: Bool { [.marketContact, .jobSpecialist, .otherInternal].contains(self) }
    var labelKey: String { "reflection.resource.\(rawValue)" }
}
