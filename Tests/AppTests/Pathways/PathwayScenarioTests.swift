@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Every time-limited criterion of the shipped models, through the API on the real database, with
/// backdated events: met on time, met late, overdue and not yet due. The criteria and their limits
/// are read from the model files, so a criterion added to a file is tested here too.
@Suite("Pathways: every time-limited criterion, four scenarios each, through the API")
struct PathwayScenarioTests {
    enum Scenario: String, CaseIterable {
        case onTime, late, overdue, notYetDue
    }

    struct Case {
        var model: String
        var criterion: String
        var anchor: PathwayEventType
        var expect: PathwayEventType
        var within: RuleDuration
    }

    /// The `within` criteria of the shipped models, in file order.
    static func cases(_ t: TestApp) -> [Case] {
        t.app.samskap.methodModels.shipped.flatMap { file in
            file.model.checkedCriteria.compactMap { criterion -> Case? in
                guard let rule = criterion.rule, case let .within(after, within, _) = rule.kind else { return nil }
                let order: (Set<PathwayEventType>) -> PathwayEventType = { set in PathwayEventType.allCases.first(where: set.contains)! }
                return Case(model: file.model.key, criterion: criterion.id, anchor: order(after), expect: order(rule.expect), within: within)
            }
        }
    }

    static func eventBody(_ type: PathwayEventType, _ day: String) -> [String: Any] {
        var body: [String: Any] = ["type": type.rawValue, "occurredAt": day]
        if PathwayRules.requiresEmployer(type) { body["newEmployerName"] = "Scenariobedriften" }
        if PathwayRules.requiresNote(type) { body["note"] = "Referat: hvordan det går, og hva som er neste steg." }
        return body
    }

    @Test("Met on time, met late, overdue and due for every 'within' criterion of the shipped models")
    func everyWithinCriterion() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let cases = Self.cases(t)
            // The ones the issue names must be among them.
            let ids = Set(cases.map { "\($0.model)/\($0.criterion)" })
            for required in ["tromsopakken/T1.2a", "tromsopakken/T1.4a", "tromsopakken/T1.6a", "tromsopakken/T5.1a", "tromsopakken/T5.2a",
                             "snart-ansatt/I3", "snart-ansatt/I6", "hybridmodellen/H5.2", "hybridmodellen/H5.1"] {
                #expect(ids.contains(required), "\(required) is not a time-limited criterion in the files")
            }
            for c in cases {
                for scenario in Scenario.allCases {
                    let anchorDaysAgo = scenario == .notYetDue ? 1 : 150
                    let anchorDay = PathwayFlowTests.day(t, anchorDaysAgo)
                    let anchorDate = try #require(DisplayDate.parseDay(anchorDay))
                    // Counted here by hand, not with the app's own function: the last allowed day is
                    // the anchor's day plus the duration in calendar units (Norwegian time).
                    var calendar = Calendar(identifier: .gregorian)
                    calendar.timeZone = TimeZone(identifier: "Europe/Oslo")!
                    let unit: Calendar.Component = [.day: .day, .week: .weekOfYear, .month: .month, .year: .year][c.within.unit]!
                    let lastAllowed = calendar.date(byAdding: unit, value: c.within.value, to: anchorDate)!
                    let deadline = calendar.date(byAdding: .day, value: 1, to: lastAllowed)!
                    let referralDay = c.anchor == .referralReceived ? anchorDay : PathwayFlowTests.day(t, anchorDaysAgo + 1)
                    let candidate = try await api.register(APICandidate.body())
                    let started = try await api.post("/api/v1/pathways", [
                        "candidateId": candidate.id.uuidString, "methodModelId": try await PathwayFlowTests.modelID(api, key: c.model),
                        "referralDate": referralDay, "referrer": "Scenario",
                    ])
                    #expect(started.status == .created)
                    let pathway = try started.content.decode(PathwayDTO.self)
                    if c.anchor != .referralReceived {
                        let anchored = try await api.post("/api/v1/pathways/\(pathway.id)/events", Self.eventBody(c.anchor, anchorDay))
                        #expect(anchored.status == .created, "\(c.criterion): anchor \(anchored.text.prefix(200))")
                    }
                    var evidenceID: UUID?
                    switch scenario {
                    case .onTime:
                        let lastDay = DisplayDate.dayInput(lastAllowed)
                        let response = try await api.post("/api/v1/pathways/\(pathway.id)/events", Self.eventBody(c.expect, lastDay))
                        evidenceID = try response.content.decode(PathwayEventDTO.self).id
                    case .late:
                        let response = try await api.post("/api/v1/pathways/\(pathway.id)/events", Self.eventBody(c.expect, DisplayDate.dayInput(deadline)))
                        evidenceID = try response.content.decode(PathwayEventDTO.self).id
                    case .overdue, .notYetDue:
                        break
                    }
                    let item = try #require(try await PathwayFlowTests.quality(api, pathway.id)[c.criterion], "\(c.criterion) missing from quality")
                    let label = "\(c.model)/\(c.criterion) \(scenario)"
                    switch scenario {
                    case .onTime:
                        #expect(item.state == "met", "\(label)")
                        #expect(item.evidenceEventId == evidenceID, "\(label)")
                    case .late:
                        #expect(item.state == "met_late", "\(label)")
                        #expect(item.evidenceEventId == evidenceID, "\(label)")
                    case .overdue:
                        #expect(item.state == "overdue", "\(label)")
                        #expect(item.overdueSince == DisplayDate.dayInput(deadline), "\(label)")
                    case .notYetDue:
                        #expect(item.state == "due", "\(label)")
                        #expect(item.deadline == DisplayDate.dayInput(lastAllowed), "\(label)")
                    }
                    // The stored row agrees with the API: nothing is evaluated on read.
                    let row = try await PathwayCriteriaStore.load(pathwayID: pathway.id, on: t.db)[c.criterion]
                    #expect(row?.effectiveState(now: t.clock.now()).rawValue == item.state, "\(label)")
                }
            }
        }
    }

    @Test("Mentor contact every 30 days during a placement: due while kept up, overdue after a gap, ended by the placement's end")
    func recurringMentorContact() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await PathwayFlowTests.start(t, api, model: "hybridmodellen", daysAgo: 120)
            let post: (PathwayEventType, Int) async throws -> Void = { type, daysAgo in
                let response = try await api.post("/api/v1/pathways/\(pathway.id)/events", Self.eventBody(type, PathwayFlowTests.day(t, daysAgo)))
                #expect(response.status == .created)
            }
            try await post(.employerVisit, 100)
            try await post(.placementStart, 90)
            try await post(.mentorContact, 70)
            try await post(.mentorContact, 50)
            var q = try await PathwayFlowTests.quality(api, pathway.id)
            // Last contact 50 days ago: the 30-day limit passed 20 days ago.
            #expect(q["H5.3"]?.state == "overdue")
            #expect(q["H5.3"]?.overdueSince == PathwayFlowTests.day(t, 19))
            try await post(.mentorContact, 10)
            q = try await PathwayFlowTests.quality(api, pathway.id)
            #expect(q["H5.3"]?.state == "due")
            #expect(q["H5.3"]?.deadline == PathwayFlowTests.day(t, -20))
            // The placement ended 5 days ago: judged as a whole, the 50-day gap makes it late.
            try await post(.placementEnded, 5)
            q = try await PathwayFlowTests.quality(api, pathway.id)
            #expect(q["H5.3"]?.state == "met_late")
            // The evaluation meeting never came, but the placement lasted long enough for it to be due.
            #expect(q["H5.2"]?.state == "overdue")
        }
    }

    @Test("A placement that ends within its first month ends the evaluation rule: not applicable, not overdue")
    func endedRule() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await PathwayFlowTests.start(t, api, model: "tromsopakken", daysAgo: 120)
            for (type, daysAgo) in [(PathwayEventType.employerVisit, 100), (.placementStart, 90), (.placementEnded, 80)] {
                #expect(try await api.post("/api/v1/pathways/\(pathway.id)/events", Self.eventBody(type, PathwayFlowTests.day(t, daysAgo))).status == .created)
            }
            let q = try await PathwayFlowTests.quality(api, pathway.id)
            #expect(q["T5.2a"]?.state == "not_applicable")
            #expect(q["T3.3a"]?.state == "met")
            #expect(q["T5.1a"]?.state == "overdue")
        }
    }

    @Test("Each placement is its own obligation: a missed first evaluation stays missed in the statistics when the next placement is followed up")
    func obligationsOverTime() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await PathwayFlowTests.start(t, api, model: "tromsopakken", daysAgo: 200)
            for (type, daysAgo) in [(PathwayEventType.employerVisit, 190), (.placementStart, 180), (.employerVisit, 100), (.placementStart, 90), (.evaluationMeeting, 80)] {
                #expect(try await api.post("/api/v1/pathways/\(pathway.id)/events", Self.eventBody(type, PathwayFlowTests.day(t, daysAgo))).status == .created)
            }
            // Now: the latest placement's evaluation was on time.
            #expect(try await PathwayFlowTests.quality(api, pathway.id)["T5.2a"]?.state == "met")
            // Over time: the first placement's evaluation never came.
            let tallies = try await QualityController.tallies(officeID: try await t.office("9901").requireID(), from: .distantPast, to: .distantFuture, now: t.clock.now(), on: t.app.readDB)
            let vera = try await t.user("veileder1")
            let mine = tallies.filter { $0.criterion_id == "T5.2a" && $0.counselor_id == vera.id }
            // The demo's Tromsøpakken pathways have no placements, so these are ours.
            #expect(mine.reduce(0) { $0 + $1.met } == 1)
            #expect(mine.reduce(0) { $0 + $1.overdue } == 1)
            let rows = try await (t.sql.select().column("state").from("pathway_criterion_obligations")
                .where("pathway_id", .equal, pathway.id).where("criterion_id", .equal, "T5.2a").all(decoding: [String: String].self))
            #expect(rows.map { $0["state"] ?? "" }.sorted() == ["met", "overdue"])
        }
    }
}

@Suite("Audit details: national ID numbers removed, ids kept whole")
struct AuditRedactionTests {
    @Test("A typed number is removed; a UUID whose last group has eleven digits in a row is kept")
    func redaction() {
        #expect(AuditEvent.redactingNationalIDs("Ringte om 010203 12345 i dag") == "Ringte om [fnr fjernet] i dag")
        #expect(AuditEvent.redactingNationalIDs("fnr:01020312345.") == "fnr:[fnr fjernet].")
        let id = "3F2504E0-4F89-11D3-9A0C-030512345678"
        #expect(AuditEvent.redactingNationalIDs("forløp \(id): side") == "forløp \(id): side")
        #expect(AuditEvent(.pathwayRead, detail: "forløp \(id)").detail == "forløp \(id)")
    }
}

@Suite("Pathways: pause")
struct PathwayPauseTests {
    @Test("A paused pathway keeps its deadlines but does not put the candidate in 'trenger handling nå'; resuming does")
    func pause() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await PathwayFlowTests.start(t, api, model: "tromsopakken", daysAgo: 30)
            let needing = { try await api.get("/api/v1/portfolio?filter=trenger-handling&pageSize=200").text.contains(pathway.candidateId.uuidString) }
            #expect(try await needing())
            let browser = t.browser()
            _ = try await browser.login("veileder1")
            var response = try await browser.post("/forlop/\(pathway.id)/status", [("action", "pause"), ("reason", String(repeating: "x", count: 1_001))])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("status-reason-error"))
            response = try await browser.post("/forlop/\(pathway.id)/status", [("action", "pause"), ("reason", "Innlagt på sykehus")])
            #expect(response.status == .seeOther)
            #expect(try await Pathway.find(pathway.id, on: t.db)?.status == .paused)
            #expect(try await PathwayFlowTests.quality(api, pathway.id)["T1.2a"]?.state == "overdue")
            #expect(try await needing() == false)
            response = try await browser.post("/forlop/\(pathway.id)/status", [("action", "gjenoppta")])
            #expect(response.status == .seeOther)
            #expect(try await needing())
            let history = try await api.get("/api/v1/pathways/\(pathway.id)").content.decode(PathwayDTO.self).stepHistory
            #expect(history.map(\.kind) == ["start", "pause", "resume"])
            #expect(history[1].reason == "Innlagt på sykehus")
        }
    }
}
