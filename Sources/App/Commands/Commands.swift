import Fluent
import Vapor

/// The admin CLI: `samskap <command>`.
enum Commands {
    static func register(on app: Application) {
        // Registered after Fluent's own `migrate`, which asks for confirmation on standard input.
        app.asyncCommands.use(MigrateCommand(), as: "migrate")
        app.asyncCommands.use(DemoCommand(), as: "demo")
        app.asyncCommands.use(UserCommands(), as: "user")
        app.asyncCommands.use(OfficeCommands(), as: "office")
        app.asyncCommands.use(TokenCommands(), as: "token")
        app.asyncCommands.use(AuditCommands(), as: "audit")
        app.asyncCommands.use(BackupCommand(), as: "backup")
        app.asyncCommands.use(ModelCommands(), as: "model")
        app.asyncCommands.use(DailyJobCommand(), as: "daily")
    }
}

/// A command that could not do what was asked; the message says why and what to do.
public struct CommandFailure: Error, CustomStringConvertible {
    public var description: String
    public var exitCode: Int32

    public init(_ description: String, exitCode: Int32 = 1) {
        self.description = description
        self.exitCode = exitCode
    }
}

extension ProblemError {
    /// The problem as a line for the terminal, in bokmål.
    func commandMessage(_ strings: StringTables) -> String {
        let fields = self.fields.map { "\($0.field): \(strings.text($0.key, locale: "nb", args: $0.args))" }
        return ([strings.text(key, locale: "nb", args: args)] + fields).joined(separator: "\n  ")
    }
}

struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Oppdaterer databaseskjemaet (skjer også automatisk ved oppstart)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Startup.migrate(app)
        context.console.print("Databasen er oppdatert (\(app.samskap.config.database.kindName)).")
    }
}

struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "scale", help: "Syntetiske data i stort omfang: office (ett kontor), county (20 kontorer) eller national (300 kontorer)") var scale: String?
        @Option(name: "seed", help: "Frø for tilfeldige data (standard 1); samme frø og dato gir samme data") var seed: String?
        @Option(name: "anchor", help: "Dagen dataene regnes fra, ÅÅÅÅ-MM-DD (standard: dagens dato, UTC)") var anchor: String?
    }
    var help: String { "Legger inn demodata (kun i en database uten ekte brukere). Kan kjøres flere ganger. Med --scale: store mengder syntetiske data i en tom database." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if let scaleName = signature.scale {
            do {
                guard let scale = ScaleSpec.Scale(rawValue: scaleName) else { throw ScaleError.badScale(scaleName) }
                guard let seed = UInt64(signature.seed ?? "1") else { throw CommandFailure("Ugyldig frø «\(signature.seed ?? "")»; bruk et heltall, for eksempel --seed 2.") }
                guard let anchor = ScaleGenerator.anchorDay(signature.anchor) else { throw ScaleError.badAnchor(signature.anchor ?? "") }
                let summary = try await ScaleGenerator(app: app, spec: .named(scale), seed: seed, anchor: anchor).run()
                context.console.print(ScaleGenerator.describe(summary, scale: scale.rawValue, databaseName: app.samskap.config.database.kindName))
            } catch let error as ScaleError {
                throw CommandFailure(error.description)
            }
            return
        }
        do {
            let result = try await DemoSeeder(app: app).run()
            context.console.print(DemoSeeder.describe(result, databaseName: app.samskap.config.database.kindName))
        } catch let error as DemoError {
            throw CommandFailure(error.description)
        }
    }
}

struct UserCommands: AsyncCommandGroup {
    var help: String { "Brukerkontoer." }
    var commands: [String: any AnyAsyncCommand] { ["create": CreateUser()] }

    struct CreateUser: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "username", help: "Brukernavn (små bokstaver, tall, . _ -)") var username: String?
            @Option(name: "role", help: "Rolle: admin, leder, veileder, markedskontakt (flere med komma)") var role: String?
            @Option(name: "office", help: "Kontorets enhetsnummer, f.eks. 9901 (ikke for admin)") var office: String?
            @Option(name: "name", help: "Fullt navn (standard: brukernavnet)") var name: String?
        }

        var help: String { "Oppretter en bruker og skriver ut et midlertidig passord som må byttes ved første innlogging." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            guard let username = signature.username, let roleText = signature.role else {
                throw CommandFailure("Bruk: samskap user create --username NAVN --role ROLLE [--office ENHET] [--name \"Fullt navn\"]")
            }
            var roles: Set<Role> = []
            for raw in roleText.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let role = Role(rawValue: raw), Role.assignableByAdmin.contains(role) else {
                    throw CommandFailure("Ukjent rolle «\(raw)». Gyldige roller: \(Role.assignableByAdmin.map(\.rawValue).joined(separator: ", ")).")
                }
                roles.insert(role)
            }
            var officeID: UUID?
            if let enhet = signature.office {
                guard let office = try await Office.query(on: app.db).filter(\.$enhetNumber == enhet).first() else {
                    throw CommandFailure("Fant ikke kontor med enhetsnummer \(enhet). Opprett det med: samskap office create --enhet \(enhet) --name \"NAV …\"")
                }
                officeID = office.id
            }
            let draft = UserRules.Draft(
                username: UserRules.normalizedUsername(username), displayName: signature.name ?? username, roles: roles, officeID: officeID
            )
            do {
                let created = try await UserAccounts(app: app, context: .cli).create(draft)
                context.console.print("Bruker \(created.user.username) er opprettet.")
                context.console.print("Midlertidig passord (vises bare nå, må byttes ved første innlogging): \(created.temporaryPassword)")
            } catch let problem as ProblemError {
                throw CommandFailure(problem.commandMessage(app.samskap.strings))
            }
        }
    }
}

struct OfficeCommands: AsyncCommandGroup {
    var help: String { "Kontorer (enheter)." }
    var commands: [String: any AnyAsyncCommand] { ["create": CreateOffice()] }

    struct CreateOffice: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "enhet", help: "Fire sifre, f.eks. 1201") var enhet: String?
            @Option(name: "name", help: "Navn, f.eks. \"NAV Bergenhus\"") var name: String?
        }

        var help: String { "Oppretter et kontor." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            guard let enhet = signature.enhet, let name = signature.name else {
                throw CommandFailure("Bruk: samskap office create --enhet 1234 --name \"NAV …\"")
            }
            do {
                let office = try await OfficeRegistry(app: app, context: .cli).create(enhetNumber: enhet, name: name)
                context.console.print("Kontor \(office.enhetNumber) \(office.name) er opprettet.")
            } catch let problem as ProblemError {
                throw CommandFailure(problem.commandMessage(app.samskap.strings))
            }
        }
    }
}

struct TokenCommands: AsyncCommandGroup {
    var help: String { "Personlige API-tokens." }
    var commands: [String: any AnyAsyncCommand] { ["create": CreateToken()] }

    struct CreateToken: AsyncCommand {
        struct Signature: CommandSignature {
            @Option(name: "user", help: "Brukernavnet tokenet gjelder for") var user: String?
            @Option(name: "label", help: "Hva tokenet brukes til") var label: String?
        }

        var help: String { "Lager et API-token og skriver det ut én gang. Kan trekkes tilbake på brukerens side." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            guard let username = signature.user else { throw CommandFailure("Bruk: samskap token create --user BRUKERNAVN [--label \"til hva\"]") }
            let issued = try await APITokens(app: app, context: .cli).issue(username: UserRules.normalizedUsername(username), label: signature.label)
            context.console.print("Token for \(username) (vises bare nå; lagres kun som hash):")
            context.console.print(issued)
        }
    }
}

/// Issuing API tokens.
struct APITokens {
    static let prefix = "smk_"
    let app: Application
    let context: AuditContext

    func issue(username: String, label: String?) async throws -> String {
        guard let user = try await User.query(on: app.db).filter(\.$username == username).first(), let userID = user.id else {
            throw CommandFailure("Fant ingen bruker med brukernavnet «\(username)».")
        }
        guard user.isActive else { throw CommandFailure("Brukeren \(username) er deaktivert.") }
        let token = Self.prefix + SecretToken.generate()
        let record = APIToken(
            userID: userID, label: String((label ?? "API-token").prefix(100)), tokenHash: SecretToken.digest(token),
            prefix: String(token.prefix(10)), now: app.samskap.clock.now()
        )
        try await app.write(context: context) { db, audit in
            try await record.create(on: db)
            audit.record(AuditEvent(.tokenCreated, objectType: AuditObjectType.apiToken, objectID: record.id?.uuidString, officeID: user.$office.id, detail: "for \(username)"))
        }
        return token
    }
}

struct AuditCommands: AsyncCommandGroup {
    var help: String { "Revisjonsloggen." }
    var commands: [String: any AnyAsyncCommand] { ["verify": Verify()] }

    struct Verify: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Kontrollerer hash-kjeden. Avslutter med feilkode og navngir første ødelagte oppføring hvis noe er endret eller slettet." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let report = try await AuditVerifier(db: context.application.db).verify()
            if let finding = report.finding {
                throw CommandFailure("Revisjonsloggen er IKKE intakt: \(finding.description). \(report.checked) oppføringer før den var i orden.", exitCode: 2)
            }
            context.console.print("Revisjonsloggen er intakt: \(report.checked) oppføringer. Siste hash: \(report.lastHash)")
        }
    }
}

struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "to", help: "Filen sikkerhetskopien skrives til (må ikke finnes fra før)") var to: String?
    }

    var help: String { "Tar en konsistent kopi av SQLite-databasen mens serveren kjører. For PostgreSQL: bruk pg_dump." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let target = signature.to, !target.isEmpty else { throw CommandFailure("Bruk: samskap backup --to FIL") }
        switch app.samskap.config.database {
        case .postgres:
            throw CommandFailure("""
            Databasen er PostgreSQL. Ta sikkerhetskopi med PostgreSQLs eget verktøy, som gir en konsistent kopi mens Samskap kjører:
              pg_dump --format=custom --file "\(target)" "$SAMSKAP_DATABASE_URL"
            Gjenopprett med: pg_restore --clean --dbname "$SAMSKAP_DATABASE_URL" "\(target)"
            """)
        case .sqlite:
            let written = try await SQLiteBackup(app: app).copy(to: target)
            context.console.print("Sikkerhetskopi skrevet til \(written) (\(ByteCountFormatter.string(fromByteCount: Int64((try? FileManager.default.attributesOfItem(atPath: written)[.size] as? Int) ?? 0), countStyle: .file))).")
        }
    }
}
