import Fluent
import Vapor

extension AuditAction {
    static let casePresentationGenerated: AuditAction = "case_presentation.generated"
    static let casePresentationSaved: AuditAction = "case_presentation.saved"
    static let casePresentationShared: AuditAction = "case_presentation.shared"
    static let casePresentationShareRefused: AuditAction = "case_presentation.share_refused"
    static let casePresentationReadDenied: AuditAction = "case_presentation.read_denied"

    /// The case presentation actions; the string tables name each one.
    static let casePresentationActions: [AuditAction] = [
        .casePresentationGenerated, .casePresentationSaved, .casePresentationShared, .casePresentationShareRefused, .casePresentationReadDenied,
    ]
}

extension AuditObjectType {
    static let casePresentation = "case_presentation"
}

extension AuditEvent {
    /// Case presentation entries name the presentation; details hold ids, counts and kinds, never text.
    static func casePresentation(_ action: AuditAction, id: UUID?, officeID: UUID?, outcome: Outcome = .allowed, detail: String? = nil) -> AuditEvent {
        AuditEvent(action, objectType: AuditObjectType.casePresentation, objectID: id?.uuidString, officeID: officeID, outcome: outcome, detail: detail)
    }
}

/// Every change to a case presentation, shared by pages and API. Each change and its audit entry
/// are written in one transaction, with the presentation's row locked and its state checked there.
struct CasePresentationService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    /// Stores a generated (and perhaps edited) draft; only its author sees it.
    func create(officeID: UUID, pathwayID: UUID, _ draft: CasePresentationDraft, _ texts: CasePresentationRules.Texts) async throws -> CasePresentation {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            let presentation = CasePresentation()
            presentation.$office.id = officeID
            presentation.$author.id = actorID
            presentation.$pathway.id = pathwayID
            presentation.ageBand = draft.ageBand
            presentation.innsatsgruppe = draft.innsatsgruppe
            presentation.step = draft.step
            presentation.durationWeeks = draft.durationWeeks
            Self.apply(texts, to: presentation)
            presentation.createdAt = now
            presentation.updatedAt = now
            try await presentation.create(on: db)
            // No pathway id here: leaders read the log, and it would tie a shared case to its pathway.
            audit.record(.casePresentation(.casePresentationSaved, id: presentation.id, officeID: officeID, detail: "nytt utkast"))
            return presentation
        }
    }

    /// Changes a draft's texts (author only, not once shared).
    func update(_ presentationID: UUID, _ texts: CasePresentationRules.Texts) async throws {
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            let presentation = try await Self.lock(presentationID, author: actorID, on: db)
            try CasePresentationRules.mayEdit(sharedAt: presentation.sharedAt)
            Self.apply(texts, to: presentation)
            presentation.updatedAt = now
            try await presentation.save(on: db)
            audit.record(.casePresentation(.casePresentationSaved, id: presentationID, officeID: presentation.$office.id, detail: "utkast endret"))
        }
    }

    /// Checks every text once more against the pathway's identifiers (reloaded while the pathway
    /// exists) and the patterns; stores the texts and shares them, or refuses naming what was found.
    /// A refusal is audited on its own, since the failed transaction keeps nothing.
    func share(_ presentationID: UUID, _ texts: CasePresentationRules.Texts, t: @escaping @Sendable (String, [String]) -> String) async throws {
        let (actorID, now) = (actorID, now)
        do {
            try await app.write(context: context) { db, audit in
                let presentation = try await Self.lock(presentationID, author: actorID, on: db)
                let check = try await Self.checker(pathwayID: presentation.$pathway.id, on: db)
                do {
                    try CasePresentationRules.mayShare(texts, sharedAt: presentation.sharedAt, check: check, t: t)
                } catch let problem as ProblemError where problem.status == .unprocessableEntity {
                    let kinds = CasePresentationRules.kinds(texts, check: check)
                    throw ShareRefused(problem: problem, officeID: presentation.$office.id,
                                       detail: kinds.isEmpty ? "mangler spørsmål" : "funnet: " + kinds.map(\.rawValue).joined(separator: ", "))
                }
                Self.apply(texts, to: presentation)
                presentation.sharedAt = now
                presentation.updatedAt = now
                try await presentation.save(on: db)
                audit.record(.casePresentation(.casePresentationShared, id: presentationID, officeID: presentation.$office.id))
            }
        } catch let refused as ShareRefused {
            try await app.audit([.casePresentation(.casePresentationShareRefused, id: presentationID, officeID: refused.officeID, outcome: .denied, detail: refused.detail)],
                                context: context)
            throw refused.problem
        }
    }

    /// The identifier check for a presentation: its pathway's people while the pathway exists, and the patterns.
    static func checker(pathwayID: UUID?, on db: any Database) async throws -> Pseudonymiser {
        guard let pathwayID, let ids = try await Pseudonymiser.Identifiers.load(pathwayID: pathwayID, on: db) else { return .patternsOnly }
        return Pseudonymiser(ids)
    }

    private struct ShareRefused: Error {
        var problem: ProblemError
        var officeID: UUID
        var detail: String
    }

    private static func apply(_ texts: CasePresentationRules.Texts, to presentation: CasePresentation) {
        presentation.challenges = texts.challenges
        presentation.tried = texts.tried
        presentation.criteria = texts.criteria
        presentation.question = texts.question
    }

    /// The author's own presentation, locked; anyone else's is a 404 (the open check has audited it).
    static func lock(_ presentationID: UUID, author: UUID, on db: any Database) async throws -> CasePresentation {
        try await DatabaseDialect(db).lockRow(CasePresentation.schema, id: presentationID, on: db)
        guard let presentation = try await CasePresentation.find(presentationID, on: db), presentation.$author.id == author else { throw Abort(.notFound) }
        return presentation
    }
}

extension Request {
    /// The case presentation named by `:presentationID`, if the caller may see it: their own, or
    /// a shared one of their office. Another office's is a 404 audited as denied by the office
    /// check; someone else's draft is a 404 audited as `case_presentation.read_denied`.
    func openCasePresentation() async throws -> CasePresentation {
        guard let id = parameters.get("presentationID", as: UUID.self), let presentation = try await CasePresentation.find(id, on: db) else {
            throw Abort(.notFound)
        }
        try await requireOfficeAccess(presentation.$office.id, objectType: AuditObjectType.casePresentation, objectID: id.uuidString)
        let principal = try requirePrincipal()
        if presentation.$author.id != principal.userID, presentation.sharedAt == nil {
            try await audit(.casePresentation(.casePresentationReadDenied, id: id, officeID: presentation.$office.id, outcome: .denied, detail: "utkast"))
            throw Abort(.notFound)
        }
        return presentation
    }

    /// My drafts and shared ones, then the office's shared presentations by others; newest first.
    func visibleCasePresentations() async throws -> (mine: [CasePresentation], shared: [CasePresentation]) {
        let principal = try requirePrincipal()
        let officeID = try requireOfficeID()
        let mine = try await CasePresentation.query(on: db).filter(\.$office.$id == officeID).filter(\.$author.$id == principal.userID)
            .sort(\.$updatedAt, .descending).limit(500).all()
        let shared = try await CasePresentation.query(on: db).filter(\.$office.$id == officeID).filter(\.$author.$id != principal.userID)
            .filter(\.$sharedAt != nil).sort(\.$sharedAt, .descending).limit(500).all()
        return (mine, shared)
    }
}
