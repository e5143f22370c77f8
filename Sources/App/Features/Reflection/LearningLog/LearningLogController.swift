import Vapor

/// The learning log and reflection group pages.
struct LearningLogController {
    func hub(req: Request) async throws -> Response {
        try await ReflectionHubPage(req: req).render()
    }

    // MARK: - Notes

    func log(req: Request) async throws -> Response {
        try await LearningLogPage(req: req).render()
    }

    static func noteInput(_ form: [String: String]) -> LearningNoteRules.Input {
        let themes = ReflectionTheme.allCases.filter { form[LearningLogView.themeField($0)] == "on" }.map(\.rawValue)
        return .init(done: form["done"], learned: form["learned"], worthKeeping: form["worthKeeping"], themes: themes,
                     freeTags: LearningNoteRules.splitTags(form["freeTags"]), pathwayID: form["pathwayID"])
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let officeID = try req.requireOfficeID()
        var created: LearningNote?
        let response = try await req.submitForm("ny", values: form.filter { $0.key != "_csrf" }, done: "", page: { LearningLogPage(req: req) }) {
            let valid = try LearningNoteRules.note(Self.noteInput(form))
            created = try await LearningLogService(req: req).createNote(officeID: officeID, valid)
        }
        guard let created else { return response }
        return req.redirect(to: "/refleksjon/logg?melding=\(Flash.learningNoteSaved.rawValue)#notat-\(created.id!.uuidString)", redirectType: .normal)
    }

    func show(req: Request) async throws -> Response {
        try await LearningNotePage(req: req, record: try await req.openLearningNote()).render()
    }

    /// Performs one of the note page's forms; a problem naming fields draws the page again with
    /// the form's text and errors (422).
    private func submitNote(_ req: Request, formID: String, values: [String: String], flash: Flash, to target: String? = nil,
                            _ perform: (LearningNoteRecord) async throws -> Void) async throws -> Response {
        let record = try await req.openOwnLearningNote()
        do {
            try await perform(record)
        } catch let problem as ProblemError where !problem.fields.isEmpty {
            let fresh = try await req.openOwnLearningNote()
            var page = LearningNotePage(req: req, record: fresh)
            page.failed = (formID, values, FormErrors(problem.fields, req))
            return try await page.render(status: .unprocessableEntity)
        }
        return req.redirect(to: "\(target ?? "/refleksjon/logg/\(record.id.uuidString)")?melding=\(flash.rawValue)", redirectType: .normal)
    }

    func update(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        return try await submitNote(req, formID: "endre", values: form.filter { $0.key != "_csrf" }, flash: .learningNoteSaved) { record in
            let valid = try LearningNoteRules.note(Self.noteInput(form))
            try await LearningLogService(req: req).updateNote(record.id, valid, t: req.learningTranslator)
        }
    }

    func share(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        return try await submitNote(req, formID: "del", values: ["groupID": form["groupID"] ?? ""], flash: .learningNoteShared) { record in
            guard let raw = PathwayRules.trimmed(form["groupID"]), let groupID = UUID(uuidString: raw) else {
                throw ProblemError.validation([.init("groupID", "learning.error.group_required")])
            }
            try await LearningLogService(req: req).share(record.id, groupID: groupID, t: req.learningTranslator)
        }
    }

    func unshare(req: Request) async throws -> Response {
        try await submitNote(req, formID: "privat", values: [:], flash: .learningNoteUnshared) { record in
            try await LearningLogService(req: req).share(record.id, groupID: nil, t: req.learningTranslator)
        }
    }

    func delete(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        return try await submitNote(req, formID: "slett", values: ["confirm": form["confirm"] ?? ""], flash: .learningNoteDeleted, to: "/refleksjon/logg") { record in
            guard form["confirm"] == "on" else { throw ProblemError.validation([.init("confirm", "learning.error.confirm_delete")]) }
            try await LearningLogService(req: req).deleteNote(record.id)
        }
    }

    // MARK: - Groups

    func groups(req: Request) async throws -> Response {
        try await ReflectionGroupListPage(req: req).render()
    }

    static func groupInput(_ form: [String: String]) -> ReflectionGroupRules.Input {
        .init(name: form["name"], kind: form["kind"], rhythmWeeks: form["rhythmWeeks"], description: form["description"])
    }

    static func memberIDs(_ form: [String: String]) -> [String] {
        form.filter { $0.key.hasPrefix("member-") && $0.value == "on" }.map { String($0.key.dropFirst("member-".count)) }.sorted()
    }

    func createGroup(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let officeID = try req.requireOfficeID()
        let actorID = try req.requirePrincipal().userID
        var created: ReflectionGroup?
        let response = try await req.submitForm("ny", values: form.filter { $0.key != "_csrf" }, done: "", page: { ReflectionGroupListPage(req: req) }) {
            let valid = try ReflectionGroupRules.group(Self.groupInput(form))
            let chosen = Self.memberIDs(form)
            // The creator is always a member, ticked or not.
            let members = try ReflectionGroupRules.memberIDs(chosen.isEmpty ? [actorID.uuidString] : chosen)
            created = try await LearningLogService(req: req).createGroup(officeID: officeID, valid, memberIDs: members)
        }
        guard let created else { return response }
        return req.redirect(to: "/refleksjon/grupper/\(created.id!.uuidString)?melding=\(Flash.reflectionGroupSaved.rawValue)", redirectType: .normal)
    }

    func group(req: Request) async throws -> Response {
        try await ReflectionGroupPage(req: req, group: try await req.openReflectionGroup()).render()
    }

    private func submitGroup(_ req: Request, formID: String, values: [String: String], _ perform: (ReflectionGroup, Bool) async throws -> Void) async throws -> Response {
        let group = try await req.openReflectionGroup()
        let isLeader = try req.requirePrincipal().roles.contains(.leder)
        do {
            try await perform(group, isLeader)
        } catch let problem as ProblemError where !problem.fields.isEmpty || problem.status == .conflict {
            guard let fresh = try await ReflectionGroup.find(group.id, on: req.db) else { throw Abort(.notFound) }
            var page = ReflectionGroupPage(req: req, group: fresh)
            var fields = problem.fields
            if fields.isEmpty { fields = [.init(formID, problem.key)] }
            page.failed = (formID, values, FormErrors(fields, req))
            return try await page.render(status: problem.status == .conflict ? .conflict : .unprocessableEntity)
        }
        return req.redirect(to: "/refleksjon/grupper/\(group.id!.uuidString)?melding=\(Flash.reflectionGroupSaved.rawValue)", redirectType: .normal)
    }

    func updateGroup(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        return try await submitGroup(req, formID: "endre", values: form.filter { $0.key != "_csrf" }) { group, isLeader in
            var issues: [ProblemError.FieldIssue] = []
            var valid: ReflectionGroupRules.ValidGroup?
            do { valid = try ReflectionGroupRules.group(Self.groupInput(form)) } catch let problem as ProblemError { issues += problem.fields }
            var members: [UUID] = []
            do { members = try ReflectionGroupRules.memberIDs(Self.memberIDs(form)) } catch let problem as ProblemError { issues += problem.fields }
            guard issues.isEmpty, let valid else { throw ProblemError.validation(issues) }
            try await LearningLogService(req: req).updateGroup(group.id!, valid, members: members, isLeader: isLeader)
        }
    }

    func archiveGroup(req: Request) async throws -> Response {
        try await submitGroup(req, formID: "arkiver", values: [:]) { group, isLeader in
            try await LearningLogService(req: req).archiveGroup(group.id!, isLeader: isLeader)
        }
    }
}
