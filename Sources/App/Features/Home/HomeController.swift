import Fluent
import Vapor

/// The start page: who you are, where you work, and where to go next.
struct HomeController {
    struct Link: Encodable, Sendable {
        var href: String
        var title: String
        var description: String
    }

    struct HomeView: Encodable, Sendable {
        var displayName: String
        var officeName: String?
        var officeEnhet: String?
        var colleagueCount: Int?
        var links: [Link]
    }

    func show(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        var colleagueCount: Int?
        if let officeID = principal.officeID {
            colleagueCount = try await User.query(on: req.db)
                .filter(\.$office.$id == officeID)
                .filter(\.$isActive == true)
                .count()
        }
        var links: [Link] = []
        func add(_ href: String, _ key: String) {
            links.append(Link(href: href, title: req.t("home.link.\(key).title"), description: req.t("home.link.\(key).description")))
        }
        if principal.officeID != nil, principal.hasAny(Access.officeRoles) { add("/portefolje", "portfolio") }
        if principal.officeID != nil, principal.roles.contains(.leder) { add("/kontor/oversikt", "overview") }
        if principal.officeID != nil { add("/kontor", "office") }
        if principal.hasAny([.admin, .leder]) { add("/revisjonslogg", "audit") }
        if principal.isAdmin {
            add("/admin/brukere", "users")
            add("/admin/kontorer", "offices")
        }
        add("/meg", "me")
        let view = HomeView(
            displayName: principal.displayName, officeName: principal.officeName, officeEnhet: principal.officeEnhet,
            colleagueCount: colleagueCount, links: links
        )
        return try await req.render("home/index", titleKey: "home.title", view)
    }
}
