import Fluent
import SQLKit
import Vapor

/// The candidate's pages: register, open (with a reason when not one's own), edit, consents,
/// hybrid follow-up, handover and access requests.
struct CandidateController {
    typealias Option = App.FormView.Option

    struct FormView: Encodable, Sendable {
        var isNew: Bool
        var action: String
        var cancelHref: String
        var fnr: String
        var fnrMasked: String?
        var values: [String: String]
        var innsatsgrupper: [Option]
        var benefits: [Option]
        var levels: [Option]
        var errors: FormErrors
    }

    // MARK: - Register

    func new(req: Request) async throws -> Response {
        try await renderForm(req, draft: CandidateDraft(), candidate: nil, errors: .init())
    }

    func create(req: Request) async throws -> Response {
        let draft = try req.content.decode(CandidateInput.self).draft()
        switch CandidateRules.validate(draft, checkFnr: true, allowSynthetic: req.samskap.config.allowSyntheticIDs) {
        case let .failure(problems):
            return try await renderForm(req, draft: draft, candidate: nil, errors: FormErrors(problems.issues, req), status: .unprocessableEntity)
        case let .success(valid):
            do {
                let candidate = try await CandidateService(req: req).register(valid)
                return req.redirect(to: "/kandidater/\(try candidate.requireID())?melding=\(Flash.candidateCreated.rawValue)", redirectType: .normal)
            } catch let existing as CandidateService.AlreadyRegistered {
                let principal = try req.requirePrincipal()
                return try await renderExists(req, fnr: valid.fnr?.value ?? "", sameOfficeID: existing.sameOffice && principal.officeID != nil ? existing.candidateID : nil)
            }
        }
    }

    struct ExistsView: Encodable, Sendable {
        var fnr: String
        var fnrMasked: String
        var candidateHref: String?
        var reason: String
        var requested: Bool
        var errors: FormErrors
    }

    /// 409: the person is registered. Same office: a link (opening it asks for a reason). Elsewhere:
    /// a form to ask for access. Nothing about the existing record is shown.
    func renderExists(_ req: Request, fnr: String, sameOfficeID: UUID?, reason: String = "", errors: FormErrors = .init(), requested: Bool = false) async throws -> Response {
        let view = ExistsView(
            fnr: fnr, fnrMasked: NationalID.mask(fnr), candidateHref: sameOfficeID.map { "/kandidater/\($0)" },
            reason: reason, requested: requested, errors: errors
        )
        return try await req.render("candidates/exists", titleKey: "candidate.exists.title", view, status: requested ? .accepted : (errors.isEmpty ? .conflict : .unprocessableEntity))
    }

    struct AccessRequestForm: Content {
        var fnr: String?
        var reason: String?
    }

    func requestAccess(req: Request) async throws -> Response {
        let form = try req.content.decode(AccessRequestForm.self)
        let fnr: NationalID
        do { fnr = try NationalID(form.fnr ?? "", allowSynthetic: req.samskap.config.allowSyntheticIDs) } catch {
            throw ProblemError.validation([.init("fnr", error.messageKey)])
        }
        guard let reason = CandidateRules.validReason(form.reason) else {
            var errors = FormErrors()
            errors.add("reason", req.t("candidate.error.reason"))
            return try await renderExists(req, fnr: fnr.value, sameOfficeID: nil, reason: form.reason ?? "", errors: errors)
        }
        try await CandidateService(req: req).requestAccess(fnr: fnr, reason: reason)
        return try await renderExists(req, fnr: fnr.value, sameOfficeID: nil, requested: true)
    }

    // MARK: - Open with a reason

    struct ReasonView: Encodable, Sendable {
        var action: String
        var reason: String
        var errors: FormErrors
        var next: String?
    }

    struct ReasonForm: Content {
        var reason: String?
        var next: String?
    }

    /// Only a pathway page of ours may be returned to after a reason (never an outside address).
    static func returnPath(_ raw: String?) -> String? {
        guard let raw, raw.range(of: #"^/forlop/[0-9A-Fa-f-]{36}$"#, options: .regularExpression) != nil else { return nil }
        return raw
    }

    func giveReason(req: Request) async throws -> Response {
        let form = try req.content.decode(ReasonForm.self)
        let candidate: Candidate
        let next = Self.returnPath(form.next)
        do {
            let opened = try await req.openCandidate()
            return req.redirect(to: next ?? "/kandidater/\(opened.id)", redirectType: .normal)
        } catch let needed as CandidateReasonRequired {
            candidate = needed.candidate
        }
        guard let reason = CandidateRules.validReason(form.reason) else {
            var errors = FormErrors()
            errors.add("reason", req.t("candidate.error.reason"))
            return try await CandidateReasonRequired(candidate: candidate).render(req, reason: form.reason ?? "", errors: errors, next: next)
        }
        try await CandidateService(req: req).grantByReason(candidate, reason: reason)
        let candidateID = try candidate.requireID()
        return req.redirect(to: next ?? "/kandidater/\(candidateID)", redirectType: .normal)
    }

    // MARK: - The candidate's page

    func show(req: Request) async throws -> Response {
        let opened = try await req.openCandidate()
        return try await CandidatePage(req: req, opened: opened).render()
    }

    func revealFnr(req: Request) async throws -> Response {
        let opened = try await req.openCandidate()
        let fnr = try await CandidateService(req: req).revealFnr(opened)
        var page = CandidatePage(req: req, opened: opened)
        page.revealedFnr = fnr
        return try await page.render(auditRead: false)
    }

    // MARK: - Edit

    func edit(req: Request) async throws -> Response {
        let opened = try await req.openCandidate(needs: .full)
        return try await renderForm(req, draft: Self.draft(of: opened.candidate), candidate: opened.candidate, errors: .init())
    }

    func update(req: Request) async throws -> Response {
        let opened = try await req.openCandidate(needs: .full)
        let draft = try req.content.decode(CandidateInput.self).draft()
        switch CandidateRules.validate(draft, checkFnr: false, allowSynthetic: false) {
        case let .failure(problems):
            return try await renderForm(req, draft: draft, candidate: opened.candidate, errors: FormErrors(problems.issues, req), status: .unprocessableEntity)
        case let .success(valid):
            try await CandidateService(req: req).update(opened.candidate, with: valid)
            return req.redirect(to: "/kandidater/\(opened.id)?melding=\(Flash.saved.rawValue)", redirectType: .normal)
        }
    }

    static func draft(of c: Candidate) -> CandidateDraft {
        var d = CandidateDraft()
        d.firstName = c.firstName
        d.lastName = c.lastName
        d.phone = c.phone ?? ""
        d.email = c.email ?? ""
        d.municipality = c.municipality ?? ""
        d.innsatsgruppe = c.innsatsgruppe.rawValue
        d.mainBenefit = c.mainBenefit.rawValue
        d.wishes = c.wishes ?? ""
        d.wishedWork = c.wishedWork ?? ""
        d.strengths = c.strengths ?? ""
        d.challenges = c.challenges ?? ""
        d.supportNeeds = c.supportNeeds ?? ""
        d.education = c.education ?? ""
        d.workExperience = c.workExperience ?? ""
        d.norwegianLevel = c.norwegianLevel?.rawValue ?? ""
        return d
    }

    private func renderForm(_ req: Request, draft: CandidateDraft, candidate: Candidate?, errors: FormErrors, status: HTTPStatus = .ok) async throws -> Response {
        let values: [String: String] = [
            "firstName": draft.firstName, "lastName": draft.lastName, "phone": draft.phone, "email": draft.email,
            "municipality": draft.municipality, "wishes": draft.wishes, "wishedWork": draft.wishedWork,
            "strengths": draft.strengths, "challenges": draft.challenges, "supportNeeds": draft.supportNeeds,
            "education": draft.education, "workExperience": draft.workExperience,
        ]
        let id = candidate?.id
        let view = FormView(
            isNew: candidate == nil,
            action: id.map { "/kandidater/\($0)/rediger" } ?? "/kandidater",
            cancelHref: id.map { "/kandidater/\($0)" } ?? "/portefolje",
            fnr: candidate == nil ? draft.fnr : "", fnrMasked: candidate?.fnrMasked,
            values: values,
            innsatsgrupper: Innsatsgruppe.allCases.map { Option(value: $0.rawValue, label: req.t($0.labelKey), selected: $0.rawValue == draft.innsatsgruppe) },
            benefits: MainBenefit.allCases.map { Option(value: $0.rawValue, label: req.t($0.labelKey), selected: $0.rawValue == draft.mainBenefit) },
            levels: NorwegianLevel.allCases.map { Option(value: $0.rawValue, label: req.t($0.labelKey), selected: $0.rawValue == draft.norwegianLevel) },
            errors: errors
        )
        if let candidate {
            return try await req.render("candidates/form", titleKey: "candidate.edit.title", titleArgs: [candidate.firstName], view, status: status)
        }
        return try await req.render("candidates/form", titleKey: "candidate.new.title", view, status: status)
    }

    // MARK: - Consents

    struct ConsentInput: Content {
        var items: [String]?
        var party: String?
        var givenOn: String?
        var expiresOn: String?
        var form: String?
        var note: String?

        var draft: ConsentDraft {
            ConsentDraft(items: items ?? [], party: party ?? "", givenOn: givenOn ?? "", expiresOn: expiresOn ?? "", form: form ?? "", note: note ?? "")
        }
    }

    func addConsent(req: Request) async throws -> Response {
        let opened = try await req.openCandidate(needs: .full)
        let draft = try req.content.decode(ConsentInput.self).draft
        switch draft.validate(today: Calendar.oslo.startOfDay(for: req.now)) {
        case let .failure(problems):
            var page = CandidatePage(req: req, opened: opened)
            page.consentErrors = FormErrors(problems.issues, req)
            page.consentDraft = draft
            return try await page.render(status: .unprocessableEntity, auditRead: false)
        case let .success(valid):
            _ = try await ConsentService(req: req).record(valid, for: opened.candidate)
            return req.redirect(to: "/kandidater/\(opened.id)?melding=\(Flash.consentRecorded.rawValue)#samtykker", redirectType: .normal)
        }
    }

    func withdrawConsent(req: Request) async throws -> Response {
        let opened = try await req.openCandidate(needs: .full)
        guard let consentID = req.parameters.get("consentID", as: UUID.self),
              let consent = try await CandidateConsent.query(on: req.db).filter(\.$id == consentID).filter(\.$candidate.$id == opened.id).first()
        else { throw Abort(.notFound) }
        try await ConsentService(req: req).withdraw(consent, of: opened.candidate)
        return req.redirect(to: "/kandidater/\(opened.id)?melding=\(Flash.consentWithdrawn.rawValue)#samtykker", redirectType: .normal)
    }

    // MARK: - Hybrid follow-up

    struct HybridForm: Content {
        var date: String?
        var reason: String?
    }

    func startHybrid(req: Request) async throws -> Response {
        try await changeHybrid(req, start: true)
    }

    func endHybrid(req: Request) async throws -> Response {
        try await changeHybrid(req, start: false)
    }

    private func changeHybrid(_ req: Request, start: Bool) async throws -> Response {
        let opened = try await req.openCandidate(needs: .full)
        let form = try req.content.decode(HybridForm.self)
        // The form's fields are named hybridDate and hybridReason on the candidate page.
        func page(_ issues: [ProblemError.FieldIssue]) async throws -> Response {
            var page = CandidatePage(req: req, opened: opened)
            page.hybridErrors = FormErrors(issues.map { .init("hybrid" + $0.field.prefix(1).uppercased() + $0.field.dropFirst(), $0.key) }, req)
            return try await page.render(status: .unprocessableEntity, auditRead: false)
        }
        let date: Date, reason: String
        switch CandidateRules.hybridChange(date: form.date, reason: form.reason, now: req.now) {
        case let .failure(problems): return try await page(problems.issues)
        case let .success(change): (date, reason) = change
        }
        let service = CandidateService(req: req)
        do {
            if start { try await service.startHybrid(opened.candidate, on: date, reason: reason) } else { try await service.endHybrid(opened.candidate, on: date, reason: reason) }
        } catch let problem as ProblemError where problem.status == .unprocessableEntity {
            return try await page(problem.fields)
        }
        return req.redirect(to: "/kandidater/\(opened.id)?melding=\((start ? Flash.hybridStarted : Flash.hybridEnded).rawValue)", redirectType: .normal)
    }

    // MARK: - Handover

    struct HandoverView: Encodable, Sendable {
        var candidateHref: String
        var candidateName: String
        var counselors: [Option]
        var values: [String: String]
        var errors: FormErrors
    }

    struct HandoverForm: Content {
        var counselorID: String?
        var situation: String?
        var agreements: String?
        var mentor: String?
        var nextMeeting: String?
        var promised: String?

        var note: CandidateService.HandoverNote {
            .init(situation: situation ?? "", agreements: agreements ?? "", mentor: mentor ?? "", nextMeeting: nextMeeting ?? "", promised: promised ?? "")
        }
    }

    func handoverPage(req: Request) async throws -> Response {
        let opened = try await req.openCandidate(needs: .full)
        return try await renderHandover(req, opened, form: HandoverForm(), errors: .init())
    }

    func handover(req: Request) async throws -> Response {
        let opened = try await req.openCandidate(needs: .full)
        let form = try req.content.decode(HandoverForm.self)
        guard let target = form.counselorID.flatMap(UUID.init(uuidString:)) else {
            var issues = form.note.problems()
            issues.insert(.init("counselorID", "handover.error.counselor"), at: 0)
            return try await renderHandover(req, opened, form: form, errors: FormErrors(issues, req), status: .unprocessableEntity)
        }
        do {
            try await CandidateService(req: req).handover(opened.candidate, to: target, note: form.note)
        } catch let problem as ProblemError where problem.status == .unprocessableEntity {
            return try await renderHandover(req, opened, form: form, errors: FormErrors(problem.fields, req), status: .unprocessableEntity)
        }
        let principal = try req.requirePrincipal()
        // The one who handed over may no longer see the candidate; go back to the portfolio.
        let stillOpen = principal.hasAny([.leder])
        return req.redirect(to: stillOpen ? "/kandidater/\(opened.id)?melding=\(Flash.handedOver.rawValue)" : "/portefolje?melding=\(Flash.handedOver.rawValue)", redirectType: .normal)
    }

    private func renderHandover(_ req: Request, _ opened: OpenedCandidate, form: HandoverForm, errors: FormErrors, status: HTTPStatus = .ok) async throws -> Response {
        let candidate = opened.candidate
        let counselors = try await User.query(on: req.db)
            .filter(\.$office.$id == candidate.$office.id)
            .filter(\.$isActive == true)
            .join(UserRole.self, on: \User.$id == \UserRole.$user.$id)
            .filter(UserRole.self, \.$role == Role.veileder.rawValue)
            .filter(\.$id != candidate.$counselor.id)
            .sort(\.$displayName)
            .all()
        let view = HandoverView(
            candidateHref: "/kandidater/\(opened.id)", candidateName: candidate.fullName,
            counselors: counselors.map { Option(value: $0.id!.uuidString, label: $0.displayName, selected: $0.id?.uuidString == form.counselorID) },
            values: [
                "situation": form.situation ?? "", "agreements": form.agreements ?? "", "mentor": form.mentor ?? "",
                "nextMeeting": form.nextMeeting ?? "", "promised": form.promised ?? "",
            ],
            errors: errors
        )
        return try await req.render("candidates/handover", titleKey: "handover.title", titleArgs: [candidate.firstName], view, status: status)
    }

    // MARK: - Access requests

    struct DecisionForm: Content {
        var decision: String?
        var response: String?
    }

    func decideRequest(req: Request) async throws -> Response {
        let opened = try await req.openCandidate(needs: .full)
        let principal = try req.requirePrincipal()
        guard opened.candidate.$counselor.id == principal.userID || principal.roles.contains(.leder) else {
            throw ProblemError(.forbidden, key: "access_request.error.who")
        }
        guard let requestID = req.parameters.get("requestID", as: UUID.self),
              let request = try await CandidateAccessRequest.query(on: req.db).filter(\.$id == requestID).filter(\.$candidate.$id == opened.id).first()
        else { throw Abort(.notFound) }
        let form = try req.content.decode(DecisionForm.self)
        guard let decision = form.decision, ["godkjenn", "avslaa"].contains(decision) else {
            throw ProblemError.validation([.init("decision", "access_request.error.decision")])
        }
        let response = CandidateRules.clean(form.response ?? "")
        guard response.count <= 500 else { throw ProblemError.validation([.init("response", "form.error.too_long", "500")]) }
        try await CandidateService(req: req).decide(request, candidate: opened.candidate, approve: decision == "godkjenn", response: response.isEmpty ? nil : response)
        return req.redirect(to: "/kandidater/\(opened.id)?melding=\(Flash.saved.rawValue)", redirectType: .normal)
    }
}

extension CandidateReasonRequired: PageError {
    var problem: ProblemError { ProblemError(.forbidden, key: "candidate.error.reason_required", args: [candidate.id?.uuidString ?? ""]) }

    func page(for request: Request) async throws -> Response {
        try await render(request, reason: "", errors: .init())
    }

    /// The form that asks why the user opens a candidate who is not theirs. Shows no data about them.
    func render(_ req: Request, reason: String, errors: FormErrors, next: String? = nil) async throws -> Response {
        // Asked for on a page about the candidate (a pathway): go back there once the reason is given.
        let back = CandidateController.returnPath(next ?? (req.method == .GET ? req.url.path : nil))
        let view = CandidateController.ReasonView(action: "/kandidater/\(try candidate.requireID())/grunn", reason: reason, errors: errors, next: back)
        return try await req.render("candidates/reason", titleKey: "candidate.reason.title", view, status: errors.isEmpty ? .forbidden : .unprocessableEntity)
    }
}
