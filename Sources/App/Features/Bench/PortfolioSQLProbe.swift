import Fluent
import Foundation
import SQLKit
import Vapor

/// The benchmark's reference point below HTTP: the portfolio's own query (`PortfolioQuery.load`,
/// counts of every quick filter plus the first page, exactly as `GET /api/v1/portfolio` runs it)
/// executed directly on the database, without routing, authentication, audit or JSON.
public enum PortfolioSQLProbe {
    /// Opens the database at `databaseURL` (as `SAMSKAP_DATABASE_URL`) with the server's own
    /// configuration (same driver and connection pool), finds `username`'s office, and for each
    /// concurrency runs the query unmeasured for `warmup` seconds, then measured for `duration`.
    public static func run(databaseURL: String, username: String, concurrencies: [Int], warmup: Double, duration: Double) async throws -> [Int: LatencySummary] {
        let app = try await Application.make(Environment(name: "production", arguments: ["samskap-bench"]))
        do {
            var config = AppConfig()
            config.database = try DatabaseLocation.parse(databaseURL)
            config.bcryptCost = 4
            try await configure(app, config: config)
            guard let user = try await User.query(on: app.db).filter(\.$username == username).first(), let userID = user.id,
                  let officeID = user.$office.id else {
                throw CommandFailure("Fant ingen bruker «\(username)» med kontor i databasen.")
            }
            var results: [Int: LatencySummary] = [:]
            for concurrency in concurrencies {
                let query = PortfolioQuery(counselorID: userID, officeID: officeID, now: Date())
                _ = try await measure(query, db: app.readDB, concurrency: concurrency, seconds: warmup)
                let (latencies, elapsed) = try await measure(query, db: app.readDB, concurrency: concurrency, seconds: duration)
                results[concurrency] = LatencySummary(latenciesSeconds: latencies, durationSeconds: elapsed)
            }
            try await app.asyncShutdown()
            return results
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    private static func measure(_ query: PortfolioQuery, db: any SQLDatabase, concurrency: Int, seconds: Double) async throws -> ([Double], Double) {
        guard seconds > 0 else { return ([], 0) }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int64(seconds * 1000))
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for _ in 0..<max(concurrency, 1) {
                group.addTask {
                    var own: [Double] = []
                    while clock.now < deadline {
                        let began = clock.now
                        _ = try await query.load(on: db)
                        let took = clock.now - began
                        own.append(Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
                    }
                    return own
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        let elapsed = clock.now - start
        return (latencies, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
