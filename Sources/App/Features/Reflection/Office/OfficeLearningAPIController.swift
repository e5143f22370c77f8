import Fluent
import SQLKit
import Vapor

struct ReflectionNoteSummaryDTO: Content {
    var id: UUID
    var period: String
    var title: String
    /// 0 until the first text is saved.
    var currentVersion: Int
    var createdAt: Date
    var createdBy: UUID
}

struct ReflectionNoteSignoffDTO: Content {
    var userId: UUID
    var displayName: String
    var version: Int
    var signedAt: Date
}

struct ReflectionNoteParticipantDTO: Content {
    var userId: UUID
    var displayName: String
    /// Has signed the current version.
    var signedCurrent: Bool
}

struct ReflectionNoteVersionSummaryDTO: Content {
    var version: Int
    var writtenAt: Date
    var writtenBy: UUID
    var writtenByName: String
    var changeSummary: String?
    /// Who signed this version.
    var signedBy: [UUID]
}

struct ReflectionNoteDTO: Content {
    var id: UUID
    var period: String
    var title: String
    var currentVersion: Int
    /// The current text; absent before the first version.
    var body: String?
    var participants: [ReflectionNoteParticipantDTO]
    /// Every sign-off, of every version.
    var signoffs: [ReflectionNoteSignoffDTO]
    /// Oldest first.
    var versions: [ReflectionNoteVersionSummaryDTO]

    init(_ record: ReflectionNoteRecord) {
        let note = record.note
        let current = Set(record.signoffs(of: note.currentVersion).map(\.$user.id))
        id = note.id!; period = note.period; title = note.title; currentVersion = note.currentVersion; body = record.current?.body
        participants = record.participantIDs.map { .init(userId: $0, displayName: record.name($0), signedCurrent: current.contains($0)) }
        signoffs = record.signoffs.sorted { ($0.version, $0.signedAt) < ($1.version, $1.signedAt) }
            .map { .init(userId: $0.$user.id, displayName: record.name($0.$user.id), version: $0.version, signedAt: $0.signedAt) }
        versions = record.versions.map { v in
            .init(version: v.version, writtenAt: v.writtenAt, writtenBy: v.$writtenBy.id, writtenByName: record.name(v.$writtenBy.id),
                  changeSummary: v.changeSummary, signedBy: record.signoffs(of: v.version).map(\.$user.id))
        }
    }
}

struct ReflectionNoteVersionDTO: Content {
    var noteId: UUID
    var version: Int
    var body: String
    var changeSummary: String?
    var writtenAt: Date
    var writtenBy: UUID
    var writtenByName: String
    var isCurrent: Bool
    var signoffs: [ReflectionNoteSignoffDTO]
}

struct PremiseEvidenceDTO: Content {
    var counselors: Int
    var counselorsWithHybrid: Int
    var activePathways: Int
    var pathwaysWithMentorAndContact: Int
    var sessionsHeld: Int
    var attendances: Int
    var counselorsAttending: Int
    var pathwaysWithResource: Int
    var pathwaysWithInternal: Int
    var pathwaysWithExternal: Int

    init(_ e: PremiseEvidence) {
        counselors = e.counselors; counselorsWithHybrid = e.counselorsWithHybrid; activePathways = e.activePathways
        pathwaysWithMentorAndContact = e.pathwaysWithMentorAndContact; sessionsHeld = e.sessionsHeld; attendances = e.attendances
        counselorsAttending = e.counselorsAttending; pathwaysWithResource = e.pathwaysWithResource
        pathwaysWithInternal = e.pathwaysWithInternal; pathwaysWithExternal = e.pathwaysWithExternal
    }
}

struct PremiseRoundDTO: Content {
    struct Premise: Content {
        var premise: Int
        var answers: Int
        var average: Double?
        /// Counts of scores 1 to 5.
        var distribution: [Int]
        var comments: [String]
    }

    var id: UUID
    var period: String
    var openedAt: Date
    var closedAt: Date?
    var respondents: Int
    var premises: [Premise]

    init(_ s: PremiseRoundSummary) {
        id = s.check.id!; period = s.check.period; openedAt = s.check.openedAt; closedAt = s.check.closedAt; respondents = s.respondents
        premises = s.premises.map { .init(premise: $0.premise, answers: $0.answers, average: $0.average, distribution: $0.distribution, comments: $0.comments) }
    }
}

struct PremisesDTO: Content {
    var enhetNumber: String
    var evidence: PremiseEvidenceDTO
    /// The open round, if any, with the answers so far.
    var openRound: PremiseRoundDTO?
    /// The caller's own answers in the open round.
    var myAnswers: [PremiseAnswerInput]
    /// Every round, newest first.
    var rounds: [PremiseRoundDTO]
}

struct PremiseAnswerInput: Content {
    var premise: Int?
    var score: Int?
    var comment: String?
}

struct LearningOverviewDTO: Content {
    struct Row: Content {
        var key: String
        var free: Bool
        var counts: [Int]
    }

    struct Actions: Content {
        var open: Int
        var overdue: Int
        var done: Int
        var createdByQuarter: [Int]
        var doneByQuarter: [Int]
    }

    struct Participation: Content {
        var sessionsByMonth: [Int]
        var attendancesByMonth: [Int]
        var participants: Int
        var counselors: Int
        var notesWrittenByQuarter: [Int]
        var notesSharedByQuarter: [Int]
    }

    struct Round: Content {
        var period: String
        var closed: Bool
        var respondents: Int
        var averages: [Double?]
    }

    var enhetNumber: String
    /// "2026-Q1" …, oldest first.
    var quarters: [String]
    /// "2026-06" …, oldest first.
    var months: [String]
    var themes: [Row]
    /// Own tags used by at least three different authors or sessions (at most ten).
    var freeTags: [Row]
    /// All other own tags together, per quarter: counted, never shown as text.
    var otherFreeTags: [Int]
    var actions: Actions
    var participation: Participation
    var rounds: [Round]

    init(enhetNumber: String, _ o: LearningOverview) {
        self.enhetNumber = enhetNumber
        quarters = o.quarters.map(\.name); months = o.months.map(\.name)
        themes = o.themes.map { .init(key: $0.key, free: false, counts: $0.counts) }
        freeTags = o.freeTags.filter { $0.key != LearningOverview.otherFreeKey }.map { .init(key: $0.key, free: true, counts: $0.counts) }
        otherFreeTags = o.freeTags.first { $0.key == LearningOverview.otherFreeKey }?.counts ?? Array(repeating: 0, count: o.quarters.count)
        actions = .init(open: o.actions.open, overdue: o.actions.overdue, done: o.actions.done,
                        createdByQuarter: o.actions.createdByQuarter, doneByQuarter: o.actions.doneByQuarter)
        participation = .init(sessionsByMonth: o.participation.sessionsByMonth, attendancesByMonth: o.participation.attendancesByMonth,
                              participants: o.participation.participants, counselors: o.participation.counselors,
                              notesWrittenByQuarter: o.participation.notesWritten, notesSharedByQuarter: o.participation.notesShared)
        rounds = o.rounds.map { .init(period: $0.period, closed: $0.closed, respondents: $0.respondents, averages: $0.averages) }
    }
}

/// `/api/v1/reflection-notes`, `/api/v1/offices/{enhetNumber}/premises` and `/learning`: as on the pages.
struct OfficeLearningAPIController {
    struct CreateNoteInput: Content {
        var period: String?
        var title: String?
        var body: String?
    }

    struct VersionInput: Content {
        var body: String?
        var changeSummary: String?
        var baseVersion: Int?
    }

    struct SignInput: Content {
        var version: Int?
    }

    struct AnswersInput: Content {
        var answers: [PremiseAnswerInput]?
    }

    // MARK: - Notes

    func listNotes(req: Request) async throws -> [ReflectionNoteSummaryDTO] {
        let officeID = try req.requireOfficeID()
        return try await ReflectionNote.query(on: req.db).filter(\.$office.$id == officeID).sort(\.$period, .descending).all().map {
            ReflectionNoteSummaryDTO(id: $0.id!, period: $0.period, title: $0.title, currentVersion: $0.currentVersion, createdAt: $0.createdAt, createdBy: $0.$createdBy.id)
        }
    }

    func createNote(req: Request) async throws -> Response {
        let officeID = try req.requireOfficeID()
        let input = try req.content.decode(CreateNoteInput.self)
        var issues: [ProblemError.FieldIssue] = []
        var valid: OfficeLearningRules.ValidNote?
        do { valid = try OfficeLearningRules.note(period: input.period, title: input.title) } catch let problem as ProblemError { issues += problem.fields }
        var body: String?
        if input.body != nil {
            body = OfficeLearningRules.text(input.body, field: "body", max: OfficeLearningRules.maxBody, requiredKey: "olearn.error.body_required", issues: &issues)
                .map(OfficeLearningRules.normalisedBody)
        }
        guard issues.isEmpty, let valid else { throw ProblemError.validation(issues) }
        let note = try await ReflectionNoteService(req: req).create(officeID: officeID, valid, body: body)
        let response = try await ReflectionNoteDTO(try await ReflectionNoteRecord.load(note, on: req.db)).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/reflection-notes/\(note.id!)")
        return response
    }

    func showNote(req: Request) async throws -> ReflectionNoteDTO {
        let note = try await req.openReflectionNote()
        try await req.audit(.reflectionNote(.reflectionNoteRead, note, detail: "versjon \(note.currentVersion)"))
        return ReflectionNoteDTO(try await ReflectionNoteRecord.load(note, on: req.db))
    }

    func showVersion(req: Request) async throws -> ReflectionNoteVersionDTO {
        let note = try await req.openReflectionNote()
        let record = try await ReflectionNoteRecord.load(note, on: req.db)
        guard let number = req.parameters.get("version", as: Int.self), let v = record.versions.first(where: { $0.version == number }) else {
            throw Abort(.notFound)
        }
        try await req.audit(.reflectionNote(.reflectionNoteRead, note, detail: "versjon \(number)"))
        return ReflectionNoteVersionDTO(
            noteId: note.id!, version: v.version, body: v.body, changeSummary: v.changeSummary, writtenAt: v.writtenAt, writtenBy: v.$writtenBy.id,
            writtenByName: record.name(v.$writtenBy.id), isCurrent: v.version == note.currentVersion,
            signoffs: record.signoffs(of: v.version).map { .init(userId: $0.$user.id, displayName: record.name($0.$user.id), version: $0.version, signedAt: $0.signedAt) }
        )
    }

    /// 201 with the note; 409 problem when `baseVersion` is not the current version.
    func saveVersion(req: Request) async throws -> Response {
        let note = try await req.openReflectionNote()
        let input = try req.content.decode(VersionInput.self)
        let valid = try OfficeLearningRules.version(body: input.body, changeSummary: input.changeSummary, baseVersion: input.baseVersion.map(String.init))
        do {
            try await ReflectionNoteService(req: req).saveVersion(note.id!, valid)
        } catch let stale as ReflectionNoteService.StaleBase {
            throw ProblemError(.conflict, key: "olearn.error.stale", args: [String(stale.baseVersion), String(stale.currentVersion)])
        }
        guard let fresh = try await ReflectionNote.find(note.id, on: req.db) else { throw Abort(.notFound) }
        return try await ReflectionNoteDTO(try await ReflectionNoteRecord.load(fresh, on: req.db)).encodeResponse(status: .created, for: req)
    }

    /// Signs the current version; `version` (required) must be the current one.
    func sign(req: Request) async throws -> ReflectionNoteDTO {
        let note = try await req.openReflectionNote()
        // The version read is required: a sign-off is bound to the text the person saw.
        guard let input = try? req.content.decode(SignInput.self), let version = input.version else {
            throw ProblemError.validation([.init("version", "olearn.error.version_required")])
        }
        try await ReflectionNoteService(req: req).sign(note.id!, expectedVersion: version)
        guard let fresh = try await ReflectionNote.find(note.id, on: req.db) else { throw Abort(.notFound) }
        return ReflectionNoteDTO(try await ReflectionNoteRecord.load(fresh, on: req.db))
    }

    // MARK: - Premises and learning

    /// The office named by `:enhetNumber`, if it is the caller's own; another is a 404, audited as denied.
    private func office(_ req: Request) async throws -> Office {
        guard let enhet = req.parameters.get("enhetNumber"), UserRules.isValidEnhetNumber(enhet) else {
            throw ProblemError.validation([.init("enhetNumber", "office.error.enhet")])
        }
        guard let office = try await Office.query(on: req.db).filter(\.$enhetNumber == enhet).first() else { throw Abort(.notFound) }
        try await req.requireOfficeAccess(office.id, for: .content, objectType: AuditObjectType.office, objectID: office.id?.uuidString)
        return office
    }

    private func premisesDTO(_ req: Request, _ office: Office) async throws -> PremisesDTO {
        let officeID = try office.requireID()
        let evidence = try await PremiseEvidence.compute(officeID: officeID, now: req.now, on: req.db as! any SQLDatabase)
        var rounds: [PremiseRoundDTO] = []
        var open: PremiseRoundDTO?
        var mine: [PremiseAnswerInput] = []
        for check in try await PremiseRoundSummary.rounds(officeID: officeID, on: req.db) {
            let dto = PremiseRoundDTO(try await PremiseRoundSummary.load(check, on: req.db))
            rounds.append(dto)
            if check.closedAt == nil {
                open = dto
                mine = try await PremiseAnswer.query(on: req.db).filter(\.$check.$id == check.requireID())
                    .filter(\.$user.$id == req.requirePrincipal().userID).sort(\.$premise).all()
                    .map { PremiseAnswerInput(premise: $0.premise, score: $0.score, comment: $0.comment) }
            }
        }
        return PremisesDTO(enhetNumber: office.enhetNumber, evidence: PremiseEvidenceDTO(evidence), openRound: open, myAnswers: mine, rounds: rounds)
    }

    func premises(req: Request) async throws -> PremisesDTO {
        try await premisesDTO(req, try await office(req))
    }

    func answer(req: Request) async throws -> PremisesDTO {
        let office = try await office(req)
        let input = try req.content.decode(AnswersInput.self)
        let answers = try OfficeLearningRules.answers((input.answers ?? []).map { ($0.premise, $0.score.map(String.init), $0.comment) }) { "answers[\($0)].\($1)" }
        try await PremiseCheckService(req: req).answer(officeID: office.requireID(), answers)
        return try await premisesDTO(req, office)
    }

    func learning(req: Request) async throws -> LearningOverviewDTO {
        let office = try await office(req)
        let officeID = try office.requireID()
        let overview = try await LearningOverview.load(officeID: officeID, now: req.now, on: req.db)
        try await req.audit(AuditEvent(.learningOverviewRead, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID, detail: "kontor (API)"))
        return LearningOverviewDTO(enhetNumber: office.enhetNumber, overview)
    }
}
