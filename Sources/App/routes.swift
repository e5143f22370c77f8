import Vapor

/// Every route, grouped by who may use it. A route outside these groups has no `Access` and is refused.
func routes(_ app: Application) throws {
    let auth = AuthController()
    let home = HomeController()
    let account = AccountController()
    let offices = OfficeController()
    let users = UserAdminController()
    let officeAdmin = OfficeAdminController()
    let audit = AuditController()
    let api = APIController()
    let openAPI = OpenAPIController(workingDirectory: app.directory.workingDirectory)
    let health = HealthController()
    let portfolio = PortfolioController()
    let candidates = CandidateController()
    let overview = OfficeOverviewController()
    let pathways = PathwayController()
    let models = MethodModelController()
    let quality = QualityController()
    let employers = EmployerController()
    let jobs = JobDevelopmentController()
    let agreements = AgreementController()
    let followUp = FollowUpController()
    let officeFollowUp = OfficeFollowUpController()

    // Open to anyone.
    let open = app.access(.web(.anyone))
    open.get("healthz", use: health.check)
    open.get("livez", use: health.alive)
    open.get("api", "openapi.yaml", use: openAPI.serve)
    open.get("logg-inn", use: auth.loginPage)
    open.post("logg-inn", use: auth.login)

    // Any signed-in user, also before a temporary password is replaced.
    let signedInFirst = app.access(.web(.signedIn, allowedBeforePasswordChange: true))
    signedInFirst.post("logg-ut", use: auth.logout)
    signedInFirst.get("passord", use: auth.passwordPage)
    signedInFirst.post("passord", use: auth.changePassword)

    // NAV staff.
    let staff = app.access(.web(.anyOf(Access.staffRoles)))
    // The start page; people outside NAV are sent on to their own.
    app.access(.web(.signedIn)).get(use: home.show)
    staff.get("meg", use: account.show)
    staff.post("meg", "innstillinger", use: account.savePreferences)
    staff.post("meg", "telefon", use: account.savePhone)
    staff.post("meg", "tokens", ":tokenID", "trekk-tilbake", use: account.revokeToken)
    staff.post("meg", "kalender", use: account.createCalendarFeed)
    staff.post("meg", "kalender", "trekk-tilbake", use: account.revokeCalendarFeed)
    staff.get("kontor", use: offices.mine)
    staff.get("kontorer", ":officeID", use: offices.byID)

    // Office staff: the portfolio and the candidates (each candidate is checked by `openCandidate`).
    let office = app.access(.web(.anyOf(Access.officeRoles)))
    office.get("portefolje", use: portfolio.show)
    office.post("portefolje", "sok", use: portfolio.search)
    office.post("portefolje", "kolonner", use: portfolio.saveColumns)
    office.get("kandidater", "ny", use: candidates.new)
    office.post("kandidater", use: candidates.create)
    office.post("kandidater", "be-om-tilgang", use: candidates.requestAccess)
    office.get("kandidater", ":candidateID", use: candidates.show)
    office.post("kandidater", ":candidateID", "grunn", use: candidates.giveReason)
    office.post("kandidater", ":candidateID", "vis-fnr", use: candidates.revealFnr)
    office.get("kandidater", ":candidateID", "rediger", use: candidates.edit)
    office.post("kandidater", ":candidateID", "rediger", use: candidates.update)
    office.post("kandidater", ":candidateID", "samtykker", use: candidates.addConsent)
    office.post("kandidater", ":candidateID", "samtykker", ":consentID", "trekk-tilbake", use: candidates.withdrawConsent)
    office.post("kandidater", ":candidateID", "hybrid", use: candidates.startHybrid)
    office.post("kandidater", ":candidateID", "hybrid", "avslutt", use: candidates.endHybrid)
    office.get("kandidater", ":candidateID", "bytt-veileder", use: candidates.handoverPage)
    office.post("kandidater", ":candidateID", "bytt-veileder", use: candidates.handover)
    office.post("kandidater", ":candidateID", "tilgang", ":requestID", use: candidates.decideRequest)
    office.get("kandidater", ":candidateID", "forlop", "ny", use: pathways.new)
    office.post("kandidater", ":candidateID", "forlop", use: pathways.create)
    office.get("forlop", ":pathwayID", use: pathways.show)
    office.post("forlop", ":pathwayID", "hendelser", use: pathways.recordEvent)
    office.get("forlop", ":pathwayID", "hendelser", ":eventID", "trekk-tilbake", use: pathways.withdrawForm)
    office.post("forlop", ":pathwayID", "hendelser", ":eventID", "trekk-tilbake", use: pathways.withdrawEvent)
    office.post("forlop", ":pathwayID", "trinn", use: pathways.changeStep)
    office.post("forlop", ":pathwayID", "status", use: pathways.changeStatus)
    office.post("forlop", ":pathwayID", "avslutt", use: pathways.close)

    // The employer register, shared by the office, and each pathway's job development, mentors and agreements.
    office.get("virksomheter", use: { try await employers.list(req: $0) })
    office.post("virksomheter", use: employers.create)
    office.get("virksomheter", ":employerID", use: employers.show)
    office.post("virksomheter", ":employerID", use: employers.update)
    office.post("virksomheter", ":employerID", "status", use: employers.changeStatus)
    office.post("virksomheter", ":employerID", "kontaktpersoner", use: employers.addContact)
    office.post("virksomheter", ":employerID", "kontaktpersoner", ":contactID", "fjern", use: employers.removeContact)
    office.post("virksomheter", ":employerID", "notater", use: employers.addNote)
    office.post("virksomheter", ":employerID", "besok", use: employers.addVisit)
    office.post("virksomheter", ":employerID", "mentorer", use: employers.addMentor)
    office.get("virksomheter", ":employerID", "arbeidskrav", "ny", use: employers.analysisPage)
    office.post("virksomheter", ":employerID", "arbeidskrav", use: employers.saveAnalysis)
    office.get("virksomheter", ":employerID", "arbeidskrav", ":analysisID", use: employers.analysisPage)
    office.post("virksomheter", ":employerID", "arbeidskrav", ":analysisID", use: employers.saveAnalysis)
    office.get("mentorer", ":mentorID", use: jobs.mentor)
    office.get("jobbutvikling", use: jobs.myWeeks)
    office.get("forlop", ":pathwayID", "jobb", use: jobs.show)
    office.post("forlop", ":pathwayID", "jobb", "kontakter", use: jobs.addApproach)
    office.post("forlop", ":pathwayID", "jobb", "bransjer", use: jobs.saveIndustries)
    office.post("forlop", ":pathwayID", "jobb", "mentorer", use: jobs.linkMentor)
    office.post("forlop", ":pathwayID", "jobb", "mentorer", ":linkID", "avslutt", use: jobs.endMentor)
    office.post("forlop", ":pathwayID", "avtaler", use: agreements.create)
    office.get("avtaler", ":agreementID", use: agreements.show)
    office.get("avtaler", ":agreementID", "rediger", use: agreements.editPage)
    office.post("avtaler", ":agreementID", "rediger", use: agreements.update)
    office.post("avtaler", ":agreementID", "godkjenn", use: agreements.approve)
    office.post("avtaler", ":agreementID", "forleng", use: agreements.extend)
    office.post("avtaler", ":agreementID", "annuller", use: agreements.annul)

    // Follow-up: contacts, meetings (`/moter/{id}` or `/moter/{id}.ics`), and snoozing an alert.
    office.get("forlop", ":pathwayID", "oppfolging", use: followUp.show)
    office.post("forlop", ":pathwayID", "oppfolging", "kontakter", use: followUp.addContact)
    office.post("forlop", ":pathwayID", "oppfolging", "moter", use: followUp.planMeeting)
    office.get("moter", ":meeting", use: followUp.meeting)
    office.post("moter", ":meeting", "referat", use: followUp.writeMinutes)
    office.post("moter", ":meeting", "endre", use: followUp.updateMeeting)
    office.post("moter", ":meeting", "avlys", use: followUp.cancelMeeting)
    office.post("varsler", ":alertID", "utsett", use: followUp.snooze)

    // Office leaders: the overview without names, and a reasoned look at one counselor's candidates.
    let officeLeaders = app.access(.web(.anyOf([.leder])))
    officeLeaders.get("kontor", "oversikt", use: overview.show)
    officeLeaders.post("kontor", "oversikt", "hybrid", use: overview.saveHybridSettings)
    officeLeaders.post("kontor", "oversikt", "veiledere", ":userID", use: overview.openPortfolio)
    officeLeaders.get("kontor", "oversikt", "veiledere", ":userID", use: overview.counselorPortfolio)
    officeLeaders.get("kontor", "kvalitet", use: quality.show)
    officeLeaders.get("kontor", "oppfolging", use: officeFollowUp.show)
    officeLeaders.post("kontor", "oppfolging", "dager", use: officeFollowUp.saveDays)
    officeLeaders.post("kontor", "oppfolging", "ord", use: officeFollowUp.addTerm)
    officeLeaders.post("kontor", "oppfolging", "ord", ":termID", "fjern", use: officeFollowUp.removeTerm)

    // Leaders and admins.
    let leaders = app.access(.web(.anyOf([.admin, .leder])))
    leaders.get("revisjonslogg", use: audit.search)
    leaders.get("metodemodeller", use: models.list)
    leaders.get("metodemodeller", ":modelID", use: models.show)

    // Admins.
    let admin = app.access(.web(.anyOf([.admin]))).grouped("admin")
    admin.get("brukere", use: users.list)
    admin.get("metodemodeller", use: models.importPage)
    admin.post("metodemodeller", use: models.importModel)
    admin.get("brukere", "ny", use: users.new)
    admin.post("brukere", use: users.create)
    admin.get("brukere", ":userID", use: users.show)
    admin.post("brukere", ":userID", use: users.update)
    admin.post("brukere", ":userID", "deaktiver", use: users.setActive(false))
    admin.post("brukere", ":userID", "aktiver", use: users.setActive(true))
    admin.post("brukere", ":userID", "nytt-passord", use: users.resetPassword)
    admin.post("brukere", ":userID", "tokens", ":tokenID", "trekk-tilbake", use: users.revokeToken)
    admin.get("kontorer", use: officeAdmin.list)
    admin.post("kontorer", use: officeAdmin.create)
    admin.get("kontorer", ":officeID", use: officeAdmin.edit)
    admin.post("kontorer", ":officeID", use: officeAdmin.update)

    // People outside NAV, by invitation: mentors and employer contacts (each object is checked by
    // `WorkspaceAccess`; the confidentiality declaration comes before any data).
    let mentorWeb = app.access(.web(.anyOf(Access.mentorRoles)))
    let employerWeb = app.access(.web(.anyOf(Access.employerRoles)))
    WorkspaceRoutes.register(
        open: open, signedIn: app.access(.web(.signedIn, allowedBeforeDeclaration: true)), office: office, mentor: mentorWeb,
        mentorAPI: app.access(.api(.anyOf(Access.mentorRoles))).grouped("api", "v1"),
        staffAPI: app.access(.api(.anyOf(Access.officeRoles))).grouped("api", "v1")
    )
    EmployerWorkspaceRoutes.register(employer: employerWeb, office: office)
    GatheringRoutes.register(office: office, mentor: mentorWeb, api: app.access(.api(.anyOf(Access.officeRoles))).grouped("api", "v1"))
    ReflectionRoutes.register(
        office: office, leaders: officeLeaders,
        api: app.access(.api(.anyOf(Access.officeRoles))).grouped("api", "v1"),
        leaderAPI: app.access(.api(.anyOf([.leder]))).grouped("api", "v1")
    )

    // JSON API: bearer tokens of NAV staff.
    let v1 = app.access(.api(.anyOf(Access.staffRoles))).grouped("api", "v1")
    v1.get("me", use: api.me)
    v1.get("offices", use: api.offices)
    v1.get("offices", ":enhetNumber", use: api.office)
    PathwayAPIRoutes.register(staff: app.access(.api(.anyOf(Access.officeRoles))).grouped("api", "v1"))
    EmployerAPIRoutes.register(staff: app.access(.api(.anyOf(Access.officeRoles))).grouped("api", "v1"))
    AgreementAPIRoutes.register(staff: app.access(.api(.anyOf(Access.officeRoles))).grouped("api", "v1"))
    FollowUpAPIRoutes.register(staff: app.access(.api(.anyOf(Access.officeRoles))).grouped("api", "v1"))
    TrainingPlanRoutes.register(office: office, api: app.access(.api(.anyOf(Access.officeRoles))).grouped("api", "v1"))
    // A private calendar feed: its token is the credential (calendar programs send no other).
    app.access(.api(.anyone)).grouped("api", "v1").get("calendar", ":token", use: CalendarFeeds.serve)
    CandidateAPIRoutes.register(
        staff: app.access(.api(.anyOf(Access.officeRoles))).grouped("api", "v1"),
        leaders: app.access(.api(.anyOf([.leder]))).grouped("api", "v1")
    )
}
