@testable import App
import Foundation
import Testing

// The shipped method model files (Resources/MethodModels) and the parser's errors for bad files
// (docs/METHOD_MODELS.md). Every error must name the file and the exact line of the problem.

private let modelDirectory = TestApp.packageRoot + "Resources/MethodModels"

/// A shipped file, read and parsed with the parser itself.
private func shippedModel(_ key: String) throws -> MethodModel {
    let fileName = key + ".yaml"
    let text = try String(contentsOfFile: modelDirectory + "/" + fileName, encoding: .utf8)
    return try MethodModelParser.parse(text, file: fileName)
}

@Suite("Method models: the shipped files")
struct MethodModelShippedFileTests {
    @Test("The four shipped models load with their keys and names")
    func shippedModelsLoad() throws {
        let catalog = try MethodModelCatalog.loadShipped(from: modelDirectory)

        let loaded = Dictionary(uniqueKeysWithValues: catalog.shipped.map { ($0.model.key, $0) })

        #expect(catalog.shipped.count == 4)
        #expect(Set(loaded.keys) == ["supported-employment", "tromsopakken", "snart-ansatt", "hybridmodellen"])
        #expect(loaded["supported-employment"]?.model.name == "Supported Employment – fem trinn")
        #expect(loaded["tromsopakken"]?.model.name == "Tromsøpakken")
        #expect(loaded["snart-ansatt"]?.model.name == "Snart Ansatt")
        #expect(loaded["hybridmodellen"]?.model.name == "Hybridmodellen")
        for (key, file) in loaded {
            #expect(file.fileName == key + ".yaml")
            #expect(file.model.version >= 1)
        }
    }

    @Test("Snart Ansatt: 45 criteria H1–V10 in seven steps, each with a risk")
    func snartAnsatt() throws {
        let model = try shippedModel("snart-ansatt")
        let groups: [(prefix: String, count: Int)] = [("H", 3), ("K", 6), ("I", 6), ("II", 5), ("III", 6), ("IV", 9), ("V", 10)]
        let expectedIDs = groups.flatMap { group in (1...group.count).map { "\(group.prefix)\($0)" } }

        #expect(model.steps.map(\.id) == ["henvisning", "samarbeid-kontoret", "trinn-1", "trinn-2", "trinn-3", "trinn-4", "trinn-5"])
        #expect(model.steps.map(\.allCriteria.count) == [3, 6, 6, 5, 6, 9, 10])
        #expect(model.criteria.map(\.id) == expectedIDs)
        #expect(model.criteria.count == 45)
        for criterion in model.criteria {
            let risk = criterion.risk?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            #expect(!risk.isEmpty, "\(criterion.id) has no risk text")
        }
        #expect(model.step("samarbeid-kontoret")?.scope == .office)
        #expect(model.steps.filter { $0.scope == .office }.map(\.id) == ["samarbeid-kontoret"])
        #expect(model.pathwaySteps.count == 6)
        // V8 is checked from version 2: a status or evaluation meeting with minutes every month of a placement.
        #expect(model.version == 2)
        #expect(model.checkedCriteria.map(\.id) == ["I3", "I6", "III1", "V8", "V10"])
    }

    @Test("Tromsøpakken: activities per step, what/how/who in every row, seven rules")
    func tromsopakken() throws {
        let model = try shippedModel("tromsopakken")

        #expect(model.steps.map(\.activities.count) == [6, 3, 5, 4, 4])
        for step in model.steps {
            for activity in step.activities {
                #expect(!activity.what.isEmpty)
                #expect(activity.how?.isEmpty == false, "\(step.id) «\(activity.what)» has no how")
                #expect(activity.who?.isEmpty == false, "\(step.id) «\(activity.what)» has no who")
            }
        }
        #expect(model.criteria.filter { $0.rule != nil }.map(\.id) == ["T1.2a", "T1.4a", "T1.6a", "T3.3a", "T5.1a", "T5.2a", "T5.2d"])
        #expect(model.checkedCriteria.map(\.id) == ["T1.2a", "T1.4a", "T1.6a", "T3.3a", "T5.1a", "T5.2a", "T5.2d"])
    }

    @Test("Tromsøpakken: the rules say exactly what the criteria texts say")
    func tromsopakkenRules() throws {
        let model = try shippedModel("tromsopakken")
        func rule(_ id: String) -> CriterionRule? { model.criterion(id)?.rule }

        #expect(rule("T1.2a") == CriterionRule(expect: [.firstConversation], kind: .within(after: [.referralReceived], within: RuleDuration(14, .day), limit: nil), endsWith: []))
        #expect(rule("T1.4a") == CriterionRule(expect: [.decision], kind: .within(after: [.referralReceived], within: RuleDuration(28, .day), limit: nil), endsWith: []))
        #expect(rule("T1.6a") == CriterionRule(expect: [.programStart], kind: .within(after: [.referralReceived], within: RuleDuration(2, .month), limit: RuleDuration(6, .month)), endsWith: []))
        #expect(rule("T3.3a") == CriterionRule(expect: [.employerVisit], kind: .before(triggers: [.jobTasteStart, .placementStart], sameEmployer: true, within: nil), endsWith: []))
        #expect(rule("T5.1a") == CriterionRule(expect: [.firstWorkdayContact], kind: .within(after: [.placementStart], within: RuleDuration(3, .day), limit: nil), endsWith: []))
        #expect(rule("T5.2a") == CriterionRule(expect: [.evaluationMeeting], kind: .within(after: [.placementStart], within: RuleDuration(30, .day), limit: nil), endsWith: [.placementEnded]))
        #expect(rule("T5.2d") == CriterionRule(expect: [.evaluationMeeting], kind: .before(triggers: [.agreementExtended], sameEmployer: false, within: nil), endsWith: []))
    }

    @Test("Hybridmodellen: the office premises P1–P4, the next-meeting row and the six rules")
    func hybridmodellen() throws {
        let model = try shippedModel("hybridmodellen")

        let premises = try #require(model.step("premisser"))
        #expect(premises.scope == .office)
        #expect(premises.allCriteria.map(\.id) == ["P1", "P2", "P3", "P4"])
        #expect(model.steps.flatMap(\.activities).contains { $0.how?.contains("neste møte") == true })
        #expect(model.criteria.filter { $0.rule != nil }.map(\.id) == ["H3.1", "H5.1", "H5.2", "H5.3", "H5.4", "H5.5"])
        #expect(model.checkedCriteria.map(\.id) == ["H3.1", "H5.1", "H5.2", "H5.3", "H5.4", "H5.5"])
        #expect(model.criterion("H5.3")?.rule == CriterionRule(
            expect: [.mentorContact], kind: .every(interval: RuleDuration(30, .day), from: [.placementStart], until: [.placementEnded], period: nil), endsWith: []))
        #expect(model.pathwaySteps.map(\.id) == ["trinn-1", "trinn-2", "trinn-3", "trinn-4", "trinn-5"])
    }

    @Test("Supported Employment: five pathway steps")
    func supportedEmployment() throws {
        let model = try shippedModel("supported-employment")

        #expect(model.pathwaySteps.count == 5)
        #expect(model.pathwaySteps.map(\.id) == ["trinn-1", "trinn-2", "trinn-3", "trinn-4", "trinn-5"])
        #expect(model.steps.count == 5)
    }
}

@Suite("Method models: a bad file is refused with its name and line")
struct MethodModelBadFileTests {
    /// Parses `yaml` as `fileName` and checks the error names the file and `line`, and that the
    /// test itself points at the right line (`line` of the text contains `marker`).
    @discardableResult
    func expectError(_ yaml: String, line: Int?, marker: String? = nil, problemMentions: String? = nil, fileName: String = "proeve.yaml",
                     sourceLocation: SourceLocation = #_sourceLocation) -> MethodModelError? {
        if let line, let marker {
            let lines = yaml.components(separatedBy: "\n")
            #expect(lines.indices.contains(line - 1) && lines[line - 1].contains(marker),
                    "the test's own YAML: line \(line) should contain «\(marker)»", sourceLocation: sourceLocation)
        }
        let error = #expect(throws: MethodModelError.self, sourceLocation: sourceLocation) {
            try MethodModelParser.parse(yaml, file: fileName)
        }
        #expect(error?.file == fileName, sourceLocation: sourceLocation)
        #expect(error?.line == line, "\(error?.description ?? "")", sourceLocation: sourceLocation)
        if let problemMentions {
            #expect(error?.problem.contains(problemMentions) == true, "\(error?.problem ?? "")", sourceLocation: sourceLocation)
        }
        return error
    }

    @Test("A good file parses (the bad files below differ from it in one place)")
    func goodFile() throws {
        let model = try MethodModelParser.parse(goodModel(key: "proeve"), file: "proeve.yaml")

        #expect(model.key == "proeve")
        #expect(model.name == "Prøvemodell")
        #expect(model.criteria.map(\.id) == ["A1"])
        #expect(model.criterion("A1")?.rule != nil)
    }

    @Test("Unknown key (a misspelt risk)")
    func unknownKey() {
        expectError("""
            format: 1
            key: proeve
            version: 1
            name: Prøvemodell
            summary: En liten modell for tester.
            steps:
              - id: trinn-1
                name: Første trinn
                purpose: Et formål.
                criteria:
                  - id: A1
                    text: Første samtale innen to uker.
                    rsik: Feilstavet risiko.
            """, line: 13, marker: "rsik:", problemMentions: "rsik")
    }

    @Test("Unknown event in a rule")
    func unknownEvent() {
        expectError("""
            format: 1
            key: proeve
            version: 1
            name: Prøvemodell
            summary: En liten modell for tester.
            steps:
              - id: trinn-1
                name: Første trinn
                purpose: Et formål.
                criteria:
                  - id: A1
                    text: Første samtale innen to uker.
                    rule:
                      expect: first_conversation
                      after: [referral_received, first_talk]
                      within: 14d
            """, line: 15, marker: "first_talk", problemMentions: "first_talk")
    }

    @Test("Bad duration")
    func badDuration() {
        expectError("""
            format: 1
            key: proeve
            version: 1
            name: Prøvemodell
            summary: En liten modell for tester.
            steps:
              - id: trinn-1
                name: Første trinn
                purpose: Et formål.
                criteria:
                  - id: A1
                    text: Første samtale innen to uker.
                    rule:
                      expect: first_conversation
                      after: referral_received
                      within: 14days
            """, line: 16, marker: "14days", problemMentions: "14days")
    }

    @Test("Duplicate criterion id, also across steps")
    func duplicateCriterion() {
        expectError("""
            format: 1
            key: proeve
            version: 1
            name: Prøvemodell
            summary: En liten modell for tester.
            steps:
              - id: trinn-1
                name: Første trinn
                purpose: Et formål.
                criteria:
                  - id: A1
                    text: Første kriterium.
              - id: trinn-2
                name: Andre trinn
                purpose: Et formål.
                activities:
                  - what: Noe
                    criteria:
                      - id: A1
                        text: Samme id en gang til.
            """, line: 19, marker: "- id: A1", problemMentions: "A1")
    }

    @Test("A rule with both after and every")
    func afterAndEvery() {
        // The error points at the rule (its first line).
        expectError("""
            format: 1
            key: proeve
            version: 1
            name: Prøvemodell
            summary: En liten modell for tester.
            steps:
              - id: trinn-1
                name: Første trinn
                purpose: Et formål.
                criteria:
                  - id: A1
                    text: Første samtale innen to uker.
                    rule:
                      expect: mentor_contact
                      after: placement_start
                      within: 14d
                      every: 30d
            """, line: 14, marker: "expect: mentor_contact", problemMentions: "A1")
    }

    @Test("after without within")
    func afterWithoutWithin() {
        expectError("""
            format: 1
            key: proeve
            version: 1
            name: Prøvemodell
            summary: En liten modell for tester.
            steps:
              - id: trinn-1
                name: Første trinn
                purpose: Et formål.
                criteria:
                  - id: A1
                    text: Første samtale innen to uker.
                    rule:
                      expect: first_conversation
                      after: referral_received
            """, line: 14, marker: "expect: first_conversation", problemMentions: "within")
    }

    @Test("A rule on a step about the office's practice")
    func ruleOnOfficeStep() {
        expectError("""
            format: 1
            key: proeve
            version: 1
            name: Prøvemodell
            summary: En liten modell for tester.
            steps:
              - id: kontoret
                name: Kontoret
                purpose: Kontorets praksis.
                scope: office
                criteria:
                  - id: K1
                    text: Teamet sitter sammen.
                    rule:
                      expect: first_conversation
                      after: referral_received
                      within: 14d
              - id: trinn-1
                name: Første trinn
                purpose: Et formål.
            """, line: 15, marker: "expect: first_conversation", problemMentions: "K1")
    }

    @Test("Missing name")
    func missingName() {
        expectError("""
            format: 1
            key: proeve
            version: 1
            summary: En liten modell for tester.
            steps:
              - id: trinn-1
                name: Første trinn
                purpose: Et formål.
            """, line: 1, marker: "format: 1", problemMentions: "name")
    }

    @Test("Missing name of a step")
    func missingStepName() {
        expectError("""
            format: 1
            key: proeve
            version: 1
            name: Prøvemodell
            summary: En liten modell for tester.
            steps:
              - id: trinn-1
                name: Første trinn
                purpose: Et formål.
              - id: trinn-2
                purpose: Et formål.
            """, line: 10, marker: "id: trinn-2", problemMentions: "name")
    }

    @Test("YAML syntax error: a tab in the indentation")
    func tabIndentation() {
        expectError("format: 1\nkey: proeve\nversion: 1\nname: Prøvemodell\nsummary: Tekst.\nsteps:\n  - id: trinn-1\n\tname: Første trinn\n    purpose: Et formål.\n",
                    line: 8, marker: "\tname")
    }

    @Test(
        "YAML syntax error: an unclosed quote names the line where the quote opens"
    )
    func unclosedQuote() {
        expectError("""
            format: 1
            key: proeve
            version: 1
            name: "Prøvemodell
            summary: En liten modell for tester.
            steps:
              - id: trinn-1
                name: Første trinn
                purpose: Et formål.
            """, line: 4, marker: "\"Prøvemodell")
    }

    @Test("format other than 1")
    func wrongFormat() {
        expectError("""
            key: proeve
            format: 2
            version: 1
            name: Prøvemodell
            summary: En liten modell for tester.
            steps:
              - id: trinn-1
                name: Første trinn
                purpose: Et formål.
            """, line: 2, marker: "format: 2", problemMentions: "format")
    }

    @Test("version 0")
    func versionZero() {
        expectError("""
            format: 1
            key: proeve
            version: 0
            name: Prøvemodell
            summary: En liten modell for tester.
            steps:
              - id: trinn-1
                name: Første trinn
                purpose: Et formål.
            """, line: 3, marker: "version: 0", problemMentions: "version")
    }

    @Test("Empty file", arguments: ["", "\n\n", "# bare en kommentar\n"])
    func emptyFile(_ text: String) {
        let error = expectError(text, line: nil)

        #expect(error?.problem.isEmpty == false)
    }
}

@Suite("Method models: loading a directory")
struct MethodModelCatalogLoadTests {
    /// A fresh directory with the given files, removed afterwards.
    func withDirectory(_ files: [String: String], _ body: (String) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("samskap-models-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, text) in files {
            try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        try body(directory)
    }

    @Test("A directory with good files loads them all")
    func goodDirectory() throws {
        try withDirectory(["a.yaml": goodModel(key: "modell-a"), "b.yml": goodModel(key: "modell-b"), "notat.txt": "ikke en modell"]) { directory in
            let catalog = try MethodModelCatalog.loadShipped(from: directory)

            #expect(catalog.shipped.map(\.model.key) == ["modell-a", "modell-b"])
        }
    }

    @Test("One bad file stops the whole load")
    func oneBadFile() throws {
        let bad = goodModel(key: "modell-b").replacingOccurrences(of: "within: 14d", with: "within: 14days")
        try withDirectory(["a-god.yaml": goodModel(key: "modell-a"), "b-feil.yaml": bad]) { directory in
            let error = #expect(throws: MethodModelError.self) { try MethodModelCatalog.loadShipped(from: directory) }

            #expect(error?.file == "b-feil.yaml")
            #expect(error?.line == 16)
        }
    }

    @Test("Two files with the same key stop the load and name the key")
    func duplicateKey() throws {
        try withDirectory(["a.yaml": goodModel(key: "samme"), "b.yaml": goodModel(key: "samme")]) { directory in
            let error = #expect(throws: MethodModelError.self) { try MethodModelCatalog.loadShipped(from: directory) }

            #expect(error?.file == "b.yaml")
            #expect(error?.problem.contains("samme") == true)
            #expect(error?.problem.contains("a.yaml") == true)
        }
    }

    @Test("A directory without models, or no directory, stops the load")
    func noModels() throws {
        try withDirectory(["notat.txt": "ikke en modell"]) { directory in
            #expect(throws: MethodModelError.self) { try MethodModelCatalog.loadShipped(from: directory) }
            #expect(throws: MethodModelError.self) { try MethodModelCatalog.loadShipped(from: directory + "/finnes-ikke") }
        }
    }
}

/// A small valid model; line 16 is `within: 14d`.
private func goodModel(key: String) -> String {
    """
    format: 1
    key: \(key)
    version: 1
    name: Prøvemodell
    summary: En liten modell for tester.
    steps:
      - id: trinn-1
        name: Første trinn
        purpose: Et formål.
        criteria:
          - id: A1
            text: Første samtale innen to uker.
            rule:
              expect: first_conversation
              after: referral_received
              within: 14d
    """
}

@Suite("Method models: a duplicated key")
struct MethodModelDuplicateKeyTests {
    @Test("A key written twice in one table names the line and the key, without the file's text")
    func duplicateKey() throws {
        let text = "format: 1\nkey: x\nversion: 1\nname: X\nsummary: S\nsteps:\n  - id: a\n    name: A\n    purpose: P\n    purpose: Q\n"
        do {
            _ = try MethodModelParser.parse(text, file: "dobbel.yaml")
            Issue.record("a duplicated key was accepted")
        } catch let error as MethodModelError {
            #expect(error.file == "dobbel.yaml")
            #expect(error.line != nil)
            #expect(error.problem.contains("«purpose»"))
            #expect(!error.problem.contains("summary: S"))
        }
    }
}
