import App
import Foundation

struct BenchOptions {
    var scale = "national"
    var databases = ["sqlite", "postgres"]
    var duration = 15
    var warmup = 3
    var outDirectory = "bench-results"
    var workDirectory = ".build/bench"
    var reuseDatabase = false
    var smoke = false
    var samskap: String?
    var postgresURL = "postgres://postgres@127.0.0.1:55432/postgres"
    var counselor = "v5001-01"
    var leader = "l5001"
    /// Generate with plain `samskap demo` (the small demo data) instead of `--scale`.
    var smallDemo = false
    var port = 18_080
    var password = "Benk-passord-2026!"
    var concurrencies = [1, 32]
    /// The generated data's anchor day, this many days before today, so the daily job finds a
    /// day's passed deadlines (0: today, nothing is due yet).
    var anchorDaysAgo = 1
    /// Leave out the daily job (its time is then reported as not measured).
    var skipDaily = false
}

/// One database's run: generate, daily job, serve, discover, every scenario at each concurrency.
final class BenchRunner {
    let options: BenchOptions
    let samskap: String
    let repository: String
    let scriptDirectory: String
    var log: (String) -> Void

    init(options: BenchOptions, samskap: String, repository: String, log: @escaping (String) -> Void) throws {
        self.options = options
        self.samskap = samskap
        self.repository = repository
        self.log = log
        scriptDirectory = options.workDirectory + "/wrk"
        try FileManager.default.createDirectory(atPath: scriptDirectory, withIntermediateDirectories: true)
    }

    private var scaleName: String { options.smallDemo ? "demo" : options.scale }

    // MARK: Database

    func databaseURL(_ database: String) throws -> String {
        switch database {
        case "sqlite":
            return "sqlite:" + options.workDirectory + "/bench-\(scaleName).sqlite"
        case "postgres":
            guard var parts = URLComponents(string: options.postgresURL) else { throw BenchFailure("Ugyldig --postgres-url.") }
            parts.path = "/samskap_bench_\(scaleName)"
            return parts.string!
        default:
            throw BenchFailure("Ukjent database «\(database)». Bruk sqlite eller postgres.")
        }
    }

    private var environmentBase: [String: String] {
        ["SAMSKAP_DEMO_PASSWORD": options.password, "SAMSKAP_ALLOW_SYNTHETIC_IDS": "1"]
    }

    /// Creates an empty database unless one is reused; true when data must be generated.
    func prepareDatabase(_ database: String, url: String) throws -> Bool {
        switch database {
        case "sqlite":
            let path = String(url.dropFirst("sqlite:".count))
            if options.reuseDatabase, FileManager.default.fileExists(atPath: path) { return false }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            return true
        default:
            let name = "samskap_bench_\(scaleName)"
            let exists = try Shell.run("psql", [options.postgresURL, "-tAc", "SELECT 1 FROM pg_database WHERE datname = '\(name)'"])
            guard exists.status == 0 else { throw BenchFailure("Får ikke kontakt med PostgreSQL på \(options.postgresURL): \(exists.stderr)") }
            if options.reuseDatabase, exists.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1" { return false }
            for sql in ["DROP DATABASE IF EXISTS \(name) WITH (FORCE)", "CREATE DATABASE \(name)"] {
                let out = try Shell.run("psql", [options.postgresURL, "-v", "ON_ERROR_STOP=1", "-qc", sql])
                guard out.status == 0 else { throw BenchFailure("PostgreSQL: \(sql) feilet: \(out.stderr)") }
            }
            return true
        }
    }

    func samskapCommand(_ arguments: [String], url: String) throws -> Shell.Output {
        try Shell.run(samskap, arguments, environment: environmentBase.merging(["SAMSKAP_DATABASE_URL": url]) { $1 }, directory: repository)
    }

    // MARK: The whole run for one database

    func run(database: String) async throws -> BenchReport.DatabaseRun {
        let url = try databaseURL(database)
        log("== \(database): \(url)")
        var generationSeconds: Double?
        if try prepareDatabase(database, url: url) {
            log("Lager testdata (\(options.smallDemo ? "samskap demo" : "samskap demo --scale \(options.scale)")) …")
            let anchor = Oslo.day(Date().addingTimeInterval(Double(-options.anchorDaysAgo) * 86_400))
            let out = try samskapCommand(options.smallDemo ? ["demo"] : ["demo", "--scale", options.scale, "--anchor", anchor], url: url)
            guard out.status == 0 else { throw BenchFailure("Datagenereringen feilet (\(out.status)):\n\(out.stderr)\(out.stdout)") }
            generationSeconds = out.seconds
            log(String(format: "Testdata laget på %.1f s.", out.seconds))
        } else {
            log("Bruker eksisterende database (--reuse-db).")
        }

        let dailyJob: BenchReport.DailyJob?
        var dailyRoutine: BenchReport.DailyJob?
        if options.skipDaily {
            dailyJob = nil
            log("Hopper over den daglige jobben (--skip-daily).")
        } else {
            // First the job as it runs every day: only the pathways whose deadlines passed since the
            // data's anchor day. Then the worst case, every active pathway, which the target judges.
            dailyRoutine = try daily(["daily"], url: url, what: "slik den går hver dag")
            dailyJob = try daily(["daily", "--alle"], url: url, what: "over alle aktive forløp")
        }

        let counselorToken = try token(for: options.counselor, url: url)
        _ = try token(for: options.leader, url: url)

        let serverLog = options.workDirectory + "/server-\(database).log"
        let server = try startServer(url: url, logPath: serverLog)
        defer {
            if server.isRunning { server.terminate(); server.waitUntilExit() }
        }
        let http = HTTP(base: "http://127.0.0.1:\(options.port)")
        try await waitForHealth(http, server: server, logPath: serverLog)
        let sampler = MemorySampler(pid: server.processIdentifier)
        defer { sampler.stop() }

        let counselorCookie = try login(http, username: options.counselor)
        let leaderCookie = try login(http, username: options.leader)
        let data = try discover(http, token: counselorToken)
        log("Fant \(data.candidates.count) kandidater, \(data.activePathways.count) aktive forløp og \(data.employers.count) virksomheter for \(options.counselor).")
        guard !data.candidates.isEmpty, !data.activePathways.isEmpty else {
            throw BenchFailure("\(options.counselor) har ingen kandidater eller aktive forløp i denne databasen; velg en annen med --user.")
        }

        let bearer = ["Authorization": "Bearer \(counselorToken)"]
        let json = bearer.merging(["Content-Type": "application/json"]) { $1 }
        let now = Date()
        let today = Oslo.day(now)
        var results: [BenchReport.ScenarioResult] = []

        func wrk(_ id: String, _ title: String, _ request: String, _ mode: WrkScript.Mode, headers: [String: String], concurrency: Int,
                 poolSize: Int? = nil, note: String? = nil, warm: Bool = true) throws -> BenchReport.ScenarioResult {
            let threads = min(2, concurrency)
            let script = WrkScript(mode: mode, headers: headers, threads: threads)
            let path = "\(scriptDirectory)/\(database)-\(id)-c\(concurrency).lua"
            try script.text.write(toFile: path, atomically: true, encoding: .utf8)
            if warm && options.warmup > 0 {
                _ = try runWrk(script: path, threads: threads, concurrency: concurrency, seconds: options.warmup)
                MemorySampler.waitUntilIdle(pid: server.processIdentifier)
            }
            _ = sampler.takeWindowPeakMB()
            var (result, firstError) = try runWrk(script: path, threads: threads, concurrency: concurrency, seconds: options.duration)
            let settled = MemorySampler.waitUntilIdle(pid: server.processIdentifier)
            if settled > 1 { log(String(format: "  (serveren brukte %.1f s på å bli ferdig med forespørsler etter målingen)", settled)) }
            var note = note
            if options.smoke && result.requests == 0 {
                // A debug build can need more than the smoke test's second for one answer; a longer
                // run still shows whether the scenario works. Pool scenarios have used their pool.
                if case .pool = mode {} else {
                    log("  \(id) c=\(concurrency): ingen svar på \(options.duration) s, prøver igjen i 5 s")
                    (result, firstError) = try runWrk(script: path, threads: threads, concurrency: concurrency, seconds: 5)
                    MemorySampler.waitUntilIdle(pid: server.processIdentifier)
                    note = [note, "smoke: no answer within \(options.duration) s, run again for 5 s"].compactMap { $0 }.joined(separator: "; ")
                }
            }
            let errors = result.non2xx + result.socketErrors
            let row = BenchReport.ScenarioResult(
                id: id, title: title, request: request, concurrency: concurrency, requests: result.requests, successful: result.successful,
                durationSeconds: result.durationSeconds, requestsPerSecond: result.requestsPerSecond,
                operationsPerSecond: result.operations.map { result.durationSeconds > 0 ? Double($0) / result.durationSeconds : 0 },
                p50Ms: result.p50Us / 1000, p95Ms: result.p95Us / 1000, p99Ms: result.p99Us / 1000, maxMs: result.maxUs / 1000,
                errors: errors, firstError: firstError, poolSize: poolSize, serverPeakRSSDuringRunMB: sampler.takeWindowPeakMB(), note: note)
            log(String(format: "  %-18@ c=%-2d %8.0f req/s  p50 %7.2f  p95 %7.2f  p99 %7.2f ms  feil %d%@", id as NSString, concurrency,
                       row.requestsPerSecond, row.p50Ms, row.p95Ms, row.p99Ms, errors, firstError.map { " (\($0.prefix(160)))" } ?? ""))
            return row
        }

        let candidatePaths = data.candidates.map { WrkScript.Request(method: "GET", path: "/kandidater/\($0)") }
        let pathwayPaths = data.activePathways.map { WrkScript.Request(method: "GET", path: "/forlop/\($0)") }
        let parties = ["kandidat", "mentor", "arbeidsgiver", "kandidat"]
        let contactRequests = data.activePathways.enumerated().map { index, id in
            WrkScript.Request(method: "POST", path: "/api/v1/pathways/\(id)/contacts", body: """
                {"occurredAt":"\(today)","channel":"telefon","withWhom":"\(parties[index % parties.count])","durationMinutes":15,"note":"Snakket om neste uke på arbeidsplassen.","nextStep":"Ny samtale fredag."}
                """)
        }
        let meetingStart = Oslo.moment(now.addingTimeInterval(-2 * 3600))
        let planBodies = data.activePathways.map { id in
            #"{"pathwayId":"\#(id)","type":"statusmote","startsAt":"\#(meetingStart)","durationMinutes":45,"participants":[{"role":"kandidat"}]}"#
        }
        let minutesBody = #"{"minutes":"Vi gikk gjennom første uke. Kandidaten trives og vil øke til fire dager.","minutesForCandidate":false}"#

        for concurrency in options.concurrencies {
            results.append(try wrk("livez", "Constant route", "GET /livez", .rotate([.init(method: "GET", path: "/livez")]), headers: [:], concurrency: concurrency))
        }
        log("  portfolio-sql (i prosess) …")
        MemorySampler.waitUntilIdle(pid: server.processIdentifier)
        let probe = try await PortfolioSQLProbe.run(databaseURL: url, username: options.counselor, concurrencies: options.concurrencies,
                                                    warmup: Double(options.warmup), duration: Double(options.duration))
        for concurrency in options.concurrencies {
            guard let s = probe[concurrency] else { continue }
            results.append(.init(id: "portfolio-sql", title: "Portfolio SQL, direct", request: "PortfolioQuery.load (in process)", concurrency: concurrency,
                                 requests: s.requests, successful: s.requests, durationSeconds: s.durationSeconds, requestsPerSecond: s.requestsPerSecond,
                                 p50Ms: s.p50Ms, p95Ms: s.p95Ms, p99Ms: s.p99Ms, maxMs: s.maxMs, errors: 0,
                                 note: "counts of every quick filter + first page, as GET /api/v1/portfolio runs it; no HTTP, audit or JSON"))
            log(String(format: "  %-18@ c=%-2d %8.0f req/s  p50 %7.2f  p95 %7.2f  p99 %7.2f ms", "portfolio-sql" as NSString, concurrency, s.requestsPerSecond, s.p50Ms, s.p95Ms, s.p99Ms))
        }
        for concurrency in options.concurrencies {
            results.append(try wrk("portfolio-json", "Portfolio, JSON API", "GET /api/v1/portfolio", .rotate([.init(method: "GET", path: "/api/v1/portfolio")]),
                                   headers: bearer, concurrency: concurrency))
        }
        for concurrency in options.concurrencies {
            results.append(try wrk("portfolio-html", "Portfolio, HTML page", "GET /portefolje", .rotate([.init(method: "GET", path: "/portefolje")]),
                                   headers: ["Cookie": counselorCookie], concurrency: concurrency))
        }
        for concurrency in options.concurrencies {
            results.append(try wrk("candidate-page", "Candidate page", "GET /kandidater/{id}", .rotate(candidatePaths),
                                   headers: ["Cookie": counselorCookie], concurrency: concurrency, note: "rotating over \(candidatePaths.count) candidates"))
        }
        for concurrency in options.concurrencies {
            results.append(try wrk("pathway-page", "Pathway page with criteria", "GET /forlop/{id}", .rotate(pathwayPaths),
                                   headers: ["Cookie": counselorCookie], concurrency: concurrency, note: "rotating over \(pathwayPaths.count) active pathways"))
        }
        for concurrency in options.concurrencies {
            results.append(try wrk("office-overview", "Leader's office overview", "GET /kontor/oversikt", .rotate([.init(method: "GET", path: "/kontor/oversikt")]),
                                   headers: ["Cookie": leaderCookie], concurrency: concurrency))
        }
        for concurrency in options.concurrencies {
            results.append(try wrk("quality-page", "Leader's quality page", "GET /kontor/kvalitet", .rotate([.init(method: "GET", path: "/kontor/kvalitet")]),
                                   headers: ["Cookie": leaderCookie], concurrency: concurrency))
        }
        for concurrency in options.concurrencies {
            results.append(try wrk("contact-create", "Contact creation", "POST /api/v1/pathways/{id}/contacts", .rotate(contactRequests),
                                   headers: json, concurrency: concurrency, note: "rotating over \(contactRequests.count) active pathways; with candidate, mentor, employer"))
        }
        for concurrency in options.concurrencies {
            results.append(try wrk("meeting-minutes", "Meeting with minutes", "POST /api/v1/meetings + PATCH /api/v1/meetings/{id}",
                                   .meeting(planBodies: planBodies, minutesBody: minutesBody), headers: json, concurrency: concurrency,
                                   note: "two requests per meeting: plan, then write the minutes (held); ops/s = meetings held per second"))
        }
        if data.employers.isEmpty {
            log("  agreement-approve hoppet over: kontoret har ingen virksomheter.")
        } else {
            for concurrency in options.concurrencies {
                let pool: (file: String, count: Int)
                do {
                    pool = try prepareAgreementPool(database: database, concurrency: concurrency, pathways: data.activePathways, employers: data.employers, headers: json)
                    MemorySampler.waitUntilIdle(pid: server.processIdentifier)
                } catch {
                    log("  agreement-approve c=\(concurrency): \(error)")
                    results.append(.init(id: "agreement-approve", title: "Agreement approval", request: "POST /api/v1/agreements/{id}/approve", concurrency: concurrency,
                                         requests: 0, successful: 0, durationSeconds: 0, requestsPerSecond: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0, errors: 1,
                                         firstError: "\(error)", note: "the pool of agreements to approve could not be prepared"))
                    continue
                }
                results.append(try wrk("agreement-approve", "Agreement approval", "POST /api/v1/agreements/{id}/approve",
                                       .pool(poolFile: pool.file, pathFormat: "/api/v1/agreements/%s/approve", body: #"{"party":"veileder"}"#),
                                       headers: json, concurrency: concurrency, poolSize: pool.count,
                                       note: "each agreement in a prepared pool approved once by the counselor; a thread stops when its share is used; no warm-up (it would use up the pool)",
                                       warm: false))
            }
        }

        let memory = BenchReport.Memory(peakRSSMB: Double(MemorySampler.read("VmHWM", pid: server.processIdentifier) ?? 0) / 1024,
                                        sampledPeakRSSMB: sampler.overallPeakMB, samples: sampler.sampleCount)
        sampler.stop()
        server.terminate()
        server.waitUntilExit()
        var run = BenchReport.DatabaseRun(
            database: database, location: Self.redacted(url), generationSeconds: generationSeconds,
            dataSummary: "\(options.counselor): \(data.candidates.count) candidates, \(data.activePathways.count) active pathways; \(data.employers.count) employers at the office.",
            dailyJob: dailyJob, dailyRoutine: dailyRoutine, scenarios: results, memory: memory, targets: [], serverLog: serverLog)
        run.targets = Targets.judge(run, smoke: options.smoke)
        return run
    }

    // MARK: Steps

    /// Runs `samskap <arguments>` (the daily job) as its own process: its time, the pathways it
    /// re-evaluated (the first number of its last line) and that line.
    func daily(_ arguments: [String], url: String, what: String) throws -> BenchReport.DailyJob {
        let command = "samskap " + arguments.joined(separator: " ")
        log("Kjører den daglige jobben \(what) (\(command)) …")
        let out = try samskapCommand(arguments, url: url)
        guard out.status == 0 else { throw BenchFailure("\(command) feilet:\n\(out.stderr)\(out.stdout)") }
        let line = out.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        log(String(format: "Daglig jobb %@: %.2f s — %@", what, out.seconds, line))
        return BenchReport.DailyJob(seconds: out.seconds, pathwaysEvaluated: Self.leadingNumber(line), output: line)
    }

    static func leadingNumber(_ text: String) -> Int? {
        Int(text.prefix { $0.isNumber })
    }

    static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "***"
        return parts.string ?? url
    }

    func token(for username: String, url: String) throws -> String {
        let out = try samskapCommand(["token", "create", "--user", username, "--label", "samskap-bench"], url: url)
        guard out.status == 0, let token = out.stdout.split(whereSeparator: \.isNewline).map({ $0.trimmingCharacters(in: .whitespaces) }).last(where: { $0.hasPrefix("smk_") }) else {
            throw BenchFailure("Kunne ikke lage API-token for \(username): \(out.stderr)\(out.stdout)")
        }
        return token
    }

    func startServer(url: String, logPath: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: samskap)
        process.arguments = ["serve", "--env", "production", "--hostname", "127.0.0.1", "--port", String(options.port)]
        var env = ProcessInfo.processInfo.environment
        env.merge(environmentBase.merging(["SAMSKAP_DATABASE_URL": url]) { $1 }) { $1 }
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: repository)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    func waitForHealth(_ http: HTTP, server: Process, logPath: String) async throws {
        for _ in 0..<600 {
            if !server.isRunning {
                let tail = ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").suffix(2000)
                throw BenchFailure("Serveren stoppet under oppstart:\n\(tail)")
            }
            if let response = try? HTTP(base: http.base).send("GET", "/healthz"), response.status == 200 { return }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        throw BenchFailure("Serveren svarte ikke på /healthz innen to minutter (logg: \(logPath)).")
    }

    /// Logs in through the login form (pre-session CSRF cookie, then the form post) and returns the
    /// session cookie as a `Cookie` header value.
    func login(_ http: HTTP, username: String) throws -> String {
        let jar = options.workDirectory + "/cookies-\(username).txt"
        try? FileManager.default.removeItem(atPath: jar)
        _ = try http.send("GET", "/logg-inn", cookieJar: jar)
        guard let csrf = HTTP.cookie("samskap_csrf", inJar: jar) else { throw BenchFailure("Innloggingssiden satte ingen CSRF-cookie.") }
        let response = try http.send("POST", "/logg-inn", form: [("username", username), ("password", options.password), ("_csrf", csrf)], cookieJar: jar)
        guard (300..<400).contains(response.status), let session = HTTP.cookie("samskap_session", inJar: jar) else {
            throw BenchFailure("Innlogging som \(username) feilet (HTTP \(response.status)). Er passordet satt med SAMSKAP_DEMO_PASSWORD da dataene ble laget?")
        }
        if response.header("Location")?.hasPrefix("/passord") == true {
            throw BenchFailure("\(username) må bytte passord før innlogging; bruk en database laget av samskap-bench.")
        }
        return "samskap_session=\(session)"
    }

    struct Discovered {
        var candidates: [String] = []
        var activePathways: [String] = []
        var employers: [String] = []
    }

    func discover(_ http: HTTP, token: String) throws -> Discovered {
        let headers = ["Authorization": "Bearer \(token)"]
        var found = Discovered()
        var page = 1
        while page <= 200 {
            let response = try http.send("GET", "/api/v1/portfolio?page=\(page)", headers: headers)
            guard response.status == 200, let object = try response.json() as? [String: Any], let items = object["items"] as? [[String: Any]] else {
                throw BenchFailure("GET /api/v1/portfolio svarte \(response.status): \(response.text.prefix(300))")
            }
            found.candidates += items.compactMap { $0["id"] as? String }
            let total = object["total"] as? Int ?? 0
            if items.isEmpty || found.candidates.count >= total { break }
            page += 1
        }
        let pathways = try http.send("GET", "/api/v1/pathways", headers: headers)
        guard pathways.status == 200, let list = try pathways.json() as? [[String: Any]] else {
            throw BenchFailure("GET /api/v1/pathways svarte \(pathways.status): \(pathways.text.prefix(300))")
        }
        found.activePathways = list.filter { ($0["status"] as? String) == "aktiv" }.compactMap { $0["id"] as? String }
        let employers = try http.send("GET", "/api/v1/employers", headers: headers)
        guard employers.status == 200, let employerList = try employers.json() as? [[String: Any]] else {
            throw BenchFailure("GET /api/v1/employers svarte \(employers.status): \(employers.text.prefix(300))")
        }
        found.employers = employerList.compactMap { $0["id"] as? String }
        return found
    }

    /// Complete `ansettelse` agreements awaiting the counselor's approval, created through the API
    /// by an unmeasured wrk run as long as warm-up plus the measured run (at least 300).
    func prepareAgreementPool(database: String, concurrency: Int, pathways: [String], employers: [String], headers: [String: String]) throws -> (file: String, count: Int) {
        let start = Oslo.day(Date().addingTimeInterval(14 * 86_400))
        var requests: [WrkScript.Request] = []
        for (index, pathway) in pathways.enumerated() {
            for offset in 0..<min(employers.count, 3) {
                let employer = employers[(index + offset) % employers.count]
                requests.append(.init(method: "POST", path: "/api/v1/agreements", body: """
                    {"pathwayId":"\(pathway)","type":"ansettelse","employerId":"\(employer)","terms":{"startDate":"\(start)","goals":[{"kind":"fa_jobb_i_bedriften","description":"Fast ansettelse som lagermedarbeider."}],"tasks":"Varemottak, plukk og pakking.","followUp":"Samtale med veileder hver uke de første to månedene.","navContact":"Veileder ved NAV-kontoret","workplaceContact":"Daglig leder"}}
                    """))
            }
        }
        let collect = "\(scriptDirectory)/\(database)-pool-c\(concurrency).ids"
        for suffix in 0..<4 { try? FileManager.default.removeItem(atPath: "\(collect).\(suffix)") }
        let threads = 2
        let script = WrkScript(mode: .collect(requests, collectFile: collect), headers: headers, threads: threads)
        let path = "\(scriptDirectory)/\(database)-pool-c\(concurrency).lua"
        try script.text.write(toFile: path, atomically: true, encoding: .utf8)
        var ids: [String] = []
        var rounds = 0
        repeat {
            let (result, firstError) = try runWrk(script: path, threads: threads, concurrency: max(options.concurrencies.max() ?? 2, 2), seconds: max(options.warmup + options.duration, 1))
            if result.successful == 0 { throw BenchFailure("Kunne ikke lage avtaler til godkjenning: \(firstError ?? "ingen svar")") }
            ids = (0..<threads).flatMap { suffix in
                ((try? String(contentsOfFile: "\(collect).\(suffix)", encoding: .utf8)) ?? "").split(whereSeparator: \.isNewline).map(String.init)
            }
            rounds += 1
        } while ids.count < (options.smoke ? 10 : 300) && rounds < 5
        let file = "\(scriptDirectory)/\(database)-pool-c\(concurrency).txt"
        try (ids.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        log("  avtaler til godkjenning: \(ids.count) laget (uten måling)")
        return (file, ids.count)
    }

    func runWrk(script: String, threads: Int, concurrency: Int, seconds: Int) throws -> (WrkResult, String?) {
        let out = try Shell.run("wrk", ["-t\(threads)", "-c\(concurrency)", "-d\(seconds)s", "--timeout", "10s", "-s", script, "http://127.0.0.1:\(options.port)"])
        guard let result = WrkResult.parse(output: out.stdout) else {
            throw BenchFailure("wrk ga ikke noe resultat (\(out.status)):\n\(out.stdout)\n\(out.stderr)")
        }
        let firstError = out.stdout.split(whereSeparator: \.isNewline).first { $0.hasPrefix("SAMSKAP_BENCH_FIRST_ERROR ") }
            .map { String($0.dropFirst("SAMSKAP_BENCH_FIRST_ERROR ".count)) }
        return (result, firstError)
    }
}
