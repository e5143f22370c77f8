import Vapor

/// The learning log "gjort – lært – lurt", reflection groups, and the `/refleksjon` hub.
enum LearningLogRoutes {
    static func register(office: some RoutesBuilder, api: some RoutesBuilder) {
        // Office staff (leder, veileder, markedskontakt). Each note is checked by
        // `openLearningNote` (author, or a member of the group it is shared with), each group by
        // `openReflectionGroup` (own office).
        let pages = LearningLogController()
        let reflection = office.grouped("refleksjon")
        reflection.get(use: pages.hub)

        let log = reflection.grouped("logg")
        log.get(use: pages.log)
        log.post(use: pages.create)
        log.get(":noteID", use: pages.show)
        log.post(":noteID", use: pages.update)
        log.post(":noteID", "del", use: pages.share)
        log.post(":noteID", "privat", use: pages.unshare)
        log.post(":noteID", "slett", use: pages.delete)

        let groups = reflection.grouped("grupper")
        groups.get(use: pages.groups)
        groups.post(use: pages.createGroup)
        groups.get(":groupID", use: pages.group)
        groups.post(":groupID", use: pages.updateGroup)
        groups.post(":groupID", "arkiver", use: pages.archiveGroup)

        // Staff bearer tokens.
        let json = LearningLogAPIController()
        let notes = api.grouped("learning-notes")
        notes.get(use: json.listNotes)
        notes.post(use: json.createNote)
        notes.get(":noteID", use: json.showNote)
        notes.patch(":noteID", use: json.updateNote)
        notes.delete(":noteID", use: json.deleteNote)
        notes.post(":noteID", "share", use: json.shareNote)

        let reflectionGroups = api.grouped("reflection-groups")
        reflectionGroups.get(use: json.listGroups)
        reflectionGroups.post(use: json.createGroup)
        reflectionGroups.get(":groupID", use: json.showGroup)
        reflectionGroups.patch(":groupID", use: json.updateGroup)
        reflectionGroups.put(":groupID", "members", use: json.replaceMembers)
    }
}

extension AuditAction {
    /// The learning log's and reflection groups' actions; the string tables name each one.
    static let learningLogActions: [AuditAction] = [
        .learningNoteCreated, .learningNoteUpdated, .learningNoteShared, .learningNoteUnshared, .learningNoteDeleted, .learningNoteReadDenied,
        .reflectionGroupCreated, .reflectionGroupUpdated, .reflectionGroupMembersChanged, .reflectionGroupArchived,
    ]
}
