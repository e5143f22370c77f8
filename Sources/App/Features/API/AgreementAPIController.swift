import Fluent
import Vapor

enum AgreementAPIRoutes {
    static func register(staff: some RoutesBuilder) {
        let api = AgreementAPIController()
        let agreements = staff.grouped("agreements")
        agreements.get(use: api.list)
        agreements.post(use: api.create)
        agreements.get(":agreementID", use: api.show)
        agreements.patch(":agreementID", use: api.update)
        agreements.get(":agreementID", "versions", use: api.versions)
        agreements.post(":agreementID", "approve", use: api.approve)
        agreements.post(":agreementID", "extend", use: api.extend)
        agreements.post(":agreementID", "annul", use: api.annul)
    }
}

struct AgreementTermsDTO: Content {
    struct Goal: Content {
        var kind: String
        var description: String
    }
    var startDate: String?
    var endDate: String?
    var goals: [Goal]
    var tasks: String?
    var followUp: String?
    var navContact: String?
    var workplaceContact: String?
    var wageSubsidyPercent: Int?
    var mentorId: UUID?
    /// Hours per month (up to two decimals).
    var mentorHoursPerMonth: Decimal?
    /// Kroner per hour (up to two decimals).
    var hourlyWage: Decimal?

    init(_ t: AgreementTerms) {
        startDate = t.startDate.map(DisplayDate.dayInput); endDate = t.endDate.map(DisplayDate.dayInput)
        goals = t.goals.map { .init(kind: $0.kind.rawValue, description: $0.description) }
        tasks = t.tasks; followUp = t.followUp; navContact = t.navContact; workplaceContact = t.workplaceContact
        wageSubsidyPercent = t.wageSubsidyPercent; mentorId = t.mentorID
        mentorHoursPerMonth = t.hundredthHours.map { Decimal($0) / 100 }
        hourlyWage = t.wageInOre.map { Decimal($0) / 100 }
    }
}

struct AgreementDTO: Content {
    struct Approval: Content {
        var party: String
        var version: Int
        var approvedAt: Date
        var approvedBy: UUID
        var withdrawnAt: Date?
        var withdrawnReason: String?
    }
    struct Annulment: Content {
        var on: String
        var reason: String
        var note: String?
    }

    var id: UUID
    var pathwayId: UUID
    var candidateId: UUID
    var employerId: UUID
    var type: String
    /// Derived from the data and today's date; never set directly.
    var status: String
    var version: Int
    var terms: AgreementTermsDTO
    /// Fields approval still needs.
    var missingFields: [String]
    /// Whole kroner per month (mentor agreements).
    var monthlySubsidy: Int?
    /// Whole kroner for the whole period (mentor agreements with both dates).
    var totalSubsidy: Int?
    var approvals: [Approval]
    var annulment: Annulment?
    var createdAt: Date
    var updatedAt: Date?

    init(_ s: AgreementSnapshot, now: Date, rates: SubsidyRates) throws {
        let a = s.agreement
        id = s.id; pathwayId = a.$pathway.id; candidateId = a.$candidate.id; employerId = a.$employer.id; type = a.type.rawValue
        status = s.status(now: now).rawValue; version = a.currentVersion; terms = AgreementTermsDTO(s.terms); missingFields = s.missingFields
        let subsidy = s.subsidy(rates: rates)
        monthlySubsidy = subsidy?.monthly
        if let subsidy, let start = s.terms.startDate, let end = s.terms.endDate { totalSubsidy = subsidy.total(from: start, to: end) }
        approvals = s.approvals.map { .init(party: $0.party.rawValue, version: $0.version, approvedAt: $0.approvedAt, approvedBy: $0.$approvedBy.id,
                                            withdrawnAt: $0.withdrawnAt, withdrawnReason: $0.withdrawnReason) }
        annulment = a.annulledOn.map { Annulment(on: DisplayDate.dayInput($0), reason: a.annulReason?.rawValue ?? "", note: a.annulNote) }
        createdAt = a.createdAt; updatedAt = a.updatedAt
    }
}

struct AgreementVersionDTO: Content {
    var version: Int
    var terms: AgreementTermsDTO
    var isExtension: Bool
    var changeNote: String?
    var createdAt: Date
    var createdBy: UUID
    /// When both parties had approved this version.
    var fullyApprovedAt: Date?
}

struct AgreementAPIController {
    /// The terms as JSON: numbers for money and hours, days as yyyy-MM-dd.
    struct TermsInput: Content {
        struct Goal: Content {
            var kind: String?
            var description: String?
        }
        var startDate: String?
        var endDate: String?
        var goals: [Goal]?
        var tasks: String?
        var followUp: String?
        var navContact: String?
        var workplaceContact: String?
        var wageSubsidyPercent: Int?
        var mentorId: String?
        var mentorHoursPerMonth: Decimal?
        var hourlyWage: Decimal?
    }

    struct CreateInput: Content {
        var pathwayId: UUID?
        var type: String?
        var employerId: UUID?
        var terms: TermsInput?
    }

    private static func text(_ value: Decimal?) -> String? {
        value.map { NSDecimalNumber(decimal: $0).stringValue }
    }

    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(CreateInput.self)
        var issues: EmployerRules.Issues = []
        let type: AgreementType? = EmployerRules.choice(input.type, "type", required: true, &issues)
        if input.pathwayId == nil { issues.append(.init("pathwayId", "pathway.error.required")) }
        if input.employerId == nil { issues.append(.init("employerId", "pathway.error.required")) }
        guard issues.isEmpty, let type, let pathwayID = input.pathwayId, let employerID = input.employerId else { throw ProblemError.validation(issues) }
        let opened = try await req.openPathway(id: pathwayID, needs: .full)
        let t = input.terms
        let draft = AgreementRules.Draft(
            startDate: t?.startDate, endDate: t?.endDate, goals: (t?.goals ?? []).map { .init(kind: $0.kind, description: $0.description) },
            tasks: t?.tasks, followUp: t?.followUp, navContact: t?.navContact, workplaceContact: t?.workplaceContact,
            wageSubsidyPercent: t?.wageSubsidyPercent.map(String.init), mentorId: t?.mentorId,
            mentorHoursPerMonth: Self.text(t?.mentorHoursPerMonth), hourlyWage: Self.text(t?.hourlyWage))
        let agreement = try await AgreementService(req: req).create(opened, type: type, employerID: employerID, draft: draft)
        let snapshot = try await AgreementSnapshot.load(agreement, on: req.readDB)
        let response = try await AgreementDTO(snapshot, now: req.now, rates: req.samskap.config.subsidyRates).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/agreements/\(snapshot.id)")
        return response
    }

    /// `?pathwayId=` lists that pathway's agreements (its candidate's access rules apply); without
    /// it, the agreements of the caller's own pathways. `employerId` and `status` narrow the list.
    func list(req: Request) async throws -> [AgreementDTO] {
        let principal = try req.requirePrincipal()
        var query = Agreement.query(on: req.db)
        var opened: OpenedPathway?
        if let raw = try? req.query.get(String.self, at: "pathwayId") {
            guard let id = UUID(uuidString: raw) else { throw ProblemError.validation([.init("pathwayId", "form.error.choice")]) }
            opened = try await req.openPathway(id: id)
            query = query.filter(\.$pathway.$id == id)
        } else {
            query = query.join(Pathway.self, on: \Agreement.$pathway.$id == \Pathway.$id).filter(Pathway.self, \.$counselor.$id == principal.userID)
        }
        if let raw = try? req.query.get(String.self, at: "employerId") {
            guard let id = UUID(uuidString: raw) else { throw ProblemError.validation([.init("employerId", "form.error.choice")]) }
            query = query.filter(\.$employer.$id == id)
        }
        var wanted: AgreementStatus?
        if let raw = try? req.query.get(String.self, at: "status") {
            guard let status = AgreementStatus(rawValue: raw) else { throw ProblemError.validation([.init("status", "form.error.choice")]) }
            wanted = status
        }
        let agreements = try await query.sort(\.$createdAt, .descending).limit(500).all()
        var result: [AgreementDTO] = []
        var audits: [AuditEvent] = []
        for (agreement, snapshot) in zip(agreements, try await AgreementSnapshot.load(agreements, on: req.readDB)) {
            if let wanted, snapshot.status(now: req.now) != wanted { continue }
            result.append(try AgreementDTO(snapshot, now: req.now, rates: req.samskap.config.subsidyRates))
            audits.append(AuditEvent(.agreementRead, objectType: AuditObjectType.candidate, objectID: agreement.$candidate.id.uuidString,
                                     officeID: agreement.$office.id, detail: "avtale \(snapshot.id): API: liste"))
        }
        _ = opened
        if !audits.isEmpty { try await req.application.audit(audits, context: req.auditContext) }
        return result
    }

    private func read(_ req: Request, needs: CandidateAccess.Level = .read) async throws -> (AgreementSnapshot, OpenedPathway) {
        let (snapshot, opened) = try await req.openAgreement(needs: needs)
        if needs == .read {
            try await req.audit(.pathway(.agreementRead, opened.pathway, detail: "avtale \(snapshot.id): API"))
        }
        return (snapshot, opened)
    }

    private func reload(_ req: Request, _ id: UUID) async throws -> AgreementDTO {
        guard let agreement = try await req.readDB.findModel(Agreement.self, id: id) else { throw Abort(.notFound) }
        return try AgreementDTO(try await AgreementSnapshot.load(agreement, on: req.readDB), now: req.now, rates: req.samskap.config.subsidyRates)
    }

    func show(req: Request) async throws -> AgreementDTO {
        let (snapshot, _) = try await read(req)
        return try AgreementDTO(snapshot, now: req.now, rates: req.samskap.config.subsidyRates)
    }

    func versions(req: Request) async throws -> [AgreementVersionDTO] {
        let (snapshot, _) = try await read(req)
        return snapshot.versions.map { v in
            AgreementVersionDTO(version: v.version, terms: AgreementTermsDTO(v.terms), isExtension: v.isExtension, changeNote: v.changeNote,
                                createdAt: v.createdAt, createdBy: v.$createdBy.id, fullyApprovedAt: v.fullyApprovedAt)
        }
    }

    /// Fields left out keep their value; `null` clears one. `changeNote` says why.
    func update(req: Request) async throws -> AgreementDTO {
        let (snapshot, opened) = try await req.openAgreement(needs: .full)
        struct Patch: Content {
            var terms: TermsInput
            var changeNote: String?
        }
        let body = try req.content.decode([String: AnyJSONValue].self)
        let patch = try req.content.decode(TermsInput.self)
        let known: Set<String> = ["startDate", "endDate", "goals", "tasks", "followUp", "navContact", "workplaceContact", "wageSubsidyPercent",
                                  "mentorId", "mentorHoursPerMonth", "hourlyWage", "changeNote"]
        if let unknown = body.keys.first(where: { !known.contains($0) }) { throw ProblemError.validation([.init(unknown, "api.error.unknown_field")]) }
        var draft = AgreementRules.Draft(snapshot.terms)
        let has = { (key: String) in body.keys.contains(key) }
        if has("startDate") { draft.startDate = patch.startDate }
        if has("endDate") { draft.endDate = patch.endDate }
        if has("goals") { draft.goals = (patch.goals ?? []).map { .init(kind: $0.kind, description: $0.description) } }
        if has("tasks") { draft.tasks = patch.tasks }
        if has("followUp") { draft.followUp = patch.followUp }
        if has("navContact") { draft.navContact = patch.navContact }
        if has("workplaceContact") { draft.workplaceContact = patch.workplaceContact }
        if has("wageSubsidyPercent") { draft.wageSubsidyPercent = patch.wageSubsidyPercent.map(String.init) }
        if has("mentorId") { draft.mentorId = patch.mentorId }
        if has("mentorHoursPerMonth") { draft.mentorHoursPerMonth = Self.text(patch.mentorHoursPerMonth) }
        if has("hourlyWage") { draft.hourlyWage = Self.text(patch.hourlyWage) }
        let changeNote = body["changeNote"]?.string
        try await AgreementService(req: req).update(snapshot, opened, draft: draft, changeNote: changeNote)
        return try await reload(req, snapshot.id)
    }

    struct ApproveInput: Content {
        var party: String?
    }

    func approve(req: Request) async throws -> AgreementDTO {
        let (snapshot, opened) = try await req.openAgreement(needs: .full)
        try await AgreementService(req: req).approve(snapshot, opened, party: try req.content.decode(ApproveInput.self).party)
        return try await reload(req, snapshot.id)
    }

    struct ExtendInput: Content {
        var endDate: String?
        var reason: String?
    }

    func extend(req: Request) async throws -> AgreementDTO {
        let (snapshot, opened) = try await req.openAgreement(needs: .full)
        let input = try req.content.decode(ExtendInput.self)
        try await AgreementService(req: req).extend(snapshot, opened, endDate: input.endDate, reason: input.reason)
        return try await reload(req, snapshot.id)
    }

    struct AnnulInput: Content {
        var reason: String?
        var note: String?
        var annulledOn: String?
    }

    func annul(req: Request) async throws -> AgreementDTO {
        let (snapshot, opened) = try await req.openAgreement(needs: .full)
        let input = try req.content.decode(AnnulInput.self)
        try await AgreementService(req: req).annul(snapshot, opened, reason: input.reason, note: input.note, on: input.annulledOn)
        return try await reload(req, snapshot.id)
    }
}

/// Any JSON value, to see which keys a PATCH body names (a key with `null` clears a field).
enum AnyJSONValue: Codable, Sendable {
    case string(String), number(Double), bool(Bool), null, array([AnyJSONValue]), object([String: AnyJSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Double.self) { self = .number(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([AnyJSONValue].self) { self = .array(v) }
        else { self = .object(try c.decode([String: AnyJSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .string(v): try c.encode(v)
        case let .number(v): try c.encode(v)
        case let .bool(v): try c.encode(v)
        case .null: try c.encodeNil()
        case let .array(v): try c.encode(v)
        case let .object(v): try c.encode(v)
        }
    }

    var string: String? {
        if case let .string(v) = self { return v }
        return nil
    }
}
