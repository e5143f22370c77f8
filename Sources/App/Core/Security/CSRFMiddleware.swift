import Vapor

/// Every state-changing browser request must echo a secret only our own pages know.
///
/// Checked for every method but GET and HEAD, whatever the content type: the token comes from
/// the `X-CSRF-Token` header or, for form posts, the `_csrf` field. Signed-in users echo their
/// session's token; before sign-in the login form uses a double-submit cookie. There is no method
/// override, so a POST cannot pretend to be a GET. The JSON API is exempt only because it never
/// reads cookies (see `AuthenticationMiddleware`).
struct CSRFMiddleware: AsyncMiddleware {
    static let formField = "_csrf"
    static let header = "X-CSRF-Token"
    static let preSessionCookie = "samskap_csrf"
    static let maxFormBytes = 1_048_576

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .GET || request.method == .HEAD || request.url.path.hasPrefix("/api/") {
            return try await next.respond(to: request)
        }
        let expected = request.principal?.csrfToken ?? request.cookies[Self.preSessionCookie]?.string
        let provided = try await providedToken(request)
        guard let expected, !expected.isEmpty, let provided, SecretToken.constantTimeEquals(expected, provided) else {
            try await request.audit(AuditEvent(
                .accessDenied, objectType: AuditObjectType.route,
                objectID: "\(request.method) \(request.url.path.prefix(200))", officeID: request.principal?.officeID,
                outcome: .denied, detail: "CSRF-token mangler eller er feil"
            ))
            throw Abort(.forbidden, reason: "csrf")
        }
        return try await next.respond(to: request)
    }

    private func providedToken(_ request: Request) async throws -> String? {
        if let header = request.headers.first(name: Self.header) { return header }
        guard let type = request.headers.contentType,
              type == .urlEncodedForm || type.type == "multipart" && type.subType == "form-data"
        else { return nil }
        // Middleware runs before the route collects the body; collect it here (the route reuses it).
        if request.body.data == nil {
            _ = try await request.body.collect(max: Self.maxFormBytes).get()
        }
        return try? request.content.get(String.self, at: Self.formField)
    }
}

extension Request {
    /// The token a rendered form must include: the session's, or the pre-session cookie's.
    var csrfTokenForForms: String? {
        principal?.csrfToken ?? storage[PreSessionCSRFKey.self] ?? cookies[CSRFMiddleware.preSessionCookie]?.string
    }
}

struct PreSessionCSRFKey: StorageKey { typealias Value = String }
