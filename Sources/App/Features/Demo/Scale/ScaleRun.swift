import Foundation
import SQLKit

/// One generation run: declares the tables, then generates office after office.
final class ScaleRun: @unchecked Sendable {
    let spec: ScaleSpec
    let seed: UInt64
    let anchor: Date
    let now: Date
    let passwordHash: String
    let models: [String: (id: UUID, model: MethodModel)]
    let progress: ScaleProgress
    private(set) var writer: ScaleWriter?
    /// Every national ID number drawn so far: they are unique over the whole run.
    var fnrs = Set<String>()

    init(spec: ScaleSpec, seed: UInt64, anchor: Date, now: Date, passwordHash: String,
         models: [String: (id: UUID, model: MethodModel)], progress: ScaleProgress) {
        self.spec = spec
        self.seed = seed
        self.anchor = anchor
        self.now = now
        self.passwordHash = passwordHash
        self.models = models
        self.progress = progress
    }

    /// Tables in the order of their foreign keys, with the columns the generator fills.
    static let tables: [(String, [String])] = [
        ("offices", ["id", "enhet_number", "name", "is_demo", "hybrid_min", "hybrid_max", "no_contact_alert_days", "plain_language_custom", "created_at", "updated_at"]),
        ("users", ["id", "username", "display_name", "search_key", "office_id", "password_hash", "must_change_password", "is_active", "is_demo",
                   "failed_login_count", "phone", "created_at", "updated_at"]),
        ("user_roles", ["id", "user_id", "role"]),
        ("candidates", ["id", "office_id", "counselor_id", "fnr", "first_name", "last_name", "search_key", "phone", "email", "municipality",
                        "innsatsgruppe", "main_benefit", "wishes", "wished_work", "strengths", "challenges", "support_needs", "education",
                        "work_experience", "is_hybrid", "hybrid_since", "last_contact_at", "next_meeting_at", "counselor_changes", "is_demo", "created_at"]),
        ("counselor_assignments", ["id", "candidate_id", "to_counselor_id", "changed_at", "changed_by", "seen_at"]),
        ("hybrid_periods", ["id", "candidate_id", "counselor_id", "started_on", "reason"]),
        ("employers", ["id", "office_id", "name", "name_key", "orgnr", "is_demo", "created_at", "created_by", "industry", "size_band", "address",
                       "municipality", "owner_id", "cooperation_status"]),
        ("mentors", ["id", "office_id", "employer_id", "name", "position", "phone", "email", "is_demo", "created_at", "created_by"]),
        ("pathways", ["id", "candidate_id", "office_id", "counselor_id", "method_model_id", "current_step", "status", "referral_date", "referrer",
                      "outcome", "outcome_reason", "created_at", "created_by", "closed_at", "updated_at", "alerts_check_at"]),
        ("pathway_transitions", ["id", "pathway_id", "kind", "from_step", "to_step", "at", "reason", "by_user"]),
        ("pathway_events", ["id", "pathway_id", "type", "occurred_at", "recorded_at", "recorded_by", "employer_id", "agreement_id", "note"]),
        ("agreements", ["id", "office_id", "pathway_id", "candidate_id", "employer_id", "type", "current_version", "created_at", "created_by",
                        "updated_at", "events_due_at", "is_demo"]),
        ("agreement_versions", ["id", "agreement_id", "version", "start_date", "end_date", "goals", "tasks", "follow_up", "nav_contact",
                                "workplace_contact", "mentor_id", "mentor_hours_x100", "hourly_wage_ore", "is_extension", "created_at", "created_by",
                                "fully_approved_at"]),
        ("agreement_approvals", ["id", "agreement_id", "version", "party", "approved_at", "approved_by"]),
        ("pathway_mentors", ["id", "pathway_id", "mentor_id", "from_date", "to_date", "end_reason", "created_at", "created_by", "ended_by"]),
        ("contacts", ["id", "pathway_id", "candidate_id", "office_id", "occurred_at", "channel", "with_whom", "duration_minutes", "note",
                      "for_candidate", "event_id", "recorded_at", "recorded_by"]),
        ("meetings", ["id", "pathway_id", "candidate_id", "office_id", "type", "starts_at", "duration_minutes", "place", "participants", "agenda",
                      "minutes", "minutes_for_candidate", "minutes_at", "minutes_by", "event_id", "sequence", "created_at", "created_by", "updated_at"]),
        ("pathway_criteria", ["pathway_id", "criterion_id", "state", "deadline", "limit_at", "overdue_since", "evidence_event_id", "evidence_at",
                              "next_check_at", "resolvable", "evaluated_at"]),
        ("pathway_criterion_obligations", ["pathway_id", "criterion_id", "anchor_event_id", "state", "deadline", "evidence_event_id", "evidence_at",
                                           "resolvable", "evaluated_at", "office_id", "counselor_id", "method_model_id"]),
        ("alerts", ["id", "pathway_id", "candidate_id", "office_id", "kind", "subject", "since", "reason_args", "opened_at"]),
        ("reflection_groups", ["id", "office_id", "name", "kind", "rhythm_weeks", "description", "created_at", "created_by"]),
        ("reflection_group_members", ["id", "group_id", "user_id", "added_at", "added_by"]),
        ("learning_notes", ["id", "office_id", "author_id", "pathway_id", "done", "learned", "worth_keeping", "group_id", "shared_at", "created_at", "updated_at"]),
        ("reflection_sessions", ["id", "office_id", "group_id", "starts_at", "place", "summary", "held_at", "created_at", "created_by"]),
        ("reflection_agenda_items", ["id", "session_id", "position", "kind", "title", "notes", "created_at", "created_by", "updated_at"]),
        ("reflection_attendance", ["id", "session_id", "user_id", "attended", "recorded_at", "recorded_by"]),
        ("reflection_themes", ["id", "office_id", "session_id", "agenda_item_id", "learning_note_id", "theme", "is_free", "tagged_on"]),
        ("reflection_actions", ["id", "office_id", "session_id", "agenda_item_id", "title", "owner_id", "due_on", "done_at", "done_by", "created_at", "created_by"]),
    ]

    func generate(on sql: any SQLDatabase) async throws {
        let indexes = try await ScaleIndexes.drop(tables: Self.tables.map(\.0), on: sql)
        let writer = ScaleWriter(sql: sql)
        for (name, columns) in Self.tables { writer.declare(name, columns) }
        writer.onFlush = { [progress] rows in progress.advance(rows: rows) }
        self.writer = writer
        try await writer.begin()

        progress.start("Kontorer og brukere", total: spec.offices.count + 1)
        var rng = ScaleRandom(seed: seed, stream: 0)
        let adminID = rng.uuid()
        try await writer.add("users", [adminID, "admin", "Skala Admin", SearchText.normalized("admin", "Skala Admin"), nil as UUID?, passwordHash,
                                       false, true, true, 0, nil as String?, anchor, anchor])
        try await writer.add("user_roles", [rng.uuid(), adminID, Role.admin.rawValue])
        var staff: [ScaleOffice.Staff] = []
        for (position, office) in spec.offices.enumerated() {
            var officeRng = ScaleRandom(seed: seed, stream: 1_000 + UInt64(position))
            staff.append(try await ScaleOffice.writeStaff(county: office.county, sequence: office.sequence, spec: spec, run: self, rng: &officeRng, writer: writer))
            progress.advance(units: 1)
        }
        progress.advance(units: 1)
        progress.end()

        progress.start("Kandidater og forløp", total: spec.offices.count * spec.candidatesPerOffice)
        for (position, office) in staff.enumerated() {
            var officeRng = ScaleRandom(seed: seed, stream: 100_000 + UInt64(position))
            var generator = ScaleOffice(run: self, staff: office, index: position, rng: officeRng)
            try await generator.generate(writer: writer)
            officeRng = generator.rng
        }
        try await writer.finish()
        progress.end()

        progress.start("Indekser", total: indexes.definitions.count)
        try await indexes.build(on: sql, progress: progress)
        progress.end()

        // Derived from the alerts, criteria and action items just written, once for every candidate.
        progress.start("Trenger handling", total: 1)
        try await NeedsAction.refreshAll(on: sql)
        progress.advance(units: 1)
        progress.end()
    }
}
