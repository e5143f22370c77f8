import Fluent
import Vapor

struct SessionExpiredKey: StorageKey { typealias Value = Bool }

/// Finds who is calling: a bearer token on `/api/`, a session cookie everywhere else.
/// API requests never read cookies, so a browser's session cannot be used against the API.
struct AuthenticationMiddleware: AsyncMiddleware {
    static let sessionCookie = "samskap_session"
    /// How often `last_seen_at` is written; reading it more often than this costs a write per request.
    static let touchInterval: TimeInterval = 60

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.url.path.hasPrefix("/api/") {
            try await authenticateBearer(request)
        } else {
            try await authenticateSession(request)
        }
        return try await next.respond(to: request)
    }

    private func authenticateBearer(_ request: Request) async throws {
        guard let bearer = request.headers.bearerAuthorization else { return }
        let digest = SecretToken.digest(bearer.token)
        guard let token = try await APIToken.query(on: request.db).filter(\.$tokenHash == digest).first(),
              token.revokedAt == nil,
              let principal = try await loadPrincipal(userID: token.$user.id, channel: .token(id: token.id!), on: request.db)
        else {
            try await request.audit(AuditEvent(.tokenRejected, objectType: AuditObjectType.apiToken, outcome: .denied, detail: "ukjent, tilbakekalt eller deaktivert"))
            throw ProblemError(.unauthorized, key: "problem.token_invalid", headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
        }
        request.principal = principal
        let now = request.now
        if token.lastUsedAt.map({ now.timeIntervalSince($0) > 300 }) ?? true {
            let tokenID = token.id!
            try await request.write { db, _ in
                try await APIToken.query(on: db).set(\.$lastUsedAt, to: now).filter(\.$id == tokenID).update()
            }
        }
    }

    private func authenticateSession(_ request: Request) async throws {
        guard let cookie = request.cookies[Self.sessionCookie]?.string, !cookie.isEmpty else { return }
        let digest = SecretToken.digest(cookie)
        guard let session = try await UserSession.query(on: request.db).filter(\.$tokenHash == digest).first() else { return }
        let now = request.now
        let sessionID = session.id!
        if now.timeIntervalSince(session.lastSeenAt) > request.samskap.config.sessionIdleTimeout {
            request.storage[SessionExpiredKey.self] = true
            let context = AuditContext(actorUserID: session.$user.id, actorUsername: nil, requestID: request.id)
            try await request.application.write(context: context) { db, audit in
                try await UserSession.query(on: db).filter(\.$id == sessionID).delete()
                audit.record(AuditEvent(.sessionExpired, objectType: AuditObjectType.user, objectID: session.$user.id.uuidString))
            }
            return
        }
        guard let principal = try await loadPrincipal(
            userID: session.$user.id, channel: .session(id: sessionID, csrfToken: session.csrfToken), on: request.db
        ) else { return }
        request.principal = principal
        if now.timeIntervalSince(session.lastSeenAt) > Self.touchInterval {
            try await request.write { db, _ in
                try await UserSession.query(on: db).set(\.$lastSeenAt, to: now).filter(\.$id == sessionID).update()
            }
        }
    }

    /// The user with roles and office, or nil when the account is deactivated.
    private func loadPrincipal(userID: UUID, channel: Principal.Channel, on db: any Database) async throws -> Principal? {
        guard let user = try await User.query(on: db)
            .filter(\.$id == userID)
            .filter(\.$isActive == true)
            .with(\.$roleRows)
            .with(\.$office)
            .first()
        else { return nil }
        var external: ExternalLink?
        if user.roles.contains(where: { !$0.isInternal }) {
            // An external role without the record of whom it stands for is not a usable account.
            guard let account = try await ExternalAccount.query(on: db).filter(\.$user.$id == userID).first() else { return nil }
            let accepted = try await DeclarationAcceptance.query(on: db).filter(\.$user.$id == userID)
                .filter(\.$version == ConfidentialityDeclaration.version).count() > 0
            external = ExternalLink(accountID: try account.requireID(), role: account.role, officeID: account.$office.id,
                                    employerID: account.$employer.id, mentorID: account.$mentor.id,
                                    employerContactID: account.$employerContact.id, declarationPending: !accepted)
        }
        return Principal(
            userID: userID, username: user.username, displayName: user.displayName, roles: user.roles,
            officeID: external == nil ? user.$office.id : nil, officeEnhet: user.office?.enhetNumber, officeName: user.office?.name,
            locale: user.locale, mustChangePassword: user.mustChangePassword, isDemo: user.isDemo, channel: channel,
            external: external
        )
    }
}
