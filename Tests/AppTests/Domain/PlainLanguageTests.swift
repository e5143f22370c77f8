@testable import App
import Foundation
import Testing

// MARK: - Helpers

/// The start of `text` (`yyyy-MM-dd`) in Norwegian time.
private func day(_ text: String) -> Date {
    DisplayDate.parseDay(text)!
}

/// `yyyy-MM-dd` `HH:mm` in Norwegian time.
private func at(_ text: String, _ time: String) -> Date {
    DisplayDate.parseDayTime(text, time)!
}

/// Term → count of the findings, to compare without caring about order.
private func counts(_ text: String, _ terms: [PlainLanguageTerm.Entry] = PlainLanguage.defaults) -> [String: Int] {
    Dictionary(uniqueKeysWithValues: PlainLanguage.findings(in: text, terms: terms).map { ($0.term, $0.count) })
}

/// The marked pieces of a text, in order, with their suggestions.
private func marked(_ text: String, _ terms: [PlainLanguageTerm.Entry] = PlainLanguage.defaults) -> [String] {
    PlainLanguage.segments(text, terms: terms).filter { $0.suggestion != nil }.map(\.text)
}

/// The physical lines of a folded iCalendar line, as bytes.
private func physicalLines(_ folded: String) -> [[UInt8]] {
    var lines: [[UInt8]] = [[]]
    let bytes = Array(folded.utf8)
    var i = 0
    while i < bytes.count {
        if bytes[i] == 13, i + 1 < bytes.count, bytes[i + 1] == 10 {
            lines.append([])
            i += 2
            continue
        }
        lines[lines.count - 1].append(bytes[i])
        i += 1
    }
    return lines
}

/// What a calendar program reads back: CRLF followed by one space removed.
/// Unfolding as a calendar program does it: on the octets (a continuation may begin with a combining mark).
private func unfold(_ folded: String) -> String {
    let bytes = Array(folded.utf8)
    var out: [UInt8] = []
    var index = 0
    while index < bytes.count {
        if index + 2 < bytes.count, bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 32 {
            index += 3
        } else {
            out.append(bytes[index])
            index += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// Each physical line at most 75 octets and valid UTF-8 on its own; continuations start with a space.
private func expectFolded(_ original: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let folded = ICalendar.fold(original)
    let lines = physicalLines(folded)
    for (n, line) in lines.enumerated() {
        #expect(line.count <= 75, "line \(n + 1) is \(line.count) octets", sourceLocation: sourceLocation)
        #expect(String(bytes: line, encoding: .utf8) != nil, "line \(n + 1) is not valid UTF-8 (a character was split)", sourceLocation: sourceLocation)
        if n > 0 { #expect(line.first == 32, "continuation line \(n + 1) does not start with a space", sourceLocation: sourceLocation) }
        if n < lines.count - 1 { #expect(line.count >= 2, "line \(n + 1) is folded needlessly early", sourceLocation: sourceLocation) }
    }
    #expect(unfold(folded) == original, "unfolding gives the original back", sourceLocation: sourceLocation)
}

/// A snapshot with nothing in it; tests fill in what they need.
private func snapshot(
    active: Bool = true, hybrid: Bool = false, followUpSince: Date = day("2026-01-05"), noContactDays: Int = 30,
    events: [(PathwayEventType, Date)] = [], workplace: [Date] = [], criteria: [AlertRules.Criterion] = [],
    agreements: [AlertRules.AgreementFacts] = [], planned: [Date] = [], lastHeld: Date? = nil
) -> AlertRules.Snapshot {
    AlertRules.Snapshot(
        pathwayActive: active, candidateIsHybrid: hybrid, followUpSince: followUpSince, noContactDays: noContactDays,
        events: events.map { (type: $0.0, at: $0.1) }, workplaceContacts: workplace, criteria: criteria, agreements: agreements,
        plannedMeetings: planned, lastHeldMeeting: lastHeld
    )
}

private func kinds(_ result: (alerts: [AlertRules.Wanted], nextCheck: Date?)) -> [AlertKind] {
    result.alerts.map(\.kind)
}

private func criterion(_ id: String, state: CriterionState, deadline: Date?, overdueSince: Date? = nil, resolvable: Bool = true, now: Date) -> AlertRules.Criterion {
    AlertRules.Criterion(id: id, text: "Kriteriet \(id).", row: PathwayCriteriaStore.Row(
        pathway_id: UUID(), criterion_id: id, state: state.rawValue, deadline: deadline, limit_at: nil, overdue_since: overdueSince,
        evidence_event_id: nil, evidence_at: nil, next_check_at: nil, resolvable: resolvable, evaluated_at: now
    ))
}

@Suite("Plain language, iCalendar text and alert rules without HTTP or database")
struct PlainLanguageTests {
    // MARK: - PlainLanguage.findings

    @Test("Whole words, any letter case, with the common endings: brukeren, Tiltakene, AAP, VEDTAKET")
    func findsInflectedWordsAnyCase() {
        #expect(counts("Brukeren har søkt AAP, og Tiltakene er klare.") == ["bruker": 1, "AAP": 1, "tiltak": 1])
        #expect(counts("BRUKEREN fikk VEDTAKET om aap") == ["bruker": 1, "vedtak": 1, "AAP": 1])
        #expect(counts("Aktivitetsplikten og arbeidsevnevurderingen, hjemmelen.") == ["aktivitetsplikt": 1, "arbeidsevnevurdering": 1, "hjemmel": 1])
        // Punctuation and quotes around a word are word boundaries.
        #expect(counts("«AAP» (bruker) tiltak. vedtak! bistandsbehov? hjemmel: arbeidsrettet-") ==
            ["AAP": 1, "bruker": 1, "tiltak": 1, "vedtak": 1, "bistandsbehov": 1, "hjemmel": 1, "arbeidsrettet": 1])
        #expect(counts("AAP-søknaden") == ["AAP": 1], "a hyphen ends the word")
        // Every documented ending is found on a word ending in a consonant.
        for ending in ["", "e", "en", "et", "a", "er", "ere", "erne", "ene", "es", "ens", "ets", "ers", "s"] {
            #expect(counts("Om tiltak\(ending) i dag") == ["tiltak": 1], "tiltak\(ending)")
            #expect(counts("OM TILTAK\(ending.uppercased()) I DAG") == ["tiltak": 1], "TILTAK\(ending.uppercased())")
        }
    }

    @Test("Not inside other words: brukernavn, tiltaksplass, misbruker, ytelsesbasert, AAPX, bruker2; endings outside the list are not words of the term")
    func notInsideOtherWords() {
        for text in ["brukernavn", "Tiltaksplass", "misbruker", "ytelsesbasert", "AAPX", "XAAP", "bruker2", "2vedtak", "tiltakenes", "tiltakan", "tiltakt",
                     "hjemmelsgrunnlag", "innsatsgruppeinndeling", "arbeidsrettede"] {
            #expect(counts(text).isEmpty, "\(text) was found as \(counts(text))")
            #expect(marked(text).isEmpty, "\(text) was marked")
        }
        #expect(counts("").isEmpty)
        #expect(counts("Helt vanlig tekst uten NAV-ord.").isEmpty)
        #expect(counts("Brukeren", []).isEmpty, "an empty list finds nothing")
    }

    @Test("Repeats are counted per term; findings keep the list's words and suggestions")
    func countsRepeats() throws {
        let found = PlainLanguage.findings(in: "bruker, Bruker og BRUKERE – brukerens tiltak og tiltaket", terms: PlainLanguage.defaults)
        #expect(found.count == 2)
        let bruker = try #require(found.first { $0.term == "bruker" })
        #expect(bruker.count == 4)
        #expect(bruker.suggestion == "du / kandidaten")
        #expect(found.first { $0.term == "tiltak" }?.count == 2)
        // A custom list with a term holding regex characters: matched literally.
        let custom = [PlainLanguageTerm.Entry(term: "f.eks", suggestion: "for eksempel"), .init(term: "C++", suggestion: "programmering")]
        #expect(counts("Ta med f.eks. en matpakke", custom) == ["f.eks": 1])
        #expect(counts("Ta med fxeks en matpakke", custom).isEmpty, "the dot is not a wildcard")
    }

    @Test("Definite and plural forms of default terms ending in -e or -er are found (brukerne, ytelsen, ytelser, ytelsene, innsatsgruppen, innsatsgruppa, iverksetter)")
    func inflectedFormsOfTermsEndingInE() {
        // docs/FOLLOW_UP.md: "Words are matched whole, with common Norwegian endings". These are the commonest
        // forms of four of the twelve default words; the ending list is appended to the whole term, so they are missed.
        let expected: [(String, String)] = [
            ("Brukerne våre er fornøyde", "bruker"), ("Du får ytelsen i mai", "ytelse"), ("To ytelser", "ytelse"),
            ("Ytelsene stopper", "ytelse"), ("Innsatsgruppen din", "innsatsgruppe"), ("Innsatsgruppa di", "innsatsgruppe"),
            ("NAV iverksetter vedtaket", "iverksette"),
        ]
        for (text, term) in expected {
            #expect(counts(text)[term] == 1, "\(text): \(term) not found (found \(counts(text)))")
        }
    }

    // MARK: - PlainLanguage.segments

    @Test("Segments join to exactly the original text and mark exactly the jargon, with its suggestion")
    func segmentsRebuildTheText() {
        let texts = [
            "Brukeren får ytelse og AAP. Bruker!",
            "👍🏽 Brukeren 🇳🇴 tiltak\r\nvedtaket – «AAP» 👨‍👩‍👧",
            "bruker/tiltak",
            "Ingen NAV-ord her.",
            "Bruker",
            "  vedtak  ",
            "e\u{0301}bruker bruker\u{0301}",
        ]
        for text in texts {
            let segments = PlainLanguage.segments(text, terms: PlainLanguage.defaults)
            #expect(segments.map(\.text).joined() == text, "\(text) is rebuilt")
            #expect(!segments.contains { $0.text.isEmpty }, "no empty pieces in \(text)")
            // No two plain pieces in a row: the text is cut only at marks.
            for (a, b) in zip(segments, segments.dropFirst()) {
                #expect(a.suggestion != nil || b.suggestion != nil, "two plain pieces in a row in \(text)")
            }
        }
        let first = PlainLanguage.segments("Brukeren får ytelse og AAP. Bruker!", terms: PlainLanguage.defaults)
        #expect(first.map(\.text) == ["Brukeren", " får ", "ytelse", " og ", "AAP", ". ", "Bruker", "!"])
        #expect(first.map(\.suggestion) == ["du / kandidaten", nil, "pengene du får fra NAV", nil, "arbeidsavklaringspenger (skriv ordet helt ut)", nil, "du / kandidaten", nil])
        #expect(marked("👍🏽 Brukeren 🇳🇴 tiltak\r\nvedtaket – «AAP» 👨‍👩‍👧") == ["Brukeren", "tiltak", "vedtaket", "AAP"])
        #expect(marked("bruker/tiltak") == ["bruker", "tiltak"])
        #expect(marked("  vedtak  ") == ["vedtak"])
        let plain = PlainLanguage.segments("Ingen NAV-ord her.", terms: PlainLanguage.defaults)
        #expect(plain.count == 1 && plain.first?.suggestion == nil)
    }

    @Test("Empty text: no segments, no findings; no terms: one plain segment")
    func emptyText() {
        #expect(PlainLanguage.segments("", terms: PlainLanguage.defaults).isEmpty)
        #expect(PlainLanguage.findings(in: "", terms: PlainLanguage.defaults).isEmpty)
        let whole = PlainLanguage.segments("Brukeren får ytelse", terms: [])
        #expect(whole.map(\.text) == ["Brukeren får ytelse"] && whole.first?.suggestion == nil)
    }

    @Test("Overlapping terms: the first listed wins in the marks, pieces never overlap; findings count both")
    func overlappingTerms() {
        let short = PlainLanguageTerm.Entry(term: "AAP", suggestion: "arbeidsavklaringspenger")
        let long = PlainLanguageTerm.Entry(term: "AAP-søknad", suggestion: "søknaden om arbeidsavklaringspenger")
        let text = "Om AAP-søknaden din og AAP"
        let shortFirst = PlainLanguage.segments(text, terms: [short, long])
        #expect(shortFirst.map(\.text).joined() == text)
        #expect(shortFirst.filter { $0.suggestion != nil }.map(\.text) == ["AAP", "AAP"])
        #expect(shortFirst.filter { $0.suggestion != nil }.allSatisfy { $0.suggestion == short.suggestion })
        let longFirst = PlainLanguage.segments(text, terms: [long, short])
        #expect(longFirst.map(\.text).joined() == text)
        #expect(longFirst.filter { $0.suggestion != nil }.map(\.text) == ["AAP-søknaden", "AAP"])
        #expect(longFirst.filter { $0.suggestion != nil }.map(\.suggestion) == [long.suggestion, short.suggestion])
        #expect(counts(text, [short, long]) == ["AAP": 2, "AAP-søknad": 1])
    }

    // MARK: - ICalendar.escape

    @Test("escape: backslash, semicolon, comma and line breaks escaped; other control characters dropped; the rest kept")
    func icalendarEscape() {
        #expect(ICalendar.escape(#"a\b;c,d"#) == #"a\\b\;c\,d"#)
        #expect(ICalendar.escape("linje 1\nlinje 2\r\nlinje 3\rlinje 4") == #"linje 1\nlinje 2\nlinje 3\nlinje 4"#)
        #expect(ICalendar.escape("bjelle\u{07} esc\u{1B}[31m del\u{7F} tab\tslutt nul\u{0}") == "bjelle esc[31m del tabslutt nul")
        #expect(ICalendar.escape("Møte: «Fjellheimen» \"rom 2\" – 👍🏽 ÆØÅ") == "Møte: «Fjellheimen» \"rom 2\" – 👍🏽 ÆØÅ")
        #expect(ICalendar.escape("") == "")
    }

    // MARK: - ICalendar.fold

    @Test("fold: 75 octets on the first line, 74 plus the space after; short lines unchanged; unfolding gives the text back")
    func icalendarFoldASCII() {
        #expect(ICalendar.fold("SUMMARY:Kort") == "SUMMARY:Kort")
        let exactly75 = "SUMMARY:" + String(repeating: "x", count: 67)
        #expect(exactly75.utf8.count == 75)
        #expect(ICalendar.fold(exactly75) == exactly75)
        let folded76 = ICalendar.fold(exactly75 + "y")
        #expect(folded76 == exactly75 + "\r\n y")
        let long = "DESCRIPTION:" + String(repeating: "abcdefghij", count: 20)
        let lines = physicalLines(ICalendar.fold(long))
        #expect(lines.first?.count == 75)
        #expect(lines.dropFirst().dropLast().allSatisfy { $0.count == 75 && $0.first == 32 })
        expectFolded(long)
    }

    @Test("fold never splits a UTF-8 character: æøå (2 octets) and emoji (4 octets, and longer sequences)")
    func icalendarFoldMultibyte() {
        let norwegian = "SUMMARY:" + String(repeating: "æøå", count: 40)
        expectFolded(norwegian)
        // 8 + 33 × 2 = 74: the 34th letter would make 76.
        #expect(physicalLines(ICalendar.fold(norwegian)).first?.count == 74)
        let emoji = "LOCATION:" + String(repeating: "👍", count: 30) + String(repeating: "👍🏽", count: 10) + String(repeating: "🇳🇴", count: 10)
            + String(repeating: "👨‍👩‍👧‍👦", count: 5) + " slutt"
        expectFolded(emoji)
        // Offsets 0…3 before the emoji: the fold lands before, never inside, the four octets.
        for pad in 0..<4 {
            expectFolded("SUMMARY:" + String(repeating: "x", count: 64 + pad) + "😀😀😀 og æ")
        }
    }

    @Test("fold keeps every line within 75 octets also for a character cluster longer than a line (combining marks)")
    func icalendarFoldLongCluster() {
        // One grapheme: a letter with 50 combining acute accents (101 octets). RFC 5545 forbids splitting a UTF-8
        // character, not a cluster of them; a place typed with such text must still give lines of at most 75 octets.
        let zalgo = "Z" + String(repeating: "\u{0301}", count: 50)
        expectFolded("LOCATION:" + zalgo + " møterom")
    }

    // MARK: - AlertRules.evaluate

    @Test("Not active: no alerts and no next check, whatever the data says")
    func notActive() {
        let now = at("2026-09-21", "12:00")
        let s = snapshot(
            active: false, hybrid: true, events: [(.placementStart, day("2026-01-10"))],
            criteria: [criterion("T1", state: .overdue, deadline: day("2026-02-01"), now: now)],
            agreements: [.init(id: UUID(), type: .mentor, start: day("2026-01-10"), end: day("2026-10-01")),
                         .init(id: UUID(), type: .workTraining, start: day("2026-09-22"), end: day("2026-12-31"))],
            planned: [day("2026-09-01")]
        )
        let result = AlertRules.evaluate(s, now: now)
        #expect(result.alerts.isEmpty)
        #expect(result.nextCheck == nil)
        // The same data on an active pathway gives all of them.
        var active = s
        active.pathwayActive = true
        #expect(Set(kinds(AlertRules.evaluate(active, now: now))) == [.noWorkplaceContact, .criterionOverdue, .agreementEnding, .firstWorkday, .noNextMeeting])
    }

    @Test("no_workplace_contact opens exactly at RuleDuration(N, .day).deadline(after: last contact), not a second before")
    func noWorkplaceContactBoundary() throws {
        let start = at("2026-08-01", "09:00")
        let contact = at("2026-08-10", "14:00")
        let due = RuleDuration(30, .day).deadline(after: contact)
        #expect(due == day("2026-09-10"), "the day of the contact plus 30 whole days")
        let s = snapshot(events: [(.placementStart, start), (.mentorContact, contact)], workplace: [contact])

        let before = AlertRules.evaluate(s, now: due.addingTimeInterval(-1))
        #expect(before.alerts.isEmpty)
        #expect(before.nextCheck == due, "the next turn is the deadline")

        let onTime = AlertRules.evaluate(s, now: due)
        #expect(kinds(onTime) == [.noWorkplaceContact])
        let alert = try #require(onTime.alerts.first)
        #expect(alert.since == due && alert.subject == "")
        #expect(alert.args == ["10.08.2026", "30", "contact"])
        #expect(onTime.nextCheck == nil)

        // The office's limit: 7 days from the same contact.
        var seven = s
        seven.noContactDays = 7
        #expect(AlertRules.evaluate(seven, now: day("2026-08-18").addingTimeInterval(-1)).alerts.isEmpty)
        #expect(AlertRules.evaluate(seven, now: day("2026-08-18")).alerts.first?.args == ["10.08.2026", "7", "contact"])
    }

    @Test("no_workplace_contact counts from the start without contact; a contact on the start day counts, one before it does not; an ended placement or a job taste")
    func noWorkplaceContactFromStart() {
        let start = at("2026-08-01", "12:00")
        let now = at("2026-09-21", "12:00")
        // No contact: since the start.
        let none = AlertRules.evaluate(snapshot(events: [(.placementStart, start)]), now: now)
        #expect(none.alerts.first?.args == ["01.08.2026", "30", "start"])
        #expect(none.alerts.first?.since == day("2026-09-01"))
        // A contact the day before the start belongs to an earlier time.
        let dayBefore = at("2026-07-31", "12:00")
        #expect(AlertRules.evaluate(snapshot(events: [(.placementStart, start)], workplace: [dayBefore]), now: now).alerts.first?.args.last == "start")
        // A contact earlier on the start day counts.
        let morning = at("2026-08-01", "08:00")
        let sameDay = AlertRules.evaluate(snapshot(events: [(.placementStart, start)], workplace: [morning]), now: now)
        #expect(sameDay.alerts.first?.args == ["01.08.2026", "30", "contact"])
        // A contact after now (not possible from the forms) does not count.
        let recent = at("2026-09-20", "10:00")
        let withRecent = AlertRules.evaluate(snapshot(events: [(.placementStart, start)], workplace: [recent]), now: now)
        #expect(withRecent.alerts.isEmpty && withRecent.nextCheck == RuleDuration(30, .day).deadline(after: recent))
        // A contact later today (registered ahead): a turn at its moment.
        let tonight = at("2026-09-21", "18:00")
        let ahead = AlertRules.evaluate(snapshot(events: [(.placementStart, at("2026-09-01", "09:00"))], workplace: [tonight]), now: now)
        #expect(ahead.alerts.isEmpty && ahead.nextCheck == tonight)
        // Ended: nothing, and nothing to check.
        let ended = AlertRules.evaluate(snapshot(events: [(.placementStart, start), (.placementEnded, at("2026-08-20", "12:00"))]), now: now)
        #expect(ended.alerts.isEmpty && ended.nextCheck == nil)
        // A new placement after the end starts the count again.
        let again = AlertRules.evaluate(snapshot(events: [(.placementStart, start), (.placementEnded, at("2026-08-20", "12:00")),
                                                          (.placementStart, at("2026-09-01", "09:00"))]), now: now)
        #expect(again.alerts.isEmpty && again.nextCheck == day("2026-10-02"))
        // An end and a new start on the same day (both registered as days): the new placement runs.
        let restarted = AlertRules.evaluate(snapshot(events: [(.placementStart, day("2026-07-01")), (.placementEnded, day("2026-08-01")),
                                                              (.placementStart, day("2026-08-01"))]), now: now)
        #expect(restarted.alerts.first?.args == ["01.08.2026", "30", "start"])
        // An approved job taste within its days is a placement too; after its last day it is not.
        let taste = AlertRules.AgreementFacts(id: UUID(), type: .jobTaste, start: day("2026-08-01"), end: day("2026-09-30"))
        let tasting = AlertRules.evaluate(snapshot(agreements: [taste]), now: now)
        #expect(kinds(tasting) == [.noWorkplaceContact], "a job taste has no agreement_ending")
        #expect(tasting.alerts.first?.args == ["01.08.2026", "30", "start"])
        #expect(tasting.nextCheck == day("2026-10-01"), "the day after the taste ends is a turn")
        #expect(AlertRules.evaluate(snapshot(agreements: [taste]), now: day("2026-10-01")).alerts.isEmpty)
        // A start in the future: not yet.
        #expect(AlertRules.evaluate(snapshot(events: [(.placementStart, at("2026-10-01", "09:00"))]), now: now).alerts.isEmpty)
    }

    @Test("first_workday: from the start of the day before until the end of the start day; the next check is the window's edge")
    func firstWorkdayWindow() throws {
        let id = UUID()
        let start = day("2026-09-22")
        let agreement = AlertRules.AgreementFacts(id: id, type: .workTraining, start: start, end: nil)
        let s = snapshot(agreements: [agreement])

        let early = AlertRules.evaluate(s, now: day("2026-09-21").addingTimeInterval(-1))
        #expect(early.alerts.isEmpty)
        #expect(early.nextCheck == day("2026-09-21"))

        for now in [day("2026-09-21"), at("2026-09-21", "23:59"), day("2026-09-22"), at("2026-09-22", "15:00"), day("2026-09-23").addingTimeInterval(-1)] {
            let open = AlertRules.evaluate(s, now: now)
            #expect(kinds(open) == [.firstWorkday], "at \(now)")
            let alert = try #require(open.alerts.first)
            #expect(alert.subject == id.uuidString && alert.since == day("2026-09-21"))
            #expect(alert.args == ["arbeidstrening", "22.09.2026"])
            #expect(open.nextCheck == day("2026-09-23"))
        }
        let after = AlertRules.evaluate(s, now: day("2026-09-23"))
        #expect(after.alerts.isEmpty && after.nextCheck == nil)

        // A type without a start (mentor support), or an agreement not approved: never.
        #expect(AlertRules.evaluate(snapshot(agreements: [.init(id: id, type: .mentor, start: start, end: nil)]), now: day("2026-09-22")).alerts.isEmpty)
        #expect(AlertRules.evaluate(snapshot(agreements: [.init(id: id, type: .workTraining, start: nil, end: nil)]), now: day("2026-09-22")).alerts.isEmpty)
    }

    @Test("agreement_ending: the last 30 days up to the end day, unless evaluated since the start or the last extension")
    func agreementEndingWindow() throws {
        let id = UUID()
        let facts = AlertRules.AgreementFacts(id: id, type: .mentor, start: day("2026-03-01"), end: day("2026-10-15"))
        let opens = day("2026-09-15")
        let closes = day("2026-10-16")

        let before = AlertRules.evaluate(snapshot(agreements: [facts]), now: opens.addingTimeInterval(-1))
        #expect(before.alerts.isEmpty && before.nextCheck == opens)

        let inWindow = AlertRules.evaluate(snapshot(agreements: [facts]), now: opens)
        #expect(kinds(inWindow) == [.agreementEnding])
        let alert = try #require(inWindow.alerts.first)
        #expect(alert.subject == id.uuidString && alert.since == opens && alert.args == ["mentor", "15.10.2026"])
        #expect(inWindow.nextCheck == closes)
        #expect(kinds(AlertRules.evaluate(snapshot(agreements: [facts]), now: at("2026-10-15", "23:00"))) == [.agreementEnding], "the end day itself")

        let after = AlertRules.evaluate(snapshot(agreements: [facts]), now: closes)
        #expect(after.alerts.isEmpty && after.nextCheck == nil)

        // Evaluated after the start: nothing, but the window's end is still a turn.
        let evaluated = AlertRules.evaluate(snapshot(events: [(.evaluationMeeting, at("2026-06-01", "10:00"))], agreements: [facts]), now: opens)
        #expect(evaluated.alerts.isEmpty && evaluated.nextCheck == closes)
        // An evaluation before the start does not count.
        #expect(kinds(AlertRules.evaluate(snapshot(events: [(.evaluationMeeting, day("2026-02-01"))], agreements: [facts]), now: opens)) == [.agreementEnding])

        // Extended on 1 August: the June evaluation no longer counts; one on the extension day (any hour) does.
        var extended = facts
        extended.lastExtension = at("2026-08-01", "15:00")
        #expect(kinds(AlertRules.evaluate(snapshot(events: [(.evaluationMeeting, at("2026-06-01", "10:00"))], agreements: [extended]), now: opens)) == [.agreementEnding])
        #expect(AlertRules.evaluate(snapshot(events: [(.evaluationMeeting, at("2026-08-01", "08:00"))], agreements: [extended]), now: opens).alerts.isEmpty)
        #expect(AlertRules.evaluate(snapshot(events: [(.evaluationMeeting, at("2026-09-30", "10:00"))], agreements: [extended]), now: at("2026-10-01", "10:00")).alerts.isEmpty)

        // An agreement that starts inside what would be its window: not before its start.
        let late = AlertRules.AgreementFacts(id: id, type: .mentor, start: day("2026-09-25"), end: day("2026-10-10"))
        let notYet = AlertRules.evaluate(snapshot(agreements: [late]), now: at("2026-09-21", "12:00"))
        #expect(notYet.alerts.isEmpty && notYet.nextCheck == day("2026-09-25"))
        #expect(AlertRules.evaluate(snapshot(agreements: [late]), now: day("2026-09-25")).alerts.first?.since == day("2026-09-25"))

        // A status meeting is not an evaluation.
        #expect(kinds(AlertRules.evaluate(snapshot(events: [(.statusMeeting, at("2026-06-01", "10:00"))], agreements: [facts]), now: opens)) == [.agreementEnding])
        // Not approved: nothing.
        #expect(AlertRules.evaluate(snapshot(agreements: [.init(id: id, type: .mentor, start: nil, end: nil)]), now: opens).alerts.isEmpty)
    }

    @Test("no_next_meeting: hybrid only; a planned meeting whose time has passed does not count; since the latest of follow-up start, last held and passed meeting")
    func noNextMeeting() throws {
        let now = at("2026-09-21", "12:00")
        let passed = at("2026-09-01", "10:00")
        let held = at("2026-08-01", "10:00")
        let s = snapshot(hybrid: true, followUpSince: day("2026-06-01"), planned: [passed], lastHeld: held)
        let result = AlertRules.evaluate(s, now: now)
        #expect(kinds(result) == [.noNextMeeting])
        let alert = try #require(result.alerts.first)
        #expect(alert.since == passed && alert.subject == "")
        #expect(alert.args == ["01.08.2026"])
        #expect(result.nextCheck == nil)

        // Nothing held: an empty argument (the page says "no meeting yet"); since the follow-up start.
        let fresh = AlertRules.evaluate(snapshot(hybrid: true, followUpSince: day("2026-09-01")), now: now)
        #expect(fresh.alerts.first?.args == [""] && fresh.alerts.first?.since == day("2026-09-01"))
        // Follow-up "since" later than now (a future hybrid start) is capped at now.
        #expect(AlertRules.evaluate(snapshot(hybrid: true, followUpSince: day("2026-10-01")), now: now).alerts.first?.since == now)

        // A future meeting: none, and its start is the next turn.
        let next = at("2026-09-25", "09:00")
        let booked = AlertRules.evaluate(snapshot(hybrid: true, planned: [passed, next, at("2026-10-25", "09:00")]), now: now)
        #expect(booked.alerts.isEmpty && booked.nextCheck == next)
        // Starting exactly now is not "next".
        #expect(kinds(AlertRules.evaluate(snapshot(hybrid: true, planned: [now]), now: now)) == [.noNextMeeting])
        // Not hybrid: never.
        #expect(AlertRules.evaluate(snapshot(hybrid: false, planned: [passed]), now: now).alerts.isEmpty)
    }

    @Test("criterion_overdue for an overdue, resolvable criterion; nextCheck is the earliest future turn of all rules")
    func criteriaAndEarliestTurn() throws {
        let now = at("2026-09-21", "12:00")
        let overdue = criterion("T1.2a", state: .due, deadline: day("2026-09-10"), now: now)
        let lost = criterion("T9", state: .overdue, deadline: day("2026-09-01"), overdueSince: day("2026-09-01"), resolvable: false, now: now)
        let dueSoon = criterion("H5.2", state: .due, deadline: day("2026-09-23"), now: now)
        let meetingSoon = at("2026-09-25", "10:00")
        let s = snapshot(
            hybrid: true, events: [(.placementStart, at("2026-09-01", "09:00"))], criteria: [overdue, lost, dueSoon],
            agreements: [.init(id: UUID(), type: .mentor, start: day("2026-03-01"), end: day("2026-11-09"))], planned: [meetingSoon]
        )
        let result = AlertRules.evaluate(s, now: now)
        #expect(kinds(result) == [.criterionOverdue])
        let alert = try #require(result.alerts.first)
        #expect(alert.subject == "T1.2a" && alert.since == day("2026-09-10"))
        #expect(alert.args == ["T1.2a", "Kriteriet T1.2a.", "09.09.2026"], "the last allowed day")
        // Turns: placement due 2 Oct, H5.2 deadline 23 Sep, meeting 25 Sep, agreement window 10 Oct → 23 Sep.
        #expect(result.nextCheck == day("2026-09-23"))

        var withoutCriterion = s
        withoutCriterion.criteria = [overdue, lost]
        #expect(AlertRules.evaluate(withoutCriterion, now: now).nextCheck == meetingSoon)
        withoutCriterion.plannedMeetings = []
        withoutCriterion.candidateIsHybrid = false
        #expect(AlertRules.evaluate(withoutCriterion, now: now).nextCheck == day("2026-10-02"))
        withoutCriterion.events = []
        #expect(AlertRules.evaluate(withoutCriterion, now: now).nextCheck == day("2026-10-10"))
    }
}
