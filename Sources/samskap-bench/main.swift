import App
import Foundation

// `swift run -c release samskap-bench [options]` — see docs/PERFORMANCE.md.

func say(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

let usage = """
Bruk: samskap-bench [valg]
  --scale office|county|national   datamengde (standard national)
  --databases sqlite,postgres      hvilke databaser (standard begge)
  --duration SEKUNDER              måletid per scenario og samtidighet (standard 15)
  --warmup SEKUNDER                oppvarming uten måling før hver måling (standard 3)
  --out MAPPE                      hvor JSON og markdown skrives (standard bench-results)
  --workdir MAPPE                  databasefiler, wrk-skript og serverlogg (standard .build/bench)
  --reuse-db                       bruk databasen fra forrige kjøring hvis den finnes
  --smoke                          kort røyktest: office, 1 s per scenario, feiler ved feil eller null svar
  --samskap STI                    samskap-programmet (standard: release-bygget)
  --postgres-url URL               PostgreSQL-serveren (standard postgres://postgres@127.0.0.1:55432/postgres)
  --user BRUKER / --leader BRUKER  veileder og leder som måles (standard v5001-01 / l5001)
  --small-demo                     lag data med `samskap demo` (lite demosett; bruker veileder1 / leder1)
  --concurrency 1,32               samtidige forbindelser (standard 1,32; --smoke: 1,4)
  --anchor-days-ago N              dataene lages som om i dag var N dager siden (standard 1), så den daglige jobben har frister å vurdere
  --port PORT                      serverens port (standard 18080)
  --password PASSORD               demobrukernes passord (standard benkens eget; for --reuse-db på en database laget med et annet)
  --skip-daily                     mål ikke den daglige jobben
"""

func parseOptions(_ arguments: [String]) throws -> BenchOptions {
    var options = BenchOptions()
    var userSet = false, leaderSet = false, scaleSet = false, durationSet = false, warmupSet = false, concurrencySet = false
    var iterator = arguments.makeIterator()
    func value(_ name: String) throws -> String {
        guard let next = iterator.next() else { throw BenchFailure("\(name) mangler verdi.\n\n\(usage)") }
        return next
    }
    func seconds(_ name: String) throws -> Int {
        guard let n = Int(try value(name)), n >= 0, n <= 3600 else { throw BenchFailure("\(name) må være et helt antall sekunder.") }
        return n
    }
    while let argument = iterator.next() {
        switch argument {
        case "--scale":
            options.scale = try value(argument); scaleSet = true
            guard ["office", "county", "national"].contains(options.scale) else { throw BenchFailure("--scale må være office, county eller national.") }
        case "--databases":
            options.databases = try value(argument).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            for db in options.databases where !["sqlite", "postgres"].contains(db) { throw BenchFailure("Ukjent database «\(db)» i --databases.") }
        case "--duration": options.duration = max(try seconds(argument), 1); durationSet = true
        case "--warmup": options.warmup = try seconds(argument); warmupSet = true
        case "--out": options.outDirectory = try value(argument)
        case "--workdir": options.workDirectory = try value(argument)
        case "--reuse-db": options.reuseDatabase = true
        case "--smoke": options.smoke = true
        case "--samskap": options.samskap = try value(argument)
        case "--postgres-url": options.postgresURL = try value(argument)
        case "--user": options.counselor = try value(argument); userSet = true
        case "--leader": options.leader = try value(argument); leaderSet = true
        case "--small-demo": options.smallDemo = true
        case "--concurrency":
            let levels = try value(argument).split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !levels.isEmpty, levels.allSatisfy({ (1...1000).contains($0) }) else { throw BenchFailure("--concurrency må være tall mellom 1 og 1000, skilt med komma.") }
            options.concurrencies = levels; concurrencySet = true
        case "--anchor-days-ago":
            guard let days = Int(try value(argument)), (0...365).contains(days) else { throw BenchFailure("--anchor-days-ago må være mellom 0 og 365.") }
            options.anchorDaysAgo = days
        case "--password":
            options.password = try value(argument)
        case "--skip-daily":
            options.skipDaily = true
        case "--port":
            guard let port = Int(try value(argument)), (1024...65_535).contains(port) else { throw BenchFailure("--port må være mellom 1024 og 65535.") }
            options.port = port
        case "-h", "--help":
            print(usage); exit(0)
        default:
            throw BenchFailure("Ukjent valg «\(argument)».\n\n\(usage)")
        }
    }
    if options.smoke {
        if !scaleSet { options.scale = "office" }
        if !durationSet { options.duration = 1 }
        if !warmupSet { options.warmup = 0 }
        // A debug build answers the heavier pages in hundreds of milliseconds: 32 connections would
        // get nothing back within one second. The smoke test proves that the scenarios run.
        if !concurrencySet { options.concurrencies = [1, 4] }
    }
    if options.smallDemo {
        if !userSet { options.counselor = "veileder1" }
        if !leaderSet { options.leader = "leder1" }
    }
    return options
}

func machine(samskap: String) -> BenchReport.Machine {
    let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let model = cpuinfo.split(whereSeparator: \.isNewline).first { $0.hasPrefix("model name") }
        .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "ukjent"
    let swift = (try? Shell.run("swift", ["--version"]))
        .map { ($0.stdout + $0.stderr).split(whereSeparator: \.isNewline).first { $0.contains("Swift version") }.map(String.init) ?? "" } ?? ""
    let kernel = (try? Shell.run("uname", ["-r"]))?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    var configuration = samskap.contains("/release/") ? "release" : (samskap.contains("/debug/") ? "debug" : "unknown")
    #if DEBUG
    configuration += " (samskap-bench itself: debug)"
    #endif
    return .init(cpuModel: model, cores: ProcessInfo.processInfo.activeProcessorCount, memoryMB: Int(ProcessInfo.processInfo.physicalMemory / 1_048_576),
                 kernel: kernel, swiftVersion: swift, serverBinary: samskap, buildConfiguration: configuration)
}

func timestamp(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    return formatter.string(from: date)
}

func main() async -> Int32 {
    do {
        let options = try parseOptions(Array(CommandLine.arguments.dropFirst()))
        let repository = FileManager.default.currentDirectoryPath
        guard FileManager.default.fileExists(atPath: repository + "/Resources/Strings") else {
            throw BenchFailure("Kjør samskap-bench fra roten av Samskap-repoet (der Resources/ ligger).")
        }
        for tool in ["wrk", "curl"] + (options.databases.contains("postgres") ? ["psql"] : []) where Shell.which(tool) == nil {
            throw BenchFailure("Fant ikke \(tool). Installer med: apt-get install -y \(tool == "psql" ? "postgresql-client" : tool)")
        }
        let candidates = options.samskap.map { [$0] } ?? [".build-release/release/samskap", ".build/release/samskap"]
        guard let samskap = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BenchFailure("Fant ikke samskap-programmet (\(candidates.joined(separator: ", "))). Bygg det med: swift build -c release --product samskap, eller oppgi --samskap STI.")
        }
        let samskapPath = samskap.hasPrefix("/") ? samskap : repository + "/" + samskap
        try FileManager.default.createDirectory(atPath: options.workDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: options.outDirectory, withIntermediateDirectories: true)
        let started = Date()
        let runner = try BenchRunner(options: options, samskap: samskapPath, repository: repository, log: say)
        var runs: [BenchReport.DatabaseRun] = []
        for database in options.databases {
            runs.append(try await runner.run(database: database))
        }
        let report = BenchReport(
            startedAt: ISO8601DateFormatter().string(from: started), finishedAt: ISO8601DateFormatter().string(from: Date()),
            machine: machine(samskap: samskapPath),
            settings: .init(scale: options.smallDemo ? "demo" : options.scale, dataGenerator: options.smallDemo ? "samskap demo" : "samskap demo --scale \(options.scale)",
                            durationSeconds: options.duration, warmupSeconds: options.warmup, smoke: options.smoke, reuseDatabase: options.reuseDatabase,
                            counselor: options.counselor, leader: options.leader, wrkThreadsAtConcurrency32: 2),
            warmth: "Each database is freshly generated" + (options.reuseDatabase ? " unless reused (--reuse-db: then it also holds the writes of earlier runs)" : "")
                + "; the server is started fresh for it after the daily job ran. Every scenario and concurrency gets \(options.warmup) s of the same requests first, not measured,"
                + " and runs after the scenarios before it, so the server's caches, the database's page cache and the OS page cache are warm. The daily job runs cold on a new process"
                + " (OS page cache warm from generation). Nothing is carried over from an earlier benchmark run.",
            databases: runs, crossDatabase: Targets.crossDatabase(runs, smoke: options.smoke))
        let stamp = timestamp(started)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let jsonPath = "\(options.outDirectory)/bench-\(stamp).json"
        let markdownPath = "\(options.outDirectory)/bench-\(stamp).md"
        try encoder.encode(report).write(to: URL(fileURLWithPath: jsonPath))
        let markdown = Markdown.render(report)
        try markdown.write(toFile: markdownPath, atomically: true, encoding: .utf8)
        print(markdown)
        say("Skrev \(jsonPath) og \(markdownPath).")
        if options.smoke {
            let failed = runs.flatMap { run in run.scenarios.filter { $0.successful == 0 || $0.errors > 0 }.map { "\(run.database)/\($0.id) c=\($0.concurrency): \($0.successful) vellykkede, \($0.errors) feil \($0.firstError ?? "")" } }
            if !failed.isEmpty {
                say("Røyktesten feilet:\n  " + failed.joined(separator: "\n  "))
                return 1
            }
            say("Røyktesten er bestått: alle scenarioer svarte uten feil.")
        }
        return 0
    } catch {
        say("Feil: \(error)")
        return 1
    }
}

exit(await main())
