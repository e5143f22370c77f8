import Fluent
import SQLKit

struct M0002_CreateUsers: AsyncMigration {
    var name: String { "M0002_CreateUsers" }

    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("search_key", .string, .required)
            .field("office_id", .uuid, .references("offices", "id", onDelete: .restrict))
            .field("password_hash", .string, .required)
            .field("must_change_password", .bool, .required)
            .field("is_active", .bool, .required)
            .field("is_demo", .bool, .required)
            .field("failed_login_count", .int, .required)
            .field("locked_until", .datetime)
            .field("locale", .string)
            .field("last_login_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "username")
            .create()
        try await database.schema("user_roles")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("role", .string, .required)
            .unique(on: "user_id", "role")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "users_office_id_idx").on("users").column("office_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("user_roles").delete()
        try await database.schema("users").delete()
    }
}
