import Fluent
import Vapor

/// The signed-in employer contact: their company and the office that invited them, checked once
/// per request. Everything the workspace shows is reached through this, never by an id alone.
struct EmployerScope: Sendable {
    let userID: UUID
    let employerID: UUID
    let officeID: UUID
    let contactID: UUID
    let employerName: String
}

/// One agreement of the contact's company that is still in their workspace, with its pathway and
/// what `DisclosureGate` lets the employer know about the candidate (the first name).
struct EmployerAgreement: Sendable {
    let snapshot: AgreementSnapshot
    let pathway: Pathway
    let disclosure: Disclosure?

    var id: UUID { snapshot.id }
    var agreement: Agreement { snapshot.agreement }
    var firstName: String { disclosure?.firstName ?? "–" }

    func status(now: Date) -> AgreementStatus { snapshot.status(now: now) }

    /// The employer's approval is what is missing, and they may give it.
    func awaitsEmployer(now: Date) -> Bool {
        pathway.status != .closed && status(now: now) == .awaitingApproval && !snapshot.approvedBy.contains(.employer)
    }
}

/// A meeting the employer takes part in, on the pathway of one of their agreements.
struct EmployerMeeting: Sendable {
    let meeting: Meeting
    let firstName: String
    let agreementID: UUID
    let confirmedAt: Date?
}

extension Request {
    /// The employer contact behind the request. A person whose contact row was removed from the
    /// employer register, or whose account points elsewhere, sees nothing (403, audited).
    func employerScope() async throws -> EmployerScope {
        let principal = try requirePrincipal()
        guard let external = principal.external, external.role == .arbeidsgiver, let contactID = external.employerContactID else {
            throw Abort(.forbidden)
        }
        let contact = try await EmployerContact.find(contactID, on: db)
        let employer = try await Employer.find(external.employerID, on: db)
        guard let contact, contact.$employer.id == external.employerID, contact.removedAt == nil,
              let employer, employer.$office.id == external.officeID else {
            try await audit(AuditEvent(.accessDenied, objectType: AuditObjectType.employer, objectID: external.employerID.uuidString,
                                       officeID: external.officeID, outcome: .denied, detail: "arbeidsgiver: kontaktpersonen er ikke lenger registrert"))
            throw Abort(.forbidden)
        }
        return EmployerScope(userID: principal.userID, employerID: external.employerID, officeID: external.officeID,
                             contactID: contactID, employerName: employer.name)
    }

    /// The agreement named by the route parameter, if it is in the contact's workspace. Another
    /// company's agreement, one past its window, or none at all: 404 and a denied audit entry, so
    /// the answer never tells whether it exists.
    func openEmployerAgreement(_ scope: EmployerScope, parameter: String = "agreementID") async throws -> EmployerAgreement {
        let id = parameters.get(parameter, as: UUID.self)
        if let id, let found = try await scope.agreements(now: now, on: db, only: [id]).first { return found }
        try await denyEmployer(agreementID: id, detail: "ikke egen avtale, eller utenfor tilgangsperioden")
    }

    /// Records the refusal against the candidate when the agreement exists, and answers 404.
    func denyEmployer(agreementID: UUID?, detail: String) async throws -> Never {
        if let agreementID, let agreement = try await Agreement.find(agreementID, on: db), let pathway = try await Pathway.find(agreement.$pathway.id, on: db) {
            try await audit(.pathway(.accessDenied, pathway, detail: "avtale \(agreementID.uuidString): arbeidsgiver: \(detail)", outcome: .denied))
        } else {
            try await audit(AuditEvent(.accessDenied, objectType: AuditObjectType.route, objectID: String(url.path.prefix(200)), outcome: .denied,
                                       detail: "arbeidsgiver: avtalen finnes ikke"))
        }
        throw Abort(.notFound)
    }
}

extension EmployerScope {
    /// The company's agreements still in the workspace, those waiting for the employer's approval
    /// first, then the newest. `only` narrows to some ids (still checked like all the others).
    func agreements(now: Date, on db: any Database, only ids: [UUID]? = nil) async throws -> [EmployerAgreement] {
        var query = Agreement.query(on: db).filter(\.$employer.$id == employerID).filter(\.$office.$id == officeID)
        if let ids { query = query.filter(\.$id ~~ ids) }
        let agreements = try await query.all()
        guard !agreements.isEmpty else { return [] }
        let agreementIDs = try agreements.map { try $0.requireID() }
        let versions = Dictionary(grouping: try await AgreementVersion.query(on: db).filter(\.$agreement.$id ~~ agreementIDs).sort(\.$version).all(),
                                  by: { $0.$agreement.id })
        let approvals = Dictionary(grouping: try await AgreementApproval.query(on: db).filter(\.$agreement.$id ~~ agreementIDs).sort(\.$approvedAt).all(),
                                   by: { $0.$agreement.id })
        let pathways = Dictionary(try await Pathway.query(on: db).filter(\.$id ~~ Set(agreements.map { $0.$pathway.id })).all().map { ($0.id!, $0) },
                                  uniquingKeysWith: { a, _ in a })
        var disclosures: [UUID: Disclosure?] = [:]
        var found: [EmployerAgreement] = []
        for agreement in agreements {
            let id = agreement.id!
            guard let pathway = pathways[agreement.$pathway.id], let versions = versions[id],
                  versions.contains(where: { $0.version == agreement.currentVersion }) else { continue }
            let snapshot = AgreementSnapshot(agreement: agreement, versions: versions, approvals: approvals[id] ?? [])
            // A closed pathway without its day counts as closed from its start: no access by accident.
            let closed = pathway.status == .closed ? (pathway.closedAt ?? pathway.createdAt) : nil
            guard EmployerWorkspaceRules.isVisible(end: snapshot.terms.endDate, annulledOn: agreement.annulledOn, annulReason: agreement.annulReason,
                                                   pathwayClosed: closed, at: now) else { continue }
            let candidateID = agreement.$candidate.id
            if disclosures[candidateID] == nil {
                disclosures[candidateID] = .some(try await DisclosureGate.disclose(candidateID: candidateID, to: .employer, at: now, on: db))
            }
            found.append(EmployerAgreement(snapshot: snapshot, pathway: pathway, disclosure: disclosures[candidateID] ?? nil))
        }
        return found.sorted { a, b in
            let (aWaits, bWaits) = (a.awaitsEmployer(now: now), b.awaitsEmployer(now: now))
            if aWaits != bWaits { return aWaits }
            let (aStart, bStart) = (a.snapshot.terms.startDate ?? .distantFuture, b.snapshot.terms.startDate ?? .distantFuture)
            if aStart != bStart { return aStart > bStart }
            return a.agreement.createdAt > b.agreement.createdAt
        }
    }

    /// The meetings of these agreements' pathways the employer takes part in: upcoming ones (the
    /// soonest first) and those of the last weeks (the latest first). Cancelled ones stay, marked,
    /// so nobody comes in vain.
    func meetings(of agreements: [EmployerAgreement], now: Date, on db: any Database) async throws -> (upcoming: [EmployerMeeting], recent: [EmployerMeeting]) {
        // Per pathway: when the company's first agreement on it was made, and whom it is about.
        var pathways: [UUID: (made: Date, firstName: String, agreementID: UUID)] = [:]
        for item in agreements {
            let pathwayID = item.pathway.id!
            if let known = pathways[pathwayID], known.made <= item.agreement.createdAt { continue }
            pathways[pathwayID] = (item.agreement.createdAt, item.firstName, item.id)
        }
        guard !pathways.isEmpty else { return ([], []) }
        // Meetings last at most a working day; a day's margin keeps the query simple.
        let earliest = now.addingTimeInterval(-Double(EmployerWorkspaceRules.recentMeetingDays + 1) * 86_400)
        let meetings = try await Meeting.query(on: db).filter(\.$pathway.$id ~~ Set(pathways.keys)).filter(\.$startsAt >= earliest).sort(\.$startsAt).all()
            .filter { meeting in
                guard let owner = pathways[meeting.$pathway.id] else { return false }
                return EmployerWorkspaceRules.showsMeeting(participants: meeting.participants, startsAt: meeting.startsAt, endsAt: meeting.endsAt,
                                                           firstAgreementMade: owner.made, now: now)
            }
        guard !meetings.isEmpty else { return ([], []) }
        let confirmations = Dictionary(try await MeetingConfirmation.query(on: db).filter(\.$meeting.$id ~~ meetings.compactMap(\.id))
            .filter(\.$user.$id == userID).all().map { ($0.$meeting.id, $0.confirmedAt) }, uniquingKeysWith: { a, _ in a })
        let items = meetings.compactMap { meeting -> EmployerMeeting? in
            guard let owner = pathways[meeting.$pathway.id], let id = meeting.id else { return nil }
            return EmployerMeeting(meeting: meeting, firstName: owner.firstName, agreementID: owner.agreementID, confirmedAt: confirmations[id])
        }
        return (items.filter { $0.meeting.endsAt >= now }, items.filter { $0.meeting.endsAt < now }.reversed())
    }
}
