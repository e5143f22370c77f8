import Fluent
import Vapor

/// A shared case presentation's content on a case point: the pseudonymised fields only — never
/// its pathway, its author's link, or anything about the candidate.
struct ReflectionCaseContentDTO: Content {
    var id: UUID
    var ageBand: String
    var innsatsgruppe: String
    var step: String
    var durationWeeks: Int
    var challenges: String
    var tried: String
    var criteria: String
    var question: String
    var sharedAt: Date?

    init(_ p: CasePresentation) {
        id = p.id!; ageBand = p.ageBand; innsatsgruppe = p.innsatsgruppe; step = p.step; durationWeeks = p.durationWeeks
        challenges = p.challenges; tried = p.tried; criteria = p.criteria; question = p.question; sharedAt = p.sharedAt
    }
}

struct ReflectionAgendaItemDTO: Content {
    var id: UUID
    var position: Int
    /// case, tema, erfaringsdeling or annet.
    var kind: String
    var title: String
    var notes: String?
    /// `ReflectionTheme` keys.
    var themes: [String]
    var freeTags: [String]
    var casePresentation: ReflectionCaseContentDTO?
    var updatedAt: Date

    init(_ entry: ReflectionSessionRecord.Item) {
        let i = entry.item
        id = i.id!; position = i.position; kind = i.kind.rawValue; title = i.title; notes = i.notes
        themes = entry.themes.map(\.rawValue); freeTags = entry.freeTags
        casePresentation = entry.presentation.map(ReflectionCaseContentDTO.init); updatedAt = i.updatedAt
    }
}

struct ReflectionAttendanceDTO: Content {
    var userId: UUID
    var displayName: String
    var attended: Bool
    var recordedAt: Date
    var recordedBy: UUID
}

struct ReflectionActionDTO: Content {
    var id: UUID
    var sessionId: UUID
    var agendaItemId: UUID?
    var title: String
    var ownerId: UUID
    var ownerName: String?
    /// `yyyy-MM-dd`.
    var dueOn: String
    /// open or done.
    var status: String
    var overdue: Bool
    var doneAt: Date?
    var doneBy: UUID?
    var createdAt: Date
    var createdBy: UUID
    var groupName: String?
    var sessionStartsAt: Date?

    init(_ a: ReflectionAction, ownerName: String?, groupName: String?, sessionStartsAt: Date?, now: Date) {
        id = a.id!; sessionId = a.$session.id; agendaItemId = a.$agendaItem.id; title = a.title; ownerId = a.$owner.id; self.ownerName = ownerName
        dueOn = DisplayDate.dayInput(a.dueOn); status = a.doneAt == nil ? "open" : "done"
        overdue = a.doneAt == nil && ReflectionSessionRules.isOverdue(dueOn: a.dueOn, now: now)
        doneAt = a.doneAt; doneBy = a.$doneBy.id; createdAt = a.createdAt; createdBy = a.$createdBy.id
        self.groupName = groupName; self.sessionStartsAt = sessionStartsAt
    }
}

struct ReflectionSessionListItemDTO: Content {
    var id: UUID
    var officeId: UUID
    var groupId: UUID
    var groupName: String
    var startsAt: Date
    var place: String?
    /// planlagt, startet, holdt or avlyst; derived.
    var status: String
    var heldAt: Date?
    var cancelledAt: Date?
    var agendaCount: Int
}

struct ReflectionSessionDTO: Content {
    var id: UUID
    var officeId: UUID
    var groupId: UUID
    var groupName: String
    var startsAt: Date
    var place: String?
    var status: String
    var summary: String?
    var heldAt: Date?
    var cancelledAt: Date?
    var createdAt: Date
    var createdBy: UUID
    /// True when every point is a case presentation: a nudge to add a theme for reflection.
    var onlyCasePoints: Bool
    /// By position.
    var agenda: [ReflectionAgendaItemDTO]
    var attendance: [ReflectionAttendanceDTO]
    var actions: [ReflectionActionDTO]

    init(_ record: ReflectionSessionRecord, now: Date) {
        let s = record.session
        id = record.id; officeId = s.$office.id; groupId = s.$group.id; groupName = record.group.name; startsAt = s.startsAt; place = s.place
        status = record.status(now: now).rawValue; summary = s.summary; heldAt = s.heldAt; cancelledAt = s.cancelledAt
        createdAt = s.createdAt; createdBy = s.$createdBy.id
        onlyCasePoints = ReflectionSessionRules.onlyCases(record.items.map(\.item.kind))
        agenda = record.items.map(ReflectionAgendaItemDTO.init)
        attendance = record.attendance.map {
            ReflectionAttendanceDTO(userId: $0.row.$user.id, displayName: $0.name, attended: $0.row.attended, recordedAt: $0.row.recordedAt, recordedBy: $0.row.$recordedBy.id)
        }
        actions = record.actions.map {
            ReflectionActionDTO($0.action, ownerName: $0.ownerName, groupName: record.group.name, sessionStartsAt: s.startsAt, now: now)
        }
    }
}

/// `/api/v1/reflection-sessions` and `/api/v1/reflection-actions`: as on the pages.
struct ReflectionSessionAPIController {
    struct AgendaInput: Content {
        var kind: String?
        var title: String?
        var casePresentationId: String?
    }

    struct CreateInput: Content {
        var groupId: String?
        var startsAt: String?
        var place: String?
        var agenda: [AgendaInput]?
    }

    struct Patch: Content {
        var startsAt: String?
        var place: String?
        var summary: String?
        var cancelled: Bool?
    }

    struct ItemPatch: Content {
        var title: String?
        var notes: String?
        var themes: [String]?
        var freeTags: [String]?
        var position: Int?
    }

    struct AttendanceInput: Content {
        var attended: [String]?
        var absent: [String]?
    }

    struct ActionInput: Content {
        var title: String?
        var ownerId: String?
        var dueOn: String?
        var agendaItemId: String?
    }

    private func dto(_ req: Request, _ sessionID: UUID) async throws -> ReflectionSessionDTO {
        guard let session = try await ReflectionSession.find(sessionID, on: req.db) else { throw Abort(.notFound) }
        return ReflectionSessionDTO(try await ReflectionSessionRecord.load(session, on: req.db), now: req.now)
    }

    private func unknownFields(_ req: Request, allowed: [String]) throws {
        let body = try req.content.decode([String: AnyJSONValue].self)
        if let unknown = body.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ProblemError.validation([.init(unknown, "rsession.error.unknown_field")])
        }
    }

    /// Sessions of my groups (leaders: the office's), newest start first, at most 500; `from`/`to` (`yyyy-MM-dd`) limit the start day.
    func list(req: Request) async throws -> [ReflectionSessionListItemDTO] {
        let principal = try req.requirePrincipal()
        let officeID = try req.requireOfficeID()
        var issues: [ProblemError.FieldIssue] = []
        var from: Date?, to: Date?
        if let raw = req.query[String.self, at: "from"] {
            from = DisplayDate.parseDay(raw)
            if from == nil { issues.append(.init("from", "rsession.error.day_invalid")) }
        }
        if let raw = req.query[String.self, at: "to"] {
            to = DisplayDate.parseDay(raw).flatMap { RuleDuration.calendar.date(byAdding: .day, value: 1, to: $0) }
            if to == nil { issues.append(.init("to", "rsession.error.day_invalid")) }
        }
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        let groups = try await ReflectionSessionRecord.visibleGroups(principal, officeID: officeID, on: req.db)
        guard !groups.isEmpty else { return [] }
        var query = ReflectionSession.query(on: req.db).filter(\.$office.$id == officeID).filter(\.$group.$id ~~ groups.compactMap(\.id))
        if let from { query = query.filter(\.$startsAt >= from) }
        if let to { query = query.filter(\.$startsAt < to) }
        let sessions = try await query.sort(\.$startsAt, .descending).limit(500).all()
        let ids = sessions.compactMap(\.id)
        let items = ids.isEmpty ? [] : try await ReflectionAgendaItem.query(on: req.db).filter(\.$session.$id ~~ ids).all()
        let counts = Dictionary(grouping: items, by: { $0.$session.id }).mapValues(\.count)
        let names = Dictionary(groups.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        return sessions.map { s in
            ReflectionSessionListItemDTO(
                id: s.id!, officeId: s.$office.id, groupId: s.$group.id, groupName: names[s.$group.id] ?? "", startsAt: s.startsAt, place: s.place,
                status: ReflectionSessionRules.status(startsAt: s.startsAt, heldAt: s.heldAt, cancelledAt: s.cancelledAt, now: req.now).rawValue,
                heldAt: s.heldAt, cancelledAt: s.cancelledAt, agendaCount: counts[s.id!] ?? 0)
        }
    }

    func create(req: Request) async throws -> Response {
        let officeID = try req.requireOfficeID()
        let input = try req.content.decode(CreateInput.self)
        var issues: [ProblemError.FieldIssue] = []
        var valid: ReflectionSessionRules.ValidSession?
        do {
            valid = try ReflectionSessionRules.session(.init(groupID: input.groupId, startsAt: input.startsAt ?? "", place: input.place), now: req.now)
        } catch let problem as ProblemError { issues += problem.fields }
        var points: [ReflectionSessionRules.ValidItem] = []
        for (index, point) in (input.agenda ?? []).enumerated() {
            do {
                points.append(try ReflectionSessionRules.item(.init(kind: point.kind, title: point.title, casePresentationID: point.casePresentationId),
                                                              prefix: "agenda[\(index)]."))
            } catch let problem as ProblemError { issues += problem.fields }
        }
        if points.count > ReflectionSessionRules.maxFirstPoints { issues.append(.init("agenda", "rsession.error.too_many_points", String(ReflectionSessionRules.maxFirstPoints))) }
        guard issues.isEmpty, let valid else { throw ProblemError.validation(issues) }
        _ = try await req.plannableGroup(valid.groupID)
        let session = try await ReflectionSessionService(req: req).create(officeID: officeID, valid, points: points)
        let response = try await dto(req, session.id!).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/reflection-sessions/\(session.id!)")
        return response
    }

    func show(req: Request) async throws -> ReflectionSessionDTO {
        let session = try await req.openReflectionSession()
        return ReflectionSessionDTO(try await ReflectionSessionRecord.load(session, on: req.db), now: req.now)
    }

    /// `startsAt`, `place` (null or empty clears it), `summary`, or `cancelled: true`.
    func update(req: Request) async throws -> ReflectionSessionDTO {
        let session = try await req.openReflectionSession()
        try unknownFields(req, allowed: ["startsAt", "place", "summary", "cancelled"])
        let body = try req.content.decode([String: AnyJSONValue].self)
        let patch = try req.content.decode(Patch.self)
        let service = try ReflectionSessionService(req: req)
        if let cancelled = patch.cancelled {
            guard cancelled else { throw ProblemError.validation([.init("cancelled", "rsession.error.uncancel")]) }
            guard body.count == 1 else { throw ProblemError.validation([.init("cancelled", "rsession.error.cancel_alone")]) }
            try await service.cancel(session.id!)
            return try await dto(req, session.id!)
        }
        guard !body.isEmpty else { throw ProblemError.validation([.init("startsAt", "rsession.error.patch_empty")]) }
        var issues: [ProblemError.FieldIssue] = []
        var change = ReflectionSessionRules.ValidChange()
        do {
            change = try ReflectionSessionRules.change(.init(startsAt: patch.startsAt, place: patch.place), placeGiven: body["place"] != nil, now: req.now)
        } catch let problem as ProblemError { issues += problem.fields }
        if body["startsAt"] != nil, patch.startsAt == nil { issues.append(.init("startsAt", "rsession.error.starts_at_invalid")) }
        var summary: String??
        if body["summary"] != nil {
            do { summary = .some(try ReflectionSessionRules.summary(patch.summary)) } catch let problem as ProblemError { issues += problem.fields }
        }
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        try await service.change(session.id!, change, summary: summary)
        return try await dto(req, session.id!)
    }

    func addItem(req: Request) async throws -> Response {
        let session = try await req.openReflectionSession()
        let input = try req.content.decode(AgendaInput.self)
        let valid = try ReflectionSessionRules.item(.init(kind: input.kind, title: input.title, casePresentationID: input.casePresentationId))
        try await ReflectionSessionService(req: req).addItem(session.id!, valid)
        return try await dto(req, session.id!).encodeResponse(status: .created, for: req)
    }

    /// `title`, `notes` (null or empty clears them), `themes` + `freeTags` (replace the point's themes), `position` (1-based).
    func editItem(req: Request) async throws -> ReflectionSessionDTO {
        let session = try await req.openReflectionSession()
        guard let itemID = req.parameters.get("itemID", as: UUID.self) else { throw Abort(.notFound) }
        try unknownFields(req, allowed: ["title", "notes", "themes", "freeTags", "position"])
        let body = try req.content.decode([String: AnyJSONValue].self)
        let patch = try req.content.decode(ItemPatch.self)
        guard !body.isEmpty else { throw ProblemError.validation([.init("title", "rsession.error.patch_empty")]) }
        let edit = try ReflectionSessionRules.itemEdit(.init(title: patch.title, notes: patch.notes, themes: patch.themes, freeTags: patch.freeTags),
                                                       notesGiven: body["notes"] != nil, titleRequired: body["title"] != nil)
        if body["position"] != nil, (patch.position ?? 0) < 1 {
            throw ProblemError.validation([.init("position", "rsession.error.position")])
        }
        let service = try ReflectionSessionService(req: req)
        _ = try await ReflectionSessionService.item(itemID, of: session.id!, on: req.db)
        try await service.editItem(session.id!, itemID: itemID, edit)
        if let position = patch.position { try await service.moveItem(session.id!, itemID: itemID, to: position - 1) }
        return try await dto(req, session.id!)
    }

    func removeItem(req: Request) async throws -> ReflectionSessionDTO {
        let session = try await req.openReflectionSession()
        guard let itemID = req.parameters.get("itemID", as: UUID.self) else { throw Abort(.notFound) }
        try await ReflectionSessionService(req: req).removeItem(session.id!, itemID: itemID)
        return try await dto(req, session.id!)
    }

    func recordAttendance(req: Request) async throws -> ReflectionSessionDTO {
        let session = try await req.openReflectionSession()
        let input = try req.content.decode(AttendanceInput.self)
        let attendance = try ReflectionSessionRules.attendance(attended: input.attended ?? [], absent: input.absent ?? [])
        try await ReflectionSessionService(req: req).recordAttendance(session.id!, attendance)
        return try await dto(req, session.id!)
    }

    func addAction(req: Request) async throws -> Response {
        let session = try await req.openReflectionSession()
        let input = try req.content.decode(ActionInput.self)
        let valid = try ReflectionSessionRules.action(.init(title: input.title, ownerID: input.ownerId, dueOn: input.dueOn, agendaItemID: input.agendaItemId), now: req.now)
        let action = try await ReflectionSessionService(req: req).addAction(session.id!, valid)
        let owner = try await User.find(action.$owner.id, on: req.db)
        let group = try await ReflectionGroup.find(session.$group.id, on: req.db)
        return try await ReflectionActionDTO(action, ownerName: owner?.displayName, groupName: group?.name, sessionStartsAt: session.startsAt, now: req.now)
            .encodeResponse(status: .created, for: req)
    }

    /// My actions: `status` open (default), done or all.
    func myActions(req: Request) async throws -> [ReflectionActionDTO] {
        let principal = try req.requirePrincipal()
        let officeID = try req.requireOfficeID()
        let status = req.query[String.self, at: "status"] ?? "open"
        guard ["open", "done", "all"].contains(status) else { throw ProblemError.validation([.init("status", "rsession.error.status")]) }
        let actions = try await ReflectionActionQueries.owned(ownerID: principal.userID, officeID: officeID, status: status, on: req.db)
        let groupIDs = Set(actions.map { $0.session.$group.id })
        let groups = groupIDs.isEmpty ? [] : try await ReflectionGroup.query(on: req.db).filter(\.$id ~~ groupIDs).all()
        let names = Dictionary(groups.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        return actions.map {
            ReflectionActionDTO($0, ownerName: principal.displayName, groupName: names[$0.session.$group.id], sessionStartsAt: $0.session.startsAt, now: req.now)
        }
    }

    func markDone(req: Request) async throws -> ReflectionActionDTO {
        let action = try await req.openReflectionAction()
        let principal = try req.requirePrincipal()
        try await ReflectionSessionService(req: req).markDone(action.id!, actorIsLeader: principal.roles.contains(.leder))
        guard let fresh = try await ReflectionAction.query(on: req.db).filter(\.$id == action.id!).with(\.$session).with(\.$owner).first() else { throw Abort(.notFound) }
        let group = try await ReflectionGroup.find(fresh.session.$group.id, on: req.db)
        return ReflectionActionDTO(fresh, ownerName: fresh.owner.displayName, groupName: group?.name, sessionStartsAt: fresh.session.startsAt, now: req.now)
    }
}
