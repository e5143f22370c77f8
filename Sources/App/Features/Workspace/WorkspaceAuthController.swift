import Fluent
import Vapor

/// A simple page: a heading, some paragraphs, forms and links.
struct SimpleFormPage: Encodable, Sendable {
    struct Link: Encodable, Sendable {
        var href: String
        var label: String
    }

    var heading: String
    var notice: String?
    var paragraphs: [String] = []
    var forms: [FormView] = []
    var links: [Link] = []
}

/// The ways in for people outside NAV: accepting an invitation, signing in with a one-time code,
/// and accepting the confidentiality declaration before anything else.
struct WorkspaceAuthController {
    struct AccountForm: Content {
        var username: String?
        var password: String?
        var confirmation: String?
    }

    struct CodeForm: Content {
        var username: String?
        var code: String?
    }

    struct DeclarationForm: Content {
        var accept: String?
    }

    // MARK: - Invitation

    func invitationPage(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let invitation = try await ExternalAccounts.usable(token: token, on: req.db, now: req.now) else {
            return try await invalidInvitation(req)
        }
        let values = ["username": ExternalAccountRules.suggestedUsername(invitation.name)]
        return try await renderInvitation(req, invitation, token: token, form: FormBuilder(req, id: "konto", action: "/invitasjon/\(token)", values: values))
    }

    func acceptInvitation(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let invitation = try await ExternalAccounts.usable(token: token, on: req.db, now: req.now) else {
            return try await invalidInvitation(req)
        }
        let form = try req.content.decode(AccountForm.self)
        let input = ExternalAccounts.NewAccount(username: String((form.username ?? "").prefix(64)), password: form.password ?? "",
                                                confirmation: form.confirmation ?? "")
        do {
            let secret = try await ExternalAccounts.accept(token: token, input, app: req.application, requestID: req.id)
            let response = req.redirect(to: "/erklaering", redirectType: .normal)
            response.cookies[AuthenticationMiddleware.sessionCookie] = SessionStore.cookie(secret, secure: req.samskap.config.secureCookies)
            return response
        } catch let problem as ProblemError where !problem.fields.isEmpty {
            let builder = FormBuilder(req, id: "konto", action: "/invitasjon/\(token)", values: ["username": input.username],
                                      errors: FormErrors(problem.fields, req))
            return try await renderInvitation(req, invitation, token: token, form: builder, status: .unprocessableEntity)
        } catch let abort as AbortError where abort.status == .gone || abort.status == .notFound {
            return try await invalidInvitation(req)
        }
    }

    private func renderInvitation(_ req: Request, _ invitation: Invitation, token: String, form: FormBuilder, status: HTTPStatus = .ok) async throws -> Response {
        var form = form
        form.add("username", .text, label: "invitation.field.username", hint: "invitation.field.username_hint", maxLength: 32, autocomplete: "username")
        form.add("password", .password, label: "invitation.field.password", hint: "invitation.field.password_hint", autocomplete: "new-password")
        form.add("confirmation", .password, label: "invitation.field.confirmation", autocomplete: "new-password")
        let page = SimpleFormPage(
            heading: req.t("invitation.heading", invitation.name),
            paragraphs: [req.t(invitation.role == .mentor ? "invitation.intro_mentor" : "invitation.intro_employer"),
                         req.t("invitation.expires", DisplayDate.date(invitation.expiresAt))],
            forms: [form.build(submit: "invitation.submit")]
        )
        return try await req.renderBeforeSignIn("workspace/simple", titleKey: "invitation.title", page, status: status)
    }

    /// Unknown, used, revoked and expired links look the same: nothing is told about which.
    private func invalidInvitation(_ req: Request) async throws -> Response {
        try await req.audit(AuditEvent(.invitationRefused, objectType: AuditObjectType.route, outcome: .denied, detail: "ugyldig eller brukt invitasjonslenke"))
        let page = SimpleFormPage(heading: req.t("invitation.invalid.heading"), paragraphs: [req.t("invitation.invalid.text")],
                                  links: [.init(href: "/logg-inn", label: req.t("invitation.invalid.login"))])
        return try await req.renderBeforeSignIn("workspace/simple", titleKey: "invitation.invalid.heading", page, status: .gone)
    }

    // MARK: - One-time code

    func codePage(req: Request) async throws -> Response {
        if req.principal != nil { return req.redirect(to: "/") }
        return try await renderCode(req, username: "", sent: false, errors: .init())
    }

    func sendCode(req: Request) async throws -> Response {
        let form = try req.content.decode(CodeForm.self)
        let username = String((form.username ?? "").trimmingCharacters(in: .whitespaces).prefix(64))
        guard !username.isEmpty else {
            var errors = FormErrors()
            errors.add("username", req.t("login.error.username_missing"))
            return try await renderCode(req, username: username, sent: false, errors: errors, status: .unprocessableEntity)
        }
        try await ExternalAccounts.sendCode(username: username, app: req.application, requestID: req.id)
        return try await renderCode(req, username: username, sent: true, errors: .init())
    }

    func signInWithCode(req: Request) async throws -> Response {
        let form = try req.content.decode(CodeForm.self)
        let username = String((form.username ?? "").trimmingCharacters(in: .whitespaces).prefix(64))
        let code = String((form.code ?? "").prefix(20))
        var errors = FormErrors()
        switch try await ExternalAccounts.signIn(username: username, code: code, app: req.application, requestID: req.id) {
        case let .success(secret):
            let response = req.redirect(to: "/", redirectType: .normal)
            response.cookies[AuthenticationMiddleware.sessionCookie] = SessionStore.cookie(secret, secure: req.samskap.config.secureCookies)
            return response
        case .invalid:
            errors.add("code", req.t("login_code.error.invalid"))
        case .locked:
            errors.add("code", req.t("login.error.locked", String(Int((req.samskap.config.lockoutDuration / 60).rounded()))))
        }
        return try await renderCode(req, username: username, sent: true, errors: errors, status: .unauthorized)
    }

    private func renderCode(_ req: Request, username: String, sent: Bool, errors: FormErrors, status: HTTPStatus = .ok) async throws -> Response {
        var forms: [FormView] = []
        if sent {
            var confirm = FormBuilder(req, id: "kode", action: "/logg-inn/kode/bekreft", values: ["username": username], errors: errors)
            confirm.add("username", .hidden, label: "login.username")
            confirm.add("code", .text, label: "login_code.field.code", hint: "login_code.field.code_hint", maxLength: 6,
                        autocomplete: "one-time-code", inputMode: "numeric")
            forms.append(confirm.build(submit: "login_code.submit_code"))
        } else {
            var ask = FormBuilder(req, id: "bruker", action: "/logg-inn/kode", values: ["username": username], errors: errors)
            ask.add("username", .text, label: "login.username", maxLength: 32, autocomplete: "username")
            forms.append(ask.build(submit: "login_code.submit_send"))
        }
        let page = SimpleFormPage(
            heading: req.t("login_code.heading"), notice: sent ? req.t("login_code.sent") : nil,
            paragraphs: sent ? [] : [req.t("login_code.intro")], forms: forms,
            links: [.init(href: "/logg-inn", label: req.t("login_code.back"))] + (sent ? [.init(href: "/logg-inn/kode", label: req.t("login_code.again"))] : [])
        )
        return try await req.renderBeforeSignIn("workspace/simple", titleKey: "login_code.heading", page, status: status)
    }

    // MARK: - Declaration

    func declarationPage(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard principal.external != nil else { return req.redirect(to: "/") }
        return try await renderDeclaration(req, accepted: principal.external?.declarationPending == false, errors: .init())
    }

    func acceptDeclaration(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard principal.external != nil else { throw Abort(.notFound) }
        let form = try req.content.decode(DeclarationForm.self)
        guard let accept = form.accept, ["1", "on", "true"].contains(accept) else {
            var errors = FormErrors()
            errors.add("accept", req.t("declaration.error.accept"))
            return try await renderDeclaration(req, accepted: false, errors: errors, status: .unprocessableEntity)
        }
        try await ExternalAccounts(req: req).acceptDeclaration(userID: principal.userID)
        return req.redirect(to: "/", redirectType: .normal)
    }

    private func renderDeclaration(_ req: Request, accepted: Bool, errors: FormErrors, status: HTTPStatus = .ok) async throws -> Response {
        var forms: [FormView] = []
        if !accepted {
            var form = FormBuilder(req, id: "erklaering", action: "/erklaering", errors: errors)
            form.add("accept", .checkbox, label: "declaration.field.accept")
            forms.append(form.build(submit: "declaration.submit"))
        }
        let page = SimpleFormPage(
            heading: req.t("declaration.heading"), notice: accepted ? req.t("declaration.accepted") : nil,
            paragraphs: ConfidentialityDeclaration.paragraphKeys.map { req.t($0) } + [req.t("declaration.version", String(ConfidentialityDeclaration.version))],
            forms: forms, links: accepted ? [.init(href: "/", label: req.t("declaration.continue"))] : []
        )
        return try await req.render("workspace/simple", titleKey: "declaration.heading", page, status: status)
    }
}
