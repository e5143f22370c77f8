import Fluent
import Vapor

extension AuditAction {
    /// An employer contact wrote to the counselor of an agreement's pathway.
    static let employerMessageSent: AuditAction = "employer_workspace.message_sent"
    /// An employer contact confirmed they will come to a meeting.
    static let employerMeetingConfirmed: AuditAction = "employer_workspace.meeting_confirmed"
}

/// What an employer contact changes: a message to the counselor and a meeting confirmation.
/// (Their approval of an agreement goes through `AgreementService.approve`.) Each change and its
/// audit entry are written together.
struct EmployerWorkspaceService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    /// Stores a message to the counselor the agreement's pathway has now.
    @discardableResult
    func sendMessage(_ scope: EmployerScope, about item: EmployerAgreement, text raw: String?) async throws -> WorkspaceMessage {
        let text = try EmployerWorkspaceRules.message(raw).get()
        let (actorID, now, agreementID, pathwayID) = (actorID, now, item.id, try item.pathway.requireID())
        let (officeID, employerID) = (item.agreement.$office.id, scope.employerID)
        return try await app.write(context: context) { db, audit in
            // The counselor the pathway has now, not when the page was opened.
            guard let pathway = try await Pathway.find(pathwayID, on: db) else { throw Abort(.notFound) }
            let message = WorkspaceMessage()
            message.$office.id = officeID
            message.$employer.id = employerID
            message.$pathway.id = pathwayID
            message.$agreement.id = agreementID
            message.$fromUser.id = actorID
            message.$toUser.id = pathway.$counselor.id
            message.text = text
            message.sentAt = now
            try await message.create(on: db)
            audit.record(.pathway(.employerMessageSent, pathway,
                                  detail: "avtale \(agreementID.uuidString): melding \(message.id?.uuidString ?? "?") til veileder, \(text.count) tegn"))
            return message
        }
    }

    /// Records that the contact will come. Confirming again changes nothing.
    func confirm(_ item: EmployerMeeting, pathway: Pathway) async throws {
        guard EmployerWorkspaceRules.mayConfirm(status: item.meeting.status, endsAt: item.meeting.endsAt, now: now) else {
            throw ProblemError(.conflict, key: "employer_workspace.meeting.error.closed")
        }
        guard item.confirmedAt == nil else { return }
        let (actorID, now, meetingID) = (actorID, now, item.meeting.id!)
        do {
            try await app.write(context: context) { db, audit in
                guard try await MeetingConfirmation.query(on: db).filter(\.$meeting.$id == meetingID).filter(\.$user.$id == actorID).count() == 0 else { return }
                let confirmation = MeetingConfirmation()
                confirmation.$meeting.id = meetingID
                confirmation.$user.id = actorID
                confirmation.confirmedAt = now
                try await confirmation.create(on: db)
                audit.record(.pathway(.employerMeetingConfirmed, pathway, detail: "møte \(meetingID.uuidString): arbeidsgiver kommer"))
            }
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            // The same confirmation sent twice at once: the other one was stored.
            return
        }
    }
}
