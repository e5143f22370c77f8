import Fluent
import Vapor

/// A reflection session with everything its page and the API show: the group, the agenda points
/// (with their themes and, for case points, the shared presentation's content), the group's
/// active members, attendance and actions. Never anything from the candidate tables.
struct ReflectionSessionRecord: Sendable {
    struct Item: Sendable {
        var item: ReflectionAgendaItem
        var themes: [ReflectionTheme]
        var freeTags: [String]
        /// Only a shared presentation of the same office; its `pathway_id` is never read out.
        var presentation: CasePresentation?
    }

    struct Person: Sendable {
        var id: UUID
        var name: String
    }

    struct Attendance: Sendable {
        var row: ReflectionAttendance
        var name: String
    }

    struct Action: Sendable {
        var action: ReflectionAction
        var ownerName: String
    }

    var session: ReflectionSession
    var group: ReflectionGroup
    /// By position.
    var items: [Item]
    /// The group's active members, by name.
    var members: [Person]
    /// By name.
    var attendance: [Attendance]
    /// By due date.
    var actions: [Action]

    var id: UUID { session.id! }

    func status(now: Date) -> ReflectionSessionRules.Status {
        ReflectionSessionRules.status(startsAt: session.startsAt, heldAt: session.heldAt, cancelledAt: session.cancelledAt, now: now)
    }

    static func load(_ session: ReflectionSession, on db: any Database) async throws -> ReflectionSessionRecord {
        let sessionID = try session.requireID()
        guard let group = try await ReflectionGroup.find(session.$group.id, on: db) else { throw Abort(.notFound) }
        let items = try await ReflectionAgendaItem.query(on: db).filter(\.$session.$id == sessionID).sort(\.$position).sort(\.$createdAt).all()
        let tags = try await ReflectionThemeTag.query(on: db).filter(\.$session.$id == sessionID).all()
        let caseIDs = Set(items.compactMap { $0.$casePresentation.id })
        let presentations = caseIDs.isEmpty ? [] : try await CasePresentation.query(on: db).filter(\.$id ~~ caseIDs)
            .filter(\.$office.$id == session.$office.id).filter(\.$sharedAt != nil).all()
        let byCase = Dictionary(presentations.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let records = items.map { item in
            let mine = tags.filter { $0.$agendaItem.id == item.id }
            let themes = ReflectionTheme.allCases.filter { theme in mine.contains { !$0.isFree && $0.theme == theme.rawValue } }
            let free = mine.filter(\.isFree).map(\.theme).sorted()
            return Item(item: item, themes: themes, freeTags: free, presentation: item.$casePresentation.id.flatMap { byCase[$0] })
        }

        let memberRows = try await ReflectionGroupMember.query(on: db).filter(\.$group.$id == group.requireID()).filter(\.$removedAt == nil).all()
        let attendanceRows = try await ReflectionAttendance.query(on: db).filter(\.$session.$id == sessionID).all()
        let actionRows = try await ReflectionAction.query(on: db).filter(\.$session.$id == sessionID).all()
        let userIDs = Set(memberRows.map(\.$user.id) + attendanceRows.map(\.$user.id) + actionRows.map(\.$owner.id))
        let names = try await userNames(userIDs, on: db)
        let members = memberRows.map { Person(id: $0.$user.id, name: names[$0.$user.id] ?? "") }.sorted(by: byName)
        let attendance = attendanceRows.map { Attendance(row: $0, name: names[$0.$user.id] ?? "") }
            .sorted { ($0.name.lowercased(), $0.row.$user.id.uuidString) < ($1.name.lowercased(), $1.row.$user.id.uuidString) }
        let actions = ReflectionSessionRules.sortOpen(actionRows).map { Action(action: $0, ownerName: names[$0.$owner.id] ?? "") }
        return ReflectionSessionRecord(session: session, group: group, items: records, members: members, attendance: attendance, actions: actions)
    }

    static func byName(_ a: Person, _ b: Person) -> Bool {
        (a.name.lowercased(), a.id.uuidString) < (b.name.lowercased(), b.id.uuidString)
    }

    static func userNames(_ ids: Set<UUID>, on db: any Database) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await User.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.displayName) }, uniquingKeysWith: { a, _ in a })
    }

    /// The groups whose sessions the user sees: leaders every group of the office, others the
    /// groups they are an active member of. Archived groups too (their past sessions).
    static func visibleGroups(_ principal: Principal, officeID: UUID, on db: any Database) async throws -> [ReflectionGroup] {
        let groups = try await ReflectionGroup.query(on: db).filter(\.$office.$id == officeID).all()
        if principal.roles.contains(.leder) { return groups.sorted { $0.name.lowercased() < $1.name.lowercased() } }
        let mine = Set(try await ReflectionGroupMember.query(on: db).filter(\.$user.$id == principal.userID).filter(\.$removedAt == nil).all().map(\.$group.id))
        return groups.filter { mine.contains($0.id!) }.sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    static func isActiveMember(_ userID: UUID, groupID: UUID, on db: any Database) async throws -> Bool {
        try await ReflectionGroupMember.query(on: db).filter(\.$group.$id == groupID).filter(\.$user.$id == userID).filter(\.$removedAt == nil).count() > 0
    }

    /// The office's staff who may own an action: active accounts with an office role, by name.
    static func officeStaff(_ officeID: UUID, on db: any Database) async throws -> [Person] {
        let users = try await User.query(on: db).filter(\.$office.$id == officeID).filter(\.$isActive == true).with(\.$roleRows).all()
        return users.filter { !$0.roles.isDisjoint(with: Access.officeRoles) }.map { Person(id: $0.id!, name: $0.displayName) }.sorted(by: byName)
    }

    /// The office's shared case presentations, newest shared first.
    static func sharedPresentations(_ officeID: UUID, on db: any Database) async throws -> [CasePresentation] {
        try await CasePresentation.query(on: db).filter(\.$office.$id == officeID).filter(\.$sharedAt != nil).sort(\.$sharedAt, .descending).limit(200).all()
    }
}

/// One owner's actions, for `/refleksjon/tiltak`, `GET /api/v1/reflection-actions` and the start page.
///
/// Open means: the owner's, in the given office, not done, and its session not cancelled (an
/// action agreed for a session that was then cancelled is laid aside: it stays on the session's
/// page, but no longer waits for anyone). Done means done, whatever became of the session.
enum ReflectionActionQueries {
    /// The owner's open actions in `officeID`, by due date (overdue first), with `session` and the
    /// session's `group` eager-loaded. The start page shows these (and may count them).
    static func open(ownerID: UUID, officeID: UUID, on db: any Database) async throws -> [ReflectionAction] {
        let actions = try await ReflectionAction.query(on: db).filter(\.$owner.$id == ownerID).filter(\.$office.$id == officeID)
            .filter(\.$doneAt == nil).with(\.$session) { $0.with(\.$group) }.all()
        return ReflectionSessionRules.sortOpen(actions.filter { $0.session.cancelledAt == nil })
    }

    /// The owner's actions in `officeID` by status (open, done or all), with `session` eager-loaded:
    /// open by due date, then done newest first.
    static func owned(ownerID: UUID, officeID: UUID, status: String, on db: any Database) async throws -> [ReflectionAction] {
        var query = ReflectionAction.query(on: db).filter(\.$owner.$id == ownerID).filter(\.$office.$id == officeID).with(\.$session)
        switch status {
        case "open": query = query.filter(\.$doneAt == nil)
        case "done": query = query.filter(\.$doneAt != nil)
        default: break
        }
        let actions = try await query.all()
        let open = ReflectionSessionRules.sortOpen(actions.filter { $0.doneAt == nil && $0.session.cancelledAt == nil })
        let done = actions.filter { $0.doneAt != nil }.sorted { ($0.doneAt!, $0.id!.uuidString) > ($1.doneAt!, $1.id!.uuidString) }
        return open + done
    }
}

extension AuditEvent {
    static func reflectionSession(_ action: AuditAction, _ session: ReflectionSession, detail: String? = nil, outcome: Outcome = .allowed) -> AuditEvent {
        AuditEvent(action, objectType: AuditObjectType.reflectionSession, objectID: session.id?.uuidString, officeID: session.$office.id, outcome: outcome, detail: detail)
    }

    static func reflectionAction(_ action: AuditAction, _ row: ReflectionAction, detail: String? = nil) -> AuditEvent {
        AuditEvent(action, objectType: AuditObjectType.reflectionAction, objectID: row.id?.uuidString, officeID: row.$office.id, detail: detail)
    }
}

extension AuditObjectType {
    static let reflectionSession = "reflection_session"
    static let reflectionAction = "reflection_action"
}

extension Request {
    /// The session named by `:sessionID`, if the caller may see it: an active member of its group,
    /// or a leader of its office. Another office's session is a 404 audited as `access.denied`; a
    /// colleague outside the group gets a 404 audited as `reflection_session.read_denied`.
    func openReflectionSession() async throws -> ReflectionSession {
        guard let id = parameters.get("sessionID", as: UUID.self), let session = try await ReflectionSession.find(id, on: db) else {
            throw Abort(.notFound)
        }
        try await requireOfficeAccess(session.$office.id, objectType: AuditObjectType.reflectionSession, objectID: id.uuidString)
        let principal = try requirePrincipal()
        if principal.roles.contains(.leder) { return session }
        if try await ReflectionSessionRecord.isActiveMember(principal.userID, groupID: session.$group.id, on: db) { return session }
        try await audit(.reflectionSession(.reflectionSessionReadDenied, session, detail: "ikke medlem av gruppen", outcome: .denied))
        throw Abort(.notFound)
    }

    /// The group a new session is for: one the caller may plan for (an active member, or a leader
    /// of its office), not archived. Anything else is a 422 on `groupId`, as an unknown group.
    func plannableGroup(_ groupID: UUID) async throws -> ReflectionGroup {
        let principal = try requirePrincipal()
        guard let group = try await ReflectionGroup.find(groupID, on: db), group.$office.id == principal.officeID, group.archivedAt == nil else {
            throw ProblemError.validation([.init("groupId", "rsession.error.group")])
        }
        if principal.roles.contains(.leder) { return group }
        guard try await ReflectionSessionRecord.isActiveMember(principal.userID, groupID: groupID, on: db) else {
            throw ProblemError.validation([.init("groupId", "rsession.error.group")])
        }
        return group
    }

    /// The action named by `:actionID` in the caller's office (another office: 404, audited).
    func openReflectionAction() async throws -> ReflectionAction {
        guard let id = parameters.get("actionID", as: UUID.self), let action = try await ReflectionAction.find(id, on: db) else {
            throw Abort(.notFound)
        }
        try await requireOfficeAccess(action.$office.id, objectType: AuditObjectType.reflectionAction, objectID: id.uuidString)
        return action
    }
}
