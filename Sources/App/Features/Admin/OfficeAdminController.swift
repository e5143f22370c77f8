import Fluent
import Vapor

/// Admin pages for offices (enheter).
struct OfficeAdminController {
    struct OfficeRow: Encodable, Sendable {
        var id: String
        var enhetNumber: String
        var name: String
        var staffCount: Int
    }

    struct ListView: Encodable, Sendable {
        var offices: [OfficeRow]
        var enhetNumber: String
        var name: String
        var errors: FormErrors
    }

    struct EditView: Encodable, Sendable {
        var id: String
        var enhetNumber: String
        var name: String
        var errors: FormErrors
    }

    struct OfficeForm: Content {
        var enhetNumber: String?
        var name: String?
    }

    static let maxName = 100

    func list(req: Request) async throws -> Response {
        try await renderList(req, enhetNumber: "", name: "", errors: .init())
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode(OfficeForm.self)
        let enhet = (form.enhetNumber ?? "").trimmingCharacters(in: .whitespaces)
        let name = (form.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            _ = try await OfficeRegistry(app: req.application, context: req.auditContext).create(enhetNumber: enhet, name: name)
        } catch let problem as ProblemError where problem.status == .unprocessableEntity {
            let errors = FormErrors(problem.fields, req)
            return try await renderList(req, enhetNumber: enhet, name: name, errors: errors, status: .unprocessableEntity)
        }
        return req.redirect(to: "/admin/kontorer?melding=\(Flash.saved.rawValue)", redirectType: .normal)
    }

    func edit(req: Request) async throws -> Response {
        let office = try await find(req)
        let view = EditView(id: office.id!.uuidString, enhetNumber: office.enhetNumber, name: office.name, errors: .init())
        return try await req.render("admin/offices/edit", titleKey: "admin.offices.edit.title", titleArgs: [office.name], view)
    }

    func update(req: Request) async throws -> Response {
        let office = try await find(req)
        let form = try req.content.decode(OfficeForm.self)
        let name = (form.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= Self.maxName else {
            var errors = FormErrors()
            errors.add("name", req.t("office.error.name", String(Self.maxName)))
            let view = EditView(id: office.id!.uuidString, enhetNumber: office.enhetNumber, name: name, errors: errors)
            return try await req.render("admin/offices/edit", titleKey: "admin.offices.edit.title", titleArgs: [office.name], view, status: .unprocessableEntity)
        }
        let officeID = try office.requireID()
        try await req.write { db, audit in
            try await Office.query(on: db).set(\.$name, to: name).filter(\.$id == officeID).update()
            audit.record(AuditEvent(.officeUpdated, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID, detail: "navn endret"))
        }
        return req.redirect(to: "/admin/kontorer?melding=\(Flash.saved.rawValue)", redirectType: .normal)
    }

    private func find(_ req: Request) async throws -> Office {
        guard let id = req.parameters.get("officeID", as: UUID.self), let office = try await Office.find(id, on: req.db) else {
            throw Abort(.notFound)
        }
        return office
    }

    private func renderList(_ req: Request, enhetNumber: String, name: String, errors: FormErrors, status: HTTPStatus = .ok) async throws -> Response {
        let offices = try await Office.query(on: req.db).sort(\.$enhetNumber).all()
        var rows: [OfficeRow] = []
        for office in offices {
            let count = try await User.query(on: req.db).filter(\.$office.$id == office.id!).filter(\.$isActive == true).count()
            rows.append(OfficeRow(id: office.id!.uuidString, enhetNumber: office.enhetNumber, name: office.name, staffCount: count))
        }
        let view = ListView(offices: rows, enhetNumber: enhetNumber, name: name, errors: errors)
        return try await req.render("admin/offices/index", titleKey: "admin.offices.title", view, status: status)
    }
}

/// Creating offices, for the admin page, the CLI and the demo.
struct OfficeRegistry {
    let app: Application
    let context: AuditContext

    func create(enhetNumber: String, name: String, isDemo: Bool = false, on db: (any Database)? = nil) async throws -> Office {
        var issues: [ProblemError.FieldIssue] = []
        if !UserRules.isValidEnhetNumber(enhetNumber) { issues.append(.init("enhetNumber", "office.error.enhet")) }
        if name.isEmpty || name.count > OfficeAdminController.maxName { issues.append(.init("name", "office.error.name", String(OfficeAdminController.maxName))) }
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        let db = db ?? app.db
        if try await Office.query(on: db).filter(\.$enhetNumber == enhetNumber).first() != nil {
            throw ProblemError.validation([.init("enhetNumber", "office.error.enhet_taken", enhetNumber)])
        }
        let office = Office(enhetNumber: enhetNumber, name: name, isDemo: isDemo)
        try await app.write(context: context, on: db) { tx, audit in
            try await office.create(on: tx)
            audit.record(AuditEvent(.officeCreated, objectType: AuditObjectType.office, objectID: office.id?.uuidString, officeID: office.id, detail: "enhet \(enhetNumber)"))
        }
        return office
    }
}
