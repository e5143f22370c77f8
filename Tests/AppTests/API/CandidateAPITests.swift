@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import Yams

/// One user's client of the JSON API: a bearer token and JSON bodies.
struct APIClient {
    let browser: Browser
    let token: String

    static func make(_ t: TestApp, _ username: String) async throws -> APIClient {
        APIClient(browser: t.browser(), token: try await t.issueToken(for: username))
    }

    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, body: nil)
    }

    func post(_ path: String, _ json: [String: Any] = [:]) async throws -> TestingHTTPResponse {
        try await send(.POST, path, body: Self.encode(json))
    }

    func patch(_ path: String, _ json: [String: Any]) async throws -> TestingHTTPResponse {
        try await send(.PATCH, path, body: Self.encode(json))
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String?) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        if body != nil { headers.contentType = .json }
        return try await browser.send(method, path, headers: headers, body: body)
    }

    static func encode(_ json: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
    }

    /// Registers a candidate and returns it; fails the test unless the answer is 201.
    func register(_ fields: [String: Any]) async throws -> CandidateDTO {
        let response = try await post("/api/v1/candidates", fields)
        #expect(response.status == .created, "register answered \(response.status.code): \(response.text.prefix(300))")
        return try response.content.decode(CandidateDTO.self)
    }
}

extension TestingHTTPResponse {
    var problem: ProblemDocument? { try? JSONDecoder().decode(ProblemDocument.self, from: Data(text.utf8)) }
    var problemFields: [String] { problem?.errors?.map(\.field) ?? [] }
}

/// Candidates for API tests: fresh synthetic numbers and a complete body.
enum APICandidate {
    /// Born 1925–39: older than anyone in the demo data, so never a duplicate of theirs.
    static func fnr() -> String { CandidateFixture.fnr() }

    static func body(
        fnr: String = fnr(), first: String = "Kari", last: String = "Nordmann",
        innsats: String = "spesielt_tilpasset", benefit: String = "aap"
    ) -> [String: Any] {
        [
            "fnr": fnr, "firstName": first, "lastName": last, "phone": "412 34 567", "email": "Kari@Example.no",
            "municipality": "Bodø", "innsatsgruppe": innsats, "mainBenefit": benefit, "wishes": "Jobbe i butikk",
            "wishedWork": "butikk, lager", "strengths": "Punktlig og god med kunder", "challenges": "Sliter med lange dager",
            "supportNeeds": "Fast mentor", "education": "Videregående", "workExperience": "Sommerjobb på lager", "norwegianLevel": "B2",
        ]
    }
}

@Suite("CandidateAPI: candidates, consents, hybrid, handover, portfolio and overview under /api/v1")
struct CandidateAPITests {
    // MARK: - Register

    @Test("POST /candidates registers with 201; the response and the audit trail never hold the full number")
    func register() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let fnr = APICandidate.fnr()
            let response = try await api.post("/api/v1/candidates", APICandidate.body(fnr: fnr, first: "Åse", last: "Ødegård"))
            #expect(response.status == .created)
            #expect(response.headers.contentType == .json)
            #expect(!response.text.contains(fnr), "the full number is never in a response")
            let dto = try response.content.decode(CandidateDTO.self)
            #expect(response.headers.first(name: .location) == "/api/v1/candidates/\(dto.id)")
            #expect(dto.fnrMasked == String(fnr.prefix(6)) + "*****")
            #expect(dto.name == "Åse Ødegård")
            #expect(dto.officeEnhet == "9901")
            #expect(dto.counselor == CounselorDTO(id: try await t.user("veileder1").requireID(), displayName: "Vera Veileder"))
            #expect(dto.innsatsgruppe == .spesieltTilpasset && dto.mainBenefit == .aap)
            #expect(!dto.hybrid && dto.hybridSince == nil && !dto.needsAction)
            #expect(dto.createdAt == t.clock.now())

            let stored = try #require(try await Candidate.find(dto.id, on: t.db))
            #expect(stored.fnr == fnr)
            #expect(stored.email == "kari@example.no")
            let created = try #require(try await t.auditEntries(.candidateCreated).first)
            #expect(created.objectID == dto.id.uuidString)
            #expect(!(created.detail ?? "").contains(fnr))
            #expect(try await t.auditEntries().allSatisfy { !($0.detail ?? "").contains(fnr) && !($0.objectID ?? "").contains(fnr) })
        }
    }

    @Test("Invalid input is 422 naming each field; hostile text is stored and returned as given")
    func validation() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let before = try await Candidate.query(on: t.db).count()

            var bad = APICandidate.body(fnr: "12345678901")
            bad["firstName"] = "  "
            bad["innsatsgruppe"] = "ukjent"
            bad["wishes"] = String(repeating: "å", count: 10_000)
            let response = try await api.post("/api/v1/candidates", bad)
            #expect(response.status == .unprocessableEntity)
            #expect(response.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
            #expect(Set(response.problemFields) == ["fnr", "firstName", "innsatsgruppe", "wishes"])
            #expect(try await Candidate.query(on: t.db).count() == before)

            let missingAll = try await api.post("/api/v1/candidates", [:])
            #expect(missingAll.status == .unprocessableEntity)
            #expect(missingAll.problemFields.contains("fnr") && missingAll.problemFields.contains("lastName"))

            let notJSON = try await api.post("/api/v1/candidates", ["firstName": 42])
            #expect(notJSON.status == .unprocessableEntity)
            #expect(notJSON.problemFields == ["firstName"])

            let hostile = #"<script>alert("x")</script> 'Ærlig' Øy"#
            let dto = try await api.register(APICandidate.body(first: hostile, last: "Å'\"<b>"))
            #expect(dto.firstName == hostile)
            let detail = try await api.get("/api/v1/candidates/\(dto.id)")
            #expect(try detail.content.decode(CandidateDetailDTO.self).lastName == "Å'\"<b>")
        }
    }

    @Test("A duplicate is 409 that tells neither name nor office, only how to ask for access; the request is 202")
    func duplicateAndAccessRequest() async throws {
        try await withTestApp { t in
            let owner = try await APIClient.make(t, "veileder1")
            let fnr = APICandidate.fnr()
            let existing = try await owner.register(APICandidate.body(fnr: fnr, first: "Sigrun", last: "Hestvik"))

            let elsewhere = try await APIClient.make(t, "veileder3")
            let duplicate = try await elsewhere.post("/api/v1/candidates", APICandidate.body(fnr: fnr, first: "Annen", last: "Person"))
            #expect(duplicate.status == .conflict)
            #expect(duplicate.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
            for secret in ["Sigrun", "Hestvik", existing.id.uuidString, fnr] {
                #expect(!duplicate.text.contains(secret), "the 409 reveals \(secret)")
            }
            #expect(duplicate.problem?.detail.contains("9901") == false && duplicate.problem?.detail.contains("Nord") == false)
            #expect(duplicate.problem?.detail.contains("/api/v1/candidates/access-requests") == true)
            #expect(try await t.auditEntries(.candidateDuplicate).count == 1)

            let colleague = try await APIClient.make(t, "veileder2")
            let sameOffice = try await colleague.post("/api/v1/candidates", APICandidate.body(fnr: fnr))
            #expect(sameOffice.status == .conflict)
            #expect(!sameOffice.text.contains("Sigrun") && !sameOffice.text.contains("Hestvik"))

            let shortReason = try await elsewhere.post("/api/v1/candidates/access-requests", ["fnr": fnr, "reason": "nei"])
            #expect(shortReason.status == .unprocessableEntity)
            #expect(shortReason.problemFields == ["reason"])
            let badNumber = try await elsewhere.post("/api/v1/candidates/access-requests", ["fnr": "123", "reason": "Flyttet til vårt kontor"])
            #expect(badNumber.problemFields == ["fnr"])

            let requested = try await elsewhere.post("/api/v1/candidates/access-requests", ["fnr": fnr, "reason": "Flyttet til vårt kontor"])
            #expect(requested.status == .accepted)
            #expect(try requested.content.decode(AccessRequestedDTO.self).status == "requested")
            #expect(!requested.text.contains("Sigrun"))
            let stored = try await CandidateAccessRequest.query(on: t.db).filter(\.$candidate.$id == existing.id).all()
            #expect(stored.count == 1 && stored[0].reason == "Flyttet til vårt kontor")
            #expect(try await t.auditEntries(.candidateAccessRequested).count == 1)
            let again = try await elsewhere.post("/api/v1/candidates/access-requests", ["fnr": fnr, "reason": "Flyttet til vårt kontor"])
            #expect(again.status == .conflict)
        }
    }

    // MARK: - Who may see

    @Test("Another office gets 404 on every candidate route, audited as denied; search by number finds only what one may read")
    func otherOffice() async throws {
        try await withTestApp { t in
            let owner = try await APIClient.make(t, "veileder1")
            let fnr = APICandidate.fnr()
            let candidate = try await owner.register(APICandidate.body(fnr: fnr))

            let elsewhere = try await APIClient.make(t, "veileder3")
            let response = try await elsewhere.get("/api/v1/candidates/\(candidate.id)")
            #expect(response.status == .notFound)
            let unknown = try await elsewhere.get("/api/v1/candidates/\(UUID())")
            #expect(unknown.status == .notFound)
            #expect(response.problem?.detail == unknown.problem?.detail, "not-yours looks like unknown")
            let denied = try await t.auditEntries(.accessDenied).filter { $0.objectID == candidate.id.uuidString }
            #expect(denied.count == 1 && denied.first?.outcome == "denied")

            #expect(try await elsewhere.patch("/api/v1/candidates/\(candidate.id)", ["phone": "99999999"]).status == .notFound)
            #expect(try await elsewhere.get("/api/v1/candidates/\(candidate.id)/consents").status == .notFound)
            #expect(try await elsewhere.post("/api/v1/candidates/\(candidate.id)/access", ["reason": "Jeg vil se"]).status == .notFound)

            let found = try await owner.post("/api/v1/candidates/search", ["fnr": fnr])
            #expect(found.status == .ok)
            #expect(try found.content.decode(CandidateDTO.self).id == candidate.id)
            #expect(!found.text.contains(fnr))
            #expect(try await elsewhere.post("/api/v1/candidates/search", ["fnr": fnr]).status == .notFound)
            #expect(try await owner.post("/api/v1/candidates/search", ["fnr": APICandidate.fnr()]).status == .notFound)
            #expect(try await owner.post("/api/v1/candidates/search", ["fnr": "1234"]).problemFields == ["fnr"])
            let colleague = try await APIClient.make(t, "veileder2")
            #expect(try await colleague.post("/api/v1/candidates/search", ["fnr": fnr]).status == .notFound, "a reason comes first")

            let admin = try await t.issueToken(for: "admin")
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: admin)
            #expect(try await t.browser().get("/api/v1/candidates", headers: headers).status == .forbidden, "admins have no office content")
        }
    }

    @Test("A colleague gets 403 until they state a reason; then 200, audited as candidate.access_reason")
    func colleagueStatesReason() async throws {
        try await withTestApp { t in
            let owner = try await APIClient.make(t, "veileder1")
            let candidate = try await owner.register(APICandidate.body(first: "Lise", last: "Lund"))
            let colleague = try await APIClient.make(t, "veileder2")

            let refused = try await colleague.get("/api/v1/candidates/\(candidate.id)")
            #expect(refused.status == .forbidden)
            #expect(refused.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
            #expect(!refused.text.contains("Lise") && !refused.text.contains("Lund"))
            #expect(try await colleague.patch("/api/v1/candidates/\(candidate.id)", ["phone": "99999999"]).status == .forbidden)

            let short = try await colleague.post("/api/v1/candidates/\(candidate.id)/access", ["reason": "se"])
            #expect(short.status == .unprocessableEntity)
            #expect(short.problemFields == ["reason"])
            #expect(try await colleague.get("/api/v1/candidates/\(candidate.id)").status == .forbidden)

            let granted = try await colleague.post("/api/v1/candidates/\(candidate.id)/access", ["reason": "Vikarierer for Vera i dag"])
            #expect(granted.status == .ok)
            let grant = try granted.content.decode(AccessGrantDTO.self)
            #expect(grant.candidateId == candidate.id)
            #expect(grant.expiresAt == t.clock.now().addingTimeInterval(CandidateAccess.reasonGrantDuration))
            let reasons = try await t.auditEntries(.candidateAccessReason)
            #expect(reasons.count == 1 && reasons[0].objectID == candidate.id.uuidString && reasons[0].detail?.contains("Vikarierer") == true)

            let opened = try await colleague.get("/api/v1/candidates/\(candidate.id)")
            #expect(opened.status == .ok)
            #expect(try opened.content.decode(CandidateDetailDTO.self).name == "Lise Lund")
            #expect(try await t.auditEntries(.candidateRead).contains { $0.objectID == candidate.id.uuidString && $0.actorUsername == "veileder2" })
            #expect(try await colleague.post("/api/v1/candidates/\(candidate.id)/access", ["reason": "Vikarierer igjen"]).status == .conflict)

            t.clock.advance(by: CandidateAccess.reasonGrantDuration + 1)
            #expect(try await colleague.get("/api/v1/candidates/\(candidate.id)").status == .forbidden, "the grant lasts a working day")
        }
    }

    // MARK: - Change

    @Test("PATCH changes only the given fields, is audited, and keeps the number fixed; strengths come before challenges")
    func partialUpdate() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let candidate = try await api.register(APICandidate.body(first: "Ola", last: "Berg"))

            let response = try await api.patch("/api/v1/candidates/\(candidate.id)", ["phone": "+47 999 88 777", "municipality": "", "norwegianLevel": "C1"])
            #expect(response.status == .ok)
            let detail = try response.content.decode(CandidateDetailDTO.self)
            #expect(detail.phone == "+47 999 88 777")
            #expect(detail.municipality == nil, "an empty string clears a field")
            #expect(detail.norwegianLevel == .c1)
            #expect(detail.firstName == "Ola" && detail.strengths == "Punktlig og god med kunder" && detail.innsatsgruppe == .spesieltTilpasset)
            let strengths = try #require(response.text.range(of: #""strengths""#))
            let challenges = try #require(response.text.range(of: #""challenges""#))
            #expect(strengths.lowerBound < challenges.lowerBound)
            #expect(response.headers.contentType == .json)
            let written = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
            let codable = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(detail)) as? [String: Any])
            #expect(Set(written.keys) == Set(codable.keys), "the ordered writer and Codable agree on the fields")
            #expect(written["fnrMasked"] as? String == candidate.fnrMasked && written["counselorChanges"] as? Int == 0)

            let stored = try #require(try await Candidate.find(candidate.id, on: t.db))
            #expect(stored.phone == "+47 999 88 777" && stored.municipality == nil && stored.lastName == "Berg")
            let updated = try #require(try await t.auditEntries(.candidateUpdated).first)
            #expect(updated.objectID == candidate.id.uuidString)
            #expect(updated.detail?.contains("telefon") == true && updated.detail?.contains("999") == false)

            let fnr = try await api.patch("/api/v1/candidates/\(candidate.id)", ["fnr": APICandidate.fnr()])
            #expect(fnr.status == .unprocessableEntity && fnr.problemFields == ["fnr"])
            let bad = try await api.patch("/api/v1/candidates/\(candidate.id)", ["email": "ikke en adresse", "lastName": ""])
            #expect(Set(bad.problemFields) == ["email", "lastName"])
            #expect(try await Candidate.find(candidate.id, on: t.db)?.lastName == "Berg")
        }
    }

    @Test("Consents: recorded with 201, withdrawn at once, and the disclosure gate follows immediately")
    func consents() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let candidate = try await api.register(APICandidate.body())
            let other = try await api.register(APICandidate.body(first: "Per"))
            let today = DisplayDate.dayInput(t.clock.now())

            let invalid = try await api.post("/api/v1/candidates/\(candidate.id)/consents", ["items": ["goals_plan"], "party": "naboen", "givenOn": today, "form": "written"])
            #expect(invalid.status == .unprocessableEntity && invalid.problemFields == ["party"])

            let response = try await api.post("/api/v1/candidates/\(candidate.id)/consents", [
                "items": ["goals_plan", "contact_details"], "party": "mentor", "givenOn": today, "form": "written", "note": "Signert på møtet",
            ])
            #expect(response.status == .created)
            let created = try response.content.decode(ConsentListDTO.self).items
            #expect(created.count == 2)
            #expect(created.allSatisfy { $0.active && $0.party == .mentor && $0.givenOn == today && $0.recordedBy == "Vera Veileder" && $0.expiresOn == nil })
            #expect(try await t.auditEntries(.consentRecorded).count == 2)

            var disclosed = try #require(try await DisclosureGate.disclose(candidateID: candidate.id, to: .mentor, at: t.clock.now(), on: t.db))
            #expect(disclosed.allowed == [.goalsAndPlan, .contactDetails])
            #expect(disclosed.phone == "412 34 567")

            let contact = try #require(created.first { $0.item == .contactDetails })
            #expect(try await api.post("/api/v1/candidates/\(other.id)/consents/\(contact.id)/withdraw").status == .notFound, "not that candidate's consent")
            let withdrawn = try await api.post("/api/v1/candidates/\(candidate.id)/consents/\(contact.id)/withdraw")
            #expect(withdrawn.status == .ok)
            let dto = try withdrawn.content.decode(ConsentDTO.self)
            #expect(!dto.active && dto.withdrawnAt == t.clock.now())
            disclosed = try #require(try await DisclosureGate.disclose(candidateID: candidate.id, to: .mentor, at: t.clock.now(), on: t.db))
            #expect(disclosed.allowed == [.goalsAndPlan])
            #expect(disclosed.phone == nil)
            #expect(try await api.post("/api/v1/candidates/\(candidate.id)/consents/\(contact.id)/withdraw").status == .conflict)
            #expect(try await t.auditEntries(.consentWithdrawn).count == 1)

            let list = try await api.get("/api/v1/candidates/\(candidate.id)/consents")
            #expect(list.status == .ok)
            let items = try list.content.decode(ConsentListDTO.self).items
            #expect(items.count == 2 && items.filter(\.active).map(\.item) == [.goalsAndPlan])

            let colleague = try await APIClient.make(t, "veileder2")
            #expect(try await colleague.get("/api/v1/candidates/\(candidate.id)/consents").status == .forbidden)
        }
    }

    @Test("Hybrid follow-up starts and ends with a reason; bad input names the field")
    func hybrid() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let candidate = try await api.register(APICandidate.body())
            let path = "/api/v1/candidates/\(candidate.id)/hybrid"

            let bad = try await api.post(path, ["action": "pause", "reason": "kort", "date": "31.12.2025"])
            #expect(Set(bad.problemFields) == ["action", "reason", "date"])
            let future = try await api.post(path, ["action": "start", "reason": "Tett oppfølging i butikk", "date": DisplayDate.dayInput(t.clock.now().addingTimeInterval(3 * 86_400))])
            #expect(future.problemFields == ["date"])

            let started = try await api.post(path, ["action": "start", "reason": "Tett oppfølging i butikk"])
            #expect(started.status == .ok)
            let dto = try started.content.decode(CandidateDTO.self)
            #expect(dto.hybrid && dto.hybridSince == DisplayDate.dayInput(t.clock.now()))
            #expect(try await Candidate.find(candidate.id, on: t.db)?.isHybrid == true)
            #expect(try await api.post(path, ["action": "start", "reason": "Tett oppfølging i butikk"]).status == .conflict)

            let ended = try await api.post(path, ["action": "end", "reason": "Fikk fast jobb", "date": DisplayDate.dayInput(t.clock.now())])
            #expect(ended.status == .ok)
            let after = try ended.content.decode(CandidateDTO.self)
            #expect(!after.hybrid && after.hybridSince == nil)
            let periods = try await HybridPeriod.query(on: t.db).filter(\.$candidate.$id == candidate.id).all()
            #expect(periods.count == 1 && periods[0].endedOn != nil && periods[0].endReason == "Fikk fast jobb")
            #expect(try await t.auditEntries(.candidateHybridStarted).count == 1)
            #expect(try await t.auditEntries(.candidateHybridEnded).count == 1)
        }
    }

    @Test("Handover needs the note: without it 422 naming situation and nothing changes; with it the counselor changes")
    func handover() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let candidate = try await api.register(APICandidate.body())
            let vera = try await t.user("veileder1").requireID()
            let colleague = try await t.user("veileder2")
            let path = "/api/v1/candidates/\(candidate.id)/handover"

            let noNote = try await api.post(path, ["counselorId": colleague.requireID().uuidString])
            #expect(noNote.status == .unprocessableEntity)
            #expect(noNote.problemFields.contains("situation"))
            var stored = try #require(try await Candidate.find(candidate.id, on: t.db))
            #expect(stored.$counselor.id == vera && stored.counselorChanges == 0)

            let note: [String: Any] = [
                "situation": "I arbeidstrening på lager, trives godt", "agreements": "Mentor to timer i uka",
                "mentor": "Siv på lageret", "nextMeeting": "Oppfølging på arbeidsplassen", "promised": "ingen",
            ]
            var elsewhere = note
            elsewhere["counselorId"] = try await t.user("veileder3").requireID().uuidString
            #expect(try await api.post(path, elsewhere).problemFields == ["counselorId"])
            #expect(try await api.post(path, note).problemFields == ["counselorId"], "no counselor chosen")

            var full = note
            full["counselorId"] = try colleague.requireID().uuidString
            let response = try await api.post(path, full)
            #expect(response.status == .ok)
            #expect(try response.content.decode(CandidateDTO.self).counselor.id == colleague.id)
            stored = try #require(try await Candidate.find(candidate.id, on: t.db))
            #expect(stored.$counselor.id == colleague.id && stored.counselorChanges == 1)
            let assignments = try await CounselorAssignment.query(on: t.db)
                .filter(\.$candidate.$id == candidate.id).filter(\.$fromCounselor.$id == vera).all()
            #expect(assignments.count == 1 && assignments[0].$toCounselor.id == colleague.id && assignments[0].mentor == "Siv på lageret")
            #expect(try await t.auditEntries(.candidateHandover).count == 1)
            #expect(try await api.get("/api/v1/candidates/\(candidate.id)").status == .forbidden, "the former counselor now needs a reason")
        }
    }

    // MARK: - Portfolio

    @Test("Portfolio: every filter's count equals its items over all pages; bad parameters name the field; one audit entry per call")
    func portfolio() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            var fnrs: [String] = []
            var ids: [UUID] = []
            for (innsats, benefit, name) in [
                ("standard", "dagpenger", "Øyvind"), ("situasjonsbestemt", "aap", "Astrid"), ("spesielt_tilpasset", "aap", "Bjørn"),
                ("varig_tilpasset", "uforetrygd", "Cecilie"), ("standard", "sosialstonad", "Dag"), ("situasjonsbestemt", "kvalifiseringsstonad", "Eva"),
            ] {
                let fnr = APICandidate.fnr()
                fnrs.append(fnr)
                ids.append(try await api.register(APICandidate.body(fnr: fnr, first: name, last: "Testesen", innsats: innsats, benefit: benefit)).id)
            }
            for id in ids.prefix(2) {
                #expect(try await api.post("/api/v1/candidates/\(id)/hybrid", ["action": "start", "reason": "Tett oppfølging"]).status == .ok)
            }
            try await t.addActionItem(for: ids[3], due: t.clock.now().addingTimeInterval(-3600))

            let vera = try await t.user("veileder1").requireID()
            let own = try await Candidate.query(on: t.db).filter(\.$counselor.$id == vera).count()
            let first = try await api.get("/api/v1/portfolio")
            #expect(first.status == .ok)
            let overview = try first.content.decode(PortfolioDTO.self)
            #expect(overview.filter == "alle" && overview.sort == "navn" && overview.page == 1)
            #expect(Set(overview.counts.keys) == Set(PortfolioFilter.allCases.map(\.raw)))
            #expect(overview.counts["alle"] == own && overview.total == own)
            #expect((overview.counts["hybrid"] ?? 0) >= 2)
            #expect((overview.counts["trenger-handling"] ?? 0) >= 1)
            #expect((overview.counts["nye"] ?? 0) >= 6)

            for filter in PortfolioFilter.allCases {
                var seen: [CandidateDTO] = []
                var page = 1
                while true {
                    let response = try await api.get("/api/v1/portfolio?filter=\(filter.raw)&page=\(page)")
                    #expect(response.status == .ok)
                    for fnr in fnrs { #expect(!response.text.contains(fnr)) }
                    let body = try response.content.decode(PortfolioDTO.self)
                    #expect(body.total == body.counts[filter.raw], "\(filter.raw): total is the filter's count")
                    seen += body.items
                    if body.items.count < body.pageSize { break }
                    page += 1
                }
                #expect(seen.count == overview.counts[filter.raw], "\(filter.raw): \(seen.count) items, count \(String(describing: overview.counts[filter.raw]))")
                #expect(Set(seen.map(\.id)).count == seen.count, "\(filter.raw): no item on two pages")
                #expect(seen.allSatisfy { $0.counselor.id == vera })
                let list = try await api.get("/api/v1/candidates?filter=\(filter.raw)")
                #expect(try list.content.decode(CandidateListDTO.self).total == overview.counts[filter.raw])
            }
            let needing = try await api.get("/api/v1/portfolio?filter=trenger-handling")
            #expect(try needing.content.decode(PortfolioDTO.self).items.contains { $0.id == ids[3] && $0.needsAction })
            let hybrid = try await api.get("/api/v1/portfolio?filter=hybrid")
            #expect(try hybrid.content.decode(PortfolioDTO.self).items.filter { ids.prefix(2).contains($0.id) }.allSatisfy { $0.hybrid && $0.hybridSince != nil })

            // Name search, folded: "oyvind" finds "Øyvind".
            let search = try await api.get("/api/v1/candidates?q=oyvind%20testesen")
            let found = try search.content.decode(CandidateListDTO.self)
            #expect(found.items.map(\.id) == [ids[0]] && found.total == 1)

            let reads = try await t.auditEntries(.portfolioRead).count
            _ = try await api.get("/api/v1/portfolio?q=Astrid&sort=sist-kontakt")
            let entries = try await t.auditEntries(.portfolioRead)
            #expect(entries.count == reads + 1, "one audit entry per call")
            #expect(entries.first?.detail?.contains("Astrid") == true)

            for path in ["/api/v1/portfolio?q=\(fnrs[0])", "/api/v1/candidates?q=\(fnrs[0].prefix(6))", "/api/v1/portfolio?q=Kari%201"] {
                let digits = try await api.get(path)
                #expect(digits.status == .unprocessableEntity, "\(path)")
                #expect(digits.problemFields == ["q"])
                #expect(!digits.text.contains(fnrs[0]))
            }
            #expect(try await t.auditEntries(.portfolioRead).count == reads + 1, "a refused call reads nothing")
            #expect(try await t.auditEntries().allSatisfy { !($0.detail ?? "").contains(fnrs[0].prefix(6)) })
            let badParameters = try await api.get("/api/v1/portfolio?filter=alt&sort=alder&page=0")
            #expect(Set(badParameters.problemFields) == ["filter", "sort", "page"])
        }
    }

    // MARK: - Office overview

    @Test("Office overview: a leader sees counts per counselor at their own office, no names of candidates")
    func officeOverview() async throws {
        try await withTestApp { t in
            let counselor = try await APIClient.make(t, "veileder1")
            let candidate = try await counselor.register(APICandidate.body(first: "Gunnhild", last: "Skjæran"))
            #expect(try await counselor.post("/api/v1/candidates/\(candidate.id)/hybrid", ["action": "start", "reason": "Tett oppfølging"]).status == .ok)

            let leader = try await APIClient.make(t, "leder1")
            let response = try await leader.get("/api/v1/offices/9901/overview")
            #expect(response.status == .ok)
            #expect(!response.text.contains("Gunnhild") && !response.text.contains("Skjæran"))
            let overview = try response.content.decode(OfficeOverviewDTO.self)
            #expect(overview.office.enhetNumber == "9901")
            let vera = try #require(overview.counselors.first { $0.displayName == "Vera Veileder" })
            let own = try await Candidate.query(on: t.db).filter(\.$counselor.$id == vera.id).count()
            let hybrid = try await Candidate.query(on: t.db).filter(\.$counselor.$id == vera.id).filter(\.$isHybrid == true).count()
            #expect(vera.isCounselor && vera.portfolio == own && vera.hybrid == hybrid && vera.hybridFlag != nil)
            #expect(try await t.auditEntries(.officeOverviewRead).count == 1)

            let otherOffice = try await leader.get("/api/v1/offices/9902/overview")
            #expect(otherOffice.status == .notFound)
            #expect(try await t.auditEntries(.accessDenied).contains { $0.objectType == AuditObjectType.office && $0.outcome == "denied" })
            #expect(try await leader.get("/api/v1/offices/99x1/overview").problemFields == ["enhetNumber"])
            #expect(try await counselor.get("/api/v1/offices/9901/overview").status == .forbidden, "leaders only")
        }
    }

    // MARK: - Description

    @Test("openapi.yaml describes every candidate route, and every $ref in it resolves")
    func openAPI() async throws {
        try await withTestApp(demo: false) { t in
            let text = try String(contentsOfFile: TestApp.packageRoot + "openapi.yaml", encoding: .utf8)
            let document = try #require(try Yams.load(yaml: text) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: Any])
            var described: Set<String> = []
            for (path, item) in paths {
                for method in (item as? [String: Any] ?? [:]).keys where method != "parameters" { described.insert("\(method.uppercased()) \(path)") }
            }
            let implemented = t.app.routes.all
                .filter { $0.path.first?.description == "api" }
                .map { route in
                    "\(route.method.rawValue) /" + route.path.map { component in
                        if case let .parameter(name) = component { return "{\(name)}" }
                        return component.description
                    }.joined(separator: "/")
                }
            #expect(implemented.filter { !$0.contains("/mentor/") && ($0.contains("candidates") || $0.contains("portfolio") || $0.contains("overview")) }.count == 14)
            let missing = implemented.filter { !described.contains($0) }
            #expect(missing.isEmpty, "routes missing from openapi.yaml: \(missing)")

            let components = try #require(document["components"] as? [String: Any])
            let refs = try NSRegularExpression(pattern: ##"\$ref: "#/components/([a-zA-Z]+)/([a-zA-Z]+)""##)
            for match in refs.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let kind = String(text[Range(match.range(at: 1), in: text)!]), name = String(text[Range(match.range(at: 2), in: text)!])
                #expect((components[kind] as? [String: Any])?[name] != nil, "unresolved $ref \(kind)/\(name)")
            }
        }
    }
}
