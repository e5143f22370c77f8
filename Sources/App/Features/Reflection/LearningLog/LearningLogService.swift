import Fluent
import Vapor

extension AuditAction {
    static let learningNoteCreated: AuditAction = "learning_note.created"
    static let learningNoteUpdated: AuditAction = "learning_note.updated"
    static let learningNoteShared: AuditAction = "learning_note.shared"
    static let learningNoteUnshared: AuditAction = "learning_note.unshared"
    static let learningNoteDeleted: AuditAction = "learning_note.deleted"
    static let learningNoteReadDenied: AuditAction = "learning_note.read_denied"
    static let reflectionGroupCreated: AuditAction = "reflection_group.created"
    static let reflectionGroupUpdated: AuditAction = "reflection_group.updated"
    static let reflectionGroupMembersChanged: AuditAction = "reflection_group.members_changed"
    static let reflectionGroupArchived: AuditAction = "reflection_group.archived"
}

extension AuditObjectType {
    static let learningNote = "learning_note"
    static let reflectionGroup = "reflection_group"
}

extension AuditEvent {
    /// Learning note entries name the note; details hold ids and counts, never its text.
    static func learningNote(_ action: AuditAction, _ note: LearningNote, detail: String? = nil, outcome: Outcome = .allowed) -> AuditEvent {
        AuditEvent(action, objectType: AuditObjectType.learningNote, objectID: note.id?.uuidString, officeID: note.$office.id, outcome: outcome, detail: detail)
    }

    static func reflectionGroup(_ action: AuditAction, _ group: ReflectionGroup, detail: String? = nil) -> AuditEvent {
        AuditEvent(action, objectType: AuditObjectType.reflectionGroup, objectID: group.id?.uuidString, officeID: group.$office.id, detail: detail)
    }
}

/// Every change to learning notes and reflection groups, shared by pages and API. Each change
/// and its audit entry are written in one transaction, with the note's or group's row locked.
struct LearningLogService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    // MARK: - Notes

    func createNote(officeID: UUID, _ valid: LearningNoteRules.ValidNote) async throws -> LearningNote {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            if let pathwayID = valid.pathwayID { try await Self.requireOwnPathway(pathwayID, authorID: actorID, officeID: officeID, keeping: nil, on: db) }
            let note = LearningNote()
            note.$office.id = officeID
            note.$author.id = actorID
            note.$pathway.id = valid.pathwayID
            note.done = valid.done
            note.learned = valid.learned
            note.worthKeeping = valid.worthKeeping
            note.createdAt = now
            note.updatedAt = now
            try await note.create(on: db)
            try await Self.replaceThemes(of: note, valid, on: db)
            audit.record(.learningNote(.learningNoteCreated, note, detail: Self.themeDetail(valid)))
            return note
        }
    }

    /// Changes the author's own note. A shared note is checked again, as when it was shared: its
    /// texts and free tags against the people of the pathway it is linked to — and of the one it
    /// was linked to, when this change drops or moves the link — and the author's candidates' names.
    /// `t` words the problems in the caller's language.
    func updateNote(_ noteID: UUID, _ valid: LearningNoteRules.ValidNote, t: @escaping @Sendable (String, [String]) -> String) async throws {
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            let note = try await Self.lockOwnNote(noteID, authorID: actorID, on: db)
            if let pathwayID = valid.pathwayID {
                try await Self.requireOwnPathway(pathwayID, authorID: actorID, officeID: note.$office.id, keeping: note.$pathway.id, on: db)
            }
            if note.$group.id != nil {
                let checks = try await Self.shareChecks(pathways: [note.$pathway.id, valid.pathwayID], authorID: actorID, on: db)
                let texts = LearningNoteRules.sharedTexts(done: valid.done, learned: valid.learned, worthKeeping: valid.worthKeeping, freeTags: valid.freeTags)
                let issues = LearningNoteRules.shareIssues(LearningNoteRules.shareFindings(texts, checks: checks), t: t)
                if !issues.isEmpty { throw ProblemError.validation(issues) }
            }
            note.$pathway.id = valid.pathwayID
            note.done = valid.done
            note.learned = valid.learned
            note.worthKeeping = valid.worthKeeping
            note.updatedAt = now
            try await note.save(on: db)
            try await Self.replaceThemes(of: note, valid, on: db)
            audit.record(.learningNote(.learningNoteUpdated, note, detail: Self.themeDetail(valid)))
        }
    }

    /// Shares the note with one group the author is an active member of (nil: private again).
    /// Refused while a text or the free tags hold a national ID number, an e-mail address, a phone
    /// or organisation number, a name from the linked pathway (candidate, mentors, employers,
    /// contact persons), or the name of any of the author's own candidates.
    func share(_ noteID: UUID, groupID: UUID?, t: @escaping @Sendable (String, [String]) -> String) async throws {
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            let note = try await Self.lockOwnNote(noteID, authorID: actorID, on: db)
            guard let groupID else {
                guard note.$group.id != nil else { return }
                let was = note.$group.id
                note.$group.id = nil
                note.sharedAt = nil
                try await note.save(on: db)
                audit.record(.learningNote(.learningNoteUnshared, note, detail: was.map { "gruppe \($0.uuidString)" }))
                return
            }
            guard let group = try await ReflectionGroup.find(groupID, on: db), group.$office.id == note.$office.id,
                  try await Self.isActiveMember(actorID, of: groupID, on: db) else {
                throw ProblemError.validation([.init("groupID", "learning.error.not_member")])
            }
            if group.archivedAt != nil { throw ProblemError.validation([.init("groupID", "learning.error.group_archived")]) }
            let checks = try await Self.shareChecks(pathways: [note.$pathway.id], authorID: actorID, on: db)
            let freeTags = try await ReflectionThemeTag.query(on: db).filter(\.$learningNote.$id == noteID).filter(\.$isFree == true).all().map(\.theme).sorted()
            let texts = LearningNoteRules.sharedTexts(done: note.done, learned: note.learned, worthKeeping: note.worthKeeping, freeTags: freeTags)
            let issues = LearningNoteRules.shareIssues(LearningNoteRules.shareFindings(texts, checks: checks), t: t)
            if !issues.isEmpty { throw ProblemError.validation(issues) }
            if note.$group.id == groupID { return }
            note.$group.id = groupID
            note.sharedAt = now
            try await note.save(on: db)
            audit.record(.learningNote(.learningNoteShared, note, detail: "gruppe \(groupID.uuidString)"))
        }
    }

    /// Soft delete: the note is gone everywhere, its themes too.
    func deleteNote(_ noteID: UUID) async throws {
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            let note = try await Self.lockOwnNote(noteID, authorID: actorID, on: db)
            note.deletedAt = now
            note.updatedAt = now
            try await note.save(on: db)
            try await ReflectionThemeTag.query(on: db).filter(\.$learningNote.$id == noteID).delete()
            audit.record(.learningNote(.learningNoteDeleted, note))
        }
    }

    // MARK: - Groups

    /// A new group in the office; the creator is always a member.
    func createGroup(officeID: UUID, _ valid: ReflectionGroupRules.ValidGroup, memberIDs: [UUID]) async throws -> ReflectionGroup {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            let group = ReflectionGroup()
            group.$office.id = officeID
            group.name = valid.name
            group.kind = valid.kind
            group.rhythmWeeks = valid.rhythmWeeks
            group.groupDescription = valid.description
            group.createdAt = now
            group.$createdBy.id = actorID
            try await group.create(on: db)
            var members = memberIDs
            if !members.contains(actorID) { members.insert(actorID, at: 0) }
            let (added, _) = try await Self.setMembers(group, members, actorID: actorID, now: now, on: db)
            audit.record(.reflectionGroup(.reflectionGroupCreated, group, detail: "\(valid.kind.rawValue), \(added.count) medlemmer"))
            return group
        }
    }

    /// Changes name, kind, rhythm and description, and, when given, the members (as `replaceMembers`).
    func updateGroup(_ groupID: UUID, _ valid: ReflectionGroupRules.ValidGroup, members: [UUID]? = nil, isLeader: Bool) async throws {
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            let group = try await Self.lockManagedGroup(groupID, actorID: actorID, isLeader: isLeader, on: db)
            group.name = valid.name
            group.kind = valid.kind
            group.rhythmWeeks = valid.rhythmWeeks
            group.groupDescription = valid.description
            try await group.save(on: db)
            audit.record(.reflectionGroup(.reflectionGroupUpdated, group, detail: valid.kind.rawValue))
            if let members {
                let (added, removed) = try await Self.setMembers(group, members, actorID: actorID, now: now, on: db)
                if let detail = Self.membersDetail(added: added, removed: removed) {
                    audit.record(.reflectionGroup(.reflectionGroupMembersChanged, group, detail: detail))
                }
            }
        }
    }

    /// The group's members become exactly `userIDs`: the others are removed (kept with
    /// `removed_at`), someone added again gets their row back.
    func replaceMembers(_ groupID: UUID, userIDs: [UUID], isLeader: Bool) async throws {
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            let group = try await Self.lockManagedGroup(groupID, actorID: actorID, isLeader: isLeader, on: db)
            let (added, removed) = try await Self.setMembers(group, userIDs, actorID: actorID, now: now, on: db)
            if let detail = Self.membersDetail(added: added, removed: removed) {
                audit.record(.reflectionGroup(.reflectionGroupMembersChanged, group, detail: detail))
            }
        }
    }

    func archiveGroup(_ groupID: UUID, isLeader: Bool) async throws {
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            let group = try await Self.lockManagedGroup(groupID, actorID: actorID, isLeader: isLeader, on: db)
            group.archivedAt = now
            try await group.save(on: db)
            audit.record(.reflectionGroup(.reflectionGroupArchived, group))
        }
    }

    // MARK: - Pieces

    /// The author's own note, not deleted; anything else is not there.
    static func lockOwnNote(_ noteID: UUID, authorID: UUID, on db: any Database) async throws -> LearningNote {
        try await DatabaseDialect(db).lockRow(LearningNote.schema, id: noteID, on: db)
        guard let note = try await LearningNote.find(noteID, on: db), note.$author.id == authorID, note.deletedAt == nil else { throw Abort(.notFound) }
        return note
    }

    static func lockManagedGroup(_ groupID: UUID, actorID: UUID, isLeader: Bool, on db: any Database) async throws -> ReflectionGroup {
        try await DatabaseDialect(db).lockRow(ReflectionGroup.schema, id: groupID, on: db)
        guard let group = try await ReflectionGroup.find(groupID, on: db) else { throw Abort(.notFound) }
        let member = try await isActiveMember(actorID, of: groupID, on: db)
        guard ReflectionGroupRules.mayManage(isActiveMember: member, isLeader: isLeader) else {
            throw ProblemError(.forbidden, key: "learning.error.may_not_manage")
        }
        if group.archivedAt != nil { throw ProblemError(.conflict, key: "learning.error.group_archived") }
        return group
    }

    static func isActiveMember(_ userID: UUID, of groupID: UUID, on db: any Database) async throws -> Bool {
        try await ReflectionGroupMember.query(on: db).filter(\.$group.$id == groupID).filter(\.$user.$id == userID)
            .filter(\.$removedAt == nil).count() > 0
    }

    /// The groups the user is an active member of (archived ones too: their notes stay readable).
    static func activeGroupIDs(of userID: UUID, on db: any Database) async throws -> Set<UUID> {
        Set(try await ReflectionGroupMember.query(on: db).filter(\.$user.$id == userID).filter(\.$removedAt == nil).all().map(\.$group.id))
    }

    /// A pathway the author may link: their own, in their office, not closed — or the one the note already has.
    static func requireOwnPathway(_ pathwayID: UUID, authorID: UUID, officeID: UUID, keeping current: UUID?, on db: any Database) async throws {
        if pathwayID == current { return }
        guard let pathway = try await Pathway.find(pathwayID, on: db), pathway.$counselor.id == authorID, pathway.$office.id == officeID,
              pathway.status != .closed else {
            throw ProblemError.validation([.init("pathwayID", "learning.error.pathway_unknown")])
        }
    }

    /// The author's pathways that may be linked, with the candidate's name, by name.
    static func linkablePathways(authorID: UUID, officeID: UUID, on db: any Database) async throws -> [(id: UUID, name: String)] {
        try await Pathway.query(on: db).filter(\.$counselor.$id == authorID).filter(\.$office.$id == officeID)
            .filter(\.$status != .closed).with(\.$candidate).all()
            .map { ($0.id!, "\($0.candidate.firstName) \($0.candidate.lastName)") }
            .sorted { ($0.name.lowercased(), $0.id.uuidString) < ($1.name.lowercased(), $1.id.uuidString) }
    }

    /// The checks a note must pass before a group reads it: everyone the given pathways name (the
    /// candidate, mentors, employers, contact persons, with their numbers and addresses), the first
    /// and last names of every candidate the author is responsible for (one query), and the
    /// patterns each check has. A linked note and an unlinked one alike.
    static func shareChecks(pathways: [UUID?], authorID: UUID, on db: any Database) async throws -> [Pseudonymiser] {
        var checks: [Pseudonymiser] = []
        var seen = Set<UUID>()
        for pathwayID in pathways.compactMap({ $0 }) where seen.insert(pathwayID).inserted {
            if let ids = try await Pseudonymiser.Identifiers.load(pathwayID: pathwayID, on: db) { checks.append(Pseudonymiser(ids)) }
        }
        let candidates = try await Candidate.query(on: db).filter(\.$counselor.$id == authorID)
            .field(\.$id).field(\.$firstName).field(\.$lastName).all()
        for candidate in candidates {
            var ids = Pseudonymiser.Identifiers()
            ids.candidateFirstName = candidate.firstName
            ids.candidateLastName = candidate.lastName
            checks.append(Pseudonymiser(ids))
        }
        return checks.isEmpty ? [.patternsOnly] : checks
    }

    /// The note's themes become those given, tagged on the note's day.
    static func replaceThemes(of note: LearningNote, _ valid: LearningNoteRules.ValidNote, on db: any Database) async throws {
        let noteID = try note.requireID()
        try await ReflectionThemeTag.query(on: db).filter(\.$learningNote.$id == noteID).delete()
        let day = RuleDuration.calendar.startOfDay(for: note.createdAt)
        let rows = valid.themes.map { ($0.rawValue, false) } + valid.freeTags.map { ($0, true) }
        for (theme, isFree) in rows {
            let tag = ReflectionThemeTag()
            tag.$office.id = note.$office.id
            tag.$learningNote.id = noteID
            tag.theme = theme
            tag.isFree = isFree
            tag.taggedOn = day
            try await tag.create(on: db)
        }
    }

    private static func membersDetail(added: [UUID], removed: [UUID]) -> String? {
        guard !added.isEmpty || !removed.isEmpty else { return nil }
        var parts: [String] = []
        if !added.isEmpty { parts.append("lagt til: " + added.map(\.uuidString).joined(separator: ", ")) }
        if !removed.isEmpty { parts.append("fjernet: " + removed.map(\.uuidString).joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }

    private static func themeDetail(_ valid: LearningNoteRules.ValidNote) -> String {
        "temaer: \(valid.themes.count), egne stikkord: \(valid.freeTags.count), forløp: \(valid.pathwayID == nil ? "nei" : "ja")"
    }

    /// Staff who may be members: active, in the office, with an office role.
    static func possibleMembers(officeID: UUID, on db: any Database) async throws -> [User] {
        try await User.query(on: db).filter(\.$office.$id == officeID).filter(\.$isActive == true).with(\.$roleRows).all()
            .filter { $0.roles.contains(where: Access.officeRoles.contains) }
            .sorted { ($0.displayName.lowercased(), $0.id!.uuidString) < ($1.displayName.lowercased(), $1.id!.uuidString) }
    }

    /// Makes the active members exactly `userIDs`; returns who was added and who removed.
    private static func setMembers(_ group: ReflectionGroup, _ userIDs: [UUID], actorID: UUID, now: Date, on db: any Database) async throws -> (added: [UUID], removed: [UUID]) {
        let groupID = try group.requireID()
        let allowed = Set(try await possibleMembers(officeID: group.$office.id, on: db).map { $0.id! })
        let wanted = Set(userIDs)
        guard wanted.isSubset(of: allowed) else { throw ProblemError.validation([.init("userIDs", "learning.error.member_unknown")]) }
        guard !wanted.isEmpty else { throw ProblemError.validation([.init("userIDs", "learning.error.members_required")]) }
        let rows = try await ReflectionGroupMember.query(on: db).filter(\.$group.$id == groupID).all()
        let byUser = Dictionary(rows.map { ($0.$user.id, $0) }, uniquingKeysWith: { a, _ in a })
        var added: [UUID] = [], removed: [UUID] = []
        for userID in userIDs where !added.contains(userID) {
            if let row = byUser[userID] {
                guard row.removedAt != nil else { continue }
                row.removedAt = nil
                row.addedAt = now
                row.$addedBy.id = actorID
                try await row.save(on: db)
            } else {
                let row = ReflectionGroupMember()
                row.$group.id = groupID
                row.$user.id = userID
                row.addedAt = now
                row.$addedBy.id = actorID
                try await row.create(on: db)
            }
            added.append(userID)
        }
        for row in rows.sorted(by: { $0.$user.id.uuidString < $1.$user.id.uuidString }) where row.removedAt == nil && !wanted.contains(row.$user.id) {
            row.removedAt = now
            try await row.save(on: db)
            removed.append(row.$user.id)
        }
        return (added, removed)
    }
}
