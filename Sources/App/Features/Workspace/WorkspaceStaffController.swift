import Fluent
import Vapor

/// The counselor's side of the workspace: inviting a mentor or an employer contact, and answering
/// a mentor's alarm.
struct WorkspaceStaffController {
    func inviteMentor(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        // The mentor's period on this pathway (the route shares its parameter with ending a period).
        guard let linkID = req.parameters.get("linkID", as: UUID.self),
              let link = try await PathwayMentor.find(linkID, on: req.db), link.$pathway.id == opened.id else { throw Abort(.notFound) }
        let mentorID = link.$mentor.id
        let form = try req.content.decode([String: String].self)
        return try await req.submitForm("inviter-\(linkID.uuidString)", values: form,
                                        done: "/forlop/\(opened.id.uuidString)/jobb?melding=\(Flash.invitationSent.rawValue)#mentorer",
                                        page: { PathwayJobsPage(req: req, opened: opened) }) {
            _ = try await ExternalAccounts(req: req).inviteMentor(opened, mentorID: mentorID, email: form["email"], baseURL: req.publicBaseURL)
        }
    }

    func inviteEmployerContact(req: Request) async throws -> Response {
        let (snapshot, opened) = try await req.openAgreement(needs: .full)
        let form = try req.content.decode([String: String].self)
        return try await req.submitForm("inviter", values: form,
                                        done: "/avtaler/\(snapshot.id.uuidString)?melding=\(Flash.invitationSent.rawValue)",
                                        page: { AgreementPage(req: req, snapshot: snapshot, opened: opened) }) {
            var issues: EmployerRules.Issues = []
            let contactID = EmployerRules.uuid(form["contactId"], "contactId", required: true, &issues)
            guard issues.isEmpty, let contactID else { throw ProblemError.validation(issues) }
            _ = try await ExternalAccounts(req: req).inviteEmployerContact(snapshot, opened, contactID: contactID, email: form["email"], baseURL: req.publicBaseURL)
        }
    }

    func acknowledge(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        guard let id = req.parameters.get("alertID", as: UUID.self), let alert = try await Alert.find(id, on: req.db) else { throw Abort(.notFound) }
        let opened = try await req.openPathway(id: alert.$pathway.id, needs: .full)
        let fromPathway = (try? req.query.get(String.self, at: "tilbake")) == "oppfolging"
        let done = fromPathway ? "/forlop/\(opened.id.uuidString)/oppfolging?melding=\(Flash.alarmAcknowledged.rawValue)#mentor"
            : "/?melding=\(Flash.alarmAcknowledged.rawValue)"
        do {
            let response = try MentorWorkspaceRules.response(form["response"]).get()
            let alarm = try await MentorWorkspaceService(req: req).acknowledge(alertID: id, officeID: alert.$office.id, response: response)
            await Self.tellMentor(alarm, app: req.application, baseURL: req.publicBaseURL)
        } catch let problem as ProblemError where !problem.fields.isEmpty {
            let failed = ("kvitter-\(id.uuidString)", form, FormErrors(problem.fields, req))
            if fromPathway {
                var page = FollowUpPage(req: req, opened: opened)
                page.failed = failed
                return try await page.render(status: .unprocessableEntity)
            }
            return try await HomeController().render(req: req, failed: failed, status: .unprocessableEntity)
        }
        return req.redirect(to: done, redirectType: .normal)
    }

    /// The mentor gets a short e-mail (no names) that the counselor has answered.
    static func tellMentor(_ alarm: MentorAlarm, app: Application, baseURL: String) async {
        do {
            guard let account = try await ExternalAccount.query(on: app.db).filter(\.$mentor.$id == alarm.$mentor.id).first() else { return }
            let t = { (key: String, args: [String]) in app.samskap.strings.text(key, locale: "nb", args: args) }
            try await app.samskap.mail.send(Mail(to: account.email, subject: t("alarm.answered.subject", []),
                                                 body: t("alarm.answered.body", ["\(baseURL)/mentor/forlop/\(alarm.$pathway.id.uuidString)#alarm"])))
        } catch {
            app.logger.error("Svar på mentoralarm kunne ikke sendes på e-post: \(String(describing: error))")
        }
    }
}

/// The workspace's routes: the ways in (open), the declaration (signed in, before it is accepted),
/// the mentor's pages and API, and the staff side.
enum WorkspaceRoutes {
    static func register(open: some RoutesBuilder, signedIn: some RoutesBuilder, office: some RoutesBuilder, mentor: some RoutesBuilder,
                         mentorAPI: some RoutesBuilder, staffAPI: some RoutesBuilder) {
        let auth = WorkspaceAuthController()
        open.get("invitasjon", ":token", use: auth.invitationPage)
        open.post("invitasjon", ":token", use: auth.acceptInvitation)
        open.get("logg-inn", "kode", use: auth.codePage)
        open.post("logg-inn", "kode", use: auth.sendCode)
        open.post("logg-inn", "kode", "bekreft", use: auth.signInWithCode)
        signedIn.get("erklaering", use: auth.declarationPage)
        signedIn.post("erklaering", use: auth.acceptDeclaration)

        let pages = MentorController()
        mentor.get("mentor", use: pages.home)
        mentor.get("mentor", "forlop", ":pathwayID", use: pages.show)
        mentor.post("mentor", "forlop", ":pathwayID", "timer", use: pages.logHours)
        mentor.post("mentor", "forlop", ":pathwayID", "observasjoner", use: pages.observe)
        mentor.post("mentor", "forlop", ":pathwayID", "alarm", use: pages.raiseAlarm)
        mentor.post("mentor", "forlop", ":pathwayID", "delmal", ":goalID", use: pages.updateGoal)
        mentor.post("mentor", "forlop", ":pathwayID", "moter", ":meetingID", "bekreft", use: pages.confirmMeeting)

        let staff = WorkspaceStaffController()
        office.post("forlop", ":pathwayID", "jobb", "mentorer", ":linkID", "inviter", use: staff.inviteMentor)
        office.post("avtaler", ":agreementID", "inviter", use: staff.inviteEmployerContact)
        office.post("varsler", ":alertID", "kvitter", use: staff.acknowledge)

        MentorAPIRoutes.register(mentor: mentorAPI, staff: staffAPI)
    }
}
