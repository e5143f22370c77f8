import Vapor

/// The one place that decides whether a request may reach its route. Runs after routing, so it
/// reads the `Access` the route group declared; a route without one is refused.
struct AccessControlMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let route = request.route else {
            return try await next.respond(to: request) // no route: the router answers 404
        }
        guard let access = route.access else {
            request.logger.error("Route without access declaration refused: \(route.method) \(route.path.string)")
            throw Abort(.forbidden)
        }
        if case .anyone = access.requirement {
            return try await next.respond(to: request)
        }
        guard let principal = request.principal, matches(principal.channel, access.channel) else {
            try await request.audit(AuditEvent(
                .accessDenied, objectType: AuditObjectType.route,
                objectID: "\(route.method) /\(route.path.string)", outcome: .denied, detail: "ikke innlogget"
            ))
            return try unauthenticated(request, access)
        }
        if access.channel == .web, principal.mustChangePassword, !access.allowedBeforePasswordChange {
            return request.redirect(to: "/passord")
        }
        if principal.external?.declarationPending == true, !access.allowedBeforeDeclaration {
            switch access.channel {
            case .web:
                guard request.method == .GET else { throw Abort(.forbidden) }
                return request.redirect(to: "/erklaering")
            case .api:
                throw ProblemError(.forbidden, key: "problem.declaration_required")
            }
        }
        if case let .anyOf(roles) = access.requirement, !principal.hasAny(roles) {
            try await request.audit(AuditEvent(
                .accessDenied, objectType: AuditObjectType.route,
                objectID: "\(route.method) /\(route.path.string)", officeID: principal.officeID, outcome: .denied
            ))
            throw Abort(.forbidden)
        }
        return try await next.respond(to: request)
    }

    private func matches(_ principal: Principal.Channel, _ route: Access.Channel) -> Bool {
        switch (principal, route) {
        case (.session, .web), (.token, .api): true
        default: false
        }
    }

    private func unauthenticated(_ request: Request, _ access: Access) throws -> Response {
        switch access.channel {
        case .api:
            throw ProblemError(.unauthorized, key: "problem.unauthorized", headers: ["WWW-Authenticate": "Bearer"])
        case .web:
            guard request.method == .GET else { throw Abort(.unauthorized) }
            let expired = request.storage[SessionExpiredKey.self] == true
            var target = "/logg-inn?neste=" + (request.url.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
            if expired { target += "&melding=utlopt" }
            return request.redirect(to: target, redirectType: .normal)
        }
    }
}
