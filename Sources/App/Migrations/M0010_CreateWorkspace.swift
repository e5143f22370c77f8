import Fluent
import Foundation
import SQLKit

/// The workspace of people outside NAV: mentors' and employer contacts' accounts by invitation,
/// the confidentiality declaration, one-time login codes, the mentor's hours, observations and
/// alarms, meeting confirmations, messages to the counselor, and mentor gatherings.
struct M0010_CreateWorkspace: AsyncMigration {
    var name: String { "M0010_CreateWorkspace" }

    func prepare(on database: any Database) async throws {
        // The counselor's phone is shown to the mentors of their candidates.
        try await database.schema("users").field("phone", .string).update()

        // Who an external account is: one mentor or one employer contact, never shared.
        try await database.schema("external_accounts")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("role", .string, .required)
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .restrict))
            .field("mentor_id", .uuid, .references("mentors", "id", onDelete: .restrict))
            .field("employer_contact_id", .uuid, .references("employer_contacts", "id", onDelete: .restrict))
            .field("email", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id")
            .unique(on: "mentor_id")
            .unique(on: "employer_contact_id")
            .create()

        try await database.schema("invitations")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("role", .string, .required)
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .restrict))
            .field("mentor_id", .uuid, .references("mentors", "id", onDelete: .restrict))
            .field("employer_contact_id", .uuid, .references("employer_contacts", "id", onDelete: .restrict))
            .field("pathway_id", .uuid, .references("pathways", "id", onDelete: .cascade))
            .field("agreement_id", .uuid, .references("agreements", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("email", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("user_id", .uuid, .references("users", "id", onDelete: .setNull))
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()

        try await database.schema("declaration_acceptances")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("accepted_at", .datetime, .required)
            .unique(on: "user_id", "version")
            .create()

        try await database.schema("login_codes")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("attempts", .int, .required, .sql(.default(0)))
            .create()

        try await database.schema("mentor_hours")
            .id()
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("agreement_id", .uuid, .references("agreements", "id", onDelete: .setNull))
            .field("mentor_id", .uuid, .required, .references("mentors", "id", onDelete: .restrict))
            .field("worked_on", .datetime, .required)
            .field("hours_x100", .int, .required)
            .field("activity", .string, .required)
            .field("event_id", .uuid, .references("pathway_events", "id", onDelete: .setNull))
            .field("recorded_at", .datetime, .required)
            .field("recorded_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("mentor_observations")
            .id()
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("mentor_id", .uuid, .required, .references("mentors", "id", onDelete: .restrict))
            .field("kind", .string, .required)
            .field("text", .string, .required)
            .field("event_id", .uuid, .references("pathway_events", "id", onDelete: .setNull))
            .field("written_at", .datetime, .required)
            .field("written_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("mentor_alarms")
            .id()
            .field("pathway_id", .uuid, .required, .references("pathways", "id", onDelete: .cascade))
            .field("mentor_id", .uuid, .required, .references("mentors", "id", onDelete: .restrict))
            .field("reason", .string, .required)
            .field("text", .string)
            .field("raised_at", .datetime, .required)
            .field("raised_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("alert_id", .uuid, .references("alerts", "id", onDelete: .setNull))
            .field("event_id", .uuid, .references("pathway_events", "id", onDelete: .setNull))
            .field("acknowledged_at", .datetime)
            .field("acknowledged_by", .uuid, .references("users", "id", onDelete: .restrict))
            .field("response", .string)
            .create()

        try await database.schema("meeting_confirmations")
            .id()
            .field("meeting_id", .uuid, .required, .references("meetings", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("confirmed_at", .datetime, .required)
            .unique(on: "meeting_id", "user_id")
            .create()

        try await database.schema("workspace_messages")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("employer_id", .uuid, .required, .references("employers", "id", onDelete: .restrict))
            .field("pathway_id", .uuid, .references("pathways", "id", onDelete: .cascade))
            .field("agreement_id", .uuid, .references("agreements", "id", onDelete: .setNull))
            .field("from_user", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("to_user", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("text", .string, .required)
            .field("sent_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()

        try await database.schema("gatherings")
            .id()
            .field("office_id", .uuid, .required, .references("offices", "id", onDelete: .restrict))
            .field("kind", .string, .required)
            .field("starts_at", .datetime, .required)
            .field("place", .string, .required)
            .field("theme", .string, .required)
            .field("summary", .string)
            .field("summary_at", .datetime)
            .field("cancelled_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .create()

        try await database.schema("gathering_invitations")
            .id()
            .field("gathering_id", .uuid, .required, .references("gatherings", "id", onDelete: .cascade))
            .field("mentor_id", .uuid, .required, .references("mentors", "id", onDelete: .restrict))
            .field("invited_at", .datetime, .required)
            .field("invited_by", .uuid, .required, .references("users", "id", onDelete: .restrict))
            .field("answer", .string)
            .field("answered_at", .datetime)
            .field("attended", .bool)
            .field("attendance_recorded_at", .datetime)
            .unique(on: "gathering_id", "mentor_id")
            .create()

        let sql = database as! any SQLDatabase
        for (index, table, columns) in [
            ("invitations_mentor_idx", "invitations", ["mentor_id"]),
            ("login_codes_user_idx", "login_codes", ["user_id"]),
            ("mentor_hours_pathway_idx", "mentor_hours", ["pathway_id", "worked_on"]),
            ("mentor_hours_mentor_idx", "mentor_hours", ["mentor_id", "worked_on"]),
            ("mentor_observations_pathway_idx", "mentor_observations", ["pathway_id", "written_at"]),
            ("mentor_alarms_pathway_idx", "mentor_alarms", ["pathway_id", "raised_at"]),
            ("workspace_messages_to_idx", "workspace_messages", ["to_user", "sent_at"]),
            ("workspace_messages_employer_idx", "workspace_messages", ["employer_id", "sent_at"]),
            ("gatherings_office_idx", "gatherings", ["office_id", "starts_at"]),
            ("gathering_invitations_mentor_idx", "gathering_invitations", ["mentor_id"]),
        ] {
            var builder = sql.create(index: index).on(table)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["gathering_invitations", "gatherings", "workspace_messages", "meeting_confirmations", "mentor_alarms",
                      "mentor_observations", "mentor_hours", "login_codes", "declaration_acceptances", "invitations", "external_accounts"] {
            try await database.schema(table).delete()
        }
        try await database.schema("users").deleteField("phone").update()
    }
}
