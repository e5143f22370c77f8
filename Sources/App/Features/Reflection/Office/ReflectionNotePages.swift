import Fluent
import Vapor

/// `/refleksjon/notat`: the office's reflection notes by period, newest first, and a form for a new one.
struct ReflectionNoteListPage: MultiFormPage {
    let req: Request
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request) { self.req = req }

    struct Item: Encodable, Sendable {
        var href: String
        var period: String
        var title: String
        var version: String
        var signed: String
    }

    struct View: Encodable, Sendable {
        var createForm: [FormView]
        var notes: [Item]
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let officeID = try req.requireOfficeID()
        let notes = try await ReflectionNote.query(on: req.db).filter(\.$office.$id == officeID).sort(\.$period, .descending).all()
        var items: [Item] = []
        for note in notes {
            let record = try await ReflectionNoteRecord.load(note, on: req.db)
            items.append(Item(
                href: "/refleksjon/notat/\(note.id!.uuidString)", period: note.period, title: note.title,
                version: note.currentVersion == 0 ? req.t("olearn.note.no_text") : req.t("olearn.note.version_n", String(note.currentVersion)),
                signed: req.t("olearn.note.signed_count", String(record.signoffs(of: note.currentVersion).count), String(record.participants.count))
            ))
        }
        var form = builder("nytt", action: "/refleksjon/notat", defaults: ["period": String(RuleDuration.calendar.component(.year, from: req.now))])
        form.add("period", .text, label: "olearn.field.period", hint: "olearn.field.period_hint", maxLength: 7)
        form.add("title", .text, label: "olearn.field.title", hint: "olearn.field.title_hint", maxLength: OfficeLearningRules.maxTitle)
        let view = View(createForm: [form.build(submit: "olearn.note.create", folded: !notes.isEmpty, summary: "olearn.note.create")], notes: items)
        return try await req.render("reflection/office/notes", titleKey: "olearn.notes.title", view, status: status)
    }
}

/// `/refleksjon/notat/{id}`: the current text, who takes part and who has signed it, the version
/// history, and forms to write a new version, sign, and add participants.
struct ReflectionNotePage: MultiFormPage {
    let req: Request
    let note: ReflectionNote
    var failed: (id: String, values: [String: String], errors: FormErrors)?
    /// Set when a save was refused because someone saved in between.
    var stale: ReflectionNoteService.StaleBase?

    init(req: Request, note: ReflectionNote) {
        self.req = req
        self.note = note
    }

    struct Person: Encodable, Sendable {
        var name: String
        var signed: Bool
        var signedAt: String?
    }

    struct VersionLine: Encodable, Sendable {
        var number: Int
        var href: String
        var author: String
        var when: String
        var summary: String?
        var signedBy: String?
        var isCurrent: Bool
    }

    struct Conflict: Encodable, Sendable {
        var base: Int
        var current: Int
        var saved: [VersionLine]
        var added: [String]
        var removed: [String]
    }

    struct View: Encodable, Sendable {
        var id: String
        var title: String
        var period: String
        var version: Int
        var meta: String?
        var paragraphs: [String]
        var participants: [Person]
        var signedCount: Int
        var participantCount: Int
        var signForm: [FormView]
        var mayNotSign: String?
        var participantForm: [FormView]
        var writeForm: [FormView]
        var conflict: Conflict?
        var history: [VersionLine]
    }

    static func versionLine(_ record: ReflectionNoteRecord, _ version: ReflectionNoteVersion, req: Request) -> VersionLine {
        let signed = record.signoffs(of: version.version).map { record.name($0.$user.id) }
        return VersionLine(number: version.version, href: "/refleksjon/notat/\(record.note.id!.uuidString)/versjoner/\(version.version)",
                           author: record.name(version.$writtenBy.id), when: DisplayDate.dateTime(version.writtenAt), summary: version.changeSummary,
                           signedBy: signed.isEmpty ? nil : signed.joined(separator: ", "), isCurrent: version.version == record.note.currentVersion)
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let record = try await ReflectionNoteRecord.load(note, on: req.db)
        let me = try req.requirePrincipal().userID
        let base = "/refleksjon/notat/\(note.id!.uuidString)"
        let current = record.current
        let signedNow = Dictionary(record.signoffs(of: note.currentVersion).map { ($0.$user.id, $0.signedAt) }, uniquingKeysWith: { a, _ in a })
        let participants = record.participantIDs.map { id in
            Person(name: record.name(id), signed: signedNow[id] != nil, signedAt: signedNow[id].map(DisplayDate.dateTime))
        }
        let isParticipant = record.participants.contains { $0.$user.id == me }

        var signForm: [FormView] = []
        var mayNotSign: String?
        if note.currentVersion > 0 {
            if !isParticipant {
                mayNotSign = req.t("olearn.sign.not_participant")
            } else if signedNow[me] == nil {
                var form = builder("godkjenn", action: "\(base)/godkjenn", defaults: ["version": String(note.currentVersion)])
                form.add("version", .hidden, label: "olearn.field.version")
                signForm = [form.build(submit: "olearn.sign.submit")]
            }
        }

        let already = Set(record.participants.map(\.$user.id))
        let staff = try await User.query(on: req.db).filter(\.$office.$id == note.$office.id).filter(\.$isActive == true).with(\.$roleRows)
            .sort(\.$displayName).all()
            .filter { !already.contains($0.id!) && ReflectionNoteService.mayParticipate($0, officeID: note.$office.id) }
        var participantForm: [FormView] = []
        if !staff.isEmpty {
            var form = builder("deltaker", action: "\(base)/deltakere")
            form.add("userId", .select, label: "olearn.field.participant",
                     options: [.init(value: "", label: req.t("form.choose"), selected: false)] + staff.map { .init(value: $0.id!.uuidString, label: $0.displayName, selected: false) })
            participantForm = [form.build(submit: "olearn.participant.submit", folded: true, summary: "olearn.participant.summary", secondary: true)]
        }

        // After a refused save: the typed text stays in the form, now on top of the newest version,
        // and the page shows what the others changed.
        var conflict: Conflict?
        var writeDefaults = ["body": current?.body ?? "", "changeSummary": "", "baseVersion": String(note.currentVersion)]
        if let stale {
            let older = record.versions.first { $0.version == stale.baseVersion }?.body ?? ""
            let changes = OfficeLearningRules.changes(from: older, to: current?.body ?? "")
            conflict = Conflict(base: stale.baseVersion, current: note.currentVersion,
                                saved: record.versions.filter { $0.version > stale.baseVersion }.map { Self.versionLine(record, $0, req: req) },
                                added: changes.added, removed: changes.removed)
            writeDefaults["baseVersion"] = String(note.currentVersion)
        }
        var form = builder("skriv", action: "\(base)/versjoner", defaults: writeDefaults)
        if var failed, failed.id == "skriv", stale != nil {
            failed.values["baseVersion"] = writeDefaults["baseVersion"]
            form = FormBuilder(req, id: "skriv", action: "\(base)/versjoner", values: failed.values, errors: failed.errors)
        }
        form.add("baseVersion", .hidden, label: "olearn.field.version")
        form.add("body", .textarea, label: "olearn.field.body", hint: "olearn.field.body_hint", maxLength: OfficeLearningRules.maxBody)
        form.add("changeSummary", .text, label: "olearn.field.change_summary", hint: "olearn.field.change_summary_hint", maxLength: OfficeLearningRules.maxChangeSummary)
        let writeForm = form.build(submit: "olearn.write.submit")

        let view = View(
            id: note.id!.uuidString, title: note.title, period: note.period, version: note.currentVersion,
            meta: current.map { req.t("olearn.note.meta", String($0.version), record.name($0.$writtenBy.id), DisplayDate.dateTime($0.writtenAt)) },
            paragraphs: OfficeLearningRules.paragraphs(current?.body ?? ""), participants: participants,
            signedCount: signedNow.count, participantCount: record.participants.count,
            signForm: signForm, mayNotSign: mayNotSign, participantForm: participantForm, writeForm: [writeForm], conflict: conflict,
            history: record.versions.reversed().map { Self.versionLine(record, $0, req: req) }
        )
        return try await req.render("reflection/office/note", titleKey: "olearn.note.title", titleArgs: [note.title, note.period], view, status: status)
    }
}

/// `/refleksjon/notat/{id}/versjoner/{n}`: one earlier text as it was saved, with its sign-offs.
struct ReflectionNoteVersionPage {
    struct View: Encodable, Sendable {
        var noteHref: String
        var title: String
        var period: String
        var line: ReflectionNotePage.VersionLine
        var paragraphs: [String]
    }

    static func render(_ req: Request, _ record: ReflectionNoteRecord, _ version: ReflectionNoteVersion) async throws -> Response {
        let view = View(noteHref: "/refleksjon/notat/\(record.note.id!.uuidString)", title: record.note.title, period: record.note.period,
                        line: ReflectionNotePage.versionLine(record, version, req: req), paragraphs: OfficeLearningRules.paragraphs(version.body))
        return try await req.render("reflection/office/version", titleKey: "olearn.version.title",
                                    titleArgs: [String(version.version), record.note.title], view)
    }
}

/// The reflection note's forms.
struct ReflectionNoteController {
    func list(req: Request) async throws -> Response {
        try await ReflectionNoteListPage(req: req).render()
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let officeID = try req.requireOfficeID()
        var created: ReflectionNote?
        let values = ["period": form["period"] ?? "", "title": form["title"] ?? ""]
        let response = try await req.submitForm("nytt", values: values, done: "", page: { ReflectionNoteListPage(req: req) }) {
            let valid = try OfficeLearningRules.note(period: form["period"], title: form["title"])
            created = try await ReflectionNoteService(req: req).create(officeID: officeID, valid)
        }
        guard let created else { return response }
        return req.redirect(to: "/refleksjon/notat/\(created.id!.uuidString)?melding=\(Flash.saved.rawValue)", redirectType: .normal)
    }

    func show(req: Request) async throws -> Response {
        let note = try await req.openReflectionNote()
        try await req.audit(.reflectionNote(.reflectionNoteRead, note, detail: "versjon \(note.currentVersion)"))
        return try await ReflectionNotePage(req: req, note: note).render()
    }

    func showVersion(req: Request) async throws -> Response {
        let note = try await req.openReflectionNote()
        let record = try await ReflectionNoteRecord.load(note, on: req.db)
        guard let number = req.parameters.get("version", as: Int.self), let version = record.versions.first(where: { $0.version == number }) else {
            throw Abort(.notFound)
        }
        try await req.audit(.reflectionNote(.reflectionNoteRead, note, detail: "versjon \(number)"))
        return try await ReflectionNoteVersionPage.render(req, record, version)
    }

    /// Performs one of the note page's forms; field problems and conflicts draw the page again
    /// with what was typed (422 or 409).
    private func submit(_ req: Request, formID: String, values: [String: String], flash: Flash, anchor: String,
                        _ perform: (ReflectionNote) async throws -> Void) async throws -> Response {
        let note = try await req.openReflectionNote()
        do {
            try await perform(note)
        } catch let stale as ReflectionNoteService.StaleBase {
            guard let fresh = try await ReflectionNote.find(note.id, on: req.db) else { throw Abort(.notFound) }
            var page = ReflectionNotePage(req: req, note: fresh)
            page.stale = stale
            var errors = FormErrors()
            errors.add(formID, req.t("olearn.error.stale", String(stale.baseVersion), String(stale.currentVersion)))
            page.failed = (formID, values, errors)
            return try await page.render(status: .conflict)
        } catch let problem as ProblemError where !problem.fields.isEmpty || problem.status == .conflict {
            guard let fresh = try await ReflectionNote.find(note.id, on: req.db) else { throw Abort(.notFound) }
            var page = ReflectionNotePage(req: req, note: fresh)
            var errors = FormErrors(problem.fields, req)
            if problem.fields.isEmpty { errors.add(formID, req.t(problem.key, problem.args)) }
            page.failed = (formID, values, errors)
            return try await page.render(status: problem.status == .conflict ? .conflict : .unprocessableEntity)
        }
        return req.redirect(to: "/refleksjon/notat/\(note.id!.uuidString)?melding=\(flash.rawValue)#\(anchor)", redirectType: .normal)
    }

    func saveVersion(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let values = ["body": form["body"] ?? "", "changeSummary": form["changeSummary"] ?? "", "baseVersion": form["baseVersion"] ?? ""]
        return try await submit(req, formID: "skriv", values: values, flash: .reflectionNoteSaved, anchor: "tekst") { note in
            let valid = try OfficeLearningRules.version(body: form["body"], changeSummary: form["changeSummary"], baseVersion: form["baseVersion"])
            try await ReflectionNoteService(req: req).saveVersion(note.id!, valid)
        }
    }

    func sign(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        return try await submit(req, formID: "godkjenn", values: [:], flash: .reflectionNoteSigned, anchor: "deltakere") { note in
            try await ReflectionNoteService(req: req).sign(note.id!, expectedVersion: form["version"].flatMap { Int($0) })
        }
    }

    func addParticipant(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        return try await submit(req, formID: "deltaker", values: ["userId": form["userId"] ?? ""], flash: .saved, anchor: "deltakere") { note in
            guard let id = OfficeLearningRules.trimmed(form["userId"]).flatMap(UUID.init(uuidString:)) else {
                throw ProblemError.validation([.init("userId", "olearn.error.participant_unknown")])
            }
            try await ReflectionNoteService(req: req).addParticipant(note.id!, userID: id)
        }
    }
}
