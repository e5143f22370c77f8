import Fluent
import SQLKit

/// Indexes that answer the leader's quality page from the indexes alone. Its query takes the
/// office's pathways and, for each, the obligations whose deadline falls in the period: the
/// pathways' index now also holds the method model and the id, and the obligations get one on
/// pathway and deadline that holds the state and the criterion. Before, every obligation of every
/// pathway of the office was read from the table (quality page, county file, c=32: about 240 → 270–300
/// requests per second). `pathways_office_idx` keeps its first two columns, so what used it still does.
struct M0014_AddQualityIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "pathways_office_idx").run()
        try await sql.create(index: "pathways_office_idx").on("pathways")
            .column("office_id").column("counselor_id").column("method_model_id").column("id").run()
        try await sql.create(index: "pathway_criterion_obligations_window_idx").on("pathway_criterion_obligations")
            .column("pathway_id").column("deadline").column("state").column("criterion_id").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "pathway_criterion_obligations_window_idx").run()
        try await sql.drop(index: "pathways_office_idx").run()
        try await sql.create(index: "pathways_office_idx").on("pathways").column("office_id").column("counselor_id").run()
    }
}
