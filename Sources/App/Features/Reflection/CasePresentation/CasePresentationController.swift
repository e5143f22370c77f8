import Vapor

/// The case presentation pages: generate from a pathway, store a draft, edit it, share it.
struct CasePresentationController {
    struct TextForm: Content {
        var challenges: String?
        var tried: String?
        var criteria: String?
        var question: String?

        var values: [String: String] {
            ["challenges": challenges ?? "", "tried": tried ?? "", "criteria": criteria ?? "", "question": question ?? ""]
        }

        var isEmpty: Bool { challenges == nil && tried == nil && criteria == nil && question == nil }

        func texts() throws -> CasePresentationRules.Texts {
            try CasePresentationRules.texts(challenges: challenges, tried: tried, criteria: criteria, question: question)
        }
    }

    /// Only someone who may work on the pathway may generate from it.
    private func openForCase(_ req: Request) async throws -> OpenedPathway {
        try await req.openPathway(needs: .full)
    }

    func generate(req: Request) async throws -> Response {
        let opened = try await openForCase(req)
        return try await CaseDraftPage(req: req, opened: opened, draft: try await CaseDraftPage.generate(req, opened)).render()
    }

    func create(req: Request) async throws -> Response {
        let opened = try await openForCase(req)
        let form = try req.content.decode(TextForm.self)
        let officeID = opened.pathway.$office.id
        let source = try await CaseSource.load(opened, now: req.now, t: req.caseTranslator, on: req.db)
        let draft = CasePresentationDraft.build(pathway: source, now: req.now, t: req.caseTranslator)
        var created: CasePresentation?
        let response = try await req.submitForm("case", values: form.values, done: "", page: { CaseDraftPage(req: req, opened: opened, draft: draft) }) {
            created = try await CasePresentationService(req: req).create(officeID: officeID, pathwayID: opened.id, draft, try form.texts())
        }
        guard let created else { return response }
        return req.redirect(to: "/refleksjon/case/\(created.id!.uuidString)?melding=\(Flash.casePresentationSaved.rawValue)", redirectType: .normal)
    }

    func list(req: Request) async throws -> Response {
        try await CasePresentationListPage(req: req).render()
    }

    func show(req: Request) async throws -> Response {
        try await CasePresentationPage(req: req, presentation: try await req.openCasePresentation()).render()
    }

    func update(req: Request) async throws -> Response {
        let presentation = try await req.openCasePresentation()
        let form = try req.content.decode(TextForm.self)
        let id = presentation.id!
        return try await req.submitForm("case", values: form.values, done: "/refleksjon/case/\(id.uuidString)?melding=\(Flash.casePresentationSaved.rawValue)",
                                        page: { try await fresh(req, id) }) {
            try await CasePresentationService(req: req).update(id, try form.texts())
        }
    }

    /// "Del med kontoret": the text in the form (or as stored) is checked once more; a refusal
    /// draws the page again with the text and what kind of identifier was found.
    func share(req: Request) async throws -> Response {
        let presentation = try await req.openCasePresentation()
        let form = try req.content.decode(TextForm.self)
        let id = presentation.id!
        let values = form.isEmpty ? CasePresentationPages.values(.init(challenges: presentation.challenges, tried: presentation.tried,
                                                                          criteria: presentation.criteria, question: presentation.question)) : form.values
        return try await req.submitForm("case", values: values, done: "/refleksjon/case/\(id.uuidString)?melding=\(Flash.casePresentationShared.rawValue)",
                                        page: { try await fresh(req, id) }) {
            let texts = try CasePresentationRules.texts(challenges: values["challenges"], tried: values["tried"], criteria: values["criteria"], question: values["question"])
            try await CasePresentationService(req: req).share(id, texts, t: req.caseTranslator)
        }
    }

    private func fresh(_ req: Request, _ id: UUID) async throws -> CasePresentationPage {
        guard let presentation = try await CasePresentation.find(id, on: req.db) else { throw Abort(.notFound) }
        return CasePresentationPage(req: req, presentation: presentation)
    }
}
