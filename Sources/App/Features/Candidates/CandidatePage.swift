import Fluent
import SQLKit
import Vapor

/// Builds the candidate's page: profile (strengths first), hybrid follow-up, consent register,
/// counselor history and who has looked. Every rendering shows personal data, so it is audited.
struct CandidatePage {
    let req: Request
    let opened: OpenedCandidate
    var revealedFnr: String?
    var consentErrors = FormErrors()
    var consentDraft: ConsentDraft?
    var hybridErrors = FormErrors()

    init(req: Request, opened: OpenedCandidate) {
        self.req = req
        self.opened = opened
    }

    struct Section: Encodable, Sendable {
        var heading: String
        var text: String?
        var emptyText: String
    }

    struct ConsentRow: Encodable, Sendable {
        var id: String
        var item: String
        var party: String
        var givenOn: String
        var expiresOn: String
        var form: String
        var recordedBy: String
        var note: String?
        var state: String
        var stateLabel: String
        var withdrawable: Bool
    }

    struct ShareCell: Encodable, Sendable {
        var allowed: Bool
        var label: String
    }

    struct ShareRow: Encodable, Sendable {
        var party: String
        var cells: [ShareCell]
    }

    struct HistoryRow: Encodable, Sendable {
        var changedAt: String
        var from: String?
        var to: String
        var changedBy: String
        var situation: String?
        var agreements: String?
        var mentor: String?
        var nextMeeting: String?
        var promised: String?
    }

    struct LookRow: Encodable, Sendable {
        var at: String
        var who: String
        var action: String
        var outcome: String
        var detail: String?
    }

    struct HybridPeriodRow: Encodable, Sendable {
        var startedOn: String
        var endedOn: String?
        var reason: String
        var endReason: String?
        var counselor: String
    }

    struct RequestRow: Encodable, Sendable {
        var id: String
        var requester: String
        var office: String
        var reason: String
        var createdAt: String
    }

    struct Choice: Encodable, Sendable {
        var value: String
        var label: String
        var checked: Bool
    }

    struct View: Encodable, Sendable {
        var id: String
        var name: String
        var fnrMasked: String
        var fnrRevealed: String?
        var mayChange: Bool
        var readOnlyNotice: Bool
        var office: String
        var counselor: String
        var innsatsgruppe: String
        var benefit: String
        var norwegianLevel: String?
        var phone: String?
        var email: String?
        var municipality: String?
        var wishedWork: String?
        var sections: [Section]
        var isHybrid: Bool
        var hybridSince: String?
        var hybridPeriods: [HybridPeriodRow]
        var hybridErrors: FormErrors
        var today: String
        var consents: [ConsentRow]
        var shareMatrix: [ShareRow]
        var shareItems: [String]
        var consentItems: [Choice]
        var consentParties: [Choice]
        var consentForms: [Choice]
        var consentValues: [String: String]
        var errors: FormErrors
        var history: [HistoryRow]
        var counselorChanges: Int
        var handoverNote: HistoryRow?
        var looks: [LookRow]?
        var requests: [RequestRow]
        var pathways: [PathwayRow]
        var mayStartPathway: Bool
    }

    struct PathwayRow: Encodable, Sendable {
        var href: String
        var model: String
        var status: String
        var step: String
        var referralDate: String
        var overdue: Int
    }

    /// The candidate's pathways, newest first, with how many criteria are overdue now.
    private func pathwayRows() async throws -> [PathwayRow] {
        let pathways = try await CandidatePageReads.pathways(candidateID: opened.id, now: req.now, on: req.readDB)
        var rows: [PathwayRow] = []
        for pathway in pathways {
            guard let model = try await req.samskap.methodModels.model(id: pathway.methodModelID, on: req.db) else { throw Abort(.internalServerError) }
            rows.append(PathwayRow(
                href: "/forlop/\(pathway.id)", model: "\(model.name) (v\(model.version))", status: req.t(pathway.status.labelKey),
                step: model.step(pathway.currentStep)?.name ?? pathway.currentStep, referralDate: DisplayDate.date(pathway.referralDate),
                overdue: pathway.status != .active ? 0 : pathway.needingAction
            ))
        }
        return rows
    }

    func render(status: HTTPStatus = .ok, auditRead: Bool = true) async throws -> Response {
        let candidate = opened.candidate
        let principal = try req.requirePrincipal()
        let id = opened.id
        if auditRead { try await req.audit(.candidate(.candidateRead, candidate)) }
        let handover = try await CandidateService(req: req).unseenHandover(candidate)
        let sql = req.readDB
        guard let office = try await sql.findModel(Office.self, id: candidate.$office.id),
              let counselor = try await sql.findModel(User.self, id: candidate.$counselor.id) else { throw Abort(.internalServerError) }
        candidate.$office.value = office
        candidate.$counselor.value = counselor

        let consents = try await ConsentService(req: req).consents(of: id)
        let now = req.now
        let consentRows = consents.map { c -> ConsentRow in
            let state = c.withdrawnAt != nil ? "withdrawn" : (c.terms.holds(at: now) ? "active" : (now < c.givenOn ? "future" : "expired"))
            return ConsentRow(
                id: c.id!.uuidString, item: req.t(c.item.labelKey), party: req.t(c.party.labelKey),
                givenOn: DisplayDate.date(c.givenOn), expiresOn: c.expiresOn.map(DisplayDate.date) ?? req.t("consent.until_withdrawn"),
                form: req.t(c.form.labelKey), recordedBy: c.recordedBy.displayName, note: c.note,
                state: state, stateLabel: req.t("consent.state.\(state)") + (c.withdrawnAt.map { " " + DisplayDate.dateTime($0) } ?? ""),
                withdrawable: opened.mayChange && c.withdrawnAt == nil
            )
        }
        let terms = consents.map(\.terms)
        let matrix = DisclosureParty.allCases.map { party in
            ShareRow(party: req.t(party.labelKey), cells: DisclosureItem.allCases.map { item in
                let allowed = ConsentRegister.mayShare(item, with: party, at: now, consents: terms)
                return ShareCell(allowed: allowed, label: req.t(allowed ? "consent.share.yes" : "consent.share.no"))
            })
        }

        let assignments = try await CandidatePageReads.assignments(candidateID: id, on: sql)
        let periods = try await CandidatePageReads.hybridPeriods(candidateID: id, on: sql)

        // Who has looked: for the responsible counselor and the office's leaders.
        var looks: [LookRow]?
        if principal.mayAccess(office: candidate.$office.id, for: .content),
           candidate.$counselor.id == principal.userID || principal.roles.contains(.leder) {
            looks = try await CandidatePageReads.looks(candidateID: id, limit: 50, on: sql).map {
                LookRow(
                    at: DisplayDate.dateTime($0.occurredAt), who: $0.actor ?? "–",
                    action: req.t(AuditAction(rawValue: $0.action).labelKey), outcome: $0.outcome, detail: $0.detail
                )
            }
        }
        var requests: [RequestRow] = []
        if opened.mayChange && (candidate.$counselor.id == principal.userID || principal.roles.contains(.leder)) {
            requests = try await CandidatePageReads.openRequests(candidateID: id, on: sql).map {
                RequestRow(
                    id: $0.id.uuidString, requester: $0.requester, office: $0.office ?? "–",
                    reason: $0.reason, createdAt: DisplayDate.dateTime($0.createdAt)
                )
            }
        }

        func row(_ a: CandidatePageReads.Assignment) -> HistoryRow {
            HistoryRow(
                changedAt: DisplayDate.dateTime(a.changedAt), from: a.from, to: a.to,
                changedBy: a.changedBy, situation: a.situation, agreements: a.agreements, mentor: a.mentor,
                nextMeeting: a.nextMeeting, promised: a.promised
            )
        }

        let draft = consentDraft
        var view = View(
            id: id.uuidString, name: candidate.fullName, fnrMasked: candidate.fnrMasked, fnrRevealed: revealedFnr,
            mayChange: opened.mayChange, readOnlyNotice: opened.level == .read,
            office: "\(candidate.office.enhetNumber) \(candidate.office.name)", counselor: candidate.counselor.displayName,
            innsatsgruppe: req.t(candidate.innsatsgruppe.labelKey), benefit: req.t(candidate.mainBenefit.labelKey),
            norwegianLevel: candidate.norwegianLevel.map { req.t($0.labelKey) },
            phone: candidate.phone, email: candidate.email, municipality: candidate.municipality,
            wishedWork: candidate.wishedWork,
            sections: [
                // Strengths first: the work starts from what the candidate can do.
                Section(heading: req.t("candidate.field.strengths"), text: candidate.strengths, emptyText: req.t("candidate.empty.strengths")),
                Section(heading: req.t("candidate.field.wishes"), text: candidate.wishes, emptyText: req.t("candidate.empty.generic")),
                Section(heading: req.t("candidate.field.support_needs"), text: candidate.supportNeeds, emptyText: req.t("candidate.empty.generic")),
                Section(heading: req.t("candidate.field.challenges"), text: candidate.challenges, emptyText: req.t("candidate.empty.generic")),
                Section(heading: req.t("candidate.field.education"), text: candidate.education, emptyText: req.t("candidate.empty.generic")),
                Section(heading: req.t("candidate.field.work_experience"), text: candidate.workExperience, emptyText: req.t("candidate.empty.generic")),
            ],
            isHybrid: candidate.isHybrid, hybridSince: candidate.hybridSince.map(DisplayDate.date),
            hybridPeriods: periods.map {
                HybridPeriodRow(startedOn: DisplayDate.date($0.startedOn), endedOn: $0.endedOn.map(DisplayDate.date), reason: $0.reason, endReason: $0.endReason, counselor: $0.counselor)
            },
            hybridErrors: hybridErrors, today: DisplayDate.dayInput(now),
            consents: consentRows, shareMatrix: matrix, shareItems: DisclosureItem.allCases.map { req.t($0.labelKey) },
            consentItems: DisclosureItem.allCases.map { Choice(value: $0.rawValue, label: req.t($0.labelKey), checked: draft?.items.contains($0.rawValue) ?? false) },
            consentParties: DisclosureParty.allCases.map { Choice(value: $0.rawValue, label: req.t($0.labelKey), checked: draft?.party == $0.rawValue) },
            consentForms: ConsentForm.allCases.map { Choice(value: $0.rawValue, label: req.t($0.labelKey), checked: (draft?.form ?? "written") == $0.rawValue) },
            consentValues: [
                "givenOn": draft?.givenOn ?? DisplayDate.dayInput(now), "expiresOn": draft?.expiresOn ?? "", "note": draft?.note ?? "",
            ],
            errors: consentErrors,
            history: assignments.map(row), counselorChanges: candidate.counselorChanges,
            handoverNote: handover.map(row), looks: looks, requests: requests,
            pathways: try await pathwayRows(), mayStartPathway: false
        )
        view.mayStartPathway = opened.mayChange && !view.pathways.contains { $0.status != req.t(Pathway.Status.closed.labelKey) }
        return try await req.render("candidates/show", titleKey: "candidate.show.title", titleArgs: [candidate.fullName], view, status: status)
    }
}
