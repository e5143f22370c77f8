import Fluent
import Vapor

/// A learning note as someone may see it: with its author's and group's names and its themes.
/// `pathwayID` is filled for the author only; `candidateName` too, and only while the author is
/// still the candidate's responsible counselor (after a handover the old counselor sees a neutral text).
struct LearningNoteRecord: Sendable {
    var note: LearningNote
    var reader: LearningNoteRules.Reader
    var authorName: String
    var groupName: String?
    var themes: [ReflectionTheme]
    var freeTags: [String]
    var pathwayID: UUID?
    var candidateName: String?

    var id: UUID { note.id! }

    /// The notes, in the order given, as `viewerID` may see them.
    static func load(_ notes: [LearningNote], viewerID: UUID, on db: any Database) async throws -> [LearningNoteRecord] {
        let ids = notes.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let tags = try await ReflectionThemeTag.query(on: db).filter(\.$learningNote.$id ~~ ids).all()
        let tagsByNote = Dictionary(grouping: tags, by: { $0.$learningNote.id! })
        let authorIDs = Set(notes.map(\.$author.id))
        let authors = Dictionary(try await User.query(on: db).filter(\.$id ~~ authorIDs).all().map { ($0.id!, $0.displayName) }, uniquingKeysWith: { a, _ in a })
        let groupIDs = Set(notes.compactMap(\.$group.id))
        let groups = groupIDs.isEmpty ? [:] : Dictionary(
            try await ReflectionGroup.query(on: db).filter(\.$id ~~ groupIDs).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        // The candidate's name only for the author's own notes, and only while the author is the
        // candidate's responsible counselor: a handover takes the name away from the old one.
        let ownPathways = Set(notes.filter { $0.$author.id == viewerID }.compactMap(\.$pathway.id))
        let candidates = ownPathways.isEmpty ? [:] : Dictionary(
            try await Pathway.query(on: db).filter(\.$id ~~ ownPathways).with(\.$candidate).all()
                .filter { $0.candidate.$counselor.id == viewerID }
                .map { ($0.id!, "\($0.candidate.firstName) \($0.candidate.lastName)") }, uniquingKeysWith: { a, _ in a })
        return notes.map { note in
            let own = note.$author.id == viewerID
            let noteTags = tagsByNote[note.id!] ?? []
            let catalogue = Set(noteTags.filter { !$0.isFree }.compactMap { ReflectionTheme(rawValue: $0.theme) })
            return LearningNoteRecord(
                note: note, reader: own ? .author : .groupMember, authorName: authors[note.$author.id] ?? "",
                groupName: note.$group.id.flatMap { groups[$0] },
                themes: ReflectionTheme.allCases.filter(catalogue.contains),
                freeTags: noteTags.filter(\.isFree).map(\.theme).sorted(),
                pathwayID: own ? note.$pathway.id : nil,
                candidateName: own ? note.$pathway.id.flatMap { candidates[$0] } : nil
            )
        }
    }

    /// The author's own notes in the office, newest first.
    static func mine(_ userID: UUID, officeID: UUID, limit: Int = 500, on db: any Database) async throws -> [LearningNoteRecord] {
        let notes = try await LearningNote.query(on: db).filter(\.$author.$id == userID).filter(\.$office.$id == officeID).filter(\.$deletedAt == nil)
            .sort(\.$createdAt, .descending).limit(limit).all()
        return try await load(notes, viewerID: userID, on: db)
    }

    /// Notes shared with the groups `userID` is an active member of, newest shared first;
    /// optionally one group only, or only those shared since `since`.
    static func shared(with userID: UUID, officeID: UUID, group: UUID? = nil, since: Date? = nil, limit: Int = 500, on db: any Database) async throws -> [LearningNoteRecord] {
        var groupIDs = try await LearningLogService.activeGroupIDs(of: userID, on: db)
        if let group { groupIDs = groupIDs.intersection([group]) }
        guard !groupIDs.isEmpty else { return [] }
        var query = LearningNote.query(on: db).filter(\.$group.$id ~~ groupIDs).filter(\.$office.$id == officeID).filter(\.$deletedAt == nil)
        if let since { query = query.filter(\.$sharedAt >= since) }
        let notes = try await query.sort(\.$sharedAt, .descending).sort(\.$createdAt, .descending).limit(limit).all()
        return try await load(notes, viewerID: userID, on: db)
    }
}

extension Request {
    /// The request's language for texts written outside it (the sharing check's problems).
    var learningTranslator: @Sendable (String, [String]) -> String {
        let (strings, locale) = (samskap.strings, locale)
        return { key, args in strings.text(key, locale: locale, args: args) }
    }

    /// The note named by `:noteID`, if this person may read it: its author, or an active member of
    /// the group it is shared with. Anyone else — a colleague, a leader, another office — gets a
    /// 404, audited as denied; an unknown or deleted note is a plain 404.
    func openLearningNote() async throws -> LearningNoteRecord {
        let principal = try requirePrincipal()
        guard let id = parameters.get("noteID", as: UUID.self), let note = try await LearningNote.find(id, on: db), note.deletedAt == nil else {
            throw Abort(.notFound)
        }
        let groups = try await LearningLogService.activeGroupIDs(of: principal.userID, on: db)
        guard LearningNoteRules.reader(authorID: note.$author.id, noteOfficeID: note.$office.id, groupID: note.$group.id, deleted: false,
                                       viewerID: principal.userID, viewerOfficeID: principal.officeID, viewerGroupIDs: groups) != nil else {
            let why = note.$office.id != principal.officeID ? "annet kontor" : (note.$group.id == nil ? "privat notat" : "ikke medlem av gruppen")
            try await audit(.learningNote(.learningNoteReadDenied, note, detail: why, outcome: .denied))
            throw Abort(.notFound)
        }
        return try await LearningNoteRecord.load([note], viewerID: principal.userID, on: db)[0]
    }

    /// The note for a change: only its author may change it. A reader who is not the author is
    /// refused like anyone else (404, audited).
    func openOwnLearningNote() async throws -> LearningNoteRecord {
        let record = try await openLearningNote()
        guard record.reader == .author else {
            try await audit(.learningNote(.learningNoteReadDenied, record.note, detail: "ikke forfatter", outcome: .denied))
            throw Abort(.notFound)
        }
        return record
    }

    /// The group named by `:groupID`, if it belongs to the caller's office (else 404, audited).
    func openReflectionGroup() async throws -> ReflectionGroup {
        guard let id = parameters.get("groupID", as: UUID.self), let group = try await ReflectionGroup.find(id, on: db) else {
            throw Abort(.notFound)
        }
        try await requireOfficeAccess(group.$office.id, objectType: AuditObjectType.reflectionGroup, objectID: id.uuidString)
        return group
    }
}

/// A group with its active members' names, as the office sees it.
struct ReflectionGroupRecord: Sendable {
    struct Member: Sendable {
        var userID: UUID
        var name: String
        var addedAt: Date
    }

    var group: ReflectionGroup
    /// Active members, by name.
    var members: [Member]

    var id: UUID { group.id! }

    func isMember(_ userID: UUID) -> Bool { members.contains { $0.userID == userID } }

    static func load(_ groups: [ReflectionGroup], on db: any Database) async throws -> [ReflectionGroupRecord] {
        let ids = groups.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let rows = try await ReflectionGroupMember.query(on: db).filter(\.$group.$id ~~ ids).filter(\.$removedAt == nil).with(\.$user).all()
        let byGroup = Dictionary(grouping: rows, by: { $0.$group.id })
        return groups.map { group in
            let members = (byGroup[group.id!] ?? []).map { Member(userID: $0.$user.id, name: $0.user.displayName, addedAt: $0.addedAt) }
                .sorted { ($0.name.lowercased(), $0.userID.uuidString) < ($1.name.lowercased(), $1.userID.uuidString) }
            return ReflectionGroupRecord(group: group, members: members)
        }
    }

    static func load(_ group: ReflectionGroup, on db: any Database) async throws -> ReflectionGroupRecord {
        try await load([group], on: db)[0]
    }

    /// The office's groups: the viewer's own first, then the others, archived last; by name.
    static func office(_ officeID: UUID, viewerID: UUID, on db: any Database) async throws -> [ReflectionGroupRecord] {
        let groups = try await ReflectionGroup.query(on: db).filter(\.$office.$id == officeID).limit(500).all()
        return try await load(groups, on: db).sorted { a, b in
            let ka = (a.group.archivedAt == nil ? 0 : 1, a.isMember(viewerID) ? 0 : 1, a.group.name.lowercased(), a.id.uuidString)
            let kb = (b.group.archivedAt == nil ? 0 : 1, b.isMember(viewerID) ? 0 : 1, b.group.name.lowercased(), b.id.uuidString)
            return ka < kb
        }
    }
}
