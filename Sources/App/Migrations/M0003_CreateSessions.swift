import Fluent
import SQLKit

struct M0003_CreateSessions: AsyncMigration {
    var name: String { "M0003_CreateSessions" }

    func prepare(on database: any Database) async throws {
        try await database.schema("sessions")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "sessions_user_id_idx").on("sessions").column("user_id").run()
        try await sql.create(index: "sessions_last_seen_at_idx").on("sessions").column("last_seen_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sessions").delete()
    }
}
