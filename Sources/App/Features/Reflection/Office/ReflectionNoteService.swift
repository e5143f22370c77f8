import Fluent
import Vapor

/// A note with its versions, participants and sign-offs, and the names of the people involved.
struct ReflectionNoteRecord: Sendable {
    var note: ReflectionNote
    /// Oldest first.
    var versions: [ReflectionNoteVersion]
    var participants: [ReflectionNoteParticipant]
    var signoffs: [ReflectionNoteSignoff]
    var names: [UUID: String]

    var current: ReflectionNoteVersion? { versions.first { $0.version == note.currentVersion } }

    func name(_ id: UUID) -> String { names[id] ?? "–" }

    func signoffs(of version: Int) -> [ReflectionNoteSignoff] {
        signoffs.filter { $0.version == version }.sorted { ($0.signedAt, $0.$user.id.uuidString) < ($1.signedAt, $1.$user.id.uuidString) }
    }

    /// Participants by name.
    var participantIDs: [UUID] {
        participants.map(\.$user.id).sorted { (name($0).lowercased(), $0.uuidString) < (name($1).lowercased(), $1.uuidString) }
    }

    static func load(_ note: ReflectionNote, on db: any Database) async throws -> ReflectionNoteRecord {
        let noteID = try note.requireID()
        let versions = try await ReflectionNoteVersion.query(on: db).filter(\.$note.$id == noteID).sort(\.$version).all()
        let participants = try await ReflectionNoteParticipant.query(on: db).filter(\.$note.$id == noteID).all()
        let signoffs = try await ReflectionNoteSignoff.query(on: db).filter(\.$note.$id == noteID).all()
        let ids = Set(versions.map(\.$writtenBy.id) + participants.map(\.$user.id) + signoffs.map(\.$user.id) + [note.$createdBy.id])
        let users = try await User.query(on: db).filter(\.$id ~~ ids).all()
        return ReflectionNoteRecord(note: note, versions: versions, participants: participants, signoffs: signoffs,
                                    names: Dictionary(users.map { ($0.id!, $0.displayName) }, uniquingKeysWith: { a, _ in a }))
    }
}

extension Request {
    /// The note named by `:noteID`, if it belongs to the caller's office. Another office's note is
    /// a 404, audited as denied; an unknown one is a plain 404.
    func openReflectionNote() async throws -> ReflectionNote {
        guard let id = parameters.get("noteID", as: UUID.self), let note = try await ReflectionNote.find(id, on: db) else {
            throw Abort(.notFound)
        }
        try await requireOfficeAccess(note.$office.id, objectType: AuditObjectType.reflectionNote, objectID: id.uuidString)
        return note
    }
}

/// Every change to the office's reflection note, shared by pages and API. Versions are only ever
/// added; each change and its audit entry are written in one transaction with the note's row locked.
struct ReflectionNoteService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    /// A conflict: someone saved since `baseVersion`. Carries what the page needs to show the change.
    struct StaleBase: Error, Sendable {
        var baseVersion: Int
        var currentVersion: Int
    }

    /// Creates the note for a period (one per office and period), optionally with a first text.
    func create(officeID: UUID, _ valid: OfficeLearningRules.ValidNote, body: String? = nil) async throws -> ReflectionNote {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            // The office's row serialises creation, so a parallel one meets the check, not the unique index.
            try await DatabaseDialect(db).lockRow(Office.schema, id: officeID, on: db)
            if try await ReflectionNote.query(on: db).filter(\.$office.$id == officeID).filter(\.$period == valid.period).first() != nil {
                throw ProblemError.validation([.init("period", "olearn.error.period_taken", valid.period)])
            }
            let note = ReflectionNote()
            note.$office.id = officeID
            note.period = valid.period
            note.title = valid.title
            note.currentVersion = 0
            note.createdAt = now
            note.$createdBy.id = actorID
            do {
                try await note.create(on: db)
            } catch where Self.isPeriodTaken(error) {
                // A parallel create won the unique index (SQLite has no row lock): the same answer as the check above.
                throw ProblemError.validation([.init("period", "olearn.error.period_taken", valid.period)])
            }
            try await Self.addParticipant(note, actorID, now: now, on: db)
            audit.record(.reflectionNote(.reflectionNoteCreated, note, detail: "periode \(valid.period)"))
            if let body {
                try await Self.addVersion(note, body: body, summary: nil, actorID: actorID, now: now, on: db)
                audit.record(.reflectionNote(.reflectionNoteVersionSaved, note, detail: "versjon 1"))
            }
            return note
        }
    }

    /// Saves a new version on top of `baseVersion`; refused with `StaleBase` when someone saved in between.
    @discardableResult
    func saveVersion(_ noteID: UUID, _ valid: OfficeLearningRules.ValidVersion) async throws -> Int {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            let note = try await Self.lock(noteID, on: db)
            guard valid.baseVersion == note.currentVersion else {
                throw StaleBase(baseVersion: valid.baseVersion, currentVersion: note.currentVersion)
            }
            let version = try await Self.addVersion(note, body: valid.body, summary: valid.changeSummary, actorID: actorID, now: now, on: db)
            let joined = try await Self.addParticipant(note, actorID, now: now, on: db)
            audit.record(.reflectionNote(.reflectionNoteVersionSaved, note, detail: "versjon \(version)"))
            if joined { audit.record(.reflectionNote(.reflectionNoteParticipantAdded, note, detail: "bruker \(actorID.uuidString)")) }
            return version
        }
    }

    /// The actor signs the current version (only `expectedVersion`, when given: what they read).
    func sign(_ noteID: UUID, expectedVersion: Int?) async throws {
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            let note = try await Self.lock(noteID, on: db)
            if let expectedVersion, expectedVersion != note.currentVersion {
                throw ProblemError(.conflict, key: "olearn.error.sign_stale", args: [String(note.currentVersion)])
            }
            let isParticipant = try await ReflectionNoteParticipant.query(on: db).filter(\.$note.$id == noteID).filter(\.$user.$id == actorID).first() != nil
            let signed = try await ReflectionNoteSignoff.query(on: db).filter(\.$note.$id == noteID).filter(\.$version == note.currentVersion)
                .filter(\.$user.$id == actorID).first() != nil
            try OfficeLearningRules.maySign(currentVersion: note.currentVersion, isParticipant: isParticipant, alreadySigned: signed)
            let signoff = ReflectionNoteSignoff()
            signoff.$note.id = noteID
            signoff.version = note.currentVersion
            signoff.$user.id = actorID
            signoff.signedAt = now
            try await signoff.create(on: db)
            audit.record(.reflectionNote(.reflectionNoteSigned, note, detail: "versjon \(note.currentVersion)"))
        }
    }

    /// Adds a member of the office's staff (active, with an office role) as a participant; adding someone twice changes nothing.
    func addParticipant(_ noteID: UUID, userID: UUID) async throws {
        let now = now
        try await app.write(context: context) { db, audit in
            let note = try await Self.lock(noteID, on: db)
            guard let user = try await User.query(on: db).filter(\.$id == userID).with(\.$roleRows).first(),
                  Self.mayParticipate(user, officeID: note.$office.id) else {
                throw ProblemError.validation([.init("userId", "olearn.error.participant_unknown")])
            }
            if try await Self.addParticipant(note, userID, now: now, on: db) {
                audit.record(.reflectionNote(.reflectionNoteParticipantAdded, note, detail: "bruker \(userID.uuidString)"))
            }
        }
    }

    // MARK: - Pieces

    /// A unique-index violation on insert: on `reflection_notes` only (office, period) is unique, and the
    /// note's references (office, creator) are known to exist, so a constraint failure there is a taken period.
    static func isPeriodTaken(_ error: any Error) -> Bool {
        (error as? any DatabaseError)?.isConstraintFailure == true
    }

    /// Who may be a participant: active office staff of the note's office (leder, veileder or markedskontakt).
    /// Needs `roleRows` loaded.
    static func mayParticipate(_ user: User, officeID: UUID) -> Bool {
        user.$office.id == officeID && user.isActive && !user.roles.isDisjoint(with: Access.officeRoles)
    }

    static func lock(_ noteID: UUID, on db: any Database) async throws -> ReflectionNote {
        try await DatabaseDialect(db).lockRow(ReflectionNote.schema, id: noteID, on: db)
        guard let note = try await ReflectionNote.find(noteID, on: db) else { throw Abort(.notFound) }
        return note
    }

    @discardableResult
    private static func addVersion(_ note: ReflectionNote, body: String, summary: String?, actorID: UUID, now: Date, on db: any Database) async throws -> Int {
        let version = ReflectionNoteVersion()
        version.$note.id = try note.requireID()
        version.version = note.currentVersion + 1
        version.body = body
        version.changeSummary = summary
        version.writtenAt = now
        version.$writtenBy.id = actorID
        try await version.create(on: db)
        note.currentVersion = version.version
        try await note.save(on: db)
        return version.version
    }

    /// True when the user was not yet a participant.
    @discardableResult
    private static func addParticipant(_ note: ReflectionNote, _ userID: UUID, now: Date, on db: any Database) async throws -> Bool {
        let noteID = try note.requireID()
        if try await ReflectionNoteParticipant.query(on: db).filter(\.$note.$id == noteID).filter(\.$user.$id == userID).first() != nil { return false }
        let participant = ReflectionNoteParticipant()
        participant.$note.id = noteID
        participant.$user.id = userID
        participant.addedAt = now
        try await participant.create(on: db)
        return true
    }
}
