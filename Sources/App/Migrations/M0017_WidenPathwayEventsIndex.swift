import Fluent
import SQLKit

/// Every write to a pathway re-evaluates it from its events (`PathwayEvaluation`), so it reads all
/// of them each time. The index by pathway and time held only those two columns: each event was
/// then looked up in the table, and the rows sorted again for the order the rules read them in.
/// A pathway followed for years has hundreds of events, and each write paid for all of them. The
/// index now holds every column that read uses, in its order: the read is the index alone
/// (`EXPLAIN QUERY PLAN`: a covering index, no sort). It keeps its name and its first two
/// columns, so the reads that used it before use it as before.
struct M0017_WidenPathwayEventsIndex: AsyncMigration {
    static let columns = ["pathway_id", "occurred_at", "recorded_at", "id", "type", "employer_id", "withdrawn_at"]

    func prepare(on database: any Database) async throws {
        try await replace(with: Self.columns, on: database)
    }

    func revert(on database: any Database) async throws {
        try await replace(with: ["pathway_id", "occurred_at"], on: database)
    }

    /// In one transaction (both databases change their schema transactionally): a migration that
    /// stops halfway must not leave the events without their index, nor the next start without
    /// an index to drop.
    private func replace(with columns: [String], on database: any Database) async throws {
        try await database.transaction { tx in
            let sql = tx as! any SQLDatabase
            try await sql.drop(index: "pathway_events_pathway_idx").run()
            var builder = sql.create(index: "pathway_events_pathway_idx").on("pathway_events")
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
    }
}
