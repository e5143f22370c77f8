@testable import App
import Foundation
import Testing

/// The benchmark's numbers: wrk's result line and the percentiles of the in-process probe.
@Suite("Benchmark results")
struct BenchResultTests {
    @Test("The result line is found among wrk's own output and decoded")
    func parsesWrkOutput() throws {
        let output = """
        Running 1s test @ http://127.0.0.1:18080
          2 threads and 32 connections
          Thread Stats   Avg      Stdev     Max   +/- Stdev
            Latency     3.10ms    1.20ms  21.00ms   90.00%
          6400 requests in 1.00s, 1.10MB read
        Requests/sec:   6398.12
        SAMSKAP_BENCH {"requests":6400,"durationUs":1000300,"bytes":1153433,"connectErrors":0,"readErrors":0,"writeErrors":0,"timeoutErrors":1,"non2xx":3,"p50Us":2900,"p95Us":5100,"p99Us":8800,"maxUs":21000,"statuses":{"3xx":0,"4xx":3,"5xx":0},"operations":null}
        SAMSKAP_BENCH_FIRST_ERROR 409 {"title":"Konflikt"}
        """
        let result = try #require(WrkResult.parse(output: output))
        #expect(result.requests == 6400)
        #expect(result.non2xx == 3)
        #expect(result.socketErrors == 1)
        #expect(result.successful == 6397)
        #expect(result.statuses["4xx"] == 3)
        #expect(result.operations == nil)
        #expect(result.summary.p95Ms == 5.1)
        #expect(abs(result.requestsPerSecond - 6400 / 1.0003) < 0.001)
    }

    @Test("Completed operations are read when the script counts them")
    func parsesOperations() throws {
        let line = #"SAMSKAP_BENCH {"requests":10,"durationUs":2000000,"bytes":0,"connectErrors":0,"readErrors":0,"writeErrors":0,"timeoutErrors":0,"non2xx":0,"p50Us":1,"p95Us":2,"p99Us":3,"maxUs":4,"statuses":{"3xx":0,"4xx":0,"5xx":0},"operations":5}"#
        #expect(WrkResult.parse(output: line)?.operations == 5)
    }

    @Test("Output without a result line gives nothing")
    func missingLine() {
        #expect(WrkResult.parse(output: "unable to connect to 127.0.0.1:18080 Connection refused") == nil)
        #expect(WrkResult.parse(output: "SAMSKAP_BENCH {not json") == nil)
    }

    @Test("Percentiles are nearest-rank, in milliseconds")
    func percentiles() {
        let latencies = (1...100).map { Double($0) / 1000 }.shuffled()
        let summary = LatencySummary(latenciesSeconds: latencies, durationSeconds: 2)
        #expect(summary.requests == 100)
        #expect(summary.requestsPerSecond == 50)
        #expect(abs(summary.p50Ms - 50) < 1e-9)
        #expect(abs(summary.p95Ms - 95) < 1e-9)
        #expect(abs(summary.p99Ms - 99) < 1e-9)
        #expect(abs(summary.maxMs - 100) < 1e-9)
        #expect(LatencySummary.percentile([], 95) == 0)
        #expect(LatencySummary.percentile([7], 99) == 7)
    }
}
