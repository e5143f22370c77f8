import Vapor

/// The training plan page and its forms: add a sub-goal (training or language plan), change a
/// sub-goal's status or write a progress note, set the language plan, record an observation.
struct TrainingPlanController {
    func show(req: Request) async throws -> Response {
        let (snapshot, opened) = try await req.openAgreement()
        return try await TrainingPlanPage(req: req, snapshot: snapshot, opened: opened).render()
    }

    /// Performs a form's change and goes back to the page (at `anchor`). A problem naming fields
    /// draws the page again with the form's text and errors (422); a refused write (an annulled
    /// agreement, a closed pathway) draws it with the reason (409).
    private func submit(_ req: Request, formID: String, values: [String: String], flash: Flash, anchor: String,
                        _ perform: (AgreementSnapshot) async throws -> Void) async throws -> Response {
        let (snapshot, _) = try await req.openAgreement(needs: .full)
        do {
            try await perform(snapshot)
        } catch let problem as ProblemError where !problem.fields.isEmpty || problem.status == .conflict {
            let (fresh, freshPathway) = try await req.openAgreement(needs: .full)
            var page = TrainingPlanPage(req: req, snapshot: fresh, opened: freshPathway)
            var fields = problem.fields.map { issue in
                var renamed = issue
                renamed.field = TrainingPlanPage.formField(issue.field)
                return renamed
            }
            if fields.isEmpty {
                var issue = ProblemError.FieldIssue(formID, problem.key)
                issue.args = problem.args
                fields = [issue]
            }
            page.failed = (formID, values, FormErrors(fields, req))
            return try await page.render(status: problem.status == .conflict ? .conflict : .unprocessableEntity)
        }
        return req.redirect(to: "\(TrainingPlanPage.base(snapshot.id))?melding=\(flash.rawValue)#\(anchor)", redirectType: .normal)
    }

    struct GoalForm: Content {
        var plan: String?
        var title: String?
        var targetDate: String?
        var responsible: String?
    }

    func addGoal(req: Request) async throws -> Response {
        let form = try req.content.decode(GoalForm.self)
        let plan = TrainingPlanKind(rawValue: form.plan ?? "") ?? .training
        let values = ["plan": plan.rawValue, "title": form.title ?? "", "targetDate": form.targetDate ?? "", "responsible": form.responsible ?? ""]
        return try await submit(req, formID: "delmal-\(plan.rawValue)", values: values, flash: .goalSaved,
                                anchor: plan == .training ? "opplaeringsplan" : "norskopplaering") { snapshot in
            let valid = try TrainingPlanRules.goal(.init(plan: form.plan, title: form.title, targetDate: form.targetDate, responsible: form.responsible), now: req.now)
            try await TrainingPlanService(req: req).addGoal(snapshot.id, valid)
        }
    }

    struct UpdateForm: Content {
        var status: String?
        var note: String?
    }

    func updateGoal(req: Request) async throws -> Response {
        guard let goalID = req.parameters.get("goalID", as: UUID.self) else { throw Abort(.notFound) }
        let form = try req.content.decode(UpdateForm.self)
        return try await submit(req, formID: "delmal-\(goalID.uuidString)", values: ["status": form.status ?? "", "note": form.note ?? ""],
                                flash: .goalSaved, anchor: "delmal-\(goalID.uuidString)") { snapshot in
            let valid = try TrainingPlanRules.update(status: form.status, note: form.note)
            try await TrainingPlanService(req: req).updateGoal(goalID, agreementID: snapshot.id, valid)
        }
    }

    struct LanguagePlanForm: Content {
        var finalGoal: String?
        var deadline: String?
    }

    func setLanguagePlan(req: Request) async throws -> Response {
        let form = try req.content.decode(LanguagePlanForm.self)
        return try await submit(req, formID: "sprakplan", values: ["finalGoal": form.finalGoal ?? "", "deadline": form.deadline ?? ""],
                                flash: .languagePlanSaved, anchor: "norskopplaering") { snapshot in
            let valid = try TrainingPlanRules.languagePlan(finalGoal: form.finalGoal, deadline: form.deadline, now: req.now)
            try await TrainingPlanService(req: req).setLanguagePlan(snapshot.id, valid)
        }
    }

    func recordObservation(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        var items: [String: TrainingPlanRules.ItemInput] = [:]
        var values = ["observedOn": form["observedOn"] ?? "", "note": form["note"] ?? ""]
        for item in ObservationItem.allCases {
            let rating = form[TrainingPlanPage.ratingField(item)], comment = form[TrainingPlanPage.commentField(item)]
            items[item.rawValue] = .init(rating: rating, comment: comment)
            values[TrainingPlanPage.ratingField(item)] = rating ?? ""
            values[TrainingPlanPage.commentField(item)] = comment ?? ""
        }
        return try await submit(req, formID: "observasjon", values: values, flash: .observationSaved, anchor: "observasjoner") { snapshot in
            let valid = try TrainingPlanRules.observation(.init(observedOn: form["observedOn"], items: items, note: form["note"]), now: req.now)
            try await TrainingPlanService(req: req).recordObservation(snapshot.id, valid)
        }
    }
}
