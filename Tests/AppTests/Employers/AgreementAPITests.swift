@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Agreements through `/api/v1`: candidates, pathways, employers and mentors set up as a counselor would.
private enum Deal {
    private static let counter = NIOLockedValueBox(0)

    /// A fresh synthetic number born 1958–61: older than any demo candidate (18–62), young enough
    /// for a three-year agreement (a participant is at most 72 on its last day).
    static func fnr() -> String {
        let n = counter.withLockedValue { value -> Int in
            value += 1
            return value
        }
        return NationalID.synthetic(day: 1 + n % 28, month: 1 + (n / 28) % 12, year: 1958 + (n / 336) % 4, individualSeed: n * 31)
    }

    /// Registers a candidate in the innsatsgruppe and starts a pathway referred `daysAgo` days ago
    /// (250 days: 2026-01-14 with the test clock).
    static func pathway(_ t: TestApp, _ api: APIClient, innsats: String = "standard", daysAgo: Int = 250) async throws -> PathwayDTO {
        let candidate = try await api.register(APICandidate.body(fnr: fnr(), innsats: innsats))
        let response = try await api.post("/api/v1/pathways", [
            "candidateId": candidate.id.uuidString, "methodModelId": try await PathwayFlowTests.modelID(api, key: "hybridmodellen"),
            "referralDate": PathwayFlowTests.day(t, daysAgo), "referrer": "Veileder Per",
        ])
        #expect(response.status == .created, "start answered \(response.status.code): \(response.text.prefix(300))")
        return try response.content.decode(PathwayDTO.self)
    }

    static func employer(_ api: APIClient, _ name: String = "Lagerhuset AS") async throws -> UUID {
        let response = try await api.post("/api/v1/employers", ["name": name])
        #expect(response.status == .created, "employer answered \(response.status.code): \(response.text.prefix(300))")
        return try response.content.decode(EmployerDTO.self).id
    }

    static func mentor(_ api: APIClient, employer: UUID) async throws -> UUID {
        let response = try await api.post("/api/v1/mentors", ["employerId": employer.uuidString, "name": "Siv Lager", "position": "kollega", "phone": "41234567"])
        #expect(response.status == .created, "mentor answered \(response.status.code): \(response.text.prefix(300))")
        return try response.content.decode(MentorDTO.self).id
    }

    /// Every field an agreement of a type without subsidy or mentor needs.
    static func terms(start: String?, end: String?, tasks: String = "Varemottak og plukk på lager") -> [String: Any] {
        var terms: [String: Any] = [
            "goals": [["kind": "arbeidserfaring", "description": "Få arbeidserfaring fra lager"]],
            "tasks": tasks, "followUp": "Veileder besøker arbeidsplassen hver måned",
            "navContact": "Vera Veileder, 412 34 567", "workplaceContact": "Siv Lager, 412 34 568",
        ]
        if let start { terms["startDate"] = start }
        if let end { terms["endDate"] = end }
        return terms
    }

    static func post(_ api: APIClient, pathway: UUID, employer: UUID, type: String, terms: [String: Any]?) async throws -> TestingHTTPResponse {
        var body: [String: Any] = ["pathwayId": pathway.uuidString, "employerId": employer.uuidString, "type": type]
        if let terms { body["terms"] = terms }
        return try await api.post("/api/v1/agreements", body)
    }

    /// Creates an agreement; fails the test unless the answer is 201.
    static func create(_ api: APIClient, pathway: UUID, employer: UUID, type: String, terms: [String: Any]?) async throws -> AgreementDTO {
        let response = try await post(api, pathway: pathway, employer: employer, type: type, terms: terms)
        #expect(response.status == .created, "create \(type) answered \(response.status.code): \(response.text.prefix(400))")
        return try response.content.decode(AgreementDTO.self)
    }

    static func get(_ api: APIClient, _ id: UUID) async throws -> AgreementDTO {
        let response = try await api.get("/api/v1/agreements/\(id)")
        #expect(response.status == .ok, "GET agreement answered \(response.status.code): \(response.text.prefix(300))")
        return try response.content.decode(AgreementDTO.self)
    }

    static func approve(_ api: APIClient, _ id: UUID, _ party: String) async throws -> TestingHTTPResponse {
        try await api.post("/api/v1/agreements/\(id)/approve", ["party": party])
    }

    /// Both parties approve; returns the agreement after the second approval.
    static func approveBoth(_ api: APIClient, _ id: UUID) async throws -> AgreementDTO {
        for party in ["veileder", "arbeidsgiver"] {
            let response = try await approve(api, id, party)
            #expect(response.status == .ok, "approve \(party) answered \(response.status.code): \(response.text.prefix(300))")
        }
        return try await get(api, id)
    }

    static func versions(_ api: APIClient, _ id: UUID) async throws -> [AgreementVersionDTO] {
        let response = try await api.get("/api/v1/agreements/\(id)/versions")
        #expect(response.status == .ok)
        return try response.content.decode([AgreementVersionDTO].self)
    }

    /// The pathway's events that the agreement wrote (withdrawn ones included).
    static func events(_ api: APIClient, _ pathway: UUID, agreement: UUID) async throws -> [PathwayEventDTO] {
        let response = try await api.get("/api/v1/pathways/\(pathway)/events")
        #expect(response.status == .ok)
        return try response.content.decode([PathwayEventDTO].self).filter { $0.agreementId == agreement }
    }

    static func day(_ text: String) throws -> Date {
        try #require(DisplayDate.parseDay(text))
    }
}

@Suite("AgreementAPI: agreements, status, events, versions, limits and extension under /api/v1")
struct AgreementAPITests {
    // MARK: - 9. Mentor subsidy

    @Test("Mentor subsidy: 10 h a month at 300 kr for six months is 3 910 kr a month, 23 460 kr in all; stored as whole hundredths and øre")
    func mentorSubsidy() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Deal.pathway(t, api, innsats: "standard")
            let employer = try await Deal.employer(api)
            let mentor = try await Deal.mentor(api, employer: employer)
            var terms = Deal.terms(start: "2026-10-01", end: "2027-03-31")
            terms["mentorId"] = mentor.uuidString
            terms["mentorHoursPerMonth"] = 10
            terms["hourlyWage"] = 300

            let response = try await Deal.post(api, pathway: pathway.id, employer: employer, type: "mentor", terms: terms)
            #expect(response.status == .created, "\(response.text.prefix(400))")
            let dto = try response.content.decode(AgreementDTO.self)
            #expect(response.headers.first(name: .location) == "/api/v1/agreements/\(dto.id)")
            #expect(dto.type == "mentor" && dto.pathwayId == pathway.id && dto.candidateId == pathway.candidateId && dto.employerId == employer)
            #expect(dto.monthlySubsidy == 3910)
            #expect(dto.totalSubsidy == 23460)
            #expect(dto.terms.mentorHoursPerMonth == 10 && dto.terms.hourlyWage == 300 && dto.terms.mentorId == mentor)
            #expect(dto.terms.startDate == "2026-10-01" && dto.terms.endDate == "2027-03-31")
            #expect(dto.missingFields.isEmpty && dto.status == "mangler_godkjenning" && dto.version == 1)
            #expect(try await Deal.get(api, dto.id).monthlySubsidy == 3910)

            struct Row: Decodable { var mentor_hours_x100: Int; var hourly_wage_ore: Int; var version: Int }
            let rows = try await t.sql.select().column("mentor_hours_x100").column("hourly_wage_ore").column("version").from("agreement_versions")
                .where("agreement_id", .equal, dto.id).all(decoding: Row.self)
            #expect(rows.count == 1)
            #expect(rows.first?.mentor_hours_x100 == 1000 && rows.first?.hourly_wage_ore == 30000 && rows.first?.version == 1)
            #expect(try await t.auditEntries(.agreementCreated).filter { $0.objectID == pathway.candidateId.uuidString }.count == 1)

            // Half hours: 7.5 h is 750 hundredths; the subsidy follows.
            let half = try await api.patch("/api/v1/agreements/\(dto.id)", ["mentorHoursPerMonth": 7.5])
            #expect(half.status == .ok, "\(half.text.prefix(300))")
            let changed = try half.content.decode(AgreementDTO.self)
            #expect(changed.monthlySubsidy == 2933 && changed.totalSubsidy == 17598)
            let stored = try await t.sql.select().column("mentor_hours_x100").column("hourly_wage_ore").column("version").from("agreement_versions")
                .where("agreement_id", .equal, dto.id).all(decoding: Row.self)
            #expect(stored.map(\.mentor_hours_x100) == [750], "edited in place before any approval")

            // Without hours there is no subsidy yet, and approval waits for them.
            let partial = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "mentor",
                                                terms: ["startDate": "2026-10-01", "endDate": "2027-03-31", "mentorId": mentor.uuidString])
            #expect(partial.monthlySubsidy == nil && partial.totalSubsidy == nil)
            #expect(partial.missingFields.contains("mentorHoursPerMonth") && partial.missingFields.contains("hourlyWage"))
            #expect(partial.status == "pabegynt")

            // Mentor fields belong to mentor agreements only; a mentor from no office register is refused.
            var wrongType = Deal.terms(start: "2026-10-01", end: "2027-03-31")
            wrongType["mentorHoursPerMonth"] = 10
            let refused = try await Deal.post(api, pathway: pathway.id, employer: employer, type: "arbeidstrening", terms: wrongType)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.problemFields == ["mentorHoursPerMonth"])
            let unknownMentor = try await Deal.post(api, pathway: pathway.id, employer: employer, type: "mentor", terms: ["mentorId": UUID().uuidString])
            #expect(unknownMentor.problemFields == ["mentorId"])
            let tooPrecise = try await Deal.post(api, pathway: pathway.id, employer: employer, type: "mentor", terms: ["hourlyWage": 300.125])
            #expect(tooPrecise.problemFields == ["hourlyWage"])
            #expect(try await Agreement.query(on: t.db).filter(\.$pathway.$id == pathway.id).count() == 2)
        }
    }

    // MARK: - 10. Status at every stage

    @Test("Status is derived at every stage: påbegynt, mangler godkjenning, klar for oppstart, gjennomføres, avsluttet, annullert; never set")
    func statusStages() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Deal.pathway(t, api)
            let employer = try await Deal.employer(api)

            // Only type and employer: påbegynt, with everything approval needs listed.
            let bare = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "arbeidstrening", terms: nil)
            #expect(bare.status == "pabegynt")
            #expect(Set(bare.missingFields) == ["startDate", "endDate", "goals", "tasks", "followUp", "navContact", "workplaceContact"])
            #expect(bare.approvals.isEmpty && bare.version == 1)

            let incomplete = try await Deal.approve(api, bare.id, "veileder")
            #expect(incomplete.status == .conflict)
            #expect(incomplete.problemFields.contains("startDate"))
            #expect(try await AgreementApproval.query(on: t.db).filter(\.$agreement.$id == bare.id).count() == 0)

            // Completed: waits for approval.
            let completed = try await api.patch("/api/v1/agreements/\(bare.id)", Deal.terms(start: "2026-10-01", end: "2027-03-31"))
            #expect(completed.status == .ok, "\(completed.text.prefix(300))")
            let complete = try completed.content.decode(AgreementDTO.self)
            #expect(complete.status == "mangler_godkjenning" && complete.missingFields.isEmpty && complete.version == 1)

            let badParty = try await Deal.approve(api, bare.id, "sjefen")
            #expect(badParty.status == .unprocessableEntity)
            #expect(badParty.problemFields == ["party"])

            let byCounselor = try await Deal.approve(api, bare.id, "veileder")
            #expect(byCounselor.status == .ok)
            let halfway = try byCounselor.content.decode(AgreementDTO.self)
            #expect(halfway.status == "mangler_godkjenning")
            #expect(halfway.approvals.map(\.party) == ["veileder"] && halfway.approvals.first?.version == 1 && halfway.approvals.first?.withdrawnAt == nil)
            #expect(halfway.approvals.first?.approvedBy == (try await t.user("veileder1").requireID()))
            let twice = try await Deal.approve(api, bare.id, "veileder")
            #expect(twice.status == .conflict)
            #expect(try await AgreementApproval.query(on: t.db).filter(\.$agreement.$id == bare.id).count() == 1)

            let byEmployer = try await Deal.approve(api, bare.id, "arbeidsgiver")
            #expect(byEmployer.status == .ok)
            let ready = try byEmployer.content.decode(AgreementDTO.self)
            #expect(ready.status == "klar_for_oppstart", "the start 2026-10-01 is after today")
            #expect(Set(ready.approvals.map(\.party)) == ["veileder", "arbeidsgiver"])
            #expect(try await Deal.approve(api, bare.id, "arbeidsgiver").status == .conflict)
            let version = try #require(try await AgreementVersion.query(on: t.db).filter(\.$agreement.$id == bare.id).first())
            #expect(version.fullyApprovedAt == t.clock.now())
            #expect(try await t.auditEntries(.agreementApproved).filter { $0.objectID == pathway.candidateId.uuidString }.count == 2)

            // Backdated: started in the past, still running.
            let running = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "arbeidstrening",
                                                terms: Deal.terms(start: "2026-06-01", end: "2026-12-31"))
            #expect(running.status == "mangler_godkjenning")
            #expect(try await Deal.approveBoth(api, running.id).status == "gjennomfores")

            // Backdated: started and ended in the past.
            let ended = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "arbeidstrening",
                                              terms: Deal.terms(start: "2026-03-02", end: "2026-08-31"))
            #expect(ended.status == "mangler_godkjenning")
            let approvedOnce = try await Deal.approve(api, ended.id, "arbeidsgiver")
            #expect(try approvedOnce.content.decode(AgreementDTO.self).status == "mangler_godkjenning")
            #expect(try await Deal.approve(api, ended.id, "veileder").status == .ok)
            #expect(try await Deal.get(api, ended.id).status == "avsluttet")
            #expect(try await api.post("/api/v1/agreements/\(ended.id)/annul", ["reason": "syk"]).status == .conflict, "an ended agreement is not annulled")
            #expect(try await api.patch("/api/v1/agreements/\(ended.id)", ["tasks": "Noe annet"]).status == .conflict)

            // The list filters on the derived status.
            let listed = try await api.get("/api/v1/agreements?pathwayId=\(pathway.id)&status=gjennomfores").content.decode([AgreementDTO].self)
            #expect(listed.map(\.id) == [running.id])
            #expect(try await api.get("/api/v1/agreements?pathwayId=\(pathway.id)&status=ferdig").problemFields == ["status"])

            // There is no way to set the status.
            let setStatus = try await api.patch("/api/v1/agreements/\(running.id)", ["status": "avsluttet"])
            #expect(setStatus.status == .unprocessableEntity)
            #expect(setStatus.problemFields == ["status"])
            #expect(try await Deal.get(api, running.id).status == "gjennomfores")

            // Annulment: a reason from the list; "annet" needs a note.
            let noReason = try await api.post("/api/v1/agreements/\(bare.id)/annul", [:])
            #expect(noReason.problemFields == ["reason"])
            let otherWithoutNote = try await api.post("/api/v1/agreements/\(bare.id)/annul", ["reason": "annet"])
            #expect(otherWithoutNote.problemFields == ["note"])
            let annulled = try await api.post("/api/v1/agreements/\(bare.id)/annul", ["reason": "syk", "note": "Sykmeldt i seks uker"])
            #expect(annulled.status == .ok, "\(annulled.text.prefix(300))")
            let gone = try annulled.content.decode(AgreementDTO.self)
            #expect(gone.status == "annullert")
            #expect(gone.annulment?.reason == "syk" && gone.annulment?.note == "Sykmeldt i seks uker" && gone.annulment?.on == PathwayFlowTests.day(t, 0))
            #expect(try await api.post("/api/v1/agreements/\(bare.id)/annul", ["reason": "syk"]).status == .conflict)
            #expect(try await Deal.approve(api, bare.id, "veileder").status == .conflict)
            #expect(try await api.patch("/api/v1/agreements/\(bare.id)", ["tasks": "Etter annullering"]).status == .conflict)
            #expect(try await t.auditEntries(.agreementAnnulled).filter { $0.objectID == pathway.candidateId.uuidString }.count == 1)
        }
    }

    // MARK: - 11. Pathway events

    @Test("Agreements write the pathway's events: placement start and end on their days, the start only once its day has come, hired, and withdrawn on misregistration")
    func events() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Deal.pathway(t, api)
            let employer = try await Deal.employer(api)

            // Past start and end: both events, on those days, each with the agreement's id.
            let past = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "arbeidstrening",
                                             terms: Deal.terms(start: "2026-03-02", end: "2026-08-31"))
            #expect(try await Deal.approve(api, past.id, "veileder").status == .ok)
            #expect(try await Deal.events(api, pathway.id, agreement: past.id).isEmpty, "nothing before both have approved")
            #expect(try await Deal.approve(api, past.id, "arbeidsgiver").status == .ok)
            let pastEvents = try await Deal.events(api, pathway.id, agreement: past.id)
            #expect(pastEvents.map(\.type) == ["placement_start", "placement_ended"])
            #expect(pastEvents.first?.occurredAt == (try Deal.day("2026-03-02")))
            #expect(pastEvents.last?.occurredAt == (try Deal.day("2026-08-31")))
            #expect(pastEvents.allSatisfy { $0.employerId == employer && $0.withdrawnAt == nil && $0.agreementId == past.id })
            let stored = try await PathwayEvent.query(on: t.db).filter(\.$agreementID == past.id).count()
            #expect(stored == 2)

            // A future start: nothing until the day has come and the daily job has run.
            let start = PathwayFlowTests.day(t, -3)
            let future = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "arbeidstrening",
                                               terms: Deal.terms(start: start, end: PathwayFlowTests.day(t, -90)))
            #expect(try await Deal.approveBoth(api, future.id).status == "klar_for_oppstart")
            #expect(try await Deal.events(api, pathway.id, agreement: future.id).isEmpty)
            #expect(try await Agreement.find(future.id, on: t.db)?.eventsDueAt == (try Deal.day(start)))
            t.clock.advance(by: 4 * 86_400)
            #expect(try await Deal.get(api, future.id).status == "gjennomfores")
            #expect(try await Deal.events(api, pathway.id, agreement: future.id).isEmpty, "reading writes nothing")
            let result = try await PathwayDailyJob(app: t.app).run(now: t.clock.now())
            #expect(result.agreements >= 1)
            let started = try await Deal.events(api, pathway.id, agreement: future.id)
            #expect(started.map(\.type) == ["placement_start"])
            #expect(started.first?.occurredAt == (try Deal.day(start)) && started.first?.employerId == employer)
            #expect(try await Deal.events(api, pathway.id, agreement: past.id).count == 2, "the job leaves finished agreements alone")

            // Employment: hired on the start day; misregistration withdraws it.
            let hire = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "ansettelse", terms: Deal.terms(start: "2026-09-01", end: nil))
            #expect(hire.missingFields.isEmpty, "employment needs no end date")
            #expect(try await Deal.approveBoth(api, hire.id).status == "gjennomfores")
            let hired = try await Deal.events(api, pathway.id, agreement: hire.id)
            #expect(hired.map(\.type) == ["hired"])
            #expect(hired.first?.occurredAt == (try Deal.day("2026-09-01")) && hired.first?.withdrawnAt == nil)

            let misregistered = try await api.post("/api/v1/agreements/\(hire.id)/annul", ["reason": "feilregistrering"])
            #expect(misregistered.status == .ok, "\(misregistered.text.prefix(300))")
            #expect(try misregistered.content.decode(AgreementDTO.self).status == "annullert")
            let withdrawn = try await Deal.events(api, pathway.id, agreement: hire.id)
            #expect(withdrawn.count == 1)
            #expect(withdrawn.first?.type == "hired" && withdrawn.first?.withdrawnAt == t.clock.now() && withdrawn.first?.withdrawnReason != nil)
            #expect(try await PathwayEvent.query(on: t.db).filter(\.$agreementID == hire.id).filter(\.$withdrawnAt == nil).count() == 0)

            // Annulled for illness while running: the placement ends on the annulment day; the start stays.
            let sick = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "arbeidstrening",
                                             terms: Deal.terms(start: "2026-08-03", end: "2026-12-31"))
            _ = try await Deal.approveBoth(api, sick.id)
            let annulDay = PathwayFlowTests.day(t, 1)
            #expect(try await api.post("/api/v1/agreements/\(sick.id)/annul", ["reason": "syk", "annulledOn": annulDay]).status == .ok)
            let sickEvents = try await Deal.events(api, pathway.id, agreement: sick.id).filter { $0.withdrawnAt == nil }
            #expect(sickEvents.map(\.type) == ["placement_start", "placement_ended"])
            #expect(sickEvents.last?.occurredAt == (try Deal.day(annulDay)))
        }
    }

    // MARK: - 12. Versions

    @Test("Concurrent final approvals of several agreements of one pathway all succeed, each writing its events (on PostgreSQL they queue on the pathway instead of deadlocking)")
    func concurrentApprovals() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Deal.pathway(t, api)
            let employer = try await Deal.employer(api)
            var ids: [UUID] = []
            for month in 1...6 {
                let agreement = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "arbeidstrening",
                                                      terms: Deal.terms(start: "2026-0\(month)-01", end: "2026-0\(month)-20"))
                #expect(try await Deal.approve(api, agreement.id, "veileder").status == .ok)
                ids.append(agreement.id)
            }
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for id in ids {
                    group.addTask { try await Deal.approve(api, id, "arbeidsgiver").status }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: .ok, count: ids.count))
            for id in ids {
                let events = try await PathwayEvent.query(on: t.db).filter(\.$agreementID == id).filter(\.$withdrawnAt == nil).all()
                #expect(events.map(\.type).sorted { $0.rawValue < $1.rawValue } == [.placementEnded, .placementStart], "\(id)")
            }
        }
    }

    @Test("After an approval a change makes version 2 and withdraws the approval; before any approval the version is edited in place")
    func versioning() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Deal.pathway(t, api)
            let employer = try await Deal.employer(api)

            let approved = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "arbeidstrening",
                                                 terms: Deal.terms(start: "2026-10-01", end: "2027-03-31", tasks: "Varemottak"))
            #expect(try await Deal.approve(api, approved.id, "veileder").status == .ok)
            // The same terms again change nothing.
            let unchanged = try await api.patch("/api/v1/agreements/\(approved.id)", ["tasks": "Varemottak"])
            #expect(try unchanged.content.decode(AgreementDTO.self).version == 1)

            let changed = try await api.patch("/api/v1/agreements/\(approved.id)", ["tasks": "Varemottak og kasse", "changeNote": "Kasse lagt til"])
            #expect(changed.status == .ok, "\(changed.text.prefix(300))")
            let dto = try changed.content.decode(AgreementDTO.self)
            #expect(dto.version == 2)
            #expect(dto.terms.tasks == "Varemottak og kasse" && dto.terms.startDate == "2026-10-01" && dto.terms.goals.count == 1, "the other terms are carried over")
            #expect(dto.status == "mangler_godkjenning")
            #expect(dto.approvals.count == 1)
            let old = try #require(dto.approvals.first)
            #expect(old.party == "veileder" && old.version == 1 && old.withdrawnAt == t.clock.now() && old.withdrawnReason != nil)

            let versions = try await Deal.versions(api, approved.id)
            #expect(versions.map(\.version) == [1, 2])
            #expect(versions.first?.terms.tasks == "Varemottak" && versions.last?.terms.tasks == "Varemottak og kasse")
            #expect(versions.last?.changeNote == "Kasse lagt til" && versions.last?.isExtension == false)
            #expect(versions.allSatisfy { $0.fullyApprovedAt == nil })
            #expect(try await AgreementVersion.query(on: t.db).filter(\.$agreement.$id == approved.id).count() == 2)
            #expect(try await t.auditEntries(.agreementRead).contains { ($0.detail ?? "").contains(approved.id.uuidString) })

            // The counselor approves again, now version 2.
            let again = try await Deal.approve(api, approved.id, "veileder")
            #expect(again.status == .ok, "the withdrawn approval does not count: \(again.text.prefix(200))")
            let approvals = try again.content.decode(AgreementDTO.self).approvals
            #expect(approvals.filter { $0.withdrawnAt == nil }.map(\.version) == [2])

            // Before any approval: the same version, changed.
            let draft = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "arbeidstrening",
                                              terms: Deal.terms(start: "2026-10-01", end: "2027-03-31", tasks: "Varemottak"))
            let edited = try await api.patch("/api/v1/agreements/\(draft.id)", ["tasks": "Plukk og pakk"])
            #expect(edited.status == .ok)
            let editedDTO = try edited.content.decode(AgreementDTO.self)
            #expect(editedDTO.version == 1 && editedDTO.terms.tasks == "Plukk og pakk")
            let draftVersions = try await Deal.versions(api, draft.id)
            #expect(draftVersions.count == 1 && draftVersions.first?.terms.tasks == "Plukk og pakk")
            #expect(try await AgreementVersion.query(on: t.db).filter(\.$agreement.$id == draft.id).count() == 1)

            // null clears a field: the agreement is påbegynt again.
            let cleared = try await api.patch("/api/v1/agreements/\(draft.id)", ["followUp": NSNull()])
            let clearedDTO = try cleared.content.decode(AgreementDTO.self)
            #expect(clearedDTO.terms.followUp == nil && clearedDTO.missingFields == ["followUp"] && clearedDTO.status == "pabegynt")
        }
    }

    // MARK: - 13. Duration limits

    @Test("Legal duration limits at the boundary: jobbsmak 7 days, mentor 6 or 36 months by innsatsgruppe, arbeidstrening 18 months")
    func durationLimits() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let standard = try await Deal.pathway(t, api, innsats: "standard")
            let needsMost = try await Deal.pathway(t, api, innsats: "spesielt_tilpasset")
            let employer = try await Deal.employer(api)

            func check(_ pathway: PathwayDTO, _ type: String, last: String, firstRefused: String, limitLabel: String) async throws {
                let before = try await Agreement.query(on: t.db).count()
                let refused = try await Deal.post(api, pathway: pathway.id, employer: employer, type: type, terms: ["startDate": "2026-10-01", "endDate": firstRefused])
                #expect(refused.status == .unprocessableEntity, "\(type) to \(firstRefused) answered \(refused.status.code)")
                #expect(refused.problemFields == ["endDate"], "\(type) to \(firstRefused): \(refused.problemFields)")
                let message = refused.problem?.errors?.first?.message ?? ""
                #expect(message.contains(limitLabel), "\(type): the message names the limit: \(message)")
                let lastDay = try Deal.day(last)
                #expect(message.contains(DisplayDate.date(lastDay)), "\(type): the message names the last allowed day: \(message)")
                #expect(try await Agreement.query(on: t.db).count() == before)
                let accepted = try await Deal.post(api, pathway: pathway.id, employer: employer, type: type, terms: ["startDate": "2026-10-01", "endDate": last])
                #expect(accepted.status == .created, "\(type) to \(last) answered \(accepted.status.code): \(accepted.text.prefix(300))")
                #expect(try await Agreement.query(on: t.db).count() == before + 1)
            }

            try await check(standard, "jobbsmak", last: "2026-10-07", firstRefused: "2026-10-08", limitLabel: "7")
            try await check(standard, "mentor", last: "2027-03-31", firstRefused: "2027-04-01", limitLabel: "6")
            try await check(needsMost, "mentor", last: "2029-09-30", firstRefused: "2029-10-01", limitLabel: "36")
            try await check(standard, "arbeidstrening", last: "2028-03-31", firstRefused: "2028-04-01", limitLabel: "18")
            try await check(needsMost, "arbeidstrening", last: "2028-03-31", firstRefused: "2028-04-01", limitLabel: "18")

            // The same limits hold for a PATCH.
            let mentor = try await Deal.create(api, pathway: standard.id, employer: employer, type: "mentor", terms: ["startDate": "2026-10-01"])
            let tooLong = try await api.patch("/api/v1/agreements/\(mentor.id)", ["endDate": "2027-04-01"])
            #expect(tooLong.problemFields == ["endDate"])
            #expect(try await Deal.get(api, mentor.id).terms.endDate == nil)
            let backwards = try await api.patch("/api/v1/agreements/\(mentor.id)", ["endDate": "2026-09-30"])
            #expect(backwards.problemFields == ["endDate"])
            // Types without a limit.
            _ = try await Deal.create(api, pathway: standard.id, employer: employer, type: "inkluderingstilskudd", terms: ["startDate": "2026-10-01", "endDate": "2029-12-31"])
        }
    }

    // MARK: - 14. Extension

    @Test("A running agreement is extended only after an evaluation meeting since its start; within 18 months; approved, it writes agreement_extended")
    func extendAgreement() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Deal.pathway(t, api)
            let employer = try await Deal.employer(api)
            let agreement = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "arbeidstrening",
                                                  terms: Deal.terms(start: "2026-06-01", end: "2026-12-31"))
            #expect(try await Deal.approveBoth(api, agreement.id).status == "gjennomfores")
            let path = "/api/v1/agreements/\(agreement.id)/extend"

            // An evaluation before the start does not count.
            let tooEarly = try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "evaluation_meeting", "occurredAt": "2026-05-20", "employerId": employer.uuidString, "note": "Referat: oppgaver og opplæring gjennomgått."])
            #expect(tooEarly.status == .created)
            let refused = try await api.post(path, ["endDate": "2027-03-31", "reason": "Trenger mer tid på lageret"])
            #expect(refused.status == .conflict, "\(refused.text.prefix(300))")
            let detail = refused.problem?.detail ?? ""
            #expect(!detail.isEmpty)
            #expect(detail.lowercased().contains("evalu"), "the message mentions the evaluation: \(detail)")
            #expect(try await Deal.versions(api, agreement.id).count == 1, "no new version")
            #expect(try await Deal.get(api, agreement.id).terms.endDate == "2026-12-31")

            let evaluation = try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "evaluation_meeting", "occurredAt": "2026-08-14", "employerId": employer.uuidString, "note": "Referat: oppgaver og opplæring gjennomgått."])
            #expect(evaluation.status == .created, "\(evaluation.text.prefix(300))")

            let noReason = try await api.post(path, ["endDate": "2027-03-31"])
            #expect(noReason.problemFields == ["reason"])
            let beyond = try await api.post(path, ["endDate": "2027-12-01", "reason": "Trenger mer tid"])
            #expect(beyond.status == .unprocessableEntity)
            #expect(beyond.problemFields == ["endDate"])
            let shorter = try await api.post(path, ["endDate": "2026-11-30", "reason": "Kortere"])
            #expect(shorter.problemFields == ["endDate"])
            #expect(try await Deal.versions(api, agreement.id).count == 1)

            let extended = try await api.post(path, ["endDate": "2027-05-31", "reason": "Trenger mer tid på lageret"])
            #expect(extended.status == .ok, "\(extended.text.prefix(300))")
            let dto = try extended.content.decode(AgreementDTO.self)
            #expect(dto.version == 2 && dto.terms.endDate == "2027-05-31" && dto.terms.startDate == "2026-06-01")
            #expect(dto.status == "mangler_godkjenning")
            #expect(dto.approvals.filter { $0.withdrawnAt == nil }.isEmpty && dto.approvals.count == 2)
            let versions = try await Deal.versions(api, agreement.id)
            #expect(versions.map(\.isExtension) == [false, true])
            #expect(versions.last?.changeNote == "Trenger mer tid på lageret")
            #expect(versions.first?.terms.endDate == "2026-12-31")
            #expect(try await Deal.events(api, pathway.id, agreement: agreement.id).filter { $0.type == "agreement_extended" }.isEmpty)
            #expect(try await t.auditEntries(.agreementExtended).filter { $0.objectID == pathway.candidateId.uuidString }.count == 1)

            let approved = try await Deal.approveBoth(api, agreement.id)
            #expect(approved.status == "gjennomfores" && approved.version == 2)
            let events = try await Deal.events(api, pathway.id, agreement: agreement.id).filter { $0.withdrawnAt == nil }
            #expect(events.map(\.type) == ["placement_start", "agreement_extended"])
            let extensionEvent = try #require(events.last)
            #expect(DisplayDate.dayInput(extensionEvent.occurredAt) == PathwayFlowTests.day(t, 0))
            #expect(extensionEvent.agreementId == agreement.id && extensionEvent.employerId == employer)
            #expect(events.first?.occurredAt == (try Deal.day("2026-06-01")), "the start is unchanged")

            // Another extension needs another evaluation, after this one; then up to 18 months from
            // the start, the last day included.
            let second = try await api.post(path, ["endDate": "2027-11-30", "reason": "Enda litt til"])
            #expect(second.status == .conflict, "the evaluation of 14.08 was before the last extension: \(second.text.prefix(300))")
            #expect(try await Deal.versions(api, agreement.id).count == 2)
            let newEvaluation = try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "evaluation_meeting", "occurredAt": PathwayFlowTests.day(t, 0), "employerId": employer.uuidString, "note": "Referat: oppgaver og opplæring gjennomgått."])
            #expect(newEvaluation.status == .created)
            let toTheLimit = try await api.post(path, ["endDate": "2027-11-30", "reason": "Enda litt til"])
            #expect(toTheLimit.status == .ok, "2027-11-30 is 18 months from 2026-06-01: \(toTheLimit.text.prefix(300))")
            #expect(try toTheLimit.content.decode(AgreementDTO.self).version == 3)
        }
    }

    // MARK: - 15. Access

    @Test("Agreements follow the candidate's access: another office gets 404, a colleague 403; list reads are audited per candidate")
    func access() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await Deal.pathway(t, api)
            let employer = try await Deal.employer(api)
            let first = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "arbeidstrening", terms: Deal.terms(start: "2026-10-01", end: "2027-03-31"))
            let second = try await Deal.create(api, pathway: pathway.id, employer: employer, type: "jobbsmak", terms: nil)

            let elsewhere = try await APIClient.make(t, "veileder3")
            let foreign = try await elsewhere.get("/api/v1/agreements/\(first.id)")
            #expect(foreign.status == .notFound)
            #expect(!foreign.text.contains("Varemottak"))
            let unknown = try await elsewhere.get("/api/v1/agreements/\(UUID())")
            #expect(foreign.problem?.detail == unknown.problem?.detail)
            #expect(try await elsewhere.get("/api/v1/agreements/\(first.id)/versions").status == .notFound)
            #expect(try await elsewhere.get("/api/v1/agreements?pathwayId=\(pathway.id)").status == .notFound)
            #expect(try await Deal.approve(elsewhere, first.id, "veileder").status == .notFound)
            #expect(try await elsewhere.patch("/api/v1/agreements/\(first.id)", ["tasks": "Overtatt"]).status == .notFound)
            #expect(try await elsewhere.post("/api/v1/agreements/\(first.id)/annul", ["reason": "feilregistrering"]).status == .notFound)
            let sneaky = try await Deal.post(elsewhere, pathway: pathway.id, employer: employer, type: "jobbsmak", terms: nil)
            #expect(sneaky.status == .notFound)
            #expect(!(try await elsewhere.get("/api/v1/agreements").content.decode([AgreementDTO].self)).contains { $0.id == first.id || $0.id == second.id })
            let denied = try await t.auditEntries(.accessDenied).filter { $0.actorUsername == "veileder3" && $0.objectID == pathway.candidateId.uuidString }
            #expect(!denied.isEmpty && denied.allSatisfy { $0.outcome == "denied" })
            #expect(try await AgreementApproval.query(on: t.db).filter(\.$agreement.$id ~~ [first.id, second.id]).count() == 0)
            #expect(try await Deal.get(api, first.id).annulment == nil)

            // A colleague at the office must state a reason first.
            let colleague = try await APIClient.make(t, "veileder2")
            #expect(try await colleague.get("/api/v1/agreements/\(first.id)").status == .forbidden)

            // Another office's employer cannot be the employer of our agreement.
            let theirEmployer = try await Deal.employer(elsewhere, "Sørlageret AS")
            let wrongEmployer = try await Deal.post(api, pathway: pathway.id, employer: theirEmployer, type: "jobbsmak", terms: nil)
            #expect(wrongEmployer.status == .unprocessableEntity)
            #expect(wrongEmployer.problemFields == ["employerId"])

            // The list by pathway: one agreement.read entry per agreement, on the candidate.
            let before = try await t.auditEntries(.agreementRead).count
            let listed = try await api.get("/api/v1/agreements?pathwayId=\(pathway.id)")
            #expect(listed.status == .ok)
            #expect(Set(try listed.content.decode([AgreementDTO].self).map(\.id)) == [first.id, second.id])
            let reads = try await t.auditEntries(.agreementRead)
            #expect(reads.count == before + 2)
            let fresh = reads.prefix(2)
            #expect(fresh.allSatisfy { $0.objectType == AuditObjectType.candidate && $0.objectID == pathway.candidateId.uuidString && $0.actorUsername == "veileder1" })
            #expect(Set(fresh.compactMap { entry in [first.id, second.id].first { (entry.detail ?? "").contains($0.uuidString) } }) == [first.id, second.id])

            // The caller's own pathways without a filter.
            let own = try await api.get("/api/v1/agreements").content.decode([AgreementDTO].self)
            #expect(Set(own.map(\.id)).isSuperset(of: [first.id, second.id]))
            #expect(try await api.get("/api/v1/agreements?pathwayId=nei").problemFields == ["pathwayId"])
        }
    }
}
