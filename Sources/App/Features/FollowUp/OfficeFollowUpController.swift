import Fluent
import Vapor

/// The office's follow-up settings, for its leader: days without workplace contact before an
/// alert, and the plain-language word list used to highlight jargon in text for candidates.
struct OfficeFollowUpController {
    static let contactDaysRange = 7...90

    struct TermRow: Encodable, Sendable {
        var term: String
        var suggestion: String
        var removeAction: String?
    }

    struct View: Encodable, Sendable {
        var officeName: String
        var daysForm: [FormView]
        var usesDefaults: Bool
        var terms: [TermRow]
        var termForm: [FormView]
    }

    struct Page: MultiFormPage {
        let req: Request
        let office: Office
        var failed: (id: String, values: [String: String], errors: FormErrors)?

        func render(status: HTTPStatus = .ok) async throws -> Response {
            let officeID = try office.requireID()
            var days = builder("dager", action: "/kontor/oppfolging/dager", defaults: ["days": String(office.noContactAlertDays)])
            days.add("days", .number, label: "office_followup.days", hint: "office_followup.days_hint", maxLength: 2, inputMode: "numeric")
            var term = builder("ord", action: "/kontor/oppfolging/ord")
            term.add("term", .text, label: "plain_language.term", maxLength: PlainLanguageList.maxTerm)
            term.add("suggestion", .text, label: "plain_language.suggestion", maxLength: PlainLanguageList.maxSuggestion)
            var rows: [TermRow] = []
            if office.plainLanguageCustom {
                rows = try await PlainLanguageTerm.query(on: req.db).filter(\.$office.$id == officeID).sort(\.$term).all().map {
                    TermRow(term: $0.term, suggestion: $0.suggestion, removeAction: "/kontor/oppfolging/ord/\($0.id!.uuidString)/fjern")
                }
            } else {
                rows = PlainLanguage.defaults.map { TermRow(term: $0.term, suggestion: $0.suggestion, removeAction: nil) }
            }
            let view = View(officeName: office.name, daysForm: [days.build(submit: "form.save")], usesDefaults: !office.plainLanguageCustom,
                            terms: rows, termForm: [term.build(submit: "plain_language.add")])
            return try await req.render("followup/office", titleKey: "office_followup.title", view, status: status)
        }
    }

    private func office(_ req: Request) async throws -> Office {
        let principal = try req.requirePrincipal()
        guard let officeID = principal.officeID, let office = try await Office.find(officeID, on: req.db) else { throw Abort(.notFound) }
        return office
    }

    func show(req: Request) async throws -> Response {
        try await Page(req: req, office: try await office(req)).render()
    }

    func saveDays(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let office = try await office(req)
        let officeID = try office.requireID()
        let response = try await req.submitForm("dager", values: form, done: "/kontor/oppfolging?melding=\(Flash.followUpSettingsSaved.rawValue)",
                                                page: { Page(req: req, office: office) }) {
            guard let days = Int(PathwayRules.trimmed(form["days"]) ?? ""), Self.contactDaysRange.contains(days) else {
                throw ProblemError.validation([.init("days", "office_followup.error.days", String(Self.contactDaysRange.lowerBound), String(Self.contactDaysRange.upperBound))])
            }
            let now = req.now
            try await req.write { db, audit in
                try await Office.query(on: db).set(\.$noContactAlertDays, to: days).filter(\.$id == officeID).update()
                // Every open pathway of the office is looked at again by the alert pass below (and the hourly job).
                try await Pathway.query(on: db).set(\.$alertsCheckAt, to: now).filter(\.$office.$id == officeID).filter(\.$status == .active).update()
                audit.record(AuditEvent(.officeUpdated, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID,
                                        detail: "dager uten kontakt før varsel: \(days)"))
            }
            // The office's pathways now, so the leader sees the effect; a failure waits for the hourly job.
            _ = try await PathwayDailyJob(app: req.application).refreshDueAlerts(now: now, officeID: officeID)
        }
        return response
    }

    func addTerm(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let office = try await office(req)
        let officeID = try office.requireID()
        let (actorID, now) = (try req.requirePrincipal().userID, req.now)
        return try await req.submitForm("ord", values: form, done: "/kontor/oppfolging?melding=\(Flash.plainLanguageSaved.rawValue)#ordliste",
                                        page: { Page(req: req, office: office) }) {
            let entry = try PlainLanguageList.validate(term: form["term"], suggestion: form["suggestion"])
            try await req.write { db, audit in
                try await PlainLanguageList.makeCustom(officeID, by: actorID, now: now, on: db)
                let existing = try await PlainLanguageTerm.query(on: db).filter(\.$office.$id == officeID).all()
                if let same = existing.first(where: { $0.term.lowercased() == entry.term.lowercased() }) {
                    same.suggestion = entry.suggestion
                    try await same.save(on: db)
                } else {
                    guard existing.count < PlainLanguageList.maxTerms else {
                        throw ProblemError.validation([.init("term", "plain_language.error.too_many", String(PlainLanguageList.maxTerms))])
                    }
                    try await PlainLanguageTerm(officeID: officeID, entry: entry, by: actorID, at: now).create(on: db)
                }
                audit.record(AuditEvent(.plainLanguageUpdated, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID,
                                        detail: "ord lagt til: \(entry.term)"))
            }
        }
    }

    func removeTerm(req: Request) async throws -> Response {
        let office = try await office(req)
        let officeID = try office.requireID()
        guard let termID = req.parameters.get("termID", as: UUID.self) else { throw Abort(.notFound) }
        try await req.write { db, audit in
            guard let term = try await PlainLanguageTerm.find(termID, on: db), term.$office.id == officeID else { throw Abort(.notFound) }
            try await term.delete(on: db)
            audit.record(AuditEvent(.plainLanguageUpdated, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID,
                                    detail: "ord fjernet: \(term.term)"))
        }
        return req.redirect(to: "/kontor/oppfolging?melding=\(Flash.plainLanguageSaved.rawValue)#ordliste", redirectType: .normal)
    }
}
