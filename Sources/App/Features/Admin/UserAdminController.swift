import Fluent
import SQLKit
import Vapor

/// Admin pages for accounts: list, create, edit roles and office, deactivate, reset password.
struct UserAdminController {
    struct OfficeOption: Encodable, Sendable {
        var id: String
        var label: String
        var selected: Bool
    }

    struct RoleOption: Encodable, Sendable {
        var value: String
        var label: String
        var checked: Bool
    }

    struct UserRow: Encodable, Sendable {
        var id: String
        var username: String
        var displayName: String
        var office: String
        var roles: String
        var isActive: Bool
        var isLocked: Bool
    }

    struct ListView: Encodable, Sendable {
        var query: String
        var offices: [OfficeOption]
        var users: [UserRow]
        var truncated: Bool
        var limit: Int
    }

    struct FormView: Encodable, Sendable {
        var username: String
        var displayName: String
        var offices: [OfficeOption]
        var roles: [RoleOption]
        var errors: FormErrors
    }

    struct ShowView: Encodable, Sendable {
        var id: String
        var username: String
        var displayName: String
        var isActive: Bool
        var isSelf: Bool
        var lockedUntil: String?
        var lastLoginAt: String?
        var mustChangePassword: Bool
        var offices: [OfficeOption]
        var roles: [RoleOption]
        var tokens: [AccountController.TokenRow]
        var errors: FormErrors
        var temporaryPassword: String?
    }

    struct UserForm: Content {
        var username: String?
        var displayName: String?
        var officeID: String?
        var roles: [String]?
    }

    static let listLimit = 200

    // MARK: - List

    func list(req: Request) async throws -> Response {
        let search = String(((try? req.query.get(String.self, at: "q")) ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        let officeFilter = (try? req.query.get(String.self, at: "kontor")).flatMap(UUID.init(uuidString:))
        var query = User.query(on: req.db).with(\.$roleRows).with(\.$office).sort(\.$displayName)
        if let officeFilter { query = query.filter(\.$office.$id == officeFilter) }
        if !search.isEmpty {
            query = query.filter(.sql(SearchText.contains("search_key", search)))
        }
        let users = try await query.limit(Self.listLimit + 1).all()
        try await req.audit(AuditEvent(.userList, objectType: AuditObjectType.user, officeID: officeFilter, detail: search.isEmpty ? nil : "søk: \(search)"))
        let view = ListView(
            query: search,
            offices: try await officeOptions(req, selected: officeFilter),
            users: users.prefix(Self.listLimit).map { row($0, req) },
            truncated: users.count > Self.listLimit,
            limit: Self.listLimit
        )
        return try await req.render("admin/users/index", titleKey: "admin.users.title", view)
    }

    // MARK: - Create

    func new(req: Request) async throws -> Response {
        let view = FormView(username: "", displayName: "", offices: try await officeOptions(req, selected: nil), roles: roleOptions(req, checked: []), errors: .init())
        return try await req.render("admin/users/new", titleKey: "admin.users.new.title", view)
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode(UserForm.self)
        let draft = draft(from: form)
        do {
            let created = try await UserAccounts(app: req.application, context: req.auditContext).create(draft)
            return try await renderShow(req, user: created.user, temporaryPassword: created.temporaryPassword)
        } catch let problem as ProblemError where problem.status == .unprocessableEntity {
            let errors = FormErrors(problem.fields, req)
            let view = FormView(
                username: draft.username, displayName: form.displayName ?? "",
                offices: try await officeOptions(req, selected: draft.officeID),
                roles: roleOptions(req, checked: draft.roles), errors: errors
            )
            return try await req.render("admin/users/new", titleKey: "admin.users.new.title", view, status: .unprocessableEntity)
        }
    }

    // MARK: - Show and edit

    func show(req: Request) async throws -> Response {
        try await renderShow(req, user: try await findUser(req))
    }

    func update(req: Request) async throws -> Response {
        let user = try await findUser(req)
        let form = try req.content.decode(UserForm.self)
        var draft = draft(from: form)
        draft.username = user.username
        var issues = UserRules.problems(draft, checkUsername: false)
        if let officeID = draft.officeID, try await Office.find(officeID, on: req.db) == nil {
            issues.append(.init("officeID", "user.error.office_unknown"))
        }
        let userID = try user.requireID()
        if userID == req.principal?.userID, !draft.roles.contains(.admin) {
            issues.append(.init("roles", "user.error.own_admin"))
        }
        guard issues.isEmpty else {
            let errors = FormErrors(issues, req)
            return try await renderShow(req, user: user, errors: errors, status: .unprocessableEntity)
        }
        let before = (roles: user.roles, office: user.$office.id, name: user.displayName)
        let displayName = draft.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        let roles = draft.roles
        let officeID = draft.officeID
        try await req.write { db, audit in
            try await User.query(on: db)
                .set(\.$displayName, to: displayName)
                .set(\.$searchKey, to: SearchText.normalized(user.username, displayName))
                .set(\.$office.$id, to: officeID)
                .filter(\.$id == userID)
                .update()
            try await UserRole.query(on: db).filter(\.$user.$id == userID).delete()
            for role in roles.sorted() { try await UserRole(userID: userID, role: role).create(on: db) }
            var changes: [String] = []
            if before.roles != roles { changes.append("roller: \(before.roles.sorted().map(\.rawValue).joined(separator: ",")) → \(roles.sorted().map(\.rawValue).joined(separator: ","))") }
            if before.office != officeID { changes.append("kontor endret") }
            if before.name != displayName { changes.append("navn endret") }
            audit.record(AuditEvent(.userUpdated, objectType: AuditObjectType.user, objectID: userID.uuidString, officeID: officeID, detail: changes.isEmpty ? "ingen endring" : changes.joined(separator: "; ")))
        }
        return req.redirect(to: "/admin/brukere/\(userID)?melding=\(Flash.saved.rawValue)", redirectType: .normal)
    }

    func setActive(_ active: Bool) -> @Sendable (Request) async throws -> Response {
        { req in
            let user = try await findUser(req)
            let userID = try user.requireID()
            if userID == req.principal?.userID { throw ProblemError(.conflict, key: "user.error.self_deactivate") }
            try await req.write { db, audit in
                try await User.query(on: db).set(\.$isActive, to: active).filter(\.$id == userID).update()
                if !active {
                    try await UserSession.query(on: db).filter(\.$user.$id == userID).delete()
                }
                audit.record(.user(active ? .userReactivated : .userDeactivated, user))
            }
            let flash = active ? Flash.userReactivated : Flash.userDeactivated
            return req.redirect(to: "/admin/brukere/\(userID)?melding=\(flash.rawValue)", redirectType: .normal)
        }
    }

    func resetPassword(req: Request) async throws -> Response {
        let user = try await findUser(req)
        let password = try await UserAccounts(app: req.application, context: req.auditContext).resetPassword(user)
        let fresh = try await findUser(req)
        return try await renderShow(req, user: fresh, temporaryPassword: password)
    }

    func revokeToken(req: Request) async throws -> Response {
        let user = try await findUser(req)
        guard let tokenID = req.parameters.get("tokenID", as: UUID.self) else { throw Abort(.notFound) }
        try await TokenRevocation.revoke(tokenID: tokenID, ownerID: try user.requireID(), req: req)
        return req.redirect(to: "/admin/brukere/\(try user.requireID())?melding=\(Flash.tokenRevoked.rawValue)", redirectType: .normal)
    }

    // MARK: - Helpers

    private func findUser(_ req: Request) async throws -> User {
        guard let id = req.parameters.get("userID", as: UUID.self),
              let user = try await User.query(on: req.db).filter(\.$id == id).with(\.$roleRows).with(\.$office).first()
        else { throw Abort(.notFound) }
        return user
    }

    /// The user's page. Every rendering shows the person's data, so every rendering is audited.
    private func renderShow(_ req: Request, user: User, temporaryPassword: String? = nil, errors: FormErrors = .init(), status: HTTPStatus = .ok) async throws -> Response {
        let userID = try user.requireID()
        try await req.audit(.user(.userRead, user))
        let tokens = try await APIToken.query(on: req.db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil).sort(\.$createdAt, .descending).all()
        let now = req.now
        let view = ShowView(
            id: userID.uuidString, username: user.username, displayName: user.displayName, isActive: user.isActive,
            isSelf: userID == req.principal?.userID,
            lockedUntil: user.lockedUntil.flatMap { $0 > now ? DisplayDate.dateTime($0) : nil },
            lastLoginAt: user.lastLoginAt.map(DisplayDate.dateTime),
            mustChangePassword: user.mustChangePassword,
            offices: try await officeOptions(req, selected: user.$office.id),
            roles: roleOptions(req, checked: user.roles),
            tokens: tokens.map { AccountController.TokenRow(token: $0, revokeBase: "/admin/brukere/\(userID)/tokens") },
            errors: errors, temporaryPassword: temporaryPassword
        )
        return try await req.render("admin/users/show", titleKey: "admin.users.show.title", titleArgs: [user.displayName], view, status: status)
    }

    private func draft(from form: UserForm) -> UserRules.Draft {
        UserRules.Draft(
            username: UserRules.normalizedUsername(form.username ?? ""),
            displayName: form.displayName ?? "",
            roles: Set((form.roles ?? []).compactMap(Role.init(rawValue:))),
            officeID: (form.officeID).flatMap(UUID.init(uuidString:))
        )
    }

    private func officeOptions(_ req: Request, selected: UUID?) async throws -> [OfficeOption] {
        try await Office.query(on: req.db).sort(\.$enhetNumber).all().map {
            OfficeOption(id: $0.id!.uuidString, label: "\($0.enhetNumber) \($0.name)", selected: $0.id == selected)
        }
    }

    private func roleOptions(_ req: Request, checked: Set<Role>) -> [RoleOption] {
        Role.assignableByAdmin.map { RoleOption(value: $0.rawValue, label: req.t($0.labelKey), checked: checked.contains($0)) }
    }

    private func row(_ user: User, _ req: Request) -> UserRow {
        UserRow(
            id: user.id!.uuidString, username: user.username, displayName: user.displayName,
            office: user.office.map { "\($0.enhetNumber) \($0.name)" } ?? "–",
            roles: user.roles.sorted().map { req.t($0.labelKey) }.joined(separator: ", "),
            isActive: user.isActive,
            isLocked: user.lockedUntil.map { $0 > req.now } ?? false
        )
    }
}
