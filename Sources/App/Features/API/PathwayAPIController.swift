import Fluent
import Vapor

/// `/api/v1` routes for method models and pathways. The same services and rules as the pages.
enum PathwayAPIRoutes {
    static func register(staff: some RoutesBuilder) {
        let api = PathwayAPIController()
        staff.get("method-models", use: api.models)
        staff.get("method-models", ":modelID", use: api.model)
        let pathways = staff.grouped("pathways")
        pathways.get(use: api.list)
        pathways.post(use: api.create)
        pathways.get(":pathwayID", use: api.show)
        pathways.get(":pathwayID", "events", use: api.events)
        pathways.post(":pathwayID", "events", use: api.recordEvent)
        pathways.post(":pathwayID", "events", ":eventID", "withdraw", use: api.withdrawEvent)
        pathways.post(":pathwayID", "step", use: api.changeStep)
        pathways.post(":pathwayID", "close", use: api.close)
        pathways.get(":pathwayID", "quality", use: api.quality)
    }
}

struct MethodModelSummaryDTO: Content {
    var id: UUID
    var key: String
    var version: Int
    var name: String
    /// `shipped`, or the office's enhet number.
    var owner: String
    var usedForNewPathways: Bool
    var stepCount: Int
    var criterionCount: Int
    var checkedCriterionCount: Int
}

struct RuleDTO: Content {
    var kind: String
    var expect: [String]
    var after: [String]?
    var within: String?
    var limit: String?
    var before: [String]?
    var sameEmployer: Bool?
    var every: String?
    var from: [String]?
    var until: [String]?
    var period: String?
    var endsWith: [String]?

    init(_ rule: CriterionRule) {
        let names: (Set<PathwayEventType>) -> [String] = { $0.map(\.rawValue).sorted() }
        expect = names(rule.expect)
        endsWith = rule.endsWith.isEmpty ? nil : names(rule.endsWith)
        switch rule.kind {
        case let .within(after, within, limit):
            kind = "within"; self.after = names(after); self.within = within.description; self.limit = limit?.description
        case let .before(triggers, sameEmployer, within):
            kind = "before"; before = names(triggers); self.sameEmployer = sameEmployer; self.within = within?.description
        case let .every(interval, from, until, period):
            kind = "every"; every = interval.description; self.from = names(from); self.until = until.isEmpty ? nil : names(until); self.period = period?.description
        }
    }
}

struct CriterionDTO: Content {
    var id: String
    var text: String
    var risk: String?
    var rule: RuleDTO?

    init(_ c: QualityCriterion) {
        id = c.id; text = c.text; risk = c.risk; rule = c.rule.map(RuleDTO.init)
    }
}

struct MethodModelDTO: Content {
    struct Activity: Content {
        var what: String
        var how: String?
        var who: String?
        var frame: String?
        var criteria: [CriterionDTO]
    }

    struct Step: Content {
        var id: String
        var name: String
        var purpose: String
        var scope: String
        var activities: [Activity]
        var criteria: [CriterionDTO]
    }

    var id: UUID
    var key: String
    var version: Int
    var name: String
    var summary: String
    var source: String?
    var owner: String
    var steps: [Step]
}

struct PathwayDTO: Content {
    struct ModelRef: Content {
        var id: UUID
        var key: String
        var version: Int
        var name: String
    }

    struct StepRef: Content {
        var id: String
        var name: String
    }

    struct Transition: Content {
        var kind: String
        var fromStep: String?
        var toStep: String?
        var at: Date
        var reason: String?
        var byUserId: UUID
    }

    var id: UUID
    var candidateId: UUID
    var counselorId: UUID
    var methodModel: ModelRef
    var steps: [StepRef]
    var currentStep: String
    var status: String
    var referralDate: String
    var referrer: String
    var outcome: String?
    var outcomeReason: String?
    var closedAt: String?
    var createdAt: Date
    var stepHistory: [Transition]
}

struct PathwayEventDTO: Content {
    var id: UUID
    var type: String
    var occurredAt: Date
    var recordedAt: Date
    var recordedBy: UUID
    var employerId: UUID?
    var agreementId: UUID?
    var note: String?
    /// Set when the event was withdrawn as a mistake; it then counts for no criterion.
    var withdrawnAt: Date?
    var withdrawnReason: String?

    init(_ e: PathwayEvent) throws {
        id = try e.requireID(); type = e.type.rawValue; occurredAt = e.occurredAt; recordedAt = e.recordedAt
        recordedBy = e.$recordedBy.id; employerId = e.$employer.id; agreementId = e.agreementID; note = e.note
        withdrawnAt = e.withdrawnAt; withdrawnReason = e.withdrawnReason
    }
}

struct QualityDTO: Content {
    struct Item: Content {
        var id: String
        var stepId: String
        var text: String
        var risk: String?
        var machineChecked: Bool
        var state: String
        /// The last allowed day (yyyy-MM-dd).
        var deadline: String?
        var limit: String?
        var overdueSince: String?
        var evidenceEventId: UUID?
        var evidenceAt: Date?
    }

    var pathwayId: UUID
    var methodModel: PathwayDTO.ModelRef
    var criteria: [Item]
}

struct PathwayAPIController {
    struct StartInput: Content {
        var candidateId: UUID?
        var methodModelId: String?
        var referralDate: String?
        var referrer: String?
    }

    struct EventInput: Content {
        var type: String?
        var occurredAt: String?
        var employerId: String?
        var newEmployerName: String?
        var agreementId: String?
        var note: String?
    }

    struct StepInput: Content {
        var step: String?
        var reason: String?
    }

    struct CloseInput: Content {
        var outcome: String?
        var reason: String?
        var closedAt: String?
    }

    // MARK: - Models

    func models(req: Request) async throws -> [MethodModelSummaryDTO] {
        let principal = try req.requirePrincipal()
        var owners = [MethodModelRecord.shippedOwner]
        if let office = principal.officeID { owners.append(office.uuidString) }
        let records = try await MethodModelRecord.query(on: req.db).filter(\.$owner ~~ owners).with(\.$office).sort(\.$key).sort(\.$version).all()
        let inUse = Set(try await req.samskap.methodModels.available(for: principal.officeID, on: req.db).compactMap(\.id))
        return try records.map { record in
            let model = try req.samskap.methodModels.model(record)
            return MethodModelSummaryDTO(
                id: try record.requireID(), key: model.key, version: model.version, name: model.name,
                owner: record.office?.enhetNumber ?? MethodModelRecord.shippedOwner, usedForNewPathways: inUse.contains(try record.requireID()),
                stepCount: model.pathwaySteps.count, criterionCount: model.criteria.count, checkedCriterionCount: model.checkedCriteria.count
            )
        }
    }

    func model(req: Request) async throws -> MethodModelDTO {
        let principal = try req.requirePrincipal()
        guard let id = req.parameters.get("modelID", as: UUID.self),
              let record = try await MethodModelRecord.query(on: req.db).filter(\.$id == id).with(\.$office).first(),
              record.isShipped || record.$office.id == principal.officeID
        else { throw Abort(.notFound) }
        let model = try req.samskap.methodModels.model(record)
        return MethodModelDTO(
            id: id, key: model.key, version: model.version, name: model.name, summary: model.summary, source: model.source,
            owner: record.office?.enhetNumber ?? MethodModelRecord.shippedOwner,
            steps: model.steps.map { step in
                .init(id: step.id, name: step.name, purpose: step.purpose, scope: step.scope.rawValue,
                      activities: step.activities.map { .init(what: $0.what, how: $0.how, who: $0.who, frame: $0.frame, criteria: $0.criteria.map(CriterionDTO.init)) },
                      criteria: step.criteria.map(CriterionDTO.init))
            }
        )
    }

    // MARK: - Pathways

    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(StartInput.self)
        guard let candidateID = input.candidateId else { throw ProblemError.validation([.init("candidateId", "pathway.error.candidate")]) }
        let opened = try await req.openCandidate(id: candidateID, needs: .full)
        let available = try await req.samskap.methodModels.available(for: opened.candidate.$office.id, on: req.db)
        // The form's field is `methodModel`; the API's is `methodModelId`.
        let valid = try PathwayRules.start(modelID: input.methodModelId, referralDate: input.referralDate, referrer: input.referrer,
                                           available: available.compactMap(\.id), now: req.now)
            .mapError { problem in ProblemError.validation(problem.fields.map { $0.field == "methodModel" ? .init("methodModelId", $0.key) : $0 }) }.get()
        let pathway = try await PathwayService(req: req).start(candidate: opened.candidate, valid)
        let dto = try await dto(req, try await req.openPathway(id: try pathway.requireID()))
        let response = try await dto.encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/pathways/\(dto.id)")
        return response
    }

    /// `?candidateId=` lists that candidate's pathways (its access rules apply); without it, the
    /// caller's own pathways as responsible counselor.
    func list(req: Request) async throws -> [PathwayDTO] {
        let principal = try req.requirePrincipal()
        let pathways: [Pathway]
        if let raw = try? req.query.get(String.self, at: "candidateId") {
            guard let candidateID = UUID(uuidString: raw) else { throw ProblemError.validation([.init("candidateId", "pathway.error.candidate")]) }
            _ = try await req.openCandidate(id: candidateID)
            pathways = try await Pathway.query(on: req.db).filter(\.$candidate.$id == candidateID).sort(\.$referralDate, .descending).all()
        } else {
            pathways = try await Pathway.query(on: req.db).filter(\.$counselor.$id == principal.userID).filter(\.$status != .closed)
                .sort(\.$referralDate, .descending).limit(500).all()
        }
        // One entry per pathway, on its candidate, so a search by person finds the read.
        if !pathways.isEmpty {
            try await req.application.audit(pathways.map { .pathway(.pathwayRead, $0, detail: "API: liste") }, context: req.auditContext)
        }
        var result: [PathwayDTO] = []
        for pathway in pathways {
            result.append(try await dto(req, try await req.openPathway(id: try pathway.requireID())))
        }
        return result
    }

    func show(req: Request) async throws -> PathwayDTO {
        let opened = try await req.openPathway()
        try await req.audit(.pathway(.pathwayRead, opened.pathway, detail: "API"))
        return try await dto(req, opened)
    }

    func events(req: Request) async throws -> [PathwayEventDTO] {
        let opened = try await req.openPathway()
        try await req.audit(.pathway(.pathwayRead, opened.pathway, detail: "API: hendelser"))
        return try await PathwayEvent.query(on: req.db).filter(\.$pathway.$id == opened.id).sort(\.$occurredAt).sort(\.$recordedAt).all().map(PathwayEventDTO.init)
    }

    func recordEvent(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        let input = try req.content.decode(EventInput.self)
        let valid = try PathwayRules.event(type: input.type, occurredAt: input.occurredAt, employerID: input.employerId, newEmployerName: input.newEmployerName,
                                           agreementID: input.agreementId, note: input.note, referralDate: opened.pathway.referralDate, now: req.now).get()
        let event = try await PathwayService(req: req).record(opened, valid)
        return try await PathwayEventDTO(event).encodeResponse(status: .created, for: req)
    }

    func changeStep(req: Request) async throws -> PathwayDTO {
        let opened = try await req.openPathway(needs: .full)
        guard opened.pathway.status != .closed else { throw ProblemError(.conflict, key: "pathway.error.closed") }
        let input = try req.content.decode(StepInput.self)
        let valid = try PathwayRules.step(input.step, reason: input.reason, model: opened.model, current: opened.pathway.currentStep).get()
        try await PathwayService(req: req).changeStep(opened, valid)
        return try await dto(req, try await req.openPathway(id: opened.id))
    }

    func close(req: Request) async throws -> PathwayDTO {
        let opened = try await req.openPathway(needs: .full)
        guard opened.pathway.status != .closed else { throw ProblemError(.conflict, key: "pathway.error.closed") }
        let input = try req.content.decode(CloseInput.self)
        let valid = try PathwayRules.close(outcome: input.outcome, reason: input.reason, closedAt: input.closedAt, referralDate: opened.pathway.referralDate, now: req.now).get()
        try await PathwayService(req: req).close(opened, valid)
        return try await dto(req, try await req.openPathway(id: opened.id))
    }

    struct WithdrawInput: Content {
        var reason: String?
    }

    func withdrawEvent(req: Request) async throws -> PathwayEventDTO {
        let opened = try await req.openPathway(needs: .full)
        guard let eventID = req.parameters.get("eventID", as: UUID.self) else { throw Abort(.notFound) }
        var issues: [ProblemError.FieldIssue] = []
        let reason = PathwayRules.text(try req.content.decode(WithdrawInput.self).reason, field: "reason", max: PathwayRules.maxReason, required: true, issues: &issues)
        guard issues.isEmpty, let reason else { throw ProblemError.validation(issues) }
        try await PathwayService(req: req).withdraw(opened, eventID: eventID, reason: reason)
        guard let event = try await PathwayEvent.find(eventID, on: req.db) else { throw Abort(.notFound) }
        return try PathwayEventDTO(event)
    }

    func quality(req: Request) async throws -> QualityDTO {
        let opened = try await req.openPathway()
        let rows = try await PathwayCriteriaStore.load(pathwayID: opened.id, on: req.readDB)
        let now = req.now
        let day: (Date?) -> String? = { $0.map { DisplayDate.dayInput(CriterionStatus.lastDay($0)) } }
        try await req.audit(.pathway(.pathwayRead, opened.pathway, detail: "API: kvalitet"))
        return QualityDTO(
            pathwayId: opened.id, methodModel: modelRef(opened),
            criteria: opened.model.pathwaySteps.flatMap(\.allCriteria).map { criterion in
                let status = CriterionStatus(row: rows[criterion.id], now: now)
                return QualityDTO.Item(
                    id: criterion.id, stepId: criterion.stepID, text: criterion.text, risk: criterion.risk, machineChecked: criterion.rule != nil,
                    state: status.state.rawValue, deadline: day(status.deadline), limit: day(status.limit),
                    overdueSince: status.overdueSince.map(DisplayDate.dayInput), evidenceEventId: status.evidenceEventID, evidenceAt: status.evidenceAt
                )
            }
        )
    }

    private func modelRef(_ opened: OpenedPathway) -> PathwayDTO.ModelRef {
        .init(id: opened.recordID, key: opened.model.key, version: opened.model.version, name: opened.model.name)
    }

    private func dto(_ req: Request, _ opened: OpenedPathway) async throws -> PathwayDTO {
        let p = opened.pathway
        let transitions = try await PathwayTransition.query(on: req.db).filter(\.$pathway.$id == opened.id).sort(\.$at).all()
        return PathwayDTO(
            id: opened.id, candidateId: p.$candidate.id, counselorId: p.$counselor.id, methodModel: modelRef(opened),
            steps: opened.model.pathwaySteps.map { .init(id: $0.id, name: $0.name) }, currentStep: p.currentStep, status: p.status.rawValue,
            referralDate: DisplayDate.dayInput(p.referralDate), referrer: p.referrer, outcome: p.outcome?.rawValue, outcomeReason: p.outcomeReason,
            closedAt: p.closedAt.map(DisplayDate.dayInput), createdAt: p.createdAt,
            stepHistory: transitions.map { .init(kind: $0.kind.rawValue, fromStep: $0.fromStep, toStep: $0.toStep, at: $0.at, reason: $0.reason, byUserId: $0.$byUser.id) }
        )
    }
}
