import Foundation

/// Percentiles and throughput of one measured run, in milliseconds and requests per second.
/// Used by `samskap-bench` for the in-process portfolio probe; wrk's own runs report through `WrkResult`.
public struct LatencySummary: Codable, Sendable, Equatable {
    public var requests: Int
    public var durationSeconds: Double
    public var requestsPerSecond: Double
    public var p50Ms: Double
    public var p95Ms: Double
    public var p99Ms: Double
    public var maxMs: Double

    public init(requests: Int, durationSeconds: Double, requestsPerSecond: Double, p50Ms: Double, p95Ms: Double, p99Ms: Double, maxMs: Double) {
        self.requests = requests
        self.durationSeconds = durationSeconds
        self.requestsPerSecond = requestsPerSecond
        self.p50Ms = p50Ms
        self.p95Ms = p95Ms
        self.p99Ms = p99Ms
        self.maxMs = maxMs
    }

    /// From every request's latency in seconds and the run's wall-clock length.
    public init(latenciesSeconds: [Double], durationSeconds: Double) {
        let sorted = latenciesSeconds.sorted()
        requests = sorted.count
        self.durationSeconds = durationSeconds
        requestsPerSecond = durationSeconds > 0 ? Double(sorted.count) / durationSeconds : 0
        p50Ms = Self.percentile(sorted, 50) * 1000
        p95Ms = Self.percentile(sorted, 95) * 1000
        p99Ms = Self.percentile(sorted, 99) * 1000
        maxMs = (sorted.last ?? 0) * 1000
    }

    /// Nearest-rank percentile of an ascending array (0 when empty): the smallest value with at
    /// least `p` % of the values at or below it.
    public static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

/// What the benchmark's wrk script prints in `done()`: one line `SAMSKAP_BENCH {json}`.
/// Latencies are wrk's, in microseconds; `non2xx` is counted by the script's `response()`
/// (wrk itself only counts statuses above 399).
public struct WrkResult: Codable, Sendable, Equatable {
    public var requests: Int
    public var durationUs: Double
    public var bytes: Double
    public var connectErrors: Int
    public var readErrors: Int
    public var writeErrors: Int
    public var timeoutErrors: Int
    public var non2xx: Int
    public var p50Us: Double
    public var p95Us: Double
    public var p99Us: Double
    public var maxUs: Double
    /// Responses that were not 2xx, by class (`3xx`, `4xx`, `5xx`).
    public var statuses: [String: Int]
    /// Completed operations when one operation takes more than one request (a meeting planned and
    /// then held), else nil.
    public var operations: Int?

    public static let marker = "SAMSKAP_BENCH "

    /// The result line in wrk's output, which also holds wrk's own summary.
    public static func parse(output: String) -> WrkResult? {
        for line in output.split(whereSeparator: \.isNewline).reversed() where line.hasPrefix(marker) {
            return try? JSONDecoder().decode(WrkResult.self, from: Data(line.dropFirst(marker.count).utf8))
        }
        return nil
    }

    public var socketErrors: Int { connectErrors + readErrors + writeErrors + timeoutErrors }
    /// Requests answered with 2xx.
    public var successful: Int { max(requests - non2xx, 0) }
    public var durationSeconds: Double { durationUs / 1_000_000 }
    public var requestsPerSecond: Double { durationSeconds > 0 ? Double(requests) / durationSeconds : 0 }

    public var summary: LatencySummary {
        LatencySummary(requests: requests, durationSeconds: durationSeconds, requestsPerSecond: requestsPerSecond,
                       p50Ms: p50Us / 1000, p95Ms: p95Us / 1000, p99Ms: p99Us / 1000, maxMs: maxUs / 1000)
    }
}
