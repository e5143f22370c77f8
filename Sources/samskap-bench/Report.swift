import App
import Foundation

/// Everything one run measured; written as `bench-<timestamp>.json`.
struct BenchReport: Codable {
    struct Machine: Codable {
        var cpuModel: String
        var cores: Int
        var memoryMB: Int
        var kernel: String
        var swiftVersion: String
        var serverBinary: String
        var buildConfiguration: String
    }

    struct Settings: Codable {
        var scale: String
        var dataGenerator: String
        var durationSeconds: Int
        var warmupSeconds: Int
        var smoke: Bool
        var reuseDatabase: Bool
        var counselor: String
        var leader: String
        var wrkThreadsAtConcurrency32: Int
    }

    struct ScenarioResult: Codable {
        var id: String
        var title: String
        /// What was sent, e.g. `GET /api/v1/portfolio` or `POST /api/v1/pathways/{id}/contacts`.
        var request: String
        var concurrency: Int
        var requests: Int
        var successful: Int
        var durationSeconds: Double
        var requestsPerSecond: Double
        /// Completed operations per second when an operation takes several requests.
        var operationsPerSecond: Double?
        var p50Ms: Double
        var p95Ms: Double
        var p99Ms: Double
        var maxMs: Double
        /// Non-2xx responses plus socket errors and timeouts.
        var errors: Int
        var firstError: String?
        var poolSize: Int?
        var serverPeakRSSDuringRunMB: Double?
        var note: String?
    }

    struct DailyJob: Codable {
        var seconds: Double
        var pathwaysEvaluated: Int?
        var output: String
    }

    struct Memory: Codable {
        /// `VmHWM` from /proc/<pid>/status at the end: the server's peak resident memory.
        var peakRSSMB: Double
        /// The highest `VmRSS` sampled (every 200 ms) while scenarios ran.
        var sampledPeakRSSMB: Double
        var samples: Int
    }

    struct Target: Codable {
        var id: String
        var description: String
        var value: String
        /// nil when not judged (smoke runs) or not measurable in this run.
        var met: Bool?
    }

    struct DatabaseRun: Codable {
        var database: String
        var location: String
        var generationSeconds: Double?
        var dataSummary: String
        /// `samskap daily --alle`: every active pathway evaluated again (the target's worst case).
        var dailyJob: DailyJob?
        /// `samskap daily` as it runs each day: the pathways whose deadlines passed since the anchor day.
        var dailyRoutine: DailyJob? = nil
        var scenarios: [ScenarioResult]
        var memory: Memory?
        var targets: [Target]
        var serverLog: String
    }

    var startedAt: String
    var finishedAt: String
    var machine: Machine
    var settings: Settings
    var warmth: String
    var databases: [DatabaseRun]
    var crossDatabase: [Target]
}

enum Targets {
    static func judge(_ run: BenchReport.DatabaseRun, smoke: Bool) -> [BenchReport.Target] {
        func row(_ id: String, _ c: Int = 32) -> BenchReport.ScenarioResult? { run.scenarios.first { $0.id == id && $0.concurrency == c } }
        var targets: [BenchReport.Target] = []
        func add(_ id: String, _ description: String, _ value: String, _ met: Bool?) {
            targets.append(.init(id: id, description: description, value: value, met: smoke ? nil : met))
        }
        let constant = row("livez")
        if let r = row("portfolio-json") {
            add("portfolio-json", "p95 ≤ 15 ms ved c=32", ms(r.p95Ms), r.p95Ms <= 15)
            if let constant, constant.requestsPerSecond > 0 {
                let share = r.requestsPerSecond / constant.requestsPerSecond
                add("portfolio-json", "≥ 20 % av konstant rute (req/s, c=32)", percent(share), share >= 0.20)
            }
        }
        if let r = row("portfolio-html"), let constant, constant.requestsPerSecond > 0 {
            let share = r.requestsPerSecond / constant.requestsPerSecond
            add("portfolio-html", "≥ 12 % av konstant rute (req/s, c=32)", percent(share), share >= 0.12)
        }
        for (id, limit) in [("pathway-page", 20.0), ("candidate-page", 20), ("office-overview", 50), ("quality-page", 100)] {
            if let r = row(id) { add(id, "p95 ≤ \(Int(limit)) ms ved c=32", ms(r.p95Ms), r.p95Ms <= limit) }
        }
        if let r = row("contact-create") {
            add("contact-create", "≥ 1 500/s ved c=32, med revisjonslogg", String(format: "%.0f/s", r.requestsPerSecond), r.requestsPerSecond >= 1500)
        }
        if let job = run.dailyJob, let count = job.pathwaysEvaluated {
            if count > 0 {
                let projected = job.seconds * 60_000 / Double(count)
                add("daily-job", "≤ 30 s for 60 000 aktive forløp (lineært framskrevet)",
                    String(format: "%.1f s for %d forløp → %.1f s for 60 000", job.seconds, count, projected), projected <= 30)
            } else {
                add("daily-job", "≤ 30 s for 60 000 aktive forløp", String(format: "%.1f s, ingen forløp hadde frist", job.seconds), nil)
            }
        }
        if let memory = run.memory {
            add("memory", "RSS ≤ 250 MB under last", String(format: "%.0f MB (topp)", max(memory.peakRSSMB, memory.sampledPeakRSSMB)),
                max(memory.peakRSSMB, memory.sampledPeakRSSMB) <= 250)
        }
        return targets
    }

    /// PostgreSQL within 2× of SQLite: per scenario at c=32, p95 at most twice SQLite's.
    static func crossDatabase(_ runs: [BenchReport.DatabaseRun], smoke: Bool) -> [BenchReport.Target] {
        guard let sqlite = runs.first(where: { $0.database == "sqlite" }), let postgres = runs.first(where: { $0.database == "postgres" }) else { return [] }
        return sqlite.scenarios.filter { $0.concurrency == 32 }.compactMap { s in
            guard let p = postgres.scenarios.first(where: { $0.id == s.id && $0.concurrency == 32 }), s.p95Ms > 0 else { return nil }
            let factor = p.p95Ms / s.p95Ms
            return .init(id: s.id, description: "PostgreSQL p95 ≤ 2 × SQLite p95 (c=32)", value: String(format: "%.2f×", factor), met: smoke ? nil : factor <= 2)
        }
    }

    static func ms(_ value: Double) -> String { String(format: value < 10 ? "%.2f ms" : "%.1f ms", value) }
    static func percent(_ share: Double) -> String { String(format: "%.1f %%", share * 100) }
}

enum Markdown {
    static func render(_ report: BenchReport) -> String {
        var lines: [String] = []
        lines.append("# Samskap benchmark \(report.startedAt)")
        lines.append("")
        let s = report.settings
        lines.append("Scale `\(s.scale)` (data: \(s.dataGenerator)), \(s.durationSeconds) s measured per scenario and concurrency after \(s.warmupSeconds) s unmeasured warm-up"
                     + (s.smoke ? " — **smoke run: proves the benchmark runs, judges no target**" : "") + ".")
        lines.append("Counselor `\(s.counselor)`, leader `\(s.leader)`. Load from wrk over loopback HTTP on the same machine (wrk -t1 at c=1, -t\(s.wrkThreadsAtConcurrency32) above).")
        lines.append("")
        lines.append("**Warm or cold:** \(report.warmth)")
        lines.append("")
        let m = report.machine
        lines.append("## Machine")
        lines.append("")
        lines.append("| CPU | cores | RAM | kernel | Swift | server build |")
        lines.append("|---|---|---|---|---|---|")
        lines.append("| \(m.cpuModel) | \(m.cores) | \(m.memoryMB) MB | \(m.kernel) | \(m.swiftVersion) | \(m.buildConfiguration) (`\(m.serverBinary)`) |")
        for run in report.databases {
            lines.append("")
            lines.append("## \(run.database == "sqlite" ? "SQLite" : "PostgreSQL")")
            lines.append("")
            lines.append("Database: `\(run.location)`. \(run.dataSummary)" + (run.generationSeconds.map { String(format: " Generated in %.1f s.", $0) } ?? " Reused."))
            lines.append("")
            lines.append("| scenario | request | c | req/s | p50 | p95 | p99 | errors | target | met |")
            lines.append("|---|---|---|---|---|---|---|---|---|---|")
            for r in run.scenarios {
                let targets = r.concurrency == 32 ? run.targets.filter { $0.id == r.id } : []
                let targetText = targets.map(\.description).joined(separator: "; ")
                let metText = targets.map { t in t.met.map { $0 ? "✓ \(t.value)" : "✗ \(t.value)" } ?? "– \(t.value)" }.joined(separator: "; ")
                var rps = String(format: "%.0f", r.requestsPerSecond)
                if let ops = r.operationsPerSecond { rps += String(format: " (%.0f ops/s)", ops) }
                var errors = "\(r.errors)"
                if let pool = r.poolSize { errors += " (pool \(pool))" }
                lines.append("| \(r.title) | `\(r.request)` | \(r.concurrency) | \(rps) | \(Targets.ms(r.p50Ms)) | \(Targets.ms(r.p95Ms)) | \(Targets.ms(r.p99Ms)) | \(errors) | \(targetText) | \(metText) |")
            }
            lines.append("")
            let top = run.scenarios.map(\.concurrency).max() ?? 32
            if let constant32 = run.scenarios.first(where: { $0.id == "livez" && $0.concurrency == top }), constant32.requestsPerSecond > 0 {
                var ratios: [String] = []
                for id in ["portfolio-json", "portfolio-html", "portfolio-sql"] {
                    if let r = run.scenarios.first(where: { $0.id == id && $0.concurrency == top }) {
                        ratios.append("\(r.title) / constant route = \(Targets.percent(r.requestsPerSecond / constant32.requestsPerSecond))")
                    }
                }
                lines.append("Reference ratios at c=\(top) (req/s): " + ratios.joined(separator: "; ") + ".")
                lines.append("")
            }
            if let job = run.dailyRoutine {
                let evaluated = job.pathwaysEvaluated.map { "\($0) pathways evaluated" } ?? "count not found in its output"
                lines.append(String(format: "Daily job as it runs each day (`samskap daily`, one day after the data's anchor, a separate process, server stopped): %.2f s, \(evaluated). Output: «%@»", job.seconds, job.output))
                lines.append("")
            }
            if let job = run.dailyJob {
                let evaluated = job.pathwaysEvaluated.map { "\($0) pathways evaluated" } ?? "count not found in its output"
                lines.append(String(format: "Daily job over every active pathway (`samskap daily --alle`, the target's worst case, a separate process, server stopped): %.2f s, \(evaluated). Output: «%@»", job.seconds, job.output))
                lines.append("")
            }
            if let memory = run.memory {
                lines.append(String(format: "Server memory: peak RSS (VmHWM at the end) %.0f MB; highest sampled VmRSS during the scenarios %.0f MB (%d samples every 200 ms).",
                                    memory.peakRSSMB, memory.sampledPeakRSSMB, memory.samples))
                lines.append("")
            }
            let other = run.targets.filter { t in !run.scenarios.contains { $0.id == t.id } }
            if !other.isEmpty {
                lines.append("| target | figure | met |")
                lines.append("|---|---|---|")
                for t in other { lines.append("| \(t.description) | \(t.value) | \(t.met.map { $0 ? "✓" : "✗" } ?? "–") |") }
                lines.append("")
            }
        }
        if !report.crossDatabase.isEmpty {
            lines.append("## PostgreSQL against SQLite")
            lines.append("")
            lines.append("| scenario | target | PostgreSQL p95 / SQLite p95 | met |")
            lines.append("|---|---|---|---|")
            for t in report.crossDatabase { lines.append("| \(t.id) | \(t.description) | \(t.value) | \(t.met.map { $0 ? "✓" : "✗" } ?? "–") |") }
            lines.append("")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
