import Foundation

/// What an employer contact may see and send, as plain rules: which agreements, which meetings,
/// and what a message to the counselor must look like. No database, no HTTP.
enum EmployerWorkspaceRules {
    /// A message to the counselor: short, as on a phone.
    static let maxMessage = 2_000
    /// How far back the workspace shows meetings that have been.
    static let recentMeetingDays = 30

    /// True while the employer contact sees an agreement of their company.
    ///
    /// An agreement annulled as a misregistration was never theirs (it may have been made at the
    /// wrong company), so it disappears at once; any other stays until twelve weeks after it ends,
    /// is annulled or its pathway closes (`WorkspaceAccessRules.employerAccessEnds`).
    static func isVisible(end: Date?, annulledOn: Date?, annulReason: AnnulmentReason?, pathwayClosed: Date?, at now: Date) -> Bool {
        if annulledOn != nil, annulReason == .misregistration { return false }
        let ends = WorkspaceAccessRules.employerAccessEnds(agreementEnd: end, annulledOn: annulledOn, pathwayClosed: pathwayClosed)
        return WorkspaceAccessRules.isOpen(until: ends, at: now)
    }

    /// A meeting the employer contact is told about: one of a visible agreement's pathway where
    /// the employer takes part, from the day the company's first agreement on that pathway was made
    /// (earlier meetings with an employer may have been with another one), and not long past.
    static func showsMeeting(participants: [MeetingParticipant], startsAt: Date, endsAt: Date, firstAgreementMade: Date, now: Date) -> Bool {
        guard participants.contains(where: { $0.role == .employer }) else { return false }
        guard startsAt >= Calendar.oslo.startOfDay(for: firstAgreementMade) else { return false }
        return endsAt >= now.addingTimeInterval(-Double(recentMeetingDays) * 86_400)
    }

    /// Attendance can be confirmed for a planned meeting that has not ended.
    static func mayConfirm(status: MeetingStatus, endsAt: Date, now: Date) -> Bool {
        status == .planned && endsAt > now
    }

    /// The message as it will be stored, or the problem with it.
    static func message(_ raw: String?) -> Result<String, ProblemError> {
        let text = (raw ?? "").replacingOccurrences(of: "\u{0}", with: "").replacingOccurrences(of: "\r\n", with: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return .failure(.validation([.init("text", "employer_workspace.message.error.required")])) }
        guard text.count <= maxMessage else {
            return .failure(.validation([.init("text", "employer_workspace.message.error.too_long", String(maxMessage), String(text.count))]))
        }
        // National ID numbers do not belong in a message from outside NAV (and would show on their own page).
        guard !containsNationalID(text) else { return .failure(.validation([.init("text", "employer_workspace.message.error.fnr")])) }
        return .success(text)
    }

    /// Eleven digits in a row, or six and five with a space or dot between, not inside a longer number.
    static func containsNationalID(_ text: String) -> Bool {
        text.range(of: #"(?<!\d)\d{6}[ .]?\d{5}(?!\d)"#, options: .regularExpression) != nil
    }

    /// Free text written by NAV and shown outside it, without anything that looks like a national ID number.
    static func withoutNationalIDs(_ text: String) -> String {
        text.replacingOccurrences(of: #"(?<!\d)\d{6}[ .]?\d{5}(?!\d)"#, with: "[…]", options: .regularExpression)
    }
}
