import Fluent
import Vapor

/// The pathway pages: start one for a candidate, the pathway with its step bar, criteria panel and
/// timeline, and the forms that record events, change step, pause and close.
struct PathwayController {
    struct Option: Encodable, Sendable {
        var value: String
        var label: String
        var selected: Bool
    }

    // MARK: - Start

    struct NewView: Encodable, Sendable {
        var candidateID: String
        var candidateName: String
        var models: [Option]
        var referralDate: String
        var referrer: String
        var errors: FormErrors
    }

    struct StartForm: Content {
        var methodModel: String?
        var referralDate: String?
        var referrer: String?
    }

    func new(req: Request) async throws -> Response {
        let opened = try await req.openCandidate(needs: .full)
        return try await renderNew(req, opened, form: StartForm(methodModel: nil, referralDate: DisplayDate.dayInput(req.now), referrer: nil), errors: .init())
    }

    func create(req: Request) async throws -> Response {
        let opened = try await req.openCandidate(needs: .full)
        let form = try req.content.decode(StartForm.self)
        let available = try await req.samskap.methodModels.available(for: opened.candidate.$office.id, on: req.db)
        switch PathwayRules.start(modelID: form.methodModel, referralDate: form.referralDate, referrer: form.referrer, available: available.compactMap(\.id), now: req.now) {
        case let .failure(problem):
            return try await renderNew(req, opened, form: form, errors: FormErrors(problem.fields, req), status: .unprocessableEntity)
        case let .success(valid):
            let pathway = try await PathwayService(req: req).start(candidate: opened.candidate, valid)
            return req.redirect(to: "/forlop/\(try pathway.requireID())?melding=\(Flash.pathwayStarted.rawValue)", redirectType: .normal)
        }
    }

    private func renderNew(_ req: Request, _ opened: OpenedCandidate, form: StartForm, errors: FormErrors, status: HTTPStatus = .ok) async throws -> Response {
        let available = try await req.samskap.methodModels.available(for: opened.candidate.$office.id, on: req.db)
        let view = NewView(
            candidateID: opened.id.uuidString, candidateName: opened.candidate.fullName,
            models: available.map { Option(value: $0.id?.uuidString ?? "", label: "\($0.name) (versjon \($0.version)\($0.isShipped ? "" : ", " + req.t("model.office_version")))", selected: $0.id?.uuidString == form.methodModel) },
            referralDate: form.referralDate ?? "", referrer: form.referrer ?? "", errors: errors
        )
        return try await req.render("pathways/new", titleKey: "pathway.new.title", titleArgs: [opened.candidate.firstName], view, status: status)
    }

    // MARK: - The pathway page

    func show(req: Request) async throws -> Response {
        let opened = try await req.openPathway()
        return try await PathwayPage(req: req, opened: opened).render()
    }

    struct EventForm: Content {
        var type: String?
        var occurredAt: String?
        var employerId: String?
        var newEmployerName: String?
        var agreementId: String?
        var note: String?
    }

    func recordEvent(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        let form = try req.content.decode(EventForm.self)
        return try await submit(req, opened,
            PathwayRules.event(type: form.type, occurredAt: form.occurredAt, employerID: form.employerId, newEmployerName: form.newEmployerName,
                               agreementID: form.agreementId, note: form.note, referralDate: opened.pathway.referralDate, now: req.now),
            perform: { try await PathwayService(req: req).record(opened, $0) },
            done: "/forlop/\(opened.id)?melding=\(Flash.eventRecorded.rawValue)#kriterier",
            showing: { page, errors in page.eventErrors = errors; page.eventDraft = form })
    }

    /// Validates, performs, and redirects; a problem found by the form check or inside the
    /// transaction (e.g. an employer of another office) re-renders the page with the text kept.
    private func submit<Valid: Sendable>(
        _ req: Request, _ opened: OpenedPathway, _ validated: Result<Valid, ProblemError>,
        perform: (Valid) async throws -> Void, done: String, showing: (inout PathwayPage, FormErrors) -> Void
    ) async throws -> Response {
        do {
            try await perform(try validated.get())
        } catch let problem as ProblemError where !problem.fields.isEmpty {
            var page = PathwayPage(req: req, opened: opened)
            showing(&page, FormErrors(problem.fields, req))
            return try await page.render(status: .unprocessableEntity)
        }
        return req.redirect(to: done, redirectType: .normal)
    }

    struct StepForm: Content {
        var step: String?
        var reason: String?
    }

    func changeStep(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        let form = try req.content.decode(StepForm.self)
        return try await submit(req, opened,
            PathwayRules.step(form.step, reason: form.reason, model: opened.model, current: opened.pathway.currentStep),
            perform: { try await PathwayService(req: req).changeStep(opened, $0) },
            done: "/forlop/\(opened.id)?melding=\(Flash.saved.rawValue)",
            showing: { page, errors in page.stepErrors = errors; page.stepDraft = form })
    }

    struct StatusForm: Content {
        var action: String?
        var reason: String?
    }

    func changeStatus(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        let form = try req.content.decode(StatusForm.self)
        guard let action = form.action, ["pause", "gjenoppta"].contains(action) else { throw Abort(.badRequest) }
        var issues: [ProblemError.FieldIssue] = []
        let reason = PathwayRules.text(form.reason, field: "statusReason", max: PathwayRules.maxReason, required: false, issues: &issues)
        guard issues.isEmpty else {
            var page = PathwayPage(req: req, opened: opened)
            page.statusErrors = FormErrors(issues, req)
            return try await page.render(status: .unprocessableEntity)
        }
        try await PathwayService(req: req).setPaused(opened, paused: action == "pause", reason: reason)
        return req.redirect(to: "/forlop/\(opened.id)?melding=\(Flash.saved.rawValue)", redirectType: .normal)
    }

    struct CloseForm: Content {
        var outcome: String?
        var reason: String?
        var closedAt: String?
    }

    func close(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        let form = try req.content.decode(CloseForm.self)
        return try await submit(req, opened,
            PathwayRules.close(outcome: form.outcome, reason: form.reason, closedAt: form.closedAt, referralDate: opened.pathway.referralDate, now: req.now),
            perform: { try await PathwayService(req: req).close(opened, $0) },
            done: "/forlop/\(opened.id)?melding=\(Flash.pathwayClosed.rawValue)",
            showing: { page, errors in page.closeErrors = errors; page.closeDraft = form })
    }

    struct WithdrawForm: Content {
        var reason: String?
    }

    func withdrawEvent(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        guard let eventID = req.parameters.get("eventID", as: UUID.self) else { throw Abort(.notFound) }
        var issues: [ProblemError.FieldIssue] = []
        let reason = PathwayRules.text(try req.content.decode(WithdrawForm.self).reason, field: "withdraw-\(eventID)", max: PathwayRules.maxReason, required: true, issues: &issues)
        do {
            guard issues.isEmpty, let reason else { throw ProblemError.validation(issues) }
            try await PathwayService(req: req).withdraw(opened, eventID: eventID, reason: reason)
        } catch let problem as ProblemError where !problem.fields.isEmpty {
            var page = PathwayPage(req: req, opened: opened)
            page.withdrawErrors = FormErrors(problem.fields.map { issue in
                var renamed = issue
                renamed.field = "withdraw-\(eventID)"
                return renamed
            }, req)
            return try await page.render(status: .unprocessableEntity)
        }
        return req.redirect(to: "/forlop/\(opened.id)?melding=\(Flash.eventWithdrawn.rawValue)#tidslinje", redirectType: .normal)
    }
}
