import Fluent
import Foundation
import Vapor

/// `samskap model …`: check and load method models without a redeploy.
struct ModelCommands: AsyncCommandGroup {
    var help: String { "Metodemodeller: sjekk en fil, last inn en kontorversjon, vis hva som er lastet." }
    var commands: [String: any AnyAsyncCommand] { ["import": Import(), "check": Check(), "list": List()] }

    static func read(_ path: String) throws -> (text: String, name: String) {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("Fant ikke filen \(path).") }
        guard let text = String(data: data, encoding: .utf8) else { throw CommandFailure("\(path) er ikke UTF-8-tekst.") }
        return (text, URL(fileURLWithPath: path).lastPathComponent)
    }

    struct Import: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "file", help: "YAML-filen med modellen") var file: String
            @Option(name: "office", help: "Kontorets enhetsnummer, f.eks. 9901") var office: String?
        }

        var help: String { "Laster inn en metodemodell for ett kontor. Nye forløp på kontoret bruker den; eksisterende forløp beholder sin versjon." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            guard let enhet = signature.office else { throw CommandFailure("Bruk: samskap model import FIL --office ENHET") }
            guard let office = try await Office.query(on: app.db).filter(\.$enhetNumber == enhet).first() else {
                throw CommandFailure("Fant ikke kontor med enhetsnummer \(enhet).")
            }
            let (text, name) = try ModelCommands.read(signature.file)
            do {
                let (outcome, model) = try await MethodModelImport(app: app, context: .cli, actorID: nil, now: app.samskap.clock.now()).run(text: text, fileName: name, office: office)
                switch outcome {
                case .imported:
                    context.console.print("«\(model.name)» versjon \(model.version) er lastet inn for \(office.enhetNumber) \(office.name): \(model.pathwaySteps.count) trinn, \(model.criteria.count) kriterier, \(model.checkedCriteria.count) med regel.")
                case .unchanged:
                    context.console.print("«\(model.name)» versjon \(model.version) var allerede lastet inn for \(office.enhetNumber), med samme innhold.")
                }
            } catch let error as MethodModelError {
                throw CommandFailure("Modellen ble ikke lastet inn: \(error.description)")
            }
        }
    }

    struct Check: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "file", help: "YAML-filen med modellen") var file: String
        }

        var help: String { "Sjekker en modellfil uten å laste den inn." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let (text, name) = try ModelCommands.read(signature.file)
            do {
                let model = try MethodModelParser.parse(text, file: name)
                context.console.print("\(name): «\(model.name)» versjon \(model.version) er gyldig: \(model.steps.count) trinn, \(model.criteria.count) kriterier, \(model.checkedCriteria.count) med regel.")
            } catch let error as MethodModelError {
                throw CommandFailure(error.description)
            }
        }
    }

    struct List: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Viser alle lagrede modellversjoner." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let app = context.application
            let records = try await MethodModelRecord.query(on: app.db).with(\.$office).sort(\.$key).sort(\.$version).all()
            for record in records {
                let owner = record.office.map { "\($0.enhetNumber) \($0.name)" } ?? "levert med Samskap"
                context.console.print("\(record.key) v\(record.version)  \(record.name)  (\(owner), \(record.fileName))")
            }
        }
    }
}

/// `samskap daily`: the daily job, for a cron entry when `serve` does not run it.
struct DailyJobCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "alle", help: "Vurder alle aktive forløp på nytt, ikke bare de der en frist har passert (etter en gjenoppretting, eller for å måle jobbens verste tilfelle)")
        var everything: Bool
        @Option(name: "at", help: "Kjør som om klokken var dette tidspunktet (ISO 8601, f.eks. 2026-12-01T06:00:00Z); for test og ytelsesmåling")
        var at: String?
    }

    var help: String { "Kjører den daglige jobben: forløp der en frist har passert, vurderes på nytt." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var now = app.samskap.clock.now()
        if let at = signature.at {
            guard let parsed = ISO8601DateFormatter().date(from: at) else {
                throw CommandFailure("--at må være et tidspunkt med dato, klokkeslett og tidssone, for eksempel 2026-12-01T06:00:00Z.")
            }
            now = parsed
        }
        let result = try await PathwayDailyJob(app: app).run(now: now, everything: signature.everything)
        context.console.print("\(result.pathways) forløp vurdert på nytt; \(result.nowOverdue) kriterier er nå forfalt i dem. \(result.agreements) avtaler har startet eller sluttet siden sist; varslene i \(result.alerts) forløp er oppdatert.")
    }
}
