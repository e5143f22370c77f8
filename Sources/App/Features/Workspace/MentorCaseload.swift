import Fluent
import Vapor

/// The pathways a mentor may see right now: those they are linked to, until twelve weeks after
/// the link, the pathway or the mentor's agreements end (`WorkspaceAccessRules`). Every mentor
/// page and API call goes through here; nothing a mentor reaches reads a pathway any other way.
struct MentorCase: Sendable {
    let pathway: Pathway
    let mentor: Mentor
    /// When access ends by itself; nil while it lasts.
    let accessEnds: Date?
    /// The last day of the mentor's period on the pathway; nil while linked. Meetings after it are
    /// someone else's.
    var linkEnd: Date? = nil

    var pathwayID: UUID { pathway.id! }
}

extension MentorCase {
    /// A meeting with a mentor taking part, within this mentor's period on the pathway (a later
    /// meeting has another mentor, and is none of this one's business).
    func mayAttend(_ meeting: Meeting) -> Bool {
        guard meeting.participants.contains(where: { $0.role == .mentor }) else { return false }
        return linkEnd.map { meeting.startsAt < WorkspaceAccessRules.endOfDay($0) } ?? true
    }
}

enum MentorCaseload {
    /// Every pathway the mentor may see at `now`, newest link first.
    static func load(mentorID: UUID, now: Date, on db: any Database) async throws -> [MentorCase] {
        guard let mentor = try await Mentor.find(mentorID, on: db) else { return [] }
        let links = try await PathwayMentor.query(on: db).filter(\.$mentor.$id == mentorID).sort(\.$fromDate, .descending).all()
        var cases: [MentorCase] = []
        var seen: Set<UUID> = []
        for link in links where !seen.contains(link.$pathway.id) {
            seen.insert(link.$pathway.id)
            // The latest period on the pathway decides (a mentor may be linked again after a break).
            let periods = links.filter { $0.$pathway.id == link.$pathway.id }
            let openPeriod = periods.contains { $0.toDate == nil }
            let linkEnd = openPeriod ? nil : periods.compactMap(\.toDate).max()
            guard let pathway = try await Pathway.find(link.$pathway.id, on: db) else { continue }
            let agreements = try await Agreement.query(on: db).filter(\.$pathway.$id == link.$pathway.id)
                .filter(\.$employer.$id == mentor.$employer.id).all()
            var ends: [WorkspaceAccessRules.AgreementEnd] = []
            for agreement in agreements {
                if let annulled = agreement.annulledOn { ends.append(.init(end: annulled)); continue }
                let version = try await AgreementVersion.query(on: db).filter(\.$agreement.$id == agreement.requireID())
                    .filter(\.$version == agreement.currentVersion).first()
                ends.append(.init(end: version?.endDate))
            }
            // A closed pathway always ends access, also one without a recorded closing day.
            let closed = pathway.status == .closed ? (pathway.closedAt ?? pathway.updatedAt ?? pathway.createdAt) : nil
            let accessEnds = WorkspaceAccessRules.mentorAccessEnds(linkEnd: linkEnd, pathwayClosed: closed, agreements: ends)
            guard WorkspaceAccessRules.isOpen(until: accessEnds, at: now) else { continue }
            cases.append(MentorCase(pathway: pathway, mentor: mentor, accessEnds: accessEnds, linkEnd: linkEnd))
        }
        return cases
    }
}

extension Request {
    /// The mentor behind the request (an external account standing for a mentor).
    func requireMentorID() throws -> UUID {
        guard let mentorID = try requirePrincipal().external?.mentorID else { throw Abort(.forbidden) }
        return mentorID
    }

    /// One pathway of the signed-in mentor's caseload. Anything else — another employer's
    /// candidate, an ended link, a made-up id — is 404 with a denied audit entry.
    func openMentorCase(_ pathwayID: UUID?) async throws -> MentorCase {
        let mentorID = try requireMentorID()
        if let pathwayID, let found = try await MentorCaseload.load(mentorID: mentorID, now: now, on: db).first(where: { $0.pathwayID == pathwayID }) {
            return found
        }
        try await audit(AuditEvent(.accessDenied, objectType: AuditObjectType.pathway, objectID: pathwayID?.uuidString, outcome: .denied,
                                   detail: "mentor \(mentorID.uuidString): ikke i mentorens forløp"))
        throw Abort(.notFound)
    }
}
