import Foundation

/// What to generate for one pathway: days before the anchor day.
struct PathwayPlan {
    var id = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    var referralDaysAgo: Int
    var closeDaysAgo: Int?
    var hybrid: Bool
    var agreement: Bool
    var mentor: Bool
}

/// One generated pathway with everything in it, and its derived state, before it is written.
struct PathwayRows {
    struct Event { var id: UUID; var type: PathwayEventType; var at: Date; var employer: UUID?; var agreement: UUID?; var note: String? }
    struct Transition { var id: UUID; var kind: PathwayTransition.Kind; var from: String?; var to: String?; var at: Date }
    struct ContactRow { var id: UUID; var at: Date; var channel: ContactChannel; var party: ContactParty; var note: String; var event: UUID? }
    struct MeetingRow { var id: UUID; var type: MeetingType; var at: Date; var roles: [ParticipantRole]; var held: Bool; var event: UUID? }
    struct AgreementRow {
        var id: UUID; var type: AgreementType; var employer: UUID; var start: Date; var end: Date; var mentor: UUID?
        var created: Date; var approved: Date; var versionID: UUID; var approvalIDs: (UUID, UUID)
    }

    var plan: PathwayPlan
    let now: Date
    let modelID: UUID
    let model: MethodModel
    var referral: Date
    var referrer: String
    var closedAt: Date?
    var step: String
    var outcome: Pathway.Outcome?
    var hybridSince: Date?
    var events: [Event] = []
    var transitions: [Transition] = []
    var contacts: [ContactRow] = []
    var meetings: [MeetingRow] = []
    var agreements: [AgreementRow] = []
    var pathwayMentor: (id: UUID, mentor: UUID, from: Date, to: Date?)?
    private var taken = Set<Date>()

    init(plan: PathwayPlan, now: Date, modelID: UUID, model: MethodModel, referral: Date, referrer: String) {
        self.plan = plan
        self.now = now
        self.modelID = modelID
        self.model = model
        self.referral = referral
        self.referrer = referrer
        step = model.pathwaySteps.first?.id ?? "trinn-1"
    }

    /// Adds an event at a moment no other event of the pathway has (ties would leave the order to the database).
    @discardableResult
    mutating func event(_ id: UUID, _ type: PathwayEventType, at: Date, employer: UUID? = nil, agreement: UUID? = nil, note: String? = nil) -> UUID {
        var moment = at
        while !taken.insert(moment).inserted { moment.addTimeInterval(1) }
        events.append(Event(id: id, type: type, at: moment, employer: employer, agreement: agreement, note: note))
        return id
    }

    mutating func changeStep(ids: (UUID, UUID), to index: Int, at: Date) {
        let steps = model.pathwaySteps.map(\.id)
        guard index < steps.count, steps[index] != step else { return }
        transitions.append(Transition(id: ids.0, kind: .step, from: step, to: steps[index], at: at))
        event(ids.1, .stepChanged, at: at, note: "\(step) → \(steps[index])")
        step = steps[index]
    }

    // MARK: - Derived state, with the app's own rules

    /// The criteria rows and obligations `PathwayCriteriaStore.refresh` would store at `now`.
    func criteria(officeID: UUID, counselor: UUID) -> (rows: [PathwayCriteriaStore.Row], obligations: [PathwayCriteriaStore.ObligationRow]) {
        let ruleEvents = events.sorted { $0.at < $1.at }.map { RuleEvent(id: $0.id, type: $0.type, occurredAt: $0.at, employerID: $0.employer) }
        var rows: [PathwayCriteriaStore.Row] = []
        var obligations: [PathwayCriteriaStore.ObligationRow] = []
        for criterion in model.checkedCriteria {
            guard let rule = criterion.rule else { continue }
            let evaluation = CriterionEvaluator.evaluateAll(rule, events: ruleEvents, now: now)
            let result = evaluation.current
            rows.append(.init(
                pathway_id: plan.id, criterion_id: criterion.id, state: result.state.rawValue, deadline: result.deadline,
                limit_at: result.limit, overdue_since: result.overdueSince, evidence_event_id: result.evidence?.id,
                evidence_at: result.evidence?.occurredAt, next_check_at: result.nextCheckAt, resolvable: result.resolvable, evaluated_at: now
            ))
            obligations += evaluation.obligations.map { obligation in
                .init(pathway_id: plan.id, criterion_id: criterion.id, anchor_event_id: obligation.anchorID, state: obligation.result.state.rawValue,
                      deadline: obligation.result.deadline, evidence_event_id: obligation.result.evidence?.id,
                      evidence_at: obligation.result.evidence?.occurredAt, resolvable: obligation.result.resolvable, evaluated_at: now,
                      office_id: officeID, counselor_id: counselor, method_model_id: modelID)
            }
        }
        return (rows, obligations)
    }

    /// The alerts and next check `AlertStore.refresh` would store, from the same snapshot it builds.
    func alerts(criteria: [PathwayCriteriaStore.Row], candidateHybridSince: Date?, noContactDays: Int) -> (alerts: [AlertRules.Wanted], nextCheck: Date?) {
        let workplaceTypes: Set<PathwayEventType> = [.mentorContact, .employerFollowup, .evaluationMeeting, .firstWorkdayContact, .employerVisit]
        var workplace = events.filter { workplaceTypes.contains($0.type) }.map(\.at)
        for meeting in meetings where meeting.held && (meeting.roles.contains(.mentor) || meeting.roles.contains(.employer)) {
            workplace.append(meeting.at)
        }
        let texts = Dictionary(model.criteria.map { ($0.id, $0.text) }, uniquingKeysWith: { first, _ in first })
        let snapshot = AlertRules.Snapshot(
            pathwayActive: closedAt == nil,
            candidateIsHybrid: candidateHybridSince != nil,
            followUpSince: max(referral, candidateHybridSince ?? .distantPast),
            noContactDays: noContactDays,
            events: events.map { ($0.type, $0.at) },
            workplaceContacts: workplace,
            criteria: criteria.sorted { $0.criterion_id < $1.criterion_id }.map { .init(id: $0.criterion_id, text: texts[$0.criterion_id] ?? $0.criterion_id, row: $0) },
            agreements: agreements.map { .init(id: $0.id, type: $0.type, start: $0.start, end: $0.end, lastExtension: nil) },
            plannedMeetings: meetings.filter { !$0.held }.map(\.at),
            lastHeldMeeting: meetings.filter(\.held).map(\.at).max()
        )
        return AlertRules.evaluate(snapshot, now: now)
    }

    // MARK: - Writing

    /// An identifier that follows from the pathway's (alerts are only known when it is written).
    static func derivedID(_ id: UUID, salt: Int) -> UUID {
        var bytes = id.uuid
        bytes.15 ^= UInt8(truncatingIfNeeded: salt + 1)
        bytes.14 ^= 0xA5
        bytes.13 ^= UInt8(truncatingIfNeeded: (salt + 1) >> 8)
        return UUID(uuid: bytes)
    }

    private static let encoder = JSONEncoder()
    private static let sortedEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    func write(to writer: ScaleWriter, now: Date, officeID: UUID, candidateID: UUID, counselor: UUID, hybridSince: Date?) async throws {
        let (criteriaRows, obligations) = criteria(officeID: officeID, counselor: counselor)
        let (wanted, nextCheck) = alerts(criteria: criteriaRows, candidateHybridSince: hybridSince, noContactDays: 30)
        let status: Pathway.Status = closedAt == nil ? .active : .closed
        try await writer.add("pathways", [
            plan.id, candidateID, officeID, counselor, modelID, step, status.rawValue, referral, referrer,
            outcome?.rawValue, outcome.map { _ in "Avsluttet etter plan." }, referral, counselor, closedAt, closedAt ?? events.map(\.at).max(), nextCheck,
        ])
        for transition in transitions {
            try await writer.add("pathway_transitions", [transition.id, plan.id, transition.kind.rawValue, transition.from, transition.to, transition.at,
                                                         transition.kind == .step ? "Neste trinn" : nil, counselor])
        }
        for event in events {
            try await writer.add("pathway_events", [event.id, plan.id, event.type.rawValue, event.at, event.at, counselor, event.employer, event.agreement, event.note])
        }
        for agreement in agreements {
            let eventsDue = AgreementTimeline.nextChange(approved: .init(start: agreement.start, end: agreement.end, extensions: []), annulled: false, now: now)
            try await writer.add("agreements", [agreement.id, officeID, plan.id, candidateID, agreement.employer, agreement.type.rawValue, 1,
                                                agreement.created, counselor, agreement.approved, eventsDue, true])
            let goals = [AgreementGoal(kind: agreement.type == .mentor ? .tryingOut : .workExperience, description: "Prøve ut arbeidsoppgaver og bygge erfaring.")]
            let goalsJSON = String(decoding: try Self.sortedEncoder.encode(goals), as: UTF8.self)
            let isMentor = agreement.type == .mentor
            try await writer.add("agreement_versions", [
                agreement.versionID, agreement.id, 1, agreement.start, agreement.end, goalsJSON, "Varemottak, kundeservice og rydding.",
                "Oppfølging hver fjerde uke", "Veileder ved NAV-kontoret", "Mentor på arbeidsplassen", agreement.mentor,
                isMentor ? 1_000 : nil, isMentor ? 30_000 : nil, false, agreement.created, counselor, agreement.approved,
            ])
            try await writer.add("agreement_approvals", [agreement.approvalIDs.0, agreement.id, 1, ApprovalParty.counselor.rawValue, agreement.approved, counselor])
            try await writer.add("agreement_approvals", [agreement.approvalIDs.1, agreement.id, 1, ApprovalParty.employer.rawValue, agreement.approved, counselor])
        }
        if let link = pathwayMentor {
            try await writer.add("pathway_mentors", [link.id, plan.id, link.mentor, link.from, link.to, link.to.map { _ in "Avtalen er avsluttet" },
                                                     link.from, counselor, link.to.map { _ in counselor }])
        }
        for contact in contacts {
            try await writer.add("contacts", [contact.id, plan.id, candidateID, officeID, contact.at, contact.channel.rawValue, contact.party.rawValue,
                                              contact.party == .candidate ? 30 : 20, contact.note, false, contact.event, contact.at, counselor])
        }
        for meeting in meetings {
            let participants = [MeetingParticipant(role: .counselor, name: nil)] + meeting.roles.map { MeetingParticipant(role: $0, name: nil) }
            let json = String(decoding: try Self.encoder.encode(participants), as: UTF8.self)
            let minutesAt = meeting.held ? meeting.at.addingTimeInterval(7_200) : nil
            try await writer.add("meetings", [
                meeting.id, plan.id, candidateID, officeID, meeting.type.rawValue, meeting.at, 60,
                meeting.type == .evaluation ? "På arbeidsplassen" : "NAV-kontoret", json, MeetingAgenda.prefill(type: meeting.type, model: model, step: step),
                meeting.held ? "Møtet er holdt. Referat skrevet samme dag." : nil, meeting.held && meeting.type == .mapping, minutesAt,
                meeting.held ? counselor : nil, meeting.event, 0, meeting.at.addingTimeInterval(-7 * 86_400), counselor, minutesAt ?? meeting.at.addingTimeInterval(-7 * 86_400),
            ])
        }
        for row in criteriaRows {
            try await writer.add("pathway_criteria", [row.pathway_id, row.criterion_id, row.state, row.deadline, row.limit_at, row.overdue_since,
                                                      row.evidence_event_id, row.evidence_at, row.next_check_at, row.resolvable, row.evaluated_at])
        }
        for row in obligations {
            try await writer.add("pathway_criterion_obligations", [row.pathway_id, row.criterion_id, row.anchor_event_id, row.state, row.deadline,
                                                                   row.evidence_event_id, row.evidence_at, row.resolvable, row.evaluated_at,
                                                                   row.office_id, row.counselor_id, row.method_model_id])
        }
        for (position, alert) in wanted.enumerated() {
            let args = String(decoding: try Self.encoder.encode(alert.args), as: UTF8.self)
            try await writer.add("alerts", [Self.derivedID(plan.id, salt: position), plan.id, candidateID, officeID, alert.kind.rawValue, alert.subject,
                                            alert.since, args, now])
        }
    }
}
