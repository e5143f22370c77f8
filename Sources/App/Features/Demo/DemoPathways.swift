import Fluent
import Foundation

/// Demo pathways for the demo candidates: every shipped model, several steps, and some criteria
/// overdue, so the criteria panel, "trenger handling nå" and the quality page have something to show.
/// Written through the same event table and evaluation as real work.
struct DemoPathways: DemoModule {
    var name: String { "forløp" }

    /// Fictional workplaces; no real company's name or number.
    static let employers: [String: [String]] = [
        "9901": ["Fjordkanten Kafé", "Nordlys Dagligvare", "Tindevegen Bygg", "Havbris Hotell", "Lysløypa Omsorgssenter", "Saltstraumen Verksted"],
        "9902": ["Sørlandsbakeriet", "Kystlinjen Lager", "Eikeli Barnehage", "Fjæra Hagesenter"],
    ]

    /// One demo story: which model, how long ago the referral came, what happened since (days after
    /// the referral, and which of the office's employers), and the step it stands at.
    struct Story {
        var model: String
        var referralDaysAgo: Int
        var step: String
        var events: [(PathwayEventType, Int, Int?)]
        var close: Pathway.Outcome? = nil
    }

    static let hybridStories: [Story] = [
        // Placed, followed up, but the mentor has not been contacted for weeks: overdue.
        Story(model: "hybridmodellen", referralDaysAgo: 120, step: "trinn-5", events: [
            (.firstConversation, 4, nil), (.vocationalProfile, 12, nil), (.employerVisit, 20, 0), (.placementStart, 30, 0),
            (.firstWorkdayContact, 31, 0), (.evaluationMeeting, 52, 0), (.mentorContact, 45, nil), (.mentorContact, 70, nil),
            (.employerFollowup, 75, 0),
        ]),
        // Started a placement at a workplace nobody had visited: the visit criterion is overdue.
        Story(model: "hybridmodellen", referralDaysAgo: 45, step: "trinn-4", events: [
            (.firstConversation, 3, nil), (.employerContact, 18, 1), (.placementStart, 40, 1), (.firstWorkdayContact, 41, 1),
        ]),
        // Hired; followed up monthly since.
        Story(model: "hybridmodellen", referralDaysAgo: 240, step: "trinn-5", events: [
            (.firstConversation, 5, nil), (.employerVisit, 30, 2), (.jobTasteStart, 35, 2), (.placementStart, 50, 2),
            (.firstWorkdayContact, 51, 2), (.evaluationMeeting, 70, 2), (.mentorContact, 60, nil), (.mentorContact, 85, nil),
            (.hired, 140, 2), (.employerFollowup, 160, 2), (.mentorContact, 180, nil), (.statusMeeting, 205, 2), (.employerFollowup, 230, 2),
        ]),
        // Newly referred.
        Story(model: "hybridmodellen", referralDaysAgo: 6, step: "trinn-1", events: [(.firstConversation, 2, nil)]),
    ]

    static let otherStories: [Story] = [
        // KVP: no first meeting yet, 3 weeks after the application.
        Story(model: "tromsopakken", referralDaysAgo: 21, step: "trinn-1", events: []),
        // KVP: on time so far; the programme is due.
        Story(model: "tromsopakken", referralDaysAgo: 35, step: "trinn-2", events: [(.firstConversation, 9, nil), (.decision, 20, nil), (.careerGuidance, 30, nil)]),
        // Snart Ansatt: relevance never decided after more than three months.
        Story(model: "snart-ansatt", referralDaysAgo: 100, step: "trinn-1", events: [(.firstConversation, 10, nil), (.planAgreed, 12, nil)]),
        // Supported Employment, closed with a job.
        Story(model: "supported-employment", referralDaysAgo: 300, step: "trinn-5", events: [
            (.firstConversation, 7, nil), (.employerVisit, 40, 3), (.placementStart, 60, 3), (.firstWorkdayContact, 61, 3), (.hired, 200, 3),
        ], close: .ordinaryWork),
    ]

    func seed(_ context: DemoSeeder.Context) async throws {
        let app = context.app
        let db = context.db
        let now = app.samskap.clock.now()
        let day: @Sendable (Int) -> Date = { RuleDuration.calendar.startOfDay(for: now).addingTimeInterval(Double(-$0) * 86_400 + 10 * 3600) }
        let counselors = try await User.query(on: db).filter(\.$username ~~ DemoCandidates.portfolios.map(\.username)).sort(\.$username).all()
        for counselor in counselors {
            guard let officeID = counselor.$office.id, let office = try await Office.find(officeID, on: db) else { continue }
            let counselorID = try counselor.requireID()
            let candidates = try await Candidate.query(on: db).filter(\.$counselor.$id == counselorID).filter(\.$isDemo == true).sort(\.$createdAt).sort(\.$lastName).all()
            guard !candidates.isEmpty else { continue }
            let existing = try await Pathway.query(on: db).filter(\.$counselor.$id == counselorID).count()
            if existing > 0 { continue }
            var employerIDs: [UUID] = []
            for name in Self.employers[office.enhetNumber] ?? Self.employers["9901"]! {
                employerIDs.append(try await PathwayService.employer(named: name, officeID: officeID, by: nil, at: now, on: db))
            }
            try await Employer.query(on: db).filter(\.$id ~~ employerIDs).set(\.$isDemo, to: true).update()
            let hybrid = candidates.filter(\.isHybrid)
            let others = candidates.filter { !$0.isHybrid }
            let pairs = zip(hybrid, Self.hybridStories).map { ($0, $1) } + zip(others, Self.otherStories).map { ($0, $1) }
            let available = try await app.samskap.methodModels.available(for: officeID, on: db)
            for (candidate, story) in pairs {
                guard let record = available.first(where: { $0.key == story.model }) else { continue }
                let model = try app.samskap.methodModels.model(record)
                let service = PathwayService(app: app, context: AuditContext(actorUserID: counselorID, actorUsername: counselor.username, requestID: nil), actorID: counselorID, now: now)
                let pathway = try await service.start(candidate: candidate, .init(modelRecordID: try record.requireID(), referralDate: day(story.referralDaysAgo), referrer: "Demo: henvist av veileder"))
                let pathwayID = try pathway.requireID()
                let referralDay = story.referralDaysAgo
                let ids = employerIDs
                let events: [(PathwayEventType, Date, UUID?)] = story.events.map { type, offset, employer in
                    (type, day(referralDay - offset), employer.map { ids[$0 % ids.count] })
                }
                let step = story.step
                let close = story.close
                try await app.write(context: .system) { db, _ in
                    for (type, at, employer) in events {
                        try await PathwayService.insertEvent(pathwayID: pathwayID, type: type, at: at, by: counselorID, now: now, employerID: employer, on: db)
                    }
                    pathway.currentStep = step
                    if let outcome = close {
                        pathway.status = .closed
                        pathway.outcome = outcome
                        pathway.outcomeReason = "Demo: fast ansatt etter arbeidstrening."
                        pathway.closedAt = day(max(0, referralDay - 210))
                        try await PathwayService.insertEvent(pathwayID: pathwayID, type: .pathwayClosed, at: pathway.closedAt!, by: counselorID, now: now, note: outcome.rawValue, on: db)
                    }
                    try await pathway.save(on: db)
                    try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
                }
            }
        }
    }
}
