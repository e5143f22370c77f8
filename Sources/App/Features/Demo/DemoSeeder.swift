import Fluent
import SQLKit
import Vapor

/// One part of the demo data. Later features add their own module (candidates, pathways, employers …).
protocol DemoModule: Sendable {
    var name: String { get }
    /// Creates what is missing; must be idempotent.
    func seed(_ context: DemoSeeder.Context) async throws
}

/// Fills an empty database, or one holding only demo data, with synthetic demo data.
/// Refuses to touch a database that holds real (non-demo) users.
struct DemoSeeder {
    /// What modules share while seeding.
    final class Context: @unchecked Sendable {
        let app: Application
        let db: any Database
        let passwordHash: String
        private(set) var createdUsers: [String] = []
        private(set) var offices: [String: Office] = [:]

        init(app: Application, db: any Database, passwordHash: String) {
            self.app = app
            self.db = db
            self.passwordHash = passwordHash
        }

        func noteCreatedUser(_ username: String) { createdUsers.append(username) }
        func remember(_ office: Office) { offices[office.enhetNumber] = office }
        func office(_ enhet: String) throws -> Office {
            guard let office = offices[enhet] else { throw DemoError.missingOffice(enhet) }
            return office
        }
    }

    struct Result: Sendable {
        /// The password all demo users now have, when it was set or changed in this run.
        var password: String?
        var createdUsers: [String]
        var logins: [(username: String, description: String)]
    }

    static let modules: [any DemoModule] = [DemoOfficesAndStaff(), DemoCandidates(), DemoPathways(), DemoEmployers(), DemoFollowUp(), DemoWorkspace(), DemoEmployerWorkspace(), DemoGatherings(), DemoReflection()]

    let app: Application

    func run() async throws -> Result {
        let db = app.db
        let realUsers = try await User.query(on: db).filter(\.$isDemo == false).count()
        guard realUsers == 0 else { throw DemoError.realData(realUsers) }

        let configured = app.samskap.config.demoPassword
        let password = configured ?? SecretToken.readablePassword()
        let hash = try await app.samskap.passwords.hash(password)
        let context = Context(app: app, db: db, passwordHash: hash)
        for module in Self.modules {
            try await module.seed(context)
        }
        // The modules write action items, alerts and criteria directly; the candidates' derived
        // "needs action" moment is computed once from all of them.
        try await app.write(context: .cli) { tx, _ in try await NeedsAction.refreshAll(on: tx as! any SQLDatabase) }
        // One password for every demo user: set it when it was configured or when users were added
        // (a new generated password would otherwise leave older demo users on an unknown one).
        var passwordSet: String?
        if configured != nil || !context.createdUsers.isEmpty {
            try await app.write(context: .cli) { tx, audit in
                try await User.query(on: tx).filter(\.$isDemo == true).set(\.$passwordHash, to: hash).update()
                audit.record(AuditEvent(.demoSeeded, detail: "nye demobrukere: \(context.createdUsers.count)"))
            }
            passwordSet = password
        }
        return Result(password: passwordSet, createdUsers: context.createdUsers, logins: DemoOfficesAndStaff.logins + DemoWorkspace.logins)
    }

    /// True when the database holds no users at all.
    func databaseIsEmpty() async throws -> Bool {
        try await User.query(on: app.db).count() == 0
    }

    static func describe(_ result: Result, databaseName: String) -> String {
        var lines = ["", "Samskap demo (\(databaseName))", ""]
        lines.append("Demobrukere:")
        for login in result.logins {
            lines.append("  \(login.username.padding(toLength: 14, withPad: " ", startingAt: 0)) \(login.description)")
        }
        lines.append("")
        if let password = result.password {
            lines.append("Passord for alle demobrukere: \(password)")
        } else {
            lines.append("Passordene er uendret siden demodataene ble laget. Sett SAMSKAP_DEMO_PASSWORD og kjør `samskap demo` for å velge et nytt.")
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }
}

enum DemoError: Error, CustomStringConvertible {
    case realData(Int)
    case missingOffice(String)

    var description: String {
        switch self {
        case let .realData(count):
            "Databasen har \(count) ekte (ikke-demo) brukere. Demodata legges aldri inn i en database med ekte brukere; bruk en tom database, for eksempel SAMSKAP_DATABASE_URL=sqlite:demo.sqlite."
        case let .missingOffice(enhet):
            "Demokontoret \(enhet) finnes ikke; modulen for kontorer må kjøre først."
        }
    }
}
