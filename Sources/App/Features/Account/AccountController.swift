import Fluent
import Vapor

/// "Min side": one's own profile, language and API tokens.
struct AccountController {
    struct TokenRow: Encodable, Sendable {
        var id: String
        var label: String
        var prefix: String
        var createdAt: String
        var lastUsedAt: String?
        var revokeURL: String
    }

    struct AccountView: Encodable, Sendable {
        var displayName: String
        var username: String
        var officeName: String?
        var roles: String
        var locale: String
        var tokens: [TokenRow]
        /// Office staff have a calendar feed of their meetings.
        var showCalendar: Bool
        var calendarActiveSince: String?
        var calendarLastUsed: String?
        /// The feed's address, shown once, right after it was made (only its digest is kept).
        var calendarURL: String?
        /// Office staff: the phone number mentors of their candidates see.
        var phone: String
        var phoneError: String?
    }

    struct PreferencesForm: Content {
        var locale: String?
    }

    func show(req: Request) async throws -> Response {
        try await render(req: req, calendarURL: nil)
    }

    /// The phone number shown to the mentors of one's candidates; empty removes it.
    func savePhone(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let raw = (try? req.content.get(String.self, at: "phone")) ?? ""
        var issues: EmployerRules.Issues = []
        let phone = EmployerRules.text(raw, "phone", max: 30, &issues)
        if let phone, !CandidateRules.isPhone(phone) { issues.append(.init("phone", "candidate.error.phone")) }
        guard issues.isEmpty else {
            return try await render(req: req, calendarURL: nil, phone: (String(raw.prefix(30)), FormErrors(issues, req).items.first?.message), status: .unprocessableEntity)
        }
        try await req.write { db, audit in
            try await User.query(on: db).set(\.$phone, to: phone).filter(\.$id == principal.userID).update()
            audit.record(AuditEvent(.userPreferencesChanged, objectType: AuditObjectType.user, objectID: principal.userID.uuidString, officeID: principal.officeID,
                                    detail: phone == nil ? "telefon fjernet" : "telefon endret"))
        }
        return req.redirect(to: "/meg?melding=\(Flash.saved.rawValue)#telefon", redirectType: .normal)
    }

    private func render(req: Request, calendarURL: String?, phone typed: (String, String?)? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        let stored = try await User.find(principal.userID, on: req.db)?.phone
        let feed = try await CalendarFeeds.active(for: principal.userID, on: req.db)
        let tokens = try await APIToken.query(on: req.db)
            .filter(\.$user.$id == principal.userID)
            .filter(\.$revokedAt == nil)
            .sort(\.$createdAt, .descending)
            .all()
        let view = AccountView(
            displayName: principal.displayName, username: principal.username, officeName: principal.officeName,
            roles: principal.roles.sorted().map { req.t($0.labelKey) }.joined(separator: ", "),
            locale: principal.locale ?? "",
            tokens: tokens.map { TokenRow(token: $0, revokeBase: "/meg/tokens") },
            showCalendar: principal.officeID != nil && principal.hasAny(Access.officeRoles),
            calendarActiveSince: feed.map { DisplayDate.dateTime($0.createdAt) }, calendarLastUsed: feed?.lastUsedAt.map(DisplayDate.dateTime),
            calendarURL: calendarURL, phone: typed?.0 ?? stored ?? "", phoneError: typed?.1
        )
        return try await req.render("account/show", titleKey: "account.title", view, status: status)
    }

    func savePreferences(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try req.content.decode(PreferencesForm.self)
        let locale: String? = switch form.locale ?? "" {
        case "": nil
        case let value where StringTables.locales.contains(value): value
        default: throw ProblemError.validation([.init("locale", "account.error.locale")])
        }
        try await req.write { db, audit in
            try await User.query(on: db).set(\.$locale, to: locale).filter(\.$id == principal.userID).update()
            audit.record(AuditEvent(.userPreferencesChanged, objectType: AuditObjectType.user, objectID: principal.userID.uuidString, officeID: principal.officeID, detail: "språk: \(locale ?? "nettleser")"))
        }
        return req.redirect(to: "/meg?melding=\(Flash.saved.rawValue)", redirectType: .normal)
    }

    /// A new private calendar address; an earlier one stops working.
    func createCalendarFeed(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard principal.officeID != nil, principal.hasAny(Access.officeRoles) else { throw Abort(.notFound) }
        let token = try await CalendarFeeds.create(for: principal.userID, context: req.auditContext, app: req.application, now: req.now)
        return try await render(req: req, calendarURL: "\(req.publicBaseURL)/api/v1/calendar/\(token).ics")
    }

    func revokeCalendarFeed(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        try await CalendarFeeds.revoke(for: principal.userID, context: req.auditContext, app: req.application, now: req.now)
        return req.redirect(to: "/meg?melding=\(Flash.feedRevoked.rawValue)#kalender", redirectType: .normal)
    }

    func revokeToken(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let tokenID = req.parameters.get("tokenID", as: UUID.self) else { throw Abort(.notFound) }
        try await TokenRevocation.revoke(tokenID: tokenID, ownerID: principal.userID, req: req)
        return req.redirect(to: "/meg?melding=\(Flash.tokenRevoked.rawValue)", redirectType: .normal)
    }
}

extension AccountController.TokenRow {
    /// A row whose revoke button posts to `revokeBase/<id>/trekk-tilbake`.
    init(token: APIToken, revokeBase: String) {
        let id = token.id?.uuidString ?? ""
        self.init(
            id: id, label: token.label, prefix: token.prefix,
            createdAt: DisplayDate.dateTime(token.createdAt), lastUsedAt: token.lastUsedAt.map(DisplayDate.dateTime),
            revokeURL: "\(revokeBase)/\(id)/trekk-tilbake"
        )
    }
}

/// Revoking a token: by its owner on "Min side", or by an admin on the user's page.
enum TokenRevocation {
    static func revoke(tokenID: UUID, ownerID: UUID, req: Request) async throws {
        guard let token = try await APIToken.query(on: req.db)
            .filter(\.$id == tokenID)
            .filter(\.$user.$id == ownerID)
            .first(), token.revokedAt == nil
        else { throw Abort(.notFound) }
        let now = req.now
        try await req.write { db, audit in
            try await APIToken.query(on: db).set(\.$revokedAt, to: now).filter(\.$id == tokenID).update()
            audit.record(AuditEvent(.tokenRevoked, objectType: AuditObjectType.apiToken, objectID: tokenID.uuidString, detail: "eier \(ownerID.uuidString)"))
        }
    }
}
