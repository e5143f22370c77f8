import Fluent
import Vapor

/// Creates and ends browser sessions.
enum SessionStore {
    /// A new session for `userID`; returns the cookie value (shown to the browser only).
    static func create(userID: UUID, on db: any Database, now: Date, idleTimeout: TimeInterval) async throws -> String {
        let secret = SecretToken.generate()
        let session = UserSession(tokenHash: SecretToken.digest(secret), userID: userID, csrfToken: SecretToken.generate(), now: now)
        try await session.create(on: db)
        // Tidy up: sessions idle past the timeout can never be used again.
        try await UserSession.query(on: db).filter(\.$lastSeenAt < now.addingTimeInterval(-idleTimeout)).delete()
        return secret
    }

    static func cookie(_ value: String, secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }

    static func expiredCookie(secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}
