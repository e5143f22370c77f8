import Fluent
import Vapor

/// The start page: who you are, where you work, what needs follow-up now, and where to go next.
struct HomeController {
    struct Link: Encodable, Sendable {
        var href: String
        var title: String
        var description: String
    }

    struct AlertGroup: Encodable, Sendable {
        var candidateName: String
        var alerts: [FollowUpPage.AlertItem]
    }

    struct HomeView: Encodable, Sendable {
        var displayName: String
        var officeName: String?
        var officeEnhet: String?
        var colleagueCount: Int?
        var showAlerts: Bool
        var alertGroups: [AlertGroup]
        var alertCount: Int
        var snoozedCount: Int
        var links: [Link]
        /// Messages from employer contacts not yet read.
        var unreadMessages: Int
        /// The user's open actions from reflection sessions, soonest due first (at most five).
        var reflectionActions: [ReflectionActionItem]
        var reflectionActionCount: Int
    }

    struct ReflectionActionItem: Encodable, Sendable {
        var title: String
        var due: String
        var overdue: Bool
        var group: String
    }

    func show(req: Request) async throws -> Response {
        // People outside NAV have their own start page.
        if let external = try req.requirePrincipal().external {
            return req.redirect(to: external.role == .mentor ? "/mentor" : "/arbeidsgiver")
        }
        return try await render(req: req, failed: nil)
    }

    func render(req: Request, failed: (id: String, values: [String: String], errors: FormErrors)?, status: HTTPStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        var colleagueCount: Int?
        if let officeID = principal.officeID {
            colleagueCount = try await User.query(on: req.db)
                .filter(\.$office.$id == officeID)
                .filter(\.$isActive == true)
                .count()
        }
        // "Trenger oppfølging": the stored alerts of the user's own candidates (kept current on write
        // and by the daily job; nothing is computed here).
        var groups: [AlertGroup] = []
        var count = 0
        var snoozed = 0
        let showAlerts = principal.officeID != nil && principal.hasAny(Access.officeRoles)
        if showAlerts, let officeID = principal.officeID {
            let all = try await AlertStore.current(for: principal.userID, officeID: officeID, includeSnoozed: true, on: req.db, now: req.now)
            // A mentor's alarm comes first: someone at the workplace is waiting for an answer.
            let open = all.filter { !$0.isSnoozed(now: req.now) }.enumerated()
                .sorted { ($0.element.kind == .mentorAlarm ? 0 : 1, $0.offset) < ($1.element.kind == .mentorAlarm ? 0 : 1, $1.offset) }.map(\.element)
            snoozed = all.count - open.count
            count = open.count
            let candidates = Dictionary(try await Candidate.query(on: req.db).filter(\.$id ~~ Set(open.map(\.$candidate.id))).all().map { ($0.id!, $0) },
                                        uniquingKeysWith: { a, _ in a })
            var order: [UUID] = []
            var byCandidate: [UUID: [FollowUpPage.AlertItem]] = [:]
            for alert in open {
                let id = alert.$candidate.id
                if byCandidate[id] == nil { order.append(id) }
                byCandidate[id, default: []].append(FollowUpPage.alertItem(alert, req: req, mayChange: true, failed: failed))
            }
            groups = order.map { AlertGroup(candidateName: candidates[$0]?.fullName ?? "–", alerts: byCandidate[$0] ?? []) }
            if count > 0 {
                try await req.application.audit(Set(open.map(\.$candidate.id)).map {
                    AuditEvent(.alertsRead, objectType: AuditObjectType.candidate, objectID: $0.uuidString, officeID: officeID, detail: "startsiden")
                }, context: req.auditContext)
            }
        }
        var links: [Link] = []
        func add(_ href: String, _ key: String) {
            links.append(Link(href: href, title: req.t("home.link.\(key).title"), description: req.t("home.link.\(key).description")))
        }
        if principal.officeID != nil, principal.hasAny(Access.officeRoles) { add("/portefolje", "portfolio") }
        if principal.officeID != nil, principal.hasAny(Access.officeRoles) { add("/refleksjon", "reflection") }
        if principal.officeID != nil, principal.roles.contains(.leder) { add("/kontor/oversikt", "overview") }
        if principal.officeID != nil, principal.roles.contains(.leder) { add("/kontor/oppfolging", "followup_settings") }
        if principal.officeID != nil { add("/kontor", "office") }
        if principal.hasAny([.admin, .leder]) { add("/revisjonslogg", "audit") }
        if principal.isAdmin {
            add("/admin/brukere", "users")
            add("/admin/kontorer", "offices")
        }
        add("/meg", "me")
        let (reflectionActions, reflectionActionCount) = showAlerts ? try await openReflectionActions(req: req, ownerID: principal.userID, officeID: principal.officeID) : ([], 0)
        let view = HomeView(
            displayName: principal.displayName, officeName: principal.officeName, officeEnhet: principal.officeEnhet,
            colleagueCount: colleagueCount, showAlerts: showAlerts, alertGroups: groups, alertCount: count, snoozedCount: snoozed, links: links,
            unreadMessages: showAlerts ? try await WorkspaceMessages.unreadCount(for: principal.userID, on: req.db) : 0,
            reflectionActions: reflectionActions, reflectionActionCount: reflectionActionCount
        )
        return try await req.render("home/index", titleKey: "home.title", view, status: status)
    }

    /// Actions agreed in reflection sessions that the user owns and has not done: they belong to
    /// the owner, like alerts, so only the owner sees them here.
    private func openReflectionActions(req: Request, ownerID: UUID, officeID: UUID?) async throws -> ([ReflectionActionItem], Int) {
        guard let officeID else { return ([], 0) }
        // The same rule as `/refleksjon/tiltak`: the owner's office, not done, session not cancelled.
        let open = try await ReflectionActionQueries.open(ownerID: ownerID, officeID: officeID, on: req.db)
        let actions = open.prefix(5)
        return (actions.map { action in
            ReflectionActionItem(title: action.title, due: DisplayDate.date(action.dueOn),
                                 overdue: ReflectionSessionRules.isOverdue(dueOn: action.dueOn, now: req.now), group: action.session.group.name)
        }, open.count)
    }
}
