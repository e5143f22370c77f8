@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Helpers for the employer, job development, mentor and agreement pages, used as a counselor
/// would: forms posted with the CSRF token, redirects followed, HTML read.
private enum Pages {
    private static let counter = NIOLockedValueBox(0)

    /// A fresh synthetic number born 1958–61: older than any demo candidate, young enough for
    /// an agreement (a participant is at most 72 on its last day).
    static func fnr() -> String {
        let n = counter.withLockedValue { value -> Int in
            value += 1
            return value
        }
        return NationalID.synthetic(day: 1 + n % 28, month: 1 + (n / 28) % 12, year: 1958 + (n / 336) % 4, individualSeed: n * 53 + 7)
    }

    /// `days` days after the test clock's today (before it when negative), as a date input holds it.
    static func day(_ t: TestApp, _ days: Int) -> String {
        DisplayDate.dayInput(t.clock.now().addingTimeInterval(Double(days) * 86_400))
    }

    /// The first UUID in a redirect's path ("/avtaler/<id>/rediger?melding=…" → id).
    static func id(_ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> UUID {
        let location = try #require(response.headers.first(name: .location), "no Location (\(response.status.code)): \(problems(response.text))",
                                    sourceLocation: sourceLocation)
        let path = location.split(separator: "?", maxSplits: 1)[0].split(separator: "#", maxSplits: 1)[0]
        return try #require(path.split(separator: "/").lazy.compactMap { UUID(uuidString: String($0)) }.first, "no id in \(location)", sourceLocation: sourceLocation)
    }

    /// Expects a redirect and opens where it points (without the fragment).
    @discardableResult
    static func follow(_ browser: Browser, _ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) async throws -> TestingHTTPResponse {
        #expect(response.status == .seeOther, "expected 303, got \(response.status.code): \(problems(response.text))", sourceLocation: sourceLocation)
        let location = try #require(response.headers.first(name: .location), sourceLocation: sourceLocation)
        let page = try await browser.get(String(location.split(separator: "#", maxSplits: 1)[0]))
        #expect(page.status == .ok, "GET \(location) answered \(page.status.code)", sourceLocation: sourceLocation)
        return page
    }

    /// The field errors of a page, "id: message", to explain a failed expectation.
    static func problems(_ html: String) -> String {
        guard let regex = try? Regex(#"<p class="field-error" id="([^"]+)">([^<]*)</p>"#) else { return "" }
        let found = html.matches(of: regex).map { m in "\(m.output[1].substring ?? ""): \(m.output[2].substring ?? "")" }
        return found.isEmpty ? String(html.prefix(300)) : found.joined(separator: " | ")
    }

    /// The `<div class="field">` of one form field: its label, input, hint and error.
    static func field(_ html: String, _ id: String) -> String? {
        guard let start = html.range(of: "<label for=\"\(id)\"") else { return nil }
        guard let end = html.range(of: "</div>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.lowerBound])
    }

    /// Non-breaking and narrow spaces as plain spaces, to match amounts.
    static func plainSpaces(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
    }

    /// A page answered 200 and shows no template error, Leaf syntax or raw string-table key.
    static func expectRendered(_ response: TestingHTTPResponse, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == .ok, "\(path) answered \(response.status.code): \(response.text.prefix(300))", sourceLocation: sourceLocation)
        let text = response.text
        for marker in ["LeafError", "LeafKit", "#(", "#t(", "#if(", "#else", "#endif", "#for(", "#endfor", "#extend(", "#export(", "#count(", "Internal Server Error"] {
            #expect(!text.contains(marker), "\(path) shows \(marker)", sourceLocation: sourceLocation)
        }
        do {
            let keys = try rawKeys(text)
            #expect(keys.isEmpty, "\(path) shows raw string keys: \(keys)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("the raw-key pattern does not compile: \(error)", sourceLocation: sourceLocation)
        }
    }

    /// String-table keys shown as an element's whole text (what `req.t` gives for a key it lacks).
    static func rawKeys(_ html: String) throws -> [String] {
        let prefixes = "employer|employer_size|agreement|agreement_status|agreement_type|agreement_goal|approval_party|annulment|mentor|mentor_position|approach|approach_channel|approach_outcome|analysis|language_requirement|week|jobs|subsidy|match|cooperation|industry|form|pathway|event"
        let regex = try Regex(">\\s*((?:\(prefixes))\\.[A-Za-z_0-9][A-Za-z_0-9.+-]*)\\s*<")
        return html.matches(of: regex).compactMap { $0.output[1].substring.map(String.init) }
    }

    /// Registers a candidate through the form (as `browser`'s user) and returns its id.
    static func candidate(_ browser: Browser, first: String, last: String, innsats: String = "standard") async throws -> UUID {
        try await CandidateFixture.register(browser, CandidateFixture.fields(fnr: fnr(), first: first, last: last, innsats: innsats))
    }

    /// Starts a pathway on the model through the form, referred `daysAgo` days ago.
    static func pathway(_ t: TestApp, _ browser: Browser, candidate: UUID, daysAgo: Int, model key: String = "hybridmodellen") async throws -> UUID {
        let office = try #require(try await Candidate.find(candidate, on: t.db)).$office.id
        let records = try await t.app.samskap.methodModels.available(for: office, on: t.db)
        let model = try #require(records.first { $0.key == key }?.id)
        try await browser.get("/kandidater/\(candidate)/forlop/ny")
        let response = try await browser.post("/kandidater/\(candidate)/forlop", [
            ("methodModel", model.uuidString), ("referralDate", day(t, -daysAgo)), ("referrer", "Veileder Per"),
        ])
        #expect(response.status == .seeOther, "start answered \(response.status.code): \(problems(response.text))")
        return try id(response)
    }

    /// Registers an employer through the list page's form and returns its id.
    static func employer(_ browser: Browser, _ name: String, orgnr: String = "", municipality: String = "Nordby") async throws -> UUID {
        try await browser.get("/virksomheter")
        let response = try await browser.post("/virksomheter", [
            ("name", name), ("orgnr", orgnr), ("industry", ""), ("size", ""), ("address", ""), ("municipality", municipality), ("ownerId", ""),
        ])
        #expect(response.status == .seeOther, "register employer answered \(response.status.code): \(problems(response.text))")
        return try id(response)
    }

    /// Registers a mentor on the employer's page and returns its id.
    static func mentor(_ t: TestApp, _ browser: Browser, employer: UUID, name: String) async throws -> UUID {
        try await browser.get("/virksomheter/\(employer)")
        let response = try await browser.post("/virksomheter/\(employer)/mentorer", [("name", name), ("position", "kollega"), ("phone", "412 34 599"), ("email", "")])
        #expect(response.status == .seeOther, "mentor answered \(response.status.code): \(problems(response.text))")
        return try #require(try await Mentor.query(on: t.db).filter(\.$employer.$id == employer).filter(\.$name == name).first()?.id)
    }

    /// Starts an agreement from the pathway's job page; returns its id.
    static func agreement(_ browser: Browser, pathway: UUID, type: String, employer: UUID) async throws -> UUID {
        try await browser.get("/forlop/\(pathway)/jobb")
        let response = try await browser.post("/forlop/\(pathway)/avtaler", [("type", type), ("employerId", employer.uuidString)])
        #expect(response.status == .seeOther, "new agreement answered \(response.status.code): \(problems(response.text))")
        return try id(response)
    }

    /// The edit form's fields, complete for a type without wage subsidy; with `mentor`, the mentor fields too.
    static func terms(start: String, end: String, tasks: String = "Varemottak og plukk på lager", mentor: UUID? = nil, hours: String = "10",
                      wage: String = "300", changeNote: String = "") -> [(String, String)] {
        var fields = [
            ("startDate", start), ("endDate", end), ("goal_arbeidserfaring", "on"), ("goalText_arbeidserfaring", "Få arbeidserfaring fra lager"),
            ("tasks", tasks), ("followUp", "Veileder besøker arbeidsplassen hver måned"), ("navContact", "Vera Veileder, 412 34 567"),
            ("workplaceContact", "Siv Lager, 412 34 568"), ("changeNote", changeNote),
        ]
        if let mentor { fields += [("mentorId", mentor.uuidString), ("mentorHoursPerMonth", hours), ("hourlyWage", wage)] }
        return fields
    }

    /// The first day of next month and the last day of a period of `months` months from it.
    static func period(_ t: TestApp, months: Int) -> (start: Date, end: Date) {
        let calendar = RuleDuration.calendar
        let nextMonth = calendar.date(byAdding: .month, value: 1, to: calendar.startOfDay(for: t.clock.now()))!
        let start = calendar.date(from: calendar.dateComponents([.year, .month], from: nextMonth))!
        let end = calendar.date(byAdding: .day, value: -1, to: calendar.date(byAdding: .month, value: months, to: start)!)!
        return (start, end)
    }

    static func versions(_ t: TestApp, _ agreement: UUID) async throws -> [AgreementVersion] {
        try await AgreementVersion.query(on: t.db).filter(\.$agreement.$id == agreement).sort(\.$version).all()
    }
}

@Suite("Employer pages: register, search, status, visits, job development, agreements, mentors")
struct EmployerPagesTests {
    // MARK: - 1. Registering an employer

    @Test("Registering an employer: hostile name shown escaped; bad orgnr, overlong and duplicate names refused next to the field, nothing stored")
    func register() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let office = try await t.office("9901").requireID()

            // A hostile name is stored as typed and shown as text.
            let hostile = #"<script>alert("x")</script> Bakeri «æøå»"#
            let id = try await Pages.employer(browser, hostile)
            let stored = try #require(try await Employer.find(id, on: t.db))
            #expect(stored.name == hostile)
            #expect(stored.$office.id == office && stored.cooperationStatus == .new)
            let page = try await browser.get("/virksomheter/\(id)")
            #expect(page.status == .ok)
            #expect(page.text.contains("&lt;script&gt;alert("))
            #expect(page.text.contains("Bakeri «æøå»"))
            #expect(!page.text.contains("<script>alert"), "the name is never put in the page raw")
            #expect(try await t.auditEntries(.employerCreated).contains { $0.objectID == id.uuidString && $0.actorUsername == "veileder1" })

            // An organisation number with a wrong check digit: 422, the error by the field, the text kept.
            var count = try await Employer.query(on: t.db).count()
            try await browser.get("/virksomheter")
            let badNumber = try await browser.post("/virksomheter", [("name", "Gyldig Navn AS"), ("orgnr", "974760674"), ("municipality", "Nordby")])
            #expect(badNumber.status == .unprocessableEntity)
            let orgnrField = try #require(Pages.field(badNumber.text, "ny-virksomhet-orgnr"), "the orgnr field is on the page")
            #expect(orgnrField.contains(#"<p class="field-error" id="ny-virksomhet-orgnr-error">"#))
            #expect(orgnrField.contains("Organisasjonsnummeret er ikke gyldig (kontrollsifferet stemmer ikke)."))
            #expect(orgnrField.contains(#"aria-invalid="true""#) && orgnrField.contains("ny-virksomhet-orgnr-error\""))
            #expect(orgnrField.contains(#"value="974760674""#), "the number typed is kept")
            #expect(badNumber.text.contains(#"id="ny-virksomhet-name" name="name" type="text" value="Gyldig Navn AS""#), "the name typed is kept")
            #expect(badNumber.text.contains(##"href="#ny-virksomhet-orgnr""##), "the summary links to the field")
            #expect(try await Employer.query(on: t.db).count() == count)

            // A 10 000-character name is refused on the name field.
            let long = String(repeating: "x", count: 10_000)
            let tooLong = try await browser.post("/virksomheter", [("name", long), ("orgnr", "")])
            #expect(tooLong.status == .unprocessableEntity)
            let nameField = try #require(Pages.field(tooLong.text, "ny-virksomhet-name"))
            #expect(nameField.contains(#"id="ny-virksomhet-name-error""#))
            #expect(nameField.contains("Teksten er for lang (høyst 200 tegn)."))
            #expect(try await Employer.query(on: t.db).count() == count)

            // The same name in other letter case: refused, naming the employer that exists; no row.
            let first = try await Pages.employer(browser, "Nordlys Kaffebar")
            count = try await Employer.query(on: t.db).count()
            try await browser.get("/virksomheter")
            let duplicate = try await browser.post("/virksomheter", [("name", "NORDLYS KAFFEBAR"), ("orgnr", "")])
            #expect(duplicate.status == .unprocessableEntity || duplicate.status == .conflict, "duplicate answered \(duplicate.status.code)")
            #expect(duplicate.text.contains("Virksomheten finnes allerede i registeret: Nordlys Kaffebar."))
            #expect(Pages.field(duplicate.text, "ny-virksomhet-name")?.contains("ny-virksomhet-name-error") == true)
            #expect(duplicate.text.contains(#"value="NORDLYS KAFFEBAR""#))
            #expect(try await Employer.query(on: t.db).count() == count)
            #expect(try await Employer.query(on: t.db).filter(\.$nameKey == SearchText.folded("Nordlys Kaffebar")).all().map(\.id) == [first])
        }
    }

    // MARK: - 2. Search and other offices

    @Test("The list finds by part of the name and by the first digits of the orgnr; another office gets 404, audited")
    func searchAndOtherOffice() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let id = try await Pages.employer(browser, "Nordlys Kaffebar", orgnr: "974 760 673")
            #expect(try await Employer.find(id, on: t.db)?.orgnr == "974760673")

            func rows(_ query: String) async throws -> [String] {
                let response = try await browser.get("/virksomheter?q=\(query)")
                #expect(response.status == .ok, "search \(query) answered \(response.status.code)")
                guard let body = response.text.range(of: "<tbody>"), let end = response.text.range(of: "</tbody>", range: body.upperBound..<response.text.endIndex) else { return [] }
                let table = String(response.text[body.upperBound..<end.lowerBound])
                let regex = try Regex(#"href="/virksomheter/([0-9A-Fa-f-]{36})""#)
                return table.matches(of: regex).compactMap { $0.output[1].substring.map(String.init) }
            }
            // Part of the name, any letter case.
            #expect(try await rows("lys%20kaff") == [id.uuidString])
            #expect(try await rows("NORDLYS").contains(id.uuidString))
            // The first digits of the number, with or without the spaces it is printed with.
            #expect(try await rows("97476") == [id.uuidString])
            #expect(try await rows("974%20760") == [id.uuidString])
            #expect(try await rows("97476").count == 1, "demo numbers start with 1")
            let page = try await browser.get("/virksomheter?q=97476")
            #expect(page.text.contains("974 760 673") && page.text.contains("Nordlys Kaffebar"))
            // A demo employer by part of its name; ours is not among them.
            let demo = try await rows("fjellheim")
            #expect(!demo.isEmpty && !demo.contains(id.uuidString))
            #expect(try await rows("finnes%20ikke%20her").isEmpty)

            // Another office: 404 on the page and on its forms, recorded as denied; not in their list.
            let other = t.browser()
            try await other.login("veileder3")
            let denied = try await other.get("/virksomheter/\(id)")
            #expect(denied.status == .notFound)
            #expect(!denied.text.contains("Nordlys"))
            let note = try await other.post("/virksomheter/\(id)/notater", [("text", "Fra et annet kontor")])
            #expect(note.status == .notFound)
            #expect(try await EmployerNote.query(on: t.db).filter(\.$employer.$id == id).count() == 0)
            let veileder3 = try await t.user("veileder3")
            let entries = try await t.auditEntries(.accessDenied).filter { $0.actorUserID == veileder3.id && $0.objectID == id.uuidString }
            #expect(entries.count == 2)
            #expect(entries.allSatisfy { $0.objectType == AuditObjectType.employer && $0.outcome == "denied" })
            let theirs = try await other.get("/virksomheter?q=Nordlys")
            #expect(theirs.status == .ok && !theirs.text.contains(id.uuidString))
        }
    }

    // MARK: - 3. Status and notes

    @Test("Status: an impossible change is refused on the form, a valid one is kept in the history with its reason; notes warn about sensitive data")
    func statusAndNotes() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let id = try await Pages.employer(browser, "Statusbakeriet AS")
            let page = try await browser.get("/virksomheter/\(id)")
            #expect(page.text.contains("Ingen endringer ennå – virksomheten er ny."))

            // ny → samarbeider skips steps.
            let skipped = try await browser.post("/virksomheter/\(id)/status", [("status", "samarbeider"), ("changedOn", Pages.day(t, 0)), ("reason", "Vil samarbeide med en gang")])
            #expect(skipped.status == .unprocessableEntity)
            let statusField = try #require(Pages.field(skipped.text, "status-status"))
            #expect(statusField.contains(#"id="status-status-error""#))
            #expect(statusField.contains("Denne statusendringen er ikke mulig fra dagens status."))
            #expect(skipped.text.contains(">Vil samarbeide med en gang</textarea>"), "the reason typed is kept")
            #expect(try await EmployerStatusChange.query(on: t.db).filter(\.$employer.$id == id).count() == 0)
            #expect(try await Employer.find(id, on: t.db)?.cooperationStatus == .new)

            // ny → kontaktet, with a reason.
            let changed = try await browser.post("/virksomheter/\(id)/status", [("status", "kontaktet"), ("changedOn", Pages.day(t, -1)), ("reason", "Ringte daglig leder & avtalte møte")])
            let shown = try await Pages.follow(browser, changed)
            #expect(shown.text.contains("Ny → Kontaktet"))
            #expect(shown.text.contains("Ringte daglig leder &amp; avtalte møte"))
            #expect(shown.text.contains(DisplayDate.date(t.clock.now().addingTimeInterval(-86_400))))
            #expect(shown.text.contains(#"<span class="tag coop-kontaktet">Kontaktet</span>"#))
            let rows = try await EmployerStatusChange.query(on: t.db).filter(\.$employer.$id == id).all()
            #expect(rows.count == 1)
            #expect(rows.first?.fromStatus == .new && rows.first?.toStatus == .contacted && rows.first?.reason == "Ringte daglig leder & avtalte møte")
            #expect(try await Employer.find(id, on: t.db)?.cooperationStatus == .contacted)
            #expect(try await t.auditEntries(.employerStatusChanged).contains { $0.objectID == id.uuidString })

            // Notes: the warning stands above them and by the field; a note is shown to the office.
            let warning = "Ikke skriv sensitive opplysninger om kandidater her – notatene leses av hele kontoret."
            #expect(shown.text.contains("<p class=\"notice strong\">\(warning)</p>"))
            #expect(Pages.field(shown.text, "notat-text")?.contains(warning) == true)
            let note = try await browser.post("/virksomheter/\(id)/notater", [("text", "Spør etter Anne – best før kl. 10")])
            let withNote = try await Pages.follow(browser, note)
            #expect(withNote.text.contains("Spør etter Anne – best før kl. 10"))
            #expect(try await EmployerNote.query(on: t.db).filter(\.$employer.$id == id).count() == 1)
            let empty = try await browser.post("/virksomheter/\(id)/notater", [("text", "  ")])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.text.contains(#"id="notat-text-error""#))
        }
    }

    // MARK: - 4. Visits

    @Test("A visit with one of the counselor's candidates is an employer_visit event on that pathway and shows on the employer page")
    func visitWithCandidate() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let candidate = try await Pages.candidate(browser, first: "Sondre", last: "Besøksen")
            let pathway = try await Pages.pathway(t, browser, candidate: candidate, daysAgo: 20)
            let employer = try await Pages.employer(browser, "Besøksgården AS")

            let page = try await browser.get("/virksomheter/\(employer)")
            #expect(page.text.contains("<option value=\"\(pathway.uuidString)\">Sondre Besøksen</option>"), "the counselor's pathways are offered")
            #expect(page.text.contains("Ingen besøk registrert."))

            struct Row: Decodable { var type: String; var employer_id: UUID?; var note: String? }
            func visits() async throws -> [Row] {
                try await t.sql.select().column("type").column("employer_id").column("note").from("pathway_events")
                    .where("pathway_id", .equal, pathway).where("type", .equal, "employer_visit").all(decoding: Row.self)
            }
            #expect(try await visits().isEmpty)

            let response = try await browser.post("/virksomheter/\(employer)/besok", [
                ("visitedOn", Pages.day(t, -1)), ("visitors", "Vera Veileder"), ("purpose", "Omvisning med kandidaten"),
                ("pathwayId", pathway.uuidString), ("notes", "God stemning på lageret"),
            ])
            let shown = try await Pages.follow(browser, response)
            #expect(shown.text.contains("Omvisning med kandidaten"))
            #expect(shown.text.contains("Vera Veileder, med kandidat"))
            #expect(shown.text.contains("God stemning på lageret"))
            #expect(shown.text.contains(DisplayDate.date(t.clock.now().addingTimeInterval(-86_400))))

            let events = try await visits()
            #expect(events.count == 1)
            #expect(events.first?.employer_id == employer)
            #expect(events.first?.note == "Omvisning med kandidaten")
            let visit = try #require(try await EmployerVisit.query(on: t.db).filter(\.$employer.$id == employer).first())
            #expect(visit.$pathway.id == pathway && visit.$event.id != nil)
            #expect(try await t.auditEntries(.employerVisitRecorded).contains { $0.objectID == employer.uuidString })
            // The pathway's timeline shows it too.
            let timeline = try await browser.get("/forlop/\(pathway)")
            #expect(timeline.text.contains("Besøk hos arbeidsgiver"))

            // A visit without a candidate adds no event.
            try await browser.post("/virksomheter/\(employer)/besok", [("visitedOn", Pages.day(t, 0)), ("visitors", "Vera Veileder"), ("purpose", "Oppfølging"), ("pathwayId", "")])
            #expect(try await EmployerVisit.query(on: t.db).filter(\.$employer.$id == employer).count() == 2)
            #expect(try await visits().count == 1)
        }
    }

    // MARK: - 5. Job development

    @Test("The job page counts days from referral to the first employer contact; /jobbutvikling counts this week's face-to-face contacts")
    func firstEmployerContact() async throws {
        try await withTestApp { t in
            // Wednesday: a contact on Monday is in this week, two days ago.
            t.clock.advance(by: 2 * 86_400)
            let browser = t.browser()
            try await browser.login("veileder1")
            let candidate = try await Pages.candidate(browser, first: "Jonas", last: "Jobbsøker")
            let pathway = try await Pages.pathway(t, browser, candidate: candidate, daysAgo: 12)
            let employer = try await Pages.employer(browser, "Kontaktbakeriet AS")

            let before = try await browser.get("/forlop/\(pathway)/jobb")
            #expect(before.status == .ok)
            #expect(before.text.contains("Ingen arbeidsgiverkontakt ennå – 12 dager siden henvisningen (IPS forventer første kontakt innen 30)."))
            #expect(before.text.contains("Ingen arbeidsgiverkontakter registrert."))

            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = DisplayDate.timeZone
            let monday = calendar.dateInterval(of: .weekOfYear, for: t.clock.now())!.start
            let thisWeek = "Uke \(calendar.component(.weekOfYear, from: monday)) (\(DisplayDate.date(monday)))"
            func firstWeekRow() async throws -> (label: String, faceToFace: Int, all: Int)? {
                let page = try await browser.get("/jobbutvikling")
                #expect(page.status == .ok)
                let regex = try Regex(#"<tbody><tr><td>([^<]*)</td><td class="number">(\d+)</td><td class="number">(\d+)</td></tr>"#)
                guard let m = page.text.firstMatch(of: regex) else { return nil }
                return (String(m.output[1].substring ?? ""), Int(m.output[2].substring ?? "") ?? -1, Int(m.output[3].substring ?? "") ?? -1)
            }
            let empty = try #require(try await firstWeekRow())
            #expect(empty.label == thisWeek && empty.faceToFace == 0 && empty.all == 0)

            // A contact without a channel is refused by the field.
            try await browser.get("/forlop/\(pathway)/jobb")
            let missing = try await browser.post("/forlop/\(pathway)/jobb/kontakter", [("occurredOn", Pages.day(t, -2)), ("employerId", employer.uuidString), ("outcome", "kanskje")])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.text.contains(#"id="kontakt-channel-error""#))
            #expect(try await EmployerApproach.query(on: t.db).filter(\.$pathway.$id == pathway).count() == 0)

            let posted = try await browser.post("/forlop/\(pathway)/jobb/kontakter", [
                ("occurredOn", Pages.day(t, -2)), ("employerId", employer.uuidString), ("channel", "oppmote"), ("outcome", "kanskje"),
                ("withCandidate", "on"), ("note", "Møtte daglig leder"),
            ])
            let after = try await Pages.follow(browser, posted)
            #expect(after.text.contains("Første arbeidsgiverkontakt kom 10 dager etter henvisningen (IPS forventer høyst 30)."))
            #expect(!after.text.contains("Ingen arbeidsgiverkontakt ennå"))
            #expect(after.text.contains("Oppmøte (med kandidaten)"))
            #expect(after.text.contains("Kontaktbakeriet AS") && after.text.contains("Kanskje") && after.text.contains("Møtte daglig leder"))

            let approaches = try await EmployerApproach.query(on: t.db).filter(\.$pathway.$id == pathway).all()
            #expect(approaches.count == 1)
            #expect(approaches.first?.channel == .faceToFace && approaches.first?.withCandidate == true && approaches.first?.outcome == .maybe)
            #expect(try await PathwayEvent.query(on: t.db).filter(\.$pathway.$id == pathway).filter(\.$type == .employerContact).count() == 1)
            #expect(try await Employer.find(employer, on: t.db)?.cooperationStatus == .contacted, "the first contact moves a new employer on")

            let counted = try #require(try await firstWeekRow())
            #expect(counted.label == thisWeek)
            #expect(counted.faceToFace == 1 && counted.all == 1)
        }
    }

    // MARK: - 6. A mentor agreement through the pages

    @Test("A mentor agreement: started from the job page, filled in, subsidy shown, approved by both; a later change makes version 2 and withdraws the approvals")
    func mentorAgreement() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let employer = try await Pages.employer(browser, "Lagerhuset AS")
            let mentor = try await Pages.mentor(t, browser, employer: employer, name: "Siv Lager")
            let candidate = try await Pages.candidate(browser, first: "Mats", last: "Mentorsen")
            let pathway = try await Pages.pathway(t, browser, candidate: candidate, daysAgo: 30)

            // Started from the job page: off to the terms.
            try await browser.get("/forlop/\(pathway)/jobb")
            let started = try await browser.post("/forlop/\(pathway)/avtaler", [("type", "mentor"), ("employerId", employer.uuidString)])
            #expect(started.status == .seeOther)
            let location = try #require(started.headers.first(name: .location))
            let id = try Pages.id(started)
            #expect(location.hasPrefix("/avtaler/\(id)/rediger"), "\(location)")
            let edit = try await browser.get(location)
            #expect(edit.status == .ok)
            #expect(edit.text.contains(#"id="vilkar-mentorHoursPerMonth""#) && edit.text.contains(#"id="vilkar-hourlyWage""#))
            let agreement = try #require(try await Agreement.find(id, on: t.db))
            #expect(agreement.type == .mentor && agreement.$pathway.id == pathway && agreement.$employer.id == employer && agreement.currentVersion == 1)

            var page = try await browser.get("/avtaler/\(id)")
            #expect(page.status == .ok)
            #expect(page.text.contains(">Påbegynt</span>"))
            #expect(page.text.contains("Dette mangler"))
            for missing in ["Startdato", "Sluttdato", "Minst ett mål med beskrivelse", "Arbeidsoppgaver", "Mentor", "Mentortimer per måned", "Mentorens timelønn"] {
                #expect(page.text.contains("<li>\(missing)</li>"), "missing \(missing) is listed")
            }

            // A wage that is not a number: refused by the field, the text kept, nothing saved.
            let (start, end) = Pages.period(t, months: 6)
            try await browser.get("/avtaler/\(id)/rediger")
            let badWage = try await browser.post("/avtaler/\(id)/rediger",
                                                 Pages.terms(start: DisplayDate.dayInput(start), end: DisplayDate.dayInput(end), mentor: mentor, wage: "tre hundre"))
            #expect(badWage.status == .unprocessableEntity)
            #expect(Pages.field(badWage.text, "vilkar-hourlyWage")?.contains("Skriv et tall, med høyst to desimaler (for eksempel 7,5).") == true)
            #expect(badWage.text.contains(#"value="tre hundre""#))
            #expect(try await Pages.versions(t, id).first?.startDate == nil)

            // The terms: 10 hours at 300 kr for six months.
            let saved = try await browser.post("/avtaler/\(id)/rediger", Pages.terms(start: DisplayDate.dayInput(start), end: DisplayDate.dayInput(end), mentor: mentor))
            page = try await Pages.follow(browser, saved)
            let plain = Pages.plainSpaces(page.text)
            #expect(plain.contains("3 910 kr"), "monthly subsidy: \(plain.components(separatedBy: "Per måned").dropFirst().first?.prefix(120) ?? "no subsidy table")")
            #expect(plain.contains("23 460 kr"), "six months of it")
            #expect(page.text.contains(">Mangler godkjenning</span>"))
            #expect(!page.text.contains("Dette mangler"))
            #expect(page.text.contains("\(DisplayDate.date(start)) – \(DisplayDate.date(end))"))
            let stored = try #require(try await Pages.versions(t, id).first)
            #expect(stored.hundredthHours == 1_000 && stored.wageInOre == 30_000 && stored.$mentor.id == mentor)
            #expect(try await Pages.versions(t, id).count == 1)

            // Both approve: ready to start on the start date (next month).
            let counselor = try await browser.post("/avtaler/\(id)/godkjenn", [("party", "veileder")])
            page = try await Pages.follow(browser, counselor)
            #expect(page.text.contains(">Mangler godkjenning</span>"))
            #expect(page.text.contains("Veileder (NAV): godkjent versjon 1"))
            let employerApproval = try await browser.post("/avtaler/\(id)/godkjenn", [("party", "arbeidsgiver")])
            page = try await Pages.follow(browser, employerApproval)
            let today = RuleDuration.calendar.startOfDay(for: t.clock.now())
            let expected = today < start ? "Klar for oppstart" : "Gjennomføres"
            #expect(page.text.contains(">\(expected)</span>"))
            #expect(page.text.contains("Arbeidsgiver: godkjent versjon 1"))
            var approvals = try await AgreementApproval.query(on: t.db).filter(\.$agreement.$id == id).all()
            #expect(Set(approvals.map(\.party)) == [.counselor, .employer] && approvals.allSatisfy { $0.withdrawnAt == nil && $0.version == 1 })
            #expect(try await Pages.versions(t, id).first?.fullyApprovedAt != nil)
            #expect(try await t.auditEntries(.agreementApproved).filter { $0.objectID == candidate.uuidString }.count == 2)
            // Approving twice is refused on the page.
            let twice = try await browser.post("/avtaler/\(id)/godkjenn", [("party", "veileder")])
            #expect(twice.status == .conflict || twice.status == .unprocessableEntity)
            #expect(try await AgreementApproval.query(on: t.db).filter(\.$agreement.$id == id).count() == 2)

            // A change afterwards: version 2, the approvals withdrawn and shown so.
            let editAgain = try await browser.get("/avtaler/\(id)/rediger")
            #expect(editAgain.text.contains("Avtalen er godkjent. Endrer du den, lagres en ny versjon"))
            let changed = try await browser.post("/avtaler/\(id)/rediger", Pages.terms(
                start: DisplayDate.dayInput(start), end: DisplayDate.dayInput(end), tasks: "Varemottak, plukk og truckkjøring", mentor: mentor,
                changeNote: "Truckkjøring lagt til etter ønske fra bedriften"))
            page = try await Pages.follow(browser, changed)
            let versions = try await Pages.versions(t, id)
            #expect(versions.map(\.version) == [1, 2])
            #expect(versions.last?.tasks == "Varemottak, plukk og truckkjøring" && versions.first?.tasks == "Varemottak og plukk på lager")
            #expect(versions.last?.fullyApprovedAt == nil && versions.last?.isExtension == false)
            #expect(try await Agreement.find(id, on: t.db)?.currentVersion == 2)
            approvals = try await AgreementApproval.query(on: t.db).filter(\.$agreement.$id == id).all()
            #expect(approvals.count == 2 && approvals.allSatisfy { $0.withdrawnAt != nil })
            #expect(page.text.contains("trukket tilbake"))
            #expect(page.text.contains("Ny versjon 2"))
            #expect(page.text.contains("versjon 2"))
            #expect(page.text.contains("Truckkjøring lagt til etter ønske fra bedriften"))
            #expect(page.text.contains(">Mangler godkjenning</span>"))
            #expect(page.text.contains("Varemottak, plukk og truckkjøring"))

            // The job page lists it.
            let jobs = try await browser.get("/forlop/\(pathway)/jobb")
            #expect(jobs.text.contains("href=\"/avtaler/\(id)\""))
            #expect(jobs.text.contains("Mentor – Lagerhuset AS"))
        }
    }

    // MARK: - 7. Extension and duration limits

    @Test("Extending a running arbeidstrening without an evaluation meeting is refused on the page; with one it makes a new version")
    func extensionNeedsEvaluation() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let employer = try await Pages.employer(browser, "Treningssenteret Lager AS")
            let candidate = try await Pages.candidate(browser, first: "Eva", last: "Evaluering")
            let pathway = try await Pages.pathway(t, browser, candidate: candidate, daysAgo: 60)
            let id = try await Pages.agreement(browser, pathway: pathway, type: "arbeidstrening", employer: employer)

            let start = Pages.day(t, -10)
            try await browser.get("/avtaler/\(id)/rediger")
            try await Pages.follow(browser, try await browser.post("/avtaler/\(id)/rediger", Pages.terms(start: start, end: Pages.day(t, 60))))
            try await Pages.follow(browser, try await browser.post("/avtaler/\(id)/godkjenn", [("party", "veileder")]))
            var page = try await Pages.follow(browser, try await browser.post("/avtaler/\(id)/godkjenn", [("party", "arbeidsgiver")]))
            #expect(page.text.contains(">Gjennomføres</span>"))
            #expect(page.text.contains(#"id="forleng""#), "a running agreement offers the extension form")

            // The end date is not moved by editing a running agreement.
            try await browser.get("/avtaler/\(id)/rediger")
            let edited = try await browser.post("/avtaler/\(id)/rediger", Pages.terms(start: start, end: Pages.day(t, 120)))
            #expect(edited.status == .unprocessableEntity)
            #expect(Pages.field(edited.text, "vilkar-endDate")?.contains("forlenges med «Forleng avtalen»") == true)
            #expect(try await Pages.versions(t, id).count == 1)

            // No evaluation meeting since the start: refused, with the message, no new version.
            try await browser.get("/avtaler/\(id)")
            let startShown = DisplayDate.date(try #require(DisplayDate.parseDay(start)))
            let refused = try await browser.post("/avtaler/\(id)/forleng", [("endDate", Pages.day(t, 120)), ("reason", "Trenger mer tid i arbeidstrening")])
            #expect(refused.status == .conflict || refused.status == .unprocessableEntity, "extension answered \(refused.status.code)")
            let message = "Avtalen kan ikke forlenges før det er holdt et evalueringsmøte etter \(startShown). Registrer evalueringsmøtet på forløpet først."
            #expect(refused.text.contains(message), "\(Pages.problems(refused.text))")
            #expect(refused.text.contains(">Trenger mer tid i arbeidstrening</textarea>"), "the reason typed is kept")
            #expect(try await Pages.versions(t, id).count == 1)
            #expect(try await Agreement.find(id, on: t.db)?.currentVersion == 1)
            #expect(try await t.auditEntries(.agreementExtended).isEmpty)

            // After an evaluation meeting on the pathway, the same extension is made as version 2.
            try await browser.get("/forlop/\(pathway)")
            let meeting = try await browser.post("/forlop/\(pathway)/hendelser", [("type", "evaluation_meeting"), ("occurredAt", Pages.day(t, 0)), ("employerId", employer.uuidString), ("note", "Referat: oppgaver og opplæring gjennomgått.")])
            #expect(meeting.status == .seeOther, "evaluation meeting answered \(meeting.status.code): \(Pages.problems(meeting.text))")
            try await browser.get("/avtaler/\(id)")
            page = try await Pages.follow(browser, try await browser.post("/avtaler/\(id)/forleng", [("endDate", Pages.day(t, 120)), ("reason", "Trenger mer tid i arbeidstrening")]))
            let versions = try await Pages.versions(t, id)
            #expect(versions.map(\.version) == [1, 2])
            #expect(versions.last?.isExtension == true && versions.last?.endDate == DisplayDate.parseDay(Pages.day(t, 120)))
            #expect(page.text.contains("forlengelse"))
        }
    }

    @Test("A mentor agreement longer than 6 months for innsatsgruppe standard is refused on the edit form with the limit and the last end date")
    func mentorTooLong() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let employer = try await Pages.employer(browser, "Langvarig Lager AS")
            let mentor = try await Pages.mentor(t, browser, employer: employer, name: "Lars Lang")
            let candidate = try await Pages.candidate(browser, first: "Stine", last: "Standard", innsats: "standard")
            let pathway = try await Pages.pathway(t, browser, candidate: candidate, daysAgo: 30)
            let id = try await Pages.agreement(browser, pathway: pathway, type: "mentor", employer: employer)

            let (start, lastAllowed) = Pages.period(t, months: 6)
            let tooLate = RuleDuration.calendar.date(byAdding: .month, value: 1, to: lastAllowed)!
            let edit = try await browser.get("/avtaler/\(id)/rediger")
            #expect(edit.text.contains("Høyst 6 måneder fra startdatoen."))
            let refused = try await browser.post("/avtaler/\(id)/rediger", Pages.terms(start: DisplayDate.dayInput(start), end: DisplayDate.dayInput(tooLate), mentor: mentor))
            #expect(refused.status == .unprocessableEntity)
            let endField = try #require(Pages.field(refused.text, "vilkar-endDate"))
            #expect(endField.contains(#"id="vilkar-endDate-error""#))
            #expect(endField.contains("Avtalen kan vare høyst 6 måneder – siste mulige sluttdato er \(DisplayDate.date(lastAllowed))."), "\(Pages.problems(refused.text))")
            #expect(endField.contains("value=\"\(DisplayDate.dayInput(tooLate))\""), "the date typed is kept")
            let version = try #require(try await Pages.versions(t, id).first)
            #expect(version.startDate == nil && version.endDate == nil, "nothing saved")

            // The last allowed day is accepted.
            let saved = try await browser.post("/avtaler/\(id)/rediger", Pages.terms(start: DisplayDate.dayInput(start), end: DisplayDate.dayInput(lastAllowed), mentor: mentor))
            try await Pages.follow(browser, saved)
            #expect(try await Pages.versions(t, id).first?.endDate == lastAllowed)
        }
    }

    // MARK: - 8. Mentors

    @Test("The mentor page names only the viewer's own candidates; a change of mentor ends the first period with its reason, shown on the job page")
    func mentorPage() async throws {
        try await withTestApp { t in
            let vera = t.browser()
            try await vera.login("veileder1")
            let employer = try await Pages.employer(vera, "Mentorbedriften AS")
            let first = try await Pages.mentor(t, vera, employer: employer, name: "Mari Mentor")
            let second = try await Pages.mentor(t, vera, employer: employer, name: "Nils Nestemann")
            let own = try await Pages.candidate(vera, first: "Ola", last: "Egenkandidat")
            let ownPathway = try await Pages.pathway(t, vera, candidate: own, daysAgo: 40)
            try await vera.get("/forlop/\(ownPathway)/jobb")
            try await Pages.follow(vera, try await vera.post("/forlop/\(ownPathway)/jobb/mentorer", [("mentorId", first.uuidString), ("fromDate", Pages.day(t, -10))]))

            let viktor = t.browser()
            try await viktor.login("veileder2")
            let theirs = try await Pages.candidate(viktor, first: "Kari", last: "Annenkandidat")
            let theirPathway = try await Pages.pathway(t, viktor, candidate: theirs, daysAgo: 40)
            try await viktor.get("/forlop/\(theirPathway)/jobb")
            try await Pages.follow(viktor, try await viktor.post("/forlop/\(theirPathway)/jobb/mentorer", [("mentorId", first.uuidString), ("fromDate", Pages.day(t, -5))]))

            var page = try await vera.get("/mentorer/\(first)")
            #expect(page.status == .ok)
            #expect(page.text.contains("Kandidater nå (2)"))
            #expect(page.text.contains("<a href=\"/forlop/\(ownPathway)/jobb\">Ola Egenkandidat</a>"))
            #expect(page.text.contains("Kandidat hos Viktor Veileder"))
            #expect(!page.text.contains("Annenkandidat") && !page.text.contains(theirPathway.uuidString), "another counselor's candidate is not named or linked")
            let seenByViktor = try await viktor.get("/mentorer/\(first)")
            #expect(seenByViktor.text.contains("Kari Annenkandidat") && seenByViktor.text.contains("Kandidat hos Vera Veileder"))
            #expect(!seenByViktor.text.contains("Egenkandidat"))

            // A change of mentor needs a reason, then ends the first period the day the second starts.
            let link = try #require(try await PathwayMentor.query(on: t.db).filter(\.$pathway.$id == ownPathway).first())
            let jobs = try await vera.get("/forlop/\(ownPathway)/jobb")
            #expect(jobs.text.contains(#"id="mentor-replaces""#))
            let noReason = try await vera.post("/forlop/\(ownPathway)/jobb/mentorer", [("mentorId", second.uuidString), ("fromDate", Pages.day(t, 0)), ("replaces", link.id!.uuidString), ("reason", "")])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.text.contains(#"id="mentor-reason-error""#))
            #expect(try await PathwayMentor.query(on: t.db).filter(\.$pathway.$id == ownPathway).count() == 1)
            let changed = try await vera.post("/forlop/\(ownPathway)/jobb/mentorer", [
                ("mentorId", second.uuidString), ("fromDate", Pages.day(t, 0)), ("replaces", link.id!.uuidString), ("reason", "Mari har sluttet i bedriften"),
            ])
            page = try await Pages.follow(vera, changed)
            let links = try await PathwayMentor.query(on: t.db).filter(\.$pathway.$id == ownPathway).sort(\.$fromDate).all()
            #expect(links.count == 2)
            #expect(links.first?.$mentor.id == first && links.first?.endReason == "Mari har sluttet i bedriften")
            #expect(links.first?.toDate == DisplayDate.parseDay(Pages.day(t, 0)) && links.last?.toDate == nil && links.last?.$mentor.id == second)
            #expect(page.text.contains("Grunn: Mari har sluttet i bedriften"))
            #expect(page.text.contains("Nils Nestemann") && page.text.contains("Mari Mentor"))
            #expect(try await t.auditEntries(.pathwayMentorLinked).filter { $0.objectID == own.uuidString }.count == 2)

            page = try await vera.get("/mentorer/\(first)")
            #expect(page.text.contains("Kandidater nå (1)") && page.text.contains("Tidligere kandidater (1)"))
            #expect(page.text.contains("Grunn: Mari har sluttet i bedriften"))
            // Another office does not see the mentor.
            let other = t.browser()
            try await other.login("veileder3")
            #expect(try await other.get("/mentorer/\(first)").status == .notFound)
        }
    }

    // MARK: - 9. Every new page renders

    @Test("Every new page answers 200 for the office's counselor and shows no template error or raw text key")
    func everyPageRenders() async throws {
        try await withTestApp { t in
            let office = try await t.office("9901").requireID()
            let browser = t.browser()
            try await browser.login("veileder1")
            // The checker itself finds a raw key and passes a translated text.
            #expect(try Pages.rawKeys("<li>agreement.missing.startDate</li><p> mentor.none </p>") == ["agreement.missing.startDate", "mentor.none"])
            #expect(try Pages.rawKeys("<li>Startdato</li><a href=\"mailto:kari@example.no\">kari@example.no</a>").isEmpty)

            var path = "/virksomheter"
            Pages.expectRendered(try await browser.get(path), path)
            path = "/virksomheter?q=bakeri&status=samarbeider"
            Pages.expectRendered(try await browser.get(path), path)
            path = "/jobbutvikling"
            Pages.expectRendered(try await browser.get(path), path)

            // Demo employers with analyses, mentors and agreements.
            let analysis = try #require(try await JobAnalysis.query(on: t.db).join(Employer.self, on: \JobAnalysis.$employer.$id == \Employer.$id)
                .filter(Employer.self, \.$office.$id == office).first())
            let withAnalysis = analysis.$employer.id
            for path in ["/virksomheter/\(withAnalysis)", "/virksomheter/\(withAnalysis)/arbeidskrav/ny", "/virksomheter/\(withAnalysis)/arbeidskrav/\(analysis.id!)"] {
                let page = try await browser.get(path)
                Pages.expectRendered(page, path)
            }
            let existing = try await browser.get("/virksomheter/\(withAnalysis)/arbeidskrav/\(analysis.id!)")
            #expect(existing.text.contains("value=\"\(analysis.role)\"") && existing.text.contains(analysis.tasks))

            let mentor = try #require(try await Mentor.query(on: t.db).filter(\.$office.$id == office).first())
            path = "/mentorer/\(mentor.id!)"
            let mentorPage = try await browser.get(path)
            Pages.expectRendered(mentorPage, path)
            #expect(mentorPage.text.contains(mentor.name))

            // Every demo agreement of the office, its edit page, its pathway's job page and its employer, as the pathway's counselor.
            let agreements = try await Agreement.query(on: t.db).filter(\.$office.$id == office).with(\.$pathway).all()
            #expect(agreements.count >= 5, "the demo office has agreements in several states")
            var browsers: [UUID: Browser] = [:]
            for agreement in agreements {
                let counselorID = agreement.pathway.$counselor.id
                let counselor = try #require(try await User.find(counselorID, on: t.db))
                let viewer = browsers[counselorID] ?? t.browser()
                if browsers[counselorID] == nil {
                    try await viewer.login(counselor.username)
                    browsers[counselorID] = viewer
                }
                for path in ["/avtaler/\(agreement.id!)", "/avtaler/\(agreement.id!)/rediger", "/forlop/\(agreement.$pathway.id)/jobb", "/virksomheter/\(agreement.$employer.id)"] {
                    Pages.expectRendered(try await viewer.get(path), path)
                }
            }

            // Pages made fresh here: an employer, a saved job analysis, a pathway job page, an agreement and a mentor.
            let employer = try await Pages.employer(browser, "Sidesjekk AS")
            path = "/virksomheter/\(employer)"
            Pages.expectRendered(try await browser.get(path), path)
            path = "/virksomheter/\(employer)/arbeidskrav/ny"
            Pages.expectRendered(try await browser.get(path), path)
            let badHours = try await browser.post("/virksomheter/\(employer)/arbeidskrav", [("role", "Lagermedarbeider"), ("tasks", "Plukk"), ("languageRequirement", "A2"), ("hoursPerWeek", "99")])
            #expect(badHours.status == .unprocessableEntity)
            #expect(badHours.text.contains(#"id="arbeidskrav-hoursPerWeek-error""#) && badHours.text.contains("Skriv timer per uke mellom 1 og 60."))
            #expect(badHours.text.contains(#"value="Lagermedarbeider""#))
            let savedAnalysis = try await browser.post("/virksomheter/\(employer)/arbeidskrav", [("role", "Lagermedarbeider"), ("tasks", "Plukk og pakk ordre"), ("languageRequirement", "A2"), ("hoursPerWeek", "30")])
            let withNew = try await Pages.follow(browser, savedAnalysis)
            #expect(withNew.text.contains("Lagermedarbeider"))
            let newAnalysis = try #require(try await JobAnalysis.query(on: t.db).filter(\.$employer.$id == employer).first())
            #expect(newAnalysis.hoursPerWeek == 30 && newAnalysis.languageRequirement == .a2)
            path = "/virksomheter/\(employer)/arbeidskrav/\(newAnalysis.id!)"
            let analysisPage = try await browser.get(path)
            Pages.expectRendered(analysisPage, path)
            #expect(analysisPage.text.contains(#"value="30""#))

            let newMentor = try await Pages.mentor(t, browser, employer: employer, name: "Sara Sjekk")
            let candidate = try await Pages.candidate(browser, first: "Per", last: "Sidesjekk")
            let pathway = try await Pages.pathway(t, browser, candidate: candidate, daysAgo: 5)
            path = "/forlop/\(pathway)/jobb"
            Pages.expectRendered(try await browser.get(path), path)
            let agreement = try await Pages.agreement(browser, pathway: pathway, type: "mentor", employer: employer)
            for path in ["/avtaler/\(agreement)", "/avtaler/\(agreement)/rediger", "/mentorer/\(newMentor)", "/forlop/\(pathway)/jobb"] {
                Pages.expectRendered(try await browser.get(path), path)
            }

            // The market contact of the office uses the register too.
            let market = t.browser()
            try await market.login("marked1")
            for path in ["/virksomheter", "/virksomheter/\(employer)", "/virksomheter/\(employer)/arbeidskrav/ny", "/mentorer/\(newMentor)"] {
                Pages.expectRendered(try await market.get(path), path)
            }
        }
    }
}
