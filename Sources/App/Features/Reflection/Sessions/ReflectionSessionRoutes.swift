import Vapor

/// Reflection sessions: the list and a new session, one session's agenda, notes, themes,
/// attendance and actions, my actions, and the staff API.
enum ReflectionSessionRoutes {
    static func register(office: some RoutesBuilder, api: some RoutesBuilder) {
        // Office staff; each session is checked by `openReflectionSession` (group members and leaders).
        let pages = ReflectionSessionController()
        let sessions = office.grouped("refleksjon", "moter")
        sessions.get(use: pages.list)
        sessions.get("ny", use: pages.list)
        sessions.post(use: pages.create)
        sessions.get(":sessionID", use: pages.show)
        sessions.post(":sessionID", "endre", use: pages.change)
        sessions.post(":sessionID", "punkter", use: pages.addItem)
        sessions.post(":sessionID", "punkter", ":itemID", use: pages.editItem)
        sessions.post(":sessionID", "punkter", ":itemID", "opp", use: pages.moveUp)
        sessions.post(":sessionID", "punkter", ":itemID", "ned", use: pages.moveDown)
        sessions.post(":sessionID", "punkter", ":itemID", "fjern", use: pages.removeItem)
        sessions.post(":sessionID", "oppmote", use: pages.recordAttendance)
        sessions.post(":sessionID", "avlys", use: pages.cancel)
        sessions.post(":sessionID", "tiltak", use: pages.addAction)

        let actions = office.grouped("refleksjon", "tiltak")
        actions.get(use: pages.myActions)
        actions.post(":actionID", "utfort", use: pages.markDone)

        // Staff bearer tokens.
        let json = ReflectionSessionAPIController()
        let apiSessions = api.grouped("reflection-sessions")
        apiSessions.get(use: json.list)
        apiSessions.post(use: json.create)
        apiSessions.get(":sessionID", use: json.show)
        apiSessions.patch(":sessionID", use: json.update)
        apiSessions.post(":sessionID", "agenda", use: json.addItem)
        apiSessions.patch(":sessionID", "agenda", ":itemID", use: json.editItem)
        apiSessions.delete(":sessionID", "agenda", ":itemID", use: json.removeItem)
        apiSessions.put(":sessionID", "attendance", use: json.recordAttendance)
        apiSessions.post(":sessionID", "actions", use: json.addAction)
        let apiActions = api.grouped("reflection-actions")
        apiActions.get(use: json.myActions)
        apiActions.post(":actionID", "done", use: json.markDone)
    }
}

extension AuditAction {
    static let reflectionSessionCreated: AuditAction = "reflection_session.created"
    static let reflectionSessionUpdated: AuditAction = "reflection_session.updated"
    static let reflectionSessionCancelled: AuditAction = "reflection_session.cancelled"
    static let reflectionSessionReadDenied: AuditAction = "reflection_session.read_denied"
    static let reflectionSessionAgendaChanged: AuditAction = "reflection_session.agenda_changed"
    static let reflectionSessionAttendanceRecorded: AuditAction = "reflection_session.attendance_recorded"
    static let reflectionActionCreated: AuditAction = "reflection_action.created"
    static let reflectionActionDone: AuditAction = "reflection_action.done"

    /// This feature's audit actions (the string tables name each one).
    static let reflectionSessionActions: [AuditAction] = [
        .reflectionSessionCreated, .reflectionSessionUpdated, .reflectionSessionCancelled, .reflectionSessionReadDenied,
        .reflectionSessionAgendaChanged, .reflectionSessionAttendanceRecorded, .reflectionActionCreated, .reflectionActionDone,
    ]
}
