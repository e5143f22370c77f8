@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// A pathway whose every free text names the candidate, the mentor, the employer and its contact
/// person, with the candidate's fnr, phone and e-mail; built with the models as the features
/// store them.
private struct CaseFixture {
    static let first = "Kari Anne"
    static let last = "Nordmann-Berg"
    static let mentor = "Sigrun Haugland"
    static let employer = "Bakeriet Solstråle AS"
    static let contact = "Torbjørn Lie"
    static let phone = "+47 912 34 567"
    static let email = "kari.nordmann@example.no"
    static let orgnr = "974760673"

    var pathwayID: UUID
    var candidateID: UUID
    var fnr: String
    var stepName: String

    /// Every string that must not be in a generated or shared case.
    var forbidden: [String] {
        ["Kari", "Nordmann", "Nordmann-Berg", "Kari Anne", "Sigrun", "Haugland", "Solstråle", "Torbjørn", fnr, String(fnr.prefix(6)) + " " + String(fnr.suffix(5)),
         "912 34 567", "91234567", Self.email, "974 760 673", Self.orgnr]
    }

    /// The same, lower-cased, for a lower-cased text.
    var forbiddenLowercased: [String] {
        ["kari anne", "nordmann", "sigrun", "haugland", "solstråle", "torbjørn", Self.email, fnr]
    }

    /// `text` in a sentence that names everyone.
    static func naming(_ text: String, fnr: String) -> String {
        "\(text) \(first) \(last) (fnr \(fnr), tlf \(phone), \(email)) og mentor \(mentor) hos \(employer) (orgnr 974 760 673). "
            + "Karis leder \(contact) sier at Sigruns opplæring virker. KARI ANNE og nordmann-berg."
    }

    static func make(_ t: TestApp, counselor username: String = "veileder1") async throws -> CaseFixture {
        let db = t.db
        let now = t.clock.now()
        let counselor = try await t.user(username)
        let counselorID = try counselor.requireID()
        let officeID = try #require(counselor.$office.id)
        let fnr = NationalID.synthetic(day: 1, month: 1, year: 1999, individualSeed: 42)

        let employerID = try await PathwayService.employer(named: employer, officeID: officeID, by: counselorID, at: now, on: db)
        let employerRow = try #require(try await Employer.find(employerID, on: db))
        employerRow.orgnr = orgnr
        try await employerRow.save(on: db)
        let contactRow = EmployerContact()
        contactRow.$employer.id = employerID
        contactRow.name = contact
        contactRow.createdAt = now
        contactRow.$createdBy.id = counselorID
        try await contactRow.create(on: db)
        let mentorRow = Mentor()
        mentorRow.$office.id = officeID
        mentorRow.$employer.id = employerID
        mentorRow.name = mentor
        mentorRow.position = .colleague
        mentorRow.isDemo = false
        mentorRow.createdAt = now
        try await mentorRow.create(on: db)

        let candidate = Candidate()
        candidate.$office.id = officeID
        candidate.$counselor.id = counselorID
        candidate.fnr = fnr
        candidate.firstName = first
        candidate.lastName = last
        candidate.searchKey = SearchText.folded(first, last)
        candidate.phone = phone
        candidate.email = email
        candidate.innsatsgruppe = .spesieltTilpasset
        candidate.mainBenefit = .aap
        candidate.strengths = naming("Styrker: punktlig og blid.", fnr: fnr)
        candidate.challenges = naming("Utfordringer: søvnrytme.", fnr: fnr)
        candidate.supportNeeds = naming("Støtte: faste rutiner.", fnr: fnr)
        candidate.isHybrid = true
        candidate.counselorChanges = 0
        candidate.isDemo = false
        candidate.createdAt = now
        try await candidate.create(on: db)

        let record = try #require(try await t.app.samskap.methodModels.available(for: officeID, on: db).first { $0.key == "hybridmodellen" })
        let model = try t.app.samskap.methodModels.model(record)
        let service = PathwayService(app: t.app, context: .system, actorID: counselorID, now: now)
        let referral = now.addingTimeInterval(-Double(10 * 7 + 3) * 86_400)
        let pathway = try await service.start(candidate: candidate, .init(modelRecordID: try record.requireID(), referralDate: referral, referrer: "Henvist av fastlegen"))
        let pathwayID = try pathway.requireID()
        let step = try #require(model.pathwaySteps.dropFirst(2).first)

        try await t.app.write(context: .system) { db, _ in
            try await PathwayService.insertEvent(pathwayID: pathwayID, type: .firstConversation, at: referral.addingTimeInterval(3 * 86_400), by: counselorID,
                                                 now: now, note: naming("Første samtale.", fnr: fnr), on: db)
            try await PathwayService.insertEvent(pathwayID: pathwayID, type: .employerVisit, at: referral.addingTimeInterval(20 * 86_400), by: counselorID,
                                                 now: now, employerID: employerID, note: naming("Besøk.", fnr: fnr), on: db)
            pathway.currentStep = step.id
            try await pathway.save(on: db)

            let link = PathwayMentor()
            link.$pathway.id = pathwayID
            link.$mentor.id = try mentorRow.requireID()
            link.fromDate = referral.addingTimeInterval(30 * 86_400)
            link.createdAt = now
            link.$createdBy.id = counselorID
            try await link.create(on: db)

            let agreement = Agreement()
            agreement.$office.id = officeID
            agreement.$pathway.id = pathwayID
            agreement.$candidate.id = try candidate.requireID()
            agreement.$employer.id = employerID
            agreement.type = .mentor
            agreement.currentVersion = 1
            agreement.createdAt = now
            agreement.$createdBy.id = counselorID
            agreement.isDemo = false
            try await agreement.create(on: db)
            let version = AgreementVersion()
            version.$agreement.id = try agreement.requireID()
            version.version = 1
            version.goalsJSON = "[]"
            version.isExtension = false
            version.createdAt = now
            version.$createdBy.id = counselorID
            try await version.create(on: db)

            let goal = TrainingGoal()
            goal.$agreement.id = try agreement.requireID()
            goal.$pathway.id = pathwayID
            goal.plan = .training
            goal.title = "Kari Anne lærer kassa med Sigrun Haugland hos Solstråle"
            goal.status = .inProgress
            goal.responsible = .mentor
            goal.createdAt = now
            goal.$createdBy.id = counselorID
            goal.updatedAt = now
            try await goal.create(on: db)

            let hours = MentorHours()
            hours.$pathway.id = pathwayID
            hours.$mentor.id = try mentorRow.requireID()
            hours.workedOn = now.addingTimeInterval(-7 * 86_400)
            hours.hundredthHours = 250
            hours.activity = "Opplæring"
            hours.recordedAt = now
            hours.$recordedBy.id = counselorID
            try await hours.create(on: db)

            let contact = Contact()
            contact.$pathway.id = pathwayID
            contact.$candidate.id = try candidate.requireID()
            contact.$office.id = officeID
            contact.occurredAt = now.addingTimeInterval(-2 * 86_400)
            contact.channel = .phone
            contact.withWhom = .mentor
            contact.withName = mentor
            contact.note = naming("Telefon.", fnr: fnr)
            contact.forCandidate = false
            contact.recordedAt = now
            contact.$recordedBy.id = counselorID
            try await contact.create(on: db)

            let meeting = Meeting()
            meeting.$pathway.id = pathwayID
            meeting.$candidate.id = try candidate.requireID()
            meeting.$office.id = officeID
            meeting.type = .status
            meeting.startsAt = now.addingTimeInterval(-5 * 86_400)
            meeting.durationMinutes = 60
            meeting.participantsJSON = "[]"
            meeting.minutes = naming("Referat.", fnr: fnr)
            meeting.minutesForCandidate = false
            meeting.minutesAt = now.addingTimeInterval(-5 * 86_400)
            meeting.sequence = 0
            meeting.createdAt = now
            meeting.$createdBy.id = counselorID
            meeting.updatedAt = now
            try await meeting.create(on: db)

            try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
        }
        return CaseFixture(pathwayID: pathwayID, candidateID: try candidate.requireID(), fnr: fnr, stepName: step.name)
    }

    /// Fails for every forbidden string found in `text`.
    func expectClean(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for word in forbidden {
            #expect(!text.contains(word), "\(what) contains «\(word)»", sourceLocation: sourceLocation)
        }
        let lower = text.lowercased()
        for word in forbiddenLowercased {
            #expect(!lower.contains(word), "\(what) contains «\(word)» in some letter case", sourceLocation: sourceLocation)
        }
        let digits = text.filter(\.isNumber)
        #expect(!digits.contains(fnr), "\(what) contains the fnr's digits", sourceLocation: sourceLocation)
    }
}

private enum C {
    /// Presentations stored by the test itself: the demo data shares one of its own, made before any test ran.
    static func stored(_ t: TestApp) async throws -> Int {
        try await CasePresentation.query(on: t.db).filter(\.$question != DemoReflection.caseQuestion).count()
    }

    static func nb(_ t: TestApp, _ key: String, _ args: String...) -> String {
        t.app.samskap.strings.text(key, locale: "nb", args: args)
    }

    static func html(_ text: String) -> String { PageChecks.html(text) }

    static func location(_ response: TestingHTTPResponse) -> String { response.headers.first(name: .location) ?? "" }

    static func presentationID(_ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> UUID {
        let path = location(response).split(separator: "?")[0]
        #expect(path.hasPrefix("/refleksjon/case/"), "redirected to \(location(response))", sourceLocation: sourceLocation)
        return try #require(UUID(uuidString: String(path.dropFirst("/refleksjon/case/".count))), sourceLocation: sourceLocation)
    }

    static func error(_ html: String, _ id: String) -> String? { PageChecks.error(html, id) }

    static func expectRendered(_ response: TestingHTTPResponse, _ path: String, status: HTTPStatus = .ok, sourceLocation: SourceLocation = #_sourceLocation) {
        PageChecks.expectRendered(response, path, status: status, keyPrefixes: ["casepres", "reflection"], sourceLocation: sourceLocation)
    }

    /// The form's text of a field, as the page shows it.
    static func textarea(_ html: String, _ id: String) -> String? {
        guard let regex = try? Regex("<textarea id=\"\(NSRegularExpression.escapedPattern(for: id))\"[^>]*>([^<]*)</textarea>"),
              let match = html.firstMatch(of: regex) else { return nil }
        return match.output[1].substring.map(String.init)
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func entries(_ t: TestApp, _ action: AuditAction) async throws -> [AuditEntry] {
        try await t.auditEntries(action)
    }

    /// Stores a draft through the page and returns its id.
    static func saveDraft(_ t: TestApp, _ browser: Browser, _ fixture: CaseFixture, question: String = "Hvordan kan vi støtte mentoren bedre?") async throws -> UUID {
        let page = try await browser.get("/forlop/\(fixture.pathwayID.uuidString)/case-presentasjon")
        expectRendered(page, "generate")
        var fields: [(String, String)] = []
        for name in ["challenges", "tried", "criteria"] { fields.append((name, unescape(textarea(page.text, "case-\(name)") ?? ""))) }
        fields.append(("question", question))
        let saved = try await browser.post("/forlop/\(fixture.pathwayID.uuidString)/case-presentasjon", fields)
        #expect(saved.status == .seeOther, "saving answered \(saved.status.code): \(saved.text.prefix(300))")
        return try presentationID(saved)
    }
}

@Suite("Case presentations: pseudonymised from a pathway, the author's draft, sharing with the office")
struct CasePresentationTests {
    @Test("A case from a pathway whose notes name the candidate, mentor and employer contains none of them; the facts are right (page and API)")
    func generatedIsClean() async throws {
        try await withTestApp { t in
            let fixture = try await CaseFixture.make(t)
            let browser = t.browser()
            try await browser.login("veileder1")
            let before = try await C.entries(t, .casePresentationGenerated).count
            let page = try await browser.get("/forlop/\(fixture.pathwayID.uuidString)/case-presentasjon")
            C.expectRendered(page, "generate")
            fixture.expectClean(page.text, "the generated page")
            #expect(page.text.contains("25–29"))
            #expect(page.text.contains(C.html(C.nb(t, "innsatsgruppe.spesielt_tilpasset"))))
            #expect(page.text.contains(C.html(fixture.stepName)))
            #expect(page.text.contains(C.html(C.nb(t, "reflection.case.duration_weeks", "10"))))
            // Strengths first, the replacement words, and the facts of what was tried.
            let challenges = C.unescape(try #require(C.textarea(page.text, "case-challenges")))
            #expect(challenges.hasPrefix(C.nb(t, "casepres.gen.strengths", "").trimmingCharacters(in: .whitespaces)), "strengths first: \(challenges.prefix(80))")
            #expect(challenges.contains("kandidaten") && challenges.contains("mentoren") && challenges.contains("arbeidsgiveren") && challenges.contains("[telefon]"))
            #expect(challenges.lowercased().contains("kandidatens") && challenges.lowercased().contains("mentorens"), "genitive kept")
            #expect(challenges.contains("[fødselsnummer]") && challenges.contains("[e-post]") && challenges.contains("[org.nr.]"))
            let tried = C.unescape(try #require(C.textarea(page.text, "case-tried")))
            #expect(tried.contains(C.nb(t, "casepres.gen.mentor_linked")))
            #expect(tried.contains(C.nb(t, "casepres.gen.mentor_hours", "2,5")))
            #expect(tried.contains(C.nb(t, "agreement_type.mentor")))
            #expect(tried.contains(C.nb(t, "training_status.pagar")))
            #expect(C.textarea(page.text, "case-question") == "")
            #expect(page.text.contains(C.html(C.nb(t, "casepres.found.kandidatnavn"))), "the page says what was removed")
            #expect(try await C.entries(t, .casePresentationGenerated).count == before + 1)
            #expect(try await C.stored(t) == 0, "nothing is stored by looking")

            let api = try await APIClient.make(t, "veileder1")
            let json = try await api.get("/api/v1/pathways/\(fixture.pathwayID.uuidString)/case-presentation")
            #expect(json.status == .ok, "draft answered \(json.status.code): \(json.text.prefix(300))")
            fixture.expectClean(json.text, "the draft JSON")
            let draft = try json.content.decode(CasePresentationDraftDTO.self)
            #expect(draft.ageBand == "25–29")
            #expect(draft.innsatsgruppe == C.nb(t, "innsatsgruppe.spesielt_tilpasset"))
            #expect(draft.step == fixture.stepName)
            #expect(draft.durationWeeks == 10)
            #expect(draft.question == "")
            #expect(Set(draft.removed).isSuperset(of: ["kandidatnavn", "mentornavn", "arbeidsgivernavn", "kontaktperson", "fodselsnummer", "telefon", "epost", "orgnr"]))

            let created = try await api.post("/api/v1/pathways/\(fixture.pathwayID.uuidString)/case-presentation", ["question": "Hva gjør vi med søvnrytmen?"])
            #expect(created.status == .created, "create answered \(created.status.code): \(created.text.prefix(300))")
            fixture.expectClean(created.text, "the stored draft's JSON")
            let dto = try created.content.decode(CasePresentationDTO.self)
            #expect(dto.status == "utkast" && dto.mine && dto.pathwayId == fixture.pathwayID)
            let stored = try #require(try await CasePresentation.find(dto.id, on: t.db))
            for text in [stored.challenges, stored.tried, stored.criteria, stored.question, stored.ageBand, stored.innsatsgruppe, stored.step] {
                fixture.expectClean(text, "a stored column")
            }
            #expect(stored.durationWeeks == 10 && stored.sharedAt == nil && stored.question == "Hva gjør vi med søvnrytmen?")
            let saved = try await C.entries(t, .casePresentationSaved)
            #expect(saved.first?.objectID == dto.id.uuidString)
            let detail = saved.first?.detail ?? ""
            #expect(detail.contains("søvn") == false && !detail.contains(fixture.pathwayID.uuidString), "the audit detail holds no text and no pathway id")
        }
    }

    @Test("What the quality criteria show: the stored states of the pathway's checked criteria, overdue ones named")
    func criteria() async throws {
        try await withTestApp { t in
            let counselor = try await t.user("veileder1")
            var checked = 0
            for pathway in try await Pathway.query(on: t.db).filter(\.$counselor.$id == counselor.requireID()).filter(\.$status != .closed).all() {
                let rows = try await PathwayCriteriaStore.load(pathwayID: pathway.requireID(), on: t.db)
                let now = t.clock.now()
                let overdue = rows.values.filter { $0.effectiveState(now: now) == .overdue }.map(\.criterion_id)
                let met = rows.values.filter { [.met, .metLate].contains($0.effectiveState(now: now)) }.count
                guard !overdue.isEmpty else { continue }
                guard let record = try await MethodModelRecord.find(pathway.$methodModel.id, on: t.db) else { continue }
                let model = try t.app.samskap.methodModels.model(record)
                let api = try await APIClient.make(t, "veileder1")
                let draft = try await api.get("/api/v1/pathways/\(pathway.requireID().uuidString)/case-presentation").content.decode(CasePresentationDraftDTO.self)
                #expect(draft.criteria.contains(C.nb(t, "casepres.gen.criteria_overdue")))
                #expect(draft.criteria.contains(C.nb(t, "casepres.gen.criteria_counts", String(met), String(rows.values.filter { $0.effectiveState(now: now) == .due }.count), String(overdue.count))))
                for id in overdue {
                    let text = try #require(model.criterion(id)?.text)
                    #expect(draft.criteria.contains(text), "overdue criterion \(id) is named")
                }
                #expect(draft.step == model.step(pathway.currentStep)?.name)
                checked += 1
            }
            #expect(checked > 0, "the demo data has pathways with overdue criteria")
        }
    }

    @Test("Only someone who may work on the pathway generates: another office's counselor gets 404")
    func generateNeedsPathwayAccess() async throws {
        try await withTestApp { t in
            let fixture = try await CaseFixture.make(t)
            let other = t.browser()
            try await other.login("veileder3")
            let page = try await other.get("/forlop/\(fixture.pathwayID.uuidString)/case-presentasjon")
            #expect(page.status == .notFound)
            fixture.expectClean(page.text, "the refusal")
            let api = try await APIClient.make(t, "veileder3")
            #expect(try await api.get("/api/v1/pathways/\(fixture.pathwayID.uuidString)/case-presentation").status == .notFound)
            #expect(try await api.post("/api/v1/pathways/\(fixture.pathwayID.uuidString)/case-presentation").status == .notFound)
            #expect(try await C.stored(t) == 0)
        }
    }

    @Test("The stored draft is the author's: a colleague gets 404 with a denied audit entry, on the page and in the API; it is not in their list")
    func draftIsPrivate() async throws {
        try await withTestApp { t in
            let fixture = try await CaseFixture.make(t)
            let author = t.browser()
            try await author.login("veileder1")
            let id = try await C.saveDraft(t, author, fixture)
            let shown = try await author.get("/refleksjon/case/\(id.uuidString)?melding=case-lagret")
            C.expectRendered(shown, "draft")
            fixture.expectClean(shown.text, "the draft page")
            #expect(shown.text.contains("href=\"/forlop/\(fixture.pathwayID.uuidString)\""), "the author has the link back")
            #expect(shown.text.contains("formaction=\"/refleksjon/case/\(id.uuidString)/del\""))

            let colleague = t.browser()
            try await colleague.login("veileder2")
            let before = try await C.entries(t, .casePresentationReadDenied).count
            let denied = try await colleague.get("/refleksjon/case/\(id.uuidString)")
            #expect(denied.status == .notFound)
            let entries = try await C.entries(t, .casePresentationReadDenied)
            #expect(entries.count == before + 1)
            #expect(entries.first?.objectID == id.uuidString && entries.first?.outcome == "denied")
            let list = try await colleague.get("/refleksjon/case")
            C.expectRendered(list, "/refleksjon/case")
            #expect(!list.text.contains(id.uuidString))
            let api = try await APIClient.make(t, "veileder2")
            #expect(try await api.get("/api/v1/case-presentations/\(id.uuidString)").status == .notFound)
            #expect(try await api.patch("/api/v1/case-presentations/\(id.uuidString)", ["question": "Mitt"]).status == .notFound)
            #expect(try await api.post("/api/v1/case-presentations/\(id.uuidString)/share").status == .notFound)
            let listed = try await api.get("/api/v1/case-presentations")
            #expect(listed.status == .ok && !listed.text.contains(id.uuidString))
            #expect(try await C.entries(t, .casePresentationReadDenied).count == before + 4)
            let stored = try #require(try await CasePresentation.find(id, on: t.db))
            #expect(stored.sharedAt == nil && stored.question == "Hvordan kan vi støtte mentoren bedre?")
        }
    }

    @Test("Sharing is refused when the author types the mentor's name back in: the message names it, the text is kept, nothing is shared")
    func shareRefused() async throws {
        try await withTestApp { t in
            let fixture = try await CaseFixture.make(t)
            let author = t.browser()
            try await author.login("veileder1")
            let id = try await C.saveDraft(t, author, fixture)
            try await author.get("/refleksjon/case/\(id.uuidString)")
            let typed = "Kandidaten har god kontakt med Sigrun, men trenger mer struktur."
            let refused = try await author.post("/refleksjon/case/\(id.uuidString)/del", [
                ("challenges", typed), ("tried", "Jobbsmak og arbeidstrening."), ("criteria", "To forsinket."), ("question", "Hva gjør vi nå?"),
            ])
            C.expectRendered(refused, "share", status: .unprocessableEntity)
            let message = C.nb(t, "casepres.error.identifiers", C.nb(t, "casepres.found.mentornavn"))
            #expect(C.error(refused.text, "case-challenges") == C.html(message))
            #expect(message.hasPrefix("Teksten inneholder fortsatt mentorens navn"))
            #expect(C.textarea(refused.text, "case-challenges") == C.html(typed), "what was typed is kept")
            let stored = try #require(try await CasePresentation.find(id, on: t.db))
            #expect(stored.sharedAt == nil, "still not shared")
            #expect(!stored.challenges.contains("Sigrun"))
            let entry = try #require(try await C.entries(t, .casePresentationShareRefused).first)
            #expect(entry.objectID == id.uuidString && entry.outcome == "denied")
            #expect(entry.detail?.contains("mentornavn") == true && entry.detail?.contains("Sigrun") == false)

            // The API names the kinds found, per text, as a problem.
            let api = try await APIClient.make(t, "veileder1")
            let patched = try await api.patch("/api/v1/case-presentations/\(id.uuidString)", ["tried": "Ring 41234567 eller skriv til Nordmann."])
            #expect(patched.status == .ok, "patch answered \(patched.status.code): \(patched.text.prefix(300))")
            let problem = try await api.post("/api/v1/case-presentations/\(id.uuidString)/share")
            #expect(problem.status == .unprocessableEntity)
            #expect(problem.headers.contentType?.description.contains("problem+json") == true)
            #expect(problem.text.contains(C.nb(t, "casepres.found.telefon")) && problem.text.contains(C.nb(t, "casepres.found.kandidatnavn")))
            #expect(problem.text.contains("\"tried\""))
            #expect(try await CasePresentation.find(id, on: t.db)?.sharedAt == nil)
            // An unknown field is refused, and the question is needed before sharing.
            #expect(try await api.patch("/api/v1/case-presentations/\(id.uuidString)", ["ageBand": "30–39"]).status == .unprocessableEntity)
            _ = try await api.patch("/api/v1/case-presentations/\(id.uuidString)", ["tried": "Jobbsmak.", "question": ""])
            let noQuestion = try await api.post("/api/v1/case-presentations/\(id.uuidString)/share")
            #expect(noQuestion.status == .unprocessableEntity && noQuestion.text.contains("\"question\""))
        }
    }

    @Test("A shared case is read-only, seen by a colleague in the office without the pathway id, and 404 in another office")
    func sharedVisibility() async throws {
        try await withTestApp { t in
            let fixture = try await CaseFixture.make(t)
            let author = t.browser()
            try await author.login("veileder1")
            let id = try await C.saveDraft(t, author, fixture, question: "Når skal vi trappe ned oppfølgingen?")
            try await author.get("/refleksjon/case/\(id.uuidString)")
            let shared = try await author.post("/refleksjon/case/\(id.uuidString)/del", [])
            #expect(shared.status == .seeOther, "share answered \(shared.status.code): \(shared.text.prefix(500))")
            #expect(C.location(shared).hasSuffix("melding=case-delt"))
            let stored = try #require(try await CasePresentation.find(id, on: t.db))
            #expect(stored.sharedAt != nil)
            #expect(try await C.entries(t, .casePresentationShared).first?.objectID == id.uuidString)
            let own = try await author.get("/refleksjon/case/\(id.uuidString)")
            C.expectRendered(own, "shared, author")
            #expect(!own.text.contains("<textarea"), "read-only once shared")
            #expect(own.text.contains("/forlop/\(fixture.pathwayID.uuidString)"))
            let again = try await author.post("/refleksjon/case/\(id.uuidString)", [("challenges", "Ny tekst"), ("question", "Ny")])
            #expect(again.status == .conflict)
            #expect(try await CasePresentation.find(id, on: t.db)?.challenges != "Ny tekst")

            let colleague = t.browser()
            try await colleague.login("veileder2")
            let page = try await colleague.get("/refleksjon/case/\(id.uuidString)")
            C.expectRendered(page, "shared, colleague")
            #expect(page.text.contains("Når skal vi trappe ned oppfølgingen?"))
            #expect(!page.text.contains(fixture.pathwayID.uuidString), "no pathway id for others")
            #expect(!page.text.contains("/forlop/"))
            fixture.expectClean(page.text, "the shared page")
            let list = try await colleague.get("/refleksjon/case")
            #expect(list.text.contains("href=\"/refleksjon/case/\(id.uuidString)\""))
            #expect(!list.text.contains(fixture.pathwayID.uuidString))
            let api = try await APIClient.make(t, "veileder2")
            let json = try await api.get("/api/v1/case-presentations/\(id.uuidString)")
            #expect(json.status == .ok)
            #expect(!json.text.contains(fixture.pathwayID.uuidString))
            let dto = try json.content.decode(CasePresentationDTO.self)
            #expect(dto.pathwayId == nil && dto.status == "delt" && !dto.mine)
            let listed = try await api.get("/api/v1/case-presentations")
            #expect(listed.text.contains(id.uuidString) && !listed.text.contains(fixture.pathwayID.uuidString))
            #expect(try await api.patch("/api/v1/case-presentations/\(id.uuidString)", ["question": "x"]).status == .notFound)

            let otherOffice = t.browser()
            try await otherOffice.login("veileder3")
            let before = try await C.entries(t, .accessDenied).count
            #expect(try await otherOffice.get("/refleksjon/case/\(id.uuidString)").status == .notFound)
            #expect(try await C.entries(t, .accessDenied).first?.objectID == id.uuidString)
            #expect(try await C.entries(t, .accessDenied).count == before + 1)
            let otherList = try await otherOffice.get("/refleksjon/case")
            #expect(!otherList.text.contains(id.uuidString))
            let otherAPI = try await APIClient.make(t, "veileder3")
            #expect(try await otherAPI.get("/api/v1/case-presentations/\(id.uuidString)").status == .notFound)
        }
    }

    @Test("The audit log never ties a presentation to its pathway: generation is an entry on the pathway; a fnr with a hyphen stops sharing")
    func auditKeepsPathwayApart() async throws {
        try await withTestApp { t in
            let fixture = try await CaseFixture.make(t)
            let pathway = fixture.pathwayID.uuidString
            let author = t.browser()
            try await author.login("veileder1")
            let id = try await C.saveDraft(t, author, fixture)
            let api = try await APIClient.make(t, "veileder1")
            #expect(try await api.get("/api/v1/pathways/\(pathway)/case-presentation").status == .ok)
            let created = try await api.post("/api/v1/pathways/\(pathway)/case-presentation", ["question": "Hva nå?"])
            let apiID = try created.content.decode(CasePresentationDTO.self).id

            let generated = try await C.entries(t, .casePresentationGenerated)
            #expect(generated.count >= 2)
            for entry in generated.prefix(2) {
                #expect(entry.objectType == AuditObjectType.pathway && entry.objectID == pathway)
                #expect(entry.detail?.contains("kandidatnavn") == true)
            }

            // Sharing with the fnr typed with a hyphen, and with 010190-12345, is refused.
            try await author.get("/refleksjon/case/\(id.uuidString)")
            let hyphened = String(fixture.fnr.prefix(6)) + "-" + String(fixture.fnr.suffix(5))
            let refusedBefore = try await C.entries(t, .casePresentationShareRefused).count
            for (index, fnr) in [hyphened, "010190-12345"].enumerated() {
                let refused = try await author.post("/refleksjon/case/\(id.uuidString)/del", [
                    ("challenges", "Kandidaten oppga \(fnr) som nummer."), ("tried", "Jobbsmak."), ("criteria", "Ingen."), ("question", "Hva gjør vi nå?"),
                ])
                C.expectRendered(refused, "share with \(fnr)", status: .unprocessableEntity)
                #expect(C.error(refused.text, "case-challenges") == C.html(C.nb(t, "casepres.error.identifiers", C.nb(t, "casepres.found.fodselsnummer"))))
                #expect(try await CasePresentation.find(id, on: t.db)?.sharedAt == nil)
                let entries = try await C.entries(t, .casePresentationShareRefused)
                #expect(entries.count == refusedBefore + index + 1 && entries.first?.detail?.contains("fodselsnummer") == true)
            }
            let shared = try await author.post("/refleksjon/case/\(id.uuidString)/del", [])
            #expect(shared.status == .seeOther, "share answered \(shared.status.code): \(shared.text.prefix(300))")
            #expect(try await api.patch("/api/v1/case-presentations/\(apiID.uuidString)", ["question": "Hva gjør vi med søvnen?"]).status == .ok)

            // No entry on a presentation holds the pathway id; the presentations' own entries are there.
            let onPresentations = try await AuditEntry.query(on: t.db).filter(\.$objectType == AuditObjectType.casePresentation).all()
            let ours = onPresentations.filter { $0.objectID == id.uuidString || $0.objectID == apiID.uuidString }
            #expect(Set(ours.map(\.action)).isSuperset(of: [AuditAction.casePresentationSaved.rawValue, AuditAction.casePresentationShared.rawValue,
                                                            AuditAction.casePresentationShareRefused.rawValue]))
            for entry in onPresentations {
                #expect(!(entry.detail ?? "").contains(pathway), "\(entry.action) names the pathway: \(entry.detail ?? "")")
                #expect(entry.objectID != pathway)
            }
            let allCase = try await AuditEntry.query(on: t.db).filter(\.$action ~~ AuditAction.casePresentationActions.map(\.rawValue)).all()
            for entry in allCase where entry.objectType != AuditObjectType.casePresentation {
                #expect(entry.action == AuditAction.casePresentationGenerated.rawValue && entry.objectType == AuditObjectType.pathway)
                #expect(!(entry.detail ?? "").contains(id.uuidString) && !(entry.detail ?? "").contains(apiID.uuidString))
            }
        }
    }

    @Test("Hostile input: markup is escaped, æøå kept, 10 000 characters refused with the text kept")
    func hostileInput() async throws {
        try await withTestApp { t in
            let fixture = try await CaseFixture.make(t)
            let author = t.browser()
            try await author.login("veileder1")
            try await author.get("/forlop/\(fixture.pathwayID.uuidString)/case-presentasjon")
            let long = String(repeating: "æ", count: 10_000)
            let bad = try await author.post("/forlop/\(fixture.pathwayID.uuidString)/case-presentasjon", [
                ("challenges", long), ("tried", "<script>alert('x')</script>"), ("criteria", "\"sitat\" & æøå"), ("question", "Hva?"),
            ])
            C.expectRendered(bad, "too long", status: .unprocessableEntity)
            #expect(C.error(bad.text, "case-challenges") == C.html(C.nb(t, "casepres.error.too_long", String(CasePresentationRules.maxText))))
            #expect(!bad.text.contains("<script>alert"))
            #expect(bad.text.contains("&lt;script&gt;"))
            #expect(try await C.stored(t) == 0)
            let ok = try await author.post("/forlop/\(fixture.pathwayID.uuidString)/case-presentasjon", [
                ("challenges", "Styrker: æøå ÆØÅ"), ("tried", "<script>alert('x')</script>"), ("criteria", "\"sitat\" & æøå"), ("question", "Hva?"),
            ])
            let id = try C.presentationID(ok)
            let page = try await author.get("/refleksjon/case/\(id.uuidString)")
            C.expectRendered(page, "hostile")
            #expect(!page.text.contains("<script>alert"))
            #expect(page.text.contains("Styrker: æøå ÆØÅ"))
        }
    }
}
