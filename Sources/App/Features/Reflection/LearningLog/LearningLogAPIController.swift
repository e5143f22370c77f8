import Fluent
import Vapor

struct LearningNoteDTO: Content {
    var id: UUID
    var authorId: UUID
    var authorName: String
    var done: String
    var learned: String
    var worthKeeping: String
    /// `ReflectionTheme` keys, in the catalogue's order.
    var themes: [String]
    var freeTags: [String]
    /// Absent while the note is private.
    var groupId: UUID?
    var groupName: String?
    var sharedAt: Date?
    /// The author's own link to a pathway; absent for everyone else.
    var pathwayId: UUID?
    var createdAt: Date
    var updatedAt: Date

    init(_ record: LearningNoteRecord) {
        let n = record.note
        id = record.id; authorId = n.$author.id; authorName = record.authorName
        done = n.done; learned = n.learned; worthKeeping = n.worthKeeping
        themes = record.themes.map(\.rawValue); freeTags = record.freeTags
        groupId = n.$group.id; groupName = record.groupName; sharedAt = n.sharedAt
        pathwayId = record.reader == .author ? record.pathwayID : nil
        createdAt = n.createdAt; updatedAt = n.updatedAt
    }
}

struct ReflectionGroupMemberDTO: Content {
    var userId: UUID
    var name: String
    var addedAt: Date
}

struct ReflectionGroupDTO: Content {
    var id: UUID
    var officeId: UUID
    var name: String
    /// alle_hybridveiledere, sakdrofting, teamveiledning or annen.
    var kind: String
    var rhythmWeeks: Int?
    var description: String?
    var createdAt: Date
    var createdBy: UUID
    var archivedAt: Date?
    /// Active members, by name.
    var members: [ReflectionGroupMemberDTO]

    init(_ record: ReflectionGroupRecord) {
        let g = record.group
        id = record.id; officeId = g.$office.id; name = g.name; kind = g.kind.rawValue; rhythmWeeks = g.rhythmWeeks
        description = g.groupDescription; createdAt = g.createdAt; createdBy = g.$createdBy.id; archivedAt = g.archivedAt
        members = record.members.map { .init(userId: $0.userID, name: $0.name, addedAt: $0.addedAt) }
    }
}

/// `/api/v1/learning-notes` and `/api/v1/reflection-groups`, as on the pages.
struct LearningLogAPIController {
    struct NoteInput: Content {
        var done: String?
        var learned: String?
        var worthKeeping: String?
        var themes: [String]?
        var freeTags: [String]?
        var pathwayID: String?
    }

    struct ShareInput: Content {
        var groupID: String?
    }

    struct GroupInput: Content {
        var name: String?
        var kind: String?
        var rhythmWeeks: Int?
        var description: String?
        var userIDs: [String]?
    }

    struct MembersInput: Content {
        var userIDs: [String]?
    }

    private func noteDTO(_ req: Request, _ noteID: UUID) async throws -> LearningNoteDTO {
        let userID = try req.requirePrincipal().userID
        guard let note = try await LearningNote.find(noteID, on: req.db), note.deletedAt == nil else { throw Abort(.notFound) }
        return LearningNoteDTO(try await LearningNoteRecord.load([note], viewerID: userID, on: req.db)[0])
    }

    /// `?scope=mine` (default): my notes, newest first; `?scope=shared`: notes shared with my groups.
    func listNotes(req: Request) async throws -> [LearningNoteDTO] {
        let userID = try req.requirePrincipal().userID
        let officeID = try req.requireOfficeID()
        switch (try? req.query.get(String.self, at: "scope")) ?? "mine" {
        case "mine": return try await LearningNoteRecord.mine(userID, officeID: officeID, on: req.db).map(LearningNoteDTO.init)
        case "shared": return try await LearningNoteRecord.shared(with: userID, officeID: officeID, on: req.db).map(LearningNoteDTO.init)
        default: throw ProblemError.validation([.init("scope", "learning.error.scope")])
        }
    }

    func createNote(req: Request) async throws -> Response {
        let officeID = try req.requireOfficeID()
        let input = try req.content.decode(NoteInput.self)
        let valid = try LearningNoteRules.note(.init(done: input.done, learned: input.learned, worthKeeping: input.worthKeeping,
                                                     themes: input.themes ?? [], freeTags: input.freeTags ?? [], pathwayID: input.pathwayID))
        let note = try await LearningLogService(req: req).createNote(officeID: officeID, valid)
        let response = try await noteDTO(req, note.id!).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/learning-notes/\(note.id!)")
        return response
    }

    func showNote(req: Request) async throws -> LearningNoteDTO {
        LearningNoteDTO(try await req.openLearningNote())
    }

    /// Any of the fields; those left out keep what they had (`pathwayID: null` removes the link).
    func updateNote(req: Request) async throws -> LearningNoteDTO {
        let record = try await req.openOwnLearningNote()
        let body = try req.content.decode([String: AnyJSONValue].self)
        let known = ["done", "learned", "worthKeeping", "themes", "freeTags", "pathwayID"]
        if let unknown = body.keys.sorted().first(where: { !known.contains($0) }) {
            throw ProblemError.validation([.init(unknown, "learning.error.unknown_field")])
        }
        let input = try req.content.decode(NoteInput.self)
        let n = record.note
        let valid = try LearningNoteRules.note(.init(
            done: body["done"] == nil ? n.done : input.done,
            learned: body["learned"] == nil ? n.learned : input.learned,
            worthKeeping: body["worthKeeping"] == nil ? n.worthKeeping : input.worthKeeping,
            themes: body["themes"] == nil ? record.themes.map(\.rawValue) : (input.themes ?? []),
            freeTags: body["freeTags"] == nil ? record.freeTags : (input.freeTags ?? []),
            pathwayID: body["pathwayID"] == nil ? record.pathwayID?.uuidString : input.pathwayID
        ))
        try await LearningLogService(req: req).updateNote(record.id, valid, t: req.learningTranslator)
        return try await noteDTO(req, record.id)
    }

    func deleteNote(req: Request) async throws -> HTTPStatus {
        let record = try await req.openOwnLearningNote()
        try await LearningLogService(req: req).deleteNote(record.id)
        return .noContent
    }

    /// `{"groupID": uuid}` shares with that group; `{"groupID": null}` makes the note private again.
    func shareNote(req: Request) async throws -> LearningNoteDTO {
        let record = try await req.openOwnLearningNote()
        let input = try req.content.decode(ShareInput.self)
        var groupID: UUID?
        if let raw = input.groupID {
            guard let id = UUID(uuidString: raw.trimmingCharacters(in: .whitespaces)) else {
                throw ProblemError.validation([.init("groupID", "learning.error.not_member")])
            }
            groupID = id
        }
        try await LearningLogService(req: req).share(record.id, groupID: groupID, t: req.learningTranslator)
        return try await noteDTO(req, record.id)
    }

    // MARK: - Groups

    private func groupDTO(_ req: Request, _ groupID: UUID) async throws -> ReflectionGroupDTO {
        guard let group = try await ReflectionGroup.find(groupID, on: req.db) else { throw Abort(.notFound) }
        return ReflectionGroupDTO(try await ReflectionGroupRecord.load(group, on: req.db))
    }

    /// The office's groups: mine first, archived last.
    func listGroups(req: Request) async throws -> [ReflectionGroupDTO] {
        let principal = try req.requirePrincipal()
        return try await ReflectionGroupRecord.office(try req.requireOfficeID(), viewerID: principal.userID, on: req.db).map(ReflectionGroupDTO.init)
    }

    func createGroup(req: Request) async throws -> Response {
        let officeID = try req.requireOfficeID()
        let input = try req.content.decode(GroupInput.self)
        var issues: [ProblemError.FieldIssue] = []
        var valid: ReflectionGroupRules.ValidGroup?
        do {
            valid = try ReflectionGroupRules.group(.init(name: input.name, kind: input.kind, rhythmWeeks: input.rhythmWeeks.map(String.init), description: input.description))
        } catch let problem as ProblemError { issues += problem.fields }
        var members: [UUID] = []
        if let raw = input.userIDs, !raw.isEmpty {
            do { members = try ReflectionGroupRules.memberIDs(raw) } catch let problem as ProblemError { issues += problem.fields }
        }
        guard issues.isEmpty, let valid else { throw ProblemError.validation(issues) }
        let group = try await LearningLogService(req: req).createGroup(officeID: officeID, valid, memberIDs: members)
        let response = try await groupDTO(req, group.id!).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/reflection-groups/\(group.id!)")
        return response
    }

    func showGroup(req: Request) async throws -> ReflectionGroupDTO {
        ReflectionGroupDTO(try await ReflectionGroupRecord.load(try await req.openReflectionGroup(), on: req.db))
    }

    /// name, kind, rhythmWeeks (null: no fixed rhythm), description, or `archived: true`.
    func updateGroup(req: Request) async throws -> ReflectionGroupDTO {
        let group = try await req.openReflectionGroup()
        let isLeader = try req.requirePrincipal().roles.contains(.leder)
        let body = try req.content.decode([String: AnyJSONValue].self)
        let known = ["name", "kind", "rhythmWeeks", "description", "archived"]
        if let unknown = body.keys.sorted().first(where: { !known.contains($0) }) {
            throw ProblemError.validation([.init(unknown, "learning.error.unknown_field")])
        }
        let service = try LearningLogService(req: req)
        if case .bool(let archived)? = body["archived"] {
            guard archived, body.count == 1 else { throw ProblemError.validation([.init("archived", "learning.error.archive_alone")]) }
            try await service.archiveGroup(group.id!, isLeader: isLeader)
            return try await groupDTO(req, group.id!)
        }
        let input = try req.content.decode(GroupInput.self)
        let valid = try ReflectionGroupRules.group(.init(
            name: body["name"] == nil ? group.name : input.name,
            kind: body["kind"] == nil ? group.kind.rawValue : input.kind,
            rhythmWeeks: body["rhythmWeeks"] == nil ? group.rhythmWeeks.map(String.init) : input.rhythmWeeks.map(String.init),
            description: body["description"] == nil ? group.groupDescription : input.description
        ))
        try await service.updateGroup(group.id!, valid, isLeader: isLeader)
        return try await groupDTO(req, group.id!)
    }

    /// `{"userIDs": [...]}`: the group's members become exactly these.
    func replaceMembers(req: Request) async throws -> ReflectionGroupDTO {
        let group = try await req.openReflectionGroup()
        let isLeader = try req.requirePrincipal().roles.contains(.leder)
        let input = try req.content.decode(MembersInput.self)
        let ids = try ReflectionGroupRules.memberIDs(input.userIDs ?? [])
        try await LearningLogService(req: req).replaceMembers(group.id!, userIDs: ids, isLeader: isLeader)
        return try await groupDTO(req, group.id!)
    }
}
