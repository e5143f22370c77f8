import Fluent
import SQLKit
import Vapor

/// The pathway pages: start one for a candidate, the pathway with its step bar, criteria panel and
/// timeline, and the forms that record events, change step, pause and close.
struct PathwayController {
    typealias Option = FormView.Option

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
        return try await PathwayPage(req: req, opened: opened, timelineCursor: req.query[UUID.self, at: "eldre"]).render()
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
        /// The timeline page the user came from (`?eldre=`), to return to it.
        var eldre: String?
    }

    struct WithdrawView: Encodable, Sendable {
        var pathwayID: String
        var candidateName: String
        var action: String
        var backHref: String
        var cursor: String?
        var date: String
        var label: String
        var employer: String?
        var note: String?
        var recorded: String
        /// "Trukket tilbake …" when it already is; then there is no form.
        var withdrawn: String?
        var mayWithdraw: Bool
        /// The user may read the candidate but not change it.
        var readOnly: Bool
        var reason: String
        var errors: FormErrors
    }

    /// The page that withdraws one mistaken event: the event as recorded, and a reason.
    func withdrawForm(req: Request) async throws -> Response {
        let opened = try await req.openPathway()
        guard let eventID = req.parameters.get("eventID", as: UUID.self) else { throw Abort(.notFound) }
        return try await renderWithdraw(req, opened, eventID: eventID, cursor: req.query[UUID.self, at: "eldre"], reason: "", errors: .init())
    }

    func withdrawEvent(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        guard let eventID = req.parameters.get("eventID", as: UUID.self) else { throw Abort(.notFound) }
        var issues: [ProblemError.FieldIssue] = []
        let form = try req.content.decode(WithdrawForm.self)
        let cursor = form.eldre.flatMap(UUID.init(uuidString:))
        let reason = PathwayRules.text(form.reason, field: "reason", max: PathwayRules.maxReason, required: true, issues: &issues)
        do {
            guard issues.isEmpty, let reason else { throw ProblemError.validation(issues) }
            try await PathwayService(req: req).withdraw(opened, eventID: eventID, reason: reason)
        } catch let problem as ProblemError where !problem.fields.isEmpty {
            // The form has one field: every problem is told there (a system event names the event).
            let errors = FormErrors(problem.fields.map { issue in
                var renamed = issue
                renamed.field = "reason"
                return renamed
            }, req)
            return try await renderWithdraw(req, opened, eventID: eventID, cursor: cursor, reason: form.reason ?? "", errors: errors, status: .unprocessableEntity)
        }
        let page = cursor.map { "&eldre=\($0)" } ?? ""
        return req.redirect(to: "/forlop/\(opened.id)?melding=\(Flash.eventWithdrawn.rawValue)\(page)#tidslinje", redirectType: .normal)
    }

    private func renderWithdraw(_ req: Request, _ opened: OpenedPathway, eventID: UUID, cursor: UUID?, reason: String, errors: FormErrors,
                                status: HTTPStatus = .ok) async throws -> Response {
        guard let event = try await PathwayPageReads.event(eventID, pathwayID: opened.id, on: req.db as! any SQLDatabase) else { throw Abort(.notFound) }
        let back = "/forlop/\(opened.id)" + (cursor.map { "?eldre=\($0)" } ?? "") + "#tidslinje"
        let view = WithdrawView(
            pathwayID: opened.id.uuidString, candidateName: opened.candidate.candidate.fullName,
            action: "/forlop/\(opened.id)/hendelser/\(eventID)/trekk-tilbake", backHref: back, cursor: cursor?.uuidString,
            date: DisplayDate.date(event.occurredAt), label: req.t(event.type.labelKey), employer: event.employer,
            note: event.type == .stepChanged || event.type == .pathwayClosed ? nil : event.note,
            recorded: req.t("pathway.timeline.recorded", event.recordedBy, DisplayDate.dateTime(event.recordedAt)),
            withdrawn: event.withdrawnAt.map { req.t("pathway.timeline.withdrawn", DisplayDate.dateTime($0), event.withdrawnBy ?? "–", event.withdrawnReason ?? "") },
            mayWithdraw: opened.mayChange && event.withdrawnAt == nil && event.type.isWithdrawable,
            readOnly: !opened.candidate.mayChange,
            reason: reason, errors: errors
        )
        // The page shows the event's note: personal data, so every rendering is audited, as the pathway page's.
        try await req.audit(.pathway(.pathwayRead, opened.pathway, detail: "trekk tilbake \(eventID)"))
        return try await req.render("pathways/withdraw", titleKey: "pathway.withdraw.title", titleArgs: [opened.candidate.candidate.firstName], view, status: status)
    }
}
