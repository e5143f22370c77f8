import Fluent
import Foundation
import Vapor

/// The demo offices' employer register: about 30 fictional employers per office with the size
/// distribution of the research (most have 1–10 employees), contacts, cooperation histories,
/// visits, job analyses and mentors, and agreements in every status on the demo pathways.
/// Organisation numbers start with 1, which is never issued to a real company.
struct DemoEmployers: DemoModule {
    var name: String { "virksomheter" }

    static let perOffice = 30
    /// 1–10: 16, 11–20: 6, 21–50: 6, over 50: 2 (DOMAIN.md, 17/6/6/2 of 31).
    static let sizes: [EmployerSize] = Array(repeating: .upTo10, count: 16) + Array(repeating: .upTo20, count: 6) + Array(repeating: .upTo50, count: 6) + [.over50, .over50]

    static let places = ["Fjellheim", "Bekkely", "Solsiden", "Moloen", "Granlia", "Elvebakken", "Skarvøy", "Lyngmo", "Furutoppen", "Vikasand", "Bjørkhaug", "Strandkanten"]
    static let trades: [(String, Industry, String, String, LanguageRequirement)] = [
        ("Bakeri", .c, "Bakeriassistent", "Forberede deig, steke, pakke og rengjøre bakeriet", .a2),
        ("Dagligvare", .g, "Butikkmedarbeider", "Fylle varer i hyllene, ta imot varelevering, holde orden i butikken og betjene kasse", .b1),
        ("Lager og Logistikk", .h, "Lagermedarbeider", "Plukke og pakke ordre, ta imot varer og kjøre truck på lager", .a2),
        ("Kafé", .i, "Kjøkkenassistent", "Oppvask, kutte grønnsaker, lage enkle retter og holde kjøkkenet rent", .a2),
        ("Bilverksted", .g, "Verkstedmedarbeider", "Dekkskift, vask av biler og enkel service på verkstedet", .a2),
        ("Bygg", .f, "Hjelpearbeider bygg", "Bære materialer, rydde byggeplassen og hjelpe tømrerne", .a1),
        ("Omsorgssenter", .q, "Assistent i omsorg", "Servere mat, følge beboere på tur og praktiske oppgaver i avdelingen", .b2),
        ("Hagesenter", .g, "Gartnerassistent", "Stelle planter, vanne, plante om og hjelpe kunder i hagesenteret", .a2),
        ("Renhold", .n, "Renholder", "Renhold av kontorer og fellesarealer etter fast plan", .a1),
        ("Barnehage", .p, "Assistent i barnehage", "Lek og aktiviteter med barna, påkledning og måltider", .b2),
        ("Hotell", .i, "Romøkonom", "Re senger, rengjøre hotellrom og fylle på utstyr", .a2),
        ("Trykkeri", .c, "Produksjonsmedarbeider", "Mate maskiner, kontrollere kvalitet og pakke ferdige produkter", .a2),
    ]
    static let people = ["Anne Berg", "Tor Lunde", "Siri Holm", "Kjetil Moen", "Hilde Dahl", "Ole Strand", "Randi Vik", "Geir Aas", "Marit Foss",
                         "Bjørn Lie", "Eva Nygård", "Stian Brekke", "Tone Sæther", "Arne Haug", "Ingrid Tveit", "Per Eide"]

    func seed(_ context: DemoSeeder.Context) async throws {
        let app = context.app
        let db = context.db
        let now = app.samskap.clock.now()
        let day: @Sendable (Int) -> Date = { RuleDuration.calendar.startOfDay(for: now).addingTimeInterval(Double(-$0) * 86_400) }
        for (officeIndex, enhet) in ["9901", "9902"].enumerated() {
            guard let office = try await Office.query(on: db).filter(\.$enhetNumber == enhet).first() else { continue }
            let officeID = try office.requireID()
            guard try await JobAnalysis.query(on: db).join(Employer.self, on: \JobAnalysis.$employer.$id == \Employer.$id)
                .filter(Employer.self, \.$office.$id == officeID).count() == 0 else { continue }
            let staff = try await User.query(on: db).filter(\.$office.$id == officeID).filter(\.$isDemo == true).with(\.$roleRows).sort(\.$username).all()
            guard let actor = staff.first(where: { $0.roles.contains(.markedskontakt) }) ?? staff.first(where: { $0.roles.contains(.veileder) }) else { continue }
            let actorID = try actor.requireID()
            let owners = staff.filter { $0.roles.contains(.markedskontakt) || $0.roles.contains(.veileder) }.compactMap(\.id)
            let actorName = actor.displayName
            // The whole register in one transaction (the tests seed demo data for almost every test).
            try await app.write(context: AuditContext(actorUserID: actorID, actorUsername: actor.username, requestID: nil)) { db, audit in
                try await Self.seedRegister(officeID: officeID, officeIndex: officeIndex, actorID: actorID, actorName: actorName, owners: owners,
                                            now: now, day: day, on: db)
                audit.record(AuditEvent(.employerCreated, objectType: AuditObjectType.employer, officeID: officeID,
                                        detail: "demo: \(Self.perOffice) virksomheter med kontaktpersoner, besøk, arbeidskravsanalyser og mentorer"))
            }
            // Wished industries on the open demo pathways, so job match has something to suggest.
            let wishes: [[Industry]] = [[.g, .i], [.h, .c], [.q, .p], [.i], [.f, .h]]
            let open = try await Pathway.query(on: db).filter(\.$office.$id == officeID).filter(\.$status != .closed).sort(\.$referralDate).all()
            try await app.write(context: .system) { db, _ in
                for (n, pathway) in open.enumerated() {
                    pathway.wishedIndustries = wishes[n % wishes.count]
                    try await pathway.save(on: db)
                }
            }
            try await seedAgreements(app: app, officeID: officeID, day: day, now: now)
        }
    }

    /// The office's register: employers the demo pathways already use get their details, new ones
    /// fill up to 30. Visits are made only to the new ones, so the demo pathways' stories (one
    /// placement at a workplace nobody visited) stay as told.
    private static func seedRegister(officeID: UUID, officeIndex: Int, actorID: UUID, actorName: String, owners: [UUID], now: Date,
                                     day: @Sendable (Int) -> Date, on db: any Database) async throws {
        var register = try await Employer.query(on: db).filter(\.$office.$id == officeID).sort(\.$createdAt).sort(\.$name).all()
        let usedByPathways = Set(register.compactMap(\.id))
        var index = 0
        while register.count < perOffice {
            let trade = trades[(index + officeIndex) % trades.count]
            let place = places[(index / trades.count * 5 + index + officeIndex * 3) % places.count]
            let name = "\(place) \(trade.0)"
            index += 1
            guard !register.contains(where: { $0.nameKey == Employer.nameKey(name) }) else { continue }
            let employer = Employer()
            employer.$office.id = officeID
            employer.name = name
            employer.nameKey = Employer.nameKey(name)
            employer.cooperationStatus = .new
            employer.isDemo = true
            employer.createdAt = day(400)
            employer.$createdBy.id = actorID
            try await employer.create(on: db)
            register.append(employer)
        }
        let reasons = ["Ringte og avtalte et besøk", "Møtte daglig leder – ønsker å høre mer", "Første kandidat er i arbeidstrening",
                       "Sesongstopp – tar opp igjen etter nyttår", "Ingen ledige oppgaver nå"]
        for (i, employer) in register.enumerated() {
            let employerID = try employer.requireID()
            let trade = trades.first { employer.name.hasSuffix($0.0) } ?? trades[i % trades.count]
            employer.orgnr = OrganisationNumber.synthetic(officeIndex * 100_000 + i * 7_919 + 11)
            employer.industry = trade.1
            employer.size = sizes[i % sizes.count]
            employer.address = "Demoveien \(i + 1)"
            employer.municipality = officeIndex == 0 ? "Nordby" : "Sørvik"
            employer.$owner.id = owners.isEmpty ? nil : owners[i % owners.count]
            employer.isDemo = true
            // Cooperation: most are in dialogue or cooperating; a few paused or ended.
            let path: [CooperationStatus] = switch i % 10 {
            case 0, 1, 2, 3: [.contacted, .inDialogue, .cooperating]
            case 4, 5: [.contacted, .inDialogue]
            case 6: [.contacted]
            case 7: [.contacted, .inDialogue, .cooperating, .paused]
            case 8: [.contacted, .ended]
            default: []
            }
            var from = employer.cooperationStatus
            for (step, status) in path.enumerated() where from.allowedNext.contains(status) {
                let change = EmployerStatusChange()
                change.$employer.id = employerID
                change.fromStatus = from
                change.toStatus = status
                change.changedOn = day(200 - step * 40 - i)
                change.reason = status == .paused ? reasons[3] : status == .ended ? reasons[4] : reasons[min(step, 2)]
                change.recordedAt = now
                change.$recordedBy.id = actorID
                try await change.create(on: db)
                from = status
            }
            employer.cooperationStatus = from
            try await employer.save(on: db)

            let person = people[(i + officeIndex * 5) % people.count]
            let contact = EmployerContact()
            contact.$employer.id = employerID
            contact.name = person
            contact.role = i % 3 == 0 ? "Daglig leder" : "Avdelingsleder"
            contact.phone = "9\(String(format: "%07d", 1_000_000 + i * 3_571 + officeIndex * 17))"
            contact.createdAt = now
            contact.$createdBy.id = actorID
            try await contact.create(on: db)
            if i % 4 == 0 {
                let note = EmployerNote()
                note.$employer.id = employerID
                note.text = "Liker å bli ringt før kl. 10. Spør etter \(person.split(separator: " ").first!)."
                note.writtenAt = now
                note.$writtenBy.id = actorID
                try await note.create(on: db)
            }
            if path.count >= 2, !usedByPathways.contains(employerID) {
                let visit = EmployerVisit()
                visit.$employer.id = employerID
                visit.visitedOn = day(150 - i)
                visit.visitors = actorName
                visit.purpose = "Bli kjent med arbeidsplassen og oppgavene"
                visit.recordedAt = now
                visit.$recordedBy.id = actorID
                try await visit.create(on: db)
            }
            if path.count >= 2 || i < 6 {
                let analysis = JobAnalysis()
                analysis.$employer.id = employerID
                analysis.createdAt = now
                analysis.$createdBy.id = actorID
                analysis.apply(.init(
                    role: trade.2, tasks: trade.3, physicalDemands: i % 2 == 0 ? "Mye stående arbeid, noen tunge løft" : "Lett fysisk arbeid",
                    socialDemands: "Samarbeid i et lite team; kort kundekontakt", languageRequirement: trade.4, hoursPerWeek: [20, 30, 37, 15][i % 4],
                    psychosocialEnvironment: "Rolig arbeidsplass med faste kolleger", trainingRoutines: "Følges av en fast kollega de første ukene",
                    adaptationPossibilities: "Kan starte med korte dager og øke gradvis"))
                try await analysis.create(on: db)
            }
            if i < 6 || i % 5 == 0 {
                let mentor = Mentor()
                mentor.$office.id = officeID
                mentor.$employer.id = employerID
                mentor.name = people[(i * 3 + 7 + officeIndex) % people.count]
                mentor.position = [.colleague, .ownerOrManager, .departmentManager, .hr][i % 4]
                mentor.phone = "4\(String(format: "%07d", 2_000_000 + i * 7_717))"
                mentor.isDemo = true
                mentor.createdAt = now
                mentor.$createdBy.id = actorID
                try await mentor.create(on: db)
            }
        }
    }

    /// Agreements on the demo pathways, one in each status.
    private func seedAgreements(app: Application, officeID: UUID, day: @escaping @Sendable (Int) -> Date, now: Date) async throws {
        let db = app.db
        // Hybrid candidates' pathways first, each counselor's in turn, so every hybrid demo story has an agreement.
        let pathways = try await Pathway.query(on: db).filter(\.$office.$id == officeID).filter(\.$status != .closed).with(\.$candidate).with(\.$counselor)
            .sort(\.$referralDate).all()
            .sorted { ($0.candidate.isHybrid ? 0 : 1, $0.counselor.username) < ($1.candidate.isHybrid ? 0 : 1, $1.counselor.username) }
        guard !pathways.isEmpty else { return }
        let employers = try await Employer.query(on: db).filter(\.$office.$id == officeID).filter(\.$cooperationStatus ~~ [.cooperating, .inDialogue]).sort(\.$name).all()
        guard !employers.isEmpty else { return }
        struct Plan {
            var type: AgreementType
            var start: Int
            var end: Int?
            var complete: Bool
            var approvals: [ApprovalParty]
            var annul: AnnulmentReason? = nil
        }
        let plans: [Plan] = [
            Plan(type: .workTraining, start: 90, end: -60, complete: true, approvals: [.counselor, .employer]),
            Plan(type: .mentor, start: 90, end: -60, complete: true, approvals: [.counselor, .employer]),
            Plan(type: .jobTaste, start: 200, end: 196, complete: true, approvals: [.counselor, .employer]),
            Plan(type: .temporaryWageSubsidy, start: -14, end: -200, complete: true, approvals: [.counselor, .employer]),
            Plan(type: .workPractice, start: -21, end: -111, complete: true, approvals: [.counselor]),
            Plan(type: .mentor, start: -21, end: -111, complete: false, approvals: []),
            Plan(type: .workTraining, start: 60, end: -40, complete: true, approvals: [.counselor, .employer], annul: .ill),
        ]
        for (i, plan) in plans.enumerated() {
            let pathway = pathways[i % pathways.count]
            let employer = employers[i % employers.count]
            let counselorID = pathway.$counselor.id
            let service = AgreementService(app: app, context: AuditContext(actorUserID: counselorID, actorUsername: pathway.counselor.username, requestID: nil),
                                           actorID: counselorID, now: now)
            guard let record = try await MethodModelRecord.find(pathway.$methodModel.id, on: db) else { continue }
            let opened = OpenedPathway(pathway: pathway, candidate: OpenedCandidate(candidate: pathway.candidate, level: .full), recordID: try record.requireID(),
                                       model: try app.samskap.methodModels.model(record))
            var mentor = try await Mentor.query(on: db).filter(\.$employer.$id == employer.requireID()).first()
            if mentor == nil { mentor = try await Mentor.query(on: db).filter(\.$office.$id == officeID).first() }
            var draft = AgreementRules.Draft(startDate: DisplayDate.dayInput(day(plan.start)), endDate: plan.end.map { DisplayDate.dayInput(day($0)) })
            if plan.complete {
                draft.goals = [.init(kind: AgreementGoalKind.workExperience.rawValue, description: "Få erfaring med faste oppgaver og arbeidstider"),
                               .init(kind: AgreementGoalKind.jobAtEmployer.rawValue, description: "Ansettelse i deltidsstilling hvis det går bra")]
                draft.tasks = "Oppgavene i arbeidskravsanalysen, med gradvis mer ansvar"
                draft.followUp = "Veileder besøker arbeidsplassen annenhver uke; mentor har fast ukentlig samtale med kandidaten"
                draft.navContact = "\(pathway.counselor.displayName), NAV, tlf. 55 55 33 33"
                draft.workplaceContact = "\(mentor?.name ?? "Daglig leder"), tlf. \(mentor?.phone ?? "")"
                if plan.type.usesWageSubsidy { draft.wageSubsidyPercent = "40" }
            }
            if plan.type == .mentor {
                draft.mentorId = mentor?.id?.uuidString
                draft.mentorHoursPerMonth = plan.complete ? "10" : nil
                draft.hourlyWage = plan.complete ? "300" : nil
            }
            let agreement = try await service.create(opened, type: plan.type, employerID: try employer.requireID(), draft: draft, isDemo: true)
            let snapshot = { try await AgreementSnapshot.load(try await Agreement.find(agreement.requireID(), on: db)!, on: db) }
            for party in plan.approvals {
                try await service.approve(try await snapshot(), opened, party: party.rawValue)
            }
            if let reason = plan.annul {
                try await service.annul(try await snapshot(), opened, reason: reason.rawValue, note: "Sykmeldt i lengre tid", on: DisplayDate.dayInput(day(30)))
            }
        }
    }
}
