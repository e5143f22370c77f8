import Fluent
import Foundation

/// Demo follow-up for the demo pathways: the contacts and held meetings behind the events the
/// pathways already have, a contact with the candidate every few weeks, planned meetings for most
/// hybrid candidates — and the gaps the reports warn about ("place and pray"): a placement where
/// the mentor has not been contacted for weeks, and a hybrid candidate with no next meeting.
/// Deterministic for a given clock; written straight to the tables in one transaction per pathway,
/// then the pathway's criteria and alerts are evaluated as for real work.
struct DemoFollowUp: DemoModule {
    var name: String { "oppfølging" }

    private static let minutesTexts: [MeetingType: String] = [
        .evaluation: "Vi gikk gjennom oppgavene og opplæringen. Kandidaten mestrer kassen og varemottaket; mentor ønsker mer tid til opplæring i bestilling. Bruker trives, men er sliten etter lange vakter – vi ser på arbeidstiden. Avtalt: mentor lager en enkel sjekkliste for bestilling. Neste møte om fire uker.",
        .status: "Status: kandidaten er i jobb fire dager i uka. Arbeidsgiver er fornøyd. Vi snakket om veien mot fast ansettelse og hva som trengs av opplæring fram dit.",
        .mapping: "Vi snakket om hva du har jobbet med før, hva du liker, og hva som er vanskelig. Du ønsker jobb med mennesker, helst på dagtid. Vi avtalte å se på jobber i butikk og kafé.",
        .careerGuidance: "Karriereveiledning: interesser og erfaring er skrevet inn i yrkesprofilen. Neste steg er å kontakte to arbeidsgivere sammen.",
    ]

    func seed(_ context: DemoSeeder.Context) async throws {
        let app = context.app
        let db = context.db
        let now = app.samskap.clock.now()
        let calendar = RuleDuration.calendar
        let today = calendar.startOfDay(for: now)
        let counselors = try await User.query(on: db).filter(\.$username ~~ DemoCandidates.portfolios.map(\.username)).sort(\.$username).all()
        for counselor in counselors {
            let counselorID = try counselor.requireID()
            let pathways = try await Pathway.query(on: db).filter(\.$counselor.$id == counselorID).filter(\.$status != .closed)
                .sort(\.$referralDate).all()
            var hybridIndex = 0
            for pathway in pathways {
                let pathwayID = try pathway.requireID()
                let already = try await Contact.query(on: db).filter(\.$pathway.$id == pathwayID).count()
                    + (try await Meeting.query(on: db).filter(\.$pathway.$id == pathwayID).count())
                if already > 0 { continue }
                guard let candidate = try await Candidate.find(pathway.$candidate.id, on: db),
                      let record = try await MethodModelRecord.find(pathway.$methodModel.id, on: db) else { continue }
                let model = try app.samskap.methodModels.model(record)
                let events = try await PathwayEvent.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$withdrawnAt == nil).sort(\.$occurredAt).all()
                // The second hybrid candidate keeps no next meeting; the others get one 1–3 weeks ahead.
                let plansNext = candidate.isHybrid && hybridIndex != 1
                if candidate.isHybrid { hybridIndex += 1 }
                let weeksAhead = 1 + hybridIndex % 3
                let referral = calendar.startOfDay(for: pathway.referralDate)
                let referralDays = calendar.dateComponents([.day], from: referral, to: today).day ?? 0
                try await app.write(context: .system) { db, _ in
                    func contact(_ at: Date, _ channel: ContactChannel, _ party: ContactParty, note: String?, event: UUID? = nil) async throws {
                        let row = Contact()
                        row.$pathway.id = pathwayID
                        row.$candidate.id = pathway.$candidate.id
                        row.$office.id = pathway.$office.id
                        row.occurredAt = at
                        row.channel = channel
                        row.withWhom = party
                        row.durationMinutes = party == .candidate ? 30 : 20
                        row.note = note
                        row.forCandidate = false
                        row.eventID = event
                        row.recordedAt = at
                        row.$recordedBy.id = counselorID
                        try await row.create(on: db)
                    }
                    func meeting(_ type: MeetingType, at: Date, roles: [ParticipantRole], held: Bool, event: UUID? = nil) async throws {
                        let row = Meeting()
                        row.$pathway.id = pathwayID
                        row.$candidate.id = pathway.$candidate.id
                        row.$office.id = pathway.$office.id
                        row.type = type
                        row.startsAt = at
                        row.durationMinutes = 60
                        row.place = type == .evaluation ? "På arbeidsplassen" : "NAV-kontoret"
                        row.participants = [.init(role: .counselor, name: nil)] + roles.map { .init(role: $0, name: nil) }
                        row.agenda = MeetingAgenda.prefill(type: type, model: model, step: pathway.currentStep)
                        row.minutesForCandidate = held && type == .mapping
                        if held {
                            row.minutes = Self.minutesTexts[type] ?? "Møtet er holdt. Referat skrevet samme dag."
                            row.minutesAt = at.addingTimeInterval(2 * 3600)
                            row.$minutesBy.id = counselorID
                            row.eventID = event
                        }
                        row.sequence = 0
                        row.createdAt = at.addingTimeInterval(-7 * 86_400)
                        row.$createdBy.id = counselorID
                        row.updatedAt = row.minutesAt ?? row.createdAt
                        try await row.create(on: db)
                    }
                    // The contacts and meetings behind the events the pathway already has.
                    for event in events {
                        switch event.type {
                        case .mentorContact:
                            try await contact(event.occurredAt, .phone, .mentor, note: "Mentor forteller at det går bra; ønsker en samtale om oppgavene neste uke.", event: event.id)
                        case .employerFollowup:
                            try await contact(event.occurredAt, .workplace, .employer, note: "Kort prat med leder på arbeidsplassen.", event: event.id)
                        case .evaluationMeeting:
                            try await meeting(.evaluation, at: event.occurredAt, roles: [.candidate, .mentor, .employer], held: true, event: event.id)
                        case .statusMeeting:
                            try await meeting(.status, at: event.occurredAt, roles: [.candidate, .employer], held: true, event: event.id)
                        case .firstConversation:
                            try await meeting(.mapping, at: event.occurredAt, roles: [.candidate], held: true, event: event.id)
                        case .careerGuidance:
                            try await meeting(.careerGuidance, at: event.occurredAt, roles: [.candidate], held: true, event: event.id)
                        default:
                            break
                        }
                    }
                    // A phone call with the candidate every three weeks since the referral.
                    var offset = 10
                    while offset < referralDays {
                        let at = calendar.date(byAdding: .day, value: offset, to: referral)!.addingTimeInterval(13 * 3600)
                        try await contact(at, offset % 2 == 0 ? .phone : .navOffice, .candidate, note: "Samtale om hvordan det går, og hva som er neste steg.")
                        offset += 21
                    }
                    if plansNext {
                        let at = calendar.date(byAdding: .day, value: 7 * weeksAhead, to: today)!.addingTimeInterval(10 * 3600)
                        let placed = events.contains { $0.type == .placementStart }
                        try await meeting(placed ? .evaluation : .status, at: at, roles: placed ? [.candidate, .mentor, .employer] : [.candidate], held: false)
                    }
                    if let last = try await Contact.query(on: db).filter(\.$pathway.$id == pathwayID).sort(\.$occurredAt, .descending).first() {
                        try await FollowUpService.touchLastContact(pathway.$candidate.id, at: last.occurredAt, on: db)
                    }
                    try await PathwayCriteriaStore.refresh(pathwayID: pathwayID, model: model, on: db, now: now)
                }
            }
        }
    }
}
