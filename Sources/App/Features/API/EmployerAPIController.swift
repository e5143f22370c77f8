import Fluent
import Vapor

/// `/api/v1` routes for the employer register, mentors and job development. The same services
/// and rules as the pages.
enum EmployerAPIRoutes {
    static func register(staff: some RoutesBuilder) {
        let api = EmployerAPIController()
        let employers = staff.grouped("employers")
        employers.get(use: api.list)
        employers.post(use: api.create)
        employers.get(":employerID", use: api.show)
        employers.patch(":employerID", use: api.update)
        employers.post(":employerID", "status", use: api.changeStatus)
        employers.post(":employerID", "contacts", use: api.addContact)
        employers.post(":employerID", "contacts", ":contactID", "remove", use: api.removeContact)
        employers.post(":employerID", "notes", use: api.addNote)
        employers.get(":employerID", "visits", use: api.visits)
        employers.post(":employerID", "visits", use: api.addVisit)
        employers.get(":employerID", "job-analyses", use: api.jobAnalyses)
        employers.post(":employerID", "job-analyses", use: api.addJobAnalysis)
        employers.patch(":employerID", "job-analyses", ":analysisID", use: api.updateJobAnalysis)
        staff.get("mentors", use: api.mentors)
        staff.post("mentors", use: api.createMentor)
        staff.get("mentors", ":mentorID", use: api.mentor)
        let pathways = staff.grouped("pathways", ":pathwayID")
        pathways.get("employer-contacts", use: api.approaches)
        pathways.post("employer-contacts", use: api.addApproach)
        pathways.get("job-matches", use: api.jobMatches)
        pathways.get("mentors", use: api.pathwayMentors)
        pathways.post("mentors", use: api.linkMentor)
        pathways.post("mentors", ":linkID", "end", use: api.endMentor)
    }
}

struct EmployerSummaryDTO: Content {
    var id: UUID
    var orgnr: String?
    var name: String
    var industry: String?
    var size: String?
    var municipality: String?
    var cooperationStatus: String

    init(_ e: Employer) throws {
        id = try e.requireID(); orgnr = e.orgnr; name = e.name; industry = e.industry?.rawValue; size = e.size?.rawValue
        municipality = e.municipality; cooperationStatus = e.cooperationStatus.rawValue
    }
}

struct EmployerDTO: Content {
    struct StatusChange: Content {
        var from: String
        var to: String
        var changedOn: String
        var reason: String
        var recordedAt: Date
        var recordedBy: UUID
    }
    struct Contact: Content {
        var id: UUID
        var name: String
        var role: String?
        var phone: String?
        var email: String?
    }
    struct Note: Content {
        var id: UUID
        var text: String
        var writtenAt: Date
        var writtenBy: UUID
    }

    var id: UUID
    var orgnr: String?
    var name: String
    var industry: String?
    var size: String?
    var address: String?
    var municipality: String?
    var ownerId: UUID?
    var cooperationStatus: String
    var statusHistory: [StatusChange]
    var contacts: [Contact]
    var notes: [Note]
    var createdAt: Date
    var updatedAt: Date?

    static func load(_ e: Employer, on db: any Database) async throws -> EmployerDTO {
        let id = try e.requireID()
        let history = try await EmployerStatusChange.query(on: db).filter(\.$employer.$id == id).sort(\.$changedOn).sort(\.$recordedAt).all()
        let contacts = try await EmployerContact.query(on: db).filter(\.$employer.$id == id).filter(\.$removedAt == nil).sort(\.$name).all()
        let notes = try await EmployerNote.query(on: db).filter(\.$employer.$id == id).sort(\.$writtenAt, .descending).all()
        return EmployerDTO(
            id: id, orgnr: e.orgnr, name: e.name, industry: e.industry?.rawValue, size: e.size?.rawValue, address: e.address,
            municipality: e.municipality, ownerId: e.$owner.id, cooperationStatus: e.cooperationStatus.rawValue,
            statusHistory: history.map { .init(from: $0.fromStatus.rawValue, to: $0.toStatus.rawValue, changedOn: DisplayDate.dayInput($0.changedOn),
                                               reason: $0.reason, recordedAt: $0.recordedAt, recordedBy: $0.$recordedBy.id) },
            contacts: try contacts.map { .init(id: try $0.requireID(), name: $0.name, role: $0.role, phone: $0.phone, email: $0.email) },
            notes: try notes.map { .init(id: try $0.requireID(), text: $0.text, writtenAt: $0.writtenAt, writtenBy: $0.$writtenBy.id) },
            createdAt: e.createdAt, updatedAt: e.updatedAt
        )
    }
}

struct VisitDTO: Content {
    var id: UUID
    var employerId: UUID
    var visitedOn: String
    var visitors: String
    var purpose: String
    var pathwayId: UUID?
    var eventId: UUID?
    var notes: String?
    var recordedAt: Date

    init(_ v: EmployerVisit) throws {
        id = try v.requireID(); employerId = v.$employer.id; visitedOn = DisplayDate.dayInput(v.visitedOn); visitors = v.visitors
        purpose = v.purpose; pathwayId = v.$pathway.id; eventId = v.$event.id; notes = v.notes; recordedAt = v.recordedAt
    }
}

struct JobAnalysisDTO: Content {
    var id: UUID
    var employerId: UUID
    var role: String
    var tasks: String
    var physicalDemands: String?
    var socialDemands: String?
    var languageRequirement: String
    var hoursPerWeek: Int?
    var psychosocialEnvironment: String?
    var trainingRoutines: String?
    var adaptationPossibilities: String?
    var createdAt: Date
    var updatedAt: Date?

    init(_ a: JobAnalysis) throws {
        id = try a.requireID(); employerId = a.$employer.id; role = a.role; tasks = a.tasks; physicalDemands = a.physicalDemands
        socialDemands = a.socialDemands; languageRequirement = a.languageRequirement.rawValue; hoursPerWeek = a.hoursPerWeek
        psychosocialEnvironment = a.psychosocialEnvironment; trainingRoutines = a.trainingRoutines; adaptationPossibilities = a.adaptationPossibilities
        createdAt = a.createdAt; updatedAt = a.updatedAt
    }

    var draft: EmployerRules.JobAnalysisDraft {
        .init(role: role, tasks: tasks, physicalDemands: physicalDemands, socialDemands: socialDemands, languageRequirement: languageRequirement,
              hoursPerWeek: hoursPerWeek, psychosocialEnvironment: psychosocialEnvironment, trainingRoutines: trainingRoutines,
              adaptationPossibilities: adaptationPossibilities)
    }
}

struct MentorDTO: Content {
    struct Period: Content {
        var id: UUID
        var pathwayId: UUID
        var mentorId: UUID
        var fromDate: String
        var toDate: String?
        var endReason: String?
    }

    var id: UUID
    var employerId: UUID
    var name: String
    var position: String
    var phone: String?
    var email: String?
    /// Periods on pathways, newest first (only with `GET /mentors/{id}`).
    var periods: [Period]?

    init(_ m: Mentor, periods: [PathwayMentor]? = nil) throws {
        id = try m.requireID(); employerId = m.$employer.id; name = m.name; position = m.position.rawValue; phone = m.phone; email = m.email
        self.periods = try periods?.map(Period.init)
    }
}

extension MentorDTO.Period {
    init(_ link: PathwayMentor) throws {
        id = try link.requireID(); pathwayId = link.$pathway.id; mentorId = link.$mentor.id; fromDate = DisplayDate.dayInput(link.fromDate)
        toDate = link.toDate.map(DisplayDate.dayInput); endReason = link.endReason
    }
}

struct EmployerContactApproachDTO: Content {
    var id: UUID
    var pathwayId: UUID
    var employerId: UUID
    var occurredOn: String
    var channel: String
    var withCandidate: Bool
    var outcome: String
    var note: String?
    var eventId: UUID

    init(_ a: EmployerApproach) throws {
        id = try a.requireID(); pathwayId = a.$pathway.id; employerId = a.$employer.id; occurredOn = DisplayDate.dayInput(a.occurredOn)
        channel = a.channel.rawValue; withCandidate = a.withCandidate; outcome = a.outcome.rawValue; note = a.note; eventId = a.$event.id
    }
}

struct EmployerContactsDTO: Content {
    var pathwayId: UUID
    /// Days from the referral to the first employer contact; IPS expects at most `normDays`.
    var daysToFirstContact: Int?
    var normDays: Int
    var contacts: [EmployerContactApproachDTO]
}

struct JobMatchDTO: Content {
    struct Reason: Content {
        var key: String
        var text: String
        var points: Int
    }
    var employerId: UUID
    var employerName: String
    var jobAnalysisId: UUID
    var role: String
    var score: Int
    var reasons: [Reason]
}

struct EmployerAPIController {
    struct EmployerInput: Content {
        var orgnr: String?
        var name: String?
        var industry: String?
        var size: String?
        var address: String?
        var municipality: String?
        var ownerId: String?
    }

    private func owners(_ req: Request) async throws -> Set<UUID> {
        Set(try await EmployerService.possibleOwners(officeID: try req.requireOfficeID(), on: req.db).compactMap(\.id))
    }

    func list(req: Request) async throws -> [EmployerSummaryDTO] {
        let q = try? req.query.get(String.self, at: "q")
        var status: CooperationStatus?
        if let raw = try? req.query.get(String.self, at: "status") {
            guard let value = CooperationStatus(rawValue: raw) else { throw ProblemError.validation([.init("status", "form.error.choice")]) }
            status = value
        }
        return try await EmployerService.search(officeID: try req.requireOfficeID(), query: q, status: status, limit: 200, on: req.db).map(EmployerSummaryDTO.init)
    }

    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(EmployerInput.self)
        let draft = EmployerRules.Draft(orgnr: input.orgnr, name: input.name, industry: input.industry, size: input.size, address: input.address,
                                        municipality: input.municipality, ownerId: input.ownerId)
        let valid = try EmployerRules.employer(draft, owners: try await owners(req)).get()
        let employer = try await EmployerService(req: req).create(valid, officeID: try req.requireOfficeID())
        let response = try await EmployerDTO.load(employer, on: req.db).encodeResponse(status: .created, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/employers/\(try employer.requireID())")
        return response
    }

    func show(req: Request) async throws -> EmployerDTO {
        try await EmployerDTO.load(try await req.openEmployer(), on: req.db)
    }

    /// Fields left out keep their value; `null` or "" clears an optional field.
    func update(req: Request) async throws -> EmployerDTO {
        let employer = try await req.openEmployer()
        let patch = try req.content.decode([String: String?].self)
        let known: Set<String> = ["orgnr", "name", "industry", "size", "address", "municipality", "ownerId"]
        if let unknown = patch.keys.first(where: { !known.contains($0) }) { throw ProblemError.validation([.init(unknown, "api.error.unknown_field")]) }
        func value(_ key: String, _ current: String?) -> String? { patch.keys.contains(key) ? (patch[key] ?? nil) : current }
        let draft = EmployerRules.Draft(
            orgnr: value("orgnr", employer.orgnr), name: value("name", employer.name), industry: value("industry", employer.industry?.rawValue),
            size: value("size", employer.size?.rawValue), address: value("address", employer.address),
            municipality: value("municipality", employer.municipality), ownerId: value("ownerId", employer.$owner.id?.uuidString))
        let valid = try EmployerRules.employer(draft, owners: try await owners(req)).get()
        try await EmployerService(req: req).update(employer, valid)
        return try await EmployerDTO.load(try await req.openEmployer(), on: req.db)
    }

    struct StatusInput: Content {
        var status: String?
        var changedOn: String?
        var reason: String?
    }

    func changeStatus(req: Request) async throws -> EmployerDTO {
        let employer = try await req.openEmployer()
        let input = try req.content.decode(StatusInput.self)
        try await EmployerService(req: req).changeStatus(employer, to: input.status, on: input.changedOn, reason: input.reason)
        return try await EmployerDTO.load(try await req.openEmployer(), on: req.db)
    }

    struct ContactInput: Content {
        var name: String?
        var role: String?
        var phone: String?
        var email: String?
    }

    func addContact(req: Request) async throws -> Response {
        let employer = try await req.openEmployer()
        let input = try req.content.decode(ContactInput.self)
        let valid = try EmployerRules.contact(name: input.name, role: input.role, phone: input.phone, email: input.email).get()
        _ = try await EmployerService(req: req).addContact(employer, valid)
        return try await EmployerDTO.load(employer, on: req.db).encodeResponse(status: .created, for: req)
    }

    func removeContact(req: Request) async throws -> EmployerDTO {
        let employer = try await req.openEmployer()
        guard let contactID = req.parameters.get("contactID", as: UUID.self) else { throw Abort(.notFound) }
        try await EmployerService(req: req).removeContact(employer, contactID: contactID)
        return try await EmployerDTO.load(employer, on: req.db)
    }

    struct NoteInput: Content {
        var text: String?
    }

    func addNote(req: Request) async throws -> Response {
        let employer = try await req.openEmployer()
        let text = try EmployerRules.note(try req.content.decode(NoteInput.self).text).get()
        _ = try await EmployerService(req: req).addNote(employer, text: text)
        return try await EmployerDTO.load(employer, on: req.db).encodeResponse(status: .created, for: req)
    }

    func visits(req: Request) async throws -> [VisitDTO] {
        let employer = try await req.openEmployer()
        return try await EmployerVisit.query(on: req.db).filter(\.$employer.$id == employer.requireID()).sort(\.$visitedOn, .descending).all().map(VisitDTO.init)
    }

    struct VisitInput: Content {
        var visitedOn: String?
        var visitors: String?
        var purpose: String?
        var pathwayId: String?
        var notes: String?
    }

    func addVisit(req: Request) async throws -> Response {
        let employer = try await req.openEmployer()
        let input = try req.content.decode(VisitInput.self)
        let valid = try EmployerRules.visit(visitedOn: input.visitedOn, visitors: input.visitors, purpose: input.purpose, pathwayId: input.pathwayId,
                                            notes: input.notes, now: req.now).get()
        let opened = try await valid.pathwayID.asyncMap { try await req.openPathway(id: $0, needs: .full) }
        let visit = try await EmployerService(req: req).addVisit(employer, valid, pathway: opened)
        return try await VisitDTO(visit).encodeResponse(status: .created, for: req)
    }

    func jobAnalyses(req: Request) async throws -> [JobAnalysisDTO] {
        let employer = try await req.openEmployer()
        return try await JobAnalysis.query(on: req.db).filter(\.$employer.$id == employer.requireID()).sort(\.$role).all().map(JobAnalysisDTO.init)
    }

    func addJobAnalysis(req: Request) async throws -> Response {
        let employer = try await req.openEmployer()
        let valid = try EmployerRules.jobAnalysis(try req.content.decode(EmployerRules.JobAnalysisDraft.self)).get()
        let analysis = try await EmployerService(req: req).saveJobAnalysis(employer, valid, existing: nil)
        return try await JobAnalysisDTO(analysis).encodeResponse(status: .created, for: req)
    }

    func updateJobAnalysis(req: Request) async throws -> JobAnalysisDTO {
        let employer = try await req.openEmployer()
        guard let id = req.parameters.get("analysisID", as: UUID.self), let analysis = try await JobAnalysis.find(id, on: req.db),
              analysis.$employer.id == employer.id else { throw Abort(.notFound) }
        let patch = try req.content.decode(EmployerRules.JobAnalysisDraft.self)
        var draft = try JobAnalysisDTO(analysis).draft
        // Fields left out keep their value.
        if let v = patch.role { draft.role = v }
        if let v = patch.tasks { draft.tasks = v }
        if let v = patch.physicalDemands { draft.physicalDemands = v }
        if let v = patch.socialDemands { draft.socialDemands = v }
        if let v = patch.languageRequirement { draft.languageRequirement = v }
        if let v = patch.hoursPerWeek { draft.hoursPerWeek = v }
        if let v = patch.psychosocialEnvironment { draft.psychosocialEnvironment = v }
        if let v = patch.trainingRoutines { draft.trainingRoutines = v }
        if let v = patch.adaptationPossibilities { draft.adaptationPossibilities = v }
        let valid = try EmployerRules.jobAnalysis(draft).get()
        return try JobAnalysisDTO(try await EmployerService(req: req).saveJobAnalysis(employer, valid, existing: analysis))
    }

    // MARK: - Mentors

    func mentors(req: Request) async throws -> [MentorDTO] {
        var query = Mentor.query(on: req.db).filter(\.$office.$id == (try req.requireOfficeID()))
        if let raw = try? req.query.get(String.self, at: "employerId") {
            guard let id = UUID(uuidString: raw) else { throw ProblemError.validation([.init("employerId", "form.error.choice")]) }
            query = query.filter(\.$employer.$id == id)
        }
        return try await query.sort(\.$name).all().map { try MentorDTO($0) }
    }

    struct MentorInput: Content {
        var employerId: String?
        var name: String?
        var position: String?
        var phone: String?
        var email: String?
    }

    func createMentor(req: Request) async throws -> Response {
        let input = try req.content.decode(MentorInput.self)
        let valid = try MentorRules.mentor(employerId: input.employerId, name: input.name, position: input.position, phone: input.phone, email: input.email).get()
        let mentor = try await MentorService(req: req).create(valid, officeID: try req.requireOfficeID())
        return try await MentorDTO(mentor, periods: []).encodeResponse(status: .created, for: req)
    }

    func mentor(req: Request) async throws -> MentorDTO {
        guard let id = req.parameters.get("mentorID", as: UUID.self), let mentor = try await Mentor.find(id, on: req.db) else { throw Abort(.notFound) }
        try await req.requireOfficeAccess(mentor.$office.id, objectType: AuditObjectType.mentor, objectID: id.uuidString)
        let periods = try await PathwayMentor.query(on: req.db).filter(\.$mentor.$id == id).sort(\.$fromDate, .descending).all()
        return try MentorDTO(mentor, periods: periods)
    }

    func pathwayMentors(req: Request) async throws -> [MentorDTO.Period] {
        let opened = try await req.openPathway()
        try await req.audit(.pathway(.pathwayRead, opened.pathway, detail: "API: mentorer"))
        return try await PathwayMentor.query(on: req.db).filter(\.$pathway.$id == opened.id).sort(\.$fromDate).all().map(MentorDTO.Period.init)
    }

    struct LinkInput: Content {
        var mentorId: String?
        var fromDate: String?
        var replaces: String?
        var reason: String?
    }

    func linkMentor(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        let input = try req.content.decode(LinkInput.self)
        let valid = try MentorRules.link(mentorId: input.mentorId, fromDate: input.fromDate, replaces: input.replaces, reason: input.reason, now: req.now).get()
        let link = try await MentorService(req: req).link(opened, valid)
        return try await MentorDTO.Period(link).encodeResponse(status: .created, for: req)
    }

    struct EndInput: Content {
        var toDate: String?
        var reason: String?
    }

    func endMentor(req: Request) async throws -> MentorDTO.Period {
        let opened = try await req.openPathway(needs: .full)
        guard let linkID = req.parameters.get("linkID", as: UUID.self) else { throw Abort(.notFound) }
        let input = try req.content.decode(EndInput.self)
        try await MentorService(req: req).end(opened, linkID: linkID, on: input.toDate, reason: input.reason)
        guard let link = try await PathwayMentor.find(linkID, on: req.db) else { throw Abort(.notFound) }
        return try MentorDTO.Period(link)
    }

    // MARK: - Job development

    func approaches(req: Request) async throws -> EmployerContactsDTO {
        let opened = try await req.openPathway()
        try await req.audit(.pathway(.pathwayRead, opened.pathway, detail: "API: arbeidsgiverkontakter"))
        let approaches = try await EmployerApproach.query(on: req.db).filter(\.$pathway.$id == opened.id).sort(\.$occurredOn, .descending).all()
        return EmployerContactsDTO(
            pathwayId: opened.id,
            daysToFirstContact: try await JobDevelopment.daysToFirstContact(pathwayID: opened.id, referralDate: opened.pathway.referralDate, on: req.db),
            normDays: JobDevelopment.firstContactNormDays, contacts: try approaches.map(EmployerContactApproachDTO.init))
    }

    struct ApproachInput: Content {
        var occurredOn: String?
        var employerId: String?
        var channel: String?
        var withCandidate: Bool?
        var outcome: String?
        var note: String?
    }

    func addApproach(req: Request) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        let input = try req.content.decode(ApproachInput.self)
        let valid = try JobDevelopment.approach(occurredOn: input.occurredOn, employerId: input.employerId, channel: input.channel, withCandidate: input.withCandidate,
                                                outcome: input.outcome, note: input.note, referralDate: opened.pathway.referralDate, now: req.now).get()
        let approach = try await JobDevelopment.record(opened, valid, service: try PathwayService(req: req))
        return try await EmployerContactApproachDTO(approach).encodeResponse(status: .created, for: req)
    }

    func jobMatches(req: Request) async throws -> [JobMatchDTO] {
        let opened = try await req.openPathway()
        try await req.audit(.pathway(.pathwayRead, opened.pathway, detail: "API: jobbmatch"))
        return try await JobMatch.suggestions(for: opened, on: req.db).map { s in
            JobMatchDTO(employerId: s.option.employerID, employerName: s.option.employerName, jobAnalysisId: s.option.analysisID, role: s.option.role,
                        score: s.score, reasons: s.reasons.map { .init(key: $0.key, text: JobMatch.text($0, req), points: $0.points) })
        }
    }
}

