import Fluent
import Vapor

/// The mentor's pages. Every handler opens the pathway through `openMentorCase`, which refuses
/// (404, audited) anything outside the mentor's own caseload.
struct MentorController {
    func home(req: Request) async throws -> Response {
        let mentorID = try req.requireMentorID()
        let cases = try await MentorCaseload.load(mentorID: mentorID, now: req.now, on: req.db)
        var items: [MentorHomeView.Item] = []
        for found in cases {
            guard let disclosure = try await DisclosureGate.disclose(candidateID: found.pathway.$candidate.id, to: .mentor, at: req.now, on: req.db) else { continue }
            let employer = try await Employer.find(found.mentor.$employer.id, on: req.db)
            items.append(.init(href: "/mentor/forlop/\(found.pathwayID.uuidString)", firstName: disclosure.firstName,
                               employer: employer?.name ?? "", accessEnds: found.accessEnds.map(DisplayDate.date)))
        }
        return try await req.render("workspace/mentor-home", titleKey: "workspace.home.heading",
                                    MentorHomeView(items: items, gatheringsHref: "/mentor/samlinger"))
    }

    func show(req: Request) async throws -> Response {
        let found = try await req.openMentorCase(req.parameters.get("pathwayID", as: UUID.self))
        try await req.audit(.pathway(.mentorCaseRead, found.pathway, detail: "mentorens side"))
        return try await MentorCasePage(req: req, found: found).render()
    }

    func logHours(req: Request) async throws -> Response {
        let found = try await req.openMentorCase(req.parameters.get("pathwayID", as: UUID.self))
        let form = try req.content.decode([String: String].self)
        return try await req.submitForm("timer", values: form, done: done(found, .hoursLogged, "timer"), page: { MentorCasePage(req: req, found: found) }) {
            let valid = try MentorWorkspaceRules.hours(date: form["date"], hours: form["hours"], activity: form["activity"], now: req.now).get()
            try await MentorWorkspaceService(req: req).logHours(found, valid)
        }
    }

    func observe(req: Request) async throws -> Response {
        let found = try await req.openMentorCase(req.parameters.get("pathwayID", as: UUID.self))
        let form = try req.content.decode([String: String].self)
        return try await req.submitForm("observasjon", values: form, done: done(found, .observationSent, "observasjoner-heading"),
                                        page: { MentorCasePage(req: req, found: found) }) {
            let (kind, text) = try MentorWorkspaceRules.observation(kind: form["kind"], text: form["text"]).get()
            try await MentorWorkspaceService(req: req).observe(found, kind: kind, text: text)
        }
    }

    func raiseAlarm(req: Request) async throws -> Response {
        let found = try await req.openMentorCase(req.parameters.get("pathwayID", as: UUID.self))
        let form = try req.content.decode([String: String].self)
        return try await req.submitForm("alarm", values: form, done: done(found, .alarmSent, "alarm"), page: { MentorCasePage(req: req, found: found) }) {
            let (reason, text) = try MentorWorkspaceRules.alarm(reason: form["reason"], text: form["text"]).get()
            try await MentorWorkspaceService(req: req).raiseAlarm(found, reason: reason, text: text, baseURL: req.publicBaseURL)
        }
    }

    func updateGoal(req: Request) async throws -> Response {
        let found = try await req.openMentorCase(req.parameters.get("pathwayID", as: UUID.self))
        guard let goalID = req.parameters.get("goalID", as: UUID.self) else { throw Abort(.notFound) }
        let form = try req.content.decode([String: String].self)
        // Only goals the mentor is shown (consent, own employer's agreements) can be changed.
        let detail = try await MentorCaseDetail.load(found, userID: try req.requirePrincipal().userID, now: req.now, on: req.db)
        guard let goal = detail.trainingGoals.first(where: { $0.id == goalID }) else {
            try await req.audit(.pathway(.accessDenied, found.pathway, detail: "delmål \(goalID.uuidString) ikke synlig for mentor", outcome: .denied))
            throw Abort(.notFound)
        }
        return try await req.submitForm("delmal-\(goalID.uuidString)", values: form, done: done(found, .goalSaved, "goals-heading"),
                                        page: { MentorCasePage(req: req, found: found) }) {
            let update = try TrainingPlanRules.update(status: form["status"], note: form["note"])
            try await TrainingPlanService(req: req).updateGoal(goalID, agreementID: goal.agreementID, update, byMentor: true)
        }
    }

    func confirmMeeting(req: Request) async throws -> Response {
        let found = try await req.openMentorCase(req.parameters.get("pathwayID", as: UUID.self))
        guard let meetingID = req.parameters.get("meetingID", as: UUID.self) else { throw Abort(.notFound) }
        try await MentorWorkspaceService(req: req).confirmMeeting(found, meetingID: meetingID)
        return req.redirect(to: done(found, .meetingConfirmed, "meetings-heading"), redirectType: .normal)
    }

    private func done(_ found: MentorCase, _ flash: Flash, _ anchor: String) -> String {
        "/mentor/forlop/\(found.pathwayID.uuidString)?melding=\(flash.rawValue)#\(anchor)"
    }
}
