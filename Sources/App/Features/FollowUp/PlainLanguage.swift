import Fluent
import Foundation
import SQLKit

/// Advisory plain language: finds NAV jargon ("NAVsk") in text meant for the candidate and
/// suggests everyday words instead (seed 002). It never blocks saving; it only highlights.
enum PlainLanguage {
    struct Finding: Sendable, Hashable {
        var term: String
        var suggestion: String
        var count: Int
    }

    /// A piece of text, marked when it is a jargon word.
    struct Segment: Encodable, Sendable {
        var text: String
        var suggestion: String?
    }

    /// The list an office starts with.
    static let defaults: [PlainLanguageTerm.Entry] = [
        .init(term: "bruker", suggestion: "du / kandidaten"),
        .init(term: "ytelse", suggestion: "pengene du får fra NAV"),
        .init(term: "tiltak", suggestion: "tilbud, for eksempel arbeidstrening"),
        .init(term: "innsatsgruppe", suggestion: "hvor mye hjelp du får fra NAV"),
        .init(term: "arbeidsevnevurdering", suggestion: "vurdering av hva du kan jobbe med"),
        .init(term: "aktivitetsplikt", suggestion: "det du har avtalt å gjøre"),
        .init(term: "AAP", suggestion: "arbeidsavklaringspenger (skriv ordet helt ut)"),
        .init(term: "vedtak", suggestion: "avgjørelse"),
        .init(term: "bistandsbehov", suggestion: "hva du trenger hjelp til"),
        .init(term: "iverksette", suggestion: "sette i gang"),
        .init(term: "hjemmel", suggestion: "regel i loven"),
        .init(term: "arbeidsrettet", suggestion: "som handler om jobb"),
    ]

    /// Common Norwegian endings, so "brukeren", "brukerne" and "tiltakene" are found, but
    /// "brukernavn" is not. A word ending in -e takes them on its stem: "ytelsen", "ytelser",
    /// "innsatsgruppa", "iverksetter".
    private static let endings = "(?:e|en|et|a|er|ere|erne|ene|ne|es|ens|ets|ers|s)?"
    /// After the stem of a word ending in -e: the -e with its endings, or the feminine -a.
    private static let endingsAfterE = "(?:e(?:n|t|r|s|ne|ns|nes|rs|re|rne)?|a)"

    private static func regex(_ term: String) -> NSRegularExpression? {
        let word: String
        if term.count > 3, term.hasSuffix("e") {
            word = NSRegularExpression.escapedPattern(for: String(term.dropLast())) + endingsAfterE
        } else {
            word = NSRegularExpression.escapedPattern(for: term) + endings
        }
        return try? NSRegularExpression(pattern: "(?<![\\p{L}\\p{N}])\(word)(?![\\p{L}\\p{N}])", options: [.caseInsensitive])
    }

    static func findings(in text: String, terms: [PlainLanguageTerm.Entry]) -> [Finding] {
        guard !text.isEmpty else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return terms.compactMap { entry in
            guard let regex = regex(entry.term) else { return nil }
            let count = regex.numberOfMatches(in: text, range: range)
            return count > 0 ? Finding(term: entry.term, suggestion: entry.suggestion, count: count) : nil
        }
    }

    /// The text cut into plain and marked pieces, for a page to show with `<mark>`.
    static func segments(_ text: String, terms: [PlainLanguageTerm.Entry]) -> [Segment] {
        let range = NSRange(text.startIndex..., in: text)
        var marks: [(NSRange, String)] = []
        for entry in terms {
            guard let regex = regex(entry.term) else { continue }
            for match in regex.matches(in: text, range: range) where !marks.contains(where: { NSIntersectionRange($0.0, match.range).length > 0 }) {
                marks.append((match.range, entry.suggestion))
            }
        }
        marks.sort { $0.0.location < $1.0.location }
        var segments: [Segment] = []
        var position = text.startIndex
        for (nsRange, suggestion) in marks {
            guard let range = Range(nsRange, in: text) else { continue }
            if position < range.lowerBound { segments.append(Segment(text: String(text[position..<range.lowerBound]))) }
            segments.append(Segment(text: String(text[range]), suggestion: suggestion))
            position = range.upperBound
        }
        if position < text.endIndex { segments.append(Segment(text: String(text[position...]))) }
        return segments
    }
}

extension PlainLanguageTerm {
    struct Entry: Sendable, Hashable, Codable {
        var term: String
        var suggestion: String
    }

    convenience init(officeID: UUID, entry: Entry, by actorID: UUID?, at now: Date) {
        self.init()
        $office.id = officeID
        term = entry.term
        suggestion = entry.suggestion
        createdAt = now
        $createdBy.id = actorID
    }
}

/// An office's word list: the defaults until a leader edits it, then the office's own rows.
enum PlainLanguageList {
    static let maxTerm = 60
    static let maxSuggestion = 200
    static let maxTerms = 300

    /// Read outside write transactions, on `Request.readDB`.
    static func load(officeID: UUID, on sql: any SQLDatabase) async throws -> [PlainLanguageTerm.Entry] {
        guard let office = try await sql.findModel(Office.self, id: officeID) else { return [] }
        return try await load(office: office, on: sql)
    }

    /// The list of an office already read.
    static func load(office: Office, on sql: any SQLDatabase) async throws -> [PlainLanguageTerm.Entry] {
        guard office.plainLanguageCustom else { return PlainLanguage.defaults }
        return try await sql.models(PlainLanguageTerm.self, where: "office_id", equals: office.requireID(), orderBy: ("term", .ascending))
            .map { .init(term: $0.term, suggestion: $0.suggestion) }
    }

    /// The office's own rows; created from the defaults on the first edit.
    static func makeCustom(_ officeID: UUID, by actorID: UUID?, now: Date, on db: any Database) async throws {
        guard let office = try await Office.find(officeID, on: db), !office.plainLanguageCustom else { return }
        for entry in PlainLanguage.defaults {
            try await PlainLanguageTerm(officeID: officeID, entry: entry, by: actorID, at: now).create(on: db)
        }
        office.plainLanguageCustom = true
        try await office.save(on: db)
    }

    static func validate(term rawTerm: String?, suggestion rawSuggestion: String?) throws -> PlainLanguageTerm.Entry {
        var issues: [ProblemError.FieldIssue] = []
        let term = PathwayRules.text(rawTerm, field: "term", max: maxTerm, required: true, issues: &issues)
        let suggestion = PathwayRules.text(rawSuggestion, field: "suggestion", max: maxSuggestion, required: true, issues: &issues)
        if let term, term.contains(where: \.isNewline) { issues.append(.init("term", "plain_language.error.one_line")) }
        guard issues.isEmpty, let term, let suggestion else { throw ProblemError.validation(issues) }
        return .init(term: term, suggestion: suggestion)
    }
}
