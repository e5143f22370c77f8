import Fluent
import Vapor

/// A generated draft, not stored: what `GET /pathways/{id}/case-presentation` returns.
struct CasePresentationDraftDTO: Content {
    var ageBand: String
    var innsatsgruppe: String
    var step: String
    var durationWeeks: Int
    var challenges: String
    var tried: String
    var criteria: String
    var question: String
    /// Kinds of identifier the generator replaced: kandidatnavn, mentornavn, arbeidsgivernavn,
    /// kontaktperson, fodselsnummer, telefon, epost, orgnr.
    var removed: [String]

    init(_ d: CasePresentationDraft) {
        ageBand = d.ageBand; innsatsgruppe = d.innsatsgruppe; step = d.step; durationWeeks = d.durationWeeks
        challenges = d.challenges; tried = d.tried; criteria = d.criteria; question = d.question; removed = d.removed.map(\.rawValue)
    }
}

/// A stored case presentation. `pathwayId` is present for its author only.
struct CasePresentationDTO: Content {
    var id: UUID
    var officeId: UUID
    var authorId: UUID
    var authorName: String
    var mine: Bool
    var pathwayId: UUID?
    /// utkast or delt.
    var status: String
    var ageBand: String
    var innsatsgruppe: String
    var step: String
    var durationWeeks: Int
    var challenges: String
    var tried: String
    var criteria: String
    var question: String
    var sharedAt: Date?
    var createdAt: Date
    var updatedAt: Date

    init(_ p: CasePresentation, authorName: String, viewer: UUID) {
        id = p.id!; officeId = p.$office.id; authorId = p.$author.id; self.authorName = authorName
        mine = p.$author.id == viewer
        pathwayId = mine ? p.$pathway.id : nil
        status = p.sharedAt == nil ? "utkast" : "delt"
        ageBand = p.ageBand; innsatsgruppe = p.innsatsgruppe; step = p.step; durationWeeks = p.durationWeeks
        challenges = p.challenges; tried = p.tried; criteria = p.criteria; question = p.question
        sharedAt = p.sharedAt; createdAt = p.createdAt; updatedAt = p.updatedAt
    }
}

/// `/api/v1/...case-presentation(s)`: the same generator, rules and service as the pages.
struct CasePresentationAPIController {
    struct TextsInput: Content {
        var challenges: String?
        var tried: String?
        var criteria: String?
        var question: String?
    }

    private func dto(_ req: Request, _ p: CasePresentation) async throws -> CasePresentationDTO {
        let author = try await User.find(p.$author.id, on: req.db)
        return CasePresentationDTO(p, authorName: author?.displayName ?? "", viewer: try req.requirePrincipal().userID)
    }

    /// Refuses any field but the four texts.
    private func decodeTexts(_ req: Request) throws -> TextsInput {
        if req.body.data == nil || req.body.data?.readableBytes == 0 { return TextsInput() }
        let body = try req.content.decode([String: AnyJSONValue].self)
        if let unknown = body.keys.sorted().first(where: { !CasePresentationRules.textFields.contains($0) }) {
            throw ProblemError.validation([.init(unknown, "casepres.error.unknown_field")])
        }
        return try req.content.decode(TextsInput.self)
    }

    func draft(req: Request) async throws -> CasePresentationDraftDTO {
        let opened = try await req.openPathway(needs: .full)
        return CasePresentationDraftDTO(try await CaseDraftPage.generate(req, opened))
    }

    /// Stores the generated draft; the body may replace any of the four texts.
    func create(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        let input = try decodeTexts(req)
        let source = try await CaseSource.load(opened, now: req.now, t: req.caseTranslator, on: req.db)
        let draft = CasePresentationDraft.build(pathway: source, now: req.now, t: req.caseTranslator)
        let texts = try CasePresentationRules.texts(challenges: input.challenges ?? draft.challenges, tried: input.tried ?? draft.tried,
                                                    criteria: input.criteria ?? draft.criteria, question: input.question ?? draft.question)
        let presentation = try await CasePresentationService(req: req).create(officeID: opened.pathway.$office.id, pathwayID: opened.id, draft, texts)
        let response = try await dto(req, presentation).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/case-presentations/\(presentation.id!)")
        return response
    }

    /// My presentations, then the office's shared ones by others; newest first.
    func list(req: Request) async throws -> [CasePresentationDTO] {
        let (mine, shared) = try await req.visibleCasePresentations()
        let all = mine + shared
        let authorIDs = Set(all.map { $0.$author.id })
        let names = authorIDs.isEmpty ? [:] : Dictionary(try await User.query(on: req.db).filter(\.$id ~~ authorIDs).all().map { ($0.id!, $0.displayName) },
                                                         uniquingKeysWith: { a, _ in a })
        let viewer = try req.requirePrincipal().userID
        return all.map { CasePresentationDTO($0, authorName: names[$0.$author.id] ?? "", viewer: viewer) }
    }

    func show(req: Request) async throws -> CasePresentationDTO {
        try await dto(req, try await req.openCasePresentation())
    }

    /// Changes the texts named; the others stay.
    func update(req: Request) async throws -> CasePresentationDTO {
        let presentation = try await req.openCasePresentation()
        let input = try decodeTexts(req)
        let texts = try CasePresentationRules.texts(challenges: input.challenges ?? presentation.challenges, tried: input.tried ?? presentation.tried,
                                                    criteria: input.criteria ?? presentation.criteria, question: input.question ?? presentation.question)
        try await CasePresentationService(req: req).update(presentation.id!, texts)
        guard let fresh = try await CasePresentation.find(presentation.id, on: req.db) else { throw Abort(.notFound) }
        return try await dto(req, fresh)
    }

    /// Shares the stored texts after the identifier check; 422 names each text and what was found.
    func share(req: Request) async throws -> CasePresentationDTO {
        let presentation = try await req.openCasePresentation()
        let texts = CasePresentationRules.Texts(challenges: presentation.challenges, tried: presentation.tried, criteria: presentation.criteria,
                                                question: presentation.question)
        try await CasePresentationService(req: req).share(presentation.id!, texts, t: req.caseTranslator)
        guard let fresh = try await CasePresentation.find(presentation.id, on: req.db) else { throw Abort(.notFound) }
        return try await dto(req, fresh)
    }
}
