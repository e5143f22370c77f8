import Vapor

/// The employer contact's workspace, and the counselor's side of their messages.
enum EmployerWorkspaceRoutes {
    static func register(employer: some RoutesBuilder, office: some RoutesBuilder) {
        let workspace = EmployerWorkspaceController()
        let messages = WorkspaceMessagesController()

        // Employer contacts: only their company's agreements, each checked by `openEmployerAgreement`.
        employer.get("arbeidsgiver", use: workspace.home)
        employer.get("arbeidsgiver", "avtaler", ":agreementID", use: workspace.agreement)
        employer.post("arbeidsgiver", "avtaler", ":agreementID", "godkjenn", use: workspace.approve)
        employer.post("arbeidsgiver", "avtaler", ":agreementID", "melding", use: workspace.sendMessage)
        employer.post("arbeidsgiver", "moter", ":meetingID", "bekreft", use: workspace.confirmMeeting)

        // Office staff: the messages sent to them.
        office.get("meldinger", use: messages.list)
        office.post("meldinger", ":messageID", "lest", use: messages.markRead)
    }
}
