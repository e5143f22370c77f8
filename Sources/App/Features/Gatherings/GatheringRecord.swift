import Fluent
import Vapor

/// A gathering with its invitations and the invited mentors' names and employers, as pages and
/// the API show it to office staff.
struct GatheringRecord: Sendable {
    struct Invitee: Sendable {
        var invitation: GatheringInvitation
        var mentorName: String
        var employerID: UUID
        var employerName: String
    }

    struct Counts: Sendable, Equatable {
        var invited = 0
        var yes = 0
        var no = 0
        var maybe = 0
        var unanswered = 0
        var attended = 0
        var absent = 0

        init(_ invitations: [GatheringInvitation]) {
            invited = invitations.count
            for invitation in invitations {
                switch invitation.answer {
                case .yes: yes += 1
                case .no: no += 1
                case .maybe: maybe += 1
                case nil: unanswered += 1
                }
                if invitation.attended == true { attended += 1 }
                if invitation.attended == false { absent += 1 }
            }
        }
    }

    var gathering: Gathering
    /// By the mentor's name.
    var invitees: [Invitee]

    var id: UUID { gathering.id! }
    var counts: Counts { Counts(invitees.map(\.invitation)) }
    var attendanceRecorded: Bool { invitees.contains { $0.invitation.attendanceRecordedAt != nil } }

    func status(now: Date) -> GatheringRules.Status {
        GatheringRules.status(startsAt: gathering.startsAt, cancelledAt: gathering.cancelledAt, now: now)
    }

    /// The gatherings with their invitations, in the order given.
    static func load(_ gatherings: [Gathering], on db: any Database) async throws -> [GatheringRecord] {
        let ids = gatherings.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let invitations = try await GatheringInvitation.query(on: db).filter(\.$gathering.$id ~~ ids).with(\.$mentor).all()
        let employerIDs = Set(invitations.map { $0.mentor.$employer.id })
        let employers = employerIDs.isEmpty ? [:] : Dictionary(
            try await Employer.query(on: db).filter(\.$id ~~ employerIDs).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let byGathering = Dictionary(grouping: invitations, by: { $0.$gathering.id })
        return gatherings.map { gathering in
            let invitees = (byGathering[gathering.id!] ?? []).map { invitation in
                Invitee(invitation: invitation, mentorName: invitation.mentor.name, employerID: invitation.mentor.$employer.id,
                        employerName: employers[invitation.mentor.$employer.id] ?? "")
            }.sorted { ($0.mentorName.lowercased(), $0.invitation.id!.uuidString) < ($1.mentorName.lowercased(), $1.invitation.id!.uuidString) }
            return GatheringRecord(gathering: gathering, invitees: invitees)
        }
    }

    static func load(_ gathering: Gathering, on db: any Database) async throws -> GatheringRecord {
        try await load([gathering], on: db)[0]
    }

    /// The office's gatherings, newest start first, at most `limit`.
    static func office(_ officeID: UUID, limit: Int = 500, on db: any Database) async throws -> [GatheringRecord] {
        let gatherings = try await Gathering.query(on: db).filter(\.$office.$id == officeID).sort(\.$startsAt, .descending).limit(limit).all()
        return try await load(gatherings, on: db)
    }

    /// Every invitation of the office's gatherings since `from`, as the attendance counts need them.
    static func statsRecords(officeID: UUID, from: Date, on db: any Database) async throws -> [GatheringStats.Record] {
        let gatherings = try await Gathering.query(on: db).filter(\.$office.$id == officeID).filter(\.$startsAt >= from).all()
        let byID = Dictionary(gatherings.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        guard !byID.isEmpty else { return [] }
        let invitations = try await GatheringInvitation.query(on: db).filter(\.$gathering.$id ~~ Array(byID.keys)).all()
        return invitations.compactMap { invitation in
            byID[invitation.$gathering.id].map {
                GatheringStats.Record(mentorID: invitation.$mentor.id, startsAt: $0.startsAt, cancelled: $0.cancelledAt != nil, attended: invitation.attended)
            }
        }
    }
}

extension Request {
    /// The gathering named by `:gatheringID`, if it belongs to the caller's office. Another office's
    /// gathering is a 404, audited as denied; an unknown one is a plain 404.
    func openGathering() async throws -> Gathering {
        guard let id = parameters.get("gatheringID", as: UUID.self), let gathering = try await Gathering.find(id, on: db) else {
            throw Abort(.notFound)
        }
        try await requireOfficeAccess(gathering.$office.id, objectType: AuditObjectType.gathering, objectID: id.uuidString)
        return gathering
    }
}
