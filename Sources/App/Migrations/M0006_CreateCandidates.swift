import Fluent
import SQLKit

/// Candidates, their consents, counselor history, hybrid periods, action items, access requests and
/// reasoned access grants;
/// hybrid expectations per office and chosen portfolio columns per user.
struct M0006_CreateCandidates: AsyncMigration {
    var name: String { "M0006_CreateCandidates" }

    func prepare(on database: any Database) async throws {
        try await database.schema("candidates")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("counselor_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("fnr", .string, .required)
            .field("first_name", .string, .required)
            .field("last_name", .string, .required)
            .field("search_key", .string, .required)
            .field("phone", .string)
            .field("email", .string)
            .field("municipality", .string)
            .field("innsatsgruppe", .string, .required)
            .field("main_benefit", .string, .required)
            .field("wishes", .string)
            .field("wished_work", .string)
            .field("strengths", .string)
            .field("challenges", .string)
            .field("support_needs", .string)
            .field("education", .string)
            .field("work_experience", .string)
            .field("norwegian_level", .string)
            .field("is_hybrid", .bool, .required)
            .field("hybrid_since", .datetime)
            .field("last_contact_at", .datetime)
            .field("next_meeting_at", .datetime)
            .field("counselor_changes", .int, .required)
            .field("is_demo", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime)
            .unique(on: "fnr")
            .create()

        try await database.schema("candidate_consents")
            .id()
            .field("candidate_id", .uuid, .required, .references("candidates", "id", onDelete: .cascade))
            .field("item", .string, .required)
            .field("party", .string, .required)
            .field("given_on", .datetime, .required)
            .field("expires_on", .datetime)
            .field("form", .string, .required)
            .field("note", .string)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("recorded_at", .datetime, .required)
            .field("withdrawn_at", .datetime)
            .field("withdrawn_by", .uuid, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("counselor_assignments")
            .id()
            .field("candidate_id", .uuid, .required, .references("candidates", "id", onDelete: .cascade))
            .field("from_counselor_id", .uuid, .references("users", "id", onDelete: .restrict))
            .field("to_counselor_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("changed_at", .datetime, .required)
            .field("changed_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("situation", .string)
            .field("agreements", .string)
            .field("mentor", .string)
            .field("next_meeting", .string)
            .field("promised", .string)
            .field("seen_at", .datetime)
            .create()

        try await database.schema("hybrid_periods")
            .id()
            .field("candidate_id", .uuid, .required, .references("candidates", "id", onDelete: .cascade))
            .field("counselor_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("started_on", .datetime, .required)
            .field("reason", .string, .required)
            .field("ended_on", .datetime)
            .field("end_reason", .string)
            .create()

        try await database.schema("action_items")
            .id()
            .field("candidate_id", .uuid, .required, .references("candidates", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("due_at", .datetime, .required)
            .field("resolved_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()

        try await database.schema("candidate_access_requests")
            .id()
            .field("candidate_id", .uuid, .required, .references("candidates", "id", onDelete: .cascade))
            .field("requester_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("reason", .string, .required)
            .field("created_at", .datetime, .required)
            .field("decided_at", .datetime)
            .field("decided_by", .uuid, .references("users", "id", onDelete: .restrict))
            .field("approved", .bool)
            .field("response", .string)
            .create()

        try await database.schema("candidate_access_grants")
            .id()
            .field("candidate_id", .uuid, .required, .references("candidates", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("reason", .string, .required)
            .field("granted_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("read_only", .bool, .required)
            .create()

        // SQLite adds one column per ALTER TABLE.
        try await database.schema("offices").field("hybrid_min", .int, .required, .sql(.default(2))).update()
        try await database.schema("offices").field("hybrid_max", .int, .required, .sql(.default(5))).update()
        try await database.schema("users")
            .field("portfolio_columns", .string)
            .update()

        let sql = database as! any SQLDatabase
        for (name, table, columns) in [
            ("candidates_counselor_idx", "candidates", ["counselor_id", "search_key"]),
            ("candidates_office_idx", "candidates", ["office_id", "counselor_id"]),
            ("candidate_consents_candidate_idx", "candidate_consents", ["candidate_id"]),
            ("counselor_assignments_candidate_idx", "counselor_assignments", ["candidate_id", "changed_at"]),
            ("hybrid_periods_candidate_idx", "hybrid_periods", ["candidate_id"]),
            ("action_items_candidate_idx", "action_items", ["candidate_id", "resolved_at"]),
            ("candidate_access_requests_candidate_idx", "candidate_access_requests", ["candidate_id"]),
            ("candidate_access_grants_user_idx", "candidate_access_grants", ["user_id", "candidate_id", "expires_at"]),
        ] {
            var builder = sql.create(index: name).on(table)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("portfolio_columns").update()
        try await database.schema("offices").deleteField("hybrid_min").update()
        try await database.schema("offices").deleteField("hybrid_max").update()
        for table in ["candidate_access_grants", "candidate_access_requests", "action_items", "hybrid_periods", "counselor_assignments", "candidate_consents", "candidates"] {
            try await database.schema(table).delete()
        }
    }
}
