import Fluent
import Vapor

extension Request {
    /// A string look-up in the request's language that can leave the request (into a write).
    var caseTranslator: @Sendable (String, [String]) -> String {
        let (strings, locale) = (samskap.strings, locale)
        return { key, args in strings.text(key, locale: locale, args: args) }
    }
}

/// The facts and texts of a case presentation as its pages show them.
struct CasePresentationView: Encodable, Sendable {
    struct Facts: Encodable, Sendable {
        var ageBand: String
        var innsatsgruppe: String
        var step: String
        var duration: String
    }

    struct TextField: Encodable, Sendable {
        var name: String
        var id: String
        var label: String
        var hint: String
        var value: String
        var error: String?
        var maxLength: Int
        var rows: Int
    }

    /// The edit form: the four texts, "Lagre utkast", and on a stored draft also "Del med kontoret".
    struct EditForm: Encodable, Sendable {
        var id: String
        var action: String
        var submit: String
        var shareAction: String?
        var fields: [TextField]
        var errors: [FormErrors.Item]
        var hasErrors: Bool
    }

    struct ReadOnlyText: Encodable, Sendable {
        var label: String
        var text: String
    }

    var heading: String
    var facts: Facts
    var isGenerated: Bool
    /// "kandidatens navn, …" — what the generator replaced; empty when nothing was found.
    var removed: String?
    var status: String
    var statusClass: String
    var meta: String?
    var form: [EditForm]
    var texts: [ReadOnlyText]
    /// The link back to the pathway: the author's alone.
    var pathwayHref: String?
    var backHref: String
}

enum CasePresentationPages {
    static func facts(ageBand: String, innsatsgruppe: String, step: String, weeks: Int, req: Request) -> CasePresentationView.Facts {
        .init(ageBand: ageBand, innsatsgruppe: innsatsgruppe, step: step, duration: req.t("reflection.case.duration_weeks", String(weeks)))
    }

    static func fields(_ values: [String: String], errors: FormErrors, formID: String, req: Request) -> [CasePresentationView.TextField] {
        [("challenges", "reflection.case.challenges", "casepres.hint.challenges", CasePresentationRules.maxText, 10),
         ("tried", "reflection.case.tried", "casepres.hint.tried", CasePresentationRules.maxText, 12),
         ("criteria", "reflection.case.criteria", "casepres.hint.criteria", CasePresentationRules.maxText, 8),
         ("question", "reflection.case.question", "casepres.hint.question", CasePresentationRules.maxQuestion, 4)].map { name, label, hint, max, rows in
            .init(name: name, id: "\(formID)-\(name)", label: req.t(label), hint: req.t(hint), value: values[name] ?? "", error: errors.byField[name],
                  maxLength: max, rows: rows)
        }
    }

    static func form(_ formID: String, action: String, submit: String, shareAction: String?, values: [String: String], errors: FormErrors,
                     req: Request) -> CasePresentationView.EditForm {
        let fields = fields(values, errors: errors, formID: formID, req: req)
        let shown = Set(fields.map(\.name))
        let items = errors.items.map { FormErrors.Item(field: shown.contains($0.field) ? "\(formID)-\($0.field)" : formID, message: $0.message) }
        return .init(id: formID, action: action, submit: req.t(submit), shareAction: shareAction, fields: fields, errors: items, hasErrors: !errors.isEmpty)
    }

    static func values(_ texts: CasePresentationRules.Texts) -> [String: String] {
        ["challenges": texts.challenges, "tried": texts.tried, "criteria": texts.criteria, "question": texts.question]
    }

    static func removedText(_ kinds: [Pseudonymiser.Kind], req: Request) -> String? {
        kinds.isEmpty ? nil : CasePresentationRules.list(kinds.map { req.t($0.foundKey) }, and: req.t("casepres.and"))
    }
}

/// `/forlop/{id}/case-presentasjon`: the generated draft in an edit form, before anything is stored.
struct CaseDraftPage: MultiFormPage {
    let req: Request
    let opened: OpenedPathway
    let draft: CasePresentationDraft
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request, opened: OpenedPathway, draft: CasePresentationDraft) {
        self.req = req
        self.opened = opened
        self.draft = draft
    }

    /// Generates the draft from the pathway (audited as generated, on the pathway).
    static func generate(_ req: Request, _ opened: OpenedPathway) async throws -> CasePresentationDraft {
        let source = try await CaseSource.load(opened, now: req.now, t: req.caseTranslator, on: req.db)
        let draft = CasePresentationDraft.build(pathway: source, now: req.now, t: req.caseTranslator)
        // An entry on the pathway, not on a presentation: nothing in the log ties a presentation to its pathway.
        try await req.audit(AuditEvent(.casePresentationGenerated, objectType: AuditObjectType.pathway, objectID: opened.id.uuidString,
                                       officeID: opened.pathway.$office.id, detail: "fjernet: \(draft.removed.map(\.rawValue).joined(separator: ", "))"))
        return draft
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let mine = failed?.id == "case" ? failed : nil
        let values = mine?.values ?? CasePresentationPages.values(.init(challenges: draft.challenges, tried: draft.tried, criteria: draft.criteria, question: draft.question))
        let view = CasePresentationView(
            heading: req.t("casepres.new.heading"),
            facts: CasePresentationPages.facts(ageBand: draft.ageBand, innsatsgruppe: draft.innsatsgruppe, step: draft.step, weeks: draft.durationWeeks, req: req),
            isGenerated: true, removed: CasePresentationPages.removedText(draft.removed, req: req),
            status: req.t("casepres.status.new"), statusClass: "due", meta: nil,
            form: [CasePresentationPages.form("case", action: "/forlop/\(opened.id.uuidString)/case-presentasjon", submit: "casepres.save.submit",
                                              shareAction: nil, values: values, errors: mine?.errors ?? .init(), req: req)],
            texts: [], pathwayHref: "/forlop/\(opened.id.uuidString)", backHref: "/forlop/\(opened.id.uuidString)"
        )
        return try await req.render("reflection/case/edit", titleKey: "casepres.new.title", view, status: status)
    }
}

/// `/refleksjon/case/{id}`: the author's draft (edit, share) or a shared presentation (read-only).
struct CasePresentationPage: MultiFormPage {
    let req: Request
    let presentation: CasePresentation
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request, presentation: CasePresentation) {
        self.req = req
        self.presentation = presentation
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let p = presentation
        let id = p.id!.uuidString
        let isAuthor = p.$author.id == (try req.requirePrincipal().userID)
        let author = try await User.find(p.$author.id, on: req.db)
        var form: [CasePresentationView.EditForm] = []
        var texts: [CasePresentationView.ReadOnlyText] = []
        if isAuthor && p.sharedAt == nil {
            let mine = failed?.id == "case" ? failed : nil
            let values = mine?.values ?? CasePresentationPages.values(.init(challenges: p.challenges, tried: p.tried, criteria: p.criteria, question: p.question))
            form = [CasePresentationPages.form("case", action: "/refleksjon/case/\(id)", submit: "casepres.save.submit",
                                               shareAction: "/refleksjon/case/\(id)/del", values: values, errors: mine?.errors ?? .init(), req: req)]
        } else {
            texts = [("reflection.case.challenges", p.challenges), ("reflection.case.tried", p.tried), ("reflection.case.criteria", p.criteria),
                     ("reflection.case.question", p.question)].map { .init(label: req.t($0.0), text: $0.1.isEmpty ? "–" : $0.1) }
        }
        let meta: String
        if let sharedAt = p.sharedAt {
            meta = req.t("casepres.meta.shared", author?.displayName ?? "–", DisplayDate.dateTime(sharedAt))
        } else {
            meta = req.t("casepres.meta.draft", DisplayDate.dateTime(p.updatedAt))
        }
        let view = CasePresentationView(
            heading: req.t("casepres.show.heading"),
            facts: CasePresentationPages.facts(ageBand: p.ageBand, innsatsgruppe: p.innsatsgruppe, step: p.step, weeks: p.durationWeeks, req: req),
            isGenerated: false, removed: nil,
            status: req.t(p.sharedAt == nil ? "casepres.status.draft" : "casepres.status.shared"), statusClass: p.sharedAt == nil ? "due" : "ok",
            meta: meta, form: form, texts: texts,
            // Only the author ever gets the way back to the pathway.
            pathwayHref: isAuthor ? p.$pathway.id.map { "/forlop/\($0.uuidString)" } : nil,
            backHref: "/refleksjon/case"
        )
        return try await req.render("reflection/case/edit", titleKey: "casepres.show.title", view, status: status)
    }
}

/// `/refleksjon/case`: my presentations (drafts and shared), and the office's shared ones.
struct CasePresentationListPage {
    let req: Request

    struct Item: Encodable, Sendable {
        var href: String
        var title: String
        var status: String
        var statusClass: String
        var meta: String
        var question: String?
    }

    struct View: Encodable, Sendable {
        var mine: [Item]
        var shared: [Item]
    }

    func render() async throws -> Response {
        let (mine, shared) = try await req.visibleCasePresentations()
        let authorIDs = Set(shared.map { $0.$author.id })
        let authors = authorIDs.isEmpty ? [:] : Dictionary(try await User.query(on: req.db).filter(\.$id ~~ authorIDs).all().map { ($0.id!, $0.displayName) },
                                                           uniquingKeysWith: { a, _ in a })
        func item(_ p: CasePresentation, author: String?) -> Item {
            Item(href: "/refleksjon/case/\(p.id!.uuidString)",
                 title: req.t("casepres.list.item", p.ageBand, p.innsatsgruppe, p.step),
                 status: req.t(p.sharedAt == nil ? "casepres.status.draft" : "casepres.status.shared"), statusClass: p.sharedAt == nil ? "due" : "ok",
                 meta: p.sharedAt.map { req.t("casepres.meta.shared", author ?? req.t("casepres.you"), DisplayDate.dateTime($0)) }
                     ?? req.t("casepres.meta.draft", DisplayDate.dateTime(p.updatedAt)),
                 question: p.question.isEmpty ? nil : String(p.question.prefix(200)))
        }
        let view = View(mine: mine.map { item($0, author: nil) }, shared: shared.map { item($0, author: authors[$0.$author.id]) })
        return try await req.render("reflection/case/index", titleKey: "casepres.list.title", view)
    }
}
