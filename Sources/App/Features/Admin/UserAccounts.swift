import Fluent
import Vapor

/// Creating accounts and giving temporary passwords: used by the admin pages, the CLI and the demo.
struct UserAccounts {
    let app: Application
    let context: AuditContext

    struct Created: Sendable {
        var user: User
        var temporaryPassword: String
    }

    /// Creates an account with a temporary password the person must replace at first login.
    func create(_ draft: UserRules.Draft, on db: (any Database)? = nil) async throws -> Created {
        let issues = UserRules.problems(draft)
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        let db = db ?? app.db
        if try await User.query(on: db).filter(\.$username == draft.username).first() != nil {
            throw ProblemError.validation([.init("username", "user.error.username_taken")])
        }
        if let officeID = draft.officeID, try await Office.find(officeID, on: db) == nil {
            throw ProblemError.validation([.init("officeID", "user.error.office_unknown")])
        }
        let password = SecretToken.readablePassword()
        let hash = try await app.samskap.passwords.hash(password)
        let user = User(
            username: draft.username, displayName: draft.displayName.trimmingCharacters(in: .whitespacesAndNewlines),
            officeID: draft.officeID, passwordHash: hash, mustChangePassword: true
        )
        try await app.write(context: context, on: db) { tx, audit in
            try await user.create(on: tx)
            for role in draft.roles.sorted() {
                try await UserRole(userID: user.id!, role: role).create(on: tx)
            }
            audit.record(.user(.userCreated, user, detail: "roller: \(draft.roles.sorted().map(\.rawValue).joined(separator: ","))"))
        }
        return Created(user: user, temporaryPassword: password)
    }

    /// Replaces the password with a temporary one, unlocks the account and signs the user out everywhere.
    func resetPassword(_ user: User) async throws -> String {
        let password = SecretToken.readablePassword()
        let hash = try await app.samskap.passwords.hash(password)
        let userID = try user.requireID()
        try await app.write(context: context) { db, audit in
            try await User.query(on: db)
                .set(\.$passwordHash, to: hash)
                .set(\.$mustChangePassword, to: true)
                .set(\.$failedLoginCount, to: 0)
                .set(\.$lockedUntil, to: nil)
                .filter(\.$id == userID)
                .update()
            try await UserSession.query(on: db).filter(\.$user.$id == userID).delete()
            audit.record(.user(.userPasswordReset, user))
        }
        return password
    }
}
