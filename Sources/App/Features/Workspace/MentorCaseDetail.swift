import Fluent
import Vapor

/// Everything a mentor sees about one candidate — and nothing more. Built only from the consent
/// gate (`Disclosure`) and the mentor's own records: first name, the agreed goals and training
/// plan (when the candidate consented to share them with the mentor), upcoming meetings the mentor
/// takes part in, the counselor's name and phone, and what the mentor wrote. Never the national
/// ID number, benefits, health notes, other candidates or other employers.
struct MentorCaseDetail: Sendable {
    struct Goal: Sendable {
        var id: UUID
        var agreementID: UUID
        var plan: TrainingPlanKind
        var title: String
        var status: TrainingGoalStatus
        var targetDate: Date?
    }

    struct UpcomingMeeting: Sendable {
        var id: UUID
        var type: MeetingType
        var startsAt: Date
        var durationMinutes: Int
        var place: String?
        var confirmed: Bool
    }

    let pathwayID: UUID
    let firstName: String
    let employerName: String
    let accessEnds: Date?
    /// Whether the candidate lets the mentor see goals and plan right now.
    let sharesGoals: Bool
    let wishes: String?
    let agreedGoals: [String]
    let trainingGoals: [Goal]
    let meetings: [UpcomingMeeting]
    let counselorName: String
    let counselorPhone: String?
    let agreedHundredthsPerMonth: Int?
    let months: [MentorWorkspaceRules.Month]
    let hours: [MentorHours]
    let observations: [MentorObservation]
    let alarms: [MentorAlarm]
    let pathwayOpen: Bool

    static func load(_ found: MentorCase, userID: UUID, now: Date, on db: any Database) async throws -> MentorCaseDetail {
        let pathway = found.pathway
        let pathwayID = found.pathwayID
        let mentorID = try found.mentor.requireID()
        guard let disclosure = try await DisclosureGate.disclose(candidateID: pathway.$candidate.id, to: .mentor, at: now, on: db) else { throw Abort(.notFound) }
        let sharesGoals = disclosure.may(.goalsAndPlan)
        let employer = try await Employer.find(found.mentor.$employer.id, on: db)
        let counselor = try await User.find(pathway.$counselor.id, on: db)

        var agreedGoals: [String] = []
        var goals: [Goal] = []
        if sharesGoals {
            let agreements = try await Agreement.query(on: db).filter(\.$pathway.$id == pathwayID)
                .filter(\.$employer.$id == found.mentor.$employer.id).filter(\.$annulledOn == nil).all()
            for agreement in agreements {
                let agreementID = try agreement.requireID()
                if let version = try await AgreementVersion.query(on: db).filter(\.$agreement.$id == agreementID)
                    .filter(\.$version == agreement.currentVersion).first() {
                    agreedGoals += version.terms.goals.map { AuditEvent.redactingNationalIDs($0.description) }
                }
                goals += try await TrainingGoal.query(on: db).filter(\.$agreement.$id == agreementID).sort(\.$createdAt).all().map {
                    Goal(id: try $0.requireID(), agreementID: agreementID, plan: $0.plan, title: AuditEvent.redactingNationalIDs($0.title), status: $0.status, targetDate: $0.targetDate)
                }
            }
        }

        let confirmed = Set(try await MeetingConfirmation.query(on: db).filter(\.$user.$id == userID).all().map(\.$meeting.id))
        let meetings = try await Meeting.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$cancelledAt == nil)
            .filter(\.$minutesAt == nil).filter(\.$startsAt >= now.addingTimeInterval(-12 * 3600)).sort(\.$startsAt).limit(20).all()
            .filter { found.mayAttend($0) }
            .map { UpcomingMeeting(id: $0.id!, type: $0.type, startsAt: $0.startsAt, durationMinutes: $0.durationMinutes, place: $0.place.map(AuditEvent.redactingNationalIDs),
                                   confirmed: confirmed.contains($0.id!)) }

        let hours = try await MentorHours.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$mentor.$id == mentorID)
            .sort(\.$workedOn, .descending).sort(\.$recordedAt, .descending).all()
        let agreement = try await MentorWorkspaceService.mentorAgreement(pathwayID: pathwayID, mentorID: mentorID, on: db)
        let months = MentorWorkspaceRules.months(entries: hours.map { ($0.workedOn, $0.hundredthHours) },
                                                 agreedPerMonth: agreement?.1.hundredthHours, from: agreement?.1.startDate,
                                                 to: min(now, agreement?.1.endDate ?? now))
        let observations = try await MentorObservation.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$mentor.$id == mentorID)
            .sort(\.$writtenAt, .descending).limit(50).all()
        let alarms = try await MentorAlarm.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$mentor.$id == mentorID)
            .sort(\.$raisedAt, .descending).limit(50).all()

        return MentorCaseDetail(
            pathwayID: pathwayID, firstName: disclosure.firstName, employerName: employer?.name ?? "", accessEnds: found.accessEnds,
            sharesGoals: sharesGoals, wishes: disclosure.goals.map(AuditEvent.redactingNationalIDs), agreedGoals: agreedGoals, trainingGoals: goals, meetings: meetings,
            counselorName: counselor?.displayName ?? "", counselorPhone: counselor?.phone,
            agreedHundredthsPerMonth: agreement?.1.hundredthHours, months: months, hours: hours, observations: observations, alarms: alarms,
            pathwayOpen: pathway.status != .closed
        )
    }
}
