import Foundation

/// What the employer register's forms and API calls may contain. Pure checks; each problem names
/// its field and a string key.
enum EmployerRules {
    static let maxName = 200
    static let maxLine = 200
    static let maxText = 4_000

    /// The employer's own fields, as typed (a form or a merged API patch).
    struct Draft: Sendable, Codable, Equatable {
        var orgnr: String?
        var name: String?
        var industry: String?
        var size: String?
        var address: String?
        var municipality: String?
        var ownerId: String?
    }

    struct Valid: Sendable, Equatable {
        var orgnr: String?
        var name: String
        var industry: Industry?
        var size: EmployerSize?
        var address: String?
        var municipality: String?
        var ownerID: UUID?
    }

    typealias Issues = [ProblemError.FieldIssue]

    static func text(_ raw: String?, _ field: String, max: Int = maxLine, required: Bool = false, _ issues: inout Issues) -> String? {
        PathwayRules.text(raw.map(CandidateRules.clean), field: field, max: max, required: required, issues: &issues)
    }

    static func choice<T: RawRepresentable>(_ raw: String?, _ field: String, required: Bool = false, _ issues: inout Issues) -> T? where T.RawValue == String {
        guard let raw = PathwayRules.trimmed(raw) else {
            if required { issues.append(.init(field, "pathway.error.required")) }
            return nil
        }
        guard let value = T(rawValue: raw) else {
            issues.append(.init(field, "form.error.choice"))
            return nil
        }
        return value
    }

    static func uuid(_ raw: String?, _ field: String, required: Bool = false, _ issues: inout Issues) -> UUID? {
        guard let raw = PathwayRules.trimmed(raw) else {
            if required { issues.append(.init(field, "pathway.error.required")) }
            return nil
        }
        guard let id = UUID(uuidString: raw) else {
            issues.append(.init(field, "form.error.choice"))
            return nil
        }
        return id
    }

    /// A day (`yyyy-MM-dd`), any time in the register's window; `pastOnly` refuses days after today.
    static func day(_ raw: String?, _ field: String, now: Date, pastOnly: Bool, required: Bool = true, _ issues: inout Issues) -> Date? {
        guard let raw = PathwayRules.trimmed(raw) else {
            if required { issues.append(.init(field, "pathway.error.date_required")) }
            return nil
        }
        if pastOnly { return PathwayRules.moment(raw, field: field, now: now, issues: &issues) }
        guard let date = DisplayDate.parseDay(raw) else {
            issues.append(.init(field, "pathway.error.date_invalid"))
            return nil
        }
        let earliest = RuleDuration(PathwayRules.maxYearsBack, .year).earliest(before: now)
        let latest = RuleDuration(PathwayRules.maxYearsBack, .year).deadline(after: now)
        guard date >= earliest, date < latest else {
            issues.append(.init(field, "form.error.date_window", String(PathwayRules.maxYearsBack)))
            return nil
        }
        return date
    }

    static func employer(_ draft: Draft, owners: Set<UUID>) -> Result<Valid, ProblemError> {
        var issues: Issues = []
        var orgnr: String?
        if let raw = PathwayRules.trimmed(draft.orgnr) {
            do { orgnr = try OrganisationNumber(raw).value } catch { issues.append(.init("orgnr", error.messageKey)) }
        }
        let name = text(draft.name, "name", max: maxName, required: true, &issues)
        let industry: Industry? = choice(draft.industry, "industry", &issues)
        let size: EmployerSize? = choice(draft.size, "size", &issues)
        let address = text(draft.address, "address", &issues)
        let municipality = text(draft.municipality, "municipality", max: 100, &issues)
        let owner = uuid(draft.ownerId, "ownerId", &issues)
        if let owner, !owners.contains(owner) { issues.append(.init("ownerId", "employer.error.owner")) }
        guard issues.isEmpty, let name else { return .failure(.validation(issues)) }
        return .success(Valid(orgnr: orgnr, name: name, industry: industry, size: size, address: address, municipality: municipality, ownerID: owner))
    }

    struct ValidContact: Sendable {
        var name: String
        var role: String?
        var phone: String?
        var email: String?
    }

    static func contact(name: String?, role: String?, phone: String?, email: String?) -> Result<ValidContact, ProblemError> {
        var issues: Issues = []
        let name = text(name, "name", max: maxName, required: true, &issues)
        let role = text(role, "role", &issues)
        let phone = text(phone, "phone", max: 30, &issues)
        if let phone, !CandidateRules.isPhone(phone) { issues.append(.init("phone", "candidate.error.phone")) }
        let email = text(email, "email", max: 254, &issues)?.lowercased()
        if let email, !CandidateRules.isEmail(email) { issues.append(.init("email", "candidate.error.email")) }
        if phone == nil && email == nil && !issues.contains(where: { $0.field == "phone" || $0.field == "email" }) {
            issues.append(.init("phone", "employer.error.reach"))
        }
        guard issues.isEmpty, let name else { return .failure(.validation(issues)) }
        return .success(ValidContact(name: name, role: role, phone: phone, email: email))
    }

    struct ValidStatusChange: Sendable {
        var status: CooperationStatus
        var on: Date
        var reason: String
    }

    /// A change of cooperation status: only to a status the current one allows, dated today or
    /// earlier, and not before the previous change.
    static func statusChange(to raw: String?, on rawDay: String?, reason: String?, current: CooperationStatus, lastChange: Date?, now: Date) -> Result<ValidStatusChange, ProblemError> {
        var issues: Issues = []
        let status: CooperationStatus? = choice(raw, "status", required: true, &issues)
        if let status, !current.allowedNext.contains(status) {
            issues.append(.init("status", status == current ? "employer.error.status_same" : "employer.error.status_step"))
        }
        let date = day(rawDay ?? DisplayDate.dayInput(now), "changedOn", now: now, pastOnly: true, &issues)
        if let date, let lastChange, date < RuleDuration.calendar.startOfDay(for: lastChange) {
            issues.append(.init("changedOn", "employer.error.status_date", DisplayDate.date(lastChange)))
        }
        let why = text(reason, "reason", max: PathwayRules.maxReason, required: true, &issues)
        guard issues.isEmpty, let status, let date, let why else { return .failure(.validation(issues)) }
        return .success(ValidStatusChange(status: status, on: date, reason: why))
    }

    static func note(_ raw: String?) -> Result<String, ProblemError> {
        var issues: Issues = []
        let note = text(raw, "text", max: maxText, required: true, &issues)
        guard issues.isEmpty, let note else { return .failure(.validation(issues)) }
        return .success(note)
    }

    struct ValidVisit: Sendable {
        var visitedOn: Date
        var visitors: String
        var purpose: String
        var pathwayID: UUID?
        var notes: String?
    }

    static func visit(visitedOn: String?, visitors: String?, purpose: String?, pathwayId: String?, notes: String?, now: Date) -> Result<ValidVisit, ProblemError> {
        var issues: Issues = []
        let date = day(visitedOn, "visitedOn", now: now, pastOnly: true, &issues)
        let who = text(visitors, "visitors", required: true, &issues)
        let purpose = text(purpose, "purpose", max: 500, required: true, &issues)
        let pathway = uuid(pathwayId, "pathwayId", &issues)
        let notes = text(notes, "notes", max: maxText, &issues)
        guard issues.isEmpty, let date, let who, let purpose else { return .failure(.validation(issues)) }
        return .success(ValidVisit(visitedOn: date, visitors: who, purpose: purpose, pathwayID: pathway, notes: notes))
    }

    /// A job analysis (arbeidskravsanalyse) for one role at an employer.
    struct JobAnalysisDraft: Sendable, Codable, Equatable {
        var role: String?
        var tasks: String?
        var physicalDemands: String?
        var socialDemands: String?
        var languageRequirement: String?
        var hoursPerWeek: Int?
        var psychosocialEnvironment: String?
        var trainingRoutines: String?
        var adaptationPossibilities: String?
    }

    struct ValidJobAnalysis: Sendable, Equatable {
        var role: String
        var tasks: String
        var physicalDemands: String?
        var socialDemands: String?
        var languageRequirement: LanguageRequirement
        var hoursPerWeek: Int?
        var psychosocialEnvironment: String?
        var trainingRoutines: String?
        var adaptationPossibilities: String?
    }

    static func jobAnalysis(_ draft: JobAnalysisDraft) -> Result<ValidJobAnalysis, ProblemError> {
        var issues: Issues = []
        let role = text(draft.role, "role", required: true, &issues)
        let tasks = text(draft.tasks, "tasks", max: maxText, required: true, &issues)
        let physical = text(draft.physicalDemands, "physicalDemands", max: maxText, &issues)
        let social = text(draft.socialDemands, "socialDemands", max: maxText, &issues)
        let language: LanguageRequirement? = choice(draft.languageRequirement, "languageRequirement", required: true, &issues)
        if let hours = draft.hoursPerWeek, !(1...60).contains(hours) { issues.append(.init("hoursPerWeek", "employer.error.hours")) }
        let psychosocial = text(draft.psychosocialEnvironment, "psychosocialEnvironment", max: maxText, &issues)
        let training = text(draft.trainingRoutines, "trainingRoutines", max: maxText, &issues)
        let adaptation = text(draft.adaptationPossibilities, "adaptationPossibilities", max: maxText, &issues)
        guard issues.isEmpty, let role, let tasks, let language else { return .failure(.validation(issues)) }
        return .success(ValidJobAnalysis(role: role, tasks: tasks, physicalDemands: physical, socialDemands: social, languageRequirement: language,
                                         hoursPerWeek: draft.hoursPerWeek, psychosocialEnvironment: psychosocial, trainingRoutines: training,
                                         adaptationPossibilities: adaptation))
    }
}
