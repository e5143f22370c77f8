@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Helpers for the employer register through `/api/v1`.
private enum Register {
    /// Creates an employer and returns it; fails the test unless the answer is 201.
    static func create(_ api: APIClient, _ fields: [String: Any]) async throws -> EmployerDTO {
        let response = try await api.post("/api/v1/employers", fields)
        #expect(response.status == .created, "create employer answered \(response.status.code): \(response.text.prefix(300))")
        return try response.content.decode(EmployerDTO.self)
    }

    static func show(_ api: APIClient, _ id: UUID) async throws -> EmployerDTO {
        let response = try await api.get("/api/v1/employers/\(id)")
        #expect(response.status == .ok, "GET employer answered \(response.status.code): \(response.text.prefix(300))")
        return try response.content.decode(EmployerDTO.self)
    }

    /// The ids `GET /employers?q=` finds (the query is percent-encoded here).
    static func search(_ api: APIClient, _ q: String) async throws -> [UUID] {
        let encoded = try #require(q.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")))
        let response = try await api.get("/api/v1/employers?q=\(encoded)")
        #expect(response.status == .ok, "search \(q) answered \(response.status.code): \(response.text.prefix(300))")
        return try response.content.decode([EmployerSummaryDTO].self).map(\.id)
    }

    static func events(_ api: APIClient, _ pathwayID: UUID) async throws -> [PathwayEventDTO] {
        let response = try await api.get("/api/v1/pathways/\(pathwayID)/events")
        #expect(response.status == .ok)
        return try response.content.decode([PathwayEventDTO].self)
    }

    /// Registers a candidate with the given body and starts a pathway referred `daysAgo` days ago.
    static func pathway(_ t: TestApp, _ api: APIClient, candidate body: [String: Any] = APICandidate.body(), daysAgo: Int) async throws -> PathwayDTO {
        let candidate = try await api.register(body)
        let response = try await api.post("/api/v1/pathways", [
            "candidateId": candidate.id.uuidString, "methodModelId": try await PathwayFlowTests.modelID(api, key: "hybridmodellen"),
            "referralDate": PathwayFlowTests.day(t, daysAgo), "referrer": "Veileder Per",
        ])
        #expect(response.status == .created, "start answered \(response.status.code): \(response.text.prefix(300))")
        return try response.content.decode(PathwayDTO.self)
    }
}

@Suite("EmployerAPI: employer register, visits, job analyses, job development, matches and mentors under /api/v1")
struct EmployerAPITests {
    // MARK: - 1. Create, duplicates, offices

    @Test("POST /employers: 201 with Location and audit; bad orgnr 422; same name or orgnr in the office 409; other offices have their own register")
    func createAndDuplicates() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let before = try await Employer.query(on: t.db).count()

            let response = try await api.post("/api/v1/employers", [
                "name": "Bakeriet AS", "orgnr": "974 760 673", "industry": "C", "size": "11-20", "municipality": "Bodø", "address": "Storgata 1",
            ])
            #expect(response.status == .created)
            let created = try response.content.decode(EmployerDTO.self)
            #expect(response.headers.first(name: .location) == "/api/v1/employers/\(created.id)")
            #expect(created.name == "Bakeriet AS" && created.orgnr == "974760673", "the number is stored without spaces")
            #expect(created.industry == "C" && created.size == "11-20" && created.municipality == "Bodø" && created.address == "Storgata 1")
            #expect(created.cooperationStatus == "ny")
            #expect(created.statusHistory.isEmpty && created.contacts.isEmpty && created.notes.isEmpty)
            #expect(created.createdAt == t.clock.now())

            let shown = try await Register.show(api, created.id)
            #expect(shown.id == created.id && shown.name == "Bakeriet AS" && shown.orgnr == "974760673" && shown.cooperationStatus == "ny")
            let stored = try #require(try await Employer.find(created.id, on: t.db))
            #expect(stored.$office.id == (try await t.office("9901").requireID()))
            let audited = try await t.auditEntries(.employerCreated).filter { $0.objectID == created.id.uuidString }
            #expect(audited.count == 1 && audited.first?.actorUsername == "veileder1")
            #expect(try await Employer.query(on: t.db).count() == before + 1)

            // A number whose check digit is wrong: 422 naming orgnr, nothing stored.
            let badNumber = try await api.post("/api/v1/employers", ["name": "Feilnummer AS", "orgnr": "974760674"])
            #expect(badNumber.status == .unprocessableEntity)
            #expect(badNumber.problemFields == ["orgnr"])
            #expect(try await Employer.query(on: t.db).count() == before + 1)

            // The same name in another letter case is the same employer.
            let sameNameUpper = try await api.post("/api/v1/employers", ["name": "BAKERIET AS"])
            #expect(sameNameUpper.status == .conflict, "BAKERIET AS answered \(sameNameUpper.status.code)")
            // The same organisation number under another name.
            let sameNumber = try await api.post("/api/v1/employers", ["name": "Helt Annet Navn AS", "orgnr": "974760673"])
            #expect(sameNumber.status == .conflict)
            #expect(sameNumber.problemFields == ["orgnr"])
            #expect(sameNumber.problem?.detail.contains("Bakeriet AS") == true, "the 409 names the existing employer")
            #expect(try await Employer.query(on: t.db).count() == before + 1, "no duplicate row")
            #expect(try await Employer.query(on: t.db).filter(\.$orgnr == "974760673").count() == 1)

            // One register per office: a colleague at the same office finds it.
            let colleague = try await APIClient.make(t, "veileder2")
            #expect(try await Register.search(colleague, "bakeriet") == [created.id])
            #expect(try await Register.show(colleague, created.id).name == "Bakeriet AS")

            // Another office keeps its own register: the same name and number are allowed there.
            let elsewhere = try await APIClient.make(t, "veileder3")
            #expect(!(try await Register.search(elsewhere, "bakeriet").contains(created.id)))
            let theirs = try await Register.create(elsewhere, ["name": "Bakeriet AS", "orgnr": "974760673"])
            #expect(theirs.id != created.id)
            let theirSearch = try await Register.search(elsewhere, "bakeriet")
            #expect(theirSearch.contains(theirs.id) && !theirSearch.contains(created.id))
            #expect(try await Register.search(api, "bakeriet") == [created.id])
            #expect(try await Employer.query(on: t.db).count() == before + 2)

            // …and cannot open ours: 404 as for an unknown id, audited as denied.
            let foreign = try await elsewhere.get("/api/v1/employers/\(created.id)")
            #expect(foreign.status == .notFound)
            #expect(!foreign.text.contains("Storgata"))
            let unknown = try await elsewhere.get("/api/v1/employers/\(UUID())")
            #expect(unknown.status == .notFound)
            #expect(foreign.problem?.detail == unknown.problem?.detail)
            let denied = try await t.auditEntries(.accessDenied).filter { $0.objectID == created.id.uuidString }
            #expect(denied.count == 1)
            #expect(denied.first?.outcome == "denied" && denied.first?.objectType == AuditObjectType.employer && denied.first?.actorUsername == "veileder3")
            #expect(try await elsewhere.patch("/api/v1/employers/\(created.id)", ["name": "Overtatt"]).status == .notFound)
            #expect(try await elsewhere.post("/api/v1/employers/\(created.id)/notes", ["text": "Hei"]).status == .notFound)
            #expect(try await Employer.find(created.id, on: t.db)?.name == "Bakeriet AS")

            let missingName = try await api.post("/api/v1/employers", ["orgnr": OrganisationNumber.synthetic(11)])
            #expect(missingName.problemFields == ["name"])

            // The same name with other letter case and spacing (leading, trailing and doubled spaces)
            // is the same employer too: 409, and no second row.
            let ours = try await Employer.query(on: t.db).filter(\.$office.$id == (try await t.office("9901").requireID())).count()
            let sameNameSpacing = try await api.post("/api/v1/employers", ["name": "  bakeriet  AS"])
            #expect(sameNameSpacing.status == .conflict, "'  bakeriet  AS' answered \(sameNameSpacing.status.code): \(sameNameSpacing.text.prefix(200))")
            #expect(try await Employer.query(on: t.db).filter(\.$office.$id == (try await t.office("9901").requireID())).count() == ours,
                    "no duplicate row for '  bakeriet  AS'")
        }
    }

    // MARK: - 2. Search

    @Test("GET /employers?q= finds by part of the name, by the first digits of the number, and with æøå either way")
    func search() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let bakery = try await Register.create(api, ["name": "Bakeriet AS", "orgnr": "974760673"])
            let home = try await Register.create(api, ["name": "Bærum Sykehjem", "orgnr": OrganisationNumber.synthetic(42)])
            let shop = try await Register.create(api, ["name": "Kaffebrenneriet Å", "municipality": "Moskenes"])

            // The demo register has bakeries of its own: every hit has "bake" in its name, ours among them.
            let bake = try await api.get("/api/v1/employers?q=bake").content.decode([EmployerSummaryDTO].self)
            #expect(bake.contains { $0.id == bakery.id })
            #expect(bake.allSatisfy { $0.name.lowercased().contains("bake") }, "\(bake.map(\.name))")
            #expect(!bake.contains { $0.id == home.id || $0.id == shop.id })
            #expect(try await Register.search(api, "ERIET").sorted { $0.uuidString < $1.uuidString } == [bakery.id, shop.id].sorted { $0.uuidString < $1.uuidString })
            #expect(try await Register.search(api, "9747") == [bakery.id])
            #expect(try await Register.search(api, "974 760") == [bakery.id], "spaces in the number are ignored")
            #expect(try await Register.search(api, "9748").isEmpty)
            #expect(try await Register.search(api, "baerum") == [home.id])
            #expect(try await Register.search(api, "Bærum") == [home.id])
            #expect(try await Register.search(api, "BÆRUM SYKE") == [home.id])
            #expect(try await Register.search(api, "sykehjem") == [home.id])
            #expect(try await Register.search(api, "brenneriet a") == [shop.id], "å found as a")
            #expect(try await Register.search(api, "50%").isEmpty, "% is taken literally")

            // Without q: the whole office register, including these three.
            let all = try await api.get("/api/v1/employers").content.decode([EmployerSummaryDTO].self)
            #expect(Set([bakery.id, home.id, shop.id]).isSubset(of: Set(all.map(\.id))))
            let officeID = try await t.office("9901").requireID()
            #expect(all.count == (try await Employer.query(on: t.db).filter(\.$office.$id == officeID).count()))

            let byStatus = try await api.get("/api/v1/employers?status=ny&q=bake").content.decode([EmployerSummaryDTO].self)
            #expect(byStatus.contains { $0.id == bakery.id } && byStatus.allSatisfy { $0.cooperationStatus == "ny" })
            let cooperating = try await api.get("/api/v1/employers?status=samarbeider&q=bake").content.decode([EmployerSummaryDTO].self)
            #expect(!cooperating.contains { $0.id == bakery.id } && cooperating.allSatisfy { $0.cooperationStatus == "samarbeider" })
            let badStatus = try await api.get("/api/v1/employers?status=venner")
            #expect(badStatus.status == .unprocessableEntity)
            #expect(badStatus.problemFields == ["status"])
        }
    }

    // MARK: - 3. Status machine and PATCH

    @Test("Cooperation status changes only along the allowed steps, with a reason, kept in the history; PATCH changes only the named fields")
    func statusAndPatch() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let employer = try await Register.create(api, ["name": "Bakeriet AS", "orgnr": "974760673", "industry": "C", "municipality": "Bodø"])
            let path = "/api/v1/employers/\(employer.id)/status"

            let skip = try await api.post(path, ["status": "samarbeider", "reason": "Vil ta inn kandidater"])
            #expect(skip.status == .unprocessableEntity)
            #expect(skip.problemFields == ["status"])
            let noReason = try await api.post(path, ["status": "kontaktet", "changedOn": PathwayFlowTests.day(t, 3)])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.problemFields == ["reason"])
            let unknownStatus = try await api.post(path, ["status": "forelsket", "reason": "Ja"])
            #expect(unknownStatus.problemFields == ["status"])
            let future = try await api.post(path, ["status": "kontaktet", "reason": "Ringer i morgen", "changedOn": PathwayFlowTests.day(t, -2)])
            #expect(future.problemFields == ["changedOn"])
            #expect(try await EmployerStatusChange.query(on: t.db).filter(\.$employer.$id == employer.id).count() == 0)
            #expect(try await Employer.find(employer.id, on: t.db)?.cooperationStatus == .new)

            let changed = try await api.post(path, ["status": "kontaktet", "reason": "Ringte daglig leder", "changedOn": PathwayFlowTests.day(t, 3)])
            #expect(changed.status == .ok, "\(changed.text.prefix(300))")
            let dto = try changed.content.decode(EmployerDTO.self)
            #expect(dto.cooperationStatus == "kontaktet")
            #expect(dto.statusHistory.count == 1)
            let entry = try #require(dto.statusHistory.first)
            #expect(entry.from == "ny" && entry.to == "kontaktet" && entry.reason == "Ringte daglig leder")
            #expect(entry.changedOn == PathwayFlowTests.day(t, 3))
            #expect(entry.recordedBy == (try await t.user("veileder1").requireID()))
            #expect(try await Employer.find(employer.id, on: t.db)?.cooperationStatus == .contacted)
            #expect(try await t.auditEntries(.employerStatusChanged).filter { $0.objectID == employer.id.uuidString }.count == 1)

            // Not dated before the previous change; the same status again is refused.
            let earlier = try await api.post(path, ["status": "i_dialog", "reason": "Møte", "changedOn": PathwayFlowTests.day(t, 5)])
            #expect(earlier.problemFields == ["changedOn"])
            let same = try await api.post(path, ["status": "kontaktet", "reason": "Igjen"])
            #expect(same.problemFields == ["status"])
            let dialogue = try await api.post(path, ["status": "i_dialog", "reason": "Møte med daglig leder"])
            #expect(dialogue.status == .ok)
            let history = try dialogue.content.decode(EmployerDTO.self).statusHistory
            #expect(history.map(\.to) == ["kontaktet", "i_dialog"])
            #expect(history.last?.changedOn == PathwayFlowTests.day(t, 0), "changedOn defaults to today")

            // PATCH: only the named field changes.
            let renamed = try await api.patch("/api/v1/employers/\(employer.id)", ["name": "Bakeriet Bodø AS"])
            #expect(renamed.status == .ok, "\(renamed.text.prefix(300))")
            let after = try renamed.content.decode(EmployerDTO.self)
            #expect(after.name == "Bakeriet Bodø AS")
            #expect(after.orgnr == "974760673" && after.industry == "C" && after.municipality == "Bodø" && after.cooperationStatus == "i_dialog")
            #expect(after.statusHistory.count == 2)
            #expect(after.updatedAt == t.clock.now())
            #expect(try await Register.search(api, "bodo") == [employer.id], "the search key follows the new name")
            #expect(try await t.auditEntries(.employerUpdated).filter { $0.objectID == employer.id.uuidString }.count == 1)

            let unknownField = try await api.patch("/api/v1/employers/\(employer.id)", ["cooperationStatus": "samarbeider"])
            #expect(unknownField.status == .unprocessableEntity)
            #expect(unknownField.problemFields == ["cooperationStatus"])
            let cleared = try await api.patch("/api/v1/employers/\(employer.id)", ["municipality": NSNull()])
            #expect(cleared.status == .ok)
            let afterClear = try cleared.content.decode(EmployerDTO.self)
            #expect(afterClear.municipality == nil && afterClear.name == "Bakeriet Bodø AS")
            let stored = try #require(try await Employer.find(employer.id, on: t.db))
            #expect(stored.cooperationStatus == .inDialogue && stored.name == "Bakeriet Bodø AS" && stored.municipality == nil)

            let badNumber = try await api.patch("/api/v1/employers/\(employer.id)", ["orgnr": "974760674"])
            #expect(badNumber.problemFields == ["orgnr"])
            #expect(try await Employer.find(employer.id, on: t.db)?.orgnr == "974760673")
        }
    }

    // MARK: - 4. Contacts and notes

    @Test("Contacts need a phone or an e-mail; a removed contact is no longer listed but kept; notes are added")
    func contactsAndNotes() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let employer = try await Register.create(api, ["name": "Bakeriet AS"])
            let path = "/api/v1/employers/\(employer.id)"

            let unreachable = try await api.post("\(path)/contacts", ["name": "Per Persen", "role": "Daglig leder"])
            #expect(unreachable.status == .unprocessableEntity)
            #expect(unreachable.problemFields == ["phone"])
            let badMail = try await api.post("\(path)/contacts", ["name": "Per Persen", "email": "ikke-en-adresse"])
            #expect(badMail.problemFields == ["email"])
            #expect(try await EmployerContact.query(on: t.db).filter(\.$employer.$id == employer.id).count() == 0)

            let first = try await api.post("\(path)/contacts", ["name": "Per Persen", "role": "Daglig leder", "phone": "412 34 567"])
            #expect(first.status == .created)
            let withPer = try first.content.decode(EmployerDTO.self)
            #expect(withPer.contacts.count == 1)
            let per = try #require(withPer.contacts.first)
            #expect(per.name == "Per Persen" && per.role == "Daglig leder" && per.phone == "412 34 567" && per.email == nil)
            let second = try await api.post("\(path)/contacts", ["name": "Anne Annesen", "email": "Anne@Bakeriet.no"])
            #expect(second.status == .created)
            let both = try second.content.decode(EmployerDTO.self).contacts
            #expect(both.map(\.name) == ["Anne Annesen", "Per Persen"])
            #expect(both.first?.email == "anne@bakeriet.no")

            let removed = try await api.post("\(path)/contacts/\(per.id)/remove")
            #expect(removed.status == .ok)
            #expect(try removed.content.decode(EmployerDTO.self).contacts.map(\.name) == ["Anne Annesen"])
            #expect(try await Register.show(api, employer.id).contacts.map(\.name) == ["Anne Annesen"])
            let row = try #require(try await EmployerContact.find(per.id, on: t.db))
            let vera = try await t.user("veileder1").requireID()
            #expect(row.removedAt == t.clock.now() && row.$removedBy.id == vera, "kept, marked removed")
            #expect(try await api.post("\(path)/contacts/\(per.id)/remove").status == .notFound, "already removed")
            #expect(try await api.post("\(path)/contacts/\(UUID())/remove").status == .notFound)
            #expect(try await t.auditEntries(.employerContactAdded).filter { $0.objectID == employer.id.uuidString }.count == 2)
            #expect(try await t.auditEntries(.employerContactRemoved).filter { $0.objectID == employer.id.uuidString }.count == 1)

            let emptyNote = try await api.post("\(path)/notes", ["text": "   "])
            #expect(emptyNote.status == .unprocessableEntity)
            #expect(emptyNote.problemFields == ["text"])
            let noted = try await api.post("\(path)/notes", ["text": "Ønsker å bli ringt før kl. 10 <b>ikke</b> etter"])
            #expect(noted.status == .created)
            let notes = try noted.content.decode(EmployerDTO.self).notes
            #expect(notes.count == 1)
            #expect(notes.first?.text == "Ønsker å bli ringt før kl. 10 <b>ikke</b> etter")
            #expect(notes.first?.writtenBy == (try await t.user("veileder1").requireID()))
            #expect(try await EmployerNote.query(on: t.db).filter(\.$employer.$id == employer.id).count() == 1)
            #expect(try await Register.show(api, employer.id).notes.count == 1)
        }
    }

    // MARK: - 5. Visits and job analyses

    @Test("A visit without a pathway writes no event; with one, an employer_visit event at that employer; job analyses are created and patched")
    func visitsAndJobAnalyses() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let employer = try await Register.create(api, ["name": "Bakeriet AS"])
            let pathway = try await Register.pathway(t, api, daysAgo: 30)
            let path = "/api/v1/employers/\(employer.id)"

            let plain = try await api.post("\(path)/visits", ["visitedOn": PathwayFlowTests.day(t, 4), "visitors": "Vera og Mona", "purpose": "Bli kjent med bedriften"])
            #expect(plain.status == .created, "\(plain.text.prefix(300))")
            let plainVisit = try plain.content.decode(VisitDTO.self)
            #expect(plainVisit.pathwayId == nil && plainVisit.eventId == nil)
            #expect(plainVisit.visitedOn == PathwayFlowTests.day(t, 4) && plainVisit.visitors == "Vera og Mona")
            #expect(try await PathwayEvent.query(on: t.db).filter(\.$employer.$id == employer.id).count() == 0, "no pathway event")
            #expect(try await Register.events(api, pathway.id).allSatisfy { $0.type != "employer_visit" })

            let future = try await api.post("\(path)/visits", ["visitedOn": PathwayFlowTests.day(t, -3), "visitors": "Vera", "purpose": "Planlagt"])
            #expect(future.problemFields == ["visitedOn"])
            let missing = try await api.post("\(path)/visits", ["visitedOn": PathwayFlowTests.day(t, 1)])
            #expect(Set(missing.problemFields) == ["visitors", "purpose"])

            let withCandidate = try await api.post("\(path)/visits", [
                "visitedOn": PathwayFlowTests.day(t, 2), "visitors": "Vera", "purpose": "Besøk med kandidaten", "pathwayId": pathway.id.uuidString,
            ])
            #expect(withCandidate.status == .created, "\(withCandidate.text.prefix(300))")
            let visit = try withCandidate.content.decode(VisitDTO.self)
            #expect(visit.pathwayId == pathway.id)
            let eventID = try #require(visit.eventId)
            let events = try await Register.events(api, pathway.id).filter { $0.type == "employer_visit" }
            #expect(events.count == 1)
            #expect(events.first?.id == eventID && events.first?.employerId == employer.id)
            #expect(events.first.map { DisplayDate.dayInput($0.occurredAt) } == PathwayFlowTests.day(t, 2))
            #expect(try await t.auditEntries(.employerVisitRecorded).filter { $0.objectID == employer.id.uuidString }.count == 2)
            #expect(try await t.auditEntries(.pathwayEventRecorded).contains { $0.objectID == pathway.candidateId.uuidString })

            let listed = try await api.get("\(path)/visits").content.decode([VisitDTO].self)
            #expect(listed.map(\.id) == [visit.id, plainVisit.id], "newest first")

            // Someone else's pathway: the visit is refused and nothing is written.
            let elsewhere = try await APIClient.make(t, "veileder3")
            let foreignPathway = try await Register.pathway(t, elsewhere, daysAgo: 10)
            let foreign = try await api.post("\(path)/visits", [
                "visitedOn": PathwayFlowTests.day(t, 1), "visitors": "Vera", "purpose": "Feil kandidat", "pathwayId": foreignPathway.id.uuidString,
            ])
            #expect(foreign.status == .notFound)
            #expect(try await EmployerVisit.query(on: t.db).filter(\.$employer.$id == employer.id).count() == 2)

            // Job analyses.
            let incomplete = try await api.post("\(path)/job-analyses", ["role": "Lagermedarbeider"])
            #expect(incomplete.status == .unprocessableEntity)
            #expect(Set(incomplete.problemFields) == ["tasks", "languageRequirement"])
            let created = try await api.post("\(path)/job-analyses", [
                "role": "Lagermedarbeider", "tasks": "Varemottak og plukk på lager", "languageRequirement": "A2", "hoursPerWeek": 30,
                "physicalDemands": "Tunge løft", "trainingRoutines": "Fadder første uke",
            ])
            #expect(created.status == .created, "\(created.text.prefix(300))")
            let analysis = try created.content.decode(JobAnalysisDTO.self)
            #expect(analysis.employerId == employer.id && analysis.role == "Lagermedarbeider" && analysis.languageRequirement == "A2" && analysis.hoursPerWeek == 30)
            let all = try await api.get("\(path)/job-analyses").content.decode([JobAnalysisDTO].self)
            #expect(all.map(\.id) == [analysis.id])

            let patched = try await api.patch("\(path)/job-analyses/\(analysis.id)", ["hoursPerWeek": 20, "socialDemands": "Samarbeid i team"])
            #expect(patched.status == .ok, "\(patched.text.prefix(300))")
            let changed = try patched.content.decode(JobAnalysisDTO.self)
            #expect(changed.hoursPerWeek == 20 && changed.socialDemands == "Samarbeid i team")
            #expect(changed.role == "Lagermedarbeider" && changed.tasks == "Varemottak og plukk på lager" && changed.languageRequirement == "A2")
            #expect(changed.physicalDemands == "Tunge løft" && changed.trainingRoutines == "Fadder første uke", "untouched fields are kept")
            #expect(changed.updatedAt == t.clock.now())
            let stored = try #require(try await JobAnalysis.find(analysis.id, on: t.db))
            #expect(stored.hoursPerWeek == 20 && stored.physicalDemands == "Tunge løft")

            let badLevel = try await api.patch("\(path)/job-analyses/\(analysis.id)", ["languageRequirement": "D1"])
            #expect(badLevel.problemFields == ["languageRequirement"])
            let badHours = try await api.patch("\(path)/job-analyses/\(analysis.id)", ["hoursPerWeek": 80])
            #expect(badHours.problemFields == ["hoursPerWeek"])
            #expect(try await JobAnalysis.find(analysis.id, on: t.db)?.hoursPerWeek == 20)
            let other = try await Register.create(api, ["name": "Annen Bedrift AS"])
            #expect(try await api.patch("/api/v1/employers/\(other.id)/job-analyses/\(analysis.id)", ["hoursPerWeek": 10]).status == .notFound,
                    "an analysis is changed only through its own employer")
        }
    }

    // MARK: - 6. Job development

    @Test("An employer contact is an employer_contact event; days to first contact counts from the referral; a new employer becomes contacted")
    func employerContacts() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let employer = try await Register.create(api, ["name": "Bakeriet AS"])
            let pathway = try await Register.pathway(t, api, daysAgo: 20)
            let path = "/api/v1/pathways/\(pathway.id)/employer-contacts"

            let none = try await api.get(path).content.decode(EmployerContactsDTO.self)
            #expect(none.daysToFirstContact == nil && none.normDays == 30 && none.contacts.isEmpty)

            let badChannel = try await api.post(path, ["occurredOn": PathwayFlowTests.day(t, 5), "employerId": employer.id.uuidString, "channel": "brevdue", "outcome": "kanskje"])
            #expect(badChannel.status == .unprocessableEntity)
            #expect(badChannel.problemFields == ["channel"])
            let badOutcome = try await api.post(path, ["occurredOn": PathwayFlowTests.day(t, 5), "employerId": employer.id.uuidString, "channel": "telefon", "outcome": "tja"])
            #expect(badOutcome.problemFields == ["outcome"])
            #expect(try await EmployerApproach.query(on: t.db).filter(\.$pathway.$id == pathway.id).count() == 0)

            let recorded = try await api.post(path, [
                "occurredOn": PathwayFlowTests.day(t, 5), "employerId": employer.id.uuidString, "channel": "oppmote", "withCandidate": true,
                "outcome": "kanskje", "note": "Kan ta inn en på lager i høst",
            ])
            #expect(recorded.status == .created, "\(recorded.text.prefix(300))")
            let approach = try recorded.content.decode(EmployerContactApproachDTO.self)
            #expect(approach.channel == "oppmote" && approach.outcome == "kanskje" && approach.withCandidate && approach.employerId == employer.id)
            let events = try await Register.events(api, pathway.id).filter { $0.type == "employer_contact" }
            #expect(events.count == 1)
            #expect(events.first?.id == approach.eventId && events.first?.employerId == employer.id)
            #expect(events.first.map { DisplayDate.dayInput($0.occurredAt) } == PathwayFlowTests.day(t, 5))

            let contacts = try await api.get(path).content.decode(EmployerContactsDTO.self)
            #expect(contacts.daysToFirstContact == 15, "referral 20 days ago, contact 5 days ago")
            #expect(contacts.normDays == 30)
            #expect(contacts.contacts.map(\.id) == [approach.id])

            let moved = try await Register.show(api, employer.id)
            #expect(moved.cooperationStatus == "kontaktet")
            #expect(moved.statusHistory.count == 1)
            #expect(moved.statusHistory.first?.from == "ny" && moved.statusHistory.first?.to == "kontaktet")
            #expect(moved.statusHistory.first?.changedOn == PathwayFlowTests.day(t, 5))
            #expect(try await t.auditEntries(.employerApproachRecorded).filter { $0.objectID == pathway.candidateId.uuidString }.count == 1)

            // An earlier contact becomes the first; the employer is not moved again.
            let earlier = try await api.post(path, ["occurredOn": PathwayFlowTests.day(t, 12), "employerId": employer.id.uuidString, "channel": "telefon", "outcome": "nei"])
            #expect(earlier.status == .created)
            let now = try await api.get(path).content.decode(EmployerContactsDTO.self)
            #expect(now.daysToFirstContact == 8)
            #expect(now.contacts.count == 2)
            #expect(try await Register.show(api, employer.id).statusHistory.count == 1)

            // Another office's employer is not one to contact from here.
            let elsewhere = try await APIClient.make(t, "veileder3")
            let theirs = try await Register.create(elsewhere, ["name": "Sørbedriften AS"])
            let foreign = try await api.post(path, ["occurredOn": PathwayFlowTests.day(t, 1), "employerId": theirs.id.uuidString, "channel": "telefon", "outcome": "nei"])
            #expect(foreign.status == .unprocessableEntity)
            #expect(foreign.problemFields == ["employerId"])
            #expect(try await EmployerApproach.query(on: t.db).filter(\.$pathway.$id == pathway.id).count() == 2)
        }
    }

    // MARK: - 7. Job matches

    @Test("Job matches: shared words are reasons; a job whose language requirement the candidate does not meet is not suggested")
    func jobMatches() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            var body = APICandidate.body()
            body["wishedWork"] = "lager og butikk"
            body["wishes"] = "Faste arbeidstider"
            body["norwegianLevel"] = "B1"
            let pathway = try await Register.pathway(t, api, candidate: body, daysAgo: 10)

            let warehouse = try await Register.create(api, ["name": "Lagerhuset AS"])
            let fits = try await api.post("/api/v1/employers/\(warehouse.id)/job-analyses", [
                "role": "Lagermedarbeider", "tasks": "Varemottak på lager og påfyll i butikk", "languageRequirement": "A2",
            ])
            #expect(fits.status == .created)
            let fitting = try fits.content.decode(JobAnalysisDTO.self)

            let demanding = try await Register.create(api, ["name": "Rapportlageret AS"])
            let tooHard = try await api.post("/api/v1/employers/\(demanding.id)/job-analyses", [
                "role": "Lagerleder", "tasks": "Leder lager og butikk, skriver rapporter", "languageRequirement": "C1",
            ])
            #expect(tooHard.status == .created)
            let hard = try tooHard.content.decode(JobAnalysisDTO.self)

            let unrelated = try await Register.create(api, ["name": "Barnehagen AS"])
            let none = try await api.post("/api/v1/employers/\(unrelated.id)/job-analyses", [
                "role": "Assistent", "tasks": "Lek og stell med barna", "languageRequirement": "ingen",
            ])
            #expect(none.status == .created)

            let response = try await api.get("/api/v1/pathways/\(pathway.id)/job-matches")
            #expect(response.status == .ok, "\(response.text.prefix(300))")
            let matches = try response.content.decode([JobMatchDTO].self)
            let match = try #require(matches.first { $0.jobAnalysisId == fitting.id }, "the A2 warehouse job is suggested: \(response.text.prefix(500))")
            #expect(match.employerId == warehouse.id && match.employerName == "Lagerhuset AS" && match.role == "Lagermedarbeider")
            let words = match.reasons.filter { $0.key == "match.reason.word" }
            #expect(words.count == 2)
            #expect(words.contains { $0.text.contains("lager") } && words.contains { $0.text.contains("butikk") })
            let language = try #require(match.reasons.first { $0.key == "match.reason.language" })
            #expect(language.text.contains("A2") && language.text.contains("B1"))
            #expect(match.score == match.reasons.reduce(0) { $0 + $1.points })
            #expect(!matches.contains { $0.jobAnalysisId == hard.id }, "C1 is above the candidate's B1")
            #expect(!matches.contains { $0.employerId == unrelated.id }, "no shared word")
            #expect(try await t.auditEntries(.pathwayRead).contains { $0.objectID == pathway.candidateId.uuidString && ($0.detail ?? "").contains("jobbmatch") })

            // The candidate improves to C1: now the demanding job is suggested too.
            let candidate = try #require(try await Candidate.find(pathway.candidateId, on: t.db))
            #expect(try await api.patch("/api/v1/candidates/\(candidate.requireID())", ["norwegianLevel": "C1"]).status == .ok)
            let again = try await api.get("/api/v1/pathways/\(pathway.id)/job-matches").content.decode([JobMatchDTO].self)
            #expect(again.contains { $0.jobAnalysisId == hard.id })
        }
    }

    // MARK: - 8. Mentors

    @Test("Mentors are registered at an employer and linked to pathways; a change of mentor ends the old period with its reason")
    func mentors() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let employer = try await Register.create(api, ["name": "Lagerhuset AS"])
            let otherEmployer = try await Register.create(api, ["name": "Bakeriet AS"])

            let unreachable = try await api.post("/api/v1/mentors", ["employerId": employer.id.uuidString, "name": "Siv Lager", "position": "kollega"])
            #expect(unreachable.problemFields == ["phone"])
            let badPosition = try await api.post("/api/v1/mentors", ["employerId": employer.id.uuidString, "name": "Siv Lager", "position": "sjef", "phone": "41234567"])
            #expect(badPosition.problemFields == ["position"])
            #expect(try await Mentor.query(on: t.db).filter(\.$employer.$id == employer.id).count() == 0)

            let siv = try await api.post("/api/v1/mentors", ["employerId": employer.id.uuidString, "name": "Siv Lager", "position": "kollega", "phone": "41234567"])
            #expect(siv.status == .created, "\(siv.text.prefix(300))")
            let first = try siv.content.decode(MentorDTO.self)
            #expect(first.employerId == employer.id && first.name == "Siv Lager" && first.position == "kollega" && first.phone == "41234567")
            let ola = try await api.post("/api/v1/mentors", ["employerId": employer.id.uuidString, "name": "Ola Nordmann", "position": "avdelingsleder", "email": "ola@lager.no"])
            #expect(ola.status == .created)
            let second = try ola.content.decode(MentorDTO.self)
            let baker = try await api.post("/api/v1/mentors", ["employerId": otherEmployer.id.uuidString, "name": "Berit Baker", "position": "eier_leder", "phone": "41234568"])
            #expect(baker.status == .created)
            #expect(try await t.auditEntries(.mentorCreated).filter { $0.actorUsername == "veileder1" }.count == 3)

            let atEmployer = try await api.get("/api/v1/mentors?employerId=\(employer.id)").content.decode([MentorDTO].self)
            #expect(atEmployer.map(\.id) == [second.id, first.id], "sorted by name, only this employer's")
            #expect(try await api.get("/api/v1/mentors?employerId=nei").problemFields == ["employerId"])

            let pathway = try await Register.pathway(t, api, daysAgo: 60)
            let path = "/api/v1/pathways/\(pathway.id)/mentors"
            let linked = try await api.post(path, ["mentorId": first.id.uuidString, "fromDate": PathwayFlowTests.day(t, 30)])
            #expect(linked.status == .created, "\(linked.text.prefix(300))")
            let firstLink = try linked.content.decode(MentorDTO.Period.self)
            #expect(firstLink.mentorId == first.id && firstLink.pathwayId == pathway.id && firstLink.fromDate == PathwayFlowTests.day(t, 30) && firstLink.toDate == nil)
            #expect(try await api.post(path, ["mentorId": first.id.uuidString]).problemFields == ["mentorId"], "already linked")

            let noReason = try await api.post(path, ["mentorId": second.id.uuidString, "fromDate": PathwayFlowTests.day(t, 2), "replaces": firstLink.id.uuidString])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.problemFields == ["reason"])
            #expect(try await PathwayMentor.query(on: t.db).filter(\.$pathway.$id == pathway.id).count() == 1)
            #expect(try await PathwayMentor.find(firstLink.id, on: t.db)?.toDate == nil)

            let replaced = try await api.post(path, [
                "mentorId": second.id.uuidString, "fromDate": PathwayFlowTests.day(t, 2), "replaces": firstLink.id.uuidString, "reason": "Siv har sluttet",
            ])
            #expect(replaced.status == .created, "\(replaced.text.prefix(300))")
            let secondLink = try replaced.content.decode(MentorDTO.Period.self)
            #expect(secondLink.mentorId == second.id && secondLink.fromDate == PathwayFlowTests.day(t, 2) && secondLink.toDate == nil)

            let periods = try await api.get(path).content.decode([MentorDTO.Period].self)
            #expect(periods.map(\.id) == [firstLink.id, secondLink.id])
            #expect(periods.first?.toDate == PathwayFlowTests.day(t, 2) && periods.first?.endReason == "Siv har sluttet")
            #expect(periods.last?.toDate == nil && periods.last?.endReason == nil)
            #expect(try await t.auditEntries(.pathwayMentorLinked).filter { $0.objectID == pathway.candidateId.uuidString }.count == 2)

            let sivDetail = try await api.get("/api/v1/mentors/\(first.id)").content.decode(MentorDTO.self)
            #expect(sivDetail.periods?.count == 1)
            #expect(sivDetail.periods?.first?.toDate == PathwayFlowTests.day(t, 2) && sivDetail.periods?.first?.endReason == "Siv har sluttet")
            let olaDetail = try await api.get("/api/v1/mentors/\(second.id)").content.decode(MentorDTO.self)
            #expect(olaDetail.periods?.map(\.id) == [secondLink.id])

            // The second period ends with a reason.
            let ended = try await api.post("\(path)/\(secondLink.id)/end", ["reason": "Utplasseringen er over"])
            #expect(ended.status == .ok)
            let endedPeriod = try ended.content.decode(MentorDTO.Period.self)
            #expect(endedPeriod.toDate == PathwayFlowTests.day(t, 0) && endedPeriod.endReason == "Utplasseringen er over")
            #expect(try await api.post("\(path)/\(secondLink.id)/end", ["reason": "Igjen"]).status == .conflict)

            // Another office sees neither the mentor nor the pathway.
            let elsewhere = try await APIClient.make(t, "veileder3")
            #expect(try await elsewhere.get("/api/v1/mentors/\(first.id)").status == .notFound)
            let theirMentors = try await elsewhere.get("/api/v1/mentors").content.decode([MentorDTO].self)
            #expect(!theirMentors.contains { $0.id == first.id || $0.id == second.id })
            #expect(try await elsewhere.get(path).status == .notFound)
            #expect(try await t.auditEntries(.accessDenied).contains { $0.objectID == first.id.uuidString })
        }
    }
}
