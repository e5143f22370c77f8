import Fluent
import SQLKit

/// The employer register (contacts, cooperation status with history, notes, visits, job
/// analyses), job development per pathway, mentors and agreements with versions and approvals.
struct M0008_CreateEmployerRegister: AsyncMigration {
    var name: String { "M0008_CreateEmployerRegister" }

    func prepare(on database: any Database) async throws {
        // SQLite adds one column per ALTER TABLE.
        let employerColumns: [(String, DatabaseSchema.DataType, [DatabaseSchema.FieldConstraint])] = [
            ("industry", .string, []),
            ("size_band", .string, []),
            ("address", .string, []),
            ("municipality", .string, []),
            ("owner_id", .uuid, [.references("users", "id", onDelete: .restrict)]),
            // Changed only together with a row in employer_status_changes.
            ("cooperation_status", .string, [.required, .sql(.default("ny"))]),
            ("updated_at", .datetime, []),
        ]
        for (name, type, constraints) in employerColumns {
            try await database.schema("employers")
                .field(.definition(name: .key(FieldKey(stringLiteral: name)), dataType: type, constraints: constraints))
                .update()
        }

        try await database.schema("employer_contacts")
            .id()
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("role", .string)
            .field("phone", .string)
            .field("email", .string)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("removed_at", .datetime)
            .field("removed_by", .uuid, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("employer_status_changes")
            .id()
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .cascade))
            .field("from_status", .string, .required)
            .field("to_status", .string, .required)
            .field("changed_on", .datetime, .required)
            .field("reason", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("employer_notes")
            .id()
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .cascade))
            .field("text", .string, .required)
            .field("written_at", .datetime, .required)
            .field("written_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("employer_visits")
            .id()
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .cascade))
            .field("visited_on", .datetime, .required)
            .field("visitors", .string, .required)
            .field("purpose", .string, .required)
            .field("pathway_id", .uuid, .references("pathways", "id", onDelete: .setNull))
            .field("event_id", .uuid, .references("pathway_events", "id", onDelete: .setNull))
            .field("notes", .string)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("job_analyses")
            .id()
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("tasks", .string, .required)
            .field("physical_demands", .string)
            .field("social_demands", .string)
            .field("language_requirement", .string, .required)
            .field("hours_per_week", .int)
            .field("psychosocial_environment", .string)
            .field("training_routines", .string)
            .field("adaptation_possibilities", .string)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("updated_at", .datetime)
            .create()

        try await database.schema("pathways")
            // Wished industries for job matching: NACE section letters, comma separated.
            .field("wished_industries", .string)
            .update()

        try await database.schema("employer_approaches")
            .id()
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .restrict))
            .field("occurred_on", .datetime, .required)
            .field("channel", .string, .required)
            .field("with_candidate", .bool, .required)
            .field("outcome", .string, .required)
            .field("note", .string)
            .field("event_id", .uuid, .required, .references("pathway_events", "id", onDelete: .cascade))
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("mentors")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .restrict))
            .field("name", .string, .required)
            .field("position", .string, .required)
            .field("phone", .string)
            .field("email", .string)
            .field("is_demo", .bool, .required, .sql(.default(false)))
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("pathway_mentors")
            .id()
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("mentor_id", .uuid, .required, .references("mentors", "id", onDelete: .restrict))
            .field("from_date", .datetime, .required)
            .field("to_date", .datetime)
            .field("end_reason", .string)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("ended_by", .uuid, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("agreements")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("candidate_id", .uuid, .required, .references("candidates", "id", onDelete: .cascade))
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .restrict))
            .field("type", .string, .required)
            .field("current_version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("updated_at", .datetime)
            .field("annulled_on", .datetime)
            .field("annul_reason", .string)
            .field("annul_note", .string)
            .field("annulled_by", .uuid, .references("users", "id", onDelete: .restrict))
            // When the agreement's pathway events next change (a start or an end passing); the daily job looks here.
            .field("events_due_at", .datetime)
            .field("is_demo", .bool, .required, .sql(.default(false)))
            .create()

        try await database.schema("agreement_versions")
            .id()
            .field("agreement_id", .uuid, .required, .references("agreements", "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("start_date", .datetime)
            .field("end_date", .datetime)
            // [{"kind": "...", "description": "..."}]
            .field("goals", .string, .required)
            .field("tasks", .string)
            .field("follow_up", .string)
            .field("nav_contact", .string)
            .field("workplace_contact", .string)
            .field("wage_subsidy_percent", .int)
            .field("mentor_id", .uuid, .references("mentors", "id", onDelete: .restrict))
            // Money and hours as integers: hours × 100 and øre.
            .field("mentor_hours_x100", .int)
            .field("hourly_wage_ore", .int)
            .field("is_extension", .bool, .required)
            .field("change_note", .string)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            // Set once, when both parties have approved this version.
            .field("fully_approved_at", .datetime)
            .unique(on: "agreement_id", "version")
            .create()

        try await database.schema("agreement_approvals")
            .id()
            .field("agreement_id", .uuid, .required, .references("agreements", "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("party", .string, .required)
            .field("approved_at", .datetime, .required)
            .field("approved_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("withdrawn_at", .datetime)
            .field("withdrawn_reason", .string)
            .create()

        let sql = database as! any SQLDatabase
        try await sql.create(index: "employers_orgnr_idx").on("employers").column("office_id").column("orgnr").unique().run()
        for (name, table, columns) in [
            ("employer_contacts_employer_idx", "employer_contacts", ["employer_id"]),
            ("employer_status_changes_employer_idx", "employer_status_changes", ["employer_id", "changed_on"]),
            ("employer_notes_employer_idx", "employer_notes", ["employer_id", "written_at"]),
            ("employer_visits_employer_idx", "employer_visits", ["employer_id", "visited_on"]),
            ("job_analyses_employer_idx", "job_analyses", ["employer_id"]),
            ("employer_approaches_pathway_idx", "employer_approaches", ["pathway_id", "occurred_on"]),
            ("employer_approaches_user_idx", "employer_approaches", ["recorded_by", "occurred_on"]),
            ("mentors_employer_idx", "mentors", ["employer_id"]),
            ("pathway_mentors_pathway_idx", "pathway_mentors", ["pathway_id"]),
            ("pathway_mentors_mentor_idx", "pathway_mentors", ["mentor_id"]),
            ("agreements_pathway_idx", "agreements", ["pathway_id"]),
            ("agreements_employer_idx", "agreements", ["employer_id"]),
            ("agreements_events_due_idx", "agreements", ["events_due_at"]),
            ("agreement_approvals_agreement_idx", "agreement_approvals", ["agreement_id", "version"]),
            ("pathway_events_agreement_idx", "pathway_events", ["agreement_id"]),
        ] {
            var builder = sql.create(index: name).on(table)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        for table in ["agreement_approvals", "agreement_versions", "agreements", "pathway_mentors", "mentors", "employer_approaches",
                      "job_analyses", "employer_visits", "employer_notes", "employer_status_changes", "employer_contacts"] {
            try await database.schema(table).delete()
        }
        try await sql.drop(index: "employers_orgnr_idx").run()
        try await sql.drop(index: "pathway_events_agreement_idx").run()
    }
}
