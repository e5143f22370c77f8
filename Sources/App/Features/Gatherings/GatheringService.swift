import Fluent
import Vapor

extension AuditAction {
    static let gatheringCreated: AuditAction = "gathering.created"
    static let gatheringInvited: AuditAction = "gathering.invited"
    static let gatheringAnswered: AuditAction = "gathering.answered"
    static let gatheringAttendanceRecorded: AuditAction = "gathering.attendance_recorded"
    static let gatheringSummaryWritten: AuditAction = "gathering.summary_written"
    static let gatheringCancelled: AuditAction = "gathering.cancelled"

    /// The gathering actions; the string tables name each one.
    static let gatheringActions: [AuditAction] = [
        .gatheringCreated, .gatheringInvited, .gatheringAnswered, .gatheringAttendanceRecorded, .gatheringSummaryWritten, .gatheringCancelled,
    ]
}

extension AuditObjectType {
    static let gathering = "gathering"
    static let gatheringInvitation = "gathering_invitation"
}

extension AuditEvent {
    /// Gathering entries name the gathering; details name mentors by id, never free text.
    static func gathering(_ action: AuditAction, _ gathering: Gathering, detail: String? = nil) -> AuditEvent {
        AuditEvent(action, objectType: AuditObjectType.gathering, objectID: gathering.id?.uuidString, officeID: gathering.$office.id, detail: detail)
    }
}

/// The cancellation reason lives in `summary` of a cancelled gathering: the table has no column of
/// its own for it, and a cancelled gathering never gets a summary (cancelling is refused once a
/// summary or attendance is written, and a summary is refused once it is cancelled).
extension Gathering {
    var cancelReason: String? { cancelledAt == nil ? nil : summary }
    var heldSummary: String? { cancelledAt == nil ? summary : nil }
}

/// Every change to a gathering, shared by pages and API. Each change and its audit entry are
/// written in one transaction, with the gathering's row locked, and its state checked again there.
struct GatheringService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    func create(officeID: UUID, _ valid: GatheringRules.ValidGathering, invite mentorIDs: [UUID] = []) async throws -> Gathering {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            let gathering = Gathering()
            gathering.$office.id = officeID
            gathering.kind = valid.kind
            gathering.startsAt = valid.startsAt
            gathering.place = valid.place
            gathering.theme = valid.theme
            gathering.createdAt = now
            gathering.$createdBy.id = actorID
            try await gathering.create(on: db)
            audit.record(.gathering(.gatheringCreated, gathering, detail: "\(valid.kind.rawValue) \(DisplayDate.dayInput(valid.startsAt))"))
            if !mentorIDs.isEmpty {
                let added = try await Self.addInvitations(gathering, mentorIDs, actorID: actorID, now: now, on: db)
                audit.record(.gathering(.gatheringInvited, gathering, detail: Self.mentorsDetail(added)))
            }
            return gathering
        }
    }

    /// Invites the mentors not yet invited; returns how many were new. Each must be a mentor of the gathering's office.
    @discardableResult
    func invite(_ gatheringID: UUID, mentorIDs: [UUID]) async throws -> Int {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            let gathering = try await Self.lock(gatheringID, on: db)
            try GatheringRules.mayInvite(cancelledAt: gathering.cancelledAt)
            let added = try await Self.addInvitations(gathering, mentorIDs, actorID: actorID, now: now, on: db)
            if !added.isEmpty { audit.record(.gathering(.gatheringInvited, gathering, detail: Self.mentorsDetail(added))) }
            return added.count
        }
    }

    /// A mentor's own answer; changing it is fine until the start.
    func answer(_ invitationID: UUID, mentorID: UUID, _ answer: GatheringAnswer) async throws {
        let now = now
        try await app.write(context: context) { db, audit in
            guard let found = try await GatheringInvitation.find(invitationID, on: db) else { throw Abort(.notFound) }
            let gathering = try await Self.lock(found.$gathering.id, on: db)
            // Read again under the gathering's lock, which every write to its invitations takes.
            guard let invitation = try await GatheringInvitation.find(invitationID, on: db), invitation.$mentor.id == mentorID else { throw Abort(.notFound) }
            try GatheringRules.mayAnswer(startsAt: gathering.startsAt, cancelledAt: gathering.cancelledAt, now: now)
            invitation.answer = answer
            invitation.answeredAt = now
            try await invitation.save(on: db)
            audit.record(.gathering(.gatheringAnswered, gathering, detail: "mentor \(mentorID.uuidString): \(answer.rawValue)"))
        }
    }

    /// Came or did not come, per invited mentor; writing it again corrects it.
    func recordAttendance(_ gatheringID: UUID, _ attendance: [UUID: Bool]) async throws {
        let now = now
        try await app.write(context: context) { db, audit in
            let gathering = try await Self.lock(gatheringID, on: db)
            try GatheringRules.mayRecordAttendance(startsAt: gathering.startsAt, cancelledAt: gathering.cancelledAt, now: now)
            let invitations = try await GatheringInvitation.query(on: db).filter(\.$gathering.$id == gatheringID).all()
            let byMentor = Dictionary(invitations.map { ($0.$mentor.id, $0) }, uniquingKeysWith: { a, _ in a })
            if attendance.keys.contains(where: { byMentor[$0] == nil }) {
                throw ProblemError.validation([.init("attendance", "gathering.error.not_invited")])
            }
            for (mentorID, came) in attendance.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
                let invitation = byMentor[mentorID]!
                invitation.attended = came
                invitation.attendanceRecordedAt = now
                try await invitation.save(on: db)
            }
            let came = attendance.values.filter { $0 }.count
            audit.record(.gathering(.gatheringAttendanceRecorded, gathering, detail: "kom: \(came), kom ikke: \(attendance.count - came)"))
        }
    }

    func writeSummary(_ gatheringID: UUID, _ raw: String?) async throws {
        let now = now
        try await app.write(context: context) { db, audit in
            let gathering = try await Self.lock(gatheringID, on: db)
            let text = try GatheringRules.summary(raw, startsAt: gathering.startsAt, cancelledAt: gathering.cancelledAt, now: now)
            let first = gathering.summaryAt == nil
            gathering.summary = text
            gathering.summaryAt = now
            try await gathering.save(on: db)
            audit.record(.gathering(.gatheringSummaryWritten, gathering, detail: first ? "ny oppsummering" : "oppsummering endret"))
        }
    }

    func cancel(_ gatheringID: UUID, reason: String?) async throws {
        let now = now
        try await app.write(context: context) { db, audit in
            let gathering = try await Self.lock(gatheringID, on: db)
            let recorded = try await GatheringInvitation.query(on: db).filter(\.$gathering.$id == gatheringID).filter(\.$attendanceRecordedAt != nil).count()
            try GatheringRules.mayCancel(cancelledAt: gathering.cancelledAt, summaryAt: gathering.summaryAt, attendanceRecorded: recorded > 0)
            gathering.cancelledAt = now
            gathering.summary = reason
            gathering.summaryAt = nil
            try await gathering.save(on: db)
            audit.record(.gathering(.gatheringCancelled, gathering, detail: reason.map { "grunn: \($0)" }))
        }
    }

    // MARK: - Pieces

    static func lock(_ gatheringID: UUID, on db: any Database) async throws -> Gathering {
        try await DatabaseDialect(db).lockRow(Gathering.schema, id: gatheringID, on: db)
        guard let gathering = try await Gathering.find(gatheringID, on: db) else { throw Abort(.notFound) }
        return gathering
    }

    /// Adds the invitations that are missing; inviting someone twice changes nothing.
    private static func addInvitations(_ gathering: Gathering, _ mentorIDs: [UUID], actorID: UUID, now: Date, on db: any Database) async throws -> [UUID] {
        let gatheringID = try gathering.requireID()
        let wanted = Set(mentorIDs)
        let mentors = try await Mentor.query(on: db).filter(\.$id ~~ wanted).filter(\.$office.$id == gathering.$office.id).all()
        guard mentors.count == wanted.count else { throw ProblemError.validation([.init("mentorIds", "gathering.error.mentor_unknown")]) }
        let already = Set(try await GatheringInvitation.query(on: db).filter(\.$gathering.$id == gatheringID).all().map(\.$mentor.id))
        var added: [UUID] = []
        for mentorID in mentorIDs where !already.contains(mentorID) && !added.contains(mentorID) {
            let invitation = GatheringInvitation()
            invitation.$gathering.id = gatheringID
            invitation.$mentor.id = mentorID
            invitation.invitedAt = now
            invitation.$invitedBy.id = actorID
            try await invitation.create(on: db)
            added.append(mentorID)
        }
        return added
    }

    private static func mentorsDetail(_ ids: [UUID]) -> String {
        ids.isEmpty ? "ingen nye" : "\(ids.count) mentorer: " + ids.map(\.uuidString).joined(separator: ", ")
    }
}
