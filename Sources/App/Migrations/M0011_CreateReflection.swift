import Fluent
import Foundation
import SQLKit

/// Collective reflection and learning: the learning log, reflection groups and their sessions
/// (agenda, notes, attendance, themes, actions), pseudonymised case presentations, the office's
/// reflection note with versions and sign-off, the premises self-check, and the internal and
/// external resources brought into a pathway (evidence for premise 4).
struct M0011_CreateReflection: AsyncMigration {
    var name: String { "M0011_CreateReflection" }

    func prepare(on database: any Database) async throws {
        try await database.schema("reflection_groups")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("rhythm_weeks", .int)
            .field("description", .string)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("archived_at", .datetime)
            .create()

        try await database.schema("reflection_group_members")
            .id()
            .field("group_id", .uuid, .required, .references("reflection_groups", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("added_at", .datetime, .required)
            .field("added_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("removed_at", .datetime)
            .unique(on: "group_id", "user_id")
            .create()

        // "Gjort – lært – lurt": private to its author until shared with one group.
        try await database.schema("learning_notes")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("author_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("pathway_id", .uuid, .references("pathways", "id", onDelete: .setNull))
            .field("done", .string, .required)
            .field("learned", .string, .required)
            .field("worth_keeping", .string, .required)
            .field("group_id", .uuid, .references("reflection_groups", "id", onDelete: .setNull))
            .field("shared_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("deleted_at", .datetime)
            .create()

        // A case presentation generated from a pathway, pseudonymised; the author edits it before sharing.
        try await database.schema("case_presentations")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("author_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("pathway_id", .uuid, .references("pathways", "id", onDelete: .setNull))
            .field("age_band", .string, .required)
            .field("innsatsgruppe", .string, .required)
            .field("step", .string, .required)
            .field("duration_weeks", .int, .required)
            .field("challenges", .string, .required)
            .field("tried", .string, .required)
            .field("criteria", .string, .required)
            .field("question", .string, .required)
            .field("shared_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()

        try await database.schema("reflection_sessions")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("group_id", .uuid, .required, .references("reflection_groups", "id", onDelete: .restrict))
            .field("starts_at", .datetime, .required)
            .field("place", .string)
            .field("summary", .string)
            .field("held_at", .datetime)
            .field("cancelled_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("reflection_agenda_items")
            .id()
            .field("session_id", .uuid, .required, .references("reflection_sessions", "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("notes", .string)
            .field("case_presentation_id", .uuid, .references("case_presentations", "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("updated_at", .datetime, .required)
            .create()

        try await database.schema("reflection_attendance")
            .id()
            .field("session_id", .uuid, .required, .references("reflection_sessions", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("attended", .bool, .required)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .unique(on: "session_id", "user_id")
            .create()

        // A theme on a session's agenda point or on a learning note: a key from the catalogue or a free tag.
        try await database.schema("reflection_themes")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("session_id", .uuid, .references("reflection_sessions", "id", onDelete: .cascade))
            .field("agenda_item_id", .uuid, .references("reflection_agenda_items", "id", onDelete: .cascade))
            .field("learning_note_id", .uuid, .references("learning_notes", "id", onDelete: .cascade))
            .field("theme", .string, .required)
            .field("is_free", .bool, .required)
            .field("tagged_on", .datetime, .required)
            .create()

        try await database.schema("reflection_actions")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("session_id", .uuid, .required, .references("reflection_sessions", "id", onDelete: .cascade))
            .field("agenda_item_id", .uuid, .references("reflection_agenda_items", "id", onDelete: .setNull))
            .field("title", .string, .required)
            .field("owner_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("due_on", .datetime, .required)
            .field("done_at", .datetime)
            .field("done_by", .uuid, .references("users", "id", onDelete: .restrict))
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        // The office's reflection note (refleksjonsnotat): one per office and period, every version kept.
        try await database.schema("reflection_notes")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("period", .string, .required)
            .field("title", .string, .required)
            .field("current_version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .unique(on: "office_id", "period")
            .create()

        try await database.schema("reflection_note_participants")
            .id()
            .field("note_id", .uuid, .required, .references("reflection_notes", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("added_at", .datetime, .required)
            .unique(on: "note_id", "user_id")
            .create()

        try await database.schema("reflection_note_versions")
            .id()
            .field("note_id", .uuid, .required, .references("reflection_notes", "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("body", .string, .required)
            .field("change_summary", .string)
            .field("written_at", .datetime, .required)
            .field("written_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .unique(on: "note_id", "version")
            .create()

        try await database.schema("reflection_note_signoffs")
            .id()
            .field("note_id", .uuid, .required, .references("reflection_notes", "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("signed_at", .datetime, .required)
            .unique(on: "note_id", "version", "user_id")
            .create()

        // The premises self-check: one round per office and period; each person answers each premise once.
        try await database.schema("premise_checks")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("period", .string, .required)
            .field("opened_at", .datetime, .required)
            .field("opened_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("closed_at", .datetime)
            .unique(on: "office_id", "period")
            .create()

        try await database.schema("premise_answers")
            .id()
            .field("check_id", .uuid, .required, .references("premise_checks", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("premise", .int, .required)
            .field("score", .int, .required)
            .field("comment", .string)
            .field("answered_at", .datetime, .required)
            .unique(on: "check_id", "user_id", "premise")
            .create()

        // Internal (market contact, job specialist) and external (health, school) resources in a pathway.
        try await database.schema("pathway_resources")
            .id()
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("kind", .string, .required)
            .field("note", .string)
            .field("started_on", .datetime, .required)
            .field("ended_on", .datetime)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        let sql = database as! any SQLDatabase
        for (index, table, columns) in [
            ("reflection_groups_office_idx", "reflection_groups", ["office_id"]),
            ("reflection_group_members_user_idx", "reflection_group_members", ["user_id"]),
            ("learning_notes_author_idx", "learning_notes", ["author_id", "created_at"]),
            ("learning_notes_group_idx", "learning_notes", ["group_id", "shared_at"]),
            ("case_presentations_author_idx", "case_presentations", ["author_id", "created_at"]),
            ("reflection_sessions_office_idx", "reflection_sessions", ["office_id", "starts_at"]),
            ("reflection_sessions_group_idx", "reflection_sessions", ["group_id", "starts_at"]),
            ("reflection_agenda_items_session_idx", "reflection_agenda_items", ["session_id", "position"]),
            ("reflection_attendance_user_idx", "reflection_attendance", ["user_id"]),
            ("reflection_themes_office_idx", "reflection_themes", ["office_id", "tagged_on"]),
            ("reflection_themes_session_idx", "reflection_themes", ["session_id"]),
            ("reflection_themes_note_idx", "reflection_themes", ["learning_note_id"]),
            ("reflection_actions_owner_idx", "reflection_actions", ["owner_id", "done_at"]),
            ("reflection_actions_office_idx", "reflection_actions", ["office_id", "created_at"]),
            ("reflection_actions_session_idx", "reflection_actions", ["session_id"]),
            ("reflection_note_versions_note_idx", "reflection_note_versions", ["note_id", "version"]),
            ("premise_answers_check_idx", "premise_answers", ["check_id"]),
            ("pathway_resources_pathway_idx", "pathway_resources", ["pathway_id"]),
            ("pathway_resources_office_idx", "pathway_resources", ["office_id"]),
        ] {
            var builder = sql.create(index: index).on(table)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["pathway_resources", "premise_answers", "premise_checks", "reflection_note_signoffs",
                      "reflection_note_versions", "reflection_note_participants", "reflection_notes", "reflection_actions",
                      "reflection_themes", "reflection_attendance", "reflection_agenda_items", "reflection_sessions",
                      "case_presentations", "learning_notes", "reflection_group_members", "reflection_groups"] {
            try await database.schema(table).delete()
        }
    }
}
