import Fluent
import SQLKit

/// The leader's office overview from an index alone. Its query counts each counselor's candidates
/// at the office, the hybrid ones and those needing action, and finds the latest contact: the
/// candidates' office index now also holds those three columns, so the office's candidates (about
/// 2 000 at a national office) are no longer each read from the table. `candidates_office_idx`
/// keeps its first two columns (office, counselor), so what used it (the portfolio) still does.
struct M0015_AddOfficeOverviewIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // In one transaction (both databases change their schema transactionally): a migration that
        // stops halfway must not leave the candidates without their office index.
        try await database.transaction { tx in
            let sql = tx as! any SQLDatabase
            try await sql.drop(index: "candidates_office_idx").run()
            try await sql.create(index: "candidates_office_idx").on("candidates")
                .column("office_id").column("counselor_id").column("is_hybrid").column("needs_action_at").column("last_contact_at").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.transaction { tx in
            let sql = tx as! any SQLDatabase
            try await sql.drop(index: "candidates_office_idx").run()
            try await sql.create(index: "candidates_office_idx").on("candidates").column("office_id").column("counselor_id").run()
        }
    }
}
