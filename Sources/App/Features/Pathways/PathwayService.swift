import Fluent
import SQLKit
import Vapor

/// A pathway opened through its candidate's access rules.
struct OpenedPathway: Sendable {
    let pathway: Pathway
    let candidate: OpenedCandidate
    /// The stored model version's row id.
    let recordID: UUID
    let model: MethodModel

    var id: UUID { pathway.id! }
    var mayChange: Bool { candidate.mayChange && pathway.status != .closed }
}

extension Request {
    /// Loads the pathway named by the route parameter and applies the candidate's access rules
    /// (unknown and not allowed both give 404).
    func openPathway(_ parameter: String = "pathwayID", needs: CandidateAccess.Level = .read) async throws -> OpenedPathway {
        guard let id = parameters.get(parameter, as: UUID.self) else { throw Abort(.notFound) }
        return try await openPathway(id: id, needs: needs)
    }

    func openPathway(id: UUID, needs: CandidateAccess.Level = .read) async throws -> OpenedPathway {
        guard let pathway = try await readDB.findModel(Pathway.self, id: id) else { throw Abort(.notFound) }
        let candidate = try await openCandidate(id: pathway.$candidate.id, needs: needs)
        guard let model = try await samskap.methodModels.model(id: pathway.$methodModel.id, on: db) else { throw Abort(.internalServerError) }
        return OpenedPathway(pathway: pathway, candidate: candidate, recordID: pathway.$methodModel.id, model: model)
    }
}

/// Every change to a pathway, shared by pages, API and demo data. Each change, the re-evaluation
/// of the pathway's criteria and the audit entry are written in one transaction.
struct PathwayService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    private var catalog: MethodModelCatalog { app.samskap.methodModels }

    private func audit(_ action: AuditAction, _ pathway: Pathway, detail: String) -> AuditEvent {
        .pathway(action, pathway, detail: detail)
    }

    // MARK: - Start

    func start(candidate: Candidate, _ valid: PathwayRules.ValidStart) async throws -> Pathway {
        guard let record = try await MethodModelRecord.find(valid.modelRecordID, on: app.db) else {
            throw ProblemError.validation([.init("methodModel", "pathway.error.model")])
        }
        let model = try catalog.model(record)
        guard let first = model.pathwaySteps.first else { throw Abort(.internalServerError) }
        let candidateID = try candidate.requireID()
        let pathway = Pathway()
        pathway.$candidate.id = candidateID
        pathway.$office.id = candidate.$office.id
        pathway.$counselor.id = candidate.$counselor.id
        pathway.$methodModel.id = try record.requireID()
        pathway.currentStep = first.id
        pathway.status = .active
        pathway.referralDate = valid.referralDate
        pathway.referrer = valid.referrer
        pathway.createdAt = now
        pathway.$createdBy.id = actorID
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow("candidates", id: candidateID, on: db)
            let open = try await Pathway.query(on: db).filter(\.$candidate.$id == candidateID).filter(\.$status != .closed).count()
            guard open == 0 else { throw ProblemError(.conflict, key: "pathway.error.already_open") }
            // The counselor as the candidate has one now: a handover may have been committed since
            // the candidate was read for the request, and the new pathway follows it.
            struct Responsible: Decodable { var counselor_id: UUID }
            guard let responsible = try await (db as! any SQLDatabase).raw("SELECT counselor_id FROM candidates WHERE id = \(bind: candidateID)")
                .first(decoding: Responsible.self) else { throw Abort(.notFound) }
            pathway.$counselor.id = responsible.counselor_id
            try await pathway.create(on: db)
            let pathwayID = try pathway.requireID()
            try await Self.insertEvent(pathwayID: pathwayID, type: .referralReceived, at: valid.referralDate, by: actorID, now: now, note: valid.referrer, on: db)
            try await Self.transition(pathwayID, kind: .start, from: nil, to: first.id, reason: nil, by: actorID, at: now, on: db)
            try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
            audit.record(self.audit(.pathwayCreated, pathway, detail: "\(model.name) v\(model.version)"))
        }
        return pathway
    }

    // MARK: - Events

    @discardableResult
    func record(_ opened: OpenedPathway, _ valid: PathwayRules.ValidEvent) async throws -> PathwayEvent {
        let pathway = opened.pathway
        let pathwayID = opened.id
        let (actorID, now, model) = (actorID, now, opened.model)
        return try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow("pathways", id: pathwayID, on: db)
            guard let current = try await Pathway.find(pathwayID, on: db), current.status != .closed else {
                throw ProblemError(.conflict, key: "pathway.error.closed")
            }
            var employerID = valid.employerID
            if let employerID {
                guard let employer = try await Employer.find(employerID, on: db), employer.$office.id == pathway.$office.id else {
                    throw ProblemError.validation([.init("employerId", "pathway.error.employer")])
                }
            } else if let name = valid.newEmployerName {
                employerID = try await Self.employer(named: name, officeID: pathway.$office.id, by: actorID, at: now, on: db)
            }
            let event = try await Self.insertEvent(pathwayID: pathwayID, type: valid.type, at: valid.occurredAt, by: actorID, now: now,
                                                   employerID: employerID, agreementID: valid.agreementID, note: valid.note, on: db)
            current.updatedAt = now
            try await current.save(on: db)
            try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
            audit.record(self.audit(.pathwayEventRecorded, pathway, detail: "\(valid.type.rawValue) \(DisplayDate.dayInput(valid.occurredAt))"))
            return event
        }
    }

    /// The office's employer of that name (letter case, spacing and æøå spelling aside), or a new one.
    /// The unique (office, name key) index keeps two parallel requests from creating it twice.
    static func employer(named name: String, officeID: UUID, by: UUID?, at: Date, on db: any Database) async throws -> UUID {
        let key = Employer.nameKey(name)
        let find = { try await Employer.query(on: db).filter(\.$office.$id == officeID).filter(\.$nameKey == key).first() }
        if let match = try await find() { return try match.requireID() }
        let employer = Employer()
        employer.$office.id = officeID
        employer.name = name
        employer.nameKey = key
        employer.isDemo = false
        employer.cooperationStatus = .new
        employer.createdAt = at
        employer.$createdBy.id = by
        try await employer.create(on: db)
        return try employer.requireID()
    }

    @discardableResult
    static func insertEvent(pathwayID: UUID, type: PathwayEventType, at: Date, by: UUID, now: Date, employerID: UUID? = nil,
                            agreementID: UUID? = nil, note: String? = nil, on db: any Database) async throws -> PathwayEvent {
        let event = PathwayEvent()
        event.$pathway.id = pathwayID
        event.type = type
        event.occurredAt = at
        event.recordedAt = now
        event.$recordedBy.id = by
        event.$employer.id = employerID
        event.agreementID = agreementID
        event.note = note
        try await event.insert(on: db)
        return event
    }

    static func transition(_ pathwayID: UUID, kind: PathwayTransition.Kind, from: String?, to: String?, reason: String?, by: UUID, at: Date, on db: any Database) async throws {
        let transition = PathwayTransition()
        transition.$pathway.id = pathwayID
        transition.kind = kind
        transition.fromStep = from
        transition.toStep = to
        transition.reason = reason
        transition.$byUser.id = by
        transition.at = at
        try await transition.create(on: db)
    }

    // MARK: - Step, pause, close

    func changeStep(_ opened: OpenedPathway, _ valid: PathwayRules.ValidStep) async throws {
        let pathwayID = opened.id
        let (actorID, now, model) = (actorID, now, opened.model)
        try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow("pathways", id: pathwayID, on: db)
            guard let pathway = try await Pathway.find(pathwayID, on: db), pathway.status != .closed else {
                throw ProblemError(.conflict, key: "pathway.error.closed")
            }
            let from = pathway.currentStep
            guard from != valid.step else { throw ProblemError.validation([.init("step", "pathway.error.step_same")]) }
            // Checked again here: the step may have changed since the form was read.
            let order = model.pathwaySteps.map(\.id)
            if valid.reason == nil, let to = order.firstIndex(of: valid.step), let at = order.firstIndex(of: from), to < at {
                throw ProblemError.validation([.init("reason", "pathway.error.required")])
            }
            pathway.currentStep = valid.step
            pathway.updatedAt = now
            try await pathway.save(on: db)
            try await Self.transition(pathwayID, kind: .step, from: from, to: valid.step, reason: valid.reason, by: actorID, at: now, on: db)
            try await Self.insertEvent(pathwayID: pathwayID, type: .stepChanged, at: now, by: actorID, now: now, note: "\(from) → \(valid.step)", on: db)
            try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
            audit.record(self.audit(.pathwayStepChanged, pathway, detail: "\(from) → \(valid.step)"))
        }
    }

    func setPaused(_ opened: OpenedPathway, paused: Bool, reason: String?) async throws {
        let pathwayID = opened.id
        let (actorID, now, model) = (actorID, now, opened.model)
        try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow("pathways", id: pathwayID, on: db)
            guard let pathway = try await Pathway.find(pathwayID, on: db), pathway.status != .closed else {
                throw ProblemError(.conflict, key: "pathway.error.closed")
            }
            guard pathway.status == (paused ? .active : .paused) else { return }
            pathway.status = paused ? .paused : .active
            pathway.updatedAt = now
            try await pathway.save(on: db)
            try await Self.transition(pathwayID, kind: paused ? .pause : .resume, from: pathway.currentStep, to: pathway.currentStep, reason: reason, by: actorID, at: now, on: db)
            // A paused pathway has been put on hold on purpose: its alerts rest until it is resumed.
            try await AlertStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
            audit.record(self.audit(.pathwayStatusChanged, pathway, detail: paused ? "pause" : "gjenopptatt"))
        }
    }

    func close(_ opened: OpenedPathway, _ valid: PathwayRules.ValidClose) async throws {
        let pathwayID = opened.id
        let (actorID, now, model) = (actorID, now, opened.model)
        try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow("pathways", id: pathwayID, on: db)
            guard let pathway = try await Pathway.find(pathwayID, on: db), pathway.status != .closed else {
                throw ProblemError(.conflict, key: "pathway.error.closed")
            }
            // Closing "as of" an earlier day would end rules before deadlines that were missed.
            if let latest = try await PathwayEvent.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$withdrawnAt == nil)
                .filter(\.$type != .stepChanged).sort(\.$occurredAt, .descending).first(),
                valid.closedAt < RuleDuration.calendar.startOfDay(for: latest.occurredAt) {
                throw ProblemError.validation([.init("closedAt", "pathway.error.close_before_events", DisplayDate.date(latest.occurredAt))])
            }
            pathway.status = .closed
            pathway.outcome = valid.outcome
            pathway.outcomeReason = valid.reason
            pathway.closedAt = valid.closedAt
            pathway.updatedAt = now
            try await pathway.save(on: db)
            try await Self.transition(pathwayID, kind: .close, from: pathway.currentStep, to: nil, reason: valid.reason, by: actorID, at: now, on: db)
            try await Self.insertEvent(pathwayID: pathwayID, type: .pathwayClosed, at: valid.closedAt, by: actorID, now: now, note: valid.outcome.rawValue, on: db)
            // Planned meetings of a closed pathway cannot be held: they are cancelled, and leave the calendars.
            for meeting in try await Meeting.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$minutesAt == nil).filter(\.$cancelledAt == nil).all() {
                meeting.cancelledAt = now
                meeting.cancelReason = "Forløpet er avsluttet"
                meeting.$cancelledBy.id = actorID
                meeting.sequence += 1
                meeting.updatedAt = now
                try await meeting.save(on: db)
            }
            try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
            audit.record(self.audit(.pathwayClosed, pathway, detail: valid.outcome.rawValue))
        }
    }

    /// Withdraws a mistaken event: it stays in the timeline, marked, with the reason, and no longer
    /// counts for the criteria. System events (start, step, closing) cannot be withdrawn.
    func withdraw(_ opened: OpenedPathway, eventID: UUID, reason: String) async throws {
        let pathwayID = opened.id
        let (actorID, now, model) = (actorID, now, opened.model)
        try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow("pathways", id: pathwayID, on: db)
            guard let pathway = try await Pathway.find(pathwayID, on: db), pathway.status != .closed else {
                throw ProblemError(.conflict, key: "pathway.error.closed")
            }
            guard let event = try await PathwayEvent.find(eventID, on: db), event.$pathway.id == pathwayID else { throw Abort(.notFound) }
            guard event.type.isWithdrawable else {
                throw ProblemError.validation([.init("event", "pathway.error.withdraw_system")])
            }
            guard event.withdrawnAt == nil else { throw ProblemError(.conflict, key: "pathway.error.already_withdrawn") }
            event.withdrawnAt = now
            event.$withdrawnBy.id = actorID
            event.withdrawnReason = reason
            try await event.save(on: db)
            pathway.updatedAt = now
            try await pathway.save(on: db)
            try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
            audit.record(self.audit(.pathwayEventWithdrawn, pathway, detail: "\(event.type.rawValue) \(DisplayDate.dayInput(event.occurredAt)) trukket tilbake"))
        }
    }
}

extension PathwayService {
    /// The industries the candidate wishes to work in, for job matching.
    func setWishedIndustries(_ opened: OpenedPathway, _ industries: [Industry]) async throws {
        let pathwayID = opened.id
        let now = now
        try await app.write(context: context) { db, audit in
            guard let pathway = try await Pathway.find(pathwayID, on: db), pathway.status != .closed else {
                throw ProblemError(.conflict, key: "pathway.error.closed")
            }
            pathway.wishedIndustries = industries
            pathway.updatedAt = now
            try await pathway.save(on: db)
            audit.record(.pathway(.pathwayUpdated, pathway, detail: "ønskede bransjer: \(industries.map(\.rawValue).joined(separator: ","))"))
        }
    }
}

extension AuditEvent {
    /// Pathway entries name the candidate, so "who has seen or changed data about this person"
    /// finds them; the pathway is named in the detail.
    static func pathway(_ action: AuditAction, _ pathway: Pathway, detail: String, outcome: Outcome = .allowed) -> AuditEvent {
        AuditEvent(action, objectType: AuditObjectType.candidate, objectID: pathway.$candidate.id.uuidString, officeID: pathway.$office.id,
                   outcome: outcome, detail: "forløp \(pathway.id?.uuidString ?? "?"): \(detail)")
    }
}
