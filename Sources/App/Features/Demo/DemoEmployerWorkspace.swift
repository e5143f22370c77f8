import Fluent
import Foundation

/// Demo messages from the demo employer contact (`arbeidsgiver1`) to the counselor of one of their
/// company's agreements: one already read, one new, so /meldinger and the agreement page have
/// something to show. Runs after the module that creates the external accounts; does nothing
/// without them, and nothing once the contact has sent anything. Deterministic for a given clock.
struct DemoEmployerWorkspace: DemoModule {
    var name: String { "arbeidsgiverens side" }

    static let username = "arbeidsgiver1"

    /// Days before today, the time of day, whether the counselor has read it, and the text ({0}: first name).
    static let messages: [(daysAgo: Int, minutes: Int, read: Bool, text: String)] = [
        (3, 9 * 60 + 15, true,
         "Hei! {0} har hatt en fin første uke hos oss og tar godt imot opplæringen. Kan vi ta et kort møte om arbeidstidene før neste vaktliste lages?"),
        (1, 14 * 60 + 40, false,
         "Vi har fått inn en stor bestilling og trenger flere på lageret fra neste måned. Er det aktuelt å øke stillingsprosenten for {0}? Ring meg gjerne."),
    ]

    func seed(_ context: DemoSeeder.Context) async throws {
        let app = context.app
        let db = context.db
        guard let user = try await User.query(on: db).filter(\.$username == Self.username).first(), let userID = user.id,
              let account = try await ExternalAccount.query(on: db).filter(\.$user.$id == userID).first(), account.role == .arbeidsgiver,
              let contactID = account.$employerContact.id,
              let employer = try await Employer.find(account.$employer.id, on: db) else { return }
        guard try await WorkspaceMessage.query(on: db).filter(\.$fromUser.$id == userID).count() == 0 else { return }

        let now = app.samskap.clock.now()
        let scope = EmployerScope(userID: userID, employerID: account.$employer.id, officeID: account.$office.id, contactID: contactID, employerName: employer.name)
        let agreements = try await scope.agreements(now: now, on: db)
        // A running agreement reads most naturally; else whichever comes first.
        guard let item = agreements.first(where: { $0.status(now: now) == .running }) ?? agreements.first, let pathwayID = item.pathway.id else { return }
        let today = Calendar.oslo.startOfDay(for: now)
        let (officeID, employerID, agreementID, counselorID, firstName) = (item.agreement.$office.id, scope.employerID, item.id, item.pathway.$counselor.id, item.firstName)
        let pathway = item.pathway
        try await app.write(context: AuditContext(actorUserID: userID, actorUsername: Self.username, requestID: nil), on: db) { db, audit in
            for entry in Self.messages {
                let sentAt = today.addingTimeInterval(Double(-entry.daysAgo * 86_400 + entry.minutes * 60))
                let message = WorkspaceMessage()
                message.$office.id = officeID
                message.$employer.id = employerID
                message.$pathway.id = pathwayID
                message.$agreement.id = agreementID
                message.$fromUser.id = userID
                message.$toUser.id = counselorID
                message.text = entry.text.replacingOccurrences(of: "{0}", with: firstName)
                message.sentAt = sentAt
                message.readAt = entry.read ? sentAt.addingTimeInterval(2 * 3_600) : nil
                try await message.create(on: db)
                audit.record(.pathway(.employerMessageSent, pathway, detail: "avtale \(agreementID.uuidString): demomelding til veileder"))
            }
        }
    }
}
