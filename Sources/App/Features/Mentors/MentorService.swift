import Fluent
import Vapor

/// Mentors and their periods on pathways.
enum MentorRules {
    struct ValidMentor: Sendable {
        var employerID: UUID
        var name: String
        var position: MentorPosition
        var phone: String?
        var email: String?
    }

    static func mentor(employerId: String?, name: String?, position: String?, phone: String?, email: String?) -> Result<ValidMentor, ProblemError> {
        var issues: EmployerRules.Issues = []
        let employer = EmployerRules.uuid(employerId, "employerId", required: true, &issues)
        let position: MentorPosition? = EmployerRules.choice(position, "position", required: true, &issues)
        var contact: EmployerRules.ValidContact?
        switch EmployerRules.contact(name: name, role: nil, phone: phone, email: email) {
        case let .success(valid): contact = valid
        case let .failure(problem): issues += problem.fields
        }
        guard issues.isEmpty, let employer, let position, let contact else { return .failure(.validation(issues)) }
        return .success(ValidMentor(employerID: employer, name: contact.name, position: position, phone: contact.phone, email: contact.email))
    }

    struct ValidLink: Sendable {
        var mentorID: UUID
        var fromDate: Date
        /// The period this one replaces (a change of mentor), ended the same day with `reason`.
        var replaces: UUID?
        var reason: String?
    }

    static func link(mentorId: String?, fromDate: String?, replaces: String?, reason: String?, now: Date) -> Result<ValidLink, ProblemError> {
        var issues: EmployerRules.Issues = []
        let mentor = EmployerRules.uuid(mentorId, "mentorId", required: true, &issues)
        let from = EmployerRules.day(fromDate ?? DisplayDate.dayInput(now), "fromDate", now: now, pastOnly: false, &issues)
        let replaced = EmployerRules.uuid(replaces, "replaces", &issues)
        let why = EmployerRules.text(reason, "reason", max: PathwayRules.maxReason, required: replaced != nil, &issues)
        guard issues.isEmpty, let mentor, let from else { return .failure(.validation(issues)) }
        return .success(ValidLink(mentorID: mentor, fromDate: from, replaces: replaced, reason: why))
    }
}

struct MentorService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    func create(_ valid: MentorRules.ValidMentor, officeID: UUID, isDemo: Bool = false) async throws -> Mentor {
        let mentor = Mentor()
        mentor.$office.id = officeID
        mentor.$employer.id = valid.employerID
        mentor.name = valid.name
        mentor.position = valid.position
        mentor.phone = valid.phone
        mentor.email = valid.email
        mentor.isDemo = isDemo
        mentor.createdAt = now
        mentor.$createdBy.id = actorID
        try await app.write(context: context) { db, audit in
            guard let employer = try await Employer.find(valid.employerID, on: db), employer.$office.id == officeID else {
                throw ProblemError.validation([.init("employerId", "pathway.error.employer")])
            }
            try await mentor.create(on: db)
            audit.record(AuditEvent(.mentorCreated, objectType: AuditObjectType.mentor, objectID: mentor.id?.uuidString, officeID: officeID,
                                    detail: "\(employer.name): \(valid.position.rawValue)"))
        }
        return mentor
    }

    /// Links a mentor to a pathway from a day; when it replaces another period, that period ends
    /// the same day and keeps the reason for the change.
    func link(_ opened: OpenedPathway, _ valid: MentorRules.ValidLink) async throws -> PathwayMentor {
        let pathwayID = opened.id
        let (actorID, now) = (actorID, now)
        let link = PathwayMentor()
        return try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow("pathways", id: pathwayID, on: db)
            guard let pathway = try await Pathway.find(pathwayID, on: db), pathway.status != .closed else {
                throw ProblemError(.conflict, key: "pathway.error.closed")
            }
            guard let mentor = try await Mentor.find(valid.mentorID, on: db), mentor.$office.id == pathway.$office.id else {
                throw ProblemError.validation([.init("mentorId", "agreement.error.mentor")])
            }
            let open = try await PathwayMentor.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$toDate == nil).all()
            if open.contains(where: { $0.$mentor.id == valid.mentorID && $0.id != valid.replaces }) {
                throw ProblemError.validation([.init("mentorId", "mentor.error.already_linked")])
            }
            var detail = mentor.name
            if let replaced = valid.replaces {
                guard let old = open.first(where: { $0.id == replaced }) else { throw ProblemError.validation([.init("replaces", "mentor.error.replaces")]) }
                guard valid.fromDate >= old.fromDate else {
                    throw ProblemError.validation([.init("fromDate", "mentor.error.before_start", DisplayDate.date(old.fromDate))])
                }
                old.toDate = valid.fromDate
                old.endReason = valid.reason
                old.$endedBy.id = actorID
                try await old.save(on: db)
                detail += " (bytte)"
            }
            link.$pathway.id = pathwayID
            link.$mentor.id = valid.mentorID
            link.fromDate = valid.fromDate
            link.createdAt = now
            link.$createdBy.id = actorID
            try await link.create(on: db)
            audit.record(.pathway(.pathwayMentorLinked, pathway, detail: detail))
            return link
        }
    }

    /// Ends a mentor's period on a pathway, with the reason.
    func end(_ opened: OpenedPathway, linkID: UUID, on day: String?, reason: String?) async throws {
        var issues: EmployerRules.Issues = []
        let date = EmployerRules.day(day ?? DisplayDate.dayInput(now), "toDate", now: now, pastOnly: false, &issues)
        let why = EmployerRules.text(reason, "reason", max: PathwayRules.maxReason, required: true, &issues)
        guard issues.isEmpty, let date, let why else { throw ProblemError.validation(issues) }
        let pathwayID = opened.id
        let actorID = actorID
        try await app.write(context: context) { db, audit in
            guard let link = try await PathwayMentor.find(linkID, on: db), link.$pathway.id == pathwayID else { throw Abort(.notFound) }
            guard link.toDate == nil else { throw ProblemError(.conflict, key: "mentor.error.ended") }
            guard date >= link.fromDate else { throw ProblemError.validation([.init("toDate", "mentor.error.before_start", DisplayDate.date(link.fromDate))]) }
            link.toDate = date
            link.endReason = why
            link.$endedBy.id = actorID
            try await link.save(on: db)
            audit.record(.pathway(.pathwayMentorEnded, opened.pathway, detail: DisplayDate.dayInput(date)))
        }
    }
}
