import Fluent
import Vapor

/// Leaders and admins read every model; admins load an office's own version.
struct MethodModelController {
    struct ListRow: Encodable, Sendable {
        var href: String
        var name: String
        var version: Int
        var owner: String
        var inUse: Bool
        var steps: Int
        var criteria: Int
        var checked: Int
        var loadedAt: String
    }

    struct ListView: Encodable, Sendable {
        var rows: [ListRow]
        var isAdmin: Bool
    }

    /// Leaders see the shipped models and their office's own; admins see every stored version.
    private func visibleRecords(_ req: Request) async throws -> [MethodModelRecord] {
        let principal = try req.requirePrincipal()
        var query = MethodModelRecord.query(on: req.db).with(\.$office)
        if !principal.hasAny([.admin]) {
            var owners = [MethodModelRecord.shippedOwner]
            if let office = principal.officeID { owners.append(office.uuidString) }
            query = query.filter(\.$owner ~~ owners)
        }
        return try await query.sort(\.$name).sort(\.$version, .descending).all()
    }

    func list(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let records = try await visibleRecords(req)
        let inUse = Set(try await req.samskap.methodModels.available(for: principal.officeID, on: req.db).compactMap(\.id))
        let rows = try records.map { record in
            let model = try req.samskap.methodModels.model(record)
            return ListRow(
                href: "/metodemodeller/\(try record.requireID())", name: model.name, version: model.version,
                owner: record.office.map { "\($0.enhetNumber) \($0.name)" } ?? req.t("model.shipped"),
                inUse: inUse.contains(try record.requireID()), steps: model.pathwaySteps.count, criteria: model.criteria.count,
                checked: model.checkedCriteria.count, loadedAt: DisplayDate.date(record.loadedAt)
            )
        }
        return try await req.render("models/index", titleKey: "model.list.title", ListView(rows: rows, isAdmin: principal.hasAny([.admin])))
    }

    struct CriterionView: Encodable, Sendable {
        var id: String
        var text: String
        var risk: String?
        var rule: String?
    }

    struct ActivityView: Encodable, Sendable {
        var what: String
        var how: String?
        var who: String?
        var frame: String?
        var criteria: [CriterionView]
    }

    struct StepView: Encodable, Sendable {
        var number: String
        var name: String
        var purpose: String
        var isOffice: Bool
        var activities: [ActivityView]
        var criteria: [CriterionView]
    }

    struct ShowView: Encodable, Sendable {
        var name: String
        var version: Int
        var summary: String
        var source: String?
        var owner: String
        var fileName: String
        var steps: [StepView]
        var criteriaCount: Int
        var checkedCount: Int
    }

    func show(req: Request) async throws -> Response {
        guard let id = req.parameters.get("modelID", as: UUID.self),
              let record = try await visibleRecords(req).first(where: { $0.id == id }) else { throw Abort(.notFound) }
        let model = try req.samskap.methodModels.model(record)
        let criterion: (QualityCriterion) -> CriterionView = { c in
            CriterionView(id: c.id, text: c.text, risk: c.risk, rule: c.rule.map { RuleWording.describe($0, req) })
        }
        var number = 0
        let steps = model.steps.map { step -> StepView in
            if step.scope == .pathway { number += 1 }
            return StepView(
                number: step.scope == .pathway ? "\(number)" : "", name: step.name, purpose: step.purpose, isOffice: step.scope == .office,
                activities: step.activities.map { ActivityView(what: $0.what, how: $0.how, who: $0.who, frame: $0.frame, criteria: $0.criteria.map(criterion)) },
                criteria: step.criteria.map(criterion)
            )
        }
        let view = ShowView(
            name: model.name, version: model.version, summary: model.summary, source: model.source,
            owner: record.office.map { "\($0.enhetNumber) \($0.name)" } ?? req.t("model.shipped"), fileName: record.fileName,
            steps: steps, criteriaCount: model.criteria.count, checkedCount: model.checkedCriteria.count
        )
        return try await req.render("models/show", titleKey: "model.show.title", titleArgs: [model.name], view)
    }

    // MARK: - Admin: load an office's version

    struct ImportView: Encodable, Sendable {
        var offices: [PathwayController.Option]
        var source: String
        var fileName: String
        var errors: FormErrors
        var problem: String?
    }

    struct ImportForm: Content {
        var office: String?
        var source: String?
        var fileName: String?
    }

    func importPage(req: Request) async throws -> Response {
        try await renderImport(req, form: ImportForm(), errors: .init())
    }

    func importModel(req: Request) async throws -> Response {
        let form = try req.content.decode(ImportForm.self)
        var errors = FormErrors()
        var office: Office?
        if let id = form.office.flatMap(UUID.init(uuidString:)) { office = try await Office.find(id, on: req.db) }
        if office == nil { errors.add("office", req.t("model.import.error.office")) }
        let source = form.source ?? ""
        if source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { errors.add("source", req.t("model.import.error.source")) }
        if source.utf8.count > 500_000 { errors.add("source", req.t("model.import.error.too_big")) }
        let fileName = PathwayRules.trimmed(form.fileName).map { String($0.prefix(100)) } ?? "opplastet.yaml"
        guard errors.isEmpty, let office else { return try await renderImport(req, form: form, errors: errors, status: .unprocessableEntity) }
        let principal = try req.requirePrincipal()
        do {
            let (_, model) = try await MethodModelImport(app: req.application, context: req.auditContext, actorID: principal.userID, now: req.now)
                .run(text: source, fileName: fileName, office: office)
            _ = model
            return req.redirect(to: "/metodemodeller?melding=\(Flash.modelImported.rawValue)", redirectType: .normal)
        } catch let error as MethodModelError {
            errors.add("source", error.description)
            return try await renderImport(req, form: form, errors: errors, status: .unprocessableEntity)
        }
    }

    private func renderImport(_ req: Request, form: ImportForm, errors: FormErrors, status: HTTPStatus = .ok) async throws -> Response {
        let offices = try await Office.query(on: req.db).sort(\.$enhetNumber).all()
        let view = ImportView(
            offices: offices.map { .init(value: $0.id?.uuidString ?? "", label: "\($0.enhetNumber) \($0.name)", selected: $0.id?.uuidString == form.office) },
            source: form.source ?? "", fileName: form.fileName ?? "", errors: errors, problem: nil
        )
        return try await req.render("models/import", titleKey: "model.import.title", view, status: status)
    }
}
