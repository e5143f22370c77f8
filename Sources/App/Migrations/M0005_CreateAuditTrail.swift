import Fluent
import SQLKit

/// The append-only audit trail and the head of its hash chain.
struct M0005_CreateAuditTrail: AsyncMigration {
    var name: String { "M0005_CreateAuditTrail" }

    func prepare(on database: any Database) async throws {
        try await database.schema("audit_entries")
            .field("seq", .int64, .identifier(auto: false))
            .field("occurred_at", .datetime, .required)
            .field("actor_user_id", .uuid)
            .field("actor_username", .string)
            .field("action", .string, .required)
            .field("object_type", .string)
            .field("object_id", .string)
            .field("office_id", .uuid)
            .field("outcome", .string, .required)
            .field("request_id", .string)
            .field("detail", .string)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .create()
        try await database.schema("audit_chain_head")
            .field("id", .int, .identifier(auto: false))
            .field("last_seq", .int64, .required)
            .field("last_hash", .string, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.insert(into: "audit_chain_head")
            .columns("id", "last_seq", "last_hash")
            .values(SQLBind(1), SQLBind(0), SQLBind(AuditHash.genesis))
            .run()
        for (name, columns) in [
            ("audit_entries_occurred_at_idx", ["occurred_at"]),
            ("audit_entries_actor_idx", ["actor_user_id", "seq"]),
            ("audit_entries_object_idx", ["object_type", "object_id", "seq"]),
            ("audit_entries_office_idx", ["office_id", "seq"]),
        ] {
            var builder = sql.create(index: name).on("audit_entries")
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
        for statement in DatabaseDialect(database).auditTrailProtection() {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_chain_head").delete()
        try await database.schema("audit_entries").delete()
    }
}
