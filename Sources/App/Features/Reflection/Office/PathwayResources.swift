import Fluent
import Vapor

/// Internal and external resources brought into a pathway (evidence for premise 4).
struct PathwayResourceService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    func add(_ pathway: Pathway, _ valid: OfficeLearningRules.ValidResource) async throws -> PathwayResource {
        let (actorID, now) = (actorID, now)
        let pathwayID = try pathway.requireID()
        return try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow(Pathway.schema, id: pathwayID, on: db)
            guard let fresh = try await Pathway.find(pathwayID, on: db) else { throw Abort(.notFound) }
            if fresh.status == .closed { throw ProblemError(.conflict, key: "pathway.error.closed") }
            let resource = PathwayResource()
            resource.$pathway.id = pathwayID
            resource.$office.id = fresh.$office.id
            resource.kind = valid.kind
            resource.note = valid.note
            resource.startedOn = valid.startedOn
            resource.recordedAt = now
            resource.$recordedBy.id = actorID
            try await resource.create(on: db)
            audit.record(.pathwayResource(.pathwayResourceAdded, resource, detail: "forløp \(pathwayID.uuidString): \(valid.kind.rawValue)"))
            return resource
        }
    }

    func end(_ resourceID: UUID, pathwayID: UUID, endedOn raw: String?) async throws {
        let now = now
        try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow(PathwayResource.schema, id: resourceID, on: db)
            guard let resource = try await PathwayResource.find(resourceID, on: db), resource.$pathway.id == pathwayID else { throw Abort(.notFound) }
            resource.endedOn = try OfficeLearningRules.resourceEnd(raw, startedOn: resource.startedOn, endedOn: resource.endedOn, now: now)
            try await resource.save(on: db)
            audit.record(.pathwayResource(.pathwayResourceEnded, resource, detail: "forløp \(pathwayID.uuidString): \(resource.kind.rawValue)"))
        }
    }

    /// Active now: started, and not ended or ending after now.
    static func isActive(_ resource: PathwayResource, now: Date) -> Bool {
        resource.startedOn <= now && (resource.endedOn.map { $0 > now } ?? true)
    }
}

/// `/forlop/{id}/ressurser`: the resources of one pathway, a form to add one, and a form per active one to end it.
struct PathwayResourcePage: MultiFormPage {
    let req: Request
    let opened: OpenedPathway
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request, opened: OpenedPathway) {
        self.req = req
        self.opened = opened
    }

    struct Item: Encodable, Sendable {
        var kind: String
        var side: String
        var note: String?
        var period: String
        var active: Bool
        var endForm: [FormView]
    }

    struct View: Encodable, Sendable {
        var pathwayHref: String
        var candidateName: String
        var active: [Item]
        var ended: [Item]
        var addForm: [FormView]
        var mayChange: Bool
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let now = req.now
        let base = "/forlop/\(opened.id.uuidString)/ressurser"
        let resources = try await PathwayResource.query(on: req.db).filter(\.$pathway.$id == opened.id).sort(\.$startedOn, .descending).all()
        let items = resources.map { resource in
            let active = PathwayResourceService.isActive(resource, now: now)
            var endForm: [FormView] = []
            if opened.mayChange, resource.endedOn == nil {
                let id = "avslutt-\(resource.id!.uuidString)"
                var form = builder(id, action: "\(base)/\(resource.id!.uuidString)/avslutt", defaults: ["endedOn": DisplayDate.dayInput(now)])
                form.add("endedOn", .date, label: "olearn.field.ended_on")
                endForm = [form.build(submit: "olearn.resource.end_submit", folded: true, summary: "olearn.resource.end_summary", secondary: true)]
            }
            return Item(kind: req.t(resource.kind.labelKey), side: req.t(resource.kind.isInternal ? "olearn.resource.internal" : "olearn.resource.external"),
                        note: resource.note,
                        period: "\(DisplayDate.date(resource.startedOn)) – \(resource.endedOn.map(DisplayDate.date) ?? "")", active: active, endForm: endForm)
        }
        var addForm: [FormView] = []
        if opened.mayChange {
            var form = builder("ny", action: base, defaults: ["startedOn": DisplayDate.dayInput(now)])
            form.choice("kind", PathwayResourceKind.self, label: "olearn.field.kind", labelKey: \.labelKey)
            form.add("startedOn", .date, label: "olearn.field.started_on")
            form.add("note", .text, label: "olearn.field.resource_note", hint: "olearn.field.resource_note_hint", maxLength: OfficeLearningRules.maxResourceNote)
            addForm = [form.build(submit: "olearn.resource.add_submit")]
        }
        let view = View(pathwayHref: "/forlop/\(opened.id.uuidString)", candidateName: opened.candidate.candidate.fullName,
                        active: items.filter(\.active), ended: items.filter { !$0.active }, addForm: addForm, mayChange: opened.mayChange)
        return try await req.render("reflection/office/resources", titleKey: "olearn.resources.title", titleArgs: [], view, status: status)
    }
}

struct PathwayResourceController {
    func show(req: Request) async throws -> Response {
        try await PathwayResourcePage(req: req, opened: try await req.openPathway()).render()
    }

    func add(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        let form = try req.content.decode([String: String].self)
        let values = ["kind": form["kind"] ?? "", "note": form["note"] ?? "", "startedOn": form["startedOn"] ?? ""]
        return try await req.submitForm("ny", values: values, done: "/forlop/\(opened.id.uuidString)/ressurser?melding=\(Flash.resourceAdded.rawValue)",
                                        page: { PathwayResourcePage(req: req, opened: opened) }) {
            let valid = try OfficeLearningRules.resource(kind: form["kind"], note: form["note"], startedOn: form["startedOn"], now: req.now)
            _ = try await PathwayResourceService(req: req).add(opened.pathway, valid)
        }
    }

    func end(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        guard let resourceID = req.parameters.get("resourceID", as: UUID.self) else { throw Abort(.notFound) }
        let form = try req.content.decode([String: String].self)
        return try await req.submitForm("avslutt-\(resourceID.uuidString)", values: ["endedOn": form["endedOn"] ?? ""],
                                        done: "/forlop/\(opened.id.uuidString)/ressurser?melding=\(Flash.resourceEnded.rawValue)",
                                        page: { PathwayResourcePage(req: req, opened: opened) }) {
            try await PathwayResourceService(req: req).end(resourceID, pathwayID: opened.id, endedOn: form["endedOn"])
        }
    }
}
