import Fluent
import SQLKit
import Vapor

extension Request {
    /// The employer named by the route parameter, if it belongs to the user's office (else 404, audited).
    func openEmployer(_ parameter: String = "employerID") async throws -> Employer {
        guard let id = parameters.get(parameter, as: UUID.self) else { throw Abort(.notFound) }
        return try await openEmployer(id: id)
    }

    func openEmployer(id: UUID) async throws -> Employer {
        guard let employer = try await Employer.find(id, on: db) else { throw Abort(.notFound) }
        try await requireOfficeAccess(employer.$office.id, objectType: AuditObjectType.employer, objectID: id.uuidString)
        return employer
    }

    /// The user's office; office routes always have one.
    func requireOfficeID() throws -> UUID {
        guard let officeID = try requirePrincipal().officeID else { throw Abort(.forbidden) }
        return officeID
    }
}

/// Every change to the employer register, shared by pages, API and demo data. Each change and
/// its audit entry are written in one transaction.
struct EmployerService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    /// People who may own an employer relation: the office's market contacts and counselors.
    static func possibleOwners(officeID: UUID, on db: any Database) async throws -> [User] {
        try await User.query(on: db).filter(\.$office.$id == officeID).filter(\.$isActive == true).with(\.$roleRows).sort(\.$displayName).all()
            .filter { $0.roles.contains(.markedskontakt) || $0.roles.contains(.veileder) }
    }

    /// Finds employers by name (any part, letter case and æøå spelling aside) or organisation
    /// number (its first digits), within one office.
    static func search(officeID: UUID, query: String?, status: CooperationStatus? = nil, limit: Int = 50, on db: any Database) async throws -> [Employer] {
        var builder = Employer.query(on: db).filter(\.$office.$id == officeID)
        if let status { builder = builder.filter(\.$cooperationStatus == status) }
        if let needle = PathwayRules.trimmed(query).map({ String($0.prefix(100)) }) {
            let digits = needle.filter { $0 != " " && $0 != "." }
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                builder = builder.filter(\.$orgnr, .custom("LIKE"), digits + "%")
            } else {
                builder = builder.filter(.sql(SearchText.contains("name_key", needle, folded: true)))
            }
        }
        return try await builder.sort(\.$name).limit(limit).all()
    }

    private func duplicateCheck(_ valid: EmployerRules.Valid, officeID: UUID, except: UUID?, on db: any Database) async throws {
        var query = Employer.query(on: db).filter(\.$office.$id == officeID).group(.or) { group in
            group.filter(\.$nameKey == Employer.nameKey(valid.name))
            if let orgnr = valid.orgnr { group.filter(\.$orgnr == orgnr) }
        }
        if let except { query = query.filter(\.$id != except) }
        if let existing = try await query.first() {
            let field = existing.orgnr != nil && existing.orgnr == valid.orgnr ? "orgnr" : "name"
            throw ProblemError(.conflict, key: "employer.error.duplicate", args: [existing.name], fields: [.init(field, "employer.error.duplicate", existing.name)])
        }
    }

    func create(_ valid: EmployerRules.Valid, officeID: UUID, isDemo: Bool = false) async throws -> Employer {
        let employer = Employer()
        employer.$office.id = officeID
        apply(valid, to: employer)
        employer.cooperationStatus = .new
        employer.isDemo = isDemo
        employer.createdAt = now
        employer.$createdBy.id = actorID
        try await app.write(context: context) { db, audit in
            try await duplicateCheck(valid, officeID: officeID, except: nil, on: db)
            try await employer.create(on: db)
            audit.record(.employer(.employerCreated, employer, detail: employer.name))
        }
        return employer
    }

    private func apply(_ valid: EmployerRules.Valid, to employer: Employer) {
        employer.name = valid.name
        employer.nameKey = Employer.nameKey(valid.name)
        employer.orgnr = valid.orgnr
        employer.industry = valid.industry
        employer.size = valid.size
        employer.address = valid.address
        employer.municipality = valid.municipality
        employer.$owner.id = valid.ownerID
    }

    func update(_ employer: Employer, _ valid: EmployerRules.Valid) async throws {
        let employerID = try employer.requireID()
        let now = now
        try await app.write(context: context) { db, audit in
            try await duplicateCheck(valid, officeID: employer.$office.id, except: employerID, on: db)
            guard let current = try await Employer.find(employerID, on: db) else { throw Abort(.notFound) }
            apply(valid, to: current)
            current.updatedAt = now
            try await current.save(on: db)
            audit.record(.employer(.employerUpdated, current, detail: current.name))
        }
    }

    func changeStatus(_ employer: Employer, to: String?, on day: String?, reason: String?) async throws {
        let employerID = try employer.requireID()
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow("employers", id: employerID, on: db)
            guard let current = try await Employer.find(employerID, on: db) else { throw Abort(.notFound) }
            let last = try await EmployerStatusChange.query(on: db).filter(\.$employer.$id == employerID).sort(\.$changedOn, .descending).first()
            // Checked inside the transaction: the status may have changed since the form was read.
            let valid = try EmployerRules.statusChange(to: to, on: day, reason: reason, current: current.cooperationStatus, lastChange: last?.changedOn, now: now).get()
            let change = EmployerStatusChange()
            change.$employer.id = employerID
            change.fromStatus = current.cooperationStatus
            change.toStatus = valid.status
            change.changedOn = valid.on
            change.reason = valid.reason
            change.recordedAt = now
            change.$recordedBy.id = actorID
            try await change.create(on: db)
            current.cooperationStatus = valid.status
            current.updatedAt = now
            try await current.save(on: db)
            audit.record(.employer(.employerStatusChanged, current, detail: "\(change.fromStatus.rawValue) → \(valid.status.rawValue)"))
        }
    }

    func addContact(_ employer: Employer, _ valid: EmployerRules.ValidContact) async throws -> EmployerContact {
        let contact = EmployerContact()
        contact.$employer.id = try employer.requireID()
        contact.name = valid.name
        contact.role = valid.role
        contact.phone = valid.phone
        contact.email = valid.email
        contact.createdAt = now
        contact.$createdBy.id = actorID
        try await app.write(context: context) { db, audit in
            try await contact.create(on: db)
            audit.record(.employer(.employerContactAdded, employer, detail: valid.name))
        }
        return contact
    }

    func removeContact(_ employer: Employer, contactID: UUID) async throws {
        let employerID = try employer.requireID()
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            guard let contact = try await EmployerContact.find(contactID, on: db), contact.$employer.id == employerID, contact.removedAt == nil else {
                throw Abort(.notFound)
            }
            contact.removedAt = now
            contact.$removedBy.id = actorID
            try await contact.save(on: db)
            audit.record(.employer(.employerContactRemoved, employer, detail: contact.name))
        }
    }

    func addNote(_ employer: Employer, text: String) async throws -> EmployerNote {
        let note = EmployerNote()
        note.$employer.id = try employer.requireID()
        note.text = text
        note.writtenAt = now
        note.$writtenBy.id = actorID
        try await app.write(context: context) { db, audit in
            try await note.create(on: db)
            audit.record(.employer(.employerNoteAdded, employer, detail: "\(text.count) tegn"))
        }
        return note
    }

    /// Records a visit. With a candidate, the visit is also an `employer_visit` event on that
    /// pathway; every visit counts for "visited before use" in all pathways at the employer.
    func addVisit(_ employer: Employer, _ valid: EmployerRules.ValidVisit, pathway opened: OpenedPathway?) async throws -> EmployerVisit {
        let employerID = try employer.requireID()
        let visit = EmployerVisit()
        visit.$employer.id = employerID
        visit.visitedOn = valid.visitedOn
        visit.visitors = valid.visitors
        visit.purpose = valid.purpose
        visit.notes = valid.notes
        visit.recordedAt = now
        visit.$recordedBy.id = actorID
        let (actorID, now, catalog) = (actorID, now, app.samskap.methodModels)
        try await app.write(context: context) { db, audit in
            // Two visits at one employer re-evaluate the same pathways: the employer's row makes
            // them wait for each other before either locks a pathway.
            try await DatabaseDialect(db).lockRow(Employer.schema, id: employerID, on: db)
            if let opened {
                let pathwayID = opened.id
                try await DatabaseDialect(db).lockRow("pathways", id: pathwayID, on: db)
                guard let current = try await Pathway.find(pathwayID, on: db), current.status != .closed else {
                    throw ProblemError(.conflict, key: "pathway.error.closed")
                }
                let event = try await PathwayService.insertEvent(pathwayID: pathwayID, type: .employerVisit, at: valid.visitedOn, by: actorID, now: now,
                                                                 employerID: employerID, note: valid.purpose, on: db)
                visit.$pathway.id = pathwayID
                visit.$event.id = try event.requireID()
                audit.record(.pathway(.pathwayEventRecorded, opened.pathway, detail: "employer_visit \(DisplayDate.dayInput(valid.visitedOn))"))
            }
            try await visit.create(on: db)
            try await PathwayCriteriaStore.refreshPathways(atEmployer: employerID, catalog: catalog, on: db, now: now)
            audit.record(.employer(.employerVisitRecorded, employer, detail: DisplayDate.dayInput(valid.visitedOn)))
        }
        return visit
    }

    func saveJobAnalysis(_ employer: Employer, _ valid: EmployerRules.ValidJobAnalysis, existing: JobAnalysis?) async throws -> JobAnalysis {
        let analysis = existing ?? JobAnalysis()
        if existing == nil {
            analysis.$employer.id = try employer.requireID()
            analysis.createdAt = now
            analysis.$createdBy.id = actorID
        } else {
            analysis.updatedAt = now
        }
        analysis.apply(valid)
        try await app.write(context: context) { db, audit in
            try await analysis.save(on: db)
            audit.record(.employer(.jobAnalysisSaved, employer, detail: valid.role))
        }
        return analysis
    }
}

extension PathwayCriteriaStore {
    /// Re-evaluates the open pathways that have events at the employer (after a visit, which
    /// counts for all of them).
    static func refreshPathways(atEmployer employerID: UUID, catalog: MethodModelCatalog, on db: any Database, now: Date) async throws {
        let sql = db as! any SQLDatabase
        struct Row: Decodable { var id: UUID; var method_model_id: UUID }
        let rows = try await sql.raw("""
            SELECT DISTINCT p.id, p.method_model_id FROM pathways p JOIN pathway_events e ON e.pathway_id = p.id
            WHERE e.employer_id = \(bind: employerID) AND e.withdrawn_at IS NULL AND p.status <> \(bind: Pathway.Status.closed.rawValue)
            ORDER BY p.id
            """).all(decoding: Row.self)
        let ids = rows.map(\.id)
        // All of them at once, in id order, before the chunks take them again.
        try await DatabaseDialect(db).lockRows("pathways", ids: ids, on: db)
        for start in stride(from: 0, to: ids.count, by: PathwayDailyJob.chunkSize) {
            try await PathwayEvaluation.refresh(Array(ids[start ..< min(start + PathwayDailyJob.chunkSize, ids.count)]), scope: .criteriaAndAlerts,
                                                on: db, now: now, models: { try await catalog.model(id: $0, on: db) })
        }
    }
}

extension AuditEvent {
    static func employer(_ action: AuditAction, _ employer: Employer, detail: String) -> AuditEvent {
        AuditEvent(action, objectType: AuditObjectType.employer, objectID: employer.id?.uuidString, officeID: employer.$office.id, detail: detail)
    }
}
