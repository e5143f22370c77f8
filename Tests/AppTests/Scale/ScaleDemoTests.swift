@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Scale demo data")
struct ScaleDemoTests {
    static let anchor = ScaleGenerator.anchorDay("2025-06-02")!
    static let tiny = ScaleSpec.tiny(offices: 2, counselors: 3)

    static func generate(_ t: TestApp, spec: ScaleSpec = tiny, seed: UInt64 = 1) async throws -> ScaleGenerator.Summary {
        try await ScaleGenerator(app: t.app, spec: spec, seed: seed, anchor: anchor, progress: ScaleProgress(interactive: false, output: { _ in })).run()
    }

    /// The main tables' rows in a fixed order, as text (method models' own ids are the app's, so pathways name the model by key).
    static func content(_ t: TestApp) async throws -> String {
        enum Kind { case uuid, text, date, bool, int }
        let tables: [(String, String, [(String, Kind)])] = [
            ("offices", "id", [("id", .uuid), ("enhet_number", .text), ("name", .text)]),
            ("users", "id", [("id", .uuid), ("username", .text), ("display_name", .text), ("office_id", .uuid)]),
            ("candidates", "id", [("id", .uuid), ("fnr", .text), ("first_name", .text), ("last_name", .text), ("counselor_id", .uuid), ("is_hybrid", .bool),
                                  ("hybrid_since", .date), ("last_contact_at", .date), ("next_meeting_at", .date), ("created_at", .date)]),
            ("employers", "id", [("id", .uuid), ("name", .text), ("orgnr", .text)]),
            ("mentors", "id", [("id", .uuid), ("employer_id", .uuid), ("name", .text)]),
            ("pathways", "id", [("id", .uuid), ("candidate_id", .uuid), ("current_step", .text), ("status", .text), ("referral_date", .date),
                                ("closed_at", .date), ("alerts_check_at", .date), ("outcome", .text)]),
            ("pathway_events", "id", [("id", .uuid), ("pathway_id", .uuid), ("type", .text), ("occurred_at", .date), ("employer_id", .uuid), ("agreement_id", .uuid)]),
            ("contacts", "id", [("id", .uuid), ("pathway_id", .uuid), ("occurred_at", .date), ("with_whom", .text), ("event_id", .uuid)]),
            ("meetings", "id", [("id", .uuid), ("type", .text), ("starts_at", .date), ("minutes_at", .date)]),
            ("agreements", "id", [("id", .uuid), ("type", .text), ("events_due_at", .date)]),
            ("agreement_versions", "id", [("id", .uuid), ("start_date", .date), ("end_date", .date), ("mentor_id", .uuid)]),
            ("pathway_criteria", "pathway_id, criterion_id", [("pathway_id", .uuid), ("criterion_id", .text), ("state", .text), ("deadline", .date),
                                                              ("next_check_at", .date), ("resolvable", .bool)]),
            ("alerts", "id", [("id", .uuid), ("kind", .text), ("subject", .text), ("since", .date), ("reason_args", .text)]),
            ("reflection_sessions", "id", [("id", .uuid), ("starts_at", .date)]),
            ("learning_notes", "id", [("id", .uuid), ("pathway_id", .uuid)]),
        ]
        var lines: [String] = []
        for (table, order, columns) in tables {
            let rows = try await t.sql.raw("SELECT \(unsafeRaw: columns.map(\.0).joined(separator: ", ")) FROM \(ident: table) ORDER BY \(unsafeRaw: order)").all()
            lines.append("\(table) \(rows.count)")
            for row in rows {
                var fields: [String] = []
                for (column, kind) in columns {
                    switch kind {
                    case .uuid: fields.append(try row.decode(column: column, as: UUID?.self)?.uuidString ?? "-")
                    case .text: fields.append(try row.decode(column: column, as: String?.self) ?? "-")
                    case .date: fields.append(try row.decode(column: column, as: Date?.self).map { String($0.timeIntervalSince1970) } ?? "-")
                    case .bool: fields.append(try row.decode(column: column, as: Bool.self) ? "1" : "0")
                    case .int: fields.append(String(try row.decode(column: column, as: Int.self)))
                    }
                }
                lines.append(fields.joined(separator: "|"))
            }
        }
        return lines.joined(separator: "\n")
    }

    @Test("the same seed and anchor give the same rows; another seed gives other rows")
    func deterministic() async throws {
        var first = "", second = "", other = ""
        try await withTestApp(demo: false) { t in
            _ = try await Self.generate(t)
            first = try await Self.content(t)
        }
        try await withTestApp(demo: false) { t in
            _ = try await Self.generate(t)
            second = try await Self.content(t)
        }
        try await withTestApp(demo: false) { t in
            _ = try await Self.generate(t, seed: 2)
            other = try await Self.content(t)
        }
        #expect(first.count > 10_000)
        #expect(first == second)
        #expect(first != other)
    }

    @Test("the secondary indexes, dropped for the load, are all there again afterwards, as the migrations made them")
    func indexesRebuilt() async throws {
        try await withTestApp(demo: false) { t in
            let postgres = t.dialect == .postgres
            func indexes() async throws -> [String] {
                let query: SQLQueryString = postgres
                    ? "SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname"
                    : "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
                return try await t.sql.raw(query).all(decoding: ScaleIndexes.Definition.self).map { "\($0.name): \($0.sql)" }
            }
            let before = try await indexes()
            #expect(before.contains { $0.hasPrefix("pathway_events_pathway_idx") })
            #expect(before.contains { $0.hasPrefix("alerts_open_idx") && $0.contains("resolved_at IS NULL") }, "partial indexes keep their condition")
            let summary = try await Self.generate(t)
            #expect(try await indexes() == before)
            let phase = try #require(summary.phases.first { $0.name == "Indekser" })
            #expect(phase.seconds >= 0)
            // An index the load skipped would let a duplicate through; built afterwards, it checks every row.
            let open = try #require(try await Alert.query(on: t.db).filter(\.$resolvedAt == nil).first())
            await #expect(throws: (any Error).self) {
                try await t.sql.raw("""
                    INSERT INTO alerts (id, pathway_id, candidate_id, office_id, kind, subject, since, reason_args, opened_at)
                    SELECT \(bind: UUID()), pathway_id, candidate_id, office_id, kind, subject, since, reason_args, opened_at FROM alerts WHERE id = \(bind: open.id!)
                    """).run()
            }
        }
    }

    @Test("counts follow the spec; national ID numbers are synthetic, valid and unique; foreign keys hold; the audit trail verifies")
    func countsAndIntegrity() async throws {
        try await withTestApp(demo: false) { t in
            let summary = try await Self.generate(t)
            let spec = Self.tiny
            for (table, rows) in summary.counts {
                let counted = try await t.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table).first(decoding: Count.self)?.n
                #expect(counted == rows, "\(table)")
            }
            #expect(try await User.query(on: t.db).count() == spec.offices.count * (spec.counselorsPerOffice + 2) + 1)
            #expect(try await Office.query(on: t.db).count() == spec.offices.count)
            #expect(try await Candidate.query(on: t.db).count() == spec.offices.count * spec.candidatesPerOffice)
            #expect(try await Pathway.query(on: t.db).count() > 0)
            #expect(try await Agreement.query(on: t.db).count() > 0)
            #expect(try await ReflectionSession.query(on: t.db).count() > 0)

            let fnrs = try await Candidate.query(on: t.db).all(\.$fnr)
            #expect(Set(fnrs).count == fnrs.count)
            for fnr in fnrs {
                let id = try NationalID(fnr, allowSynthetic: true)
                #expect(id.isSynthetic)
            }
            let orgnrs = try await Employer.query(on: t.db).all(\.$orgnr).compactMap { $0 }
            for orgnr in orgnrs { #expect((try? OrganisationNumber(orgnr)) != nil, "\(orgnr)") }

            if t.dialect == .sqlite {
                struct Violation: Decodable { var table: String }
                let violations = try await t.sql.raw("PRAGMA foreign_key_check").all(decoding: Violation.self)
                #expect(violations.isEmpty, "\(violations.map(\.table))")
            }
            let report = try await AuditVerifier(db: t.db).verify()
            #expect(report.finding == nil)
            #expect(try await t.auditEntries(.demoSeeded).count == 1)
        }
    }

    @Test("the benchmark counselor has the promised portfolio, and sees it")
    func benchmarkCounselor() async throws {
        try await withTestApp(demo: false) { t in
            _ = try await Self.generate(t)
            let spec = Self.tiny
            let counselor = try await t.user("v5001-01")
            let id = try counselor.requireID()
            let candidates = try await Candidate.query(on: t.db).filter(\.$counselor.$id == id).all()
            #expect(candidates.count == spec.portfolioSizes[0])
            let active = try await Pathway.query(on: t.db).filter(\.$counselor.$id == id).filter(\.$status == .active).all()
            let hybridIDs = Set(candidates.filter(\.isHybrid).compactMap(\.id))
            #expect(hybridIDs.count == spec.benchmarkHybrid)
            let withMentor = try await PathwayMentor.query(on: t.db).filter(\.$pathway.$id ~~ active.compactMap(\.id)).all()
            #expect(Set(withMentor.map(\.$pathway.id)).count == spec.benchmarkHybrid)
            let withAgreement = Set(try await Agreement.query(on: t.db).filter(\.$pathway.$id ~~ active.compactMap(\.id)).all().map(\.$pathway.id))
            #expect(withAgreement.count >= spec.benchmarkHybrid + spec.benchmarkWithAgreement)
            #expect(try await User.query(on: t.db).filter(\.$username == "l5001").count() == 1)
            #expect(try await User.query(on: t.db).filter(\.$username == "m5002").count() == 1)

            let browser = t.browser()
            _ = try await browser.login("v5001-01")
            let page = try await browser.get("/portefolje")
            #expect(page.status == .ok)
            #expect(page.text.contains(candidates[0].lastName))
        }
    }

    @Test("stored criteria, alerts and portfolio columns are what the app computes again")
    func derivedStateMatchesTheApp() async throws {
        try await withTestApp(demo: false) { t in
            _ = try await Self.generate(t)
            let now = Self.anchor.addingTimeInterval(12 * 3600)
            let before = try await Self.derived(t)
            let pathways = try await Pathway.query(on: t.db).sort(\.$id).all()
            #expect(pathways.count > 20)
            for pathway in pathways {
                let record = try #require(try await MethodModelRecord.find(pathway.$methodModel.id, on: t.db))
                let model = try t.app.samskap.methodModels.model(record)
                let pathwayID = try pathway.requireID()
                try await t.app.write(context: .system) { db, _ in
                    try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
                }
            }
            let after = try await Self.derived(t)
            #expect(before.count > 1_000)
            #expect(before == after)
        }
    }

    @Test("pathways evaluated together store what each evaluated alone stores, for the criteria and for the alerts alone")
    func batchEqualsOneByOne() async throws {
        try await withTestApp(demo: false) { t in
            _ = try await Self.generate(t)
            let catalog = t.app.samskap.methodModels
            let ids = try await Pathway.query(on: t.db).sort(\.$id).all().map { try $0.requireID() }
            #expect(ids.count > 20)
            func run(_ scope: PathwayEvaluation.Scope, at now: Date, chunk: Int) async throws {
                // An odd chunk size, so that a candidate's pathways fall both in one chunk and in two.
                for start in stride(from: 0, to: ids.count, by: chunk) {
                    let part = Array(ids[start ..< min(start + chunk, ids.count)])
                    try await t.app.write(context: .system) { db, _ in
                        try await PathwayEvaluation.refresh(part, scope: scope, on: db, now: now, models: { try await catalog.model(id: $0, on: db) })
                    }
                }
            }
            func states() async throws -> [String] {
                try await t.sql.raw("SELECT pathway_id, criterion_id, state FROM pathway_criteria ORDER BY pathway_id, criterion_id").all()
                    .map { "\(try $0.decode(column: "pathway_id", as: UUID.self)) \(try $0.decode(column: "criterion_id", as: String.self)) \(try $0.decode(column: "state", as: String.self))" }
            }
            let generated = try await states()
            // Forty days on: deadlines pass, placements start and end, meetings are in the past.
            let later = Self.anchor.addingTimeInterval(40 * 86_400)
            try await run(.criteriaAndAlerts, at: later, chunk: 7)
            let together = try await Self.derived(t)
            #expect(try await states() != generated)
            // One at a time from nothing stored: every criterion and obligation is written afresh,
            // so a batch that kept a row it should have replaced shows up here.
            try await t.sql.raw("DELETE FROM pathway_criterion_obligations").run()
            try await t.sql.raw("DELETE FROM pathway_criteria").run()
            try await run(.criteriaAndAlerts, at: later, chunk: 1)
            let alone = try await Self.derived(t)
            #expect(together == alone)

            let evenLater = later.addingTimeInterval(9 * 86_400)
            try await run(.alerts, at: evenLater, chunk: 7)
            let alertsTogether = try await Self.derived(t)
            try await run(.alerts, at: evenLater, chunk: 1)
            #expect(alertsTogether != together)
            #expect(alertsTogether == (try await Self.derived(t)))
            #expect(try await NeedsAction.stale(on: t.db).isEmpty)
        }
    }

    static func derived(_ t: TestApp) async throws -> String {
        var lines: [String] = []
        for row in try await t.sql.raw("SELECT * FROM pathway_criteria ORDER BY pathway_id, criterion_id").all(decoding: PathwayCriteriaStore.Row.self) {
            lines.append("\(row)")
        }
        for row in try await t.sql.raw("SELECT * FROM pathway_criterion_obligations ORDER BY pathway_id, criterion_id, anchor_event_id").all(decoding: PathwayCriteriaStore.ObligationRow.self) {
            lines.append("\(row)")
        }
        for alert in try await Alert.query(on: t.db).sort(\.$pathway.$id).sort(\.$kind).sort(\.$subject).all() {
            lines.append("\(alert.$pathway.id) \(alert.kind) \(alert.subject) \(alert.since) \(alert.reasonArgsJSON) \(alert.openedAt) \(alert.resolvedAt.map { "\($0)" } ?? "open")")
        }
        for pathway in try await Pathway.query(on: t.db).sort(\.$id).all() {
            lines.append("\(pathway.id!) \(pathway.alertsCheckAt.map { "\($0)" } ?? "-")")
        }
        for candidate in try await Candidate.query(on: t.db).sort(\.$id).all() {
            lines.append("\(candidate.id!) \(candidate.nextMeetingAt.map { "\($0)" } ?? "-") \(candidate.lastContactAt.map { "\($0)" } ?? "-")")
        }
        struct Needs: Decodable { var id: UUID; var needs_action_at: Date? }
        for row in try await t.sql.raw("SELECT id, needs_action_at FROM candidates ORDER BY id").all(decoding: Needs.self) {
            lines.append("\(row.id) \(row.needs_action_at.map { "\($0.timeIntervalSince1970)" } ?? "-")")
        }
        return lines.joined(separator: "\n")
    }

    @Test("a database with users is refused with a clear message")
    func refusesDatabaseWithUsers() async throws {
        try await withTestApp(demo: true) { t in
            let before = try await Candidate.query(on: t.db).count()
            await #expect(throws: ScaleError.self) { _ = try await Self.generate(t) }
            do {
                try await t.run(["demo", "--scale", "office", "--anchor", "2025-06-02"])
                Issue.record("the command should fail")
            } catch let failure as CommandFailure {
                #expect(failure.description.contains("allerede"))
                #expect(failure.description.contains("brukere"))
            }
            #expect(try await Candidate.query(on: t.db).count() == before)
        }
    }

    @Test("office scale through the command: one office, 22 staff and an admin, 2 000 candidates")
    func officeScaleCommand() async throws {
        try await withTestApp(demo: false) { t in
            let output = try await t.run(["demo", "--scale", "office", "--anchor", "2025-06-02"])
            #expect(output.contains("candidates"))
            #expect(try await Office.query(on: t.db).all().map(\.enhetNumber) == ["5001"])
            #expect(try await User.query(on: t.db).count() == 22 + 1)
            #expect(try await Candidate.query(on: t.db).count() == 2_000)
            let counselor = try await t.user("v5001-01")
            #expect(try await Candidate.query(on: t.db).filter(\.$counselor.$id == counselor.requireID()).count() == 100)
            let events = try await PathwayEvent.query(on: t.db).count() + (try await Contact.query(on: t.db).count())
            #expect(events > 25_000)
        }
    }
}

private struct Count: Decodable { var n: Int }
