import Fluent
import SQLKit

/// Method models, employers (the start of the register), pathways, their events, step history and
/// the stored state of their quality criteria.
struct M0007_CreatePathways: AsyncMigration {
    var name: String { "M0007_CreatePathways" }

    func prepare(on database: any Database) async throws {
        try await database.schema("method_models")
            .id()
            .field("key", .string, .required)
            .field("version", .int, .required)
            // "shipped" for the files in Resources/MethodModels, else the office's id.
            .field("owner", .string, .required)
            .field("office_id", .uuid, .references("offices", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("source_text", .string, .required)
            .field("sha256", .string, .required)
            .field("file_name", .string, .required)
            .field("loaded_at", .datetime, .required)
            .field("loaded_by", .uuid, .references("users", "id", onDelete: .restrict))
            .unique(on: "key", "version", "owner")
            .create()

        try await database.schema("employers")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("name", .string, .required)
            // The name folded (`SearchText.folded`): one employer per name and office.
            .field("name_key", .string, .required)
            .field("orgnr", .string)
            .field("is_demo", .bool, .required, .sql(.default(false)))
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .references("users", "id", onDelete: .restrict))
            .unique(on: "office_id", "name_key")
            .create()

        try await database.schema("pathways")
            .id()
            .field("candidate_id", .uuid, .required, .references("candidates", "id", onDelete: .cascade))
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("counselor_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("method_model_id", .uuid, .required, .references("method_models", "id", onDelete: .restrict))
            .field("current_step", .string, .required)
            .field("status", .string, .required)
            .field("referral_date", .datetime, .required)
            .field("referrer", .string, .required)
            .field("outcome", .string)
            .field("outcome_reason", .string)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("closed_at", .datetime)
            .field("updated_at", .datetime)
            .create()

        try await database.schema("pathway_events")
            .id()
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("type", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("employer_id", .uuid, .references("employers", "id", onDelete: .restrict))
            .field("agreement_id", .uuid)
            .field("note", .string)
            // A mistaken event is withdrawn, not deleted: kept in the timeline, left out of the criteria.
            .field("withdrawn_at", .datetime)
            .field("withdrawn_by", .uuid, .references("users", "id", onDelete: .restrict))
            .field("withdrawn_reason", .string)
            .create()

        try await database.schema("pathway_transitions")
            .id()
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("from_step", .string)
            .field("to_step", .string)
            .field("at", .datetime, .required)
            .field("reason", .string)
            .field("by_user", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("pathway_criteria")
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("criterion_id", .string, .required)
            .field("state", .string, .required)
            .field("deadline", .datetime)
            .field("limit_at", .datetime)
            .field("overdue_since", .datetime)
            .field("evidence_event_id", .uuid)
            .field("evidence_at", .datetime)
            .field("next_check_at", .datetime)
            // False when nothing can be done about it any more (a follow-up period that ended with a
            // gap): it still counts as missed, but no longer asks for action.
            .field("resolvable", .bool, .required)
            .field("evaluated_at", .datetime, .required)
            .compositeIdentifier(over: "pathway_id", "criterion_id")
            .create()

        // Every time a criterion applied (each placement, each extension …), for statistics over
        // time; `pathway_criteria` holds the state to show now.
        try await database.schema("pathway_criterion_obligations")
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("criterion_id", .string, .required)
            .field("anchor_event_id", .uuid, .required)
            .field("state", .string, .required)
            .field("deadline", .datetime)
            .field("evidence_event_id", .uuid)
            .field("evidence_at", .datetime)
            .field("resolvable", .bool, .required)
            .field("evaluated_at", .datetime, .required)
            .compositeIdentifier(over: "pathway_id", "criterion_id", "anchor_event_id")
            .create()

        let sql = database as! any SQLDatabase
        for (name, table, columns) in [
            ("employers_office_idx", "employers", ["office_id", "name"]),
            ("pathways_candidate_idx", "pathways", ["candidate_id", "status"]),
            ("pathways_office_idx", "pathways", ["office_id", "counselor_id"]),
            ("pathway_events_pathway_idx", "pathway_events", ["pathway_id", "occurred_at"]),
            ("pathway_transitions_pathway_idx", "pathway_transitions", ["pathway_id", "at"]),
            ("pathway_criteria_state_idx", "pathway_criteria", ["state", "deadline"]),
            ("pathway_criteria_check_idx", "pathway_criteria", ["next_check_at"]),
            ("pathway_criterion_obligations_deadline_idx", "pathway_criterion_obligations", ["deadline"]),
        ] {
            var builder = sql.create(index: name).on(table)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["pathway_criterion_obligations", "pathway_criteria", "pathway_transitions", "pathway_events", "pathways", "employers", "method_models"] {
            try await database.schema(table).delete()
        }
    }
}
