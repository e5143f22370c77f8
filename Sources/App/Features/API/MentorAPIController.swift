import Fluent
import Vapor

enum MentorAPIRoutes {
    static func register(mentor: some RoutesBuilder, staff: some RoutesBuilder) {
        let api = MentorAPIController()
        let own = mentor.grouped("mentor")
        own.get("candidates", use: api.candidates)
        own.get("candidates", ":pathwayID", use: api.candidate)
        own.get("hours", use: api.hours)
        own.post("hours", use: api.logHours)
        own.get("observations", use: api.observations)
        own.post("observations", use: api.observe)
        own.get("alarms", use: api.alarms)
        own.post("alarms", use: api.raiseAlarm)
        staff.post("pathways", ":pathwayID", "invite-mentor", use: api.inviteMentor)
        staff.post("alerts", ":alertID", "acknowledge", use: api.acknowledge)
    }
}

/// A candidate as a mentor sees them (see `MentorCaseDetail`): never a national ID number,
/// benefits, health notes, other candidates or other employers.
struct MentorCandidateDTO: Content {
    struct Goal: Content {
        var id: UUID
        var agreementId: UUID
        var plan: String
        var title: String
        var status: String
        var targetDate: String?
    }

    struct UpcomingMeeting: Content {
        var id: UUID
        var type: String
        var startsAt: Date
        var durationMinutes: Int
        var place: String?
        var confirmed: Bool
    }

    struct Counselor: Content {
        var name: String
        var phone: String?
    }

    var pathwayId: UUID
    var firstName: String
    var employer: String
    /// When access ends by itself (12 weeks after the link, agreement or pathway ends); absent while it lasts.
    var accessEndsAt: Date?
    /// Whether the candidate lets the mentor see goals and the training plan right now.
    var goalsShared: Bool
    var wishes: String?
    var agreedGoals: [String]
    var trainingGoals: [Goal]
    var upcomingMeetings: [UpcomingMeeting]
    var counselor: Counselor
    var hoursPerMonthAgreed: Double?

    init(_ d: MentorCaseDetail) {
        pathwayId = d.pathwayID; firstName = d.firstName; employer = d.employerName; accessEndsAt = d.accessEnds; goalsShared = d.sharesGoals
        wishes = d.wishes; agreedGoals = d.agreedGoals
        trainingGoals = d.trainingGoals.map { .init(id: $0.id, agreementId: $0.agreementID, plan: $0.plan.rawValue, title: $0.title, status: $0.status.rawValue,
                                                    targetDate: $0.targetDate.map(DisplayDate.dayInput)) }
        upcomingMeetings = d.meetings.map { .init(id: $0.id, type: $0.type.rawValue, startsAt: $0.startsAt, durationMinutes: $0.durationMinutes,
                                                  place: $0.place, confirmed: $0.confirmed) }
        counselor = .init(name: d.counselorName, phone: d.counselorPhone)
        hoursPerMonthAgreed = d.agreedHundredthsPerMonth.map { Double($0) / 100 }
    }
}

struct MentorHoursDTO: Content {
    var id: UUID
    var pathwayId: UUID
    var agreementId: UUID?
    var date: String
    var hours: Double
    var activity: String
    var recordedAt: Date

    init(_ h: MentorHours) {
        id = h.id!; pathwayId = h.$pathway.id; agreementId = h.$agreement.id; date = DisplayDate.dayInput(h.workedOn)
        hours = Double(h.hundredthHours) / 100; activity = h.activity; recordedAt = h.recordedAt
    }
}

struct MentorHoursReportDTO: Content {
    struct Month: Content {
        var month: String
        var hours: Double
        var agreedHours: Double?
    }

    var pathwayId: UUID
    var hoursPerMonthAgreed: Double?
    var months: [Month]
    var entries: [MentorHoursDTO]
}

struct MentorObservationDTO: Content {
    var id: UUID
    var pathwayId: UUID
    var kind: String
    var text: String
    var writtenAt: Date

    init(_ o: MentorObservation) {
        id = o.id!; pathwayId = o.$pathway.id; kind = o.kind.rawValue; text = o.text; writtenAt = o.writtenAt
    }
}

struct MentorAlarmDTO: Content {
    var id: UUID
    var pathwayId: UUID
    var reason: String
    var text: String?
    var raisedAt: Date
    var alertId: UUID?
    var acknowledgedAt: Date?
    var response: String?

    init(_ a: MentorAlarm) {
        id = a.id!; pathwayId = a.$pathway.id; reason = a.reason.rawValue; text = a.text; raisedAt = a.raisedAt; alertId = a.alertID
        acknowledgedAt = a.acknowledgedAt; response = a.response
    }
}

struct InvitationDTO: Content {
    var id: UUID
    var role: String
    var email: String
    var expiresAt: Date

    init(_ i: Invitation) {
        id = i.id!; role = i.role.rawValue; email = i.email; expiresAt = i.expiresAt
    }
}

struct MentorAPIController {
    struct HoursInput: Content {
        var pathwayId: String?
        var date: String?
        var hours: Double?
        var activity: String?
    }

    struct ObservationInput: Content {
        var pathwayId: String?
        var kind: String?
        var text: String?
    }

    struct AlarmInput: Content {
        var pathwayId: String?
        var reason: String?
        var text: String?
    }

    struct InviteInput: Content {
        var mentorId: String?
        var email: String?
    }

    struct AcknowledgeInput: Content {
        var response: String?
    }

    private func openCase(_ req: Request, _ raw: String?) async throws -> MentorCase {
        guard let raw = PathwayRules.trimmed(raw) else { throw ProblemError.validation([.init("pathwayId", "pathway.error.required")]) }
        return try await req.openMentorCase(UUID(uuidString: raw))
    }

    func candidates(req: Request) async throws -> [MentorCandidateDTO] {
        let principal = try req.requirePrincipal()
        let cases = try await MentorCaseload.load(mentorID: try req.requireMentorID(), now: req.now, on: req.db)
        var result: [MentorCandidateDTO] = []
        for found in cases {
            result.append(MentorCandidateDTO(try await MentorCaseDetail.load(found, userID: principal.userID, now: req.now, on: req.db)))
        }
        if !cases.isEmpty {
            try await req.application.audit(cases.map { .pathway(.mentorCaseRead, $0.pathway, detail: "API: liste") }, context: req.auditContext)
        }
        return result
    }

    func candidate(req: Request) async throws -> MentorCandidateDTO {
        let found = try await req.openMentorCase(req.parameters.get("pathwayID", as: UUID.self))
        try await req.audit(.pathway(.mentorCaseRead, found.pathway, detail: "API"))
        return MentorCandidateDTO(try await MentorCaseDetail.load(found, userID: try req.requirePrincipal().userID, now: req.now, on: req.db))
    }

    /// `?pathwayId=`: that candidate's hours month by month against the agreement.
    func hours(req: Request) async throws -> MentorHoursReportDTO {
        let found = try await openCase(req, try? req.query.get(String.self, at: "pathwayId"))
        let detail = try await MentorCaseDetail.load(found, userID: try req.requirePrincipal().userID, now: req.now, on: req.db)
        return MentorHoursReportDTO(
            pathwayId: found.pathwayID, hoursPerMonthAgreed: detail.agreedHundredthsPerMonth.map { Double($0) / 100 },
            months: detail.months.map { .init(month: DisplayDate.monthInput($0.start), hours: Double($0.loggedHundredths) / 100,
                                              agreedHours: $0.agreedHundredths.map { Double($0) / 100 }) },
            entries: detail.hours.map(MentorHoursDTO.init)
        )
    }

    func logHours(req: Request) async throws -> Response {
        let input = try req.content.decode(HoursInput.self)
        let found = try await openCase(req, input.pathwayId)
        let hoursText = input.hours.map { String(format: "%.2f", $0) }
        let valid = try MentorWorkspaceRules.hours(date: input.date, hours: hoursText, activity: input.activity, now: req.now).get()
        let row = try await MentorWorkspaceService(req: req).logHours(found, valid)
        return try await MentorHoursDTO(row).encodeResponse(status: .created, for: req)
    }

    func observations(req: Request) async throws -> [MentorObservationDTO] {
        let found = try await openCase(req, try? req.query.get(String.self, at: "pathwayId"))
        let rows = try await MentorObservation.query(on: req.db).filter(\.$pathway.$id == found.pathwayID)
            .filter(\.$mentor.$id == found.mentor.requireID()).sort(\.$writtenAt, .descending).limit(500).all()
        return rows.map(MentorObservationDTO.init)
    }

    func observe(req: Request) async throws -> Response {
        let input = try req.content.decode(ObservationInput.self)
        let found = try await openCase(req, input.pathwayId)
        let (kind, text) = try MentorWorkspaceRules.observation(kind: input.kind, text: input.text).get()
        let row = try await MentorWorkspaceService(req: req).observe(found, kind: kind, text: text)
        return try await MentorObservationDTO(row).encodeResponse(status: .created, for: req)
    }

    func alarms(req: Request) async throws -> [MentorAlarmDTO] {
        let found = try await openCase(req, try? req.query.get(String.self, at: "pathwayId"))
        let rows = try await MentorAlarm.query(on: req.db).filter(\.$pathway.$id == found.pathwayID)
            .filter(\.$mentor.$id == found.mentor.requireID()).sort(\.$raisedAt, .descending).limit(500).all()
        return rows.map(MentorAlarmDTO.init)
    }

    func raiseAlarm(req: Request) async throws -> Response {
        let input = try req.content.decode(AlarmInput.self)
        let found = try await openCase(req, input.pathwayId)
        let (reason, text) = try MentorWorkspaceRules.alarm(reason: input.reason, text: input.text).get()
        let row = try await MentorWorkspaceService(req: req).raiseAlarm(found, reason: reason, text: text, baseURL: req.publicBaseURL)
        return try await MentorAlarmDTO(row).encodeResponse(status: .created, for: req)
    }

    // MARK: - Staff

    func inviteMentor(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        let input = try req.content.decode(InviteInput.self)
        var issues: EmployerRules.Issues = []
        let mentorID = EmployerRules.uuid(input.mentorId, "mentorId", required: true, &issues)
        guard issues.isEmpty, let mentorID else { throw ProblemError.validation(issues) }
        let sent = try await ExternalAccounts(req: req).inviteMentor(opened, mentorID: mentorID, email: input.email, baseURL: req.publicBaseURL)
        return try await InvitationDTO(sent.invitation).encodeResponse(status: .created, for: req)
    }

    func acknowledge(req: Request) async throws -> MentorAlarmDTO {
        guard let id = req.parameters.get("alertID", as: UUID.self), let alert = try await Alert.find(id, on: req.db) else { throw Abort(.notFound) }
        _ = try await req.openPathway(id: alert.$pathway.id, needs: .full)
        let input = try req.content.decode(AcknowledgeInput.self)
        let response = try MentorWorkspaceRules.response(input.response).get()
        let alarm = try await MentorWorkspaceService(req: req).acknowledge(alertID: id, officeID: alert.$office.id, response: response)
        await WorkspaceStaffController.tellMentor(alarm, app: req.application, baseURL: req.publicBaseURL)
        return MentorAlarmDTO(alarm)
    }
}
