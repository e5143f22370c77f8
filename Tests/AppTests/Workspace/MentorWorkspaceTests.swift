@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Setting up the mentor's side as the demo has it: mentor1 and mentor2 at two employers in 9901.
enum MentorFixture {
    struct Case {
        var pathway: Pathway
        var candidate: Candidate
        var mentor: Mentor
        var user: User
    }

    /// The pathway the demo links the mentor account to.
    static func demoCase(_ t: TestApp, _ username: String) async throws -> Case {
        let user = try await t.user(username)
        let account = try #require(try await ExternalAccount.query(on: t.db).filter(\.$user.$id == user.requireID()).first())
        let mentorID = try #require(account.$mentor.id)
        let link = try #require(try await PathwayMentor.query(on: t.db).filter(\.$mentor.$id == mentorID).first())
        let pathway = try #require(try await Pathway.find(link.$pathway.id, on: t.db))
        let candidate = try #require(try await Candidate.find(pathway.$candidate.id, on: t.db))
        let mentor = try #require(try await Mentor.find(mentorID, on: t.db))
        return Case(pathway: pathway, candidate: candidate, mentor: mentor, user: user)
    }

    /// Signs in as a person outside NAV and accepts the confidentiality declaration.
    static func signIn(_ t: TestApp, _ username: String) async throws -> Browser {
        let browser = t.browser()
        try await browser.login(username)
        try await browser.get("/erklaering")
        let accepted = try await browser.post("/erklaering", [("accept", "1")])
        #expect(accepted.status == .seeOther, "declaration answered \(accepted.status.code)")
        return browser
    }

    /// Fails the test when a text holds anything shaped like a national ID number.
    static func expectNoNationalID(_ text: String, _ where_: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let patterns = [#"(?<![0-9A-Fa-f-])\d{11}(?![0-9A-Fa-f])"#, #"\b\d{6}[ .]\d{5}\b"#]
        for pattern in patterns {
            #expect(text.range(of: pattern, options: .regularExpression) == nil, "an 11-digit number in \(where_)", sourceLocation: sourceLocation)
        }
    }

    static func day(_ t: TestApp, _ offset: Int) -> String {
        DisplayDate.dayInput(t.clock.now().addingTimeInterval(Double(offset) * 86_400))
    }
}

@Suite("Mentor workspace: declaration, need to know, expiry, hours, alarms, invitations and codes")
struct MentorWorkspaceTests {
    @Test("Nothing before the declaration: pages lead to it, the API refuses, and acceptance is kept with time and version")
    func declarationGate() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            let login = try await browser.login("mentor1")
            #expect(login.status == .seeOther)
            let mentorPage = try await browser.get("/mentor")
            #expect(mentorPage.status == .seeOther)
            #expect(mentorPage.headers.first(name: .location) == "/erklaering")
            let found = try await MentorFixture.demoCase(t, "mentor1")
            let casePage = try await browser.get("/mentor/forlop/\(found.pathway.id!)")
            #expect(casePage.headers.first(name: .location) == "/erklaering")
            #expect(!casePage.text.contains(found.candidate.firstName))

            let api = try await APIClient.make(t, "mentor1")
            let refused = try await api.get("/api/v1/mentor/candidates")
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("taushetserklæringen"))

            let page = try await browser.get("/erklaering")
            #expect(page.text.contains("Taushetserklæring"))
            let missing = try await browser.post("/erklaering", [])
            #expect(missing.status == .unprocessableEntity)
            #expect(try await DeclarationAcceptance.query(on: t.db).filter(\.$user.$id == found.user.requireID()).count() == 0)

            let accepted = try await browser.post("/erklaering", [("accept", "1")])
            #expect(accepted.status == .seeOther)
            let rows = try await DeclarationAcceptance.query(on: t.db).filter(\.$user.$id == found.user.requireID()).all()
            #expect(rows.count == 1)
            #expect(rows.first?.version == ConfidentialityDeclaration.version)
            #expect(rows.first?.acceptedAt == t.clock.now())
            #expect(try await t.auditEntries(.declarationAccepted).contains { $0.actorUsername == "mentor1" })

            let home = try await browser.get("/mentor")
            #expect(home.status == .ok)
            #expect(home.text.contains(found.candidate.firstName))
            #expect(try await api.get("/api/v1/mentor/candidates").status == .ok)
        }
    }

    @Test("A mentor of employer A gets 404 for employer B's candidate, with a denied audit entry, on pages and in the API")
    func otherEmployersCandidate() async throws {
        try await withTestApp { t in
            let other = try await MentorFixture.demoCase(t, "mentor2")
            let own = try await MentorFixture.demoCase(t, "mentor1")
            #expect(other.mentor.$employer.id != own.mentor.$employer.id)
            let browser = try await MentorFixture.signIn(t, "mentor1")
            let before = try await t.auditEntries(.accessDenied).count
            let page = try await browser.get("/mentor/forlop/\(other.pathway.id!)")
            #expect(page.status == .notFound)
            #expect(!page.text.contains(other.candidate.firstName))
            let write = try await browser.post("/mentor/forlop/\(other.pathway.id!)/observasjoner", [("kind", "concern"), ("text", "Skal ikke lagres")])
            #expect(write.status == .notFound)
            #expect(try await MentorObservation.query(on: t.db).filter(\.$pathway.$id == other.pathway.requireID()).count() == 0)

            let api = try await APIClient.make(t, "mentor1")
            #expect(try await api.get("/api/v1/mentor/candidates/\(other.pathway.id!)").status == .notFound)
            let hours = try await api.post("/api/v1/mentor/hours", ["pathwayId": other.pathway.id!.uuidString, "date": MentorFixture.day(t, -1), "hours": 2, "activity": "x"])
            #expect(hours.status == .notFound)
            let list = try await api.get("/api/v1/mentor/candidates")
            let ids = try list.content.decode([MentorCandidateDTO].self).map(\.pathwayId)
            #expect(ids.contains(own.pathway.id!))
            #expect(!ids.contains(other.pathway.id!))

            let denied = try await t.auditEntries(.accessDenied)
            #expect(denied.count >= before + 4)
            #expect(denied.prefix(4).allSatisfy { $0.outcome == "denied" && $0.actorUsername == "mentor1" })
            #expect(denied.contains { $0.objectID == other.pathway.id!.uuidString })
            // A staff route is not reachable either.
            #expect(try await browser.get("/kandidater/\(other.candidate.id!)").status == .forbidden)
            #expect(try await browser.get("/portefolje").status == .forbidden)
        }
    }

    @Test("No page or JSON a mentor can reach contains a national ID number, and only the first name is shown")
    func noNationalIDAnywhere() async throws {
        try await withTestApp { t in
            let found = try await MentorFixture.demoCase(t, "mentor1")
            let browser = try await MentorFixture.signIn(t, "mentor1")
            let api = try await APIClient.make(t, "mentor1")
            let base = "/mentor/forlop/\(found.pathway.id!)"
            var bodies: [(String, String)] = []
            for path in ["/", "/mentor", base, "/erklaering", "/mentor/samlinger"] {
                let response = try await browser.get(path)
                bodies.append((path, response.text))
            }
            // The answers to writes too, including a failed one that shows the form again.
            bodies.append(("bad hours", try await browser.post("\(base)/timer", [("date", MentorFixture.day(t, 0)), ("hours", "abc"), ("activity", "x")]).text))
            for path in ["/api/v1/mentor/candidates", "/api/v1/mentor/candidates/\(found.pathway.id!)", "/api/v1/mentor/hours?pathwayId=\(found.pathway.id!)",
                         "/api/v1/mentor/observations?pathwayId=\(found.pathway.id!)", "/api/v1/mentor/alarms?pathwayId=\(found.pathway.id!)"] {
                let response = try await api.get(path)
                #expect(response.status == .ok, "\(path) answered \(response.status.code)")
                bodies.append((path, response.text))
            }
            bodies.append(("POST alarm", try await api.post("/api/v1/mentor/alarms", ["pathwayId": found.pathway.id!.uuidString, "reason": "needs_help"]).text))
            for (path, text) in bodies {
                MentorFixture.expectNoNationalID(text, path)
                #expect(!text.contains(found.candidate.fnr), "\(path) shows the fnr")
                #expect(!text.contains(found.candidate.lastName), "\(path) shows the last name")
            }
            let page = try #require(bodies.first { $0.0 == base }?.1)
            #expect(page.contains(found.candidate.firstName))
            #expect(page.contains("55 55 33 33"), "the counselor's phone")
        }
    }

    @Test("Access ends by itself 12 weeks after the mentor's period ends")
    func expiry() async throws {
        try await withTestApp { t in
            let found = try await MentorFixture.demoCase(t, "mentor1")
            let browser = try await MentorFixture.signIn(t, "mentor1")
            let path = "/mentor/forlop/\(found.pathway.id!)"
            let link = try #require(try await PathwayMentor.query(on: t.db).filter(\.$mentor.$id == found.mentor.requireID()).first())
            let calendar = Calendar.oslo
            // Ended 11 weeks ago: still visible, with the day access stops.
            link.toDate = calendar.date(byAdding: .weekOfYear, value: -11, to: calendar.startOfDay(for: t.clock.now()))
            link.fromDate = min(link.fromDate, link.toDate!)
            try await link.save(on: t.db)
            let visible = try await browser.get(path)
            #expect(visible.status == .ok)
            #expect(visible.text.contains("tilgangen stopper"))
            // Ended 12 weeks and a day ago: gone, on the page, the list and the API.
            link.toDate = calendar.date(byAdding: .day, value: -(12 * 7 + 1), to: calendar.startOfDay(for: t.clock.now()))
            link.fromDate = min(link.fromDate, link.toDate!)
            try await link.save(on: t.db)
            #expect(try await browser.get(path).status == .notFound)
            #expect(!(try await browser.get("/mentor").text.contains(found.candidate.firstName)))
            let api = try await APIClient.make(t, "mentor1")
            #expect(try await api.get("/api/v1/mentor/candidates").content.decode([MentorCandidateDTO].self).isEmpty)
            #expect(try await t.auditEntries(.accessDenied).first?.objectID == found.pathway.id!.uuidString)
        }
    }

    @Test("Withdrawing the consent hides goals and training plan at once")
    func consentWithdrawal() async throws {
        try await withTestApp { t in
            let found = try await MentorFixture.demoCase(t, "mentor1")
            let browser = try await MentorFixture.signIn(t, "mentor1")
            let path = "/mentor/forlop/\(found.pathway.id!)"
            let goal = try #require(try await TrainingGoal.query(on: t.db).filter(\.$pathway.$id == found.pathway.requireID()).first())
            let before = try await browser.get(path)
            #expect(before.text.contains(goal.title))
            let api = try await APIClient.make(t, "mentor1")
            #expect(try await api.get("/api/v1/mentor/candidates/\(found.pathway.id!)").content.decode(MentorCandidateDTO.self).goalsShared)

            // The counselor withdraws the consent on the candidate page.
            let consents = try await CandidateConsent.query(on: t.db).filter(\.$candidate.$id == found.candidate.requireID())
                .filter(\.$party == .mentor).filter(\.$item == .goalsAndPlan).filter(\.$withdrawnAt == nil).all()
            #expect(!consents.isEmpty)
            let counselor = t.browser()
            try await counselor.login("veileder1")
            for consent in consents {
                try await counselor.get("/kandidater/\(found.candidate.id!)")
                let withdrawn = try await counselor.post("/kandidater/\(found.candidate.id!)/samtykker/\(consent.id!)/trekk-tilbake", [("reason", "Kandidaten vil ikke dele")])
                #expect(withdrawn.status == .seeOther, "withdraw answered \(withdrawn.status.code)")
            }

            let after = try await browser.get(path)
            #expect(!after.text.contains(goal.title))
            #expect(after.text.contains("ikke samtykket"))
            let dto = try await api.get("/api/v1/mentor/candidates/\(found.pathway.id!)").content.decode(MentorCandidateDTO.self)
            #expect(!dto.goalsShared)
            #expect(dto.trainingGoals.isEmpty && dto.agreedGoals.isEmpty && dto.wishes == nil)
            // A goal the mentor no longer sees cannot be changed either.
            let update = try await browser.post("\(path)/delmal/\(goal.id!)", [("status", "nadd")])
            #expect(update.status == .notFound)
        }
    }

    @Test("An alarm opens the counselor's alert at once; it cannot be snoozed, and answering it resolves it and reaches the mentor")
    func alarmAndAcknowledgement() async throws {
        try await withTestApp { t in
            let mail = RecordingMailSender()
            t.app.samskap.mail = mail
            let found = try await MentorFixture.demoCase(t, "mentor1")
            let browser = try await MentorFixture.signIn(t, "mentor1")
            let path = "/mentor/forlop/\(found.pathway.id!)"
            let raised = try await browser.post("\(path)/alarm", [("reason", "conflict"), ("text", "Krangel med en kollega i dag")])
            #expect(raised.status == .seeOther)
            let alarm = try #require(try await MentorAlarm.query(on: t.db).filter(\.$pathway.$id == found.pathway.requireID())
                .filter(\.$reason == .conflict).first())
            let alert = try #require(try await Alert.find(alarm.alertID, on: t.db))
            #expect(alert.kind == .mentorAlarm && alert.resolvedAt == nil && alert.subject == alarm.id!.uuidString)
            let event = try #require(try await PathwayEvent.find(alarm.eventID, on: t.db))
            #expect(event.type == .mentorContact)
            #expect(event.note == "Alarm fra mentor: Konflikt på arbeidsplassen", "the reason in words, as the timeline shows it")

            // The counselor sees it at the top of the start page, with the answer form and no snooze.
            let counselor = t.browser()
            try await counselor.login("veileder1")
            let start = try await counselor.get("/")
            let alarmAt = try #require(start.text.range(of: "Konflikt på arbeidsplassen"))
            if let other = start.text.range(of: "Frist passert") { #expect(alarmAt.lowerBound < other.lowerBound) }
            #expect(start.text.contains("/varsler/\(alert.id!)/kvitter"))
            #expect(!start.text.contains("/varsler/\(alert.id!)/utsett"))
            let api = try await APIClient.make(t, "veileder1")
            let snooze = try await api.post("/api/v1/alerts/\(alert.id!)/snooze", ["until": MentorFixture.day(t, 3), "reason": "Senere"])
            #expect(snooze.status == .conflict)

            let empty = try await api.post("/api/v1/alerts/\(alert.id!)/acknowledge", ["response": "  "])
            #expect(empty.status == .unprocessableEntity)
            #expect(try await Alert.find(alert.id, on: t.db)?.resolvedAt == nil)
            let answered = try await api.post("/api/v1/alerts/\(alert.id!)/acknowledge", ["response": "Jeg ringer deg i ettermiddag."])
            #expect(answered.status == .ok)
            #expect(try await Alert.find(alert.id, on: t.db)?.resolvedAt == t.clock.now())
            let stored = try #require(try await MentorAlarm.find(alarm.id, on: t.db))
            let veilederID = try await t.user("veileder1").id
            #expect(stored.response == "Jeg ringer deg i ettermiddag." && stored.$acknowledgedBy.id == veilederID)
            #expect(try await t.auditEntries(.mentorAlarmAcknowledged).count == 1)
            #expect(try await api.post("/api/v1/alerts/\(alert.id!)/acknowledge", ["response": "Igjen"]).status == .conflict)
            #expect(mail.sent.contains { $0.to == "mentor1@demo.samskap.invalid" && !$0.body.contains(found.candidate.firstName) })

            let mentorPage = try await browser.get(path)
            #expect(mentorPage.text.contains("Jeg ringer deg i ettermiddag."))
        }
    }

    @Test("Hours are logged against the agreement's hours per month; bad input is refused and nothing is stored")
    func hoursAgainstAgreement() async throws {
        try await withTestApp { t in
            let found = try await MentorFixture.demoCase(t, "mentor1")
            let browser = try await MentorFixture.signIn(t, "mentor1")
            let path = "/mentor/forlop/\(found.pathway.id!)"
            let pathwayID = try found.pathway.requireID()
            let count = { try await MentorHours.query(on: t.db).filter(\.$pathway.$id == pathwayID).count() }
            let before = try await count()
            for bad in [[("date", MentorFixture.day(t, 0)), ("hours", "abc"), ("activity", "Opplæring")],
                        [("date", MentorFixture.day(t, 2)), ("hours", "2"), ("activity", "Opplæring")],
                        [("date", MentorFixture.day(t, 0)), ("hours", "30"), ("activity", "Opplæring")],
                        [("date", MentorFixture.day(t, 0)), ("hours", "2"), ("activity", String(repeating: "æ", count: 10_000))]] {
                let response = try await browser.post("\(path)/timer", bad)
                #expect(response.status == .unprocessableEntity)
                #expect(response.text.contains("error-summary"))
            }
            #expect(try await count() == before)

            let logged = try await browser.post("\(path)/timer", [("date", MentorFixture.day(t, 0)), ("hours", "2,5"), ("activity", "Opplæring i <kassen> & \"varemottak\"")])
            #expect(logged.status == .seeOther)
            let row = try #require(try await MentorHours.query(on: t.db).filter(\.$pathway.$id == pathwayID).sort(\.$recordedAt, .descending).first())
            #expect(row.hundredthHours == 250 && row.$agreement.id != nil)
            #expect(try await PathwayEvent.find(row.eventID, on: t.db)?.type == .mentorHours)
            let page = try await browser.get(path)
            #expect(page.text.contains("Opplæring i &lt;kassen&gt;"))
            #expect(!page.text.contains("<kassen>"))

            let api = try await APIClient.make(t, "mentor1")
            let report = try await api.get("/api/v1/mentor/hours?pathwayId=\(pathwayID)").content.decode(MentorHoursReportDTO.self)
            #expect(report.hoursPerMonthAgreed == 10)
            let month = try #require(report.months.first { $0.month == DisplayDate.monthInput(t.clock.now()) })
            let expected = try await MentorHours.query(on: t.db).filter(\.$pathway.$id == pathwayID).all()
                .filter { DisplayDate.monthInput($0.workedOn) == month.month }.reduce(0) { $0 + $1.hundredthHours }
            #expect(Int((month.hours * 100).rounded()) == expected)
            #expect(month.agreedHours == 10)
            let created = try await api.post("/api/v1/mentor/hours", ["pathwayId": pathwayID.uuidString, "date": MentorFixture.day(t, -1), "hours": 1.25, "activity": "Samtale"])
            #expect(created.status == .created)
            #expect(try created.content.decode(MentorHoursDTO.self).hours == 1.25)
        }
    }

    @Test("The mentor updates a training sub-goal and confirms a meeting; both write events, confirming twice changes nothing")
    func goalsAndMeetings() async throws {
        try await withTestApp { t in
            let found = try await MentorFixture.demoCase(t, "mentor1")
            let pathwayID = try found.pathway.requireID()
            let counselorID = found.pathway.$counselor.id
            let opened = OpenedPathway(pathway: found.pathway, candidate: OpenedCandidate(candidate: found.candidate, level: .full),
                                       recordID: found.pathway.$methodModel.id,
                                       model: try #require(try await t.app.samskap.methodModels.model(id: found.pathway.$methodModel.id, on: t.db)))
            let meeting = try await FollowUpService(app: t.app, context: .cli, actorID: counselorID, now: t.clock.now())
                .plan(opened, .init(type: .evaluation, startsAt: t.clock.now().addingTimeInterval(3 * 86_400), durationMinutes: 45, place: "Butikken",
                                    participants: [.init(role: .mentor, name: found.mentor.name), .init(role: .counselor, name: nil)], agenda: nil))
            let browser = try await MentorFixture.signIn(t, "mentor1")
            let path = "/mentor/forlop/\(pathwayID)"
            let page = try await browser.get(path)
            #expect(page.text.contains("Butikken"))
            for _ in 0..<2 {
                let confirmed = try await browser.post("\(path)/moter/\(meeting.id!)/bekreft")
                #expect(confirmed.status == .seeOther)
            }
            #expect(try await MeetingConfirmation.query(on: t.db).filter(\.$meeting.$id == meeting.requireID()).count() == 1)
            #expect(try await PathwayEvent.query(on: t.db).filter(\.$pathway.$id == pathwayID).filter(\.$type == .meetingConfirmed).count() == 1)

            let goal = try #require(try await TrainingGoal.query(on: t.db).filter(\.$pathway.$id == pathwayID).filter(\.$status == .notStarted).first())
            try await browser.get(path)
            let updated = try await browser.post("\(path)/delmal/\(goal.id!)", [("status", "pagar"), ("note", "Har startet med bestilling")])
            #expect(updated.status == .seeOther)
            #expect(try await TrainingGoal.find(goal.id, on: t.db)?.status == .inProgress)
            let note = try #require(try await TrainingGoalNote.query(on: t.db).filter(\.$goal.$id == goal.requireID()).sort(\.$writtenAt, .descending).first())
            #expect(note.$writtenBy.id == found.user.id && note.toStatus == .inProgress)
            #expect(try await PathwayEvent.query(on: t.db).filter(\.$pathway.$id == pathwayID).filter(\.$type == .trainingGoalUpdated).count() == 1)

            let observed = try await browser.post("\(path)/observasjoner", [("kind", "progress"), ("text", "<script>alert(1)</script> går bra")])
            #expect(observed.status == .seeOther)
            let shown = try await browser.get(path)
            #expect(shown.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; går bra"))
            #expect(!shown.text.contains("<script>alert(1)"))

            // After the mentor's period ends, a later meeting (with the next mentor) is not theirs to see or confirm.
            let link = try #require(try await PathwayMentor.query(on: t.db).filter(\.$mentor.$id == found.mentor.requireID()).filter(\.$pathway.$id == pathwayID).first())
            link.toDate = Calendar.oslo.startOfDay(for: t.clock.now().addingTimeInterval(-86_400))
            link.fromDate = min(link.fromDate, link.toDate!)
            try await link.save(on: t.db)
            let later = try await FollowUpService(app: t.app, context: .cli, actorID: counselorID, now: t.clock.now())
                .plan(opened, .init(type: .status, startsAt: t.clock.now().addingTimeInterval(5 * 86_400), durationMinutes: 30, place: "Lageret bak",
                                    participants: [.init(role: .mentor, name: "Ny mentor")], agenda: nil))
            let afterEnd = try await browser.get(path)
            #expect(afterEnd.status == .ok)
            #expect(!afterEnd.text.contains("Lageret bak"))
            #expect(try await browser.post("\(path)/moter/\(later.id!)/bekreft").status == .notFound)
            #expect(try await MeetingConfirmation.query(on: t.db).filter(\.$meeting.$id == later.requireID()).count() == 0)
        }
    }

    @Test("An invitation link is single-use, expires after 7 days, and creates the mentor's own account")
    func invitations() async throws {
        try await withTestApp { t in
            let mail = RecordingMailSender()
            t.app.samskap.mail = mail
            // A mentor of the office without an account, linked to one of veileder1's pathways.
            let taken = Set(try await ExternalAccount.query(on: t.db).all().compactMap(\.$mentor.id))
            let office = try await t.office("9901")
            let mentor = try #require(try await Mentor.query(on: t.db).filter(\.$office.$id == office.requireID()).all().first { !taken.contains($0.id!) })
            let veileder = try await t.user("veileder1")
            let pathway = try #require(try await Pathway.query(on: t.db).filter(\.$counselor.$id == veileder.requireID()).filter(\.$status == .active).first())
            let api = try await APIClient.make(t, "veileder1")
            let notLinked = try await api.post("/api/v1/pathways/\(pathway.id!)/invite-mentor", ["mentorId": mentor.id!.uuidString, "email": "ny.mentor@example.invalid"])
            #expect(notLinked.status == .unprocessableEntity)
            let link = PathwayMentor()
            link.$pathway.id = try pathway.requireID()
            link.$mentor.id = try mentor.requireID()
            link.fromDate = t.clock.now()
            link.createdAt = t.clock.now()
            link.$createdBy.id = try veileder.requireID()
            try await link.create(on: t.db)

            let badEmail = try await api.post("/api/v1/pathways/\(pathway.id!)/invite-mentor", ["mentorId": mentor.id!.uuidString, "email": "ikke en adresse\r\nBcc: x@y"])
            #expect(badEmail.status == .unprocessableEntity)
            #expect(mail.sent.isEmpty)
            let sent = try await api.post("/api/v1/pathways/\(pathway.id!)/invite-mentor", ["mentorId": mentor.id!.uuidString, "email": "ny.mentor@example.invalid"])
            #expect(sent.status == .created)
            let message = try #require(mail.sent.last)
            #expect(message.to == "ny.mentor@example.invalid")
            let url = try #require(message.body.split(whereSeparator: \.isWhitespace).first { $0.contains("/invitasjon/") })
            let invitePath = "/invitasjon/" + (url.components(separatedBy: "/invitasjon/").last ?? "")
            #expect(try await Invitation.query(on: t.db).filter(\.$mentor.$id == mentor.requireID()).first()?.tokenHash != invitePath)

            let browser = t.browser()
            let form = try await browser.get(invitePath)
            #expect(form.status == .ok)
            #expect(form.text.contains(mentor.name))
            let weak = try await browser.post(invitePath, [("username", "ny.mentor"), ("password", "kort"), ("confirmation", "kort")])
            #expect(weak.status == .unprocessableEntity)
            #expect(try await User.query(on: t.db).filter(\.$username == "ny.mentor").count() == 0)
            let created = try await browser.post(invitePath, [("username", "ny.mentor"), ("password", "et langt og godt passord"), ("confirmation", "et langt og godt passord")])
            #expect(created.status == .seeOther)
            #expect(created.headers.first(name: .location) == "/erklaering")
            let user = try await t.user("ny.mentor")
            #expect(user.roles == [.mentor] && user.$office.id == nil)
            let account = try #require(try await ExternalAccount.query(on: t.db).filter(\.$user.$id == user.requireID()).first())
            #expect(account.$mentor.id == mentor.id && account.email == "ny.mentor@example.invalid")
            #expect(try await t.auditEntries(.invitationAccepted).count == 1)
            // Signed in: the declaration first, then the candidate.
            #expect(try await browser.get("/mentor").headers.first(name: .location) == "/erklaering")
            try await browser.get("/erklaering")
            try await browser.post("/erklaering", [("accept", "1")])
            #expect(try await browser.get("/mentor/forlop/\(pathway.id!)").status == .ok)

            // Used once: the link no longer works.
            let again = t.browser()
            try await again.get("/logg-inn")
            #expect(try await again.get(invitePath).status == .gone)
            #expect(try await again.post(invitePath, [("username", "to.mentor"), ("password", "et langt og godt passord"), ("confirmation", "et langt og godt passord")]).status == .gone)
            // A mentor with an account is not invited again.
            #expect(try await api.post("/api/v1/pathways/\(pathway.id!)/invite-mentor", ["mentorId": mentor.id!.uuidString, "email": "ny.mentor@example.invalid"]).status == .conflict)

            // Another mentor's link expires after 7 days.
            let second = try #require(try await Mentor.query(on: t.db).filter(\.$office.$id == office.requireID()).all()
                .first { !taken.contains($0.id!) && $0.id != mentor.id })
            let secondLink = PathwayMentor()
            secondLink.$pathway.id = try pathway.requireID()
            secondLink.$mentor.id = try second.requireID()
            secondLink.fromDate = t.clock.now()
            secondLink.createdAt = t.clock.now()
            secondLink.$createdBy.id = try veileder.requireID()
            try await secondLink.create(on: t.db)
            #expect(try await api.post("/api/v1/pathways/\(pathway.id!)/invite-mentor", ["mentorId": second.id!.uuidString, "email": "andre@example.invalid"]).status == .created)
            let secondURL = try #require(mail.sent.last?.body.split(whereSeparator: \.isWhitespace).first { $0.contains("/invitasjon/") })
            let secondPath = "/invitasjon/" + (secondURL.components(separatedBy: "/invitasjon/").last ?? "")
            t.clock.advance(by: 7 * 86_400 + 60)
            #expect(try await t.browser().get(secondPath).status == .gone)
        }
    }

    @Test("A one-time code by e-mail is a second way in: single use, wrong codes refused, unknown users told nothing")
    func loginCode() async throws {
        try await withTestApp { t in
            let mail = RecordingMailSender()
            t.app.samskap.mail = mail
            let browser = t.browser()
            try await browser.get("/logg-inn/kode")
            let unknown = try await browser.post("/logg-inn/kode", [("username", "finnes.ikke")])
            #expect(unknown.status == .ok)
            #expect(mail.sent.isEmpty)
            let staff = try await browser.post("/logg-inn/kode", [("username", "veileder1")])
            #expect(staff.text == unknown.text.replacingOccurrences(of: "finnes.ikke", with: "veileder1"))
            #expect(mail.sent.isEmpty, "codes are for people outside NAV only")

            try await browser.post("/logg-inn/kode", [("username", "mentor1")])
            let message = try #require(mail.sent.last)
            #expect(message.to == "mentor1@demo.samskap.invalid")
            let code = try #require(message.body.range(of: #"\d{6}"#, options: .regularExpression).map { String(message.body[$0]) })
            let wrong = code == "000000" ? "111111" : "000000"
            let refused = try await browser.post("/logg-inn/kode/bekreft", [("username", "mentor1"), ("code", wrong)])
            #expect(refused.status == .unauthorized)
            let accepted = try await browser.post("/logg-inn/kode/bekreft", [("username", "mentor1"), ("code", code)])
            #expect(accepted.status == .seeOther)
            #expect(try await browser.get("/mentor").headers.first(name: .location) == "/erklaering")
            #expect(try await t.auditEntries(.login).first?.detail == "engangskode")

            let reuse = t.browser()
            try await reuse.get("/logg-inn/kode")
            #expect(try await reuse.post("/logg-inn/kode/bekreft", [("username", "mentor1"), ("code", code)]).status == .unauthorized)
        }
    }

    @Test("SMTP is configured with its sender and the public address; links in e-mail never follow a request's Host header")
    func smtpConfiguration() throws {
        let base = ["SAMSKAP_SMTP_HOST": "smtp.example.invalid", "SAMSKAP_SMTP_FROM": "samskap@example.invalid"]
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(base) }
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(base.merging(["SAMSKAP_PUBLIC_URL": "https://samskap.example.invalid", "SAMSKAP_SMTP_SECURITY": "ssl"]) { $1 }) }
        let config = try AppConfig.fromEnvironment(base.merging(["SAMSKAP_PUBLIC_URL": "https://samskap.example.invalid"]) { $1 })
        #expect(config.smtp == SMTPSettings(host: "smtp.example.invalid", port: 587, security: .startTLS, username: nil, password: nil, from: "samskap@example.invalid"))
        #expect(try AppConfig.fromEnvironment([:]).smtp == nil)
    }

    @Test("Without SMTP, e-mail is written to the log only for demo data; otherwise sending fails instead of logging links and codes")
    func logMailSender() async throws {
        let logger = Logger(label: "test")
        await #expect(throws: LogMailSender.NotConfigured.self) {
            try await LogMailSender(logger: logger, writeBody: false).send(Mail(to: "a@example.invalid", subject: "s", body: "b"))
        }
        try await LogMailSender(logger: logger, writeBody: true).send(Mail(to: "a@example.invalid", subject: "s", body: "b"))
    }

    @Test("Access window rules: link, pathway and agreements, each plus 12 weeks")
    func accessRules() {
        let calendar = Calendar.oslo
        let day = { (y: Int, m: Int, d: Int) in calendar.date(from: DateComponents(year: y, month: m, day: d))! }
        #expect(WorkspaceAccessRules.mentorAccessEnds(linkEnd: nil, pathwayClosed: nil, agreements: []) == nil)
        #expect(WorkspaceAccessRules.mentorAccessEnds(linkEnd: nil, pathwayClosed: nil, agreements: [.init(end: nil), .init(end: day(2026, 1, 31))]) == nil)
        // The link ended 31 January: access until the end of 25 April (12 weeks after the whole last day).
        #expect(WorkspaceAccessRules.mentorAccessEnds(linkEnd: day(2026, 1, 31), pathwayClosed: nil, agreements: []) == day(2026, 4, 26))
        // The earliest ground decides.
        #expect(WorkspaceAccessRules.mentorAccessEnds(linkEnd: day(2026, 3, 1), pathwayClosed: day(2026, 2, 1), agreements: [.init(end: day(2026, 5, 1))]) == day(2026, 4, 27))
        // All agreements ended: the latest end counts.
        #expect(WorkspaceAccessRules.mentorAccessEnds(linkEnd: nil, pathwayClosed: nil, agreements: [.init(end: day(2026, 1, 1)), .init(end: day(2026, 2, 1))]) == day(2026, 4, 27))
        #expect(WorkspaceAccessRules.isOpen(until: day(2026, 4, 27), at: day(2026, 4, 26).addingTimeInterval(86_399)))
        #expect(!WorkspaceAccessRules.isOpen(until: day(2026, 4, 27), at: day(2026, 4, 27)))
    }

    @Test("Hours month by month against the agreement", arguments: [
        ([(0, 150), (3, 250)], 500, false),
        ([(0, 600), (1, 500)], 1_000, true),
    ])
    func months(entries: [(Int, Int)], agreed: Int, over: Bool) {
        let calendar = Calendar.oslo
        let start = calendar.date(from: DateComponents(year: 2026, month: 9, day: 15))!
        let rows = MentorWorkspaceRules.months(entries: entries.map { (calendar.date(byAdding: .day, value: $0.0, to: start)!, $0.1) },
                                               agreedPerMonth: agreed, from: calendar.date(from: DateComponents(year: 2026, month: 8, day: 1)),
                                               to: calendar.date(from: DateComponents(year: 2026, month: 10, day: 2))!)
        #expect(rows.map { DisplayDate.monthInput($0.start) } == ["2026-10", "2026-09", "2026-08"])
        #expect(rows[1].loggedHundredths == entries.reduce(0) { $0 + $1.1 })
        #expect(rows[1].isOver == over)
        #expect(rows[0].loggedHundredths == 0 && rows[2].loggedHundredths == 0)
    }
}
