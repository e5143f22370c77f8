import Vapor

/// The reflection session pages: the list and a new session, one session's forms, and my actions.
struct ReflectionSessionController {
    func list(req: Request) async throws -> Response {
        try await ReflectionSessionListPage(req: req).render()
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let officeID = try req.requireOfficeID()
        let values = ["groupId": form["groupId"] ?? "", "day": form["day"] ?? "", "time": form["time"] ?? "",
                      "place": form["place"] ?? "", "points": form["points"] ?? ""]
        var created: ReflectionSession?
        let response = try await req.submitForm("ny", values: values, done: "", page: { ReflectionSessionListPage(req: req) }) {
            var issues: [ProblemError.FieldIssue] = []
            var valid: ReflectionSessionRules.ValidSession?
            var points: [ReflectionSessionRules.ValidItem] = []
            do {
                valid = try ReflectionSessionRules.session(.init(groupID: form["groupId"], day: form["day"] ?? "", time: form["time"] ?? "",
                                                                 place: form["place"]), now: req.now)
            } catch let problem as ProblemError { issues += problem.fields }
            do { points = try ReflectionSessionRules.firstPoints(form["points"]) } catch let problem as ProblemError { issues += problem.fields }
            guard issues.isEmpty, let valid else { throw ProblemError.validation(issues) }
            _ = try await req.plannableGroup(valid.groupID)
            created = try await ReflectionSessionService(req: req).create(officeID: officeID, valid, points: points)
        }
        guard let created else { return response }
        return req.redirect(to: "/refleksjon/moter/\(created.id!.uuidString)?melding=\(Flash.reflectionSessionSaved.rawValue)", redirectType: .normal)
    }

    func show(req: Request) async throws -> Response {
        try await ReflectionSessionPage(req: req, session: try await req.openReflectionSession()).render()
    }

    /// Performs one of the session page's forms and goes back to the page (at `anchor`). Field
    /// problems draw the page again with the form's text and errors (422); a change the session's
    /// state refuses (cancelled, not begun) draws it with the reason (409).
    private func submit(_ req: Request, formID: String, values: [String: String], anchor: String, flash: Flash,
                        _ perform: (ReflectionSession) async throws -> Void) async throws -> Response {
        let session = try await req.openReflectionSession()
        do {
            try await perform(session)
        } catch let problem as ProblemError where !problem.fields.isEmpty || problem.status == .conflict {
            guard let fresh = try await ReflectionSession.find(session.id, on: req.db) else { throw Abort(.notFound) }
            var page = ReflectionSessionPage(req: req, session: fresh)
            var fields = problem.fields
            if fields.isEmpty {
                var issue = ProblemError.FieldIssue(formID, problem.key)
                issue.args = problem.args
                fields = [issue]
            }
            page.failed = (formID, values, FormErrors(fields, req))
            return try await page.render(status: problem.status == .conflict ? .conflict : .unprocessableEntity)
        }
        return req.redirect(to: "/refleksjon/moter/\(session.id!.uuidString)?melding=\(flash.rawValue)#\(anchor)", redirectType: .normal)
    }

    private func itemID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("itemID", as: UUID.self) else { throw Abort(.notFound) }
        return id
    }

    func change(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let values = ["day": form["day"] ?? "", "time": form["time"] ?? "", "place": form["place"] ?? ""]
        return try await submit(req, formID: "endre", values: values, anchor: "mote", flash: .reflectionSessionSaved) { session in
            let change = try ReflectionSessionRules.change(.init(day: form["day"] ?? "", time: form["time"] ?? "", place: form["place"]),
                                                           placeGiven: true, now: req.now)
            try await ReflectionSessionService(req: req).change(session.id!, change)
        }
    }

    func addItem(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let values = ["kind": form["kind"] ?? "", "title": form["title"] ?? "", "casePresentationId": form["casePresentationId"] ?? ""]
        return try await submit(req, formID: "nytt-punkt", values: values, anchor: "agenda", flash: .agendaItemSaved) { session in
            let valid = try ReflectionSessionRules.item(.init(kind: form["kind"], title: form["title"], casePresentationID: form["casePresentationId"]))
            try await ReflectionSessionService(req: req).addItem(session.id!, valid)
        }
    }

    func editItem(req: Request) async throws -> Response {
        let itemID = try itemID(req)
        let form = try req.content.decode([String: String].self)
        let formID = ReflectionSessionPage.itemFormID(itemID)
        var values = ["title": form["title"] ?? "", "notes": form["notes"] ?? "", "freeTags": form["freeTags"] ?? ""]
        var themes: [String] = []
        for theme in ReflectionTheme.allCases where form[ReflectionSessionPage.themeField(theme, item: itemID)] == "on" {
            values[ReflectionSessionPage.themeField(theme, item: itemID)] = "on"
            themes.append(theme.rawValue)
        }
        return try await submit(req, formID: formID, values: values, anchor: formID, flash: .agendaItemSaved) { session in
            let edit = try ReflectionSessionRules.itemEdit(.init(title: form["title"] ?? "", notes: form["notes"], themes: themes,
                                                                 freeTags: ReflectionSessionRules.splitTags(form["freeTags"])),
                                                           notesGiven: true, titleRequired: true)
            try await ReflectionSessionService(req: req).editItem(session.id!, itemID: itemID, edit)
        }
    }

    func moveUp(req: Request) async throws -> Response {
        let itemID = try itemID(req)
        return try await submit(req, formID: "agenda", values: [:], anchor: "agenda", flash: .agendaItemSaved) { session in
            try await ReflectionSessionService(req: req).moveItem(session.id!, itemID: itemID, by: -1)
        }
    }

    func moveDown(req: Request) async throws -> Response {
        let itemID = try itemID(req)
        return try await submit(req, formID: "agenda", values: [:], anchor: "agenda", flash: .agendaItemSaved) { session in
            try await ReflectionSessionService(req: req).moveItem(session.id!, itemID: itemID, by: 1)
        }
    }

    func removeItem(req: Request) async throws -> Response {
        let itemID = try itemID(req)
        return try await submit(req, formID: "agenda", values: [:], anchor: "agenda", flash: .agendaItemSaved) { session in
            try await ReflectionSessionService(req: req).removeItem(session.id!, itemID: itemID)
        }
    }

    /// Every active member is either checked (came) or not (did not come).
    func recordAttendance(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        return try await submit(req, formID: "oppmote", values: form.filter { $0.key != "_csrf" }, anchor: "oppmote", flash: .reflectionAttendanceSaved) { session in
            let record = try await ReflectionSessionRecord.load(session, on: req.db)
            let came = record.members.filter { form[ReflectionSessionPage.cameField($0.id)] == "on" }.map(\.id.uuidString)
            let absent = record.members.filter { form[ReflectionSessionPage.cameField($0.id)] != "on" }.map(\.id.uuidString)
            guard !record.members.isEmpty else { throw ProblemError.validation([.init("oppmote", "rsession.error.attendance_empty")]) }
            let attendance = try ReflectionSessionRules.attendance(attended: came, absent: absent)
            let summary = try ReflectionSessionRules.summary(form["summary"])
            try await ReflectionSessionService(req: req).recordAttendance(session.id!, attendance, summary: .some(summary))
        }
    }

    func cancel(req: Request) async throws -> Response {
        try await submit(req, formID: "avlys", values: [:], anchor: "mote", flash: .reflectionSessionSaved) { session in
            try await ReflectionSessionService(req: req).cancel(session.id!)
        }
    }

    func addAction(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let values = ["title": form["title"] ?? "", "ownerId": form["ownerId"] ?? "", "dueOn": form["dueOn"] ?? "", "agendaItemId": form["agendaItemId"] ?? ""]
        return try await submit(req, formID: "nytt-tiltak", values: values, anchor: "tiltak", flash: .reflectionActionSaved) { session in
            let valid = try ReflectionSessionRules.action(.init(title: form["title"], ownerID: form["ownerId"], dueOn: form["dueOn"],
                                                                agendaItemID: form["agendaItemId"]), now: req.now)
            try await ReflectionSessionService(req: req).addAction(session.id!, valid)
        }
    }

    func myActions(req: Request) async throws -> Response {
        try await ReflectionActionsPage(req: req).render()
    }

    /// From my actions, or from the session page (`tilbake=mote`), which it then returns to.
    func markDone(req: Request) async throws -> Response {
        let action = try await req.openReflectionAction()
        let form = (try? req.content.decode([String: String].self)) ?? [:]
        let principal = try req.requirePrincipal()
        try await ReflectionSessionService(req: req).markDone(action.id!, actorIsLeader: principal.roles.contains(.leder))
        if form["tilbake"] == "mote" {
            return req.redirect(to: "/refleksjon/moter/\(action.$session.id.uuidString)?melding=\(Flash.reflectionActionDone.rawValue)#tiltak", redirectType: .normal)
        }
        return req.redirect(to: "/refleksjon/tiltak?melding=\(Flash.reflectionActionDone.rawValue)", redirectType: .normal)
    }
}
