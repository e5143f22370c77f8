@testable import App
import Foundation
import Testing

@Suite("Domain rules without HTTP or database")
struct DomainRulesTests {
    @Test("The audit hash covers every field and the previous hash")
    func auditHashCoversEverything() {
        let base = AuditHash.Content(
            seq: 7, occurredAtMillis: 1_790_000_000_123, actorUserID: UUID(), actorUsername: "veileder1",
            action: "user.read", objectType: "user", objectID: "abc", officeID: UUID(), outcome: "allowed",
            requestID: "r-1", detail: "æøå"
        )
        let hash = AuditHash.compute(previous: AuditHash.genesis, content: base)
        #expect(hash.count == 64)
        #expect(hash == AuditHash.compute(previous: AuditHash.genesis, content: base))
        #expect(hash != AuditHash.compute(previous: String(repeating: "1", count: 64), content: base))
        var changes: [AuditHash.Content] = []
        var c = base; c.seq = 8; changes.append(c)
        c = base; c.occurredAtMillis += 1; changes.append(c)
        c = base; c.actorUsername = "veileder2"; changes.append(c)
        c = base; c.action = "user.created"; changes.append(c)
        c = base; c.objectID = "abd"; changes.append(c)
        c = base; c.outcome = "denied"; changes.append(c)
        c = base; c.detail = nil; changes.append(c)
        c = base; c.requestID = nil; changes.append(c)
        for changed in changes {
            #expect(AuditHash.compute(previous: AuditHash.genesis, content: changed) != hash)
        }
        // Moving text between neighbouring fields must change the hash too.
        var left = base; left.objectType = "us"; left.objectID = "erabc"
        #expect(AuditHash.compute(previous: AuditHash.genesis, content: left) != hash)
    }

    @Test("Dates survive the trip to the database at millisecond precision")
    func millisecondTruncation() {
        let date = Date(timeIntervalSince1970: 1_790_000_000.123456)
        let truncated = AuditHash.truncatedToMillis(date)
        #expect(AuditHash.millis(truncated) == 1_790_000_000_123)
        #expect(AuditHash.millis(truncated.addingTimeInterval(0.0004)) == 1_790_000_000_123)
    }

    @Test("Passwords: length, username and confirmation")
    func passwordPolicy() {
        #expect(PasswordPolicy.problems(password: "kort", confirmation: "kort", username: "vera") == [.tooShort])
        #expect(PasswordPolicy.problems(password: "vera-sitt-passord", confirmation: "vera-sitt-passord", username: "vera") == [.sameAsUsername])
        #expect(PasswordPolicy.problems(password: "en lang setning å huske", confirmation: "en annen setning", username: "vera") == [.mismatch])
        #expect(PasswordPolicy.problems(password: "en lang setning å huske", confirmation: "en lang setning å huske", username: "vera").isEmpty)
        let long = String(repeating: "x", count: 129)
        #expect(PasswordPolicy.problems(password: long, confirmation: long, username: "vera") == [.tooLong])
    }

    @Test("Usernames, unit numbers and roles")
    func userRules() {
        #expect(UserRules.isValidUsername("veileder1"))
        #expect(UserRules.isValidUsername("ola.nordmann"))
        #expect(!UserRules.isValidUsername("1veileder"))
        #expect(!UserRules.isValidUsername("Veileder"))
        #expect(!UserRules.isValidUsername("v"))
        #expect(!UserRules.isValidUsername("vera<script>"))
        #expect(!UserRules.isValidUsername("æøå"))
        #expect(!UserRules.isValidUsername(String(repeating: "a", count: 33)))
        #expect(UserRules.isValidEnhetNumber("9901"))
        #expect(!UserRules.isValidEnhetNumber("990"))
        #expect(!UserRules.isValidEnhetNumber("99a1"))
        #expect(!UserRules.isValidEnhetNumber("٩٩٠١")) // Arabic-Indic digits are not NAV unit numbers

        let office = UUID()
        let valid = UserRules.Draft(username: "vera", displayName: "Vera", roles: [.veileder], officeID: office)
        #expect(UserRules.problems(valid).isEmpty)
        var noOffice = valid; noOffice.officeID = nil
        #expect(UserRules.problems(noOffice).map(\.field) == ["officeID"])
        var admin = noOffice; admin.roles = [.admin]
        #expect(UserRules.problems(admin).isEmpty)
        var mentor = valid; mentor.roles = [.mentor]
        #expect(UserRules.problems(mentor).map(\.key) == ["user.error.role_external"])
        var none = valid; none.roles = []
        #expect(UserRules.problems(none).map(\.key) == ["user.error.roles_missing"])
    }

    @Test("SAMSKAP_DATABASE_URL chooses the database")
    func databaseLocation() throws {
        #expect(try DatabaseLocation.parse(nil) == .sqlite(path: "samskap.sqlite"))
        #expect(try DatabaseLocation.parse("sqlite:/var/lib/samskap/data.sqlite") == .sqlite(path: "/var/lib/samskap/data.sqlite"))
        #expect(try DatabaseLocation.parse("sqlite://data.sqlite") == .sqlite(path: "data.sqlite"))
        #expect(try DatabaseLocation.parse("postgres://u:p@db:5432/samskap") == .postgres(url: "postgres://u:p@db:5432/samskap"))
        #expect(throws: ConfigError.self) { try DatabaseLocation.parse("mysql://x") }
        #expect(throws: ConfigError.self) { try DatabaseLocation.parse("sqlite:") }
    }

    @Test("Configuration is read from the environment and checked")
    func configuration() throws {
        let config = try AppConfig.fromEnvironment([
            "SAMSKAP_SECURE_COOKIES": "1", "SAMSKAP_SESSION_IDLE_MINUTES": "45", "SAMSKAP_DEMO_PASSWORD": "et langt demopassord",
        ])
        #expect(config.secureCookies)
        #expect(config.sessionIdleTimeout == 45 * 60)
        #expect(config.demoPassword == "et langt demopassord")
        #expect(try AppConfig.fromEnvironment([:]).sessionIdleTimeout == 30 * 60)
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["SAMSKAP_SESSION_IDLE_MINUTES": "null"]) }
        #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(["SAMSKAP_DEMO_PASSWORD": "kort"]) }
    }

    @Test("Accept-Language picks bokmål or English by quality")
    func languageNegotiation() {
        #expect(StringTables.negotiate(acceptLanguage: "en-GB,en;q=0.9") == "en")
        #expect(StringTables.negotiate(acceptLanguage: "nn-NO,en;q=0.5") == "nb")
        #expect(StringTables.negotiate(acceptLanguage: "de-DE, en;q=0.8, nb;q=0.9") == "nb")
        #expect(StringTables.negotiate(acceptLanguage: "fr") == nil)
        #expect(StringTables.negotiate(acceptLanguage: "en;q=0, no") == "nb")
        #expect(StringTables.negotiate(acceptLanguage: nil) == nil)
    }

    @Test("Secrets are random and stored as digests")
    func secrets() {
        let a = SecretToken.generate(), b = SecretToken.generate()
        #expect(a != b)
        #expect(a.count == 43)
        #expect(SecretToken.digest(a).count == 64)
        #expect(SecretToken.digest(a) != a)
        #expect(SecretToken.constantTimeEquals(a, a))
        #expect(!SecretToken.constantTimeEquals(a, b))
        #expect(SecretToken.readablePassword().count == 19)
    }

    @Test("Only local paths are followed after login")
    func safeNext() {
        #expect(AuthController.safeNext("/kontor") == "/kontor")
        #expect(AuthController.safeNext("//evil.example") == nil)
        #expect(AuthController.safeNext("https://evil.example") == nil)
        #expect(AuthController.safeNext("/\\evil.example") == nil)
        #expect(AuthController.safeNext("/logg-ut") == nil)
        #expect(AuthController.safeNext("/\t/evil.example") == nil)
        #expect(AuthController.safeNext("/\n/evil.example") == nil)
        #expect(AuthController.safeNext("/ /evil.example") == nil)
        #expect(AuthController.safeNext("/admin/brukere?q=vera&kontor=1") == "/admin/brukere?q=vera&kontor=1")
    }

    @Test("A held meeting is a workplace contact when a mentor or the employer took part, whatever the names say")
    func meetingAtTheWorkplace() {
        func stored(_ participants: [MeetingParticipant]) -> String {
            let meeting = Meeting()
            meeting.participants = participants
            return meeting.participantsJSON
        }
        #expect(!Meeting.includesWorkplace(participantsJSON: stored([.init(role: .counselor), .init(role: .candidate)])))
        #expect(Meeting.includesWorkplace(participantsJSON: stored([.init(role: .counselor), .init(role: .mentor)])))
        #expect(Meeting.includesWorkplace(participantsJSON: stored([.init(role: .employer, name: "Kari")])))
        // The words in a name alone do not count.
        #expect(!Meeting.includesWorkplace(participantsJSON: stored([.init(role: .other, name: "mentor og arbeidsgiver")])))
        #expect(!Meeting.includesWorkplace(participantsJSON: stored([])))
        // Unreadable text counts as no participants, as `participants` reads it.
        #expect(!Meeting.includesWorkplace(participantsJSON: "[{\"role\":\"mentor\""))
        #expect(!Meeting.includesWorkplace(participantsJSON: ""))
        // As `participants` reads it: a list it cannot read names no one.
        #expect(!Meeting.includesWorkplace(participantsJSON: "[{\"role\":\"mentor\",\"name\":5}]"))
        #expect(!Meeting.includesWorkplace(participantsJSON: "[{\"role\":\"mentor\"},{\"role\":\"sjef\"}]"))
        #expect(Meeting.includesWorkplace(participantsJSON: "[ { \"role\" : \"arbeidsgiver\" } ]"))
    }
}
