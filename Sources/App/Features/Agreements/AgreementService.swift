import Fluent
import SQLKit
import Vapor

/// An agreement with everything its status and subsidy are derived from.
struct AgreementSnapshot: Sendable {
    let agreement: Agreement
    let versions: [AgreementVersion]
    let approvals: [AgreementApproval]

    var id: UUID { agreement.id! }
    var current: AgreementVersion { versions.first { $0.version == agreement.currentVersion }! }
    var terms: AgreementTerms { current.terms }
    var missingFields: [String] { AgreementRules.missingFields(terms, type: agreement.type) }

    /// Parties whose approval of the current version stands.
    var approvedBy: Set<ApprovalParty> {
        Set(approvals.filter { $0.version == agreement.currentVersion && $0.withdrawnAt == nil }.map(\.party))
    }

    func status(now: Date) -> AgreementStatus {
        AgreementStatus.derive(annulled: agreement.annulledOn != nil, complete: missingFields.isEmpty, approvedBy: approvedBy,
                               start: terms.startDate, end: terms.endDate, now: now)
    }

    /// The last version both parties approved, with the approved extensions up to it.
    var approved: AgreementTimeline.Approved? {
        AgreementTimeline.approved(versions.map {
            .init(version: $0.version, start: $0.startDate, end: $0.endDate, isExtension: $0.isExtension, fullyApprovedAt: $0.fullyApprovedAt)
        })
    }

    func subsidy(rates: SubsidyRates) -> MentorSubsidy? {
        guard agreement.type == .mentor, let hours = terms.hundredthHours, let wage = terms.wageInOre else { return nil }
        return MentorSubsidy(hundredthHours: hours, wageInOre: wage, rates: rates)
    }

    static func load(_ agreement: Agreement, on db: any Database) async throws -> AgreementSnapshot {
        try await load([agreement], on: db as! any SQLDatabase)[0]
    }

    /// On `Request.readDB` outside a write transaction.
    static func load(_ agreement: Agreement, on sql: any SQLDatabase) async throws -> AgreementSnapshot {
        try await load([agreement], on: sql)[0]
    }

    /// Several agreements' snapshots from two statements, in the order given.
    static func load(_ agreements: [Agreement], on sql: any SQLDatabase) async throws -> [AgreementSnapshot] {
        guard !agreements.isEmpty else { return [] }
        let ids = try agreements.map { try $0.requireID() }
        let versions = Dictionary(grouping: try await sql.select().column("*").from(AgreementVersion.schema).where("agreement_id", .in, ids)
            .orderBy("version").orderBy("id").models(AgreementVersion.self)) { $0.$agreement.id }
        let approvals = Dictionary(grouping: try await sql.select().column("*").from(AgreementApproval.schema).where("agreement_id", .in, ids)
            .orderBy("approved_at").orderBy("id").models(AgreementApproval.self)) { $0.$agreement.id }
        return zip(agreements, ids).map { agreement, id in
            AgreementSnapshot(agreement: agreement, versions: versions[id] ?? [], approvals: approvals[id] ?? [])
        }
    }
}

extension AgreementTimeline {
    /// The approved timeline of each agreement that is not annulled, per pathway, oldest agreement
    /// first. One statement for all the pathways that reads only the approved versions' dates: the
    /// alerts need no more, and they are re-evaluated on every change to a pathway.
    static func approvedTimelines(pathwayIDs: [UUID], on db: any Database) async throws -> [UUID: [(id: UUID, type: AgreementType, approved: Approved)]] {
        guard !pathwayIDs.isEmpty else { return [:] }
        struct Row: Decodable {
            var pathway_id: UUID
            var agreement_id: UUID
            var type: String
            var version: Int
            var start_date: Date?
            var end_date: Date?
            var is_extension: Bool
            var fully_approved_at: Date?
        }
        let rows = try await (db as! any SQLDatabase).raw("""
            SELECT a.pathway_id, a.id AS agreement_id, a.type, v.version, v.start_date, v.end_date, v.is_extension, v.fully_approved_at
            FROM agreements a JOIN agreement_versions v ON v.agreement_id = a.id
            WHERE a.pathway_id IN (\(binds: pathwayIDs)) AND a.annulled_on IS NULL AND v.fully_approved_at IS NOT NULL
            ORDER BY a.pathway_id, a.created_at, a.id, v.version
            """).all(decoding: Row.self)
        var order: [(pathway: UUID, agreement: UUID)] = []
        var byAgreement: [UUID: (type: String, versions: [VersionFacts])] = [:]
        for row in rows {
            if byAgreement[row.agreement_id] == nil { order.append((row.pathway_id, row.agreement_id)) }
            byAgreement[row.agreement_id, default: (row.type, [])].versions.append(.init(
                version: row.version, start: row.start_date, end: row.end_date, isExtension: row.is_extension, fullyApprovedAt: row.fully_approved_at))
        }
        var result: [UUID: [(id: UUID, type: AgreementType, approved: Approved)]] = [:]
        for (pathwayID, id) in order {
            let entry = byAgreement[id]!
            guard let type = AgreementType(rawValue: entry.type) else { throw UnknownAgreementType(value: entry.type) }
            if let approved = approved(entry.versions) { result[pathwayID, default: []].append((id, type, approved)) }
        }
        return result
    }

    struct UnknownAgreementType: Error, CustomStringConvertible {
        var value: String
        var description: String { "Ukjent avtaletype i agreements: «\(value)»." }
    }
}

extension Request {
    /// The agreement named by the route parameter, through its pathway's (candidate's) access rules.
    func openAgreement(_ parameter: String = "agreementID", needs: CandidateAccess.Level = .read) async throws -> (AgreementSnapshot, OpenedPathway) {
        guard let id = parameters.get(parameter, as: UUID.self), let agreement = try await readDB.findModel(Agreement.self, id: id) else { throw Abort(.notFound) }
        let opened = try await openPathway(id: agreement.$pathway.id, needs: needs)
        return (try await AgreementSnapshot.load(agreement, on: readDB), opened)
    }
}

/// Every change to an agreement. Each change writes its audit entry and brings the pathway's
/// events (`placement_start`, `agreement_extended`, `hired`, `placement_ended`, `job_taste_start`)
/// in line with the agreement, in the same transaction.
struct AgreementService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    private func audit(_ action: AuditAction, _ pathway: Pathway, _ agreementID: UUID?, _ detail: String) -> AuditEvent {
        .pathway(action, pathway, detail: "avtale \(agreementID?.uuidString ?? "?"): \(detail)")
    }

    /// The office's mentors, for checking a mentor agreement's mentor.
    static func mentorIDs(officeID: UUID, on db: any Database) async throws -> Set<UUID> {
        Set(try await Mentor.query(on: db).filter(\.$office.$id == officeID).all().compactMap(\.id))
    }

    func create(_ opened: OpenedPathway, type: AgreementType, employerID: UUID, draft: AgreementRules.Draft, isDemo: Bool = false) async throws -> Agreement {
        let pathway = opened.pathway
        let mentors = try await Self.mentorIDs(officeID: pathway.$office.id, on: app.db)
        let terms = try AgreementRules.terms(draft, type: type, participant: AgreementRules.participant(opened.candidate.candidate), mentors: mentors, now: now).get()
        let agreement = Agreement()
        agreement.$office.id = pathway.$office.id
        agreement.$pathway.id = opened.id
        agreement.$candidate.id = pathway.$candidate.id
        agreement.$employer.id = employerID
        agreement.type = type
        agreement.currentVersion = 1
        agreement.createdAt = now
        agreement.$createdBy.id = actorID
        agreement.isDemo = isDemo
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            guard let current = try await Pathway.find(opened.id, on: db), current.status != .closed else {
                throw ProblemError(.conflict, key: "pathway.error.closed")
            }
            guard let employer = try await Employer.find(employerID, on: db), employer.$office.id == pathway.$office.id else {
                throw ProblemError.validation([.init("employerId", "pathway.error.employer")])
            }
            try await agreement.create(on: db)
            let version = AgreementVersion()
            version.$agreement.id = try agreement.requireID()
            version.version = 1
            version.terms = terms
            version.isExtension = false
            version.createdAt = now
            version.$createdBy.id = actorID
            try await version.create(on: db)
            audit.record(self.audit(.agreementCreated, pathway, agreement.id, "\(type.rawValue) hos \(employer.name)"))
        }
        return agreement
    }

    /// Changes the terms. Before any approval the current version is edited; after one, a new
    /// version is made and the approvals of the old one are withdrawn (kept, with the reason).
    func update(_ snapshot: AgreementSnapshot, _ opened: OpenedPathway, draft: AgreementRules.Draft, changeNote: String?) async throws {
        let agreementID = snapshot.id
        let type = snapshot.agreement.type
        let mentors = try await Self.mentorIDs(officeID: snapshot.agreement.$office.id, on: app.db)
        let terms = try AgreementRules.terms(draft, type: type, participant: AgreementRules.participant(opened.candidate.candidate), mentors: mentors, now: now).get()
        var issues: EmployerRules.Issues = []
        let note = EmployerRules.text(changeNote, "changeNote", max: PathwayRules.maxReason, &issues)
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            let fresh = try await lockedSnapshot(agreementID, on: db)
            let status = fresh.status(now: now)
            guard status != .annulled, status != .ended else { throw ProblemError(.conflict, key: "agreement.error.closed") }
            // A running agreement is made longer only by an extension, which needs an evaluation first.
            if let approved = fresh.approved, approved.start <= RuleDuration.calendar.startOfDay(for: now),
               let end = terms.endDate, end > (approved.end ?? end) {
                throw ProblemError.validation([.init("endDate", "agreement.error.use_extend")])
            }
            guard terms != fresh.terms else { return }
            if fresh.approvals.contains(where: { $0.version == fresh.agreement.currentVersion && $0.withdrawnAt == nil }) || fresh.current.fullyApprovedAt != nil {
                try await newVersion(fresh, terms: terms, isExtension: false, note: note, on: db)
            } else {
                let version = fresh.current
                version.terms = terms
                version.changeNote = note
                try await version.save(on: db)
            }
            fresh.agreement.updatedAt = now
            try await fresh.agreement.save(on: db)
            _ = actorID
            audit.record(self.audit(.agreementUpdated, opened.pathway, agreementID, "versjon \(fresh.agreement.currentVersion)"))
        }
    }

    /// The agreement, locked after its pathway: every write to a pathway locks the pathway first, so
    /// two writes to agreements of one pathway queue there. (Locking only the agreement let both
    /// insert their events first — each holding a key-share lock on the pathway's row — and then
    /// wait for each other's lock on that row: PostgreSQL ended one of them as a deadlock.)
    private func lockedSnapshot(_ agreementID: UUID, on db: any Database) async throws -> AgreementSnapshot {
        let dialect = DatabaseDialect(db)
        if dialect == .postgres {
            struct Row: Decodable { var pathway_id: UUID }
            guard let row = try await (db as! any SQLDatabase).select().column("pathway_id").from(Agreement.schema)
                .where("id", .equal, agreementID).first(decoding: Row.self) else { throw Abort(.notFound) }
            try await dialect.lockRow("pathways", id: row.pathway_id, on: db)
        }
        try await dialect.lockRow("agreements", id: agreementID, on: db)
        guard let agreement = try await Agreement.find(agreementID, on: db) else { throw Abort(.notFound) }
        return try await AgreementSnapshot.load(agreement, on: db)
    }

    private func newVersion(_ snapshot: AgreementSnapshot, terms: AgreementTerms, isExtension: Bool, note: String?, on db: any Database) async throws {
        let next = snapshot.agreement.currentVersion + 1
        for approval in snapshot.approvals where approval.version == snapshot.agreement.currentVersion && approval.withdrawnAt == nil {
            approval.withdrawnAt = now
            approval.withdrawnReason = "Ny versjon \(next)"
            try await approval.save(on: db)
        }
        let version = AgreementVersion()
        version.$agreement.id = snapshot.id
        version.version = next
        version.terms = terms
        version.isExtension = isExtension
        version.changeNote = note
        version.createdAt = now
        version.$createdBy.id = actorID
        try await version.create(on: db)
        snapshot.agreement.currentVersion = next
    }

    /// One party approves the current version. When both have, the version is the one in force
    /// and the pathway's events follow it.
    func approve(_ snapshot: AgreementSnapshot, _ opened: OpenedPathway, party rawParty: String?) async throws {
        try await approve(snapshot, pathway: opened.pathway, party: rawParty)
    }

    /// The same, for a caller without an opened pathway (the employer contact's workspace, whose
    /// access rests on the agreement itself); the pathway only names the candidate in the audit entry.
    func approve(_ snapshot: AgreementSnapshot, pathway: Pathway, party rawParty: String?) async throws {
        guard let party = PathwayRules.trimmed(rawParty).flatMap(ApprovalParty.init(rawValue:)) else {
            throw ProblemError.validation([.init("party", "form.error.choice")])
        }
        let agreementID = snapshot.id
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            let fresh = try await lockedSnapshot(agreementID, on: db)
            switch fresh.status(now: now) {
            case .annulled, .ended: throw ProblemError(.conflict, key: "agreement.error.closed")
            case .started: throw ProblemError(.conflict, key: "agreement.error.incomplete", fields: fresh.missingFields.map { .init($0, "pathway.error.required") })
            default: break
            }
            guard !fresh.approvedBy.contains(party) else { throw ProblemError(.conflict, key: "agreement.error.already_approved") }
            let approval = AgreementApproval()
            approval.$agreement.id = agreementID
            approval.version = fresh.agreement.currentVersion
            approval.party = party
            approval.approvedAt = now
            approval.$approvedBy.id = actorID
            try await approval.create(on: db)
            if fresh.approvedBy.union([party]).isSuperset(of: ApprovalParty.allCases) {
                fresh.current.fullyApprovedAt = now
                try await fresh.current.save(on: db)
            }
            fresh.agreement.updatedAt = now
            try await fresh.agreement.save(on: db)
            try await AgreementEvents.sync(agreementID, by: actorID, now: now, catalog: app.samskap.methodModels, on: db)
            audit.record(self.audit(.agreementApproved, pathway, agreementID, "\(party.rawValue), versjon \(fresh.agreement.currentVersion)"))
        }
    }

    /// Extends a running agreement to a later end date. Refused unless an evaluation meeting has
    /// been recorded on the pathway since the start or the last extension.
    func extend(_ snapshot: AgreementSnapshot, _ opened: OpenedPathway, endDate: String?, reason: String?) async throws {
        let agreementID = snapshot.id
        let participant = AgreementRules.participant(opened.candidate.candidate)
        let mentors = try await Self.mentorIDs(officeID: snapshot.agreement.$office.id, on: app.db)
        var issues: EmployerRules.Issues = []
        let note = EmployerRules.text(reason, "reason", max: PathwayRules.maxReason, required: true, &issues)
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        let now = now
        try await app.write(context: context) { db, audit in
            let fresh = try await lockedSnapshot(agreementID, on: db)
            guard fresh.status(now: now) == .running, let approved = fresh.approved else { throw ProblemError(.conflict, key: "agreement.error.extend_not_running") }
            var draft = AgreementRules.Draft(fresh.terms)
            draft.endDate = endDate
            let terms = try AgreementRules.terms(draft, type: fresh.agreement.type, participant: participant, mentors: mentors, now: now).get()
            guard let newEnd = terms.endDate, newEnd > (approved.end ?? newEnd) else {
                throw ProblemError.validation([.init("endDate", "agreement.error.extend_later")])
            }
            let since = approved.extensions.last ?? approved.start
            let evaluation = try await PathwayEvent.query(on: db).filter(\.$pathway.$id == opened.id).filter(\.$type == .evaluationMeeting)
                .filter(\.$withdrawnAt == nil).filter(\.$occurredAt >= since).first()
            guard evaluation != nil else {
                throw ProblemError(.conflict, key: "agreement.error.extend_needs_evaluation", args: [DisplayDate.date(since)],
                                   fields: [.init("endDate", "agreement.error.extend_needs_evaluation", DisplayDate.date(since))])
            }
            try await newVersion(fresh, terms: terms, isExtension: true, note: note, on: db)
            fresh.agreement.updatedAt = now
            try await fresh.agreement.save(on: db)
            audit.record(self.audit(.agreementExtended, opened.pathway, agreementID, "til \(DisplayDate.dayInput(newEnd)), versjon \(fresh.agreement.currentVersion)"))
        }
    }

    func annul(_ snapshot: AgreementSnapshot, _ opened: OpenedPathway, reason rawReason: String?, note rawNote: String?, on rawDay: String?) async throws {
        var issues: EmployerRules.Issues = []
        let reason: AnnulmentReason? = EmployerRules.choice(rawReason, "reason", required: true, &issues)
        let note = EmployerRules.text(rawNote, "note", max: PathwayRules.maxReason, required: reason == .other, &issues)
        let day = EmployerRules.day(rawDay ?? DisplayDate.dayInput(now), "annulledOn", now: now, pastOnly: true, &issues)
        guard issues.isEmpty, let reason, let day else { throw ProblemError.validation(issues) }
        let agreementID = snapshot.id
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            let fresh = try await lockedSnapshot(agreementID, on: db)
            let status = fresh.status(now: now)
            guard status != .annulled, status != .ended else { throw ProblemError(.conflict, key: "agreement.error.closed") }
            fresh.agreement.annulledOn = day
            fresh.agreement.annulReason = reason
            fresh.agreement.annulNote = note
            fresh.agreement.$annulledBy.id = actorID
            fresh.agreement.updatedAt = now
            try await fresh.agreement.save(on: db)
            try await AgreementEvents.sync(agreementID, by: actorID, now: now, catalog: app.samskap.methodModels, on: db)
            audit.record(self.audit(.agreementAnnulled, opened.pathway, agreementID, reason.rawValue))
        }
    }
}

/// Keeps a pathway's events in line with its agreements: what `AgreementTimeline.expected` says
/// is added, what it no longer says is withdrawn (kept in the timeline with the reason).
enum AgreementEvents {
    static func sync(_ agreementID: UUID, by actorID: UUID?, now: Date, catalog: MethodModelCatalog, on db: any Database) async throws {
        guard let agreement = try await Agreement.find(agreementID, on: db) else { return }
        // The pathway is locked before its events are written (see `lockedSnapshot`); the daily job
        // comes here without having locked it.
        try await DatabaseDialect(db).lockRow("pathways", id: agreement.$pathway.id, on: db)
        let snapshot = try await AgreementSnapshot.load(agreement, on: db)
        let annulled = agreement.annulledOn.flatMap { day in agreement.annulReason.map { (on: day, reason: $0) } }
        let expected = AgreementTimeline.expected(type: agreement.type, approved: snapshot.approved, annulled: annulled, now: now)
        let existing = try await PathwayEvent.query(on: db).filter(\.$agreementID == agreementID).filter(\.$withdrawnAt == nil).all()
        let calendar = RuleDuration.calendar
        var missing = expected
        var changed = false
        for event in existing {
            if let index = missing.firstIndex(of: .init(type: event.type, day: calendar.startOfDay(for: event.occurredAt))) {
                missing.remove(at: index)
            } else {
                event.withdrawnAt = now
                event.$withdrawnBy.id = actorID
                event.withdrawnReason = "Avtalen er endret"
                try await event.save(on: db)
                changed = true
            }
        }
        // Events the system writes on its own carry the name of the person who made the agreement.
        let recorder = actorID ?? agreement.$createdBy.id
        for event in missing {
            try await PathwayService.insertEvent(pathwayID: agreement.$pathway.id, type: event.type, at: event.day, by: recorder, now: now,
                                                 employerID: agreement.$employer.id, agreementID: agreementID, note: agreement.type.rawValue, on: db)
            changed = true
        }
        agreement.eventsDueAt = AgreementTimeline.nextChange(approved: snapshot.approved, annulled: agreement.annulledOn != nil, now: now)
        try await agreement.save(on: db)
        // Criteria change only with the events; the alerts also with the period and the approvals.
        if let pathway = try await Pathway.find(agreement.$pathway.id, on: db),
           let model = try await catalog.model(id: pathway.$methodModel.id, on: db) {
            if changed {
                try await PathwayCriteriaStore.refresh(pathwayID: pathway.requireID(), model: model, on: db, now: now)
            } else {
                try await AlertStore.refresh(pathwayID: pathway.requireID(), model: model, on: db, now: now)
            }
        }
    }

    /// For the daily job: the agreements whose events change by time alone (a start or an end day passed).
    static func due(now: Date, limit: Int, on db: any Database) async throws -> [UUID] {
        try await Agreement.query(on: db).filter(\.$eventsDueAt != nil).filter(\.$eventsDueAt <= now).sort(\.$eventsDueAt).limit(limit).all().compactMap(\.id)
    }
}
