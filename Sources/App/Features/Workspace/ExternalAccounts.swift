import Fluent
import SQLKit
import Vapor

/// The confidentiality declaration (taushetserklæring) a person outside NAV accepts before they
/// see anything. Its text is in the string tables (`declaration.*`); a new text gets a new version,
/// and everyone accepts again.
enum ConfidentialityDeclaration {
    static let version = 1
    /// The paragraphs of the current version, as string keys.
    static let paragraphKeys = (1...5).map { "declaration.v1.p\($0)" }
}

extension AuditAction {
    static let invitationSent: AuditAction = "workspace.invitation_sent"
    static let invitationAccepted: AuditAction = "workspace.invitation_accepted"
    static let invitationRefused: AuditAction = "workspace.invitation_refused"
    static let declarationAccepted: AuditAction = "workspace.declaration_accepted"
    static let loginCodeSent: AuditAction = "auth.login_code_sent"
}

/// What an invitation, a new external account and a one-time code must look like. Pure checks.
enum ExternalAccountRules {
    static let invitationLifetime: TimeInterval = 7 * 24 * 3600
    static let codeLifetime: TimeInterval = 10 * 60
    static let maxCodeAttempts = 5
    /// Codes one account may ask for within `codeWindow`, so nobody can flood a mailbox.
    static let maxCodesPerWindow = 3
    static let codeWindow: TimeInterval = 15 * 60

    static func email(_ raw: String?, field: String = "email", _ issues: inout EmployerRules.Issues) -> String? {
        guard let value = EmployerRules.text(raw, field, max: 254, required: true, &issues)?.lowercased() else { return nil }
        guard CandidateRules.isEmail(value), !value.contains("\r"), !value.contains("\n") else {
            issues.append(.init(field, "candidate.error.email"))
            return nil
        }
        return value
    }

    /// A username suggestion from a name: "Kari Nordmann" → "kari.nordmann" (æøå spelt out).
    static func suggestedUsername(_ name: String) -> String {
        let spelt = name.lowercased()
            .replacingOccurrences(of: "æ", with: "ae").replacingOccurrences(of: "ø", with: "o").replacingOccurrences(of: "å", with: "a")
            .folding(options: .diacriticInsensitive, locale: Locale(identifier: "nb_NO"))
        let parts = spelt.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { String($0.filter { $0.isASCII }) }.filter { !$0.isEmpty }
        let joined = [parts.first, parts.count > 1 ? parts.last : nil].compactMap { $0 }.joined(separator: ".")
        let candidate = String(joined.prefix(32))
        return UserRules.isValidUsername(candidate) ? candidate : ""
    }

    /// Six digits, from the system's secure generator.
    static func newCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
    }

    /// The digest stored for a code: bound to the user, so equal codes of two people differ.
    static func codeDigest(_ code: String, userID: UUID) -> String {
        SecretToken.digest("\(userID.uuidString):\(code)")
    }
}

/// Invitations, new external accounts, one-time codes and the declaration. Every change and its
/// audit entry in one transaction; e-mail goes out after the commit.
struct ExternalAccounts: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    struct Sent: Sendable {
        var invitation: Invitation
        /// The link in the e-mail; returned only so the demo log and tests can follow it.
        var link: String
    }

    // MARK: - Invitations (by office staff)

    /// Invites a mentor linked to the pathway. The mentor must not have an account already: a
    /// mentor with one sees every pathway they are linked to.
    func inviteMentor(_ opened: OpenedPathway, mentorID: UUID, email rawEmail: String?, baseURL: String) async throws -> Sent {
        guard opened.mayChange else { throw ProblemError(.conflict, key: "pathway.error.closed") }
        let pathway = opened.pathway
        let pathwayID = opened.id
        guard let mentor = try await Mentor.find(mentorID, on: app.db), mentor.$office.id == pathway.$office.id else {
            throw ProblemError.validation([.init("mentorId", "agreement.error.mentor")])
        }
        let linked = try await PathwayMentor.query(on: app.db).filter(\.$pathway.$id == pathwayID).filter(\.$mentor.$id == mentorID)
            .filter(\.$toDate == nil).count() > 0
        guard linked else { throw ProblemError.validation([.init("mentorId", "invitation.error.not_linked")]) }
        var issues: EmployerRules.Issues = []
        let email = ExternalAccountRules.email(PathwayRules.trimmed(rawEmail) ?? mentor.email, &issues)
        guard issues.isEmpty, let email else { throw ProblemError.validation(issues) }
        let invitation = Invitation()
        invitation.$office.id = pathway.$office.id
        invitation.role = .mentor
        invitation.$employer.id = mentor.$employer.id
        invitation.$mentor.id = mentorID
        invitation.$pathway.id = pathwayID
        invitation.name = mentor.name
        invitation.email = email
        return try await send(invitation, accountFilter: { $0.filter(\.$mentor.$id == mentorID) },
                              pending: { $0.filter(\.$mentor.$id == mentorID) }, candidateID: pathway.$candidate.id, baseURL: baseURL)
    }

    /// Invites a contact person of the agreement's employer.
    func inviteEmployerContact(_ snapshot: AgreementSnapshot, _ opened: OpenedPathway, contactID: UUID, email rawEmail: String?, baseURL: String) async throws -> Sent {
        guard opened.mayChange else { throw ProblemError(.conflict, key: "pathway.error.closed") }
        let agreement = snapshot.agreement
        guard let contact = try await EmployerContact.find(contactID, on: app.db), contact.$employer.id == agreement.$employer.id, contact.removedAt == nil else {
            throw ProblemError.validation([.init("contactId", "invitation.error.contact")])
        }
        var issues: EmployerRules.Issues = []
        let email = ExternalAccountRules.email(PathwayRules.trimmed(rawEmail) ?? contact.email, &issues)
        guard issues.isEmpty, let email else { throw ProblemError.validation(issues) }
        let invitation = Invitation()
        invitation.$office.id = agreement.$office.id
        invitation.role = .arbeidsgiver
        invitation.$employer.id = agreement.$employer.id
        invitation.$employerContact.id = contactID
        invitation.$pathway.id = agreement.$pathway.id
        invitation.$agreement.id = try agreement.requireID()
        invitation.name = contact.name
        invitation.email = email
        return try await send(invitation, accountFilter: { $0.filter(\.$employerContact.$id == contactID) },
                              pending: { $0.filter(\.$employerContact.$id == contactID) }, candidateID: agreement.$candidate.id, baseURL: baseURL)
    }

    private func send(_ invitation: Invitation, accountFilter: @escaping @Sendable (QueryBuilder<ExternalAccount>) -> QueryBuilder<ExternalAccount>,
                      pending: @escaping @Sendable (QueryBuilder<Invitation>) -> QueryBuilder<Invitation>,
                      candidateID: UUID, baseURL: String) async throws -> Sent {
        let token = SecretToken.generate()
        invitation.tokenHash = SecretToken.digest(token)
        invitation.createdAt = now
        invitation.$createdBy.id = actorID
        invitation.expiresAt = now.addingTimeInterval(ExternalAccountRules.invitationLifetime)
        let now = now
        try await app.write(context: context) { db, audit in
            if try await accountFilter(ExternalAccount.query(on: db)).count() > 0 {
                throw ProblemError(.conflict, key: "invitation.error.has_account")
            }
            // Only the newest link works.
            try await pending(Invitation.query(on: db)).filter(\.$usedAt == nil).filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
            try await invitation.create(on: db)
            audit.record(AuditEvent(.invitationSent, objectType: AuditObjectType.candidate, objectID: candidateID.uuidString,
                                    officeID: invitation.$office.id, detail: "\(invitation.role.rawValue) invitasjon \(invitation.id!.uuidString)"))
        }
        let link = "\(baseURL)/invitasjon/\(token)"
        let t = { (key: String, args: [String]) in app.samskap.strings.text(key, locale: "nb", args: args) }
        do {
            try await app.samskap.mail.send(Mail(
                to: invitation.email, subject: t("invitation.mail.subject", []),
                body: t(invitation.role == .mentor ? "invitation.mail.body_mentor" : "invitation.mail.body_employer",
                        [invitation.name, link, DisplayDate.date(invitation.expiresAt)])
            ))
        } catch {
            // A link nobody received must not stay usable.
            let id = try invitation.requireID()
            try await app.write(context: context) { db, _ in
                try await Invitation.query(on: db).filter(\.$id == id).set(\.$revokedAt, to: now).update()
            }
            app.logger.error("Invitasjon kunne ikke sendes: \(String(describing: error))")
            throw ProblemError(.badGateway, key: "invitation.error.mail")
        }
        return Sent(invitation: invitation, link: link)
    }

    // MARK: - Accepting (no one signed in)

    /// The invitation behind a link, when it can still be used.
    static func usable(token: String, on db: any Database, now: Date) async throws -> Invitation? {
        guard token.count < 100, let invitation = try await Invitation.query(on: db).filter(\.$tokenHash == SecretToken.digest(token)).first(),
              invitation.usedAt == nil, invitation.revokedAt == nil, invitation.expiresAt > now else { return nil }
        return invitation
    }

    struct NewAccount: Sendable {
        var username: String
        var password: String
        var confirmation: String
    }

    /// Creates the account the invitation is for and uses the invitation up. Returns the session
    /// secret of the new person's first session.
    static func accept(token: String, _ form: NewAccount, app: Application, requestID: String?) async throws -> String {
        let now = app.samskap.clock.now()
        let username = UserRules.normalizedUsername(form.username)
        var issues: EmployerRules.Issues = []
        if !UserRules.isValidUsername(username) { issues.append(.init("username", "user.error.username")) }
        for problem in PasswordPolicy.problems(password: form.password, confirmation: form.confirmation, username: username) {
            issues.append(.init(problem == .mismatch ? "confirmation" : "password", problem.messageKey, String(PasswordPolicy.minimumLength)))
        }
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        let hash = try await app.samskap.passwords.hash(form.password)
        let digest = SecretToken.digest(token)
        let context = AuditContext(actorUserID: nil, actorUsername: username, requestID: requestID)
        return try await app.write(context: context) { db, audit in
            guard let invitation = try await Invitation.query(on: db).filter(\.$tokenHash == digest).first() else { throw Abort(.notFound) }
            try await DatabaseDialect(db).lockRow("invitations", id: invitation.requireID(), on: db)
            // Read again under the lock: two tabs submitting the same link create one account.
            guard let fresh = try await Invitation.find(invitation.requireID(), on: db),
                  fresh.usedAt == nil, fresh.revokedAt == nil, fresh.expiresAt > now else { throw Abort(.gone) }
            if try await User.query(on: db).filter(\.$username == username).count() > 0 {
                throw ProblemError.validation([.init("username", "user.error.username_taken")])
            }
            let taken = try await ExternalAccount.query(on: db).group(.or) { group in
                if let mentorID = fresh.$mentor.id { group.filter(\.$mentor.$id == mentorID) }
                if let contactID = fresh.$employerContact.id { group.filter(\.$employerContact.$id == contactID) }
            }.count()
            guard taken == 0 else { throw ProblemError(.conflict, key: "invitation.error.has_account") }
            let user = User(username: username, displayName: fresh.name, officeID: nil, passwordHash: hash, mustChangePassword: false)
            try await user.create(on: db)
            let userID = try user.requireID()
            try await UserRole(userID: userID, role: fresh.role).create(on: db)
            let account = ExternalAccount()
            account.$user.id = userID
            account.role = fresh.role
            account.$office.id = fresh.$office.id
            account.$employer.id = fresh.$employer.id
            account.$mentor.id = fresh.$mentor.id
            account.$employerContact.id = fresh.$employerContact.id
            account.email = fresh.email
            account.createdAt = now
            try await account.create(on: db)
            fresh.usedAt = now
            fresh.$user.id = userID
            try await fresh.save(on: db)
            audit.record(.user(.userCreated, user, detail: "roller: \(fresh.role.rawValue); invitasjon \(fresh.id!.uuidString)"))
            audit.record(.user(.invitationAccepted, user, detail: "kontor \(fresh.$office.id.uuidString)"))
            audit.record(.user(.login, user, detail: "første innlogging"))
            return try await SessionStore.create(userID: userID, on: db, now: now, idleTimeout: app.samskap.config.sessionIdleTimeout)
        }
    }

    // MARK: - One-time codes (the second way in)

    /// Sends a code to the e-mail address of an external account. Says nothing about whether the
    /// username exists: the page answers the same either way.
    static func sendCode(username raw: String, app: Application, requestID: String?) async throws {
        let username = UserRules.normalizedUsername(raw)
        let now = app.samskap.clock.now()
        guard UserRules.isValidUsername(username),
              let user = try await User.query(on: app.db).filter(\.$username == username).with(\.$roleRows).first(), user.isActive,
              let userID = user.id, !user.roles.isEmpty, user.roles.allSatisfy({ !$0.isInternal }),
              let account = try await ExternalAccount.query(on: app.db).filter(\.$user.$id == userID).first()
        else { return }
        let context = AuditContext(actorUserID: userID, actorUsername: username, requestID: requestID)
        let code = ExternalAccountRules.newCode()
        let sent = try await app.write(context: context) { db, audit in
            // Parallel requests for the same account count one after the other.
            try await DatabaseDialect(db).lockRow("users", id: userID, on: db)
            let recent = try await LoginCode.query(on: db).filter(\.$user.$id == userID)
                .filter(\.$createdAt > now.addingTimeInterval(-ExternalAccountRules.codeWindow)).count()
            guard recent < ExternalAccountRules.maxCodesPerWindow else {
                audit.record(.user(.loginCodeSent, user, detail: "for mange koder; ikke sendt", outcome: .denied))
                return false
            }
            // Earlier codes stop working when a new one is sent.
            try await LoginCode.query(on: db).filter(\.$user.$id == userID).filter(\.$usedAt == nil).set(\.$usedAt, to: now).update()
            let row = LoginCode()
            row.$user.id = userID
            row.codeHash = ExternalAccountRules.codeDigest(code, userID: userID)
            row.createdAt = now
            row.expiresAt = now.addingTimeInterval(ExternalAccountRules.codeLifetime)
            row.attempts = 0
            try await row.create(on: db)
            audit.record(.user(.loginCodeSent, user))
            return true
        }
        guard sent else { return }
        let t = { (key: String, args: [String]) in app.samskap.strings.text(key, locale: user.locale ?? "nb", args: args) }
        do {
            try await app.samskap.mail.send(Mail(to: account.email, subject: t("login_code.mail.subject", []),
                                                 body: t("login_code.mail.body", [code, String(Int(ExternalAccountRules.codeLifetime / 60))])))
        } catch {
            // The page answers the same as for an unknown username; the failure is for the log.
            app.logger.error("Engangskode kunne ikke sendes: \(String(describing: error))")
        }
    }

    enum CodeOutcome: Equatable {
        case success(sessionSecret: String)
        case invalid
        case locked
    }

    /// Signs in with a code. Wrong codes count against the account like wrong passwords, and a
    /// code takes at most `maxCodeAttempts` tries.
    static func signIn(username raw: String, code rawCode: String, app: Application, requestID: String?) async throws -> CodeOutcome {
        let username = UserRules.normalizedUsername(raw)
        let code = rawCode.filter(\.isNumber)
        let now = app.samskap.clock.now()
        guard UserRules.isValidUsername(username), code.count == 6,
              let user = try await User.query(on: app.db).filter(\.$username == username).with(\.$roleRows).first(), user.isActive, let userID = user.id,
              !user.roles.isEmpty, user.roles.allSatisfy({ !$0.isInternal }),
              try await ExternalAccount.query(on: app.db).filter(\.$user.$id == userID).count() > 0
        else {
            try await app.audit([AuditEvent(.loginFailed, outcome: .denied, detail: "engangskode: ukjent eller ugyldig")],
                                context: AuditContext(actorUserID: nil, actorUsername: UserRules.isValidUsername(username) ? username : nil, requestID: requestID))
            return .invalid
        }
        let context = AuditContext(actorUserID: userID, actorUsername: username, requestID: requestID)
        let reservation = try await LoginAttempts.reserve(userID: userID, now: now, config: app.samskap.config, app: app, context: context)
        if case .locked = reservation { return .locked }
        let digest = ExternalAccountRules.codeDigest(code, userID: userID)
        return try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow("users", id: userID, on: db)
            guard let row = try await LoginCode.query(on: db).filter(\.$user.$id == userID).filter(\.$usedAt == nil)
                .filter(\.$expiresAt > now).sort(\.$createdAt, .descending).first() else {
                audit.record(.user(.loginFailed, user, detail: "engangskode: ingen gyldig kode", outcome: .denied))
                return .invalid
            }
            row.attempts += 1
            let matches = SecretToken.constantTimeEquals(row.codeHash, digest)
            if matches || row.attempts >= ExternalAccountRules.maxCodeAttempts { row.usedAt = now }
            try await row.save(on: db)
            guard matches else {
                audit.record(.user(.loginFailed, user, detail: "engangskode: feil kode", outcome: .denied))
                if case .lastAttempt = reservation { return .locked }
                return .invalid
            }
            try await User.query(on: db).set(\.$failedLoginCount, to: 0).set(\.$lockedUntil, to: nil).set(\.$lastLoginAt, to: now)
                .filter(\.$id == userID).update()
            audit.record(.user(.login, user, detail: "engangskode"))
            return .success(sessionSecret: try await SessionStore.create(userID: userID, on: db, now: now, idleTimeout: app.samskap.config.sessionIdleTimeout))
        }
    }

    // MARK: - The declaration

    func acceptDeclaration(userID: UUID) async throws {
        let now = now
        try await app.write(context: context) { db, audit in
            let already = try await DeclarationAcceptance.query(on: db).filter(\.$user.$id == userID)
                .filter(\.$version == ConfidentialityDeclaration.version).count()
            guard already == 0 else { return }
            let row = DeclarationAcceptance()
            row.$user.id = userID
            row.version = ConfidentialityDeclaration.version
            row.acceptedAt = now
            try await row.create(on: db)
            audit.record(AuditEvent(.declarationAccepted, objectType: AuditObjectType.user, objectID: userID.uuidString,
                                    detail: "versjon \(ConfidentialityDeclaration.version)"))
        }
    }
}
