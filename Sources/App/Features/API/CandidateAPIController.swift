import Fluent
import SQLKit
import Vapor

/// `/api/v1` routes for candidates, consents, the portfolio and the office overview.
enum CandidateAPIRoutes {
    /// `staff`: bearer tokens of office staff; `leaders`: of leaders.
    static func register(staff: some RoutesBuilder, leaders: some RoutesBuilder) {
        let api = CandidateAPIController()
        staff.get("portfolio", use: api.portfolio)

        let candidates = staff.grouped("candidates")
        candidates.get(use: api.list)
        candidates.post(use: api.create)
        candidates.post("search", use: api.search)
        candidates.post("access-requests", use: api.requestAccess)
        candidates.get(":candidateID", use: api.show)
        candidates.patch(":candidateID", use: api.update)
        candidates.post(":candidateID", "access", use: api.giveReason)
        candidates.get(":candidateID", "consents", use: api.consents)
        candidates.post(":candidateID", "consents", use: api.addConsents)
        candidates.post(":candidateID", "consents", ":consentID", "withdraw", use: api.withdrawConsent)
        candidates.post(":candidateID", "hybrid", use: api.hybrid)
        candidates.post(":candidateID", "handover", use: api.handover)

        leaders.get("offices", ":enhetNumber", "overview", use: api.officeOverview)
    }
}

/// The candidate API: the same services as the pages, in JSON. `openCandidate` decides who sees
/// what (unknown and not-allowed are both 404); the services validate, write and audit.
struct CandidateAPIController {
    // MARK: - Register and look up

    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(CandidateInput.self)
        let valid = try validated(CandidateRules.validate(input.draft(), checkFnr: true, allowSynthetic: req.samskap.config.allowSyntheticIDs))
        let candidate: Candidate
        do {
            candidate = try await CandidateService(req: req).register(valid)
        } catch let existing as CandidateService.AlreadyRegistered {
            // Neither name nor office of the existing record: only the way to get access.
            if existing.sameOffice {
                throw ProblemError(.conflict, key: "candidate.error.exists_here", args: ["/api/v1/candidates/\(existing.candidateID)/access"])
            }
            throw ProblemError(.conflict, key: "candidate.error.exists")
        }
        let response = try await summary(req, candidate).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/candidates/\(try candidate.requireID())")
        return response
    }

    /// The national ID number travels in the body only, never in a URL.
    func search(req: Request) async throws -> CandidateDTO {
        let fnr = try nationalID(try req.content.decode(FnrSearchInput.self).fnr, req)
        guard let found = try await Candidate.query(on: req.db).filter(\.$fnr == fnr.value).first() else { throw Abort(.notFound) }
        let opened: OpenedCandidate
        do {
            opened = try await req.openCandidate(id: try found.requireID())
        } catch is CandidateReasonRequired {
            // Found only by those who may read it; opening with a reason needs the id from elsewhere.
            throw Abort(.notFound)
        }
        try await req.audit(.candidate(.candidateRead, opened.candidate, detail: "søk på fødselsnummer"))
        return try await summary(req, opened.candidate)
    }

    func requestAccess(req: Request) async throws -> Response {
        let input = try req.content.decode(AccessRequestInput.self)
        var issues: [ProblemError.FieldIssue] = []
        var fnr: NationalID?
        do { fnr = try NationalID(input.fnr ?? "", allowSynthetic: req.samskap.config.allowSyntheticIDs) } catch {
            issues.append(.init("fnr", error.messageKey))
        }
        let reason = CandidateRules.validReason(input.reason)
        if reason == nil { issues.append(.init("reason", "candidate.error.reason")) }
        guard issues.isEmpty, let fnr, let reason else { throw ProblemError.validation(issues) }
        try await CandidateService(req: req).requestAccess(fnr: fnr, reason: reason)
        return try await AccessRequestedDTO(status: "requested").encodeResponse(status: .accepted, for: req)
    }

    // MARK: - One candidate

    func show(req: Request) async throws -> CandidateDetailDTO {
        let opened = try await req.openCandidate()
        try await req.audit(.candidate(.candidateRead, opened.candidate))
        return try await detail(req, opened.candidate)
    }

    /// A colleague or leader at the candidate's office states why they open the record.
    func giveReason(req: Request) async throws -> AccessGrantDTO {
        let candidate: Candidate
        do {
            _ = try await req.openCandidate()
            throw ProblemError(.conflict, key: "candidate.error.access_not_needed")
        } catch let needed as CandidateReasonRequired {
            candidate = needed.candidate
        }
        guard let reason = CandidateRules.validReason(try req.content.decode(ReasonInput.self).reason) else {
            throw ProblemError.validation([.init("reason", "candidate.error.reason")])
        }
        try await CandidateService(req: req).grantByReason(candidate, reason: reason)
        let candidateID = try candidate.requireID()
        guard let grant = try await CandidateAccessGrant.query(on: req.db)
            .filter(\.$candidate.$id == candidateID)
            .filter(\.$user.$id == req.requirePrincipal().userID)
            .sort(\.$expiresAt, .descending)
            .first()
        else { throw Abort(.internalServerError) }
        return AccessGrantDTO(candidateId: candidateID, expiresAt: grant.expiresAt)
    }

    /// Partial update: the fields given replace the current ones; an empty string clears a field.
    func update(req: Request) async throws -> CandidateDetailDTO {
        let opened = try await req.openCandidate(needs: .full)
        let input = try req.content.decode(CandidateInput.self)
        if input.fnr != nil { throw ProblemError.validation([.init("fnr", "candidate.error.fnr_fixed")]) }
        let draft = input.draft(over: CandidateController.draft(of: opened.candidate))
        let valid = try validated(CandidateRules.validate(draft, checkFnr: false, allowSynthetic: false))
        try await CandidateService(req: req).update(opened.candidate, with: valid)
        return try await detail(req, opened.candidate)
    }

    // MARK: - Consents

    func consents(req: Request) async throws -> ConsentListDTO {
        let opened = try await req.openCandidate()
        let consents = try await ConsentService(req: req).consents(of: opened.id)
        try await req.audit(.candidate(.candidateRead, opened.candidate, detail: "samtykker"))
        let now = req.now
        return ConsentListDTO(items: consents.map { ConsentDTO($0, recordedBy: $0.recordedBy.displayName, now: now) })
    }

    func addConsents(req: Request) async throws -> Response {
        let opened = try await req.openCandidate(needs: .full)
        let draft = try req.content.decode(NewConsentInput.self).draft
        let valid = try validated(draft.validate(today: Calendar.oslo.startOfDay(for: req.now)))
        let created = try await ConsentService(req: req).record(valid, for: opened.candidate)
        let recordedBy = try req.requirePrincipal().displayName
        let now = req.now
        return try await ConsentListDTO(items: created.map { ConsentDTO($0, recordedBy: recordedBy, now: now) })
            .encodeResponse(status: .created, for: req)
    }

    func withdrawConsent(req: Request) async throws -> ConsentDTO {
        let opened = try await req.openCandidate(needs: .full)
        guard let consentID = req.parameters.get("consentID", as: UUID.self),
              let consent = try await CandidateConsent.query(on: req.db)
              .filter(\.$id == consentID).filter(\.$candidate.$id == opened.id)
              .with(\.$recordedBy).first()
        else { throw Abort(.notFound) }
        try await ConsentService(req: req).withdraw(consent, of: opened.candidate)
        return ConsentDTO(consent, recordedBy: consent.recordedBy.displayName, now: req.now)
    }

    // MARK: - Hybrid follow-up and handover

    func hybrid(req: Request) async throws -> CandidateDTO {
        let opened = try await req.openCandidate(needs: .full)
        let input = try req.content.decode(HybridInput.self)
        var issues: [ProblemError.FieldIssue] = []
        let action = input.action.flatMap(HybridInput.Action.init(rawValue:))
        if action == nil { issues.append(.init("action", "hybrid.error.action")) }
        let change = CandidateRules.hybridChange(date: input.date, reason: input.reason, now: req.now)
        if case let .failure(problems) = change { issues += problems.issues }
        guard issues.isEmpty, let action, case let .success((date, reason)) = change else { throw ProblemError.validation(issues) }
        let service = CandidateService(req: req)
        switch action {
        case .start: try await service.startHybrid(opened.candidate, on: date, reason: reason)
        case .end: try await service.endHybrid(opened.candidate, on: date, reason: reason)
        }
        return try await summary(req, opened.candidate)
    }

    func handover(req: Request) async throws -> CandidateDTO {
        let opened = try await req.openCandidate(needs: .full)
        let input = try req.content.decode(HandoverInput.self)
        guard let target = input.counselorId else {
            throw ProblemError.validation([.init("counselorId", "handover.error.counselor")] + input.note.problems())
        }
        do {
            try await CandidateService(req: req).handover(opened.candidate, to: target, note: input.note)
        } catch var problem as ProblemError {
            // The service names the form's field `counselorID`; the API's is `counselorId`.
            problem.fields = problem.fields.map { issue in
                var issue = issue
                if issue.field == "counselorID" { issue.field = "counselorId" }
                return issue
            }
            throw problem
        }
        return try await summary(req, opened.candidate)
    }

    // MARK: - Portfolio

    func portfolio(req: Request) async throws -> PortfolioDTO {
        let query = try portfolioQuery(req)
        let (counts, items) = try await load(req, query)
        return PortfolioDTO(
            counts: Dictionary(uniqueKeysWithValues: PortfolioFilter.allCases.map { ($0.raw, counts[$0] ?? 0) }),
            filter: query.filter.raw, sort: query.sort.rawValue, q: query.search.isEmpty ? nil : query.search,
            total: counts[query.filter] ?? 0, page: query.page, pageSize: PortfolioQuery.pageSize, items: items
        )
    }

    func list(req: Request) async throws -> CandidateListDTO {
        let query = try portfolioQuery(req)
        let (counts, items) = try await load(req, query)
        return CandidateListDTO(items: items, total: counts[query.filter] ?? 0, page: query.page, pageSize: PortfolioQuery.pageSize)
    }

    /// `?filter=&q=&sort=&page=` on the caller's own portfolio. Every bad parameter is named.
    private func portfolioQuery(_ req: Request) throws -> PortfolioQuery {
        let principal = try req.requirePrincipal()
        guard let officeID = principal.officeID else { throw ProblemError(.forbidden, key: "candidate.error.no_office") }
        var query = PortfolioQuery(counselorID: principal.userID, officeID: officeID, now: req.now)
        // Without a query string there is nothing to read: each lookup below decodes the whole of it
        // (Vapor's form decoder), four of them were 1.5 % of the portfolio's CPU.
        guard req.url.query?.isEmpty == false else { return query }
        var issues: [ProblemError.FieldIssue] = []
        if let raw = req.query[String.self, at: "filter"] {
            if let filter = PortfolioFilter(raw: raw) { query.filter = filter } else { issues.append(.init("filter", "portfolio.error.filter")) }
        }
        if let raw = req.query[String.self, at: "sort"] {
            if let sort = PortfolioSort(rawValue: raw) { query.sort = sort } else { issues.append(.init("sort", "portfolio.error.sort")) }
        }
        if let raw = req.query[String.self, at: "page"] {
            if let page = Int(raw), (1...100_000).contains(page) { query.page = page } else { issues.append(.init("page", "portfolio.error.page")) }
        }
        let search = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // A national ID number must not travel in a URL (proxies and logs keep URLs): POST /candidates/search.
        if search.contains(where: \.isNumber) { issues.append(.init("q", "portfolio.error.digits")) }
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        query.search = String(search.prefix(100))
        return query
    }

    /// Every filter's count (one query) and the page's rows; audited once as a portfolio read.
    private func load(_ req: Request, _ query: PortfolioQuery) async throws -> (counts: [PortfolioFilter: Int], items: [CandidateDTO]) {
        let principal = try req.requirePrincipal()
        let (counts, rows) = try await query.load(on: req.readDB)
        // The rows hold every field the list shows, and all are at the caller's office: decoding the
        // page's 50 candidates again as models cost more than the portfolio query itself.
        let me = CounselorDTO(id: principal.userID, displayName: principal.displayName)
        let items = try rows.map { row in
            try CandidateDTO(row, officeEnhet: principal.officeEnhet ?? "", counselor: me)
        }
        try await req.audit(AuditEvent(
            .portfolioRead, objectType: AuditObjectType.user, objectID: principal.userID.uuidString, officeID: principal.officeID,
            detail: "filter: \(query.filter.raw)" + (query.search.isEmpty ? "" : "; søk: \(query.search)")
        ))
        return (counts, items)
    }

    // MARK: - Office overview

    /// Counts per counselor at the leader's own office; never a candidate's name.
    func officeOverview(req: Request) async throws -> OfficeOverviewDTO {
        guard let enhet = req.parameters.get("enhetNumber"), UserRules.isValidEnhetNumber(enhet) else {
            throw ProblemError.validation([.init("enhetNumber", "office.error.enhet")])
        }
        guard let office = try await Office.query(on: req.db).filter(\.$enhetNumber == enhet).first() else { throw Abort(.notFound) }
        let officeID = try office.requireID()
        try await req.requireOfficeAccess(officeID, for: .content, objectType: AuditObjectType.office, objectID: officeID.uuidString)
        let rows = try await OfficeOverviewQuery(officeID: officeID, now: req.now).rows(on: req.readDB)
        try await req.audit(AuditEvent(.officeOverviewRead, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID))
        return OfficeOverviewDTO(
            office: OfficeDTO(office), hybridMin: office.hybridMin, hybridMax: office.hybridMax,
            counselors: rows.map { row in
                let isCounselor = row.is_counselor == 1
                return .init(
                    id: row.id, displayName: row.display_name, isCounselor: isCounselor, portfolio: row.portfolio, hybrid: row.hybrid,
                    hybridFlag: isCounselor ? OfficeOverviewQuery.HybridFlag.of(hybrid: row.hybrid, min: office.hybridMin, max: office.hybridMax).rawValue : nil,
                    needsAction: row.needs_action, lastContactAt: row.last_contact_at, lastLoginAt: row.last_login_at, handoversIn: row.handovers_in
                )
            }
        )
    }

    // MARK: - Shaping

    private func summary(_ req: Request, _ candidate: Candidate) async throws -> CandidateDTO {
        let candidateID = try candidate.requireID()
        guard let office = try await Office.find(candidate.$office.id, on: req.db),
              let counselor = try await User.find(candidate.$counselor.id, on: req.db)
        else { throw Abort(.internalServerError) }
        let overdue: SQLQueryString = """
            SELECT COUNT(*) AS n FROM candidates c
            WHERE c.id = \(bind: candidateID) AND \(PortfolioFilter.needsAction.predicate(now: req.now))
            """
        let needsAction = try await req.readDB.raw(overdue).first()?.decode(column: "n", as: Int.self) ?? 0
        return CandidateDTO(
            candidate, officeEnhet: office.enhetNumber,
            counselor: CounselorDTO(id: try counselor.requireID(), displayName: counselor.displayName), needsAction: needsAction > 0
        )
    }

    private func detail(_ req: Request, _ candidate: Candidate) async throws -> CandidateDetailDTO {
        CandidateDetailDTO(summary: try await summary(req, candidate), profile: CandidateProfileDTO(candidate))
    }

    private func validated<T>(_ result: Result<T, ValidationProblems>) throws -> T {
        try result.mapError(\.problem).get()
    }

    private func nationalID(_ raw: String?, _ req: Request) throws -> NationalID {
        do { return try NationalID(raw ?? "", allowSynthetic: req.samskap.config.allowSyntheticIDs) } catch {
            throw ProblemError.validation([.init("fnr", error.messageKey)])
        }
    }
}
