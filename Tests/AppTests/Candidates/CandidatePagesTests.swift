@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

/// Test data for candidates, registered through the pages as a counselor would.
enum CandidateFixture {
    private static let counter = NIOLockedValueBox(0)

    /// A fresh synthetic number no other call returns: each call gets its own birth date, in years
    /// (1925–1939) the demo data never uses, so it cannot collide with a demo candidate either.
    static func fnr() -> String {
        let n = counter.withLockedValue { value -> Int in
            value += 1
            return value
        }
        return NationalID.synthetic(day: 1 + (n / 15) % 28, month: 1 + (n / 420) % 12, year: 1925 + n % 15, individualSeed: n)
    }

    static func fields(
        fnr: String, first: String = "Kari", last: String = "Nordmann", innsats: String = "spesielt_tilpasset",
        benefit: String = "aap", strengths: String = "Punktlig og god med kunder", challenges: String = "Sliter med lange dager"
    ) -> [(String, String)] {
        [
            ("fnr", fnr), ("firstName", first), ("lastName", last), ("phone", "412 34 567"), ("email", "kari@example.no"),
            ("municipality", "Bodø"), ("innsatsgruppe", innsats), ("mainBenefit", benefit), ("wishes", "Jobbe i butikk"),
            ("wishedWork", "butikk, lager"), ("strengths", strengths), ("challenges", challenges), ("supportNeeds", "Fast mentor"),
            ("education", "Videregående"), ("workExperience", "Sommerjobb på lager"), ("norwegianLevel", ""),
        ]
    }

    /// Registers a candidate through the form and returns its id.
    @discardableResult
    static func register(_ browser: Browser, _ fields: [(String, String)]) async throws -> UUID {
        try await browser.get("/kandidater/ny")
        let response = try await browser.post("/kandidater", fields)
        #expect(response.status == .seeOther, "register answered \(response.status.code): \(response.text.prefix(300))")
        let location = try #require(response.headers.first(name: .location))
        let id = try #require(location.split(separator: "/").last?.split(separator: "?").first.flatMap { UUID(uuidString: String($0)) })
        return id
    }
}

@Suite("Candidate pages: register, open, reveal, consent, hybrid, handover")
struct CandidatePagesTests {
    @Test("A counselor registers a candidate; the page shows strengths first and the number masked; the audit trail has no number")
    func register() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let fnr = CandidateFixture.fnr()
            let id = try await CandidateFixture.register(browser, CandidateFixture.fields(fnr: fnr, first: "Åse", last: "Ødegård"))
            let candidate = try #require(try await Candidate.find(id, on: t.db))
            #expect(candidate.fnr == fnr)
            #expect(candidate.$counselor.id == (try await t.user("veileder1")).id)
            #expect(candidate.$office.id == (try await t.office("9901")).id)

            let page = try await browser.get("/kandidater/\(id)")
            #expect(page.status == .ok)
            #expect(page.text.contains("Åse Ødegård"))
            #expect(page.text.contains(String(fnr.prefix(6)) + "*****"))
            #expect(!page.text.contains(fnr), "the full number is not on the page")
            let office = try await t.office("9901")
            #expect(page.text.contains("<dd>\(office.enhetNumber) \(office.name)</dd>"), "the candidate's office")
            #expect(page.text.contains("<dd>\((try await t.user("veileder1")).displayName)</dd>"), "the responsible counselor")
            let strengths = try #require(page.text.range(of: "Punktlig og god med kunder"))
            let challenges = try #require(page.text.range(of: "Sliter med lange dager"))
            #expect(strengths.lowerBound < challenges.lowerBound, "strengths before limitations")
            let title = try #require(page.text.range(of: "<title>.*</title>", options: .regularExpression)).description
            #expect(!title.contains(String(fnr.prefix(6))))

            let entries = try await t.auditEntries()
            #expect(entries.contains { $0.action == "candidate.created" && $0.objectID == id.uuidString })
            #expect(entries.contains { $0.action == "candidate.read" && $0.objectID == id.uuidString })
            #expect(entries.allSatisfy { !($0.detail ?? "").contains(fnr) && !($0.objectID ?? "").contains(fnr) })
            let assignments = try await CounselorAssignment.query(on: t.db).filter(\.$candidate.$id == id).all()
            #expect(assignments.count == 1 && assignments[0].$fromCounselor.id == nil)
        }
    }

    @Test("Bad input names the field and keeps what was typed; synthetic numbers are refused unless allowed")
    func validation() async throws {
        try await withTestApp(configure: { $0.allowSyntheticIDs = false }) { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            try await browser.get("/kandidater/ny")
            var fields = CandidateFixture.fields(fnr: CandidateFixture.fnr(), first: "<script>alert(1)</script>")
            let synthetic = try await browser.post("/kandidater", fields)
            #expect(synthetic.status == .unprocessableEntity)
            #expect(synthetic.text.contains("syntetisk testnummer"))
            #expect(synthetic.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!synthetic.text.contains("<script>alert(1)"))

            fields = CandidateFixture.fields(fnr: "3102901234", first: "", innsats: "ukjent")
            let bad = try await browser.post("/kandidater", fields)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("href=\"#fnr\""))
            #expect(bad.text.contains("href=\"#firstName\""))
            #expect(bad.text.contains("href=\"#innsatsgruppe\""))
            #expect(try await Candidate.query(on: t.db).filter(\.$isDemo == false).count() == 0)
        }
    }

    @Test("Another office gets 404 and a denied audit entry; a colleague must state a reason, which is audited")
    func officeScopingAndReason() async throws {
        try await withTestApp { t in
            let owner = t.browser()
            try await owner.login("veileder1")
            let id = try await CandidateFixture.register(owner, CandidateFixture.fields(fnr: CandidateFixture.fnr(), first: "Hemmelig", last: "Person"))

            let stranger = t.browser()
            try await stranger.login("veileder3")
            for path in ["/kandidater/\(id)", "/kandidater/\(id)/rediger", "/kandidater/\(id)/bytt-veileder"] {
                let response = try await stranger.get(path)
                #expect(response.status == .notFound, "\(path)")
                #expect(!response.text.contains("Hemmelig"))
            }
            let reveal = try await stranger.post("/kandidater/\(id)/vis-fnr")
            #expect(reveal.status == .notFound)
            let veileder3 = try await t.user("veileder3")
            let denied = try await t.auditEntries(.accessDenied).filter { $0.actorUserID == veileder3.id && $0.objectID == id.uuidString }
            #expect(denied.count == 4)
            #expect(denied.allSatisfy { $0.outcome == "denied" && $0.objectType == "candidate" })

            let admin = t.browser()
            try await admin.login("admin")
            #expect(try await admin.get("/kandidater/\(id)").status == .forbidden, "admins are not office staff")

            let colleague = t.browser()
            try await colleague.login("veileder2")
            let asked = try await colleague.get("/kandidater/\(id)")
            #expect(asked.status == .forbidden)
            #expect(asked.text.contains("Oppgi") || asked.text.contains("grunn"))
            #expect(!asked.text.contains("Hemmelig"))
            let tooShort = try await colleague.post("/kandidater/\(id)/grunn", [("reason", "x")])
            #expect(tooShort.status == .unprocessableEntity)
            let given = try await colleague.post("/kandidater/\(id)/grunn", [("reason", "Vikar for Vera denne uka")])
            #expect(given.status == .seeOther)
            let opened = try await colleague.get("/kandidater/\(id)")
            #expect(opened.status == .ok)
            #expect(opened.text.contains("Hemmelig Person"))
            let reasons = try await t.auditEntries(.candidateAccessReason)
            #expect(reasons.contains { $0.objectID == id.uuidString && $0.detail?.contains("Vikar for Vera") == true })

            // The responsible counselor sees who has looked.
            let own = try await owner.get("/kandidater/\(id)")
            #expect(own.text.contains("Hvem har sett kandidaten"))
            #expect(own.text.contains("veileder2"))
            // Each refused look-up is a row marked as denied; the colleague's reason is under its row.
            let lookRows = own.text.components(separatedBy: "<tr").dropFirst()
            let strangers = lookRows.filter { $0.contains("<td>veileder3</td>") }
            #expect(strangers.count == 4 && strangers.allSatisfy { $0.hasPrefix(#" class="denied"><td class="nowrap">"#) }, "\(strangers)")
            #expect(lookRows.contains { $0.hasPrefix("><td class=\"nowrap\">") && $0.contains("<td>veileder2</td>") && $0.contains(#"<br><span class="muted">"#) && $0.contains("Vikar for Vera") })
            #expect(!lookRows.contains { $0.contains("<td>veileder2</td>") && $0.hasPrefix(" class=\"denied\"") }, "an allowed look-up is not marked")
            #expect(!opened.text.contains("Hvem har sett kandidaten"), "a colleague does not see the look-up list")
        }
    }

    @Test("The candidate page's lists say what the rows say: counselor history with names, hybrid periods, pathways with their overdue criteria")
    func pageListsMatchTheRows() async throws {
        try await withTestApp { t in
            let owner = try await t.user("veileder1")
            let browser = t.browser()
            try await browser.login("veileder1")
            let candidates = try await Candidate.query(on: t.db).filter(\.$counselor.$id == owner.id!).all()
            var (moves, periodsSeen, overdueSeen) = (0, 0, 0)
            for candidate in candidates {
                let id = try candidate.requireID()
                let page = try await browser.get("/kandidater/\(id)")
                #expect(page.status == .ok)
                let text = page.text
                for move in try await CounselorAssignment.query(on: t.db).filter(\.$candidate.$id == id)
                    .with(\.$fromCounselor).with(\.$toCounselor).with(\.$changedBy).all() {
                    let line = move.fromCounselor.map { "fra \($0.displayName) til \(move.toCounselor.displayName) (av \(move.changedBy.displayName))" }
                        ?? "registrert hos \(move.toCounselor.displayName)"
                    #expect(text.contains(PageChecks.html(line)), "\(candidate.fullName): \(line)")
                    if move.fromCounselor != nil { moves += 1 }
                }
                for period in try await HybridPeriod.query(on: t.db).filter(\.$candidate.$id == id).with(\.$counselor).all() {
                    #expect(text.contains(PageChecks.html("(\(period.counselor.displayName)): \(period.reason)")), "\(candidate.fullName): period")
                    periodsSeen += 1
                }
                for pathway in try await Pathway.query(on: t.db).filter(\.$candidate.$id == id).all() {
                    let rows = try await PathwayCriteriaStore.load(pathwayID: pathway.requireID(), on: t.db)
                    let overdue = pathway.status == .active ? rows.values.filter { $0.needsAction(now: t.clock.now()) }.count : 0
                    let item = text.components(separatedBy: "href=\"/forlop/\(pathway.id!)\"").dropFirst().first?.components(separatedBy: "</li>").first
                    let shown = try #require(item, "\(candidate.fullName): pathway listed")
                    #expect(shown.contains("\(overdue) forfalt") == (overdue > 0), "\(candidate.fullName): \(overdue) overdue")
                    if overdue > 0 { overdueSeen += 1 }
                }
            }
            // The demo portfolio has all three, so the checks above were not empty.
            #expect(moves > 0 && periodsSeen > 0 && overdueSeen > 0, "moves \(moves), periods \(periodsSeen), overdue \(overdueSeen)")
        }
    }

    @Test("Revealing the full number is a POST, shows it once and is audited")
    func revealIsAudited() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let fnr = CandidateFixture.fnr()
            let id = try await CandidateFixture.register(browser, CandidateFixture.fields(fnr: fnr))
            try await browser.get("/kandidater/\(id)")
            let shown = try await browser.post("/kandidater/\(id)/vis-fnr")
            #expect(shown.status == .ok)
            #expect(shown.text.contains(fnr))
            #expect(shown.headers.first(name: .location) == nil)
            let entries = try await t.auditEntries(.candidateFnrRevealed)
            #expect(entries.count == 1 && entries[0].objectID == id.uuidString)
            let again = try await browser.get("/kandidater/\(id)")
            #expect(!again.text.contains(fnr))
        }
    }

    @Test("Registering an existing number gives 409 without the person's data, and a way to ask for access")
    func duplicateAndAccessRequest() async throws {
        try await withTestApp { t in
            let owner = t.browser()
            try await owner.login("veileder1")
            let fnr = CandidateFixture.fnr()
            let id = try await CandidateFixture.register(owner, CandidateFixture.fields(fnr: fnr, first: "Skjult", last: "Kandidat"))

            let other = t.browser()
            try await other.login("veileder3")
            try await other.get("/kandidater/ny")
            let conflict = try await other.post("/kandidater", CandidateFixture.fields(fnr: fnr, first: "Annet", last: "Navn"))
            #expect(conflict.status == .conflict)
            #expect(!conflict.text.contains("Skjult"))
            #expect(!conflict.text.contains("NAV Demo Nord"))
            #expect(conflict.text.contains("/kandidater/be-om-tilgang"))
            #expect(try await Candidate.query(on: t.db).filter(\.$fnr == fnr).count() == 1)

            let requested = try await other.post("/kandidater/be-om-tilgang", [("fnr", fnr), ("reason", "Flyttet til vårt kontor")])
            #expect(requested.status == .accepted)
            #expect(!requested.text.contains("Skjult"))
            let twice = try await other.post("/kandidater/be-om-tilgang", [("fnr", fnr), ("reason", "Flyttet til vårt kontor")])
            #expect(twice.status == .conflict)
            let waiting = try await other.get("/portefolje")
            #expect(waiting.text.contains("</span>: venter på svar</li>"), "the requester sees the request waiting")
            #expect(!waiting.text.contains("/kandidater/\(id)"), "and nothing of the candidate")

            let portfolio = try await owner.get("/portefolje")
            #expect(portfolio.text.contains("Vilde Veileder"))
            let request = try #require(try await CandidateAccessRequest.query(on: t.db).filter(\.$candidate.$id == id).first())
            let asked = try await owner.get("/kandidater/\(id)")
            #expect(asked.text.contains("Vilde Veileder (9902 NAV Demo Sør) spurte"), "the request is shown with the requester and their office")
            #expect(asked.text.contains("Flyttet til vårt kontor"))
            #expect(asked.text.contains("/kandidater/\(id)/tilgang/\(request.id!)"))
            let decided = try await owner.post("/kandidater/\(id)/tilgang/\(request.id!)", [("decision", "godkjenn"), ("response", "OK")])
            #expect(decided.status == .seeOther)

            let answered = try await owner.get("/kandidater/\(id)")
            #expect(!answered.text.contains("/kandidater/\(id)/tilgang/\(request.id!)"), "a decided request is no longer shown")
            let approved = try await other.get("/portefolje")
            #expect(approved.text.contains("</span>: godkjent – <a href=\"/kandidater/\(id)\">åpne kandidaten</a></li>"))
            let read = try await other.get("/kandidater/\(id)")
            #expect(read.status == .ok)
            #expect(read.text.contains("Skjult Kandidat"))
            #expect(read.text.contains("lesetilgang"))
            #expect(try await other.get("/kandidater/\(id)/rediger").status == .forbidden, "read only")
            #expect(try await t.auditEntries(.candidateAccessDecided).count == 1)
        }
    }

    @Test("Consent: recorded, visible in the share matrix, and a withdrawal holds at once for the disclosure gate")
    func consent() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let id = try await CandidateFixture.register(browser, CandidateFixture.fields(fnr: CandidateFixture.fnr()))
            try await browser.get("/kandidater/\(id)")
            let bad = try await browser.post("/kandidater/\(id)/samtykker", [("party", "employer"), ("givenOn", "2999-01-01"), ("form", "written")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("href=\"#items\""))
            #expect(bad.text.contains("href=\"#givenOn\""))

            let today = DisplayDate.dayInput(t.clock.now())
            let saved = try await browser.post("/kandidater/\(id)/samtykker", [("items[]", "goals_plan"), ("items[]", "contact_details"), ("party", "employer"), ("givenOn", today), ("form", "oral")])
            #expect(saved.status == .seeOther)
            var disclosure = try #require(try await DisclosureGate.disclose(candidateID: id, to: .employer, at: t.clock.now(), on: t.db))
            #expect(disclosure.goals == "Jobbe i butikk")
            #expect(disclosure.phone == "412 34 567")
            #expect(disclosure.adaptations == nil, "no consent for health-related adaptations")
            let mentor = try #require(try await DisclosureGate.disclose(candidateID: id, to: .mentor, at: t.clock.now(), on: t.db))
            #expect(mentor.allowed.isEmpty && mentor.goals == nil)

            let consent = try #require(try await CandidateConsent.query(on: t.db).filter(\.$candidate.$id == id).filter(\.$item == .goalsAndPlan).first())
            let listed = try await browser.get("/kandidater/\(id)")
            #expect(listed.text.contains("/samtykker/\(consent.id!)/trekk-tilbake"))
            #expect(listed.text.contains("<td>Vera Veileder</td>"), "the consent shows who recorded it")
            let withdrawn = try await browser.post("/kandidater/\(id)/samtykker/\(consent.id!)/trekk-tilbake")
            #expect(withdrawn.status == .seeOther)
            disclosure = try #require(try await DisclosureGate.disclose(candidateID: id, to: .employer, at: t.clock.now(), on: t.db))
            #expect(disclosure.goals == nil)
            #expect(disclosure.phone == "412 34 567")
            let after = try await browser.get("/kandidater/\(id)")
            #expect(!after.text.contains("/samtykker/\(consent.id!)/trekk-tilbake"), "a withdrawn consent cannot be withdrawn again")
            #expect(after.text.contains("<td>Trukket "), "shown as withdrawn, with when")
            let again = try await browser.post("/kandidater/\(id)/samtykker/\(consent.id!)/trekk-tilbake")
            #expect(again.status == .conflict)
            #expect(try await t.auditEntries(.consentRecorded).count == 2)
            #expect(try await t.auditEntries(.consentWithdrawn).count == 1)
        }
    }

    @Test("Hybrid follow-up is marked with a reason and ended; periods are kept")
    func hybrid() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let id = try await CandidateFixture.register(browser, CandidateFixture.fields(fnr: CandidateFixture.fnr()))
            try await browser.get("/kandidater/\(id)")
            let noReason = try await browser.post("/kandidater/\(id)/hybrid", [("date", ""), ("reason", "")])
            #expect(noReason.status == .unprocessableEntity)
            #expect(try await Candidate.find(id, on: t.db)?.isHybrid == false)
            let started = try await browser.post("/kandidater/\(id)/hybrid", [("date", ""), ("reason", "Klar for utprøving med mentor")])
            #expect(started.status == .seeOther)
            #expect(try await Candidate.find(id, on: t.db)?.isHybrid == true)
            try await browser.get("/kandidater/\(id)")
            let ended = try await browser.post("/kandidater/\(id)/hybrid/avslutt", [("date", ""), ("reason", "Fast ansatt")])
            #expect(ended.status == .seeOther)
            let candidate = try #require(try await Candidate.find(id, on: t.db))
            #expect(!candidate.isHybrid)
            let periods = try await HybridPeriod.query(on: t.db).filter(\.$candidate.$id == id).all()
            #expect(periods.count == 1 && periods[0].endedOn != nil && periods[0].endReason == "Fast ansatt")
            #expect(try await t.auditEntries(.candidateHybridStarted).count >= 1)
        }
    }

    @Test("Handover needs a note; the new counselor sees it once; every change is counted")
    func handover() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let id = try await CandidateFixture.register(browser, CandidateFixture.fields(fnr: CandidateFixture.fnr(), first: "Flytt", last: "Meg"))
            let veileder2 = try await t.user("veileder2")
            try await browser.get("/kandidater/\(id)/bytt-veileder")
            let refused = try await browser.post("/kandidater/\(id)/bytt-veileder", [("counselorID", veileder2.id!.uuidString)])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("href=\"#situation\""))
            #expect(try await Candidate.find(id, on: t.db)?.$counselor.id == (try await t.user("veileder1")).id)

            let moved = try await browser.post("/kandidater/\(id)/bytt-veileder", [
                ("counselorID", veileder2.id!.uuidString), ("situation", "I praksis hos Rema, går bra"), ("agreements", "Arbeidstrening til mars"),
                ("mentor", "Per på lageret, 99 88 77 66"), ("nextMeeting", "Statusmøte 12. desember"), ("promised", "Hjelp med CV"),
            ])
            #expect(moved.status == .seeOther)
            let candidate = try #require(try await Candidate.find(id, on: t.db))
            #expect(candidate.$counselor.id == veileder2.id)
            #expect(candidate.counselorChanges == 1)
            #expect(try await browser.get("/kandidater/\(id)").status == .forbidden, "the former counselor now needs a reason")

            let newCounselor = t.browser()
            try await newCounselor.login("veileder2")
            let first = try await newCounselor.get("/kandidater/\(id)")
            #expect(first.text.contains("Overføringsnotat fra Vera Veileder"))
            #expect(first.text.contains("I praksis hos Rema"))
            let second = try await newCounselor.get("/kandidater/\(id)")
            #expect(!second.text.contains("Overføringsnotat fra Vera Veileder"))
            #expect(second.text.contains("Antall bytter av veileder: 1"))
            let assignment = try #require(try await CounselorAssignment.query(on: t.db).filter(\.$candidate.$id == id).filter(\.$fromCounselor.$id != nil).first())
            #expect(assignment.seenAt != nil && assignment.promised == "Hjelp med CV")
        }
    }

    @Test("Hostile text in every candidate form is stored as text and shown escaped, never 500")
    func hostileInput() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let hostile = "\"><script>alert(1)</script> æøå ÆØÅ '"
            let id = try await CandidateFixture.register(browser, CandidateFixture.fields(fnr: CandidateFixture.fnr(), first: hostile, last: "Ø", strengths: hostile))
            let page = try await browser.get("/kandidater/\(id)")
            #expect(page.status == .ok)
            #expect(!page.text.contains("<script>alert(1)"))
            let long = String(repeating: "x", count: 10_000)
            for (path, fields) in [
                ("/kandidater", CandidateFixture.fields(fnr: long, first: long)),
                ("/kandidater/\(id)/rediger", CandidateFixture.fields(fnr: "", first: long, strengths: long)),
                ("/kandidater/\(id)/samtykker", [("items[]", hostile), ("party", hostile), ("givenOn", hostile), ("form", hostile), ("note", long)]),
                ("/kandidater/\(id)/hybrid", [("date", hostile), ("reason", long)]),
                ("/kandidater/\(id)/bytt-veileder", [("counselorID", hostile), ("situation", long), ("agreements", hostile)]),
                ("/kandidater/\(id)/grunn", [("reason", long)]),
                ("/kandidater/be-om-tilgang", [("fnr", hostile), ("reason", long)]),
                ("/portefolje/sok", [("q", hostile)]),
                ("/portefolje/sok", [("q", long)]),
                ("/portefolje/kolonner", [("columns[]", hostile)]),
            ] {
                try await browser.get("/kandidater/\(id)")
                let response = try await browser.post(path, fields)
                #expect(response.status.code < 500, "\(path) answered \(response.status.code)")
                #expect(!response.text.contains("<script>alert(1)"), "\(path) echoed unescaped input")
            }
            for path in ["/portefolje?q=\(hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", "/portefolje?filter=x", "/portefolje?sort=%00", "/portefolje?side=-1", "/portefolje?side=99999999999999999999"] {
                let response = try await browser.get(path)
                #expect(response.status.code < 500, "\(path) answered \(response.status.code)")
                #expect(!response.text.contains("<script>alert(1)"))
            }
            #expect(try await Candidate.find(id, on: t.db)?.firstName == hostile.trimmingCharacters(in: .whitespaces))
        }
    }
}
