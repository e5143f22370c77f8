import Fluent
import SQLKit

/// Indexes that national-scale data showed were missing (see docs/PERFORMANCE.md).
struct M0012_AddScaleIndexes: AsyncMigration {
    static let indexes: [(name: String, table: String, columns: [String])] = [
        // The office overview counts handovers to each counselor; without it, every counselor's row
        // read the whole table.
        ("counselor_assignments_to_idx", "counselor_assignments", ["to_counselor_id", "changed_at"]),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for index in Self.indexes {
            var builder = sql.create(index: index.name).on(index.table)
            for column in index.columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for index in Self.indexes {
            try await sql.drop(index: index.name).run()
        }
    }
}
