import Fluent
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
    }

    func run(now: Date, batchSize: Int = 200) async throws -> Result {
        let sql = app.db as! any SQLDatabase
        struct Due: Decodable { var pathway_id: UUID }
        var result = Result(pathways: 0, nowOverdue: 0)
        var seen: Set<UUID> = []
        while true {
            let due = try await sql.raw("""
                SELECT DISTINCT pathway_id FROM pathway_criteria
                WHERE next_check_at IS NOT NULL AND next_check_at <= \(bind: now)
                ORDER BY pathway_id LIMIT \(literal: batchSize)
                """).all(decoding: Due.self).map(\.pathway_id).filter { !seen.contains($0) }
            if due.isEmpty { break }
            seen.formUnion(due)
            let counts = try await app.write(context: .system) { db, audit in
                var overdue = 0
                for pathwayID in due {
                    try await DatabaseDialect(db).lockRow("pathways", id: pathwayID, on: db)
                    guard let pathway = try await Pathway.find(pathwayID, on: db),
                          let record = try await MethodModelRecord.find(pathway.$methodModel.id, on: db) else { continue }
                    try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: try app.samskap.methodModels.model(record), on: db, now: now)
                    overdue += try await PathwayCriteriaStore.load(pathwayID: pathwayID, on: db).values.filter { $0.state == CriterionState.overdue.rawValue }.count
                }
                audit.record(AuditEvent(.dailyJobRun, objectType: AuditObjectType.pathway, detail: "frister: \(due.count) forløp vurdert på nytt"))
                return overdue
            }
            result.pathways += due.count
            result.nowOverdue += counts
        }
        return result
    }
}

extension AuditContext {
    /// Work the system does on its own (the daily job).
    static let system = AuditContext(actorUserID: nil, actorUsername: "system", requestID: nil)
}

/// Runs the daily job while `serve` runs: shortly after start and then every hour (it only looks
/// at pathways whose deadlines have passed, so running often is cheap and keeps pages exact).
struct PathwayJobScheduler: LifecycleHandler {
    final class Box: @unchecked Sendable { var task: RepeatedTask? }
    let box = Box()

    func start(_ app: Application) {
        box.task = app.eventLoopGroup.next().scheduleRepeatedAsyncTask(initialDelay: .seconds(30), delay: .hours(1)) { _ in
            app.eventLoopGroup.next().makeFutureWithTask {
                do {
                    _ = try await PathwayDailyJob(app: app).run(now: app.samskap.clock.now())
                } catch {
                    app.logger.error("Den daglige jobben for forløp feilet: \(String(describing: error))")
                }
            }
        }
    }

    func shutdown(_ application: Application) {
        box.task?.cancel()
    }
}
