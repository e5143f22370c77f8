import Fluent
import SQLKit
import Vapor

/// Checks a username and password and keeps the lockout counter. No HTTP here.
///
/// An attempt is counted *before* the password is checked, in a transaction that holds the user's
/// row: parallel guesses each take one of the allowed attempts, and once they are used up the rest
/// are refused without being checked. The attempt that uses the last one locks the account.
struct LoginService {
    enum Outcome: Equatable {
        case success(userID: UUID, mustChangePassword: Bool, sessionSecret: String)
        case invalid
        case locked(until: Date)
    }

    let app: Application
    let requestID: String?

    func attempt(username rawUsername: String, password: String) async throws -> Outcome {
        let username = rawUsername.trimmingCharacters(in: .whitespaces).lowercased()
        let config = app.samskap.config
        let now = app.samskap.clock.now()
        guard let user = try await User.query(on: app.db).filter(\.$username == username).first(),
              let userID = user.id
        else {
            _ = try await app.samskap.passwords.verify(password, against: app.samskap.timingDummyHash)
            // A mistyped password in the username field must not end up in the permanent log.
            let logged = UserRules.isValidUsername(username) ? username : "(ugyldig brukernavn)"
            try await app.audit([AuditEvent(.loginFailed, outcome: .denied, detail: "ukjent brukernavn")], context: context(nil, logged))
            return .invalid
        }
        let context = context(userID, username)

        let reservation = try await LoginAttempts.reserve(userID: userID, now: now, config: config, app: app, context: context)
        if case let .locked(until) = reservation {
            _ = try await app.samskap.passwords.verify(password, against: app.samskap.timingDummyHash)
            return .locked(until: until)
        }
        let passwordMatches = try await app.samskap.passwords.verify(password, against: user.passwordHash)
        guard user.isActive else {
            try await app.audit([.user(.loginFailed, user, detail: "kontoen er deaktivert", outcome: .denied)], context: context)
            return .invalid
        }
        guard passwordMatches else {
            if case let .lastAttempt(until) = reservation {
                try await app.audit([.user(.loginFailed, user, detail: "feil passord; kontoen sperres", outcome: .denied)], context: context)
                return .locked(until: until)
            }
            try await app.audit([.user(.loginFailed, user, detail: "feil passord", outcome: .denied)], context: context)
            return .invalid
        }
        let secret = try await app.write(context: context) { db, audit in
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

    private func context(_ userID: UUID?, _ username: String) -> AuditContext {
        AuditContext(actorUserID: userID, actorUsername: username, requestID: requestID)
    }
}

/// The lockout counter, shared by login and password change.
enum LoginAttempts {
    enum Reservation: Equatable {
        /// The attempt may be checked.
        case allowed
        /// The attempt may be checked, and it used up the last one: the account is now locked
        /// unless this very attempt succeeds.
        case lastAttempt(lockedUntil: Date)
        /// Refused without checking.
        case locked(until: Date)
    }

    /// Counts one attempt against the user, before anyone checks the password.
    static func reserve(userID: UUID, now: Date, config: AppConfig, app: Application, context: AuditContext) async throws -> Reservation {
        try await app.write(context: context) { db, audit in
            // Takes the row lock on PostgreSQL (SQLite writes are serialised already), so the
            // read below sees every attempt counted before this one.
            try await (db as! any SQLDatabase).raw("UPDATE users SET failed_login_count = failed_login_count WHERE id = \(bind: userID)").run()
            guard let user = try await User.find(userID, on: db) else { return .allowed }
            if let until = user.lockedUntil, until > now {
                audit.record(.user(.loginFailed, user, detail: "kontoen er sperret", outcome: .denied))
                return .locked(until: until)
            }
            var count = user.lockedUntil == nil ? user.failedLoginCount : 0 // a lock that ran out starts afresh
            count += 1
            var lockedUntil: Date?
            if count >= config.lockoutThreshold {
                lockedUntil = now.addingTimeInterval(config.lockoutDuration)
            }
            try await User.query(on: db)
                .set(\.$failedLoginCount, to: count)
                .set(\.$lockedUntil, to: lockedUntil)
                .filter(\.$id == userID)
                .update()
            return lockedUntil.map { .lastAttempt(lockedUntil: $0) } ?? .allowed
        }
    }
}
