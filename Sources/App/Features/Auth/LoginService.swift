import Fluent
import SQLKit
import Vapor

/// Checks a username and password and keeps the lockout counter. No HTTP here.
struct LoginService {
    enum Outcome: Equatable {
        case success(userID: UUID, mustChangePassword: Bool, sessionSecret: String)
        case invalid
        case locked(until: Date)
    }

    /// A real bcrypt hash of nothing useful, so an unknown username costs the same time as a known one.
    static let timingDummyHash = "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5zXr0Z9bH4H3NPmp3BmU7N1C6gNdq1e"

    let app: Application
    let requestID: String?

    func attempt(username rawUsername: String, password: String) async throws -> Outcome {
        let username = rawUsername.trimmingCharacters(in: .whitespaces).lowercased()
        let config = app.samskap.config
        let clock = app.samskap.clock
        guard let user = try await User.query(on: app.db).filter(\.$username == username).first(),
              let userID = user.id
        else {
            _ = try await app.samskap.passwords.verify(password, against: Self.timingDummyHash)
            try await app.audit([AuditEvent(.loginFailed, outcome: .denied, detail: "ukjent brukernavn")], context: context(nil, username))
            return .invalid
        }
        let now = clock.now()
        if let lockedUntil = user.lockedUntil, lockedUntil > now {
            try await app.audit([.user(.loginFailed, user, detail: "kontoen er sperret", outcome: .denied)], context: context(userID, username))
            return .locked(until: lockedUntil)
        }
        let passwordMatches = try await app.samskap.passwords.verify(password, against: user.passwordHash)
        guard user.isActive else {
            try await app.audit([.user(.loginFailed, user, detail: "kontoen er deaktivert", outcome: .denied)], context: context(userID, username))
            return .invalid
        }
        if passwordMatches {
            let secret = try await app.write(context: context(userID, username)) { db, audit in
                try await User.query(on: db)
                    .set(\.$failedLoginCount, to: 0)
                    .set(\.$lockedUntil, to: nil)
                    .set(\.$lastLoginAt, to: now)
                    .filter(\.$id == userID)
                    .update()
                audit.record(.user(.login, user))
                return try await SessionStore.create(userID: userID, on: db, now: now, idleTimeout: config.sessionIdleTimeout)
            }
            return .success(userID: userID, mustChangePassword: user.mustChangePassword, sessionSecret: secret)
        }
        // Count in the database, so parallel guesses cannot slip past the limit.
        return try await app.write(context: context(userID, username)) { db, audit in
            try await (db as! any SQLDatabase).raw(
                "UPDATE users SET failed_login_count = failed_login_count + 1 WHERE id = \(bind: userID)"
            ).run()
            guard let fresh = try await User.find(userID, on: db) else { return .invalid }
            if fresh.failedLoginCount >= config.lockoutThreshold {
                let until = now.addingTimeInterval(config.lockoutDuration)
                fresh.lockedUntil = until
                fresh.failedLoginCount = 0
                try await fresh.save(on: db)
                audit.record(.user(.loginFailed, user, detail: "feil passord; kontoen sperres", outcome: .denied))
                return .locked(until: until)
            }
            audit.record(.user(.loginFailed, user, detail: "feil passord (\(fresh.failedLoginCount))", outcome: .denied))
            return .invalid
        }
    }

    private func context(_ userID: UUID?, _ username: String) -> AuditContext {
        AuditContext(actorUserID: userID, actorUsername: username, requestID: requestID)
    }
}
