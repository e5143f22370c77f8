import Fluent
import Vapor

/// Every change to a reflection session, shared by pages and API. Each change and its audit entry
/// are written in one transaction with the session's row locked and its state checked again there.
/// Who may make the change (an active member of the group, or a leader) is checked by the caller
/// (`openReflectionSession`, `plannableGroup`). Audit details hold ids and counts, never the text.
struct ReflectionSessionService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    func create(officeID: UUID, _ valid: ReflectionSessionRules.ValidSession, points: [ReflectionSessionRules.ValidItem] = []) async throws -> ReflectionSession {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            guard let group = try await ReflectionGroup.find(valid.groupID, on: db), group.$office.id == officeID, group.archivedAt == nil else {
                throw ProblemError.validation([.init("groupId", "rsession.error.group")])
            }
            let session = ReflectionSession()
            session.$office.id = officeID
            session.$group.id = valid.groupID
            session.startsAt = valid.startsAt
            session.place = valid.place
            session.createdAt = now
            session.$createdBy.id = actorID
            try await session.create(on: db)
            for (index, point) in points.enumerated() {
                try await Self.insertItem(session, point, position: index + 1, actorID: actorID, now: now, field: "agenda[\(index)].", on: db)
            }
            audit.record(.reflectionSession(.reflectionSessionCreated, session, detail: "gruppe \(valid.groupID.uuidString), punkter: \(points.count)"))
            return session
        }
    }

    func change(_ sessionID: UUID, _ change: ReflectionSessionRules.ValidChange, summary: String?? = nil) async throws {
        try await app.write(context: context) { db, audit in
            let session = try await Self.lock(sessionID, on: db)
            try ReflectionSessionRules.mayChange(cancelledAt: session.cancelledAt)
            var changed: [String] = []
            if let startsAt = change.startsAt, startsAt != session.startsAt {
                session.startsAt = startsAt
                changed.append("tidspunkt")
                // The themes were discussed on the session's day; they move with it.
                let day = RuleDuration.calendar.startOfDay(for: startsAt)
                try await ReflectionThemeTag.query(on: db).filter(\.$session.$id == sessionID).set(\.$taggedOn, to: day).update()
            }
            if let place = change.place, place != session.place {
                session.place = place
                changed.append("sted")
            }
            if let summary, summary != session.summary {
                session.summary = summary
                changed.append("oppsummering")
            }
            guard !changed.isEmpty else { return }
            try await session.save(on: db)
            audit.record(.reflectionSession(.reflectionSessionUpdated, session, detail: changed.joined(separator: ", ")))
        }
    }

    @discardableResult
    func addItem(_ sessionID: UUID, _ valid: ReflectionSessionRules.ValidItem) async throws -> ReflectionAgendaItem {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            let session = try await Self.lock(sessionID, on: db)
            try ReflectionSessionRules.mayChange(cancelledAt: session.cancelledAt)
            let last = try await ReflectionAgendaItem.query(on: db).filter(\.$session.$id == sessionID).max(\.$position) ?? 0
            let item = try await Self.insertItem(session, valid, position: last + 1, actorID: actorID, now: now, field: "", on: db)
            audit.record(.reflectionSession(.reflectionSessionAgendaChanged, session, detail: "punkt lagt til: \(item.id!.uuidString) (\(valid.kind.rawValue))"))
            return item
        }
    }

    func editItem(_ sessionID: UUID, itemID: UUID, _ edit: ReflectionSessionRules.ValidItemEdit) async throws {
        let now = now
        try await app.write(context: context) { db, audit in
            let session = try await Self.lock(sessionID, on: db)
            try ReflectionSessionRules.mayChange(cancelledAt: session.cancelledAt)
            let item = try await Self.item(itemID, of: sessionID, on: db)
            var changed: [String] = []
            if let title = edit.title, title != item.title {
                item.title = title
                changed.append("tittel")
            }
            if let notes = edit.notes, notes != item.notes {
                item.notes = notes
                changed.append("notater")
            }
            if !changed.isEmpty {
                item.updatedAt = now
                try await item.save(on: db)
            }
            if let themes = edit.themes {
                try await ReflectionThemeTag.query(on: db).filter(\.$agendaItem.$id == itemID).delete()
                let day = RuleDuration.calendar.startOfDay(for: session.startsAt)
                let rows = themes.map { ($0.rawValue, false) } + (edit.freeTags ?? []).map { ($0, true) }
                for (theme, isFree) in rows {
                    let tag = ReflectionThemeTag()
                    tag.$office.id = session.$office.id
                    tag.$session.id = sessionID
                    tag.$agendaItem.id = itemID
                    tag.theme = theme
                    tag.isFree = isFree
                    tag.taggedOn = day
                    try await tag.create(on: db)
                }
                changed.append("temaer: \(themes.count) fra listen, \(edit.freeTags?.count ?? 0) egne")
            }
            guard !changed.isEmpty else { return }
            audit.record(.reflectionSession(.reflectionSessionAgendaChanged, session, detail: "punkt \(itemID.uuidString) endret: " + changed.joined(separator: ", ")))
        }
    }

    /// Moves a point to `index` (0-based, clamped) and numbers the points 1… again.
    func moveItem(_ sessionID: UUID, itemID: UUID, by offset: Int? = nil, to index: Int? = nil) async throws {
        try await app.write(context: context) { db, audit in
            let session = try await Self.lock(sessionID, on: db)
            try ReflectionSessionRules.mayChange(cancelledAt: session.cancelledAt)
            var items = try await ReflectionAgendaItem.query(on: db).filter(\.$session.$id == sessionID).sort(\.$position).sort(\.$createdAt).all()
            guard let from = items.firstIndex(where: { $0.id == itemID }) else { throw Abort(.notFound) }
            let target = max(0, min(items.count - 1, index ?? (from + (offset ?? 0))))
            guard target != from else { return }
            let item = items.remove(at: from)
            items.insert(item, at: target)
            for (i, row) in items.enumerated() where row.position != i + 1 {
                row.position = i + 1
                try await row.save(on: db)
            }
            audit.record(.reflectionSession(.reflectionSessionAgendaChanged, session, detail: "punkt \(itemID.uuidString) flyttet til \(target + 1)"))
        }
    }

    func removeItem(_ sessionID: UUID, itemID: UUID) async throws {
        try await app.write(context: context) { db, audit in
            let session = try await Self.lock(sessionID, on: db)
            try ReflectionSessionRules.mayChange(cancelledAt: session.cancelledAt)
            let item = try await Self.item(itemID, of: sessionID, on: db)
            try await ReflectionThemeTag.query(on: db).filter(\.$agendaItem.$id == itemID).delete()
            // Actions stay with the session; they lose the link to the point.
            let actions = try await ReflectionAction.query(on: db).filter(\.$agendaItem.$id == itemID).all()
            for action in actions {
                action.$agendaItem.id = nil
                try await action.save(on: db)
            }
            try await item.delete(on: db)
            let rest = try await ReflectionAgendaItem.query(on: db).filter(\.$session.$id == sessionID).sort(\.$position).sort(\.$createdAt).all()
            for (i, row) in rest.enumerated() where row.position != i + 1 {
                row.position = i + 1
                try await row.save(on: db)
            }
            audit.record(.reflectionSession(.reflectionSessionAgendaChanged, session, detail: "punkt fjernet: \(itemID.uuidString)"))
        }
    }

    /// Came or did not, per member (upserted per user), and an optional summary; marks the session held.
    func recordAttendance(_ sessionID: UUID, _ attendance: [UUID: Bool], summary: String?? = nil) async throws {
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            let session = try await Self.lock(sessionID, on: db)
            try ReflectionSessionRules.mayRecordAttendance(startsAt: session.startsAt, cancelledAt: session.cancelledAt, now: now)
            let existing = try await ReflectionAttendance.query(on: db).filter(\.$session.$id == sessionID).all()
            let byUser = Dictionary(existing.map { ($0.$user.id, $0) }, uniquingKeysWith: { a, _ in a })
            let members = Set(try await ReflectionGroupMember.query(on: db).filter(\.$group.$id == session.$group.id).filter(\.$removedAt == nil).all().map(\.$user.id))
            if attendance.keys.contains(where: { !members.contains($0) && byUser[$0] == nil }) {
                throw ProblemError.validation([.init("attended", "rsession.error.member_unknown")])
            }
            for (userID, came) in attendance.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
                let row = byUser[userID] ?? ReflectionAttendance()
                if row.id == nil {
                    row.$session.id = sessionID
                    row.$user.id = userID
                }
                row.attended = came
                row.recordedAt = now
                row.$recordedBy.id = actorID
                try await row.save(on: db)
            }
            if session.heldAt == nil { session.heldAt = now }
            if let summary { session.summary = summary }
            try await session.save(on: db)
            let came = attendance.values.filter { $0 }.count
            audit.record(.reflectionSession(.reflectionSessionAttendanceRecorded, session, detail: "kom: \(came), kom ikke: \(attendance.count - came)"))
        }
    }

    func cancel(_ sessionID: UUID) async throws {
        let now = now
        try await app.write(context: context) { db, audit in
            let session = try await Self.lock(sessionID, on: db)
            try ReflectionSessionRules.mayCancel(heldAt: session.heldAt, cancelledAt: session.cancelledAt)
            session.cancelledAt = now
            try await session.save(on: db)
            // A cancelled session's themes were never discussed: they leave the office's overview.
            // Its open actions stay stored but drop out of the owners' lists (`ReflectionActionQueries`).
            let tags = try await ReflectionThemeTag.query(on: db).filter(\.$session.$id == sessionID).count()
            if tags > 0 { try await ReflectionThemeTag.query(on: db).filter(\.$session.$id == sessionID).delete() }
            let openActions = try await ReflectionAction.query(on: db).filter(\.$session.$id == sessionID).filter(\.$doneAt == nil).count()
            audit.record(.reflectionSession(.reflectionSessionCancelled, session, detail: "temaer fjernet: \(tags), åpne tiltak lagt bort: \(openActions)"))
        }
    }

    @discardableResult
    func addAction(_ sessionID: UUID, _ valid: ReflectionSessionRules.ValidAction) async throws -> ReflectionAction {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            let session = try await Self.lock(sessionID, on: db)
            try ReflectionSessionRules.mayChange(cancelledAt: session.cancelledAt)
            let staff = try await ReflectionSessionRecord.officeStaff(session.$office.id, on: db)
            guard staff.contains(where: { $0.id == valid.ownerID }) else { throw ProblemError.validation([.init("ownerId", "rsession.error.owner")]) }
            if let itemID = valid.agendaItemID {
                guard try await ReflectionAgendaItem.query(on: db).filter(\.$id == itemID).filter(\.$session.$id == sessionID).count() > 0 else {
                    throw ProblemError.validation([.init("agendaItemId", "rsession.error.item_unknown")])
                }
            }
            let action = ReflectionAction()
            action.$office.id = session.$office.id
            action.$session.id = sessionID
            action.$agendaItem.id = valid.agendaItemID
            action.title = valid.title
            action.$owner.id = valid.ownerID
            action.dueOn = valid.dueOn
            action.createdAt = now
            action.$createdBy.id = actorID
            try await action.create(on: db)
            audit.record(.reflectionAction(.reflectionActionCreated, action, detail: "møte \(sessionID.uuidString), eier \(valid.ownerID.uuidString), frist \(DisplayDate.dayInput(valid.dueOn))"))
            return action
        }
    }

    /// Marks an action done. The owner, the session's creator and the office's leaders may;
    /// `actorIsLeader` says whether the actor is a leader of the action's office.
    func markDone(_ actionID: UUID, actorIsLeader: Bool) async throws {
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow(ReflectionAction.schema, id: actionID, on: db)
            guard let action = try await ReflectionAction.find(actionID, on: db) else { throw Abort(.notFound) }
            guard let session = try await ReflectionSession.find(action.$session.id, on: db) else { throw Abort(.notFound) }
            guard action.$owner.id == actorID || session.$createdBy.id == actorID || actorIsLeader else {
                throw ProblemError(.forbidden, key: "rsession.error.done_not_allowed")
            }
            guard action.doneAt == nil else { return }
            try ReflectionSessionRules.mayChange(cancelledAt: session.cancelledAt)
            action.doneAt = now
            action.$doneBy.id = actorID
            try await action.save(on: db)
            audit.record(.reflectionAction(.reflectionActionDone, action, detail: "møte \(session.id!.uuidString)"))
        }
    }

    // MARK: - Pieces

    static func lock(_ sessionID: UUID, on db: any Database) async throws -> ReflectionSession {
        try await DatabaseDialect(db).lockRow(ReflectionSession.schema, id: sessionID, on: db)
        guard let session = try await ReflectionSession.find(sessionID, on: db) else { throw Abort(.notFound) }
        return session
    }

    static func item(_ itemID: UUID, of sessionID: UUID, on db: any Database) async throws -> ReflectionAgendaItem {
        guard let item = try await ReflectionAgendaItem.find(itemID, on: db), item.$session.id == sessionID else { throw Abort(.notFound) }
        return item
    }

    /// A case point takes one of the office's shared presentations; a draft or another office's is refused.
    @discardableResult
    static func insertItem(_ session: ReflectionSession, _ valid: ReflectionSessionRules.ValidItem, position: Int, actorID: UUID, now: Date,
                           field: String, on db: any Database) async throws -> ReflectionAgendaItem {
        var title = valid.title
        if valid.kind == .casePresentation {
            guard let caseID = valid.casePresentationID, let presentation = try await CasePresentation.find(caseID, on: db),
                  presentation.$office.id == session.$office.id, presentation.sharedAt != nil else {
                throw ProblemError.validation([.init(field + "casePresentationId", "rsession.error.case_not_shared")])
            }
            if title.isEmpty { title = String(presentation.question.prefix(ReflectionSessionRules.maxTitle)) }
        }
        let item = ReflectionAgendaItem()
        item.$session.id = try session.requireID()
        item.position = position
        item.kind = valid.kind
        item.title = title
        item.$casePresentation.id = valid.kind == .casePresentation ? valid.casePresentationID : nil
        item.createdAt = now
        item.$createdBy.id = actorID
        item.updatedAt = now
        try await item.create(on: db)
        return item
    }
}
