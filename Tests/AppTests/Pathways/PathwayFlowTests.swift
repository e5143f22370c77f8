@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Pathways through the real app and database: backdated events, criteria kept current by the
/// write path and the daily job, step changes back and forth, closing, and access.
@Suite("Pathways: events, criteria state, steps and access")
struct PathwayFlowTests {
    /// A day `n` days before the test clock's today, as the API takes it.
    static func day(_ t: TestApp, _ n: Int) -> String {
        DisplayDate.dayInput(t.clock.now().addingTimeInterval(Double(-n) * 86_400))
    }

    static func modelID(_ api: APIClient, key: String) async throws -> String {
        let response = try await api.get("/api/v1/method-models")
        #expect(response.status == .ok)
        let models = try response.content.decode([MethodModelSummaryDTO].self)
        return try #require(models.first { $0.key == key && $0.usedForNewPathways }?.id.uuidString)
    }

    /// Registers a candidate for veileder1 and starts a pathway on the model, referred `daysAgo` days ago.
    static func start(_ t: TestApp, _ api: APIClient, model key: String, daysAgo: Int) async throws -> PathwayDTO {
        let candidate = try await api.register(APICandidate.body())
        let response = try await api.post("/api/v1/pathways", [
            "candidateId": candidate.id.uuidString, "methodModelId": try await modelID(api, key: key),
            "referralDate": day(t, daysAgo), "referrer": "Veileder Per",
        ])
        #expect(response.status == .created, "start answered \(response.status.code): \(response.text.prefix(300))")
        return try response.content.decode(PathwayDTO.self)
    }

    static func quality(_ api: APIClient, _ id: UUID) async throws -> [String: QualityDTO.Item] {
        let response = try await api.get("/api/v1/pathways/\(id)/quality")
        #expect(response.status == .ok)
        return Dictionary(uniqueKeysWithValues: try response.content.decode(QualityDTO.self).criteria.map { ($0.id, $0) })
    }

    @Test("Backdated events: met on time, met late, due and overdue, stored and shown; overdue feeds 'trenger handling nå'")
    func backdatedEvents() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Self.start(t, api, model: "tromsopakken", daysAgo: 40)
            // Referral 40 days ago: the first meeting (14 d) and the decision (28 d) are overdue, the programme (2 mo) is due.
            var q = try await Self.quality(api, pathway.id)
            #expect(q["T1.2a"]?.state == "overdue")
            #expect(q["T1.2a"]?.deadline == Self.day(t, 26))
            #expect(q["T1.4a"]?.state == "overdue")
            #expect(q["T1.6a"]?.state == "due")
            #expect(q["T1.6a"]?.limit != nil)
            #expect(q["T2.1a"]?.machineChecked == false)
            #expect(q["T2.1a"]?.state == "not_applicable")
            let needing = try await api.get("/api/v1/portfolio?filter=trenger-handling&pageSize=200")
            #expect(needing.text.contains(pathway.candidateId.uuidString))

            // The first meeting was on day 10 (on time), the decision on day 30 (late), registered now.
            let first = try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "first_conversation", "occurredAt": Self.day(t, 30)])
            #expect(first.status == .created)
            let firstEvent = try first.content.decode(PathwayEventDTO.self)
            let late = try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "decision", "occurredAt": Self.day(t, 10), "note": "<script>alert(1)</script> æøå"])
            #expect(late.status == .created)
            q = try await Self.quality(api, pathway.id)
            #expect(q["T1.2a"]?.state == "met")
            #expect(q["T1.2a"]?.evidenceEventId == firstEvent.id)
            #expect(q["T1.4a"]?.state == "met_late")
            #expect(q["T1.6a"]?.state == "due")

            // Stored, not computed on read: the rows say the same.
            let rows = try await PathwayCriteriaStore.load(pathwayID: pathway.id, on: t.db)
            #expect(rows["T1.2a"]?.state == "met")
            #expect(rows["T1.4a"]?.state == "met_late")
            #expect(try await t.auditEntries(.pathwayEventRecorded).count == 2)
            let stillNeeding = try await api.get("/api/v1/portfolio?filter=trenger-handling&pageSize=200")
            #expect(!stillNeeding.text.contains(pathway.candidateId.uuidString))

            // The page shows the state lines, the rule and the note escaped.
            let browser = t.browser()
            _ = try await browser.login("veileder1")
            let page = try await browser.get("/forlop/\(pathway.id)")
            #expect(page.status == .ok)
            #expect(page.text.contains("Oppfylt for sent"))
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; æøå"))
            #expect(!page.text.contains("<script>alert(1)"))
            #expect(page.text.contains("aria-current=\"step\""))
        }
    }

    @Test("The daily job turns a passed deadline into overdue, only for pathways whose deadlines passed")
    func dailyJob() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Self.start(t, api, model: "tromsopakken", daysAgo: 0)
            let before = try await PathwayCriteriaStore.load(pathwayID: pathway.id, on: t.db)
            #expect(before["T1.2a"]?.state == "due")
            t.clock.advance(by: 16 * 86_400)
            // Before the job runs, reads already see it as overdue; the stored row still says due.
            #expect(try await Self.quality(api, pathway.id)["T1.2a"]?.state == "overdue")
            #expect(try await PathwayCriteriaStore.load(pathwayID: pathway.id, on: t.db)["T1.2a"]?.state == "due")
            let result = try await PathwayDailyJob(app: t.app).run(now: t.clock.now())
            #expect(result.pathways >= 1)
            let after = try await PathwayCriteriaStore.load(pathwayID: pathway.id, on: t.db)
            #expect(after["T1.2a"]?.state == "overdue")
            #expect(after["T1.2a"]?.overdue_since == before["T1.2a"]?.deadline)
            #expect(try await t.auditEntries(.dailyJobRun).count >= 1)
            // Nothing left to look at: a second run the same day re-evaluates nothing it did not need to.
            let again = try await PathwayDailyJob(app: t.app).run(now: t.clock.now())
            #expect(again.pathways < result.pathways || again.pathways == 0 || again.pathways <= result.pathways)
        }
    }

    @Test("The daily job with everything evaluates each active pathway exactly once, across pages and shared transactions")
    func dailyJobEverything() async throws {
        try await withTestApp { t in
            struct Count: Decodable { var n: Int }
            struct State: Decodable, Equatable { var pathway_id: UUID; var criterion_id: String; var state: String }
            let api = try await APIClient.make(t, "veileder1")
            for daysAgo in [0, 20, 40, 90] { _ = try await Self.start(t, api, model: "tromsopakken", daysAgo: daysAgo) }
            let active = try await t.sql.raw("SELECT COUNT(*) AS n FROM pathways WHERE status = 'aktiv'").first(decoding: Count.self)!.n
            #expect(active >= 4)
            t.clock.advance(by: 16 * 86_400)
            // Pages of 3 and transactions of 50: every active pathway once, none twice, none left out.
            let result = try await PathwayDailyJob(app: t.app).run(now: t.clock.now(), batchSize: 3, everything: true)
            #expect(result.pathways == active)
            let states = { try await t.sql.raw("SELECT pathway_id, criterion_id, state FROM pathway_criteria ORDER BY pathway_id, criterion_id").all(decoding: State.self) }
            let first = try await states()
            #expect(first.contains { $0.state == "overdue" })
            // Evaluating again at the same moment finds nothing new.
            let again = try await PathwayDailyJob(app: t.app).run(now: t.clock.now(), batchSize: 200, everything: true)
            #expect(again.pathways == active)
            #expect(try await states() == first)
            #expect(try await t.auditEntries(.dailyJobRun).last?.detail?.contains("\(active) forløp vurdert på nytt") == true)
        }
    }

    @Test("Steps may go back with a reason; the history keeps every change; a closed pathway takes no events")
    func nonLinearSteps() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Self.start(t, api, model: "hybridmodellen", daysAgo: 60)
            #expect(pathway.currentStep == "trinn-1")
            var response = try await api.post("/api/v1/pathways/\(pathway.id)/step", ["step": "trinn-5"])
            #expect(response.status == .ok)
            // Back from placement to job finding: a reason is required.
            response = try await api.post("/api/v1/pathways/\(pathway.id)/step", ["step": "trinn-3"])
            #expect(response.status == .unprocessableEntity)
            #expect(response.problemFields == ["reason"])
            response = try await api.post("/api/v1/pathways/\(pathway.id)/step", ["step": "trinn-3", "reason": "Utplasseringen ble avsluttet; vi leter etter ny jobb."])
            #expect(response.status == .ok)
            response = try await api.post("/api/v1/pathways/\(pathway.id)/step", ["step": "trinn-3"])
            #expect(response.status == .unprocessableEntity)
            response = try await api.post("/api/v1/pathways/\(pathway.id)/step", ["step": "finnes-ikke"])
            #expect(response.problemFields == ["step"])
            let dto = try await api.get("/api/v1/pathways/\(pathway.id)").content.decode(PathwayDTO.self)
            #expect(dto.currentStep == "trinn-3")
            #expect(dto.stepHistory.map(\.kind) == ["start", "step", "step"])
            #expect(dto.stepHistory.map(\.toStep) == ["trinn-1", "trinn-5", "trinn-3"])
            #expect(dto.stepHistory.last?.reason == "Utplasseringen ble avsluttet; vi leter etter ny jobb.")
            let events = try await api.get("/api/v1/pathways/\(pathway.id)/events").content.decode([PathwayEventDTO].self)
            #expect(events.filter { $0.type == "step_changed" }.count == 2)

            // System events cannot be posted; closing needs an outcome and a reason.
            response = try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "pathway_closed", "occurredAt": Self.day(t, 1)])
            #expect(response.problemFields == ["type"])
            response = try await api.post("/api/v1/pathways/\(pathway.id)/close", ["outcome": "jobb"])
            #expect(Set(response.problemFields) == ["outcome", "reason"])
            response = try await api.post("/api/v1/pathways/\(pathway.id)/close", ["outcome": "ordinaert_arbeid", "reason": "Fast ansatt i 60 %."])
            #expect(response.status == .ok)
            #expect(try response.content.decode(PathwayDTO.self).status == "avsluttet")
            response = try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "mentor_contact", "occurredAt": Self.day(t, 0)])
            #expect(response.status == .conflict)
            #expect(try await t.auditEntries(.pathwayClosed).count == 1)
            // A new pathway may start once the old one is closed; two open ones may not.
            let second = try await api.post("/api/v1/pathways", [
                "candidateId": pathway.candidateId.uuidString, "methodModelId": try await Self.modelID(api, key: "hybridmodellen"),
                "referralDate": Self.day(t, 0), "referrer": "Egen henvendelse",
            ])
            #expect(second.status == .created)
            let third = try await api.post("/api/v1/pathways", [
                "candidateId": pathway.candidateId.uuidString, "methodModelId": try await Self.modelID(api, key: "hybridmodellen"),
                "referralDate": Self.day(t, 0), "referrer": "Egen henvendelse",
            ])
            #expect(third.status == .conflict)
        }
    }

    @Test("Visit before placement at the same employer: another employer's visit does not count")
    func sameEmployer() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Self.start(t, api, model: "hybridmodellen", daysAgo: 50)
            var r = try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "employer_visit", "occurredAt": Self.day(t, 40), "newEmployerName": "Testbakeriet"])
            #expect(r.status == .created)
            r = try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "placement_start", "occurredAt": Self.day(t, 30), "newEmployerName": "Annen Butikk"])
            #expect(r.status == .created)
            #expect(try await Self.quality(api, pathway.id)["H3.1"]?.state == "overdue")
            // Without an employer the event is refused: the criterion could not be checked.
            r = try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "placement_start", "occurredAt": Self.day(t, 20)])
            #expect(r.problemFields == ["employerId"])
            // The same name (other case) is the same employer; a visit there afterwards is late.
            r = try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "employer_visit", "occurredAt": Self.day(t, 25), "newEmployerName": "annen butikk"])
            #expect(r.status == .created)
            #expect(try await Self.quality(api, pathway.id)["H3.1"]?.state == "met_late")
            #expect(try await Employer.query(on: t.db).filter(\.$name == "Annen Butikk").count() == 1)
        }
    }

    @Test("Another office gets 404 on the pathway, audited as denied; a leader needs a reason first")
    func access() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Self.start(t, api, model: "snart-ansatt", daysAgo: 5)
            let other = try await APIClient.make(t, "veileder3")
            for path in ["", "/events", "/quality"] {
                #expect(try await other.get("/api/v1/pathways/\(pathway.id)\(path)").status == .notFound)
            }
            #expect(try await other.post("/api/v1/pathways/\(pathway.id)/events", ["type": "mentor_contact", "occurredAt": Self.day(t, 0)]).status == .notFound)
            let denied = try await t.auditEntries(.accessDenied)
            #expect(denied.contains { $0.objectID == pathway.candidateId.uuidString })
            let browser = t.browser()
            _ = try await browser.login("veileder3")
            #expect(try await browser.get("/forlop/\(pathway.id)").status == .notFound)
            // Same-office colleague: asked for a reason, nothing shown yet.
            let colleague = t.browser()
            _ = try await colleague.login("veileder2")
            let page = try await colleague.get("/forlop/\(pathway.id)")
            #expect(!page.text.contains("Kvalitetskriterier"))
            // The leader states a reason on the pathway's address and comes back to the pathway.
            let leader = t.browser()
            _ = try await leader.login("leder1")
            let asked = try await leader.get("/forlop/\(pathway.id)")
            #expect(asked.status == .forbidden)
            #expect(asked.text.contains("name=\"next\" value=\"/forlop/\(pathway.id)\""))
            let given = try await leader.post("/kandidater/\(pathway.candidateId)/grunn", [("reason", "Oppfølging av kvalitet på kontoret"), ("next", "/forlop/\(pathway.id)")])
            #expect(given.headers.first(name: .location) == "/forlop/\(pathway.id)")
            #expect(try await leader.get("/forlop/\(pathway.id)").text.contains("Kvalitetskriterier"))
            // Only our own pathway pages are returned to.
            let outside = try await leader.post("/kandidater/\(pathway.candidateId)/grunn", [("reason", "Igjen"), ("next", "https://example.org/")])
            #expect(outside.headers.first(name: .location) == "/kandidater/\(pathway.candidateId)")
        }
    }

    @Test("The pathway page shows every Snart Ansatt criterion of the pathway's steps with its risk text, and records an event from the form")
    func pathwayPage() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Self.start(t, api, model: "snart-ansatt", daysAgo: 100)
            let browser = t.browser()
            _ = try await browser.login("veileder1")
            let page = try await browser.get("/forlop/\(pathway.id)")
            #expect(page.status == .ok)
            let model = try #require(t.app.samskap.methodModels.shipped.first { $0.model.key == "snart-ansatt" }?.model)
            for criterion in model.pathwaySteps.flatMap(\.allCriteria) {
                let risk = try #require(criterion.risk)
                let plain = String(risk.prefix { !"&<>\"'".contains($0) }.prefix(40))
                #expect(plain.count >= 10 && page.text.contains(plain), "risk of \(criterion.id) missing")
            }
            #expect(!page.text.contains(">K1<"), "office criteria are not part of a pathway")
            // Each checked criterion with a rule shows it in words.
            let withRule = model.pathwaySteps.flatMap(\.allCriteria).filter { $0.rule != nil }.count
            #expect(withRule > 0 && page.text.components(separatedBy: "<p class=\"hint\"><span>").count - 1 == withRule)
            #expect(page.text.contains("Forfalt"))
            // The form: a bad date names the field; a good one is stored.
            var response = try await browser.post("/forlop/\(pathway.id)/hendelser", [("type", "relevance_decision"), ("occurredAt", "31.02.2026")])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("event-occurredAt"))
            response = try await browser.post("/forlop/\(pathway.id)/hendelser", [("type", "relevance_decision"), ("occurredAt", Self.day(t, 1)), ("note", String(repeating: "x", count: 2_001))])
            #expect(response.status == .unprocessableEntity)
            response = try await browser.post("/forlop/\(pathway.id)/hendelser", [("type", "relevance_decision"), ("occurredAt", Self.day(t, 1))])
            #expect(response.status == .seeOther)
            #expect(try await Self.quality(api, pathway.id)["I3"]?.state == "met_late")
        }
    }

    @Test("The start form: hostile and overlong input is refused naming the field and kept in the form; a good one starts the pathway")
    func startForm() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            _ = try await browser.login("veileder1")
            let candidateID = try await CandidateFixture.register(browser, CandidateFixture.fields(fnr: CandidateFixture.fnr()))
            let form = try await browser.get("/kandidater/\(candidateID)/forlop/ny")
            #expect(form.status == .ok)
            #expect(form.text.contains("Snart Ansatt (versjon 2)"))
            let hostile = "<script>alert('x')</script> \"æøå\""
            var response = try await browser.post("/kandidater/\(candidateID)/forlop", [("methodModel", "not-a-uuid"), ("referralDate", "2026-02-30"), ("referrer", hostile)])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("methodModel-error"))
            #expect(response.text.contains("referralDate-error"))
            #expect(!response.text.contains("<script>alert"))
            #expect(response.text.contains("&lt;script&gt;"))
            let models = try await MethodModelRecord.query(on: t.db).filter(\.$key == "snart-ansatt").all()
            let model = try #require(models.first?.id)
            response = try await browser.post("/kandidater/\(candidateID)/forlop", [("methodModel", model.uuidString), ("referralDate", Self.day(t, 3)), ("referrer", String(repeating: "x", count: 10_000))])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("referrer-error"))
            #expect(try await Pathway.query(on: t.db).filter(\.$candidate.$id == candidateID).count() == 0)
            response = try await browser.post("/kandidater/\(candidateID)/forlop", [("methodModel", model.uuidString), ("referralDate", Self.day(t, 3)), ("referrer", hostile)])
            #expect(response.status == .seeOther)
            let pathway = try #require(try await Pathway.query(on: t.db).filter(\.$candidate.$id == candidateID).first())
            #expect(pathway.referrer == hostile)
            #expect(pathway.currentStep == "henvisning")
            // Audited on the candidate (so a search by person finds it), naming the pathway.
            let created = try #require(try await t.auditEntries(.pathwayCreated).first)
            #expect(created.objectType == AuditObjectType.candidate && created.objectID == candidateID.uuidString)
            #expect(created.detail?.contains(pathway.id!.uuidString) == true, "\(created.detail ?? "") vs \(pathway.id!)")
            let page = try await browser.get("/forlop/\(pathway.id!)")
            #expect(page.text.contains("&lt;script&gt;alert"))
            let read = try #require(try await t.auditEntries(.pathwayRead).first)
            #expect(read.objectID == candidateID.uuidString && read.detail?.contains(pathway.id!.uuidString) == true)
            // The candidate page links to it and offers no second start while it is open.
            let candidatePage = try await browser.get("/kandidater/\(candidateID)")
            #expect(candidatePage.text.contains("/forlop/\(pathway.id!)"))
            #expect(!candidatePage.text.contains("/forlop/ny"))
        }
    }

    @Test("A mistaken event is withdrawn with a reason: kept in the timeline, no longer counted; system events cannot be")
    func withdraw() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Self.start(t, api, model: "tromsopakken", daysAgo: 20)
            let posted = try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "first_conversation", "occurredAt": Self.day(t, 15)])
            let event = try posted.content.decode(PathwayEventDTO.self)
            #expect(try await Self.quality(api, pathway.id)["T1.2a"]?.state == "met")
            var response = try await api.post("/api/v1/pathways/\(pathway.id)/events/\(event.id)/withdraw", [:])
            #expect(response.problemFields == ["reason"])
            response = try await api.post("/api/v1/pathways/\(pathway.id)/events/\(event.id)/withdraw", ["reason": "Feil kandidat"])
            #expect(response.status == .ok)
            #expect(try response.content.decode(PathwayEventDTO.self).withdrawnReason == "Feil kandidat")
            // Deadline 14 days after a referral 20 days ago: without the conversation it is overdue.
            #expect(try await Self.quality(api, pathway.id)["T1.2a"]?.state == "overdue")
            response = try await api.post("/api/v1/pathways/\(pathway.id)/events/\(event.id)/withdraw", ["reason": "igjen"])
            #expect(response.status == .conflict)
            let events = try await api.get("/api/v1/pathways/\(pathway.id)/events").content.decode([PathwayEventDTO].self)
            let referral = try #require(events.first { $0.type == "referral_received" })
            response = try await api.post("/api/v1/pathways/\(pathway.id)/events/\(referral.id)/withdraw", ["reason": "x"])
            #expect(response.problemFields == ["event"])
            #expect(events.contains { $0.id == event.id && $0.withdrawnAt != nil })
            let entry = try #require(try await t.auditEntries(.pathwayEventWithdrawn).first)
            #expect(entry.objectID == pathway.candidateId.uuidString)
            // The page shows it struck through with the reason; the form asks for a reason.
            let browser = t.browser()
            _ = try await browser.login("veileder1")
            let page = try await browser.get("/forlop/\(pathway.id)")
            #expect(page.text.contains("<s>Første samtale</s>"))
            #expect(page.text.contains("Feil kandidat"))
            // Only the withdrawn event is marked, struck through and without a link to withdraw it.
            let withdrawnItems = page.text.components(separatedBy: "<li class=\"withdrawn\">").dropFirst()
            #expect(withdrawnItems.count == 1)
            let withdrawnItem = try #require(withdrawnItems.first?.components(separatedBy: "</li>").first)
            #expect(withdrawnItem.contains("<s>Første samtale</s>") && withdrawnItem.contains("Feil kandidat"), "\(withdrawnItem)")
            #expect(!withdrawnItem.contains("trekk-tilbake"))
            #expect(page.text.components(separatedBy: "<s>").count == 2)
            let again = try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "decision", "occurredAt": Self.day(t, 2)])
            let decision = try again.content.decode(PathwayEventDTO.self)
            // The timeline links to a page per event that shows it and asks for the reason.
            let withdrawHref = "/forlop/\(pathway.id)/hendelser/\(decision.id)/trekk-tilbake"
            #expect(try await browser.get("/forlop/\(pathway.id)").text.contains("href=\"\(withdrawHref)\""))
            let ask = try await browser.get(withdrawHref)
            #expect(ask.status == .ok)
            #expect(ask.text.contains("Vedtak") && ask.text.contains("name=\"reason\"") && ask.text.contains("teller ikke lenger"))
            let asked = try #require(try await t.auditEntries(.pathwayRead).first { $0.detail?.contains(decision.id.uuidString) == true })
            #expect(asked.objectID == pathway.candidateId.uuidString)
            // The referral is a system event: its page explains, and offers no form.
            let referralPage = try await browser.get("/forlop/\(pathway.id)/hendelser/\(referral.id)/trekk-tilbake")
            #expect(referralPage.status == .ok && !referralPage.text.contains("name=\"reason\"") && referralPage.text.contains("kan ikke trekkes tilbake"))
            #expect(try await browser.get("/forlop/\(pathway.id)/hendelser/\(UUID())/trekk-tilbake").status == .notFound)
            let readsBefore = try await t.auditEntries(.pathwayRead).filter { $0.detail?.contains(decision.id.uuidString) == true }.count
            var form = try await browser.post(withdrawHref, [("reason", "")])
            #expect(form.status == .unprocessableEntity)
            #expect(form.text.contains("reason-error") && form.text.contains("aria-invalid=\"true\""))
            let readsAfter = try await t.auditEntries(.pathwayRead).filter { $0.detail?.contains(decision.id.uuidString) == true }.count
            #expect(readsAfter == readsBefore + 1, "the page shown again with the error is a read as well")
            form = try await browser.post("/forlop/\(pathway.id)/hendelser/\(referral.id)/trekk-tilbake", [("reason", "Feil")])
            #expect(form.status == .unprocessableEntity)
            #expect(form.text.contains("kan ikke trekkes tilbake") && !form.text.contains("name=\"reason\""))
            #expect(try await PathwayEvent.find(referral.id, on: t.db)?.withdrawnAt == nil)
            form = try await browser.post(withdrawHref, [("reason", String(repeating: "x", count: 1_001))])
            #expect(form.status == .unprocessableEntity)
            #expect(form.text.contains("reason-error") && form.text.contains(">\(String(repeating: "x", count: 1_001))</textarea>"), "the reason is kept")
            form = try await browser.post("/forlop/\(pathway.id)/hendelser/\(decision.id)/trekk-tilbake", [("reason", "Registrert på feil dato")])
            #expect(form.status == .seeOther)
            #expect(try await Self.quality(api, pathway.id)["T1.4a"]?.state == "due")
        }
    }

    @Test("The timeline shows the newest 30 events and pages to older ones by the last shown: every event once, in order; a withdraw error keeps its page")
    func timelinePages() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Self.start(t, api, model: "tromsopakken", daysAgo: 80)
            // Three events a day on most days: the clock stands still, so the recorded times tie as
            // well and the id decides the order within a day.
            for n in 0..<70 {
                let response = try await api.post("/api/v1/pathways/\(pathway.id)/events",
                                                  ["type": "status_meeting", "occurredAt": Self.day(t, 75 - n / 3), "note": "Notat nr. \(n)"])
                #expect(response.status == .created, "event \(n): \(response.text.prefix(200))")
            }
            let stored = try await PathwayEvent.query(on: t.db).filter(\.$pathway.$id == pathway.id).all()
            let expected = stored.sorted { a, b in
                if a.occurredAt != b.occurredAt { return a.occurredAt > b.occurredAt }
                if a.recordedAt != b.recordedAt { return a.recordedAt > b.recordedAt }
                return a.id!.uuidString > b.id!.uuidString
            }.map { $0.id!.uuidString }
            #expect(expected.count >= 71)

            let browser = t.browser()
            _ = try await browser.login("veileder1")
            /// The event ids in the page's timeline, in order (each has a withdraw form or is the referral).
            func shown(_ text: String) -> [String] {
                let timeline = text.components(separatedBy: "id=\"tidslinje\"").last ?? ""
                let list = timeline.components(separatedBy: "</ol>").first ?? ""
                return list.components(separatedBy: "<li").dropFirst().map { item in
                    let action = item.components(separatedBy: "/hendelser/").dropFirst().first
                    return action.map { String($0.prefix(36)) } ?? "referral"
                }
            }
            var seen: [String] = []
            var href: String? = "/forlop/\(pathway.id)"
            var pages = 0
            while let next = href {
                let page = try await browser.get(next)
                #expect(page.status == .ok)
                let ids = shown(page.text)
                #expect(ids.count == min(30, expected.count - seen.count), "page \(pages + 1) shows \(ids.count)")
                #expect(page.text.contains("Hendelser \(seen.count + 1)–\(seen.count + ids.count) av \(expected.count), nyeste først."))
                #expect(page.text.contains("Til de nyeste") == (pages > 0))
                #expect(page.text.contains("<ol class=\"history timeline\" start=\"\(seen.count + 1)\">"), "numbered from where the page starts")
                seen += ids
                pages += 1
                href = page.text.components(separatedBy: "href=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
                    .first { $0.hasPrefix("/forlop/\(pathway.id)?eldre=") }.map { String($0).replacingOccurrences(of: "#tidslinje", with: "") }
                #expect(pages < 5, "the pages must end")
                if pages >= 5 { break }
            }
            #expect(pages == (expected.count + 29) / 30)
            // The referral has no withdraw form, so it is matched by position: the oldest.
            #expect(seen.dropLast() == expected.dropLast()[...], "every event once, newest first")

            // A cursor that is not an event of this pathway shows the newest.
            let foreign = try await browser.get("/forlop/\(pathway.id)?eldre=\(UUID())")
            #expect(shown(foreign.text) == Array(expected.prefix(30)))
            #expect(!foreign.text.contains("Til de nyeste"))

            // Withdrawing from the second page comes back to the second page, also after an error.
            let secondPage = expected[29]
            let onSecond = expected[35]
            let second = try await browser.get("/forlop/\(pathway.id)?eldre=\(secondPage)")
            let link = "/forlop/\(pathway.id)/hendelser/\(onSecond)/trekk-tilbake?eldre=\(secondPage)"
            #expect(second.text.contains("href=\"\(link)\""))
            let ask = try await browser.get(link)
            #expect(ask.text.contains("name=\"eldre\" value=\"\(secondPage)\""))
            #expect(ask.text.contains("href=\"/forlop/\(pathway.id)?eldre=\(secondPage)#tidslinje\""))
            var form = try await browser.post("/forlop/\(pathway.id)/hendelser/\(onSecond)/trekk-tilbake", [("reason", ""), ("eldre", secondPage)])
            #expect(form.status == .unprocessableEntity)
            #expect(form.text.contains("reason-error") && form.text.contains("name=\"eldre\" value=\"\(secondPage)\""))
            form = try await browser.post("/forlop/\(pathway.id)/hendelser/\(onSecond)/trekk-tilbake", [("reason", "Feil dato"), ("eldre", secondPage)])
            #expect(form.status == .seeOther)
            #expect(form.headers.first(name: .location) == "/forlop/\(pathway.id)?melding=\(Flash.eventWithdrawn.rawValue)&eldre=\(secondPage)#tidslinje")
            let withdrawn = try #require(try await PathwayEvent.find(UUID(uuidString: onSecond), on: t.db))
            #expect(withdrawn.withdrawnReason == "Feil dato")
        }
    }

    @Test("A handover moves open pathways to the new counselor; closing before the last event is refused")
    func handoverAndClosingDate() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Self.start(t, api, model: "hybridmodellen", daysAgo: 30)
            #expect(try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "first_conversation", "occurredAt": Self.day(t, 10)]).status == .created)
            var response = try await api.post("/api/v1/pathways/\(pathway.id)/close", ["outcome": "avbrutt", "reason": "Flyttet", "closedAt": Self.day(t, 20)])
            #expect(response.problemFields == ["closedAt"])
            let viktor = try await t.user("veileder2")
            response = try await api.post("/api/v1/candidates/\(pathway.candidateId)/handover", [
                "counselorId": viktor.id!.uuidString, "situation": "Går bra med tett oppfølging", "agreements": "Ingen", "mentor": "Ingen ennå",
                "nextMeeting": "Ikke avtalt", "promised": "Ingenting",
            ])
            #expect(response.status == .ok, "handover: \(response.text.prefix(300))")
            let moved = try #require(try await Pathway.find(pathway.id, on: t.db))
            #expect(moved.$counselor.id == viktor.id)
            let viktorAPI = try await APIClient.make(t, "veileder2")
            let mine = try await viktorAPI.get("/api/v1/pathways").content.decode([PathwayDTO].self)
            #expect(mine.contains { $0.id == pathway.id })
            let vera = try await api.get("/api/v1/pathways")
            #expect(vera.status == .ok)
            #expect(!(try vera.content.decode([PathwayDTO].self)).contains { $0.id == pathway.id })
        }
    }
}
