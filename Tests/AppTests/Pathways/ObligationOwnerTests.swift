@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// The copies of a pathway's office, counselor and method model on its obligations (M0018), which
/// the quality page counts from: written with every obligation, moved by a handover, mended by the
/// next evaluation when stale, and filled by the migration.
@Suite("Obligations carry their pathway's office, counselor and model")
struct ObligationOwnerTests {
    /// Obligation rows whose copies differ from their pathway's (absent copies included).
    static func stale(_ t: TestApp) async throws -> Int {
        struct Count: Decodable { var n: Int }
        return try await t.sql.raw("""
            SELECT COUNT(*) AS n FROM pathway_criterion_obligations po JOIN pathways p ON p.id = po.pathway_id
            WHERE po.office_id IS NULL OR po.counselor_id IS NULL OR po.method_model_id IS NULL
               OR po.office_id <> p.office_id OR po.counselor_id <> p.counselor_id OR po.method_model_id <> p.method_model_id
            """).first(decoding: Count.self)?.n ?? -1
    }

    static func counselors(of pathwayID: UUID, _ t: TestApp) async throws -> Set<UUID> {
        struct Row: Decodable { var counselor_id: UUID? }
        return Set(try await t.sql.raw("SELECT counselor_id FROM pathway_criterion_obligations WHERE pathway_id = \(bind: pathwayID)")
            .all(decoding: Row.self).compactMap(\.counselor_id))
    }

    @Test("Written with every obligation; a handover moves the open pathway's copies and leaves the closed one's, and the quality page counts them for the new counselor")
    func handoverMovesCopies() async throws {
        try await withTestApp { t in
            #expect(try await Self.stale(t) == 0, "the demo's obligations")
            let api = try await APIClient.make(t, "veileder1")
            // The candidate's first pathway, closed; then a second one, open.
            let closed = try await PathwayFlowTests.start(t, api, model: "tromsopakken", daysAgo: 60)
            #expect(try await api.post("/api/v1/pathways/\(closed.id)/events", ["type": "first_conversation", "occurredAt": PathwayFlowTests.day(t, 55)]).status == .created)
            let close = try await api.post("/api/v1/pathways/\(closed.id)/close", ["outcome": "avbrutt", "reason": "Ny start senere", "closedAt": PathwayFlowTests.day(t, 40)])
            #expect(close.status == .ok, "close: \(close.text.prefix(300))")
            let second = try await api.post("/api/v1/pathways", [
                "candidateId": closed.candidateId.uuidString, "methodModelId": try await PathwayFlowTests.modelID(api, key: "tromsopakken"),
                "referralDate": PathwayFlowTests.day(t, 30), "referrer": "Veileder Per",
            ])
            #expect(second.status == .created, "\(second.text.prefix(300))")
            let pathway = try second.content.decode(PathwayDTO.self)
            #expect(try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "first_conversation", "occurredAt": PathwayFlowTests.day(t, 25)]).status == .created)
            let vera = try await t.user("veileder1"), viktor = try await t.user("veileder2")
            #expect(try await Self.counselors(of: pathway.id, t) == [vera.id!])
            #expect(try await Self.counselors(of: closed.id, t) == [vera.id!])
            let officeID = try await t.office("9901").requireID()
            func tallied(_ counselor: UUID) async throws -> Int {
                try await QualityController.tallies(officeID: officeID, from: .distantPast, to: .distantFuture, now: t.clock.now(), on: t.app.readDB)
                    .filter { $0.counselor_id == counselor && $0.criterion_id == "T1.2a" }.reduce(0) { $0 + $1.met + $1.met_late + $1.overdue }
            }
            let (veraBefore, viktorBefore) = (try await tallied(vera.id!), try await tallied(viktor.id!))
            #expect(veraBefore >= 1)

            let response = try await api.post("/api/v1/candidates/\(pathway.candidateId)/handover", [
                "counselorId": viktor.id!.uuidString, "situation": "Går bra med tett oppfølging", "agreements": "Ingen", "mentor": "Ingen ennå",
                "nextMeeting": "Ikke avtalt", "promised": "Ingenting",
            ])
            #expect(response.status == .ok, "handover: \(response.text.prefix(300))")
            #expect(try await Self.counselors(of: pathway.id, t) == [viktor.id!])
            #expect(try await Self.counselors(of: closed.id, t) == [vera.id!], "the closed pathway keeps its counselor")
            #expect(try await Self.stale(t) == 0)
            // T1.2a of the open pathway (met on time) now counts for Viktor, not for Vera.
            #expect(try await tallied(vera.id!) == veraBefore - 1)
            #expect(try await tallied(viktor.id!) == viktorBefore + 1)
        }
    }

    @Test("A stale copy is rewritten by the pathway's next evaluation")
    func staleCopyMended() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let pathway = try await PathwayFlowTests.start(t, api, model: "tromsopakken", daysAgo: 30)
            #expect(try await api.post("/api/v1/pathways/\(pathway.id)/events", ["type": "first_conversation", "occurredAt": PathwayFlowTests.day(t, 25)]).status == .created)
            let viktor = try await t.user("veileder2")
            try await t.sql.raw("UPDATE pathway_criterion_obligations SET counselor_id = \(bind: viktor.id!) WHERE pathway_id = \(bind: pathway.id)").run()
            #expect(try await Self.stale(t) > 0)
            // A contact with the mentor writes an event, so the pathway is evaluated again.
            let contact = try await api.post("/api/v1/pathways/\(pathway.id)/contacts", [
                "occurredAt": PathwayFlowTests.day(t, 2), "channel": "telefon", "withWhom": "mentor", "durationMinutes": 20, "note": "Kort prat",
            ])
            #expect(contact.status == .created, "\(contact.text.prefix(300))")
            #expect(try await Self.stale(t) == 0)
            #expect(try await Self.counselors(of: pathway.id, t) == [try await t.user("veileder1").id!])
        }
    }

    @Test("The migration fills the copies from the pathways and can be taken back; on PostgreSQL the columns are NOT NULL")
    func migrationFillsCopies() async throws {
        try await withTestApp { t in
            let before = try await t.sql.raw("SELECT COUNT(*) AS n FROM pathway_criterion_obligations").first(decoding: CountRow.self)?.n ?? 0
            #expect(before > 0)
            // Back and forth, each on whichever connection of the pool comes: the second must not
            // trust a connection that still holds the schema as it was before the first.
            try await M0018_CopyPathwayOwnersToObligations().revert(on: t.db)
            try await M0018_CopyPathwayOwnersToObligations().prepare(on: t.db)
            try await M0018_CopyPathwayOwnersToObligations().revert(on: t.db)
            try await M0018_CopyPathwayOwnersToObligations().prepare(on: t.db)
            #expect(try await t.sql.raw("SELECT COUNT(*) AS n FROM pathway_criterion_obligations").first(decoding: CountRow.self)?.n == before)
            #expect(try await Self.stale(t) == 0)
            struct Name: Decodable { var name: String }
            let indexes = try await t.sql.raw(t.dialect == .postgres
                ? "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'pathway_criterion_obligations'"
                : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'pathway_criterion_obligations'").all(decoding: Name.self).map(\.name)
            #expect(indexes.contains("pathway_criterion_obligations_office_idx") && !indexes.contains("pathway_criterion_obligations_window_idx"), "\(indexes)")
            if t.dialect == .postgres {
                struct Column: Decodable { var column_name: String; var is_nullable: String }
                let columns = try await t.sql.raw("""
                    SELECT column_name, is_nullable FROM information_schema.columns
                    WHERE table_name = 'pathway_criterion_obligations' AND column_name IN ('office_id', 'counselor_id', 'method_model_id')
                    """).all(decoding: Column.self)
                #expect(columns.count == 3 && columns.allSatisfy { $0.is_nullable == "NO" }, "\(columns)")
            }
        }
    }

    struct CountRow: Decodable { var n: Int }

    @Test("A pathway started from a candidate read before a handover goes to the counselor after it, and so do its obligations")
    func startAfterHandoverTakesTheNewCounselor() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let candidateDTO = try await api.register(APICandidate.body())
            // The candidate as a request read it, before the handover below was committed.
            let stale = try #require(try await Candidate.find(candidateDTO.id, on: t.db))
            let vera = try await t.user("veileder1"), viktor = try await t.user("veileder2")
            #expect(stale.$counselor.id == vera.id)
            let handover = try await api.post("/api/v1/candidates/\(candidateDTO.id)/handover", [
                "counselorId": viktor.id!.uuidString, "situation": "Går bra med tett oppfølging", "agreements": "Ingen", "mentor": "Ingen ennå",
                "nextMeeting": "Ikke avtalt", "promised": "Ingenting",
            ])
            #expect(handover.status == .ok, "handover: \(handover.text.prefix(300))")
            let record = try #require(try await MethodModelRecord.query(on: t.db).filter(\.$key == "tromsopakken").first())
            let service = PathwayService(app: t.app, context: AuditContext(actorUserID: vera.id, actorUsername: vera.username, requestID: "test"),
                                         actorID: vera.id!, now: t.clock.now())
            let pathway = try await service.start(candidate: stale, .init(modelRecordID: try record.requireID(),
                                                                          referralDate: t.clock.now().addingTimeInterval(-20 * 86_400), referrer: "Veileder Per"))
            let stored = try #require(try await Pathway.find(pathway.requireID(), on: t.db))
            #expect(stored.$counselor.id == viktor.id)
            #expect(try await Self.counselors(of: stored.requireID(), t) == [viktor.id!])
            #expect(try await Self.stale(t) == 0)
        }
    }
}
