@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Office models without a redeploy, pathways keeping their version, a bad file stopping the start,
/// and the leader's pages.
@Suite("Method models: office versions, pinned versions, refusal at start, leader pages")
struct PathwayModelVersionTests {
    static func shippedText(_ key: String, _ t: TestApp) throws -> String {
        try #require(t.app.samskap.methodModels.shipped.first { $0.model.key == key }?.text)
    }

    /// The shipped hybrid model as version 2 with one extra criterion in step 1.
    static func customised(_ t: TestApp, version: Int = 2, extra: String = "H1.9") throws -> String {
        var text = try shippedText("hybridmodellen", t)
        text = text.replacingOccurrences(of: "\nversion: 1\n", with: "\nversion: \(version)\n")
        let marker = "\n  - id: trinn-1\n"
        let range = try #require(text.range(of: marker))
        let after = text[range.upperBound...]
        let criteriaRange = try #require(after.range(of: "    criteria:\n"))
        text.insert(contentsOf: "      - id: \(extra)\n        text: \"Kontorets eget krav: statusmøte innen 10 dager etter henvisning.\"\n        rule:\n          expect: status_meeting\n          after: referral_received\n          within: 10d\n", at: criteriaRange.upperBound)
        return text
    }

    @Test("An office version is used for new pathways there; running pathways keep the version they started with")
    func officeVersion() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let old = try await PathwayFlowTests.start(t, api, model: "hybridmodellen", daysAgo: 20)
            #expect(old.methodModel.version == 1)

            let office = try await t.office("9901")
            let text = try Self.customised(t)
            let (outcome, model) = try await MethodModelImport(app: t.app, context: .cli, actorID: nil, now: t.clock.now()).run(text: text, fileName: "hybrid-9901.yaml", office: office)
            guard case .imported = outcome else { Issue.record("not imported: \(outcome)"); return }
            #expect(model.version == 2)
            #expect(try await t.auditEntries(.methodModelImported).first?.detail?.contains("hybridmodellen v2") == true)

            let new = try await PathwayFlowTests.start(t, api, model: "hybridmodellen", daysAgo: 20)
            #expect(new.methodModel.version == 2)
            #expect(try await PathwayFlowTests.quality(api, new.id)["H1.9"]?.state == "overdue")
            // The old pathway still follows version 1: the office's criterion is not part of it.
            let oldQuality = try await PathwayFlowTests.quality(api, old.id)
            #expect(oldQuality["H1.9"] == nil)
            #expect(try await api.get("/api/v1/pathways/\(old.id)").content.decode(PathwayDTO.self).methodModel.version == 1)

            // Another office still gets the shipped version.
            let other = try await APIClient.make(t, "veileder3")
            let models = try await other.get("/api/v1/method-models").content.decode([MethodModelSummaryDTO].self)
            #expect(models.first { $0.key == "hybridmodellen" && $0.usedForNewPathways }?.version == 1)
            #expect(!models.contains { $0.owner == "9901" })

            // Same version again: unchanged; other content under the same version, or a lower one: refused.
            let (again, _) = try await MethodModelImport(app: t.app, context: .cli, actorID: nil, now: t.clock.now()).run(text: text, fileName: "hybrid-9901.yaml", office: office)
            guard case .unchanged = again else { Issue.record("expected unchanged"); return }
            await #expect(throws: MethodModelError.self) {
                _ = try await MethodModelImport(app: t.app, context: .cli, actorID: nil, now: t.clock.now()).run(text: try Self.customised(t, extra: "H1.8"), fileName: "x.yaml", office: office)
            }
            await #expect(throws: MethodModelError.self) {
                _ = try await MethodModelImport(app: t.app, context: .cli, actorID: nil, now: t.clock.now()).run(text: try Self.customised(t, version: 1, extra: "H1.7"), fileName: "x.yaml", office: office)
            }
        }
    }

    @Test("The admin page loads a model for an office and shows a bad file's line; leaders read models, counselors cannot")
    func adminPage() async throws {
        try await withTestApp { t in
            let office = try await t.office("9901")
            let admin = t.browser()
            _ = try await admin.login("admin")
            var response = try await admin.post("/admin/metodemodeller", [("office", office.id!.uuidString), ("fileName", "feil.yaml"), ("source", "format: 1\nkey: x\nversion: 1\nname: X\nsummary: S\nsteps:\n  - id: a\n    name: A\n    purpose: P\n    rsik: skrivefeil\n")])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("feil.yaml, linje 10"), "\(response.text.components(separatedBy: "field-error").dropFirst().first?.prefix(300) ?? "")")
            #expect(response.text.contains("rsik"))
            response = try await admin.post("/admin/metodemodeller", [("office", office.id!.uuidString), ("fileName", "hybrid.yaml"), ("source", try Self.customised(t))])
            #expect(response.status == .seeOther)
            #expect(try await MethodModelRecord.query(on: t.db).filter(\.$owner == office.id!.uuidString).count() == 1)

            let leader = t.browser()
            _ = try await leader.login("leder1")
            let list = try await leader.get("/metodemodeller")
            #expect(list.status == .ok)
            #expect(list.text.contains("Snart Ansatt"))
            #expect(list.text.contains("Tromsøpakken"))
            let record = try #require(try await MethodModelRecord.query(on: t.db).filter(\.$key == "snart-ansatt").first())
            let show = try await leader.get("/metodemodeller/\(record.id!)")
            #expect(show.status == .ok)
            #expect(show.text.contains("V10"))
            #expect(show.text.contains("Risiko"))
            let counselor = t.browser()
            _ = try await counselor.login("veileder1")
            #expect(try await counselor.get("/metodemodeller").status != .ok)
            #expect(try await counselor.get("/kontor/kvalitet").status != .ok)
        }
    }

    @Test("A shipped file changed without a new version stops the start; so does a file with an error")
    func refusedAtStart() async throws {
        try await withTestApp { t in
            // The stored version 1 differs from a changed file that still says version 1.
            let file = try MethodModelFile.parse(try Self.customised(t, version: 1), fileName: "hybridmodellen.yaml")
            let catalog = MethodModelCatalog(shipped: [file])
            await #expect(throws: MethodModelError.self) { try await catalog.syncShipped(on: t.db, now: t.clock.now()) }
        }
        // A resources directory whose model folder holds a broken file: configure refuses.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("samskap-bad-\(UUID().uuidString)")
        let resources = root.appendingPathComponent("Resources")
        try FileManager.default.createDirectory(at: resources.appendingPathComponent("MethodModels"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestApp.packageRoot + "Resources/Strings", toPath: resources.appendingPathComponent("Strings").path)
        try "format: 1\nkey: brutt\nversion: 1\nname: Brutt\nsummary: S\nsteps:\n  - id: a\n    name: A\n    purpose: P\n    criteria:\n      - id: A1\n        text: T\n        rule:\n          expect: ukjent_hendelse\n          after: referral_received\n          within: 14d\n"
            .write(to: resources.appendingPathComponent("MethodModels/brutt.yaml"), atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: root) }
        let app = try await Application.make(.testing)
        app.directory = DirectoryConfiguration(workingDirectory: root.path + "/")
        do {
            try await App.configure(app, config: AppConfig(database: .sqlite(path: root.appendingPathComponent("x.sqlite").path), bcryptCost: 4))
            Issue.record("configure accepted a broken model file")
        } catch let error as MethodModelError {
            #expect(error.file == "brutt.yaml")
            #expect(error.line == 14)
            #expect(error.problem.contains("ukjent_hendelse"))
        }
        try await app.asyncShutdown()
    }

    @Test("The quality page's query reads one index by office and deadline and no pathway on SQLite (the query plan); on PostgreSQL the index exists and the one by pathway is gone (M0018)")
    func qualityQueryUsesIndexes() async throws {
        try await withTestApp { t in
            let officeID = try await t.office("9901").requireID()
            let now = t.clock.now()
            let query = QualityController.talliesQuery(officeID: officeID, from: now.addingTimeInterval(-90 * 86_400), to: now, now: now)
            switch t.dialect {
            case .sqlite:
                struct Step: Decodable { var detail: String }
                let plan = try await t.sql.raw("EXPLAIN QUERY PLAN \(query)").all(decoding: Step.self).map(\.detail)
                #expect(plan.contains { $0.contains("COVERING INDEX pathway_criterion_obligations_office_idx (office_id=? AND deadline>? AND deadline<?)") }, "\(plan)")
                #expect(!plan.contains { $0.contains("pathways") }, "no pathway read: \(plan)")
            case .postgres:
                struct Index: Decodable { var indexname: String; var indexdef: String }
                let indexes = try await t.sql.raw("""
                    SELECT indexname, indexdef FROM pg_indexes
                    WHERE indexname IN ('pathway_criterion_obligations_office_idx', 'pathway_criterion_obligations_window_idx')
                    """).all(decoding: Index.self)
                #expect(indexes.count == 1, "\(indexes)")
                #expect(indexes.first { $0.indexname == "pathway_criterion_obligations_office_idx" }?.indexdef
                    .contains("(office_id, deadline, state, criterion_id, counselor_id, method_model_id)") == true, "\(indexes)")
            }
        }
    }

    @Test("A pathway's events are read for its rules from the index alone, in its order (the query plan); on PostgreSQL the index holds the same columns (M0017)")
    func ruleEventsFromIndex() async throws {
        try await withTestApp { t in
            let query = PathwayEvaluation.ruleEventsQuery([UUID(), UUID()])
            switch t.dialect {
            case .sqlite:
                struct Step: Decodable { var detail: String }
                let plan = try await t.sql.raw("EXPLAIN QUERY PLAN \(query)").all(decoding: Step.self).map(\.detail)
                #expect(plan.contains { $0.contains("USING COVERING INDEX pathway_events_pathway_idx (pathway_id=?)") }, "\(plan)")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "sorted by the index: \(plan)")
            case .postgres:
                struct Index: Decodable { var indexdef: String }
                let index = try await t.sql.raw("SELECT indexdef FROM pg_indexes WHERE indexname = 'pathway_events_pathway_idx'").first(decoding: Index.self)
                #expect(index?.indexdef.contains("(pathway_id, occurred_at, recorded_at, id, type, employer_id, withdrawn_at)") == true, "\(String(describing: index))")
            }
        }
    }

    @Test("The leader's quality page: share met on time per criterion, for the office and per counselor; audited")
    func qualityPage() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let onTime = try await PathwayFlowTests.start(t, api, model: "tromsopakken", daysAgo: 30)
            _ = try await api.post("/api/v1/pathways/\(onTime.id)/events", ["type": "first_conversation", "occurredAt": PathwayFlowTests.day(t, 25)])
            _ = try await PathwayFlowTests.start(t, api, model: "tromsopakken", daysAgo: 30)
            let leader = t.browser()
            _ = try await leader.login("leder1")
            let page = try await leader.get("/kontor/kvalitet?fra=\(PathwayFlowTests.day(t, 60))&til=\(PathwayFlowTests.day(t, 0))")
            #expect(page.status == .ok)
            #expect(page.text.contains("Tromsøpakken"))
            // T1.2a: of the two new pathways (and the demo's), ours give one on time and one overdue.
            #expect(page.text.contains("T1.2a"))
            #expect(page.text.contains("Vera Veileder"))
            // T1.2a's row: the office's cell, then one per counselor in the header's order, Vera's
            // with her two pathways (at least one on time, at least one overdue).
            let html = page.text
            let table = try #require(html.range(of: "<table>").map { html[$0.lowerBound...] })
            let header = try #require(table.range(of: "</thead>").map { table[..<$0.lowerBound] })
            let names = header.components(separatedBy: "<th scope=\"col\">").dropFirst(3)
                .map { String($0.prefix { $0 != "<" }) }
            let veraColumn = try #require(names.firstIndex(of: "Vera Veileder"))
            let rowStart = try #require(table.range(of: "<strong>T1.2a</strong>"))
            let row = table[rowStart.upperBound...].prefix { $0 != "\n" }
            let cells = row.components(separatedBy: "<td class=\"nowrap\">").dropFirst()
                .map { String($0.prefix { $0 != "<" }) }
            #expect(cells.count == names.count + 1, "\(row)")
            #expect(row.hasSuffix("</tr>"), "\(row)")
            let veraCell = try #require(cells.dropFirst().dropFirst(veraColumn).first)
            let counts = veraCell.split(separator: " ").first?.split(separator: "/").compactMap { Int($0) } ?? []
            #expect(counts.count == 2 && counts[0] >= 1 && counts[1] >= 2 && veraCell.hasSuffix("%)"), "\(veraCell)")
            #expect(try await t.auditEntries(.qualityRead).count == 1)
            // The counselors in Norwegian order: Vera and one more renamed so that their names begin
            // with ø and å, which come after z, ø before å (Foundation's order put Å with A and Ø with O).
            let other = try #require(names.first { $0 != "Vera Veileder" }, "\(names)")
            for (name, renamed) in [("Vera Veileder", "Åse Aas"), (other, "Øystein Berg")] {
                try await User.query(on: t.db).filter(\.$displayName == name).set(\.$displayName, to: renamed).update()
            }
            let renamedPage = try await leader.get("/kontor/kvalitet?fra=\(PathwayFlowTests.day(t, 60))&til=\(PathwayFlowTests.day(t, 0))").text
            let renamedTable = try #require(renamedPage.range(of: "<table>").map { renamedPage[$0.lowerBound...] })
            let renamedHeader = try #require(renamedTable.range(of: "</thead>").map { renamedTable[..<$0.lowerBound] })
            let renamedNames = renamedHeader.components(separatedBy: "<th scope=\"col\">").dropFirst(3).map { String($0.prefix { $0 != "<" }) }
            #expect(Array(renamedNames.suffix(2)) == ["Øystein Berg", "Åse Aas"], "\(renamedNames)")
            #expect(renamedNames == NorwegianOrder.sorted(renamedNames), "\(renamedNames)")
            let bad = try await leader.get("/kontor/kvalitet?fra=2026-13-01&til=x")
            #expect(bad.status == .unprocessableEntity)
            let tallies = try await QualityController.tallies(officeID: try await t.office("9901").requireID(), from: .distantPast, to: .distantFuture, now: t.clock.now(), on: t.app.readDB)
            let vera = try await t.user("veileder1")
            let mine = tallies.filter { $0.criterion_id == "T1.2a" && $0.counselor_id == vera.id }
            #expect(mine.reduce(0) { $0 + $1.met } >= 1)
            #expect(mine.reduce(0) { $0 + $1.overdue } >= 1)
        }
    }
}
