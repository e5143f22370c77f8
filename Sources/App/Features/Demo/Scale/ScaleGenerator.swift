import Fluent
import Foundation
import SQLKit
import Vapor

/// `samskap demo --scale office|county|national`: deterministic synthetic data in bulk. Same
/// spec, seed and anchor day give the same rows, identifiers included. Everything is generated
/// office by office and written through `ScaleWriter`; the derived state (criteria, obligations,
/// alerts, the portfolio's columns) is computed per pathway with the app's own evaluators
/// (`CriterionEvaluator`, `AlertRules`, `AgreementTimeline`) while the pathway is in memory, so it
/// is what the app would store, without reading anything back.
struct ScaleGenerator {
    let app: Application
    let spec: ScaleSpec
    let seed: UInt64
    /// Start of the anchor day (UTC). Every date is relative to it; "now" is noon that day.
    let anchor: Date
    var progress = ScaleProgress()

    struct Summary: Sendable {
        var counts: [(table: String, rows: Int)]
        var seconds: Double
        var password: String?
        var phases: [(name: String, seconds: Double, rows: Int)]
    }

    var now: Date { anchor.addingTimeInterval(12 * 3600) }

    /// The UTC start of the day `text` (YYYY-MM-DD) names, or of today.
    static func anchorDay(_ text: String?) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let text else { return calendar.startOfDay(for: Date()) }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    func run() async throws -> Summary {
        let started = Date()
        let users = try await User.query(on: app.db).count()
        guard users == 0 else { throw ScaleError.notEmpty(users) }
        let configured = app.samskap.config.demoPassword
        let password = configured ?? SecretToken.readablePassword()
        let hash = try await app.samskap.passwords.hash(password)
        var models: [String: (id: UUID, model: MethodModel)] = [:]
        for record in try await app.samskap.methodModels.available(for: nil, on: app.db) {
            models[record.key] = (try record.requireID(), try app.samskap.methodModels.model(record))
        }
        guard !models.isEmpty else { throw ScaleError.noModels }
        let run = ScaleRun(spec: spec, seed: seed, anchor: anchor, now: now, passwordHash: hash, models: models, progress: progress)
        let dialect = DatabaseDialect(app.db)
        try await app.db.withConnection { connection in
            let sql = connection as! any SQLDatabase
            var restore: [String] = []
            if dialect == .sqlite {
                // A bulk load that fails is started again from an empty file: no need to wait for the disk.
                struct Value: Decodable { var synchronous: Int }
                if let current = try await sql.raw("PRAGMA synchronous").first(decoding: Value.self) {
                    restore.append("PRAGMA synchronous=\(current.synchronous)")
                }
                try await sql.raw("PRAGMA synchronous=OFF").run()
                try await sql.raw("PRAGMA cache_size=-262144").run()
                restore.append("PRAGMA cache_size=-2000")
            }
            do {
                try await run.generate(on: sql)
            } catch {
                for statement in restore { try? await sql.raw(SQLQueryString(statement)).run() }
                throw error
            }
            for statement in restore { try await sql.raw(SQLQueryString(statement)).run() }
        }
        let counts = run.writer?.counts ?? [:]
        let total = counts.values.reduce(0, +)
        try await app.write(context: .cli) { _, audit in
            audit.record(AuditEvent(.demoSeeded, detail: "skala: \(spec.offices.count) kontorer, \(total) rader, frø \(seed)"))
        }
        let order = run.writer?.tableOrder ?? []
        return Summary(
            counts: order.compactMap { name in counts[name].map { (name, $0) } },
            seconds: Date().timeIntervalSince(started),
            password: configured == nil ? password : nil,
            phases: progress.phaseTimes
        )
    }

    static func describe(_ summary: Summary, scale: String, databaseName: String) -> String {
        var lines = ["", "Samskap skala-demo «\(scale)» (\(databaseName)) ferdig på \(ScaleProgress.duration(summary.seconds)).", ""]
        lines.append("Rader per tabell:")
        for (table, rows) in summary.counts where rows > 0 {
            lines.append("  " + table.padding(toLength: 32, withPad: " ", startingAt: 0) + ScaleProgress.number(rows).leftPadded(12))
        }
        lines.append("")
        lines.append("Brukere per kontor: v<enhet>-01 … v<enhet>-20 (veileder), l<enhet> (leder), m<enhet> (markedskontakt); admin for hele landet.")
        if let password = summary.password {
            lines.append("Passord for alle demobrukere: \(password)")
        } else {
            lines.append("Passord for alle demobrukere: verdien av SAMSKAP_DEMO_PASSWORD.")
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }
}

enum ScaleError: Error, CustomStringConvertible {
    case notEmpty(Int)
    case noModels
    case badScale(String)
    case badAnchor(String)

    var description: String {
        switch self {
        case let .notEmpty(count):
            "Databasen har allerede \(count) brukere. Skala-demodata legges bare inn i en tom database; bruk for eksempel SAMSKAP_DATABASE_URL=sqlite:skala.sqlite."
        case .noModels:
            "Fant ingen metodemodeller i databasen; kjør `samskap migrate` først."
        case let .badScale(text):
            "Ukjent skala «\(text)». Bruk office, county eller national."
        case let .badAnchor(text):
            "Ugyldig dato «\(text)» for --anchor. Skriv den som ÅÅÅÅ-MM-DD, for eksempel 2025-03-01."
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
