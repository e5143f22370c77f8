import Fluent
import Vapor

/// The agreement pages: start one from a pathway (type and employer), fill in and change its
/// terms, approve, extend and annul.
struct AgreementController {
    struct StartForm: Content {
        var type: String?
        var employerId: String?
    }

    /// Starts an agreement from the pathway's job page; the terms are written on the next page.
    func create(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        let form = try req.content.decode(StartForm.self)
        var issues: EmployerRules.Issues = []
        let type: AgreementType? = EmployerRules.choice(form.type, "type", required: true, &issues)
        let employerID = EmployerRules.uuid(form.employerId, "employerId", required: true, &issues)
        do {
            guard issues.isEmpty, let type, let employerID else { throw ProblemError.validation(issues) }
            let agreement = try await AgreementService(req: req).create(opened, type: type, employerID: employerID, draft: .init())
            return req.redirect(to: "/avtaler/\(try agreement.requireID())/rediger?melding=\(Flash.agreementCreated.rawValue)", redirectType: .normal)
        } catch let problem as ProblemError where !problem.fields.isEmpty {
            var page = PathwayJobsPage(req: req, opened: opened)
            page.failed = ("ny-avtale", ["type": form.type ?? "", "employerId": form.employerId ?? ""], FormErrors(problem.fields, req))
            return try await page.render(status: .unprocessableEntity)
        }
    }

    func show(req: Request) async throws -> Response {
        let (snapshot, opened) = try await req.openAgreement()
        return try await AgreementPage(req: req, snapshot: snapshot, opened: opened).render()
    }

    // MARK: - Terms

    struct EditView: Encodable, Sendable {
        var id: String
        var type: String
        var candidateName: String
        var employerName: String
        var version: Int
        var afterApproval: Bool
        var form: [FormView]
    }

    func editPage(req: Request) async throws -> Response {
        let (snapshot, opened) = try await req.openAgreement(needs: .full)
        return try await renderEdit(req, snapshot, opened, values: Self.values(AgreementRules.Draft(snapshot.terms)), errors: .init())
    }

    static func values(_ d: AgreementRules.Draft, changeNote: String? = nil) -> [String: String] {
        var values = ["startDate": d.startDate ?? "", "endDate": d.endDate ?? "", "tasks": d.tasks ?? "", "followUp": d.followUp ?? "",
                      "navContact": d.navContact ?? "", "workplaceContact": d.workplaceContact ?? "", "wageSubsidyPercent": d.wageSubsidyPercent ?? "",
                      "mentorId": d.mentorId ?? "", "mentorHoursPerMonth": d.mentorHoursPerMonth ?? "", "hourlyWage": d.hourlyWage ?? "",
                      "changeNote": changeNote ?? ""]
        for goal in d.goals {
            guard let kind = goal.kind else { continue }
            values["goal_\(kind)"] = "on"
            values["goalText_\(kind)"] = goal.description ?? ""
        }
        return values
    }

    private func renderEdit(_ req: Request, _ snapshot: AgreementSnapshot, _ opened: OpenedPathway, values: [String: String], errors: FormErrors,
                            status: HTTPStatus = .ok) async throws -> Response {
        guard opened.mayChange else { throw Abort(.forbidden) }
        let type = snapshot.agreement.type
        let mentors = try await Mentor.query(on: req.db).filter(\.$office.$id == snapshot.agreement.$office.id).with(\.$employer).sort(\.$name).all()
            .sorted { ($0.$employer.id == snapshot.agreement.$employer.id ? 0 : 1, $0.name) < ($1.$employer.id == snapshot.agreement.$employer.id ? 0 : 1, $1.name) }
        // Errors on goals[n] belong to the n-th goal written.
        let goalKinds = AgreementGoalKind.allCases.filter { values["goal_\($0.rawValue)"] == "on" }
        var renamed = FormErrors()
        for item in errors.items {
            if item.field.hasPrefix("goals["), let index = Int(item.field.dropFirst(6).dropLast()), index < goalKinds.count {
                renamed.add("goalText_\(goalKinds[index].rawValue)", item.message)
            } else {
                renamed.add(item.field, item.message)
            }
        }
        var b = FormBuilder(req, id: "vilkar", action: "/avtaler/\(snapshot.id.uuidString)/rediger", values: values, errors: renamed)
        b.add("startDate", .date, label: "agreement.field.start_date")
        let limit = type.maximumDuration(for: opened.candidate.candidate.innsatsgruppe)
        b.add("endDate", .date, label: "agreement.field.end_date", hint: limit.map { limit in
            let (key, count) = limit.labelArgs
            return req.t("agreement.field.end_date_hint", req.t(key == "agreement.error.too_long_days" ? "agreement.duration.days" : "agreement.duration.months", count))
        } ?? (type.endDateOptional ? "agreement.field.end_date_optional" : nil))
        for kind in AgreementGoalKind.allCases {
            b.add("goal_\(kind.rawValue)", .checkbox, label: kind.labelKey)
            b.add("goalText_\(kind.rawValue)", .textarea, label: "agreement.field.goal_description", hint: kind.labelKey, maxLength: AgreementRules.maxText)
        }
        b.add("tasks", .textarea, label: "agreement.field.tasks", maxLength: AgreementRules.maxText)
        b.add("followUp", .textarea, label: "agreement.field.follow_up", hint: "agreement.field.follow_up_hint", maxLength: AgreementRules.maxText)
        b.add("navContact", .text, label: "agreement.field.nav_contact", hint: "agreement.field.contact_hint", maxLength: AgreementRules.maxContact)
        b.add("workplaceContact", .text, label: "agreement.field.workplace_contact", hint: "agreement.field.contact_hint", maxLength: AgreementRules.maxContact)
        if type.usesWageSubsidy {
            b.add("wageSubsidyPercent", .text, label: "agreement.field.wage_subsidy", hint: "agreement.field.wage_subsidy_hint", maxLength: 3, inputMode: "numeric")
        }
        if type == .mentor {
            b.add("mentorId", .select, label: "agreement.field.mentor", hint: "agreement.field.mentor_hint",
                  options: [.init(value: "", label: req.t("form.choose"), selected: false)] + mentors.map { .init(value: $0.id!.uuidString, label: "\($0.name) – \($0.employer.name)", selected: false) })
            b.add("mentorHoursPerMonth", .text, label: "agreement.field.hours", hint: "agreement.field.hours_hint", maxLength: 8, inputMode: "decimal")
            b.add("hourlyWage", .text, label: "agreement.field.wage", hint: "agreement.field.wage_hint", maxLength: 10, inputMode: "decimal")
        }
        let afterApproval = snapshot.approvals.contains { $0.version == snapshot.agreement.currentVersion && $0.withdrawnAt == nil } || snapshot.current.fullyApprovedAt != nil
        b.add("changeNote", .textarea, label: "agreement.field.change_note", hint: afterApproval ? "agreement.field.change_note_hint" : nil, maxLength: PathwayRules.maxReason)
        let employer = try await Employer.find(snapshot.agreement.$employer.id, on: req.db)
        let view = EditView(id: snapshot.id.uuidString, type: req.t(type.labelKey), candidateName: opened.candidate.candidate.fullName,
                            employerName: employer?.name ?? "–", version: snapshot.agreement.currentVersion, afterApproval: afterApproval,
                            form: [b.build(submit: "form.save")])
        return try await req.render("agreements/edit", titleKey: "agreement.edit.title", titleArgs: [req.t(type.labelKey), opened.candidate.candidate.firstName], view, status: status)
    }

    func update(req: Request) async throws -> Response {
        let (snapshot, opened) = try await req.openAgreement(needs: .full)
        let form = try req.content.decode([String: String].self)
        let goals = AgreementGoalKind.allCases.filter { form["goal_\($0.rawValue)"] == "on" }
            .map { AgreementRules.Draft.Goal(kind: $0.rawValue, description: form["goalText_\($0.rawValue)"]) }
        let draft = AgreementRules.Draft(
            startDate: form["startDate"], endDate: form["endDate"], goals: goals, tasks: form["tasks"], followUp: form["followUp"],
            navContact: form["navContact"], workplaceContact: form["workplaceContact"], wageSubsidyPercent: form["wageSubsidyPercent"],
            mentorId: form["mentorId"], mentorHoursPerMonth: form["mentorHoursPerMonth"], hourlyWage: form["hourlyWage"])
        do {
            try await AgreementService(req: req).update(snapshot, opened, draft: draft, changeNote: form["changeNote"])
        } catch let problem as ProblemError where !problem.fields.isEmpty {
            var values = Self.values(draft, changeNote: form["changeNote"])
            for kind in AgreementGoalKind.allCases where form["goal_\(kind.rawValue)"] != "on" {
                if let text = form["goalText_\(kind.rawValue)"], !text.isEmpty { values["goalText_\(kind.rawValue)"] = text }
            }
            return try await renderEdit(req, snapshot, opened, values: values, errors: FormErrors(problem.fields, req), status: .unprocessableEntity)
        }
        return req.redirect(to: "/avtaler/\(snapshot.id.uuidString)?melding=\(Flash.saved.rawValue)", redirectType: .normal)
    }

    // MARK: - Approve, extend, annul

    private func act(_ req: Request, formID: String, values: [String: String], flash: Flash,
                     _ perform: (AgreementSnapshot, OpenedPathway) async throws -> Void) async throws -> Response {
        let (snapshot, opened) = try await req.openAgreement(needs: .full)
        do {
            try await perform(snapshot, opened)
        } catch let problem as ProblemError where !problem.fields.isEmpty || problem.status == .conflict {
            let (fresh, _) = try await req.openAgreement(needs: .full)
            var page = AgreementPage(req: req, snapshot: fresh, opened: opened)
            var fields = problem.fields
            if fields.isEmpty {
                var issue = ProblemError.FieldIssue(formID, problem.key)
                issue.args = problem.args
                fields = [issue]
            }
            page.failed = (formID, values, FormErrors(fields, req))
            return try await page.render(status: problem.status == .conflict ? .conflict : .unprocessableEntity)
        }
        return req.redirect(to: "/avtaler/\(snapshot.id.uuidString)?melding=\(flash.rawValue)", redirectType: .normal)
    }

    struct ApproveForm: Content {
        var party: String?
    }

    func approve(req: Request) async throws -> Response {
        let form = try req.content.decode(ApproveForm.self)
        return try await act(req, formID: "godkjenn-\(form.party ?? "")", values: [:], flash: .agreementApproved) { snapshot, opened in
            try await AgreementService(req: req).approve(snapshot, opened, party: form.party)
        }
    }

    struct ExtendForm: Content {
        var endDate: String?
        var reason: String?
    }

    func extend(req: Request) async throws -> Response {
        let form = try req.content.decode(ExtendForm.self)
        return try await act(req, formID: "forleng", values: ["endDate": form.endDate ?? "", "reason": form.reason ?? ""], flash: .agreementExtended) { snapshot, opened in
            try await AgreementService(req: req).extend(snapshot, opened, endDate: form.endDate, reason: form.reason)
        }
    }

    struct AnnulForm: Content {
        var reason: String?
        var note: String?
        var annulledOn: String?
    }

    func annul(req: Request) async throws -> Response {
        let form = try req.content.decode(AnnulForm.self)
        return try await act(req, formID: "annuller", values: ["reason": form.reason ?? "", "note": form.note ?? "", "annulledOn": form.annulledOn ?? ""],
                             flash: .agreementAnnulled) { snapshot, opened in
            try await AgreementService(req: req).annul(snapshot, opened, reason: form.reason, note: form.note, on: form.annulledOn)
        }
    }
}
