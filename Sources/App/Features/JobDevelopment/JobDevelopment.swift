import Fluent
import SQLKit
import Vapor

/// Job development for one pathway: approaches to employers, the time from referral to the first
/// employer contact, and the counselor's face-to-face contacts per week.
enum JobDevelopment {
    /// IPS expects the first employer contact within this many days of the referral.
    static let firstContactNormDays = 30

    struct ValidApproach: Sendable {
        var occurredOn: Date
        var employerID: UUID
        var channel: EmployerApproach.Channel
        var withCandidate: Bool
        var outcome: EmployerApproach.Outcome
        var note: String?
    }

    static func approach(occurredOn: String?, employerId: String?, channel: String?, withCandidate: Bool?, outcome: String?, note: String?,
                         referralDate: Date, now: Date) -> Result<ValidApproach, ProblemError> {
        var issues: EmployerRules.Issues = []
        // Contacts made for the candidate before the referral was registered are allowed: they are the same job search.
        let date = PathwayRules.moment(occurredOn, field: "occurredOn", now: now, issues: &issues)
        let employer = EmployerRules.uuid(employerId, "employerId", required: true, &issues)
        let channel: EmployerApproach.Channel? = EmployerRules.choice(channel, "channel", required: true, &issues)
        let outcome: EmployerApproach.Outcome? = EmployerRules.choice(outcome, "outcome", required: true, &issues)
        let note = EmployerRules.text(note, "note", max: PathwayRules.maxNote, &issues)
        guard issues.isEmpty, let date, let employer, let channel, let outcome else { return .failure(.validation(issues)) }
        return .success(ValidApproach(occurredOn: date, employerID: employer, channel: channel, withCandidate: withCandidate ?? false, outcome: outcome, note: note))
    }

    /// Whole days from the referral to the first employer contact that still counts, or nil when there is none yet.
    static func daysToFirstContact(pathwayID: UUID, referralDate: Date, on db: any Database) async throws -> Int? {
        guard let first = try await PathwayEvent.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$type == .employerContact)
            .filter(\.$withdrawnAt == nil).sort(\.$occurredAt).first() else { return nil }
        return days(fromReferral: referralDate, toFirstContact: first.occurredAt)
    }

    /// Whole calendar days from the referral's day to the first employer contact's day.
    static func days(fromReferral referralDate: Date, toFirstContact first: Date) -> Int? {
        let calendar = RuleDuration.calendar
        return calendar.dateComponents([.day], from: calendar.startOfDay(for: referralDate), to: calendar.startOfDay(for: first)).day
    }

    struct Week: Sendable, Encodable, Equatable {
        /// Monday of the week, yyyy-MM-dd.
        var weekStart: String
        var isoWeek: Int
        var faceToFace: Int
        var all: Int
    }

    /// The counselor's employer approaches per ISO week, the last `weeks` weeks, newest first.
    /// Withdrawn events do not count.
    static func weeklyContacts(userID: UUID, weeks: Int = 12, now: Date, on db: any Database) async throws -> [Week] {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = DisplayDate.timeZone
        let thisWeek = calendar.dateInterval(of: .weekOfYear, for: now)!.start
        let from = calendar.date(byAdding: .weekOfYear, value: -(weeks - 1), to: thisWeek)!
        let approaches = try await EmployerApproach.query(on: db).join(PathwayEvent.self, on: \EmployerApproach.$event.$id == \PathwayEvent.$id)
            .filter(\.$recordedBy.$id == userID).filter(\.$occurredOn >= from).filter(PathwayEvent.self, \.$withdrawnAt == nil).all()
        return (0..<weeks).map { index in
            let start = calendar.date(byAdding: .weekOfYear, value: -index, to: thisWeek)!
            let end = calendar.date(byAdding: .weekOfYear, value: 1, to: start)!
            let inWeek = approaches.filter { $0.occurredOn >= start && $0.occurredOn < end }
            return Week(weekStart: DisplayDate.dayInput(start), isoWeek: calendar.component(.weekOfYear, from: start),
                        faceToFace: inWeek.filter { $0.channel == .faceToFace }.count, all: inWeek.count)
        }
    }

    /// Records an approach: the approach itself and an `employer_contact` event on the pathway.
    static func record(_ opened: OpenedPathway, _ valid: ValidApproach, service: PathwayService) async throws -> EmployerApproach {
        let pathwayID = opened.id
        let (actorID, now, model) = (service.actorID, service.now, opened.model)
        let approach = EmployerApproach()
        return try await service.app.write(context: service.context) { db, audit in
            try await DatabaseDialect(db).lockRow("pathways", id: pathwayID, on: db)
            guard let current = try await Pathway.find(pathwayID, on: db), current.status != .closed else {
                throw ProblemError(.conflict, key: "pathway.error.closed")
            }
            guard let employer = try await Employer.find(valid.employerID, on: db), employer.$office.id == current.$office.id else {
                throw ProblemError.validation([.init("employerId", "pathway.error.employer")])
            }
            let event = try await PathwayService.insertEvent(pathwayID: pathwayID, type: .employerContact, at: valid.occurredOn, by: actorID, now: now,
                                                             employerID: valid.employerID, note: valid.note, on: db)
            approach.$pathway.id = pathwayID
            approach.$employer.id = valid.employerID
            approach.occurredOn = valid.occurredOn
            approach.channel = valid.channel
            approach.withCandidate = valid.withCandidate
            approach.outcome = valid.outcome
            approach.note = valid.note
            approach.$event.id = try event.requireID()
            approach.recordedAt = now
            approach.$recordedBy.id = actorID
            try await approach.create(on: db)
            // The first contact moves a new employer on in the register.
            if employer.cooperationStatus == .new {
                let change = EmployerStatusChange()
                change.$employer.id = valid.employerID
                change.fromStatus = .new
                change.toStatus = .contacted
                change.changedOn = valid.occurredOn
                change.reason = "Første kontakt i jobbutvikling"
                change.recordedAt = now
                change.$recordedBy.id = actorID
                try await change.create(on: db)
                employer.cooperationStatus = .contacted
                employer.updatedAt = now
                try await employer.save(on: db)
            }
            current.updatedAt = now
            try await current.save(on: db)
            try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
            audit.record(.pathway(.employerApproachRecorded, opened.pathway,
                                  detail: "\(employer.name): \(valid.channel.rawValue), \(valid.outcome.rawValue) \(DisplayDate.dayInput(valid.occurredOn))"))
            return approach
        }
    }
}
