import Fluent
import SQLKit
import Vapor

/// Every change to a candidate, shared by the pages and the API. Each change and its audit entry
/// are written in one transaction; the fnr is never written to the audit trail.
struct CandidateService {
    let req: Request

    var now: Date { req.now }

    // MARK: - Register and edit

    /// A person with this national ID number is already registered.
    struct AlreadyRegistered: Error {
        let candidateID: UUID
        /// Whether the user may open the existing record (same office); otherwise they may ask for access.
        let sameOffice: Bool
    }

    func register(_ valid: ValidCandidate) async throws -> Candidate {
        let principal = try req.requirePrincipal()
        guard let officeID = principal.officeID, principal.hasAny([.veileder, .leder]) else {
            throw ProblemError(.forbidden, key: "candidate.error.no_office")
        }
        guard let fnr = valid.fnr else { throw ProblemError.validation([.init("fnr", "fnr.error.required")]) }
        if let existing = try await Candidate.query(on: req.db).filter(\.$fnr == fnr.value).first() {
            try await req.audit(AuditEvent(.candidateDuplicate, objectType: AuditObjectType.candidate, objectID: existing.id?.uuidString, officeID: existing.$office.id, outcome: .denied, detail: "forsøkte å registrere en kandidat som finnes"))
            throw AlreadyRegistered(candidateID: try existing.requireID(), sameOffice: existing.$office.id == officeID)
        }
        let candidate = Candidate()
        candidate.$office.id = officeID
        candidate.$counselor.id = principal.userID
        candidate.fnr = fnr.value
        apply(valid, to: candidate)
        candidate.isHybrid = false
        candidate.counselorChanges = 0
        candidate.isDemo = false
        candidate.createdAt = now
        let at = now
        do {
            try await insert(candidate, fnr: fnr, at: at, principal: principal)
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            // Registered by someone else a moment ago: the same answer as when it was there before.
            guard let existing = try await Candidate.query(on: req.db).filter(\.$fnr == fnr.value).first() else { throw error }
            throw AlreadyRegistered(candidateID: try existing.requireID(), sameOffice: existing.$office.id == officeID)
        }
        return candidate
    }

    private func insert(_ candidate: Candidate, fnr: NationalID, at: Date, principal: Principal) async throws {
        try await req.write { db, audit in
            try await candidate.create(on: db)
            let assignment = CounselorAssignment()
            assignment.$candidate.id = try candidate.requireID()
            assignment.$toCounselor.id = principal.userID
            assignment.changedAt = at
            assignment.$changedBy.id = principal.userID
            assignment.seenAt = at
            try await assignment.create(on: db)
            audit.record(.candidate(.candidateCreated, candidate, detail: "\(fnr.kind == .dNumber ? "D-nummer" : "fødselsnummer")\(fnr.isSynthetic ? ", syntetisk" : "")"))
        }
    }

    func update(_ candidate: Candidate, with valid: ValidCandidate) async throws {
        let before = CandidateChanges.snapshot(candidate)
        apply(valid, to: candidate)
        candidate.updatedAt = now
        let changed = CandidateChanges.changedFields(before: before, after: CandidateChanges.snapshot(candidate))
        try await req.write { db, audit in
            try await candidate.save(on: db)
            audit.record(.candidate(.candidateUpdated, candidate, detail: changed.isEmpty ? "ingen endring" : "endret: " + changed.joined(separator: ", ")))
        }
    }

    private func apply(_ valid: ValidCandidate, to candidate: Candidate) {
        candidate.firstName = valid.firstName
        candidate.lastName = valid.lastName
        candidate.searchKey = SearchText.folded(valid.firstName, valid.lastName)
        candidate.phone = valid.phone
        candidate.email = valid.email
        candidate.municipality = valid.municipality
        candidate.innsatsgruppe = valid.innsatsgruppe
        candidate.mainBenefit = valid.mainBenefit
        candidate.wishes = valid.wishes
        candidate.wishedWork = valid.wishedWork
        candidate.strengths = valid.strengths
        candidate.challenges = valid.challenges
        candidate.supportNeeds = valid.supportNeeds
        candidate.education = valid.education
        candidate.workExperience = valid.workExperience
        candidate.norwegianLevel = valid.norwegianLevel
    }

    // MARK: - Looking and asking

    /// Shows the whole number once; only the audit entry remembers that it was shown.
    func revealFnr(_ opened: OpenedCandidate) async throws -> String {
        try await req.audit(.candidate(.candidateFnrRevealed, opened.candidate))
        return opened.candidate.fnr
    }

    /// A colleague or leader at the office states why they open the candidate.
    func grantByReason(_ candidate: Candidate, reason: String) async throws {
        let principal = try req.requirePrincipal()
        let at = now
        try await req.write { db, audit in
            let grant = CandidateAccessGrant()
            grant.$candidate.id = try candidate.requireID()
            grant.$user.id = principal.userID
            grant.reason = reason
            grant.grantedAt = at
            grant.expiresAt = at.addingTimeInterval(CandidateAccess.reasonGrantDuration)
            grant.readOnly = !principal.roles.contains(.leder)
            try await grant.create(on: db)
            audit.record(.candidate(.candidateAccessReason, candidate, detail: "grunn: \(reason)"))
        }
    }

    /// Asks for access to a candidate the user may not see. Tells nothing about the candidate.
    func requestAccess(fnr: NationalID, reason: String) async throws {
        let principal = try req.requirePrincipal()
        guard let candidate = try await Candidate.query(on: req.db).filter(\.$fnr == fnr.value).first() else {
            throw ProblemError(.notFound, key: "candidate.error.request_unknown")
        }
        let candidateID = try candidate.requireID()
        let open = try await CandidateAccessRequest.query(on: req.db)
            .filter(\.$candidate.$id == candidateID).filter(\.$requester.$id == principal.userID).filter(\.$decidedAt == nil).count()
        guard open == 0 else { throw ProblemError(.conflict, key: "candidate.error.request_exists") }
        let at = now
        try await req.write { db, audit in
            let request = CandidateAccessRequest()
            request.$candidate.id = candidateID
            request.$requester.id = principal.userID
            request.reason = reason
            request.createdAt = at
            try await request.create(on: db)
            audit.record(.candidate(.candidateAccessRequested, candidate, detail: "grunn: \(reason)"))
        }
    }

    /// The responsible counselor or a leader answers an access request.
    func decide(_ request: CandidateAccessRequest, candidate: Candidate, approve: Bool, response: String?) async throws {
        let principal = try req.requirePrincipal()
        guard request.decidedAt == nil else { throw ProblemError(.conflict, key: "candidate.error.request_decided") }
        let at = now
        try await req.write { db, audit in
            request.decidedAt = at
            request.$decidedBy.id = principal.userID
            request.approved = approve
            request.response = response
            try await request.save(on: db)
            if approve {
                let grant = CandidateAccessGrant()
                grant.$candidate.id = try candidate.requireID()
                grant.$user.id = request.$requester.id
                grant.reason = request.reason
                grant.grantedAt = at
                grant.expiresAt = at.addingTimeInterval(CandidateAccess.requestGrantDuration)
                grant.readOnly = true
                try await grant.create(on: db)
            }
            audit.record(.candidate(.candidateAccessDecided, candidate, detail: approve ? "godkjent lesetilgang i 30 dager" : "avslått"))
        }
    }

    // MARK: - Hybrid follow-up

    func startHybrid(_ candidate: Candidate, on date: Date, reason: String) async throws {
        guard !candidate.isHybrid else { throw ProblemError(.conflict, key: "hybrid.error.already") }
        let counselorID = candidate.$counselor.id
        let (candidateID, now) = (try candidate.requireID(), now)
        try await req.write { db, audit in
            try await Self.recheck(candidate, on: db) { !$0.isHybrid ? nil : "hybrid.error.already" }
            let period = HybridPeriod()
            period.$candidate.id = try candidate.requireID()
            period.$counselor.id = counselorID
            period.startedOn = date
            period.reason = reason
            try await period.create(on: db)
            candidate.isHybrid = true
            candidate.hybridSince = date
            try await candidate.save(on: db)
            try await AlertStore.refresh(candidateID: candidateID, catalog: req.samskap.methodModels, on: db, now: now)
            audit.record(.candidate(.candidateHybridStarted, candidate, detail: "grunn: \(reason)"))
        }
    }

    func endHybrid(_ candidate: Candidate, on date: Date, reason: String) async throws {
        let candidateID = try candidate.requireID()
        guard candidate.isHybrid,
              let period = try await HybridPeriod.query(on: req.db).filter(\.$candidate.$id == candidateID).filter(\.$endedOn == nil).first()
        else { throw ProblemError(.conflict, key: "hybrid.error.not_hybrid") }
        guard date >= Calendar.oslo.startOfDay(for: period.startedOn) else {
            throw ProblemError.validation([.init("date", "hybrid.error.end_before_start")])
        }
        let now = now
        try await req.write { db, audit in
            try await Self.recheck(candidate, on: db) { $0.isHybrid ? nil : "hybrid.error.not_hybrid" }
            period.endedOn = date
            period.endReason = reason
            try await period.save(on: db)
            candidate.isHybrid = false
            candidate.hybridSince = nil
            try await candidate.save(on: db)
            try await AlertStore.refresh(candidateID: candidateID, catalog: req.samskap.methodModels, on: db, now: now)
            audit.record(.candidate(.candidateHybridEnded, candidate, detail: "grunn: \(reason)"))
        }
    }

    // MARK: - Handover

    struct HandoverNote: Sendable {
        var situation: String
        var agreements: String
        var mentor: String
        var nextMeeting: String
        var promised: String

        /// The situation is required; the rest may be "ingen" but must be thought about.
        func problems() -> [ProblemError.FieldIssue] {
            var issues: [ProblemError.FieldIssue] = []
            if CandidateRules.clean(situation).count < 10 { issues.append(.init("situation", "handover.error.situation")) }
            for (field, value) in [("agreements", agreements), ("mentor", mentor), ("nextMeeting", nextMeeting), ("promised", promised)] {
                if CandidateRules.clean(value).isEmpty { issues.append(.init(field, "handover.error.required")) }
            }
            for (field, value) in [("situation", situation), ("agreements", agreements), ("mentor", mentor), ("nextMeeting", nextMeeting), ("promised", promised)]
            where value.count > CandidateRules.longTextLimit {
                issues.append(.init(field, "form.error.too_long", String(CandidateRules.longTextLimit)))
            }
            return issues
        }
    }

    func handover(_ candidate: Candidate, to newCounselorID: UUID, note: HandoverNote) async throws {
        let principal = try req.requirePrincipal()
        var issues = note.problems()
        let newCounselor = try await User.query(on: req.db).filter(\.$id == newCounselorID).with(\.$roleRows).first()
        if let newCounselor, newCounselor.isActive, newCounselor.$office.id == candidate.$office.id, newCounselor.roles.contains(.veileder) {
            if newCounselorID == candidate.$counselor.id { issues.append(.init("counselorID", "handover.error.same")) }
        } else {
            issues.append(.init("counselorID", "handover.error.counselor"))
        }
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        let from = candidate.$counselor.id
        let at = now
        let candidateID = try candidate.requireID()
        try await req.write { db, audit in
            // Two handovers at once: the second finds the counselor already changed.
            try await Self.recheck(candidate, on: db) { $0.$counselor.id == from ? nil : "handover.error.changed" }
            let assignment = CounselorAssignment()
            assignment.$candidate.id = candidateID
            assignment.$fromCounselor.id = from
            assignment.$toCounselor.id = newCounselorID
            assignment.changedAt = at
            assignment.$changedBy.id = principal.userID
            assignment.situation = CandidateRules.clean(note.situation)
            assignment.agreements = CandidateRules.clean(note.agreements)
            assignment.mentor = CandidateRules.clean(note.mentor)
            assignment.nextMeeting = CandidateRules.clean(note.nextMeeting)
            assignment.promised = CandidateRules.clean(note.promised)
            try await assignment.create(on: db)
            // An open hybrid period belongs to the counselor who gave the close follow-up.
            if candidate.isHybrid {
                try await HybridPeriod.query(on: db).filter(\.$candidate.$id == candidateID).filter(\.$endedOn == nil)
                    .set(\.$endedOn, to: at).set(\.$endReason, to: "bytte av veileder").update()
                let period = HybridPeriod()
                period.$candidate.id = candidateID
                period.$counselor.id = newCounselorID
                period.startedOn = at
                period.reason = "videreført ved bytte av veileder"
                try await period.create(on: db)
            }
            candidate.$counselor.id = newCounselorID
            candidate.counselorChanges += 1
            candidate.updatedAt = at
            try await candidate.save(on: db)
            // The pathways that are still open follow the candidate to the new counselor; closed
            // ones keep who was responsible while they ran.
            try await Pathway.query(on: db).filter(\.$candidate.$id == candidate.requireID()).filter(\.$status != .closed)
                .set(\.$counselor.$id, to: newCounselorID).set(\.$updatedAt, to: at).update()
            // Their obligations' copy of the counselor (for the quality page, M0018) moves with
            // them. After the pathways: on PostgreSQL that update waits for any transaction still
            // evaluating one of them (it holds the pathway's row lock), so this statement sees the
            // obligations that transaction wrote.
            try await (db as! any SQLDatabase).raw("""
                UPDATE pathway_criterion_obligations SET counselor_id = \(bind: newCounselorID)
                WHERE pathway_id IN (SELECT id FROM pathways WHERE candidate_id = \(bind: candidateID) AND status <> \(bind: Pathway.Status.closed.rawValue))
                """).run()
            audit.record(.candidate(.candidateHandover, candidate, detail: "bytte nr. \(candidate.counselorChanges)"))
        }
    }

    /// Locks the candidate's row, reads it again inside the transaction and refuses (409 with the
    /// returned key) when a parallel change got there first; the model is refreshed for the write.
    static func recheck(_ candidate: Candidate, on db: any Database, _ problem: (Candidate) -> String?) async throws {
        let id = try candidate.requireID()
        // Pathways before their candidate, as every re-evaluation takes them (`PathwayEvaluation`),
        // so a hybrid change and a write to one of the pathways wait for each other instead of deadlocking.
        // (SQLite needs no row locks: a write transaction holds the database's write lock.)
        if DatabaseDialect(db) == .postgres {
            struct Row: Decodable { var id: UUID }
            let pathways = try await (db as! any SQLDatabase).raw("""
                SELECT id FROM pathways WHERE candidate_id = \(bind: id) AND status <> \(bind: Pathway.Status.closed.rawValue)
                """).all(decoding: Row.self).map(\.id)
            try await DatabaseDialect(db).lockRows("pathways", ids: pathways, on: db)
        }
        try await DatabaseDialect(db).lockRow(Candidate.schema, id: id, on: db)
        guard let fresh = try await Candidate.find(id, on: db) else { throw Abort(.notFound) }
        if let key = problem(fresh) { throw ProblemError(.conflict, key: key) }
        candidate.isHybrid = fresh.isHybrid
        candidate.hybridSince = fresh.hybridSince
        candidate.counselorChanges = fresh.counselorChanges
        candidate.$counselor.id = fresh.$counselor.id
    }

    /// The latest handover note to the current counselor, if they have not opened it yet; marks it seen.
    func unseenHandover(_ candidate: Candidate) async throws -> CandidatePageReads.Assignment? {
        let principal = try req.requirePrincipal()
        guard candidate.$counselor.id == principal.userID else { return nil }
        guard let latest = try await CandidatePageReads.unseenHandover(candidateID: candidate.requireID(), to: principal.userID, on: req.readDB)
        else { return nil }
        let at = now
        try await req.write { db, _ in
            try await CounselorAssignment.query(on: db)
                .filter(\.$id == latest.id).filter(\.$seenAt == nil)
                .set(\.$seenAt, to: at).update()
        }
        return latest.assignment
    }
}

/// What changed in an edit, by field name (never the values: they are personal data).
enum CandidateChanges {
    static func snapshot(_ c: Candidate) -> [String: String] {
        [
            "navn": c.firstName + " " + c.lastName, "telefon": c.phone ?? "", "e-post": c.email ?? "",
            "kommune": c.municipality ?? "", "innsatsgruppe": c.innsatsgruppe.rawValue, "ytelse": c.mainBenefit.rawValue,
            "ønsker": (c.wishes ?? "") + "|" + (c.wishedWork ?? ""), "ressurser": c.strengths ?? "", "utfordringer": c.challenges ?? "",
            "støttebehov": c.supportNeeds ?? "", "utdanning": c.education ?? "", "arbeidserfaring": c.workExperience ?? "",
            "norsknivå": c.norwegianLevel?.rawValue ?? "",
        ]
    }

    static func changedFields(before: [String: String], after: [String: String]) -> [String] {
        before.keys.sorted().filter { before[$0] != after[$0] }
    }
}

extension Calendar {
    /// Dates are days at a Norwegian office.
    static let oslo: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Oslo") ?? .current
        return calendar
    }()
}

extension AuditEvent {
    /// An event about a candidate (a person).
    static func candidate(_ action: AuditAction, _ candidate: Candidate, detail: String? = nil, outcome: Outcome = .allowed) -> AuditEvent {
        AuditEvent(action, objectType: AuditObjectType.candidate, objectID: candidate.id?.uuidString, officeID: candidate.$office.id, outcome: outcome, detail: detail)
    }
}
