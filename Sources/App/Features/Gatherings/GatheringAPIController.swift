import Fluent
import Vapor

struct GatheringInvitationDTO: Content {
    var id: UUID
    var mentorId: UUID
    var mentorName: String
    var employerId: UUID
    var employerName: String
    var invitedAt: Date
    var invitedBy: UUID
    /// yes, no or maybe; absent until the mentor answers.
    var answer: String?
    var answeredAt: Date?
    /// Absent until attendance is recorded.
    var attended: Bool?
    var attendanceRecordedAt: Date?

    init(_ invitee: GatheringRecord.Invitee) {
        let i = invitee.invitation
        id = i.id!; mentorId = i.$mentor.id; mentorName = invitee.mentorName; employerId = invitee.employerID; employerName = invitee.employerName
        invitedAt = i.invitedAt; invitedBy = i.$invitedBy.id; answer = i.answer?.rawValue; answeredAt = i.answeredAt
        attended = i.attended; attendanceRecordedAt = i.attendanceRecordedAt
    }
}

struct GatheringCountsDTO: Content {
    var invited: Int
    var yes: Int
    var no: Int
    var maybe: Int
    var unanswered: Int
    var attended: Int
    var absent: Int

    init(_ c: GatheringRecord.Counts) {
        invited = c.invited; yes = c.yes; no = c.no; maybe = c.maybe; unanswered = c.unanswered; attended = c.attended; absent = c.absent
    }
}

struct GatheringDTO: Content {
    var id: UUID
    var officeId: UUID
    /// mentorsamling, nettverksmote or faddersamling.
    var kind: String
    /// planlagt, holdt (the start has passed) or avlyst; derived.
    var status: String
    var startsAt: Date
    var place: String
    var theme: String
    var summary: String?
    var summaryAt: Date?
    var cancelledAt: Date?
    var cancelReason: String?
    var createdAt: Date
    var createdBy: UUID
    var counts: GatheringCountsDTO
    /// By the mentor's name.
    var invitations: [GatheringInvitationDTO]

    init(_ record: GatheringRecord, now: Date) {
        let g = record.gathering
        id = record.id; officeId = g.$office.id; kind = g.kind.rawValue; status = record.status(now: now).rawValue; startsAt = g.startsAt
        place = g.place; theme = g.theme; summary = g.heldSummary; summaryAt = g.summaryAt; cancelledAt = g.cancelledAt; cancelReason = g.cancelReason
        createdAt = g.createdAt; createdBy = g.$createdBy.id; counts = GatheringCountsDTO(record.counts)
        invitations = record.invitees.map(GatheringInvitationDTO.init)
    }
}

/// `/api/v1/gatherings`: the office's mentor gatherings, as on the pages.
struct GatheringAPIController {
    struct CreateInput: Content {
        var kind: String?
        var startsAt: String?
        var place: String?
        var theme: String?
        var mentorIds: [String]?
    }

    struct InviteInput: Content {
        var mentorIds: [String]?
    }

    struct AttendanceInput: Content {
        var mentorId: String?
        var attended: Bool?
    }

    struct Patch: Content {
        var summary: String?
        var cancelled: Bool?
        var cancelReason: String?
    }

    private func dto(_ req: Request, _ gatheringID: UUID) async throws -> GatheringDTO {
        guard let gathering = try await Gathering.find(gatheringID, on: req.db) else { throw Abort(.notFound) }
        return GatheringDTO(try await GatheringRecord.load(gathering, on: req.db), now: req.now)
    }

    func create(req: Request) async throws -> Response {
        let officeID = try req.requireOfficeID()
        let input = try req.content.decode(CreateInput.self)
        var issues: [ProblemError.FieldIssue] = []
        var valid: GatheringRules.ValidGathering?
        do {
            valid = try GatheringRules.gathering(.init(kind: input.kind, startsAt: input.startsAt ?? "", place: input.place, theme: input.theme), now: req.now)
        } catch let problem as ProblemError {
            issues += problem.fields
        }
        var mentorIDs: [UUID] = []
        if let raw = input.mentorIds, !raw.isEmpty {
            do { mentorIDs = try GatheringRules.mentorIDs(raw) } catch let problem as ProblemError { issues += problem.fields }
        }
        guard issues.isEmpty, let valid else { throw ProblemError.validation(issues) }
        let gathering = try await GatheringService(req: req).create(officeID: officeID, valid, invite: mentorIDs)
        let response = try await dto(req, gathering.id!).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/gatherings/\(gathering.id!)")
        return response
    }

    /// The office's gatherings, newest start first, at most 500.
    func list(req: Request) async throws -> [GatheringDTO] {
        let officeID = try req.requireOfficeID()
        return try await GatheringRecord.office(officeID, on: req.db).map { GatheringDTO($0, now: req.now) }
    }

    func show(req: Request) async throws -> GatheringDTO {
        let gathering = try await req.openGathering()
        return GatheringDTO(try await GatheringRecord.load(gathering, on: req.db), now: req.now)
    }

    func invite(req: Request) async throws -> GatheringDTO {
        let gathering = try await req.openGathering()
        let input = try req.content.decode(InviteInput.self)
        let ids = try GatheringRules.mentorIDs(input.mentorIds ?? [])
        try await GatheringService(req: req).invite(gathering.id!, mentorIDs: ids)
        return try await dto(req, gathering.id!)
    }

    /// A list of `{mentorId, attended}`; mentors not named keep what they had.
    func recordAttendance(req: Request) async throws -> GatheringDTO {
        let gathering = try await req.openGathering()
        let input = try req.content.decode([AttendanceInput].self)
        let attendance = try GatheringRules.attendance(input.map { ($0.mentorId ?? "", $0.attended) })
        try await GatheringService(req: req).recordAttendance(gathering.id!, attendance)
        return try await dto(req, gathering.id!)
    }

    /// `summary`, or `cancelled: true` with an optional `cancelReason`; any other field is refused.
    func update(req: Request) async throws -> GatheringDTO {
        let gathering = try await req.openGathering()
        let body = try req.content.decode([String: AnyJSONValue].self)
        if let unknown = body.keys.sorted().first(where: { !["summary", "cancelled", "cancelReason"].contains($0) }) {
            throw ProblemError.validation([.init(unknown, "gathering.error.unknown_field")])
        }
        let patch = try req.content.decode(Patch.self)
        let service = try GatheringService(req: req)
        switch (patch.summary != nil, patch.cancelled) {
        case (true, nil):
            try await service.writeSummary(gathering.id!, patch.summary)
        case (false, true?):
            do {
                let reason = try GatheringRules.cancelReason(patch.cancelReason)
                try await service.cancel(gathering.id!, reason: reason)
            } catch var problem as ProblemError where !problem.fields.isEmpty {
                problem.fields = problem.fields.map { issue in
                    var renamed = issue
                    if renamed.field == "reason" { renamed.field = "cancelReason" }
                    return renamed
                }
                throw problem
            }
        case (false, false?):
            throw ProblemError.validation([.init("cancelled", "gathering.error.uncancel")])
        default:
            throw ProblemError.validation([.init("summary", "gathering.error.patch_one")])
        }
        return try await dto(req, gathering.id!)
    }
}
