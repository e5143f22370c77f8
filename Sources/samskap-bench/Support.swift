import Foundation

/// A failure that stops the benchmark; the message is for the person running it (bokmål).
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Running programs. Output goes through temporary files, so a chatty program cannot block on a full pipe.
enum Shell {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.contains("/") ? executable : (which(executable) ?? executable))
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let temp = FileManager.default.temporaryDirectory
        let outURL = temp.appendingPathComponent("samskap-bench-\(UUID().uuidString).out")
        let errURL = temp.appendingPathComponent("samskap-bench-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        let started = Date()
        try process.run()
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(started)
        try? outHandle.close()
        try? errHandle.close()
        return Output(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "",
                      seconds: seconds)
    }
}

/// One HTTP exchange through curl (what a person would run by hand), for logging in and discovery.
struct HTTP {
    struct Response {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: Data

        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.last { $0.name.lowercased() == name.lowercased() }?.value }
        func json() throws -> Any { try JSONSerialization.jsonObject(with: body) }
    }

    var base: String

    func send(_ method: String, _ path: String, headers: [String: String] = [:], body: String? = nil, form: [(String, String)]? = nil,
              cookieJar: String? = nil) throws -> Response {
        let temp = FileManager.default.temporaryDirectory
        let bodyFile = temp.appendingPathComponent("samskap-bench-\(UUID().uuidString).body").path
        let headerFile = temp.appendingPathComponent("samskap-bench-\(UUID().uuidString).head").path
        defer {
            try? FileManager.default.removeItem(atPath: bodyFile)
            try? FileManager.default.removeItem(atPath: headerFile)
        }
        var args = ["-s", "-S", "--max-time", "120", "-X", method, "-o", bodyFile, "-D", headerFile, "-w", "%{http_code}"]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { args += ["-H", "\(name): \(value)"] }
        if let cookieJar { args += ["-b", cookieJar, "-c", cookieJar] }
        if let body { args += ["--data-binary", body] }
        if let form { for (name, value) in form { args += ["--data-urlencode", "\(name)=\(value)"] } }
        args.append(base + path)
        let out = try Shell.run("curl", args)
        guard out.status == 0, let status = Int(out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchFailure("curl \(method) \(path) feilet: \(out.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let rawHeaders = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        let headers = rawHeaders.split(whereSeparator: \.isNewline).compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Response(status: status, headers: headers, body: FileManager.default.contents(atPath: bodyFile) ?? Data())
    }

    /// Reads a cookie's value from a curl cookie jar (Netscape format; HttpOnly cookies are prefixed).
    static func cookie(_ name: String, inJar path: String) -> String? {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.count >= 7, fields[5] == name { return String(fields[6]) }
        }
        return nil
    }
}

/// Resident memory of the server: `VmRSS` sampled every 200 ms, and `VmHWM` (the kernel's peak RSS).
final class MemorySampler: @unchecked Sendable {
    let pid: Int32
    private let lock = NSLock()
    private var windowPeakKB = 0
    private var overallPeakKB = 0
    private var samples = 0
    private var running = true
    private var thread: Thread?

    init(pid: Int32) {
        self.pid = pid
        let thread = Thread { [weak self] in
            while let self, self.isRunning {
                if let kb = Self.read("VmRSS", pid: pid) {
                    self.lock.lock()
                    self.windowPeakKB = max(self.windowPeakKB, kb)
                    self.overallPeakKB = max(self.overallPeakKB, kb)
                    self.samples += 1
                    self.lock.unlock()
                }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        self.thread = thread
        thread.start()
    }

    private var isRunning: Bool {
        lock.lock(); defer { lock.unlock() }
        return running
    }

    /// The highest sampled RSS since the last call, in MB, and starts a new window.
    func takeWindowPeakMB() -> Double {
        lock.lock(); defer { lock.unlock() }
        let kb = windowPeakKB
        windowPeakKB = 0
        return Double(kb) / 1024
    }

    var overallPeakMB: Double {
        lock.lock(); defer { lock.unlock() }
        return Double(overallPeakKB) / 1024
    }

    var sampleCount: Int {
        lock.lock(); defer { lock.unlock() }
        return samples
    }

    func stop() {
        lock.lock(); running = false; lock.unlock()
    }

    /// CPU time the process has used, in clock ticks (utime + stime from /proc/<pid>/stat).
    static func cpuTicks(pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command name: state is field 3, utime 14, stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// Waits until the process has been idle (under 10 % of one core for 300 ms), so requests
    /// left over from one run (wrk stops while the server still works on its queue) do not
    /// slow the next. Returns the seconds waited.
    @discardableResult
    static func waitUntilIdle(pid: Int32, limit: Double = 120) -> Double {
        let started = Date()
        var previous = cpuTicks(pid: pid) ?? 0
        while Date().timeIntervalSince(started) < limit {
            Thread.sleep(forTimeInterval: 0.3)
            guard let now = cpuTicks(pid: pid) else { break }
            if now - previous <= 3 { break }
            previous = now
        }
        return Date().timeIntervalSince(started)
    }

    static func read(_ field: String, pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }
}

enum Oslo {
    static let timeZone = TimeZone(identifier: "Europe/Oslo")!

    static func day(_ date: Date) -> String { format(date, "yyyy-MM-dd") }
    static func moment(_ date: Date) -> String { format(date, "yyyy-MM-dd'T'HH:mm:ssxxx") }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}
