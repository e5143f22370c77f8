import Fluent
import SQLKit
import Vapor

/// The leader's office overview: counts per counselor, no candidate names. Looking at one
/// counselor's candidates takes a reason, which is audited.
struct OfficeOverviewController {
    struct CounselorRow: Encodable, Sendable {
        var id: String
        var name: String
        var isCounselor: Bool
        var portfolio: Int
        var hybrid: Int
        var hybridFlag: String
        var hybridFlagLabel: String?
        var needsAction: Int
        var lastContact: String
        var lastLogin: String
        var handoversIn: Int
        /// The label of the row's reason field, which names the counselor.
        var openLabel: String
        /// What the template asks of each row, as Booleans: an `#if` on a comparison or a text makes
        /// Leaf convert values through its table of converters (`#overviewRows` reads them as Leaf did).
        var hasPortfolio: Bool
        var hasNeedsAction: Bool
        var hasHybridFlag: Bool
        /// The row whose reason form is open (with its error) after a refused reason.
        var isOpen: Bool
    }

    struct OverviewView: Encodable, Sendable {
        var officeName: String
        var enhet: String
        var rows: [CounselorRow]
        var totals: Totals
        var hybridMin: Int
        var hybridMax: Int
        var errors: FormErrors
        var openReason: String
    }

    struct Totals: Encodable, Sendable {
        var portfolio: Int
        var hybrid: Int
        var needsAction: Int
        var counselors: Int
        var withoutHybrid: Int
        var aboveMaximum: Int
        var handoversIn: Int
    }

    func show(req: Request) async throws -> Response {
        try await render(req, errors: .init())
    }

    private func render(_ req: Request, errors: FormErrors, openFor: String? = nil, openReason: String = "", status: HTTPStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let officeID = principal.officeID, let office = try await req.readDB.findModel(Office.self, id: officeID) else { throw Abort(.notFound) }
        let rows = try await OfficeOverviewQuery(officeID: officeID, now: req.now).rows(on: req.readDB)
        try await req.audit(AuditEvent(.officeOverviewRead, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID))
        let counselorRows = rows.map { row -> CounselorRow in
            let flag = row.is_counselor == 1 ? OfficeOverviewQuery.HybridFlag.of(hybrid: row.hybrid, min: office.hybridMin, max: office.hybridMax) : .withinRange
            let name = row.display_name + (row.active == 1 ? "" : " (" + req.t("overview.inactive") + ")")
            return CounselorRow(
                id: row.id.uuidString, name: name, isCounselor: row.is_counselor == 1,
                portfolio: row.portfolio, hybrid: row.hybrid, hybridFlag: flag.rawValue,
                hybridFlagLabel: flag == .withinRange ? nil : req.t("overview.flag.\(flag.rawValue)", [String(office.hybridMin), String(office.hybridMax)]),
                needsAction: row.needs_action,
                lastContact: row.last_contact_at.map(DisplayDate.date) ?? "–",
                lastLogin: row.last_login_at.map(DisplayDate.dateTime) ?? req.t("overview.never_logged_in"),
                handoversIn: row.handovers_in,
                openLabel: req.t("overview.open.reason", [name]),
                hasPortfolio: row.portfolio > 0, hasNeedsAction: row.needs_action > 0, hasHybridFlag: flag != .withinRange,
                isOpen: openFor == row.id.uuidString
            )
        }
        let counselors = counselorRows.filter(\.isCounselor)
        let view = OverviewView(
            officeName: office.name, enhet: office.enhetNumber, rows: counselorRows,
            totals: Totals(
                portfolio: rows.reduce(0) { $0 + $1.portfolio }, hybrid: rows.reduce(0) { $0 + $1.hybrid },
                needsAction: rows.reduce(0) { $0 + $1.needs_action }, counselors: counselors.count,
                withoutHybrid: counselors.filter { $0.hybridFlag == "none" }.count,
                aboveMaximum: counselors.filter { $0.hybridFlag == "above" }.count,
                handoversIn: rows.reduce(0) { $0 + $1.handovers_in }
            ),
            hybridMin: office.hybridMin, hybridMax: office.hybridMax, errors: errors, openReason: openReason
        )
        return try await req.render("offices/overview", titleKey: "overview.title", view, status: status)
    }

    struct HybridSettingsForm: Content {
        var hybridMin: String?
        var hybridMax: String?
    }

    /// The office's expected number of hybrid candidates per counselor.
    func saveHybridSettings(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let officeID = principal.officeID else { throw Abort(.notFound) }
        let form = try req.content.decode(HybridSettingsForm.self)
        var errors = FormErrors()
        let min = Int(form.hybridMin ?? ""), max = Int(form.hybridMax ?? "")
        if min == nil || !(1...20).contains(min!) { errors.add("hybridMin", req.t("overview.error.min")) }
        if max == nil || !(1...50).contains(max!) { errors.add("hybridMax", req.t("overview.error.max")) }
        if let min, let max, max < min { errors.add("hybridMax", req.t("overview.error.max_below_min")) }
        guard errors.isEmpty, let min, let max else { return try await render(req, errors: errors, status: .unprocessableEntity) }
        try await req.write { db, audit in
            try await Office.query(on: db).set(\.$hybridMin, to: min).set(\.$hybridMax, to: max).filter(\.$id == officeID).update()
            audit.record(AuditEvent(.officeUpdated, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID, detail: "hybridkandidater per veileder: \(min)–\(max)"))
        }
        return req.redirect(to: "/kontor/oversikt?melding=\(Flash.saved.rawValue)", redirectType: .normal)
    }

    struct OpenForm: Content {
        var reason: String?
    }

    /// A leader opens one counselor's candidates, for a stated reason: every candidate of that
    /// portfolio is opened for a working day, and the reason is in the audit trail.
    func openPortfolio(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let officeID = principal.officeID,
              let counselorID = req.parameters.get("userID", as: UUID.self),
              let counselor = try await User.find(counselorID, on: req.db)
        else { throw Abort(.notFound) }
        try await req.requireOfficeAccess(counselor.$office.id, objectType: AuditObjectType.user, objectID: counselorID.uuidString)
        let form = try req.content.decode(OpenForm.self)
        guard let reason = CandidateRules.validReason(form.reason) else {
            var errors = FormErrors()
            errors.add("reason-\(counselorID)", req.t("candidate.error.reason"))
            return try await render(req, errors: errors, openFor: counselorID.uuidString, openReason: form.reason ?? "", status: .unprocessableEntity)
        }
        let at = req.now
        let ids = try await Candidate.query(on: req.db).filter(\.$counselor.$id == counselorID).filter(\.$office.$id == officeID).all(\.$id)
        try await req.write { db, audit in
            let grants = ids.map { candidateID -> CandidateAccessGrant in
                let grant = CandidateAccessGrant()
                grant.$candidate.id = candidateID
                grant.$user.id = principal.userID
                grant.reason = reason
                grant.grantedAt = at
                grant.expiresAt = at.addingTimeInterval(CandidateAccess.reasonGrantDuration)
                grant.readOnly = false
                return grant
            }
            if !grants.isEmpty { try await grants.create(on: db) }
            audit.record(AuditEvent(.candidateAccessReason, objectType: AuditObjectType.user, objectID: counselorID.uuidString, officeID: officeID, detail: "porteføljen til \(counselor.displayName) (\(ids.count) kandidater); grunn: \(reason)"))
        }
        return req.redirect(to: "/kontor/oversikt/veiledere/\(counselorID)", redirectType: .normal)
    }

    /// The counselor's portfolio as the leader sees it after giving a reason.
    func counselorPortfolio(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let counselorID = req.parameters.get("userID", as: UUID.self),
              let counselor = try await User.find(counselorID, on: req.db)
        else { throw Abort(.notFound) }
        try await req.requireOfficeAccess(counselor.$office.id, objectType: AuditObjectType.user, objectID: counselorID.uuidString)
        // The list opens only when the leader's reason covers every candidate in it: a grant for one
        // candidate does not open the portfolio, and a candidate added later asks for a new reason.
        let officeID = try PortfolioController.office(of: principal)
        let portfolioIDs = try await Candidate.query(on: req.db).filter(\.$counselor.$id == counselorID).filter(\.$office.$id == officeID).all(\.$id)
        let granted = Set(try await CandidateAccessGrant.query(on: req.db)
            .filter(\.$user.$id == principal.userID)
            .filter(\.$candidate.$id ~~ portfolioIDs)
            .filter(\.$expiresAt > req.now)
            .all(\.$candidate.$id))
        let covered = !portfolioIDs.isEmpty && portfolioIDs.allSatisfy(granted.contains)
        guard covered || counselorID == principal.userID else {
            return req.redirect(to: "/kontor/oversikt?apne=\(counselorID)#veileder-\(counselorID)", redirectType: .normal)
        }
        var search = (try? req.query.get(String.self, at: "q")) ?? ""
        if search.contains(where: \.isNumber) { search = "" }
        let portfolio = PortfolioController()
        let query = try portfolio.parse(req, counselorID: counselorID, search: search)
        try await req.audit(AuditEvent(.portfolioRead, objectType: AuditObjectType.user, objectID: counselorID.uuidString, officeID: counselor.$office.id, detail: "leder ser porteføljen; filter: \(query.filter.raw)"))
        let view = try await portfolio.build(
            req, query: query, columns: PortfolioController.Column.defaults,
            heading: req.t("portfolio.heading_other", [counselor.displayName]), ownerName: counselor.displayName,
            basePath: "/kontor/oversikt/veiledere/\(counselorID)", notice: nil
        )
        return try await req.render("portfolio/index", titleKey: "portfolio.title_other", view)
    }
}
