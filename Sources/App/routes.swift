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

    // Open to anyone.
    let open = app.access(.web(.anyone))
    open.get("healthz", use: health.check)
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
    staff.get(use: home.show)
    staff.get("meg", use: account.show)
    staff.post("meg", "innstillinger", use: account.savePreferences)
    staff.post("meg", "tokens", ":tokenID", "trekk-tilbake", use: account.revokeToken)
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
    office.post("forlop", ":pathwayID", "hendelser", ":eventID", "trekk-tilbake", use: pathways.withdrawEvent)
    office.post("forlop", ":pathwayID", "trinn", use: pathways.changeStep)
    office.post("forlop", ":pathwayID", "status", use: pathways.changeStatus)
    office.post("forlop", ":pathwayID", "avslutt", use: pathways.close)

    // Office leaders: the overview without names, and a reasoned look at one counselor's candidates.
    let officeLeaders = app.access(.web(.anyOf([.leder])))
    officeLeaders.get("kontor", "oversikt", use: overview.show)
    officeLeaders.post("kontor", "oversikt", "hybrid", use: overview.saveHybridSettings)
    officeLeaders.post("kontor", "oversikt", "veiledere", ":userID", use: overview.openPortfolio)
    officeLeaders.get("kontor", "oversikt", "veiledere", ":userID", use: overview.counselorPortfolio)
    officeLeaders.get("kontor", "kvalitet", use: quality.show)

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

    // JSON API: bearer tokens of NAV staff.
    let v1 = app.access(.api(.anyOf(Access.staffRoles))).grouped("api", "v1")
    v1.get("me", use: api.me)
    v1.get("offices", use: api.offices)
    v1.get("offices", ":enhetNumber", use: api.office)
    PathwayAPIRoutes.register(staff: app.access(.api(.anyOf(Access.officeRoles))).grouped("api", "v1"))
    CandidateAPIRoutes.register(
        staff: app.access(.api(.anyOf(Access.officeRoles))).grouped("api", "v1"),
        leaders: app.access(.api(.anyOf([.leder]))).grouped("api", "v1")
    )
}
