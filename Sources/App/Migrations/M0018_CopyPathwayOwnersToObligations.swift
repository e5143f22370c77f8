import Fluent
import SQLKit

/// The leader's quality page counts the office's obligations whose deadline fell in a period, per
/// method model, criterion and counselor. It took the office's pathways from their index and, for
/// each of them (about 900 at an office of the county file), looked up its obligations in the
/// period in another index. Those lookups land all over that index, and every audited commit
/// empties the read connections' page cache, so each page read about 500 pages from the operating
/// system again.
///
/// Each obligation now carries a copy of its pathway's office, counselor and method model, and one
/// index by office and deadline holds everything the page counts: the office's obligations in the
/// period are one run of that index, with no pathway read. `PathwayEvaluation` writes the copies
/// with every obligation and rewrites a pathway's rows when a copy differs; a handover moves the
/// copies of the pathways it moves (`CandidateService.handover`). A pathway's office and method
/// model never change. The index by pathway and deadline served that page alone and is dropped.
///
/// The columns are nullable on SQLite, which adds a NOT NULL column only with a default, and an id
/// has no sensible one; on PostgreSQL they are NOT NULL once filled. All of it in one transaction:
/// a migration stopped halfway leaves the table as it was. Instances of an earlier version write
/// obligations without the copies, so on PostgreSQL their writes to pathways fail once this has
/// run: stop them before starting this version (on SQLite there is one process anyway).
struct M0018_CopyPathwayOwnersToObligations: AsyncMigration {
    static let columns = ["office_id", "counselor_id", "method_model_id"]

    func prepare(on database: any Database) async throws {
        try await database.transaction { tx in
            let sql = tx as! any SQLDatabase
            try await Self.readSchema(on: sql)
            for column in Self.columns {
                try await sql.raw("ALTER TABLE pathway_criterion_obligations ADD COLUMN \(ident: column) UUID").run()
            }
            try await sql.raw("""
                UPDATE pathway_criterion_obligations SET (office_id, counselor_id, method_model_id) =
                    (SELECT p.office_id, p.counselor_id, p.method_model_id FROM pathways p WHERE p.id = pathway_criterion_obligations.pathway_id)
                """).run()
            if DatabaseDialect(tx) == .postgres {
                for column in Self.columns {
                    try await sql.raw("ALTER TABLE pathway_criterion_obligations ALTER COLUMN \(ident: column) SET NOT NULL").run()
                }
            }
            try await sql.create(index: "pathway_criterion_obligations_office_idx").on("pathway_criterion_obligations")
                .column("office_id").column("deadline").column("state").column("criterion_id").column("counselor_id").column("method_model_id").run()
            try await sql.drop(index: "pathway_criterion_obligations_window_idx").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.transaction { tx in
            let sql = tx as! any SQLDatabase
            try await Self.readSchema(on: sql)
            try await sql.create(index: "pathway_criterion_obligations_window_idx").on("pathway_criterion_obligations")
                .column("pathway_id").column("deadline").column("state").column("criterion_id").run()
            try await sql.drop(index: "pathway_criterion_obligations_office_idx").run()
            for column in Self.columns {
                try await sql.raw("ALTER TABLE pathway_criterion_obligations DROP COLUMN \(ident: column)").run()
            }
        }
    }

    /// A statement that reads the table, so that a connection of SQLite's pool holding the schema
    /// from before another connection's change reads it again. SQLite checks that when a statement
    /// runs, while `ALTER TABLE` checks its column names against what the connection holds: after
    /// a revert on one connection, the prepare on another found the columns still there.
    private static func readSchema(on sql: any SQLDatabase) async throws {
        try await sql.raw("SELECT 1 FROM pathway_criterion_obligations WHERE 1 = 0").run()
    }
}
