@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Admin commands and demo data")
struct CommandTests {
    @Test("samskap demo is idempotent and marks everything it makes as demo")
    func demoIsIdempotent() async throws {
        try await withTestApp(demo: false) { t in
            let first = try await t.run(["demo"])
            #expect(first.contains("Passord for alle demobrukere: \(TestApp.demoPassword)"))
            #expect(first.contains("veileder3"))
            let users = try await User.query(on: t.db).with(\.$roleRows).with(\.$office).all()
            #expect(users.count == 10)
            #expect(users.allSatisfy { $0.isDemo })
            #expect(try await Office.query(on: t.db).all().map(\.enhetNumber).sorted() == ["9901", "9902"])
            let expected: [String: (Role, String?)] = [
                "admin": (.admin, nil), "leder1": (.leder, "9901"), "veileder1": (.veileder, "9901"), "veileder2": (.veileder, "9901"),
                "marked1": (.markedskontakt, "9901"), "leder2": (.leder, "9902"), "veileder3": (.veileder, "9902"),
                // Outside NAV: no office of their own; the inviting office is on their external account.
                "mentor1": (.mentor, nil), "mentor2": (.mentor, nil), "arbeidsgiver1": (.arbeidsgiver, nil),
            ]
            for user in users {
                let (role, office) = try #require(expected[user.username])
                #expect(user.roles == [role])
                #expect(user.office?.enhetNumber == office)
                #expect(!user.mustChangePassword)
            }
            let auditCount = try await AuditEntry.query(on: t.db).count()

            try await t.run(["demo"])
            #expect(try await User.query(on: t.db).count() == 10)
            #expect(try await Office.query(on: t.db).count() == 2)
            #expect(try await AuditEntry.query(on: t.db).count() == auditCount + 1, "a second run only notes that the password was set")
            #expect(try await t.browser().login("marked1").status == .seeOther, "the configured password still opens every demo account")
        }
    }

    @Test("Without a configured password, one is generated once and kept on later runs")
    func generatedPassword() async throws {
        try await withTestApp(demo: false, configure: { $0.demoPassword = nil }) { t in
            let first = try await t.run(["demo"])
            let password = try #require(first.firstMatch(of: /demobrukere: ([a-z0-9-]{19})/)?.1)
            #expect(try await t.browser().login("veileder2", password: String(password)).status == .seeOther)
            let second = try await t.run(["demo"])
            #expect(second.contains("Passordene er uendret"))
            #expect(try await t.browser().login("leder2", password: String(password)).status == .seeOther)
        }
    }

    @Test("samskap demo refuses a database that holds real users, and changes nothing")
    func demoRefusesRealData() async throws {
        try await withTestApp(demo: false) { t in
            try await t.run(["office", "create", "--enhet", "1201", "--name", "NAV Bergenhus"])
            let output = try await t.run(["user", "create", "--username", "ekte", "--role", "veileder", "--office", "1201", "--name", "Ekte Person"])
            #expect(output.contains("Midlertidig passord"))
            let failure = try await #require(throws: CommandFailure.self) { try await t.run(["demo"]) }
            #expect(failure.description.contains("ekte (ikke-demo) brukere"))
            #expect(try await User.query(on: t.db).count() == 1)
            #expect(try await Office.query(on: t.db).count() == 1)
        }
    }

    @Test("samskap user create checks its input and creates a user who must change password")
    func userCreate() async throws {
        try await withTestApp { t in
            let output = try await t.run(["user", "create", "--username", "Leder3", "--role", "leder,veileder", "--office", "9902"])
            let password = try #require(output.firstMatch(of: /byttes ved første innlogging\): ([a-z0-9-]{19})/)?.1)
            let user = try await t.user("leder3")
            #expect(user.roles == [.leder, .veileder])
            #expect(user.mustChangePassword)
            #expect(try await t.app.samskap.passwords.verify(String(password), against: user.passwordHash))
            #expect(try await t.auditEntries(.userCreated).first?.actorUsername == "cli")

            let badRole = try await #require(throws: CommandFailure.self) { try await t.run(["user", "create", "--username", "x1", "--role", "sjef", "--office", "9901"]) }
            #expect(badRole.description.contains("Ukjent rolle «sjef»"))
            let badOffice = try await #require(throws: CommandFailure.self) { try await t.run(["user", "create", "--username", "x1", "--role", "veileder", "--office", "1111"]) }
            #expect(badOffice.description.contains("Fant ikke kontor med enhetsnummer 1111"))
            let noOffice = try await #require(throws: CommandFailure.self) { try await t.run(["user", "create", "--username", "x1", "--role", "veileder"]) }
            #expect(noOffice.description.contains("Velg kontor"))
            let duplicate = try await #require(throws: CommandFailure.self) { try await t.run(["user", "create", "--username", "veileder1", "--role", "veileder", "--office", "9901"]) }
            #expect(duplicate.description.contains("allerede i bruk"))
            #expect(try await User.query(on: t.db).filter(\.$username == "x1").count() == 0)
        }
    }

    @Test("samskap token create prints a working token once")
    func tokenCreate() async throws {
        try await withTestApp { t in
            let output = try await t.run(["token", "create", "--user", "leder1", "--label", "rapportering"])
            let token = try #require(output.firstMatch(of: /smk_[A-Za-z0-9_-]{43}/)).output
            var headers = HTTPHeaders(); headers.bearerAuthorization = .init(token: String(token))
            let me = try await t.browser().get("/api/v1/me", headers: headers)
            #expect(try me.content.decode(MeDTO.self).username == "leder1")
            #expect(try await APIToken.query(on: t.db).first()?.label == "rapportering")
            let unknown = try await #require(throws: CommandFailure.self) { try await t.run(["token", "create", "--user", "ingen"]) }
            #expect(unknown.description.contains("Fant ingen bruker"))
        }
    }

    @Test("samskap daily --alle evaluates every active pathway; --at runs as of a given moment and refuses a bad one")
    func dailyCommand() async throws {
        try await withTestApp { t in
            struct Count: Decodable { var n: Int }
            let active = try await t.sql.raw("SELECT COUNT(*) AS n FROM pathways WHERE status = 'aktiv'").first(decoding: Count.self)!.n
            #expect(active > 0)
            let output = try await t.run(["daily", "--alle", "--at", "2027-01-15T06:00:00Z"])
            #expect(output.contains("\(active) forløp vurdert på nytt"))
            #expect(try await t.auditEntries(.dailyJobRun).last?.detail?.contains("\(active) forløp vurdert på nytt") == true)
            let bad = try await #require(throws: CommandFailure.self) { try await t.run(["daily", "--at", "i morgen"]) }
            #expect(bad.description.contains("--at må være et tidspunkt"))
        }
    }

    @Test("samskap backup copies a consistent SQLite database while the app runs; PostgreSQL gets pg_dump advice")
    func backup() async throws {
        try await withTestApp { t in
            let target = FileManager.default.temporaryDirectory.appendingPathComponent("backup-\(UUID().uuidString).sqlite").path
            defer { try? FileManager.default.removeItem(atPath: target) }
            if TestDatabase.isPostgres {
                let failure = try await #require(throws: CommandFailure.self) { try await t.run(["backup", "--to", target]) }
                #expect(failure.description.contains("pg_dump"))
                #expect(!FileManager.default.fileExists(atPath: target))
                return
            }
            // Writes keep going while the copy is taken.
            async let writes: Void = {
                for index in 0..<20 {
                    try await t.app.audit([AuditEvent(.userRead, objectType: "user", objectID: "b\(index)")], context: .cli)
                }
            }()
            let output = try await t.run(["backup", "--to", target])
            try await writes
            #expect(output.contains("Sikkerhetskopi skrevet til"))
            #expect(FileManager.default.fileExists(atPath: target))

            // The copy opens as a Samskap database with intact data and an intact audit chain.
            let copy = try await Application.make(.testing)
            copy.directory = DirectoryConfiguration(workingDirectory: TestApp.packageRoot)
            copy.logger.logLevel = .warning
            do {
                try await App.configure(copy, config: AppConfig(database: .sqlite(path: target), bcryptCost: 4))
                #expect(try await User.query(on: copy.db).count() == 10)
                let report = try await AuditVerifier(db: copy.db).verify()
                #expect(report.finding == nil)
                #expect(report.checked > 9)
            } catch {
                try? await copy.asyncShutdown()
                throw error
            }
            try await copy.asyncShutdown()

            let again = try await #require(throws: CommandFailure.self) { try await t.run(["backup", "--to", target]) }
            #expect(again.description.contains("finnes allerede"))
            #expect(try await t.auditEntries(.backupTaken).count == 1)
        }
    }
}
