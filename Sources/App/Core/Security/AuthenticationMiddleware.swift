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
        // The token with its user, office and roles in one statement; a revoked token or a deactivated
        // account finds no row.
        let rows = try await request.readDB.raw("""
            SELECT t.id AS credential_id, t.last_used_at AS credential_seen_at, \(Self.principalColumns)
            FROM api_tokens t JOIN users u ON u.id = t.user_id AND u.is_active = \(bind: true) \(Self.principalJoins)
            WHERE t.token_hash = \(bind: digest) AND t.revoked_at IS NULL
            """).all()
        let token = try rows.first?.decode(model: CredentialRow.self)
        guard let token,
              let principal = try await principal(from: rows, channel: .token(id: token.credential_id), on: request.db)
        else {
            try await request.audit(AuditEvent(.tokenRejected, objectType: AuditObjectType.apiToken, outcome: .denied, detail: "ukjent, tilbakekalt eller deaktivert"))
            throw ProblemError(.unauthorized, key: "problem.token_invalid", headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""])
        }
        request.principal = principal
        let now = request.now
        if token.credential_seen_at.map({ now.timeIntervalSince($0) > 300 }) ?? true {
            let tokenID = token.credential_id
            try await request.write { db, _ in
                try await APIToken.query(on: db).set(\.$lastUsedAt, to: now).filter(\.$id == tokenID).update()
            }
        }
    }

    private func authenticateSession(_ request: Request) async throws {
        guard let cookie = request.cookies[Self.sessionCookie]?.string, !cookie.isEmpty else { return }
        let digest = SecretToken.digest(cookie)
        // The session with its user, office and roles in one statement. The user is joined on the
        // side: an expired session is ended even when its account has been deactivated since.
        let rows = try await request.readDB.raw("""
            SELECT s.id AS credential_id, s.last_seen_at AS credential_seen_at, s.user_id AS session_user_id, s.csrf_token, \(Self.principalColumns)
            FROM sessions s LEFT JOIN users u ON u.id = s.user_id AND u.is_active = \(bind: true) \(Self.principalJoins)
            WHERE s.token_hash = \(bind: digest)
            """).all()
        guard let first = rows.first else { return }
        let session = try first.decode(model: SessionRow.self)
        let now = request.now
        let sessionID = session.credential_id
        let lastSeenAt = session.credential_seen_at
        if now.timeIntervalSince(lastSeenAt) > request.samskap.config.sessionIdleTimeout {
            request.storage[SessionExpiredKey.self] = true
            let context = AuditContext(actorUserID: session.session_user_id, actorUsername: nil, requestID: request.id)
            try await request.application.write(context: context) { db, audit in
                try await UserSession.query(on: db).filter(\.$id == sessionID).delete()
                audit.record(AuditEvent(.sessionExpired, objectType: AuditObjectType.user, objectID: session.session_user_id.uuidString))
            }
            return
        }
        guard let principal = try await principal(
            from: rows, channel: .session(id: sessionID, csrfToken: session.csrf_token), on: request.db
        ) else { return }
        request.principal = principal
        if now.timeIntervalSince(lastSeenAt) > Self.touchInterval {
            try await request.write { db, _ in
                try await UserSession.query(on: db).set(\.$lastSeenAt, to: now).filter(\.$id == sessionID).update()
            }
        }
    }

    /// What the principal needs from the user, the office and the roles, after the credential's
    /// own columns. One row per role (none: one row with a NULL role); `u.username` is NULL when the
    /// account is deactivated.
    private static let principalColumns: SQLQueryString = """
        u.id AS user_id, u.username, u.display_name, u.office_id, u.must_change_password, u.is_demo, u.locale, \
        o.enhet_number, o.name AS office_name, r.role
        """
    private static let principalJoins: SQLQueryString =
        "LEFT JOIN offices o ON o.id = u.office_id LEFT JOIN user_roles r ON r.user_id = u.id"

    private struct CredentialRow: Decodable {
        var credential_id: UUID
        var credential_seen_at: Date?
    }

    private struct SessionRow: Decodable {
        var credential_id: UUID
        var credential_seen_at: Date
        var session_user_id: UUID
        var csrf_token: String
    }

    private struct UserRow: Decodable {
        var user_id: UUID
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
        var role: String?
    }

    /// The principal from the rows of a credential joined with its user, office and roles, or nil
    /// when the account is deactivated (or an external account lacks its link).
    private func principal(from rows: [any SQLRow], channel: Principal.Channel, on db: any Database) async throws -> Principal? {
        guard let first = rows.first, try !first.decodeNil(column: "username") else { return nil }
        let user = try first.decode(model: UserRow.self)
        let userID = user.user_id
        let roles = Set(try rows.compactMap { try $0.decode(model: RoleRow.self).role.flatMap(Role.init(rawValue:)) })
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
