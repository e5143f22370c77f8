import Fluent
import Vapor

/// The employer register's pages: the list with search, an employer with its contacts, status
/// history, notes, visits, job analyses, mentors and agreements, and the forms that change them.
struct EmployerController {
    // MARK: - List

    struct ListView: Encodable, Sendable {
        struct Row: Encodable, Sendable {
            var href: String
            var name: String
            var orgnr: String?
            var industry: String?
            var municipality: String?
            var status: String
            var statusClass: String
        }
        var query: String
        var statuses: [FormView.Option]
        var rows: [Row]
        var count: Int
        var createForm: [FormView]
    }

    func list(req: Request, form: [String: String]? = nil, errors: FormErrors = .init(), status: HTTPStatus = .ok) async throws -> Response {
        let officeID = try req.requireOfficeID()
        let query = (try? req.query.get(String.self, at: "q")) ?? ""
        let statusRaw = (try? req.query.get(String.self, at: "status")) ?? ""
        let employers = try await EmployerService.search(officeID: officeID, query: query, status: CooperationStatus(rawValue: statusRaw), limit: 200, on: req.db)
        let view = ListView(
            query: query,
            statuses: [.init(value: "", label: req.t("employer.list.all_statuses"), selected: statusRaw.isEmpty)]
                + CooperationStatus.allCases.map { .init(value: $0.rawValue, label: req.t($0.labelKey), selected: $0.rawValue == statusRaw) },
            rows: employers.map { e in
                .init(href: "/virksomheter/\(e.id!.uuidString)", name: e.name, orgnr: e.orgnr.flatMap { try? OrganisationNumber($0).formatted },
                      industry: e.industry.map { req.t($0.labelKey) }, municipality: e.municipality, status: req.t(e.cooperationStatus.labelKey),
                      statusClass: e.cooperationStatus.rawValue)
            },
            count: employers.count,
            createForm: [try await employerForm(req, id: "ny-virksomhet", action: "/virksomheter", values: form ?? [:], errors: errors, folded: true,
                                               submit: "employer.create.submit", summary: "employer.create.summary")]
        )
        return try await req.render("employers/index", titleKey: "employer.list.title", view, status: status)
    }

    private func employerForm(_ req: Request, id: String, action: String, values: [String: String], errors: FormErrors, folded: Bool,
                              submit: String, summary: String) async throws -> FormView {
        let owners = try await EmployerService.possibleOwners(officeID: try req.requireOfficeID(), on: req.db)
        var b = FormBuilder(req, id: id, action: action, values: values, errors: errors)
        b.add("name", .text, label: "employer.field.name", maxLength: EmployerRules.maxName, autocomplete: "organization")
        b.add("orgnr", .text, label: "employer.field.orgnr", hint: "employer.field.orgnr_hint", maxLength: 11, inputMode: "numeric")
        b.choice("industry", Industry.self, label: "employer.field.industry", labelKey: { "\($0.rawValue) – " + req.t($0.labelKey) })
        b.choice("size", EmployerSize.self, label: "employer.field.size", labelKey: \.labelKey)
        b.add("address", .text, label: "employer.field.address", maxLength: EmployerRules.maxLine, autocomplete: "address-line1")
        b.add("municipality", .text, label: "employer.field.municipality", maxLength: 100)
        b.add("ownerId", .select, label: "employer.field.owner", hint: "employer.field.owner_hint",
              options: [.init(value: "", label: req.t("employer.field.no_owner"), selected: false)]
                + owners.map { .init(value: $0.id!.uuidString, label: $0.displayName, selected: false) })
        return b.build(submit: submit, folded: folded, summary: summary)
    }

    struct EmployerForm: Content {
        var orgnr: String?
        var name: String?
        var industry: String?
        var size: String?
        var address: String?
        var municipality: String?
        var ownerId: String?

        var draft: EmployerRules.Draft {
            .init(orgnr: orgnr, name: name, industry: industry, size: size, address: address, municipality: municipality, ownerId: ownerId)
        }
        var values: [String: String] {
            ["orgnr": orgnr ?? "", "name": name ?? "", "industry": industry ?? "", "size": size ?? "", "address": address ?? "",
             "municipality": municipality ?? "", "ownerId": ownerId ?? ""]
        }
    }

    private func owners(_ req: Request) async throws -> Set<UUID> {
        Set(try await EmployerService.possibleOwners(officeID: try req.requireOfficeID(), on: req.db).compactMap(\.id))
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode(EmployerForm.self)
        do {
            let valid = try EmployerRules.employer(form.draft, owners: try await owners(req)).get()
            let employer = try await EmployerService(req: req).create(valid, officeID: try req.requireOfficeID())
            return req.redirect(to: "/virksomheter/\(try employer.requireID())?melding=\(Flash.employerCreated.rawValue)", redirectType: .normal)
        } catch let problem as ProblemError where !problem.fields.isEmpty {
            return try await list(req: req, form: form.values, errors: FormErrors(problem.fields, req), status: .unprocessableEntity)
        }
    }

    // MARK: - One employer

    func show(req: Request) async throws -> Response {
        try await EmployerPage(req: req, employer: try await req.openEmployer()).render()
    }

    /// Validates and performs one of the employer page's forms; a problem re-renders the page
    /// with that form's text and errors.
    private func submit(_ req: Request, formID: String, values: [String: String], flash: Flash = .saved, anchor: String = "",
                        _ perform: (Employer) async throws -> Void) async throws -> Response {
        let employer = try await req.openEmployer()
        return try await req.submitForm(formID, values: values, done: "/virksomheter/\(try employer.requireID())?melding=\(flash.rawValue)\(anchor)",
                                        page: { EmployerPage(req: req, employer: employer) }) { try await perform(employer) }
    }

    func update(req: Request) async throws -> Response {
        let form = try req.content.decode(EmployerForm.self)
        let owners = try await owners(req)
        return try await submit(req, formID: "rediger", values: form.values) { employer in
            try await EmployerService(req: req).update(employer, try EmployerRules.employer(form.draft, owners: owners).get())
        }
    }

    struct StatusForm: Content {
        var status: String?
        var changedOn: String?
        var reason: String?
    }

    func changeStatus(req: Request) async throws -> Response {
        let form = try req.content.decode(StatusForm.self)
        return try await submit(req, formID: "status", values: ["status": form.status ?? "", "changedOn": form.changedOn ?? "", "reason": form.reason ?? ""], anchor: "#status") { employer in
            try await EmployerService(req: req).changeStatus(employer, to: form.status, on: form.changedOn, reason: form.reason)
        }
    }

    struct ContactForm: Content {
        var name: String?
        var role: String?
        var phone: String?
        var email: String?
    }

    func addContact(req: Request) async throws -> Response {
        let form = try req.content.decode(ContactForm.self)
        return try await submit(req, formID: "kontakt", values: ["name": form.name ?? "", "role": form.role ?? "", "phone": form.phone ?? "", "email": form.email ?? ""],
                                anchor: "#kontaktpersoner") { employer in
            _ = try await EmployerService(req: req).addContact(employer, try EmployerRules.contact(name: form.name, role: form.role, phone: form.phone, email: form.email).get())
        }
    }

    func removeContact(req: Request) async throws -> Response {
        guard let contactID = req.parameters.get("contactID", as: UUID.self) else { throw Abort(.notFound) }
        return try await submit(req, formID: "kontakt", values: [:], anchor: "#kontaktpersoner") { employer in
            try await EmployerService(req: req).removeContact(employer, contactID: contactID)
        }
    }

    struct NoteForm: Content {
        var text: String?
    }

    func addNote(req: Request) async throws -> Response {
        let form = try req.content.decode(NoteForm.self)
        return try await submit(req, formID: "notat", values: ["text": form.text ?? ""], anchor: "#notater") { employer in
            _ = try await EmployerService(req: req).addNote(employer, text: try EmployerRules.note(form.text).get())
        }
    }

    struct VisitForm: Content {
        var visitedOn: String?
        var visitors: String?
        var purpose: String?
        var pathwayId: String?
        var notes: String?
    }

    func addVisit(req: Request) async throws -> Response {
        let form = try req.content.decode(VisitForm.self)
        let values = ["visitedOn": form.visitedOn ?? "", "visitors": form.visitors ?? "", "purpose": form.purpose ?? "", "pathwayId": form.pathwayId ?? "", "notes": form.notes ?? ""]
        return try await submit(req, formID: "besok", values: values, flash: .visitRecorded, anchor: "#besok") { employer in
            let valid = try EmployerRules.visit(visitedOn: form.visitedOn, visitors: form.visitors, purpose: form.purpose, pathwayId: form.pathwayId, notes: form.notes, now: req.now).get()
            let opened = try await valid.pathwayID.asyncMap { try await req.openPathway(id: $0, needs: .full) }
            _ = try await EmployerService(req: req).addVisit(employer, valid, pathway: opened)
        }
    }

    struct MentorForm: Content {
        var name: String?
        var position: String?
        var phone: String?
        var email: String?
    }

    func addMentor(req: Request) async throws -> Response {
        let form = try req.content.decode(MentorForm.self)
        let values = ["name": form.name ?? "", "position": form.position ?? "", "phone": form.phone ?? "", "email": form.email ?? ""]
        return try await submit(req, formID: "mentor", values: values, anchor: "#mentorer") { employer in
            let valid = try MentorRules.mentor(employerId: employer.id?.uuidString, name: form.name, position: form.position, phone: form.phone, email: form.email).get()
            _ = try await MentorService(req: req).create(valid, officeID: employer.$office.id)
        }
    }

    // MARK: - Job analysis

    struct AnalysisView: Encodable, Sendable {
        var employerID: String
        var employerName: String
        var isNew: Bool
        var form: [FormView]
    }

    struct AnalysisForm: Content {
        var role: String?
        var tasks: String?
        var physicalDemands: String?
        var socialDemands: String?
        var languageRequirement: String?
        var hoursPerWeek: String?
        var psychosocialEnvironment: String?
        var trainingRoutines: String?
        var adaptationPossibilities: String?

        var values: [String: String] {
            ["role": role ?? "", "tasks": tasks ?? "", "physicalDemands": physicalDemands ?? "", "socialDemands": socialDemands ?? "",
             "languageRequirement": languageRequirement ?? "", "hoursPerWeek": hoursPerWeek ?? "", "psychosocialEnvironment": psychosocialEnvironment ?? "",
             "trainingRoutines": trainingRoutines ?? "", "adaptationPossibilities": adaptationPossibilities ?? ""]
        }
    }

    private func analysis(_ req: Request, _ employer: Employer) async throws -> JobAnalysis? {
        guard let raw = req.parameters.get("analysisID") else { return nil }
        guard let id = UUID(uuidString: raw), let analysis = try await JobAnalysis.find(id, on: req.db), analysis.$employer.id == employer.id else { throw Abort(.notFound) }
        return analysis
    }

    func analysisPage(req: Request) async throws -> Response {
        let employer = try await req.openEmployer()
        let existing = try await analysis(req, employer)
        let values = existing.map { a in
            AnalysisForm(role: a.role, tasks: a.tasks, physicalDemands: a.physicalDemands, socialDemands: a.socialDemands, languageRequirement: a.languageRequirement.rawValue,
                         hoursPerWeek: a.hoursPerWeek.map(String.init), psychosocialEnvironment: a.psychosocialEnvironment, trainingRoutines: a.trainingRoutines,
                         adaptationPossibilities: a.adaptationPossibilities).values
        } ?? [:]
        return try await renderAnalysis(req, employer, existing, values: values, errors: .init())
    }

    private func renderAnalysis(_ req: Request, _ employer: Employer, _ existing: JobAnalysis?, values: [String: String], errors: FormErrors, status: HTTPStatus = .ok) async throws -> Response {
        let base = "/virksomheter/\(employer.id!.uuidString)/arbeidskrav"
        var b = FormBuilder(req, id: "arbeidskrav", action: existing.map { "\(base)/\($0.id!.uuidString)" } ?? base, values: values, errors: errors)
        b.add("role", .text, label: "analysis.field.role", hint: "analysis.field.role_hint", maxLength: EmployerRules.maxLine)
        b.add("tasks", .textarea, label: "analysis.field.tasks", maxLength: EmployerRules.maxText)
        b.add("physicalDemands", .textarea, label: "analysis.field.physical", maxLength: EmployerRules.maxText)
        b.add("socialDemands", .textarea, label: "analysis.field.social", maxLength: EmployerRules.maxText)
        b.choice("languageRequirement", LanguageRequirement.self, label: "analysis.field.language", labelKey: \.labelKey, hint: "analysis.field.language_hint")
        b.add("hoursPerWeek", .text, label: "analysis.field.hours", maxLength: 2, inputMode: "numeric")
        b.add("psychosocialEnvironment", .textarea, label: "analysis.field.psychosocial", maxLength: EmployerRules.maxText)
        b.add("trainingRoutines", .textarea, label: "analysis.field.training", maxLength: EmployerRules.maxText)
        b.add("adaptationPossibilities", .textarea, label: "analysis.field.adaptation", maxLength: EmployerRules.maxText)
        let view = AnalysisView(employerID: employer.id!.uuidString, employerName: employer.name, isNew: existing == nil, form: [b.build(submit: "form.save")])
        return try await req.render("employers/analysis", titleKey: existing == nil ? "analysis.new.title" : "analysis.edit.title", titleArgs: [employer.name], view, status: status)
    }

    func saveAnalysis(req: Request) async throws -> Response {
        let employer = try await req.openEmployer()
        let existing = try await analysis(req, employer)
        let form = try req.content.decode(AnalysisForm.self)
        var hours: Int?
        var issues: EmployerRules.Issues = []
        if let raw = PathwayRules.trimmed(form.hoursPerWeek) {
            hours = Int(raw)
            if hours == nil { issues.append(.init("hoursPerWeek", "employer.error.hours")) }
        }
        let draft = EmployerRules.JobAnalysisDraft(role: form.role, tasks: form.tasks, physicalDemands: form.physicalDemands, socialDemands: form.socialDemands,
                                                   languageRequirement: form.languageRequirement, hoursPerWeek: hours, psychosocialEnvironment: form.psychosocialEnvironment,
                                                   trainingRoutines: form.trainingRoutines, adaptationPossibilities: form.adaptationPossibilities)
        switch EmployerRules.jobAnalysis(draft) {
        case let .failure(problem):
            return try await renderAnalysis(req, employer, existing, values: form.values, errors: FormErrors(issues + problem.fields, req), status: .unprocessableEntity)
        case let .success(valid):
            guard issues.isEmpty else { return try await renderAnalysis(req, employer, existing, values: form.values, errors: FormErrors(issues, req), status: .unprocessableEntity) }
            _ = try await EmployerService(req: req).saveJobAnalysis(employer, valid, existing: existing)
            return req.redirect(to: "/virksomheter/\(employer.id!.uuidString)?melding=\(Flash.saved.rawValue)#arbeidskrav", redirectType: .normal)
        }
    }
}
