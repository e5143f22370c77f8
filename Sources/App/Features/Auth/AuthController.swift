import Fluent
import Vapor

/// Login, logout and changing one's own password.
struct AuthController {
    struct LoginForm: Content {
        var username: String?
        var password: String?
        var neste: String?
    }

    struct LoginView: Encodable, Sendable {
        var username: String
        var next: String
        var errors: FormErrors
    }

    struct PasswordForm: Content {
        var current: String?
        var new: String?
        var confirmation: String?
    }

    struct PasswordView: Encodable, Sendable {
        var mustChange: Bool
        var minimumLength: Int
        var errors: FormErrors
    }

    func loginPage(req: Request) async throws -> Response {
        if req.principal != nil { return req.redirect(to: "/") }
        let next = (try? req.query.get(String.self, at: "neste")) ?? ""
        return try await renderLogin(req, LoginView(username: "", next: Self.safeNext(next) ?? "", errors: .init()))
    }

    func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let username = String((form.username ?? "").trimmingCharacters(in: .whitespaces).prefix(64))
        let password = form.password ?? ""
        let next = Self.safeNext(form.neste ?? "") ?? ""
        var errors = FormErrors()
        if username.isEmpty { errors.add("username", req.t("login.error.username_missing")) }
        if password.isEmpty { errors.add("password", req.t("login.error.password_missing")) }
        guard errors.isEmpty, password.count <= PasswordPolicy.maximumLength else {
            if errors.isEmpty { errors.add("password", req.t("login.error.invalid")) }
            return try await renderLogin(req, LoginView(username: username, next: next, errors: errors), status: .unprocessableEntity)
        }
        let outcome = try await LoginService(app: req.application, requestID: req.id).attempt(username: username, password: password)
        switch outcome {
        case let .success(_, mustChangePassword, secret):
            let response = req.redirect(to: mustChangePassword ? "/passord" : (next.isEmpty ? "/" : next), redirectType: .normal)
            response.cookies[AuthenticationMiddleware.sessionCookie] = SessionStore.cookie(secret, secure: req.samskap.config.secureCookies)
            return response
        case .invalid:
            errors.add("password", req.t("login.error.invalid"))
        case .locked:
            let minutes = Int((req.samskap.config.lockoutDuration / 60).rounded())
            errors.add("username", req.t("login.error.locked", String(minutes)))
        }
        return try await renderLogin(req, LoginView(username: username, next: next, errors: errors), status: .unauthorized)
    }

    func logout(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        if let sessionID = principal.sessionID {
            try await req.write { db, audit in
                try await UserSession.query(on: db).filter(\.$id == sessionID).delete()
                audit.record(AuditEvent(.logout, objectType: AuditObjectType.user, objectID: principal.userID.uuidString, officeID: principal.officeID))
            }
        }
        let response = req.redirect(to: "/logg-inn?melding=\(Flash.loggedOut.rawValue)", redirectType: .normal)
        response.cookies[AuthenticationMiddleware.sessionCookie] = SessionStore.expiredCookie(secure: req.samskap.config.secureCookies)
        return response
    }

    func passwordPage(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        return try await renderPassword(req, PasswordView(mustChange: principal.mustChangePassword, minimumLength: PasswordPolicy.minimumLength, errors: .init()))
    }

    func changePassword(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try req.content.decode(PasswordForm.self)
        let current = form.current ?? "", new = form.new ?? "", confirmation = form.confirmation ?? ""
        var errors = FormErrors()
        guard let user = try await User.find(principal.userID, on: req.db) else { throw Abort(.unauthorized) }
        // A wrong current password counts like a failed login, so a borrowed session cannot be
        // used to guess the password.
        let reservation = try await LoginAttempts.reserve(
            userID: principal.userID, now: req.now, config: req.samskap.config, app: req.application, context: req.auditContext
        )
        if case .locked = reservation {
            let minutes = Int((req.samskap.config.lockoutDuration / 60).rounded())
            errors.add("current", req.t("login.error.locked", String(minutes)))
        } else {
            let currentMatches = !current.isEmpty && current.count <= PasswordPolicy.maximumLength
                ? try await req.samskap.passwords.verify(current, against: user.passwordHash) : false
            if !currentMatches {
                try await req.audit(.user(.passwordChangeFailed, user, outcome: .denied))
                errors.add("current", req.t("password.error.current_wrong"))
            } else {
                try await req.write { db, _ in
                    try await User.query(on: db).set(\.$failedLoginCount, to: 0).set(\.$lockedUntil, to: nil)
                        .filter(\.$id == principal.userID).update()
                }
                if current == new { errors.add("new", req.t("password.error.unchanged")) }
            }
        }
        for problem in PasswordPolicy.problems(password: new, confirmation: confirmation, username: user.username) {
            errors.add(problem == .mismatch ? "confirmation" : "new", req.t(problem.messageKey, String(PasswordPolicy.minimumLength)))
        }
        guard errors.isEmpty else {
            return try await renderPassword(
                req, PasswordView(mustChange: principal.mustChangePassword, minimumLength: PasswordPolicy.minimumLength, errors: errors),
                status: .unprocessableEntity
            )
        }
        let hash = try await req.samskap.passwords.hash(new)
        let sessionID = principal.sessionID
        try await req.write { db, audit in
            try await User.query(on: db)
                .set(\.$passwordHash, to: hash)
                .set(\.$mustChangePassword, to: false)
                .filter(\.$id == principal.userID)
                .update()
            // Other browsers signed in as this user are signed out.
            var others = UserSession.query(on: db).filter(\.$user.$id == principal.userID)
            if let sessionID { others = others.filter(\.$id != sessionID) }
            try await others.delete()
            audit.record(.user(.passwordChanged, user))
        }
        return req.redirect(to: "/?melding=\(Flash.passwordChanged.rawValue)", redirectType: .normal)
    }

    private func renderLogin(_ req: Request, _ view: LoginView, status: HTTPStatus = .ok) async throws -> Response {
        try await req.renderBeforeSignIn("auth/login", titleKey: "login.title", view, status: status)
    }

    private func renderPassword(_ req: Request, _ view: PasswordView, status: HTTPStatus = .ok) async throws -> Response {
        try await req.render("auth/password", titleKey: "password.title", view, status: status)
    }

    /// Only local paths are followed after login, so a link cannot send the user elsewhere.
    /// Plain path characters only: a tab or newline could make a browser read `/\t/host` as `//host`.
    static func safeNext(_ raw: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._~%?=&+")
        guard raw.hasPrefix("/"), !raw.hasPrefix("//"), raw.count < 500, !raw.hasPrefix("/logg-"),
              raw.allSatisfy({ allowed.contains($0) }),
              let components = URLComponents(string: raw), components.scheme == nil, components.host == nil
        else { return nil }
        return raw
    }
}

extension Request {
    /// Renders a page whose forms are posted before sign-in (login, invitation, one-time code):
    /// they are protected by a double-submit cookie, set here when missing.
    func renderBeforeSignIn<Content: Encodable & Sendable>(_ template: String, titleKey: String, _ content: Content, status: HTTPStatus = .ok) async throws -> Response {
        var newToken: String?
        if principal == nil, cookies[CSRFMiddleware.preSessionCookie]?.string.isEmpty ?? true {
            let token = SecretToken.generate()
            storage[PreSessionCSRFKey.self] = token
            newToken = token
        }
        let response = try await render(template, titleKey: titleKey, content, status: status)
        if let newToken {
            response.cookies[CSRFMiddleware.preSessionCookie] = HTTPCookies.Value(
                string: newToken, path: "/", isSecure: samskap.config.secureCookies, isHTTPOnly: true, sameSite: .lax
            )
        }
        return response
    }
}
