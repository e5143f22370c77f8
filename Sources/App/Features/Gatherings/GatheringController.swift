import Vapor

/// The office's gathering pages: the list and a new gathering, and one gathering's forms.
struct GatheringController {
    func list(req: Request) async throws -> Response {
        try await GatheringListPage(req: req).render()
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let officeID = try req.requireOfficeID()
        var created: Gathering?
        let values = ["kind": form["kind"] ?? "", "day": form["day"] ?? "", "time": form["time"] ?? "", "place": form["place"] ?? "", "theme": form["theme"] ?? ""]
        let response = try await req.submitForm("ny", values: values, done: "", page: { GatheringListPage(req: req) }) {
            let valid = try GatheringRules.gathering(.init(kind: form["kind"], day: form["day"] ?? "", time: form["time"] ?? "",
                                                           place: form["place"], theme: form["theme"]), now: req.now)
            created = try await GatheringService(req: req).create(officeID: officeID, valid)
        }
        guard let created else { return response }
        return req.redirect(to: "/samlinger/\(created.id!.uuidString)?melding=\(Flash.saved.rawValue)", redirectType: .normal)
    }

    func show(req: Request) async throws -> Response {
        try await GatheringPage(req: req, gathering: try await req.openGathering()).render()
    }

    /// Performs one of the gathering page's forms and goes back to the page (at `anchor`). Field
    /// problems draw the page again with the form's text and errors (422); a change the
    /// gathering's state refuses (cancelled, not begun) draws it with the reason (409).
    private func submit(_ req: Request, formID: String, values: [String: String], anchor: String,
                        _ perform: (Gathering) async throws -> Void) async throws -> Response {
        let gathering = try await req.openGathering()
        do {
            try await perform(gathering)
        } catch let problem as ProblemError where !problem.fields.isEmpty || problem.status == .conflict {
            guard let fresh = try await Gathering.find(gathering.id, on: req.db) else { throw Abort(.notFound) }
            var page = GatheringPage(req: req, gathering: fresh)
            var fields = problem.fields
            if fields.isEmpty {
                var issue = ProblemError.FieldIssue(formID, problem.key)
                issue.args = problem.args
                fields = [issue]
            }
            page.failed = (formID, values, FormErrors(fields, req))
            return try await page.render(status: problem.status == .conflict ? .conflict : .unprocessableEntity)
        }
        return req.redirect(to: "/samlinger/\(gathering.id!.uuidString)?melding=\(Flash.saved.rawValue)#\(anchor)", redirectType: .normal)
    }

    func invite(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let prefix = "mentor-"
        let chosen = form.filter { $0.key.hasPrefix(prefix) && $0.value == "on" }.map { String($0.key.dropFirst(prefix.count)) }.sorted()
        return try await submit(req, formID: "inviter", values: form, anchor: "invitasjoner") { gathering in
            let ids = try GatheringRules.mentorIDs(chosen)
            try await GatheringService(req: req).invite(gathering.id!, mentorIDs: ids)
        }
    }

    func recordAttendance(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let prefix = "attended-"
        let rows: [(mentorID: String, attended: Bool?)] = form.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }.compactMap { key, value in
            switch value {
            case "yes": (String(key.dropFirst(prefix.count)), true)
            case "no": (String(key.dropFirst(prefix.count)), false)
            default: nil
            }
        }
        return try await submit(req, formID: "oppmote", values: form, anchor: "samling-oppmote") { gathering in
            let attendance = try GatheringRules.attendance(rows)
            try await GatheringService(req: req).recordAttendance(gathering.id!, attendance)
        }
    }

    func writeSummary(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        return try await submit(req, formID: "oppsummering", values: ["summary": form["summary"] ?? ""], anchor: "samling-oppsummering") { gathering in
            try await GatheringService(req: req).writeSummary(gathering.id!, form["summary"])
        }
    }

    func cancel(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        return try await submit(req, formID: "avlys", values: ["reason": form["reason"] ?? ""], anchor: "samling") { gathering in
            let reason = try GatheringRules.cancelReason(form["reason"])
            try await GatheringService(req: req).cancel(gathering.id!, reason: reason)
        }
    }
}
