import Fluent
import SQLKit
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

    private struct UserRow: Decodable {
        var username: String
        var display_name: String
        var office_id: UUID?
        var must_change_password: Bool
        var is_demo: Bool
        var locale: String?
        var enhet_number: String?
        var office_name: String?
    }

    private struct RoleRow: Decodable {
        var role: String
    }

    /// The user with roles and office, or nil when the account is deactivated.
    /// Runs on every request: two statements, the user joined with the office, then the roles.
    private func loadPrincipal(userID: UUID, channel: Principal.Channel, on db: any Database) async throws -> Principal? {
        let sql = db as! any SQLDatabase
        guard let user = try await sql.raw("""
            SELECT u.username, u.display_name, u.office_id, u.must_change_password, u.is_demo, u.locale, \
            o.enhet_number, o.name AS office_name \
            FROM users u LEFT JOIN offices o ON o.id = u.office_id \
            WHERE u.id = \(bind: userID) AND u.is_active = \(bind: true)
            """).first(decoding: UserRow.self)
        else { return nil }
        let roles = Set(try await sql.raw("SELECT role FROM user_roles WHERE user_id = \(bind: userID)")
            .all(decoding: RoleRow.self).compactMap { Role(rawValue: $0.role) })
        var external: ExternalLink?
        if roles.contains(where: { !$0.isInternal }) {
            // An external role without the record of whom it stands for is not a usable account.
            guard let account = try await ExternalAccount.query(on: db).filter(\.$user.$id == userID).first() else { return nil }
            let accepted = try await DeclarationAcceptance.query(on: db).filter(\.$user.$id == userID)
                .filter(\.$version == ConfidentialityDeclaration.version).count() > 0
            external = ExternalLink(accountID: try account.requireID(), role: account.role, officeID: account.$office.id,
                                    employerID: account.$employer.id, mentorID: account.$mentor.id,
                                    employerContactID: account.$employerContact.id, declarationPending: !accepted)
        }
        return Principal(
            userID: userID, username: user.username, displayName: user.display_name, roles: roles,
            officeID: external == nil ? user.office_id : nil, officeEnhet: user.enhet_number, officeName: user.office_name,
            locale: user.locale, mustChangePassword: user.must_change_password, isDemo: user.is_demo, channel: channel,
            external: external
        )
    }
}
