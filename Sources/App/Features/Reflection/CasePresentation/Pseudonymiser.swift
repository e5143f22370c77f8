import Foundation

/// Removes what identifies the people in a pathway from free text: the candidate's, mentors',
/// employers' and contact persons' names (also inside other sentences, in the genitive, in any
/// letter case), and by pattern national ID numbers, phone numbers, e-mail addresses and
/// organisation numbers. Pure: built from the identifiers, tested without a database.
///
/// A case presentation is shared with colleagues who do not work with the candidate; the issue's
/// rule is that nothing in it may identify the candidate, the mentor or the employer.
struct Pseudonymiser: Sendable {
    /// What kind of identifier was found; also the order findings are named in.
    enum Kind: String, CaseIterable, Sendable, Comparable {
        case candidateName = "kandidatnavn"
        case mentorName = "mentornavn"
        case employerName = "arbeidsgivernavn"
        case contactName = "kontaktperson"
        case nationalID = "fodselsnummer"
        case phone = "telefon"
        case email = "epost"
        case orgNumber = "orgnr"

        static func < (lhs: Kind, rhs: Kind) -> Bool { allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)! }

        /// "Teksten inneholder fortsatt {this}".
        var foundKey: String { "casepres.found.\(rawValue)" }

        /// What a name of this kind is replaced by; patterns get a bracketed word.
        var replacement: String {
            switch self {
            case .candidateName: "kandidaten"
            case .mentorName: "mentoren"
            case .employerName: "arbeidsgiveren"
            case .contactName: "kontaktpersonen"
            case .nationalID: "[fødselsnummer]"
            case .phone: "[telefon]"
            case .email: "[e-post]"
            case .orgNumber: "[org.nr.]"
            }
        }

        var isName: Bool { [.candidateName, .mentorName, .employerName, .contactName].contains(self) }
    }

    /// Everything known about the people of one pathway.
    struct Identifiers: Sendable, Equatable {
        var candidateFirstName = ""
        var candidateLastName = ""
        var nationalID: String?
        var candidatePhones: [String] = []
        var candidateEmails: [String] = []
        var mentorNames: [String] = []
        var employerNames: [String] = []
        var orgNumbers: [String] = []
        /// Employer contact persons and other named people the pathway's contacts were with.
        var contactNames: [String] = []
        /// Phone numbers and e-mail addresses of mentors and contact persons.
        var otherPhones: [String] = []
        var otherEmails: [String] = []
    }

    /// A name or literal value and what it is, longest first.
    private struct Term: Sendable {
        var text: String
        var kind: Kind
    }

    private let terms: [Term]
    private let nameRegex: NSRegularExpression?
    private let literalRegex: NSRegularExpression?
    /// The pathway's own numbers (fnr, phones, org numbers) matched by their digits, whatever
    /// separators they are typed with; most digits first.
    private let digitLiterals: [(kind: Kind, regex: NSRegularExpression)]
    private let kindOfTerm: [String: Kind]

    /// Letters and digits on either side end a match; æøå and other letters count as letters, and
    /// a combining mark after a name (NFD "é") means the word goes on.
    private static let before = "(?<![\\p{L}\\p{M}\\p{N}])"
    private static let after = "(?![\\p{L}\\p{M}\\p{N}])"

    /// What people put between the groups of a number: space, no-break space, full stop, hyphen.
    private static let sep = #"[\s.\-\u00A0]"#

    /// Patterns, in the order they are applied: 11 digits before 9 before 8. A phone number's
    /// groups share one separator (`\2`), so a time span like "08.00-16.00" is no phone number,
    /// and four plus four digits only with a space, so "2024-2025" is none either.
    static let patterns: [(Kind, NSRegularExpression)] = ([
        (Kind.email, #"[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}"#),
        (.nationalID, #"(?<![\d])\d{6}\#(sep)?(?:\d{5}|\d{3}\#(sep)\d{2})(?![\d])"#),
        (.orgNumber, #"(?<![\d])(?:\d{9}|\d{3}(\#(sep))\d{3}\1\d{3})(?![\d])"#),
        (.phone, #"(?<![\d+])(?:(?:\+|00)47\#(sep)?)?(?:\d{8}|\d{2}(\#(sep))\d{2}\1\d{2}\1\d{2}|\d{3}(\#(sep))\d{2}\2\d{3}|\d{3}(\#(sep))\d{3}\3\d{2}|\d{4}[ \u00A0]\d{4})(?![\d])"#),
    ] as [(Kind, String)]).map { ($0.0, try! NSRegularExpression(pattern: $0.1, options: [.caseInsensitive])) }

    /// Legal-form suffixes dropped to find an employer's name as people write it ("Bakeriet AS" →
    /// "Bakeriet"); compared with the word's letters only, so "A/S" and "A.S." are "as".
    private static let legalForms: Set<String> = ["as", "asa", "sa", "ans", "da", "enk", "ba", "nuf", "ks", "iks", "kf"]

    /// A legal form right after an employer's name in the text ("… Solstråle A/S"), taken along
    /// with the name. Upper case only: "sa" and "da" are ordinary words.
    private static let legalSuffix = try! NSRegularExpression(
        pattern: #"[ \u00A0](?:A/S|A\.S\.?|AS|ASA|A\.S\.A\.?|SA|S\.A\.?|ANS|DA|D\.A\.?|BA|ENK|NUF|KS|IKS|KF)(?![\p{L}\p{M}\p{N}/])"#)

    /// Apostrophes people type in names ("O'Brien", "O’Brien", "O´Brien", "O`Brien").
    private static let apostrophes: Set<Character> = ["'", "\u{2019}", "\u{2018}", "\u{00B4}", "`", "\u{02BC}"]

    /// Words in employer names that name a kind of business, not the business.
    private static let businessWords: Set<String> = [
        "kafé", "kafe", "kaffebar", "hotell", "motell", "bygg", "verksted", "dagligvare", "omsorgssenter", "barnehage", "lager",
        "bakeri", "bakeriet", "butikk", "butikken", "senter", "senteret", "kommune", "skole", "skolen", "restaurant", "transport",
        "service", "gruppen", "eiendom", "hagesenter", "sykehjem", "sykehjemmet", "helsesenter", "bilverksted", "frisør", "renhold",
        "regnskap", "entreprenør", "elektro", "maskin", "handel", "pizzeria", "bistro", "kantine", "vaskeri", "gartneri", "fabrikk",
    ]

    /// How a term or a matched text is looked up: NFC, one apostrophe, lower case.
    private static func key(_ text: String) -> String {
        String(text.precomposedStringWithCanonicalMapping.map { apostrophes.contains($0) ? "'" : $0 }).lowercased()
    }

    /// A name as a pattern that also matches its NFD spelling ("A\u{030A}se" for "Åse") and any apostrophe.
    private static func namePattern(_ name: String) -> String {
        name.precomposedStringWithCanonicalMapping.map { char -> String in
            if apostrophes.contains(char) { return "['\\u2019\\u2018\\u00B4`\\u02BC]" }
            let nfc = String(char), nfd = nfc.decomposedStringWithCanonicalMapping
            let escaped = NSRegularExpression.escapedPattern(for: nfc)
            // Swift's == holds "Å" and "A\u{030A}" equal; the scalars tell them apart.
            return nfd.unicodeScalars.elementsEqual(nfc.unicodeScalars) ? escaped : "(?:\(escaped)|\(NSRegularExpression.escapedPattern(for: nfd)))"
        }.joined()
    }

    /// A stored number as a pattern of its digits with any separators between them; a Norwegian
    /// phone number also without or with another spelling of +47. Nil for too few digits.
    private static func digitPattern(_ value: String, kind: Kind) -> (digits: Int, pattern: String)? {
        var digits = value.filter { $0.isASCII && $0.isNumber }
        if kind == .phone {
            if digits.count == 12, digits.hasPrefix("0047") { digits.removeFirst(4) }
            else if digits.count == 10, digits.hasPrefix("47"), value.contains("+") || value.trimmingCharacters(in: .whitespaces).hasPrefix("47") { digits.removeFirst(2) }
        }
        guard digits.count >= 5 else { return nil }
        let body = digits.map(String.init).joined(separator: "\(sep)?")
        let prefix = kind == .phone ? "(?:(?:\\+|00)47\(sep)?)?" : ""
        return (digits.count, "(?<![\\d+])\(prefix)\(body)(?![\\d])")
    }

    init(_ ids: Identifiers) {
        var terms: [Term] = []
        func add(_ text: String, _ kind: Kind) {
            let value = text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
            // Initials and one-letter parts would hit ordinary words.
            guard value.count >= 2 else { return }
            terms.append(Term(text: value, kind: kind))
        }
        /// A person's name: the whole, each word, each hyphenated part.
        func person(_ name: String, _ kind: Kind) {
            add(name, kind)
            for word in name.split(whereSeparator: \.isWhitespace) {
                add(String(word), kind)
                if word.contains("-") { word.split(separator: "-").forEach { add(String($0), kind) } }
            }
        }
        let first = ids.candidateFirstName, last = ids.candidateLastName
        person("\(first) \(last)", .candidateName)
        person(first, .candidateName)
        person(last, .candidateName)
        ids.mentorNames.forEach { person($0, .mentorName) }
        ids.contactNames.forEach { person($0, .contactName) }
        for name in ids.employerNames {
            add(name, .employerName)
            var words = name.split(whereSeparator: \.isWhitespace).map(String.init)
            func isLegalForm(_ word: String) -> Bool { Self.legalForms.contains(String(word.lowercased().filter(\.isLetter))) }
            // "Bakeriet Solstråle A/S", "AS Bakeriet": the bare name is how people write it.
            while words.count > 1, let lastWord = words.last, isLegalForm(lastWord) { words.removeLast() }
            while words.count > 1, let firstWord = words.first, isLegalForm(firstWord) { words.removeFirst() }
            if let lastWord = words.last {
                words[words.count - 1] = lastWord.trimmingCharacters(in: CharacterSet(charactersIn: ",;"))
            }
            add(words.joined(separator: " "), .employerName)
            // People write a part of a longer name ("Fjordkanten" for "Fjordkanten Kafé"); words that
            // only say what kind of business it is are left out, or every "hotell" would go.
            if words.count > 1 {
                for word in words where word.count >= 5 && !Self.businessWords.contains(word.lowercased()) { add(word, .employerName) }
            }
            // "Obs Lade" for "Coop Obs Lade": the last two words together, unless one of them is a
            // kind of business or a small word like "og".
            if words.count > 2 {
                let pair = words.suffix(2)
                let plain = pair.allSatisfy { word in
                    !Self.businessWords.contains(word.lowercased()) && word.first?.isUppercase == true && word.contains(where: \.isLetter)
                }
                if plain { add(pair.joined(separator: " "), .employerName) }
            }
        }
        // Literal values the patterns might miss when typed in another shape.
        var numbers: [(kind: Kind, digits: Int, pattern: String)] = []
        func number(_ value: String, _ kind: Kind) {
            if let found = Self.digitPattern(value, kind: kind) { numbers.append((kind, found.digits, found.pattern)) }
        }
        if let fnr = ids.nationalID { number(fnr, .nationalID) }
        (ids.candidatePhones + ids.otherPhones).forEach { number($0, .phone) }
        ids.orgNumbers.forEach { number($0, .orgNumber) }
        (ids.candidateEmails + ids.otherEmails).forEach { add($0, .email) }
        var seenPatterns = Set<String>()
        digitLiterals = numbers.sorted { ($0.digits, $1.kind) > ($1.digits, $0.kind) }
            .filter { seenPatterns.insert($0.pattern).inserted }
            .compactMap { number in (try? NSRegularExpression(pattern: number.pattern)).map { (number.kind, $0) } }

        // Longest first, so "Nordmann-Berg" is taken whole before "Nordmann"; on a tie, the
        // candidate before mentor before employer before contact person.
        var seen = Set<String>()
        var kinds: [String: Kind] = [:]
        var unique: [Term] = []
        for term in terms.sorted(by: { ($0.text.count, $1.kind) > ($1.text.count, $0.kind) }) {
            let key = Self.key(term.text)
            if seen.insert(key).inserted {
                unique.append(term)
                kinds[key] = term.kind
            }
        }
        self.terms = unique
        kindOfTerm = kinds
        let names = unique.filter(\.kind.isName).map { Self.namePattern($0.text) }
        // A name, optionally in the genitive ("Karis", "Nordmanns").
        nameRegex = names.isEmpty ? nil
            : try? NSRegularExpression(pattern: "\(Self.before)(\(names.joined(separator: "|")))(s?)\(Self.after)", options: [.caseInsensitive])
        let literals = unique.filter { !$0.kind.isName }.map { NSRegularExpression.escapedPattern(for: $0.text) }
        literalRegex = literals.isEmpty ? nil
            : try? NSRegularExpression(pattern: "(?<![\\p{L}\\p{N}@.])(\(literals.joined(separator: "|")))(?![\\p{N}])", options: [.caseInsensitive])
    }

    // MARK: - Replacing

    /// The text with every identifier replaced. Neighbouring parts of one name become one word
    /// ("Kari Anne Nordmann-Berg" → "kandidaten"); at the start of a sentence it is capitalised.
    func pseudonymise(_ text: String) -> String {
        var result = text
        // Literal values first (an e-mail address holds a name), then patterns, then names.
        if let literalRegex {
            result = Self.replace(literalRegex, in: result) { match, ns in
                let found = Self.key(ns.substring(with: match.range(at: 1)))
                return kindOfTerm[found]?.replacement ?? "[fjernet]"
            }
        }
        for (kind, regex) in digitLiterals {
            result = Self.replace(regex, in: result) { _, _ in kind.replacement }
        }
        for (kind, regex) in Self.patterns {
            result = Self.replace(regex, in: result) { _, _ in kind.replacement }
        }
        if let nameRegex { result = replaceNames(nameRegex, in: result) }
        return result
    }

    private static func replace(_ regex: NSRegularExpression, in text: String, with replacement: (NSTextCheckingResult, NSString) -> String) -> String {
        let ns = text as NSString
        var out = ""
        var last = 0
        for match in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: match.range.location - last))
            out += replacement(match, ns)
            last = match.range.location + match.range.length
        }
        out += ns.substring(from: last)
        return out
    }

    private func replaceNames(_ regex: NSRegularExpression, in text: String) -> String {
        let ns = text as NSString
        var out = ""
        var last = 0
        // The placeholder just written (its kind and where its word ends, in UTF-8 bytes), so
        // "Kari Nordmann" does not become "kandidaten kandidaten".
        var previous: (kind: Kind, wordEnd: Int)?
        for match in regex.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let between = ns.substring(with: NSRange(location: last, length: match.range.location - last))
            let found = Self.key(ns.substring(with: match.range(at: 1)))
            let kind = kindOfTerm[found] ?? .candidateName
            let genitive = match.range(at: 2).length > 0
            if let previous, previous.kind == kind, !between.isEmpty, between.allSatisfy({ $0 == " " || $0 == "-" }) {
                // The same person's name goes on: drop the gap (and an earlier genitive ending).
                out = String(decoding: out.utf8.prefix(previous.wordEnd), as: UTF8.self)
            } else {
                out += between
                var word = kind.replacement
                if Self.startsSentence(out) { word = word.prefix(1).uppercased() + word.dropFirst() }
                out += word
                previous = (kind, out.utf8.count)
            }
            last = match.range.location + match.range.length
            // "Solstråle A/S" in the text for "Solstråle AS" stored: the legal form goes with the name.
            if kind == .employerName, !genitive,
               let suffix = Self.legalSuffix.firstMatch(in: text, options: [.anchored], range: NSRange(location: last, length: ns.length - last)) {
                last += suffix.range.length
            }
            if genitive { out += "s" }
        }
        out += ns.substring(from: last)
        return out
    }

    /// Nothing but spaces since the start of the text, a full stop, a question mark or a line break.
    private static func startsSentence(_ before: String) -> Bool {
        for char in before.reversed() {
            if char == " " || char == "\t" || char == "\"" || char == "«" || char == "(" { continue }
            return char == "." || char == "!" || char == "?" || char == "\n"
        }
        return true
    }

    // MARK: - Checking

    /// Which kinds of identifier the text still holds.
    func findings(in text: String) -> Set<Kind> {
        var found = Set<Kind>()
        let range = NSRange(location: 0, length: (text as NSString).length)
        if let literalRegex {
            for match in literalRegex.matches(in: text, range: range) {
                if let kind = kindOfTerm[Self.key((text as NSString).substring(with: match.range(at: 1)))] { found.insert(kind) }
            }
        }
        for (kind, regex) in digitLiterals where regex.firstMatch(in: text, range: range) != nil {
            found.insert(kind)
        }
        for (kind, regex) in Self.patterns where regex.firstMatch(in: text, range: range) != nil {
            found.insert(kind)
        }
        if let nameRegex {
            for match in nameRegex.matches(in: text, range: range) {
                if let kind = kindOfTerm[Self.key((text as NSString).substring(with: match.range(at: 1)))] { found.insert(kind) }
            }
        }
        return found
    }

    /// The kinds found in each of several texts, by the texts' names; texts without findings are left out.
    func findings(in texts: [(field: String, text: String)]) -> [(field: String, kinds: [Kind])] {
        texts.compactMap { field, text in
            let kinds = findings(in: text).sorted()
            return kinds.isEmpty ? nil : (field, kinds)
        }
    }

    /// Whether the pattern check alone finds anything (when the pathway is gone).
    static let patternsOnly = Pseudonymiser(Identifiers())
}
