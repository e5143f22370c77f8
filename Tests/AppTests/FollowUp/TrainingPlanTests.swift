@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

/// A placement (an agreement on a pathway) set up through the API as a counselor would, and the
/// training plan's calls and pages.
private enum Plan {
    /// Goals of the test's own placements (the demo plans a mentor agreement's goals too).
    static func testGoals(_ t: TestApp) -> QueryBuilder<TrainingGoal> {
        TrainingGoal.query(on: t.db).join(Agreement.self, on: \TrainingGoal.$agreement.$id == \Agreement.$id).filter(Agreement.self, \.$isDemo == false)
    }

    static func testGoalNotes(_ t: TestApp) -> QueryBuilder<TrainingGoalNote> {
        TrainingGoalNote.query(on: t.db).join(TrainingGoal.self, on: \TrainingGoalNote.$goal.$id == \TrainingGoal.$id)
            .join(Agreement.self, on: \TrainingGoal.$agreement.$id == \Agreement.$id).filter(Agreement.self, \.$isDemo == false)
    }

    private static let counter = NIOLockedValueBox(0)

    /// A fresh synthetic number born 1958–61: older than any demo candidate, young enough for an agreement.
    static func fnr() -> String {
        let n = counter.withLockedValue { value -> Int in
            value += 1
            return value
        }
        return NationalID.synthetic(day: 1 + n % 28, month: 1 + (n / 28) % 12, year: 1958 + (n / 336) % 4, individualSeed: n * 41 + 3)
    }

    struct Placement {
        var agreementID: UUID
        var pathwayID: UUID
        var candidateID: UUID
    }

    /// A candidate, a pathway referred 250 days ago, an employer and an arbeidstrening agreement.
    static func placement(_ t: TestApp, _ api: APIClient, first: String = "Amina", employer name: String = "Nærbutikken AS") async throws -> Placement {
        let candidate = try await api.register(APICandidate.body(fnr: fnr(), first: first, last: "Haugen", innsats: "situasjonsbestemt"))
        let started = try await api.post("/api/v1/pathways", [
            "candidateId": candidate.id.uuidString, "methodModelId": try await PathwayFlowTests.modelID(api, key: "hybridmodellen"),
            "referralDate": PathwayFlowTests.day(t, 250), "referrer": "Veileder Per",
        ])
        #expect(started.status == .created, "start answered \(started.status.code): \(started.text.prefix(300))")
        let pathway = try started.content.decode(PathwayDTO.self)
        let employer = try await api.post("/api/v1/employers", ["name": name])
        #expect(employer.status == .created, "employer answered \(employer.status.code): \(employer.text.prefix(300))")
        let agreement = try await api.post("/api/v1/agreements", [
            "pathwayId": pathway.id.uuidString, "employerId": try employer.content.decode(EmployerDTO.self).id.uuidString, "type": "arbeidstrening",
        ])
        #expect(agreement.status == .created, "agreement answered \(agreement.status.code): \(agreement.text.prefix(300))")
        return Placement(agreementID: try agreement.content.decode(AgreementDTO.self).id, pathwayID: pathway.id, candidateID: candidate.id)
    }

    static func path(_ p: Placement, _ rest: String = "") -> String { "/api/v1/placements/\(p.agreementID)/training-plan\(rest)" }

    static func get(_ api: APIClient, _ p: Placement, sourceLocation: SourceLocation = #_sourceLocation) async throws -> TrainingPlanDTO {
        let response = try await api.get(path(p))
        #expect(response.status == .ok, "GET plan answered \(response.status.code): \(response.text.prefix(300))", sourceLocation: sourceLocation)
        return try response.content.decode(TrainingPlanDTO.self)
    }

    static func put(_ api: APIClient, _ path: String, _ json: [String: Any]) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: api.token)
        headers.contentType = .json
        return try await api.browser.send(.PUT, path, headers: headers, body: try APIClient.encode(json))
    }

    /// Every checklist item rated, the first ones with a comment.
    static func allItems(_ rating: String = "delvis") -> [String: Any] {
        var items: [String: Any] = [:]
        for (index, item) in ObservationItem.allCases.enumerated() {
            items[item.rawValue] = index < 2 ? ["rating": rating, "comment": "Kommentar \(index)"] : ["rating": rating]
        }
        return items
    }

    /// The observation form's fields, every item rated.
    static func observationFields(_ t: TestApp, rating: String = "mestrer", skip: ObservationItem? = nil, comment: String = "Sier hei til alle") -> [(String, String)] {
        var fields = [("observedOn", PathwayFlowTests.day(t, 1)), ("note", "Trives i pausene")]
        for item in ObservationItem.allCases {
            fields.append(("rating_\(item.rawValue)", item == skip ? "" : (item == .writing ? "ikke_observert" : rating)))
            fields.append(("comment_\(item.rawValue)", item == .smallTalk ? comment : ""))
        }
        return fields
    }

    /// A page answered 200 and shows no template error, Leaf syntax or raw string-table key.
    static func expectRendered(_ response: TestingHTTPResponse, _ path: String, status: HTTPStatus = .ok, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(path) answered \(response.status.code): \(response.text.prefix(300))", sourceLocation: sourceLocation)
        let text = response.text
        for marker in ["LeafError", "LeafKit", "#(", "#t(", "#if(", "#else", "#endif", "#for(", "#endfor", "#extend(", "#export(", "#count(", "Internal Server Error"] {
            #expect(!text.contains(marker), "\(path) shows \(marker)", sourceLocation: sourceLocation)
        }
        let prefixes = "training_plan|training_status|training_responsible|observation_item|observation_rating|flash|agreement|agreement_type|pathway|form|followup|audit"
        let regex = try! Regex(">\\s*((?:\(prefixes))\\.[A-Za-z_0-9][A-Za-z_0-9.+-]*)\\s*<")
        let keys = text.matches(of: regex).compactMap { $0.output[1].substring.map(String.init) }
        #expect(keys.isEmpty, "\(path) shows raw string keys: \(keys)", sourceLocation: sourceLocation)
    }

    /// The `<div class="field">` of one form field: its label, input, hint and error.
    static func field(_ html: String, _ id: String) -> String? {
        guard let start = html.range(of: "<label for=\"\(id)\"") else { return nil }
        guard let end = html.range(of: "</div>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.lowerBound])
    }
}

@Suite("Training plan: sub-goals with history, language plan, workplace observation — API and page")
struct TrainingPlanTests {
    // MARK: - API

    @Test("API round trip: goals in both plans, a status change with its note history, the language plan upserted, an observation of all 9 items")
    func apiRoundTrip() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Plan.placement(t, api)
            let veraID = try await t.user("veileder1").requireID()

            let empty = try await Plan.get(api, p)
            #expect(empty.agreementId == p.agreementID && empty.pathwayId == p.pathwayID && empty.candidateId == p.candidateID)
            #expect(empty.trainingGoals.isEmpty && empty.languageGoals.isEmpty && empty.languagePlan == nil && empty.observations.isEmpty)
            #expect(empty.writable)

            // A training goal starts as "ikke startet", and its history says so.
            let target = PathwayFlowTests.day(t, -30)
            let added = try await api.post(Plan.path(p, "/goals"), ["plan": "opplaering", "title": "Ta imot varer og kontrollere mot pakkseddel", "targetDate": target, "responsible": "mentor"])
            #expect(added.status == .created, "\(added.text.prefix(300))")
            let goal = try added.content.decode(TrainingGoalDTO.self)
            #expect(goal.plan == "opplaering" && goal.status == "ikke_startet" && goal.responsible == "mentor" && goal.targetDate == target)
            #expect(goal.agreementId == p.agreementID && goal.createdBy == veraID)
            #expect(goal.notes.count == 1 && goal.notes.first?.fromStatus == nil && goal.notes.first?.toStatus == "ikke_startet")

            // A language goal may start in progress.
            let language = try await api.post(Plan.path(p, "/goals"), ["plan": "sprak", "title": "Svare kunder som spør etter varer", "responsible": "kandidat", "status": "pagar"])
            #expect(language.status == .created, "\(language.text.prefix(300))")
            let languageGoal = try language.content.decode(TrainingGoalDTO.self)
            #expect(languageGoal.status == "pagar" && languageGoal.targetDate == nil)

            // Status and note in one step, then a note alone: two more history lines.
            let moved = try await api.patch(Plan.path(p, "/goals/\(goal.id)"), ["status": "pagar", "note": "Har tatt imot to leveranser sammen med mentor"])
            #expect(moved.status == .ok, "\(moved.text.prefix(300))")
            let inProgress = try moved.content.decode(TrainingGoalDTO.self)
            #expect(inProgress.status == "pagar")
            #expect(inProgress.notes.count == 2)
            #expect(inProgress.notes.last?.fromStatus == "ikke_startet" && inProgress.notes.last?.toStatus == "pagar")
            #expect(inProgress.notes.last?.text == "Har tatt imot to leveranser sammen med mentor" && inProgress.notes.last?.writtenBy == veraID)
            let noted = try await api.patch(Plan.path(p, "/goals/\(goal.id)"), ["note": "Klarer det alene på tirsdager"])
            #expect(noted.status == .ok)
            let withNote = try noted.content.decode(TrainingGoalDTO.self)
            #expect(withNote.status == "pagar" && withNote.notes.count == 3)
            #expect(withNote.notes.last?.fromStatus == nil && withNote.notes.last?.toStatus == nil && withNote.notes.last?.text == "Klarer det alene på tirsdager")
            let reached = try await api.patch(Plan.path(p, "/goals/\(goal.id)"), ["status": "nadd"])
            #expect(try reached.content.decode(TrainingGoalDTO.self).notes.map { $0.toStatus } == ["ikke_startet", "pagar", nil, "nadd"])

            // The language plan: created once (201), then changed in place (200).
            let deadline = PathwayFlowTests.day(t, -120)
            let created = try await Plan.put(api, Plan.path(p, "/language"), ["finalGoal": "Klare samtaler med kunder i butikken", "deadline": deadline])
            #expect(created.status == .created, "\(created.text.prefix(300))")
            #expect(try created.content.decode(LanguagePlanDTO.self).deadline == deadline)
            t.clock.advance(by: 3_600)
            let changed = try await Plan.put(api, Plan.path(p, "/language"), ["finalGoal": "Klare samtaler med kunder og kolleger", "deadline": deadline])
            #expect(changed.status == .ok, "\(changed.text.prefix(300))")
            let plan = try changed.content.decode(LanguagePlanDTO.self)
            #expect(plan.finalGoal == "Klare samtaler med kunder og kolleger" && plan.updatedBy == veraID && plan.updatedAt == t.clock.now())
            #expect(try await LanguagePlan.query(on: t.db).filter(\.$agreement.$id == p.agreementID).count() == 1)

            // An observation rates every item; "ikke observert" is an answer.
            var items = Plan.allItems()
            items["skriftlig"] = ["rating": "ikke_observert", "comment": "Fikk ingen skriftlige oppgaver"]
            let observed = try await api.post(Plan.path(p, "/observations"), ["observedOn": PathwayFlowTests.day(t, 2), "items": items, "note": "Observert i varemottaket"])
            #expect(observed.status == .created, "\(observed.text.prefix(300))")
            let observation = try observed.content.decode(LanguageObservationDTO.self)
            #expect(observation.items.count == 9 && Set(observation.items.keys) == Set(ObservationItem.allCases.map(\.rawValue)))
            #expect(observation.items["skriftlig"]?.rating == "ikke_observert" && observation.items["skriftlig"]?.comment == "Fikk ingen skriftlige oppgaver")
            #expect(observation.items["smaprat"]?.comment == "Kommentar 0" && observation.items["lytting"]?.comment == nil)
            #expect(observation.observedOn == PathwayFlowTests.day(t, 2) && observation.note == "Observert i varemottaket")

            // The whole plan.
            let whole = try await Plan.get(api, p)
            #expect(whole.trainingGoals.map(\.id) == [goal.id] && whole.trainingGoals.first?.notes.count == 4 && whole.trainingGoals.first?.status == "nadd")
            #expect(whole.languageGoals.map(\.id) == [languageGoal.id])
            #expect(whole.languagePlan?.finalGoal == "Klare samtaler med kunder og kolleger")
            #expect(whole.observations.map(\.id) == [observation.id] && whole.observations.first?.items.count == 9)

            // Audited in the write, naming the agreement and never the plan's text.
            let saved = try await t.auditEntries(.trainingGoalSaved).filter { $0.actorUsername != "cli" }
            #expect(saved.count == 5)
            #expect(try await t.auditEntries(.languagePlanSaved).count == 2)
            #expect(try await t.auditEntries(.languageObservationRecorded).count == 1)
            #expect(try await t.auditEntries(.trainingPlanRead).count == 2)
            let writes = try await t.auditEntries().filter { [AuditAction.trainingGoalSaved, .languagePlanSaved, .languageObservationRecorded, .trainingPlanRead].map(\.rawValue).contains($0.action) && $0.actorUsername != "cli" }
            #expect(writes.count == 10)
            #expect(writes.allSatisfy { $0.objectType == AuditObjectType.candidate && $0.objectID == p.candidateID.uuidString && $0.actorUsername == "veileder1" })
            #expect(writes.allSatisfy { ($0.detail ?? "").contains(p.agreementID.uuidString) })
            #expect(!writes.contains { ($0.detail ?? "").contains("leveranser") || ($0.detail ?? "").contains("kunder") || ($0.detail ?? "").contains("pakkseddel") })
        }
    }

    @Test("Validation: 422 naming each field; nothing stored")
    func validation() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Plan.placement(t, api)

            let blank = try await api.post(Plan.path(p, "/goals"), [:])
            #expect(blank.status == .unprocessableEntity)
            #expect(blank.problemFields == ["plan", "title", "responsible"])
            #expect(blank.problem?.errors?.allSatisfy { !$0.message.contains("pathway.error") && !$0.message.contains("followup.error") } == true)
            let wrong = try await api.post(Plan.path(p, "/goals"), ["plan": "annet", "title": String(repeating: "x", count: 301), "targetDate": "31.12.2026",
                                                                     "responsible": "sjefen", "status": "ferdig"])
            #expect(wrong.problemFields == ["plan", "title", "targetDate", "responsible", "status"])

            let ok = try await api.post(Plan.path(p, "/goals"), ["plan": "opplaering", "title": String(repeating: "æ", count: 300), "responsible": "veileder"])
            #expect(ok.status == .created, "300 characters is allowed: \(ok.text.prefix(200))")
            let goal = try ok.content.decode(TrainingGoalDTO.self)
            #expect(try await api.patch(Plan.path(p, "/goals/\(goal.id)"), [:]).problemFields == ["note"])
            #expect(try await api.patch(Plan.path(p, "/goals/\(goal.id)"), ["status": "ikke_startet"]).problemFields == ["note"], "the same status and no note change nothing")
            #expect(try await api.patch(Plan.path(p, "/goals/\(goal.id)"), ["status": "ferdig"]).problemFields == ["status"])
            #expect(try await api.patch(Plan.path(p, "/goals/\(goal.id)"), ["note": String(repeating: "n", count: 2_001)]).problemFields == ["note"])
            #expect(try await api.patch(Plan.path(p, "/goals/\(goal.id)"), ["title": "Nytt navn"]).problemFields == ["title"])
            #expect(try await api.patch(Plan.path(p, "/goals/\(UUID())"), ["note": "Finnes ikke"]).status == .notFound)

            #expect(try await Plan.put(api, Plan.path(p, "/language"), [:]).problemFields == ["finalGoal", "deadline"])
            #expect(try await Plan.put(api, Plan.path(p, "/language"), ["finalGoal": "Mål", "deadline": "snart"]).problemFields == ["deadline"])

            // Every item needs a rating; comments are short; no unknown items, no future day.
            var missing = Plan.allItems()
            missing["skriftlig"] = nil
            let missingOne = try await api.post(Plan.path(p, "/observations"), ["observedOn": PathwayFlowTests.day(t, 0), "items": missing])
            #expect(missingOne.status == .unprocessableEntity)
            #expect(missingOne.problemFields == ["items.skriftlig.rating"])
            let none = try await api.post(Plan.path(p, "/observations"), [:])
            #expect(none.problemFields == ["observedOn"] + ObservationItem.allCases.map { "items.\($0.rawValue).rating" })
            var bad = Plan.allItems()
            bad["lytting"] = ["rating": "godt"]
            bad["smaprat"] = ["rating": "delvis", "comment": String(repeating: "k", count: 501)]
            bad["humor"] = ["rating": "delvis"]
            let badOnes = try await api.post(Plan.path(p, "/observations"), ["observedOn": PathwayFlowTests.day(t, -1), "items": bad])
            #expect(badOnes.problemFields == ["observedOn", "items.humor", "items.smaprat.comment", "items.lytting.rating"])

            #expect(try await Plan.testGoals(t).count() == 1)
            #expect(try await Plan.testGoalNotes(t).count() == 1)
            #expect(try await LanguagePlan.query(on: t.db).count() == 0)
            #expect(try await LanguageObservation.query(on: t.db).count() == 0)
        }
    }

    @Test("Access: another office's counselor gets 404 like an unknown placement (audited as denied), a colleague 403; a goal of another placement is 404")
    func access() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Plan.placement(t, api)
            let goal = try await api.post(Plan.path(p, "/goals"), ["plan": "opplaering", "title": "Rydde lageret", "responsible": "mentor"]).content.decode(TrainingGoalDTO.self)
            let second = try await Plan.placement(t, api, first: "Bashir", employer: "Bakeriet AS")

            let elsewhere = try await APIClient.make(t, "veileder3")
            let foreign = try await elsewhere.get(Plan.path(p))
            #expect(foreign.status == .notFound)
            #expect(!foreign.text.contains("Rydde lageret"))
            let unknown = try await elsewhere.get("/api/v1/placements/\(UUID())/training-plan")
            #expect(unknown.status == .notFound)
            #expect(foreign.problem?.detail == unknown.problem?.detail, "a placement elsewhere looks like one that does not exist")
            #expect(try await elsewhere.post(Plan.path(p, "/goals"), ["plan": "opplaering", "title": "Overtatt", "responsible": "mentor"]).status == .notFound)
            #expect(try await elsewhere.patch(Plan.path(p, "/goals/\(goal.id)"), ["status": "nadd"]).status == .notFound)
            #expect(try await Plan.put(elsewhere, Plan.path(p, "/language"), ["finalGoal": "Overtatt", "deadline": PathwayFlowTests.day(t, -10)]).status == .notFound)
            #expect(try await elsewhere.post(Plan.path(p, "/observations"), ["observedOn": PathwayFlowTests.day(t, 0), "items": Plan.allItems()]).status == .notFound)
            let denied = try await t.auditEntries(.accessDenied).filter { $0.actorUsername == "veileder3" && $0.objectID == p.candidateID.uuidString }
            #expect(!denied.isEmpty && denied.allSatisfy { $0.outcome == "denied" })

            let otherOffice = t.browser()
            try await otherOffice.login("veileder3")
            #expect(try await otherOffice.get("/avtaler/\(p.agreementID)/opplaering").status == .notFound)

            // A colleague at the office must state a reason first.
            let colleague = try await APIClient.make(t, "veileder2")
            #expect(try await colleague.get(Plan.path(p)).status == .forbidden)

            // A goal is changed only through its own placement.
            #expect(try await api.patch(Plan.path(second, "/goals/\(goal.id)"), ["status": "nadd"]).status == .notFound)
            let browser = t.browser()
            try await browser.login("veileder1")
            try await browser.get("/avtaler/\(second.agreementID)/opplaering")
            #expect(try await browser.post("/avtaler/\(second.agreementID)/opplaering/delmal/\(goal.id)", [("status", "nadd"), ("note", "")]).status == .notFound)

            let stored = try #require(try await TrainingGoal.find(goal.id, on: t.db))
            #expect(stored.status == .notStarted && stored.title == "Rydde lageret")
            #expect(try await Plan.testGoals(t).count() == 1)
            #expect(try await Plan.testGoalNotes(t).count() == 1)
            #expect(try await LanguagePlan.query(on: t.db).count() == 0)
            #expect(try await LanguageObservation.query(on: t.db).count() == 0)
        }
    }

    @Test("An annulled agreement or a closed pathway: the plan can be read, every write is 409 with the reason")
    func refusedWrites() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Plan.placement(t, api)
            let goal = try await api.post(Plan.path(p, "/goals"), ["plan": "sprak", "title": "Lese vaktlisten", "responsible": "kandidat"]).content.decode(TrainingGoalDTO.self)
            let annulled = try await api.post("/api/v1/agreements/\(p.agreementID)/annul", ["reason": "syk", "note": "Sykmeldt"])
            #expect(annulled.status == .ok, "\(annulled.text.prefix(300))")

            let writes = [
                try await api.post(Plan.path(p, "/goals"), ["plan": "opplaering", "title": "Etter annullering", "responsible": "mentor"]),
                try await api.patch(Plan.path(p, "/goals/\(goal.id)"), ["status": "nadd"]),
                try await Plan.put(api, Plan.path(p, "/language"), ["finalGoal": "Etter annullering", "deadline": PathwayFlowTests.day(t, -10)]),
                try await api.post(Plan.path(p, "/observations"), ["observedOn": PathwayFlowTests.day(t, 0), "items": Plan.allItems()]),
            ]
            for response in writes {
                #expect(response.status == .conflict, "\(response.text.prefix(300))")
                #expect(response.problem?.detail == "Avtalen er annullert, så planen kan ikke endres.")
            }
            let plan = try await Plan.get(api, p)
            #expect(!plan.writable)
            #expect(plan.languageGoals.map(\.status) == ["ikke_startet"], "the refused change left the goal as it was")
            #expect(plan.trainingGoals.isEmpty && plan.languagePlan == nil && plan.observations.isEmpty)

            // The page reads, shows why nothing can be changed, and offers no forms; a crafted post is 409.
            let browser = t.browser()
            try await browser.login("veileder1")
            let page = try await browser.get("/avtaler/\(p.agreementID)/opplaering")
            Plan.expectRendered(page, "annulled plan")
            #expect(page.text.contains("Avtalen er annullert. Du kan lese planen, men ikke endre den."))
            #expect(page.text.contains("Lese vaktlisten"))
            #expect(!page.text.contains("action=\"/avtaler/\(p.agreementID)/opplaering/"))
            let crafted = try await browser.post("/avtaler/\(p.agreementID)/opplaering/sprakplan", [("finalGoal", "Lure systemet"), ("deadline", PathwayFlowTests.day(t, -10))])
            #expect(crafted.status == .conflict)
            #expect(crafted.text.contains("Avtalen er annullert, så planen kan ikke endres."))
            #expect(try await LanguagePlan.query(on: t.db).count() == 0)

            // A closed pathway refuses writes on its placements too.
            let q = try await Plan.placement(t, api, first: "Chen", employer: "Bakeriet AS")
            let closed = try await api.post("/api/v1/pathways/\(q.pathwayID)/close", ["outcome": "bedre_rustet", "reason": "Flyttet til annen kommune", "closedAt": PathwayFlowTests.day(t, 0)])
            #expect(closed.status == .ok, "\(closed.text.prefix(300))")
            let afterClose = try await api.post(Plan.path(q, "/goals"), ["plan": "opplaering", "title": "Etter avslutning", "responsible": "mentor"])
            #expect(afterClose.status == .conflict)
            #expect(afterClose.problem?.detail == "Forløpet er avsluttet og kan ikke endres.")
            #expect(try await Plan.get(api, q).writable == false)
            #expect(try await Plan.testGoals(t).count() == 1)
        }
    }

    // MARK: - Page

    @Test("The page: linked from the agreement, renders 200 with the goals, forms add and change goals, set the language plan and record an observation shown as a table")
    func page() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Plan.placement(t, api)
            let browser = t.browser()
            try await browser.login("veileder1")
            let base = "/avtaler/\(p.agreementID)/opplaering"

            let agreementPage = try await browser.get("/avtaler/\(p.agreementID)")
            #expect(agreementPage.status == .ok)
            #expect(agreementPage.text.contains("href=\"\(base)\""), "the agreement page links to the training plan")

            let first = try await browser.get(base)
            Plan.expectRendered(first, base)
            #expect(first.text.contains("Ingen delmål ennå."))
            #expect(try await t.auditEntries(.trainingPlanRead).contains { $0.objectID == p.candidateID.uuidString && ($0.detail ?? "").contains(p.agreementID.uuidString) })

            // Add a training goal and a language goal.
            let added = try await browser.post("\(base)/delmal", [("plan", "opplaering"), ("title", "Fylle på melkekjøleren"), ("targetDate", PathwayFlowTests.day(t, -14)), ("responsible", "mentor")])
            #expect(added.status == .seeOther)
            #expect(added.headers.first(name: .location)?.hasPrefix("\(base)?melding=delmal-lagret") == true)
            let withGoal = try await browser.get(base + "?melding=delmal-lagret")
            Plan.expectRendered(withGoal, base)
            #expect(withGoal.text.contains("Delmålet er lagret."))
            #expect(withGoal.text.contains("Fylle på melkekjøleren") && withGoal.text.contains("Ikke startet") && withGoal.text.contains("Mentor"))
            #expect(try await browser.post("\(base)/delmal", [("plan", "sprak"), ("title", "Forstå beskjeder over samtaleanlegget"), ("targetDate", ""), ("responsible", "kandidat")]).status == .seeOther)
            let goal = try #require(try await Plan.testGoals(t).filter(\.$plan == .training).first())

            // Change its status with a note: the history reads as words.
            try await browser.get(base)
            let moved = try await browser.post("\(base)/delmal/\(goal.id!)", [("status", "pagar"), ("note", "Gjør det sammen med mentor om morgenen")])
            #expect(moved.status == .seeOther)
            let afterMove = try await browser.get(base)
            Plan.expectRendered(afterMove, base)
            #expect(afterMove.text.contains("Status endret fra «Ikke startet» til «Pågår»"))
            #expect(afterMove.text.contains("Gjør det sammen med mentor om morgenen"))
            #expect(afterMove.text.contains("Forstå beskjeder over samtaleanlegget"))

            // The language plan.
            let planned = try await browser.post("\(base)/sprakplan", [("finalGoal", "Klare en samtale med en kunde om varene"), ("deadline", PathwayFlowTests.day(t, -90))])
            #expect(planned.status == .seeOther)
            #expect(planned.headers.first(name: .location)?.contains("melding=sprakplan-lagret") == true)

            // The observation checklist, then the table.
            let observed = try await browser.post("\(base)/observasjon", Plan.observationFields(t))
            #expect(observed.status == .seeOther, "\(observed.text.prefix(300))")
            let full = try await browser.get(base + "?melding=observasjon-lagret")
            Plan.expectRendered(full, base)
            #expect(full.text.contains("Observasjonen er lagret."))
            #expect(full.text.contains("Klare en samtale med en kunde om varene"))
            #expect(full.text.contains("<th scope=\"col\" class=\"nowrap\">\(DisplayDate.date(try #require(DisplayDate.parseDay(PathwayFlowTests.day(t, 1)))))</th>"))
            #expect(full.text.contains("Deltar i småprat") && full.text.contains("Skriftlig arbeid") && full.text.contains("Mestrer") && full.text.contains("Ikke observert"))
            #expect(full.text.contains("Sier hei til alle") && full.text.contains("Trives i pausene"))
            let stored = try #require(try await LanguageObservation.query(on: t.db).first())
            #expect(stored.items.count == 9 && stored.items[.writing]?.rating == .notObserved && stored.items[.smallTalk]?.comment == "Sier hei til alle")

            // In English too, with no raw keys.
            let english = try await browser.get(base, headers: ["Accept-Language": "en"])
            #expect(english.status == .ok)
            #expect(try await t.auditEntries(.trainingGoalSaved).filter { $0.actorUsername != "cli" }.count == 3)
            #expect(try await t.auditEntries(.languagePlanSaved).count == 1)
            #expect(try await t.auditEntries(.languageObservationRecorded).count == 1)
        }
    }

    @Test("A page form with errors draws the page again (422) with the text typed, escaped, and the error by the field; hostile input never breaks it")
    func pageFormErrors() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Plan.placement(t, api)
            let browser = t.browser()
            try await browser.login("veileder1")
            let base = "/avtaler/\(p.agreementID)/opplaering"
            try await browser.get(base)

            let typed = #"Lære kassen «æøå» "sitat" <script>alert(1)</script>"#
            let refused = try await browser.post("\(base)/delmal", [("plan", "sprak"), ("title", typed), ("targetDate", "i morgen"), ("responsible", "")])
            Plan.expectRendered(refused, "goal form", status: .unprocessableEntity)
            #expect(refused.text.contains("value=\"Lære kassen «æøå» &quot;sitat&quot; &lt;script&gt;alert(1)&lt;/script&gt;\""), "the text typed is kept, escaped")
            #expect(!refused.text.contains("<script>alert(1)"))
            let responsible = try #require(Plan.field(refused.text, "delmal-sprak-responsible"))
            #expect(responsible.contains("field-error") && responsible.contains("Dette feltet må fylles ut."))
            let date = try #require(Plan.field(refused.text, "delmal-sprak-targetDate"))
            #expect(date.contains("Skriv datoen som åååå-mm-dd"))
            #expect(refused.text.contains(##"href="#delmal-sprak-responsible""##))

            // The observation: one rating missing; the comments typed stay.
            let partial = try await browser.post("\(base)/observasjon", Plan.observationFields(t, skip: .listening, comment: "Hilser på «alle»"))
            Plan.expectRendered(partial, "observation form", status: .unprocessableEntity)
            let listening = try #require(Plan.field(partial.text, "observasjon-rating_lytting"))
            #expect(listening.contains("field-error") && listening.contains("aria-invalid=\"true\""))
            #expect(partial.text.contains("value=\"Hilser på «alle»\""))
            #expect(partial.text.contains("<option value=\"mestrer\" selected>"), "the ratings chosen stay chosen")

            // A status change with nothing to change.
            let goal = try await api.post(Plan.path(p, "/goals"), ["plan": "opplaering", "title": "Stemple inn", "responsible": "kandidat"]).content.decode(TrainingGoalDTO.self)
            try await browser.get(base)
            let nothing = try await browser.post("\(base)/delmal/\(goal.id)", [("status", "ikke_startet"), ("note", " ")])
            Plan.expectRendered(nothing, "update form", status: .unprocessableEntity)
            #expect(nothing.text.contains("Velg en ny status eller skriv et notat."))

            // Hostile and overlong input: refused or stored, never a 500, never raw.
            let long = String(repeating: "x", count: 10_000)
            let hostile = "\"><script>alert(1)</script> æøå ÆØÅ '"
            for (path, fields) in [
                ("\(base)/delmal", [("plan", hostile), ("title", long), ("targetDate", hostile), ("responsible", hostile)]),
                ("\(base)/delmal", [("plan", "opplaering"), ("title", hostile), ("targetDate", ""), ("responsible", "mentor")]),
                ("\(base)/delmal/\(goal.id)", [("status", hostile), ("note", long)]),
                ("\(base)/delmal/\(goal.id)", [("status", "pagar"), ("note", hostile)]),
                ("\(base)/sprakplan", [("finalGoal", long), ("deadline", hostile)]),
                ("\(base)/observasjon", [("observedOn", hostile), ("rating_smaprat", hostile), ("comment_smaprat", long), ("note", long)]),
            ] {
                try await browser.get(base)
                let response = try await browser.post(path, fields)
                #expect(response.status.code < 500, "\(path) answered \(response.status.code)")
                #expect(!response.text.contains("<script>alert(1)"), "\(path) echoed unescaped input")
            }
            let shown = try await browser.get(base)
            Plan.expectRendered(shown, base)
            #expect(!shown.text.contains("<script>alert(1)") && shown.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(try await Plan.testGoals(t).count() == 2)
            #expect(try await LanguagePlan.query(on: t.db).count() == 0)
            #expect(try await LanguageObservation.query(on: t.db).count() == 0)
        }
    }

    // MARK: - Rules

    @Test("Rules: a change needs a new status or a note; every item gets a rating; the day is not in the future")
    func rules() throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let update = try TrainingPlanRules.update(status: "nadd", note: "  ")
        #expect(update == .init(status: .reached, note: nil))
        let change = try TrainingPlanRules.change(from: .inProgress, update)
        #expect(change.move?.from == .inProgress && change.move?.to == .reached && change.note == nil)
        #expect(throws: ProblemError.self) { try TrainingPlanRules.change(from: .reached, update) }
        let noteOnly = try TrainingPlanRules.change(from: .reached, .init(status: .reached, note: "Holder stand"))
        #expect(noteOnly.move == nil && noteOnly.note == "Holder stand")

        let goal = try TrainingPlanRules.goal(.init(plan: "sprak", title: " Lese oppslag\u{0} ", targetDate: "2026-12-01", responsible: "veileder"), now: now)
        #expect(goal.title == "Lese oppslag" && goal.status == .notStarted && goal.plan == .language)

        let items = Dictionary(uniqueKeysWithValues: ObservationItem.allCases.map { ($0.rawValue, TrainingPlanRules.ItemInput(rating: "trenger_stotte", comment: nil)) })
        let valid = try TrainingPlanRules.observation(.init(observedOn: "2026-09-21", items: items), now: now)
        #expect(valid.items.count == 9 && valid.items.values.allSatisfy { $0.rating == .needsSupport })
        do {
            _ = try TrainingPlanRules.observation(.init(observedOn: "2026-09-22", items: items), now: now)
            Issue.record("a day in the future is refused")
        } catch let problem as ProblemError {
            #expect(problem.fields.map(\.field) == ["observedOn"] && problem.fields.first?.key == "pathway.error.date_future")
        }
    }
}
