import Fluent
import Vapor

/// What a person typed into the consent form.
struct ConsentDraft: Sendable {
    var items: [String]
    var party: String
    var givenOn: String
    var expiresOn: String
    var form: String
    var note: String

    struct Valid: Sendable {
        var items: [DisclosureItem]
        var party: DisclosureParty
        var givenOn: Date
        var expiresOn: Date?
        var form: ConsentForm
        var note: String?
    }

    /// Checks the draft; `today` is the start of the current day.
    func validate(today: Date) -> Result<Valid, ValidationProblems> {
        var issues: [ProblemError.FieldIssue] = []
        let parsedItems = items.compactMap(DisclosureItem.init(rawValue:))
        if parsedItems.isEmpty || parsedItems.count != items.count { issues.append(.init("items", "consent.error.items")) }
        let party = DisclosureParty(rawValue: party)
        if party == nil { issues.append(.init("party", "consent.error.party")) }
        let given = DisplayDate.parseDay(givenOn)
        if given == nil { issues.append(.init("givenOn", "consent.error.given_on")) } else if let given, given > today {
            issues.append(.init("givenOn", "consent.error.given_future"))
        }
        var expires: Date?
        if !expiresOn.isEmpty {
            expires = DisplayDate.parseDay(expiresOn)
            if expires == nil { issues.append(.init("expiresOn", "consent.error.expires_on")) } else if let expires, let given, expires < given {
                issues.append(.init("expiresOn", "consent.error.expires_before"))
            }
        }
        let form = ConsentForm(rawValue: form)
        if form == nil { issues.append(.init("form", "consent.error.form")) }
        let note = CandidateRules.clean(note)
        if note.count > 500 { issues.append(.init("note", "form.error.too_long", "500")) }
        guard issues.isEmpty, let party, let given, let form else { return .failure(ValidationProblems(issues: issues)) }
        return .success(Valid(
            items: Array(Set(parsedItems)).sorted { $0.rawValue < $1.rawValue }, party: party, givenOn: given,
            expiresOn: expires, form: form, note: note.isEmpty ? nil : note
        ))
    }
}

/// Records and withdraws consents. A withdrawal holds from the moment it is saved.
struct ConsentService {
    let req: Request

    func record(_ valid: ConsentDraft.Valid, for candidate: Candidate) async throws -> [CandidateConsent] {
        let principal = try req.requirePrincipal()
        let at = req.now
        let candidateID = try candidate.requireID()
        return try await req.write { db, audit in
            var created: [CandidateConsent] = []
            for item in valid.items {
                let consent = CandidateConsent()
                consent.$candidate.id = candidateID
                consent.item = item
                consent.party = valid.party
                consent.givenOn = valid.givenOn
                consent.expiresOn = valid.expiresOn
                consent.form = valid.form
                consent.note = valid.note
                consent.$recordedBy.id = principal.userID
                consent.recordedAt = at
                try await consent.create(on: db)
                created.append(consent)
                audit.record(AuditEvent(.consentRecorded, objectType: AuditObjectType.candidate, objectID: candidateID.uuidString, officeID: candidate.$office.id, detail: "\(item.rawValue) → \(valid.party.rawValue) (\(valid.form.rawValue))"))
            }
            return created
        }
    }

    func withdraw(_ consent: CandidateConsent, of candidate: Candidate) async throws {
        guard consent.withdrawnAt == nil else { throw ProblemError(.conflict, key: "consent.error.withdrawn") }
        let principal = try req.requirePrincipal()
        let at = req.now
        try await req.write { db, audit in
            try await DatabaseDialect(db).lockRow(CandidateConsent.schema, id: try consent.requireID(), on: db)
            guard try await CandidateConsent.find(consent.requireID(), on: db)?.withdrawnAt == nil else {
                throw ProblemError(.conflict, key: "consent.error.withdrawn")
            }
            consent.withdrawnAt = at
            consent.$withdrawnBy.id = principal.userID
            try await consent.save(on: db)
            audit.record(AuditEvent(.consentWithdrawn, objectType: AuditObjectType.candidate, objectID: try candidate.requireID().uuidString, officeID: candidate.$office.id, detail: "\(consent.item.rawValue) → \(consent.party.rawValue)"))
        }
    }

    /// The candidate's consents, newest first, with who recorded and withdrew them: two statements
    /// on `readDB`, where Fluent's eager loads took three on the driver.
    func consents(of candidateID: UUID) async throws -> [CandidateConsent] {
        let sql = req.readDB
        let consents = try await sql.models(CandidateConsent.self, where: "candidate_id", equals: candidateID, orderBy: ("recorded_at", .descending))
        let userIDs = Set(consents.flatMap { [$0.$recordedBy.id] + ($0.$withdrawnBy.id.map { [$0] } ?? []) })
        let users = try await sql.findModels(User.self, ids: Array(userIDs)).reduce(into: [UUID: User]()) { $0[$1.id!] = $1 }
        for consent in consents {
            guard let recordedBy = users[consent.$recordedBy.id] else { throw Abort(.internalServerError) }
            consent.$recordedBy.value = recordedBy
            consent.$withdrawnBy.value = .some(consent.$withdrawnBy.id.flatMap { users[$0] })
        }
        return consents
    }
}
