import Fluent
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Vapor

/// Re-evaluates the pathways whose criteria can change by time alone (a deadline passed, a
/// follow-up period ended). Only those pathways are read — never all of them.
struct PathwayDailyJob {
    let app: Application

    struct Result: Sendable, Equatable {
        var pathways: Int
        var nowOverdue: Int
        /// Agreements whose start or end day passed, and whose pathway events were brought in line.
        var agreements: Int = 0
        /// Pathways whose alerts were brought up to date because a time-based condition turned.
        var alerts: Int = 0
    }

    /// `everything`: every active pathway is evaluated again, not only those whose deadlines passed
    /// (after a restore or a model change, and for measuring the job's worst case).
    func run(now: Date, batchSize: Int = 200, everything: Bool = false) async throws -> Result {
        let sql = app.db as! any SQLDatabase
        struct Due: Decodable { var pathway_id: UUID }
        var result = Result(pathways: 0, nowOverdue: 0)
        var seen: Set<UUID> = []
        var failed = 0
        // Agreements first: a placement that started today must be on the pathway before its criteria are read.
        var agreementsSeen: Set<UUID> = []
        while true {
            let due = try await AgreementEvents.due(now: now, limit: batchSize + agreementsSeen.count, on: app.db).filter { !agreementsSeen.contains($0) }
            if due.isEmpty { break }
            agreementsSeen.formUnion(due)
            for agreementID in due {
                do {
                    try await app.write(context: .system) { db, _ in
                        try await DatabaseDialect(db).lockRow("agreements", id: agreementID, on: db)
                        try await AgreementEvents.sync(agreementID, by: nil, now: now, catalog: app.samskap.methodModels, on: db)
                    }
                    result.agreements += 1
                } catch {
                    failed += 1
                    app.logger.error("Den daglige jobben kunne ikke oppdatere avtale \(agreementID): \(String(describing: error))")
                }
            }
        }
        var cursor: UUID?
        while true {
            let due: [UUID]
            if everything {
                // Keyset paging over the active pathways: each page starts after the last id seen.
                let after: SQLQueryString = cursor.map { "AND id > \(bind: $0)" } ?? ""
                due = try await sql.raw("""
                    SELECT id AS pathway_id FROM pathways WHERE status = \(bind: Pathway.Status.active.rawValue) \(after)
                    ORDER BY id LIMIT \(literal: batchSize)
                    """).all(decoding: Due.self).map(\.pathway_id)
                cursor = due.last
            } else {
                due = try await sql.raw("""
                    SELECT DISTINCT pathway_id FROM pathway_criteria
                    WHERE next_check_at IS NOT NULL AND next_check_at <= \(bind: now)
                    ORDER BY pathway_id LIMIT \(literal: batchSize + seen.count)
                    """).all(decoding: Due.self).map(\.pathway_id).filter { !seen.contains($0) }
            }
            if due.isEmpty { break }
            seen.formUnion(due)
            let catalog = app.samskap.methodModels
            let outcome = await inChunks(due, what: "vurdere forløp") { ids, db in
                let rows = try await PathwayEvaluation.refresh(ids, scope: .criteriaAndAlerts, on: db, now: now,
                                                               models: { try await catalog.model(id: $0, on: db) })
                return rows.values.joined().filter { $0.state == CriterionState.overdue.rawValue }.count
            }
            result.pathways += outcome.done
            result.nowOverdue += outcome.sum
            failed += outcome.failed
        }
        // Last the alerts whose conditions turn by time alone (no contact for N days, a first work
        // day tomorrow, an agreement's last 30 days, a meeting that passed); the pathways above
        // already had theirs refreshed with their criteria.
        let (alerts, alertsFailed) = try await refreshDueAlerts(now: now, batchSize: batchSize, skipping: seen)
        result.alerts = alerts
        failed += alertsFailed
        guard result.pathways + result.agreements + result.alerts + failed > 0 else { return result }
        try await app.audit([AuditEvent(.dailyJobRun, objectType: AuditObjectType.pathway,
                                        detail: "frister: \(result.pathways) forløp vurdert på nytt, \(result.agreements) avtaler oppdatert, varsler i \(result.alerts) forløp"
                                            + (failed > 0 ? ", \(failed) feilet" : ""))], context: .system)
        return result
    }
}

extension PathwayDailyJob {
    /// How many pathways are evaluated together: one transaction, and one statement per input for
    /// all of them (`PathwayEvaluation`). On the national file a chunk of 200 holds SQLite's write
    /// lock for about 90 ms; 50 made the job 15 % slower (more commits, each waiting for the disk).
    static let chunkSize = 200

    /// Runs `work` over the ids, `chunkSize` ids per call and transaction. When a chunk fails it is
    /// rolled back and done again one id per transaction, so one bad pathway is logged and skipped
    /// alone. Returns how many ids were done, the sum of what `work` returned, and how many failed.
    private func inChunks(
        _ ids: [UUID], what: String, _ work: @escaping @Sendable ([UUID], any Database) async throws -> Int
    ) async -> (done: Int, sum: Int, failed: Int) {
        var done = 0, sum = 0, failed = 0
        for start in stride(from: 0, to: ids.count, by: Self.chunkSize) {
            let chunk = Array(ids[start ..< min(start + Self.chunkSize, ids.count)])
            do {
                sum += try await app.write(context: .system) { db, _ in try await work(chunk, db) }
                done += chunk.count
                continue
            } catch {
                if chunk.count == 1 {
                    failed += 1
                    app.logger.error("Den daglige jobben kunne ikke \(what) \(chunk[0]): \(String(describing: error))")
                    continue
                }
            }
            for id in chunk {
                do {
                    sum += try await app.write(context: .system) { db, _ in try await work([id], db) }
                    done += 1
                } catch {
                    failed += 1
                    app.logger.error("Den daglige jobben kunne ikke \(what) \(id): \(String(describing: error))")
                }
            }
        }
        return (done, sum, failed)
    }

    /// The pathways whose `alerts_check_at` has passed (optionally one office's): their alerts are
    /// evaluated again, one short transaction each. Returns how many were done and how many failed.
    func refreshDueAlerts(now: Date, batchSize: Int = 200, officeID: UUID? = nil, skipping: Set<UUID> = []) async throws -> (done: Int, failed: Int) {
        let sql = app.db as! any SQLDatabase
        struct Due: Decodable { var pathway_id: UUID }
        var seen = skipping
        var done = 0
        var failed = 0
        let office: SQLQueryString = officeID.map { "AND office_id = \(bind: $0)" } ?? ""
        while true {
            let due = try await sql.raw("""
                SELECT id AS pathway_id FROM pathways
                WHERE alerts_check_at IS NOT NULL AND alerts_check_at <= \(bind: now) \(office)
                ORDER BY id LIMIT \(literal: batchSize + seen.count)
                """).all(decoding: Due.self).map(\.pathway_id).filter { !seen.contains($0) }
            if due.isEmpty { break }
            seen.formUnion(due)
            let catalog = app.samskap.methodModels
            let outcome = await inChunks(due, what: "oppdatere varslene i forløp") { ids, db in
                try await PathwayEvaluation.refresh(ids, scope: .alerts, on: db, now: now, models: { try await catalog.model(id: $0, on: db) })
                return 0
            }
            done += outcome.done
            failed += outcome.failed
        }
        return (done, failed)
    }
}

extension AuditContext {
    /// Work the system does on its own (the daily job).
    static let system = AuditContext(actorUserID: nil, actorUsername: "system", requestID: nil)
}

/// Runs the daily job while `serve` runs: shortly after start and then every hour (it only looks
/// at pathways whose deadlines have passed, so running often is cheap and keeps pages exact).
struct PathwayJobScheduler: LifecycleHandler {
    final class Box: @unchecked Sendable {
        var task: RepeatedTask?
        /// The run in progress, if any: shutdown waits for it.
        let running = NIOLockedValueBox<EventLoopFuture<Void>?>(nil)
    }
    let box = Box()

    func start(_ app: Application) {
        box.task = app.eventLoopGroup.next().scheduleRepeatedAsyncTask(initialDelay: .seconds(30), delay: .hours(1)) { [box] _ in
            let run = app.eventLoopGroup.next().makeFutureWithTask {
                do {
                    _ = try await PathwayDailyJob(app: app).run(now: app.samskap.clock.now())
                } catch {
                    app.logger.error("Den daglige jobben for forløp feilet: \(String(describing: error))")
                }
            }
            box.running.withLockedValue { $0 = run }
            return run
        }
    }

    func shutdown(_ application: Application) {
        box.task?.cancel()
    }

    /// Stops the hourly run and waits for a run in progress to end, so that it does not find the
    /// databases closed halfway through its writes.
    func shutdownAsync(_ application: Application) async {
        box.task?.cancel()
        // Cancelling stops the next runs; a run already going is an async task of its own.
        try? await box.running.withLockedValue { $0 }?.get()
    }
}
