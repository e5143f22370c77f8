import Fluent
import Foundation
import SQLKit

/// Follow-up: the contact log, meetings with minutes, calendar feeds, training and language plans
/// per placement, the stored "trenger oppfølging" alerts, and each office's follow-up settings and
/// plain-language word list.
struct M0009_CreateFollowUp: AsyncMigration {
    var name: String { "M0009_CreateFollowUp" }

    func prepare(on database: any Database) async throws {
        // SQLite adds one column per ALTER TABLE.
        try await database.schema("offices")
            .field("no_contact_alert_days", .int, .required, .sql(.default(30)))
            .update()
        try await database.schema("offices")
            .field("plain_language_custom", .bool, .required, .sql(.default(false)))
            .update()
        // When the daily job must look at the pathway's alerts again (a time-based condition turns).
        try await database.schema("pathways")
            .field("alerts_check_at", .datetime)
            .update()

        try await database.schema("contacts")
            .id()
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("candidate_id", .uuid, .required, .references("candidates", "id", onDelete: .cascade))
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("occurred_at", .datetime, .required)
            .field("channel", .string, .required)
            .field("with_whom", .string, .required)
            .field("with_name", .string)
            .field("duration_minutes", .int)
            .field("note", .string)
            .field("next_step", .string)
            .field("for_candidate", .bool, .required, .sql(.default(false)))
            .field("event_id", .uuid, .references("pathway_events", "id", onDelete: .setNull))
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("meetings")
            .id()
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("candidate_id", .uuid, .required, .references("candidates", "id", onDelete: .cascade))
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("type", .string, .required)
            .field("starts_at", .datetime, .required)
            .field("duration_minutes", .int, .required)
            .field("place", .string)
            // JSON: [{"role": "kandidat", "name": "…"}]
            .field("participants", .string, .required)
            .field("agenda", .string)
            .field("minutes", .string)
            .field("minutes_for_candidate", .bool, .required, .sql(.default(false)))
            .field("minutes_at", .datetime)
            .field("minutes_by", .uuid, .references("users", "id", onDelete: .restrict))
            .field("event_id", .uuid, .references("pathway_events", "id", onDelete: .setNull))
            .field("cancelled_at", .datetime)
            .field("cancel_reason", .string)
            .field("cancelled_by", .uuid, .references("users", "id", onDelete: .restrict))
            // Raised on every change, for the SEQUENCE of its calendar entry.
            .field("sequence", .int, .required, .sql(.default(0)))
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("updated_at", .datetime, .required)
            .create()

        try await database.schema("calendar_feeds")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "token_hash")
            .create()

        try await database.schema("training_goals")
            .id()
            .field("agreement_id", .uuid, .required, .references("agreements", "id", onDelete: .cascade))
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            // opplaering | sprak
            .field("plan", .string, .required)
            .field("title", .string, .required)
            .field("target_date", .datetime)
            .field("status", .string, .required)
            .field("responsible", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("updated_at", .datetime, .required)
            .create()

        try await database.schema("training_goal_notes")
            .id()
            .field("goal_id", .uuid, .required, .references("training_goals", "id", onDelete: .cascade))
            .field("text", .string)
            .field("from_status", .string)
            .field("to_status", .string)
            .field("written_at", .datetime, .required)
            .field("written_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("language_plans")
            .id()
            .field("agreement_id", .uuid, .required, .references("agreements", "id", onDelete: .cascade))
            .field("final_goal", .string, .required)
            .field("deadline", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .unique(on: "agreement_id")
            .create()

        try await database.schema("language_observations")
            .id()
            .field("agreement_id", .uuid, .required, .references("agreements", "id", onDelete: .cascade))
            .field("observed_on", .datetime, .required)
            // JSON: {"smaprat": {"rating": "delvis", "comment": "…"}, …}
            .field("items", .string, .required)
            .field("note", .string)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("alerts")
            .id()
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("candidate_id", .uuid, .required, .references("candidates", "id", onDelete: .cascade))
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("kind", .string, .required)
            // What the alert is about within its kind: a criterion id, an agreement id, or "".
            .field("subject", .string, .required)
            .field("since", .datetime, .required)
            // JSON array of the reason's arguments; the text is rendered in the reader's language.
            .field("reason_args", .string, .required)
            .field("opened_at", .datetime, .required)
            .field("resolved_at", .datetime)
            .field("snoozed_until", .datetime)
            .field("snooze_reason", .string)
            .field("snoozed_by", .uuid, .references("users", "id", onDelete: .restrict))
            .field("snoozed_at", .datetime)
            .create()

        try await database.schema("plain_language_terms")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .cascade))
            .field("term", .string, .required)
            .field("suggestion", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .references("users", "id", onDelete: .restrict))
            .unique(on: "office_id", "term")
            .create()

        let sql = database as! any SQLDatabase
        for (name, table, columns) in [
            ("contacts_pathway_idx", "contacts", ["pathway_id", "occurred_at"]),
            ("meetings_pathway_idx", "meetings", ["pathway_id", "starts_at"]),
            ("meetings_candidate_idx", "meetings", ["candidate_id", "starts_at"]),
            ("meetings_office_idx", "meetings", ["office_id", "starts_at"]),
            ("calendar_feeds_user_idx", "calendar_feeds", ["user_id"]),
            ("training_goals_agreement_idx", "training_goals", ["agreement_id", "plan"]),
            ("training_goal_notes_goal_idx", "training_goal_notes", ["goal_id", "written_at"]),
            ("language_observations_agreement_idx", "language_observations", ["agreement_id", "observed_on"]),
            ("alerts_candidate_idx", "alerts", ["candidate_id", "resolved_at"]),
            ("alerts_pathway_idx", "alerts", ["pathway_id", "resolved_at"]),
            ("pathways_alerts_check_idx", "pathways", ["alerts_check_at"]),
        ] {
            var builder = sql.create(index: name).on(table)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
        // Pathways that exist already get their alerts from the first run of the daily job.
        try await sql.update("pathways").set("alerts_check_at", to: Date()).where("status", .notEqual, "closed").run()
        // At most one open alert per pathway, kind and subject, also under parallel writes.
        try await sql.raw("CREATE UNIQUE INDEX alerts_open_idx ON alerts (pathway_id, kind, subject) WHERE resolved_at IS NULL").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "pathways_alerts_check_idx").run()
        for table in ["plain_language_terms", "alerts", "language_observations", "language_plans", "training_goal_notes",
                      "training_goals", "calendar_feeds", "meetings", "contacts"] {
            try await database.schema(table).delete()
        }
    }
}
