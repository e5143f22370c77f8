import Vapor

/// The office's reflection note, the premises self-check with evidence from the data, the
/// resources brought into a pathway, and the leaders' learning overview (office and county).
enum OfficeLearningRoutes {
    static func register(office: some RoutesBuilder, leaders: some RoutesBuilder, api: some RoutesBuilder, leaderAPI: some RoutesBuilder) {
        // Office staff: the office's own notes only (`openReflectionNote`).
        let notes = ReflectionNoteController()
        let note = office.grouped("refleksjon", "notat")
        note.get(use: notes.list)
        note.post(use: notes.create)
        note.get(":noteID", use: notes.show)
        note.post(":noteID", "versjoner", use: notes.saveVersion)
        note.get(":noteID", "versjoner", ":version", use: notes.showVersion)
        note.post(":noteID", "godkjenn", use: notes.sign)
        note.post(":noteID", "deltakere", use: notes.addParticipant)

        // Resources in a pathway: the candidate's access rules (`openPathway`).
        let resources = PathwayResourceController()
        office.get("forlop", ":pathwayID", "ressurser", use: resources.show)
        office.post("forlop", ":pathwayID", "ressurser", use: resources.add)
        office.post("forlop", ":pathwayID", "ressurser", ":resourceID", "avslutt", use: resources.end)

        // The premises: everyone at the office answers; leaders open and close rounds.
        let premises = PremiseController()
        office.get("kontor", "premisser", use: premises.show)
        office.post("kontor", "premisser", "svar", use: premises.answer)
        leaders.post("kontor", "premisser", "runder", use: premises.open)
        leaders.post("kontor", "premisser", "runder", ":checkID", "avslutt", use: premises.close)

        // Leaders: counts only.
        let learning = LearningOverviewController()
        leaders.get("kontor", "laering", use: learning.office)
        leaders.get("kontor", "laering", "fylke", use: learning.county)

        let json = OfficeLearningAPIController()
        let notesAPI = api.grouped("reflection-notes")
        notesAPI.get(use: json.listNotes)
        notesAPI.post(use: json.createNote)
        notesAPI.get(":noteID", use: json.showNote)
        notesAPI.get(":noteID", "versions", ":version", use: json.showVersion)
        notesAPI.post(":noteID", "versions", use: json.saveVersion)
        notesAPI.post(":noteID", "signoffs", use: json.sign)
        api.get("offices", ":enhetNumber", "premises", use: json.premises)
        api.post("offices", ":enhetNumber", "premises", "answers", use: json.answer)
        leaderAPI.get("offices", ":enhetNumber", "learning", use: json.learning)
    }
}

extension AuditAction {
    static let reflectionNoteCreated: AuditAction = "reflection_note.created"
    static let reflectionNoteVersionSaved: AuditAction = "reflection_note.version_saved"
    static let reflectionNoteSigned: AuditAction = "reflection_note.signed"
    static let reflectionNoteParticipantAdded: AuditAction = "reflection_note.participant_added"
    static let reflectionNoteRead: AuditAction = "reflection_note.read"
    static let premiseCheckOpened: AuditAction = "premise_check.opened"
    static let premiseCheckAnswered: AuditAction = "premise_check.answered"
    static let premiseCheckClosed: AuditAction = "premise_check.closed"
    static let pathwayResourceAdded: AuditAction = "pathway_resource.added"
    static let pathwayResourceEnded: AuditAction = "pathway_resource.ended"
    static let learningOverviewRead: AuditAction = "learning_overview.read"

    /// This feature's audit actions (the string tables name each one).
    static let officeLearningActions: [AuditAction] = [
        .reflectionNoteCreated, .reflectionNoteVersionSaved, .reflectionNoteSigned, .reflectionNoteParticipantAdded, .reflectionNoteRead,
        .premiseCheckOpened, .premiseCheckAnswered, .premiseCheckClosed, .pathwayResourceAdded, .pathwayResourceEnded, .learningOverviewRead,
    ]
}

extension AuditObjectType {
    static let reflectionNote = "reflection_note"
    static let premiseCheck = "premise_check"
    static let pathwayResource = "pathway_resource"
}

extension AuditEvent {
    /// Note entries name the note; details hold versions and ids, never the text.
    static func reflectionNote(_ action: AuditAction, _ note: ReflectionNote, detail: String? = nil) -> AuditEvent {
        AuditEvent(action, objectType: AuditObjectType.reflectionNote, objectID: note.id?.uuidString, officeID: note.$office.id, detail: detail)
    }

    static func premiseCheck(_ action: AuditAction, _ check: PremiseCheck, detail: String? = nil) -> AuditEvent {
        AuditEvent(action, objectType: AuditObjectType.premiseCheck, objectID: check.id?.uuidString, officeID: check.$office.id, detail: detail)
    }

    static func pathwayResource(_ action: AuditAction, _ resource: PathwayResource, detail: String? = nil) -> AuditEvent {
        AuditEvent(action, objectType: AuditObjectType.pathwayResource, objectID: resource.id?.uuidString, officeID: resource.$office.id, detail: detail)
    }
}
