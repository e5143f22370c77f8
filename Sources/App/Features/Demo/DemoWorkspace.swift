import Fluent
import Foundation

/// Demo accounts outside NAV in office 9901: `mentor1` and `mentor2` (mentors at two different
/// employers, each linked to a demo pathway with a placement), and `arbeidsgiver1` (a contact
/// person at mentor1's employer). They have not accepted the confidentiality declaration, so the
/// first login shows it. mentor1's candidate has agreed to share goals and plan with the mentor;
/// mentor1 has logged hours, written an observation and raised an alarm the counselor has not yet
/// answered. E-mail addresses use the reserved `.invalid` domain.
struct DemoWorkspace: DemoModule {
    var name: String { "mentor og arbeidsgiver" }

    static let logins: [(username: String, description: String)] = [
        ("mentor1", "mentor – arbeidsgiver med mentoravtale (9901)"),
        ("mentor2", "mentor – en annen arbeidsgiver (9901)"),
        ("arbeidsgiver1", "arbeidsgiver – kontaktperson hos mentor1s arbeidsgiver (9901)"),
    ]

    func seed(_ context: DemoSeeder.Context) async throws {
        let app = context.app
        let db = context.db
        let now = app.samskap.clock.now()
        let office = try context.office("9901")
        let officeID = try office.requireID()
        // Counselors get a (synthetic) office phone number the mentors can call.
        try await User.query(on: db).filter(\.$isDemo == true).filter(\.$office.$id != nil).filter(\.$phone == nil).set(\.$phone, to: "55 55 33 33").update()
        guard try await User.query(on: db).filter(\.$username == "mentor1").count() == 0 else { return }

        let agreements = try await Agreement.query(on: db).filter(\.$office.$id == officeID).filter(\.$annulledOn == nil).filter(\.$isDemo == true)
            .sort(\.$createdAt).all()
        var mentorAgreement: (Agreement, AgreementVersion)?
        var otherAgreement: Agreement?
        for agreement in agreements {
            guard let version = try await AgreementVersion.query(on: db).filter(\.$agreement.$id == agreement.requireID())
                .filter(\.$version == agreement.currentVersion).first(), version.fullyApprovedAt != nil else { continue }
            if mentorAgreement == nil, agreement.type == .mentor, version.$mentor.id != nil {
                mentorAgreement = (agreement, version)
            } else if otherAgreement == nil, agreement.type != .mentor {
                otherAgreement = agreement
            }
        }
        guard let (first, firstVersion) = mentorAgreement else { return }
        // The mentor works at the agreement's employer (older demo data may have borrowed another employer's mentor).
        let firstMentor = try await mentor(at: first.$employer.id, officeID: officeID, name: "Mona Mjelde", now: now, on: db)
        let firstMentorID = try firstMentor.requireID()
        if firstVersion.$mentor.id != firstMentorID {
            firstVersion.$mentor.id = firstMentorID
            try await firstVersion.save(on: db)
        }
        // mentor2 works at another employer, on another pathway.
        guard let second = otherAgreement.flatMap({ $0.$employer.id != firstMentor.$employer.id && $0.$pathway.id != first.$pathway.id ? $0 : nil })
            ?? agreements.first(where: { $0.$employer.id != firstMentor.$employer.id && $0.$pathway.id != first.$pathway.id }) else { return }
        let secondMentor = try await mentor(at: second.$employer.id, officeID: officeID, name: "Petter Mentzoni", now: now, on: db)
        let contact = try await employerContact(at: firstMentor.$employer.id, now: now, on: db)
        guard let counselor = try await Pathway.find(first.$pathway.id, on: db).map(\.$counselor.id) else { return }

        let mentor1 = try await account("mentor1", name: firstMentor.name, role: .mentor, officeID: officeID, employerID: firstMentor.$employer.id,
                                        mentorID: firstMentorID, contactID: nil, context: context)
        _ = try await account("mentor2", name: secondMentor.name, role: .mentor, officeID: officeID, employerID: second.$employer.id,
                              mentorID: try secondMentor.requireID(), contactID: nil, context: context)
        _ = try await account("arbeidsgiver1", name: contact.name, role: .arbeidsgiver, officeID: officeID, employerID: firstMentor.$employer.id,
                              mentorID: nil, contactID: try contact.requireID(), context: context)

        let calendar = Calendar.oslo
        let start = calendar.startOfDay(for: firstVersion.startDate ?? now)
        try await app.write(context: .cli, on: db) { tx, audit in
            for (pathwayID, mentorID, from) in [(first.$pathway.id, firstMentorID, start),
                                                (second.$pathway.id, try secondMentor.requireID(), calendar.startOfDay(for: now.addingTimeInterval(-30 * 86_400)))] {
                let link = PathwayMentor()
                link.$pathway.id = pathwayID
                link.$mentor.id = mentorID
                link.fromDate = from
                link.createdAt = now
                link.$createdBy.id = counselor
                try await link.create(on: tx)
            }
            // mentor1's candidate shares goals and plan with the mentor.
            let consent = CandidateConsent()
            consent.$candidate.id = first.$candidate.id
            consent.item = .goalsAndPlan
            consent.party = .mentor
            consent.givenOn = start
            consent.form = .written
            consent.note = "Demo: samtykke til å dele mål og opplæringsplan med mentor"
            consent.$recordedBy.id = counselor
            consent.recordedAt = now
            try await consent.create(on: tx)
            audit.record(AuditEvent(.demoSeeded, detail: "demo: mentor1, mentor2 og arbeidsgiver1 med mentorperioder"))
        }

        // Training goals on the mentor agreement, if the plan is still empty.
        let planService = TrainingPlanService(app: app, context: .cli, actorID: counselor, now: now)
        if try await TrainingGoal.query(on: db).filter(\.$agreement.$id == first.requireID()).count() == 0 {
            for (title, status) in [("Kan åpne og stenge kassen alene", TrainingGoalStatus.reached),
                                    ("Tar imot varer og sjekker følgeseddel", .inProgress),
                                    ("Bestiller varer i systemet", .notStarted)] {
                try await planService.addGoal(first.requireID(), .init(plan: .training, title: title, targetDate: nil, responsible: .mentor, status: status))
            }
        }

        // What mentor1 has done in the workspace, as it would have been recorded.
        let mentorCase = MentorCase(pathway: try await Pathway.find(first.$pathway.id, on: db)!, mentor: firstMentor, accessEnds: nil)
        let mentorUserID = try mentor1.requireID()
        let mentorContext = AuditContext(actorUserID: mentorUserID, actorUsername: "mentor1", requestID: nil)
        for (daysAgo, hours, what) in [(40, 150, "Opplæring i kassen"), (33, 200, "Varemottak sammen"), (26, 100, "Samtale om arbeidstid"),
                                       (12, 250, "Opplæring i varemottak"), (5, 150, "Gikk gjennom bestillingsrutinen")] {
            let day = calendar.startOfDay(for: now.addingTimeInterval(-Double(daysAgo) * 86_400))
            guard day >= start else { continue }
            try await MentorWorkspaceService(app: app, context: mentorContext, actorID: mentorUserID, now: day.addingTimeInterval(15 * 3600))
                .logHours(mentorCase, .init(workedOn: day, hundredthHours: hours, activity: what))
        }
        let service = MentorWorkspaceService(app: app, context: mentorContext, actorID: mentorUserID, now: now.addingTimeInterval(-2 * 86_400))
        try await service.observe(mentorCase, kind: .progress, text: "Jobber mer selvstendig i kassen nå. Trenger fortsatt støtte når det er mye folk.")
        try await MentorWorkspaceService(app: app, context: mentorContext, actorID: mentorUserID, now: now.addingTimeInterval(-3 * 3600))
            .raiseAlarm(mentorCase, reason: .noShow, text: "Kom ikke på jobb i dag og svarer ikke på telefon.", baseURL: "")
    }

    private func mentor(at employerID: UUID, officeID: UUID, name: String, now: Date, on db: any Database) async throws -> Mentor {
        if let existing = try await Mentor.query(on: db).filter(\.$employer.$id == employerID).sort(\.$createdAt).first() { return existing }
        let mentor = Mentor()
        mentor.$office.id = officeID
        mentor.$employer.id = employerID
        mentor.name = name
        mentor.position = .colleague
        mentor.isDemo = true
        mentor.createdAt = now
        try await mentor.create(on: db)
        return mentor
    }

    private func employerContact(at employerID: UUID, now: Date, on db: any Database) async throws -> EmployerContact {
        if let existing = try await EmployerContact.query(on: db).filter(\.$employer.$id == employerID).filter(\.$removedAt == nil).sort(\.$createdAt).first() {
            return existing
        }
        throw DemoError.missingOffice("kontaktperson hos demoarbeidsgiver")
    }

    private func account(_ username: String, name: String, role: Role, officeID: UUID, employerID: UUID, mentorID: UUID?, contactID: UUID?,
                         context: DemoSeeder.Context) async throws -> User {
        let user = User(username: username, displayName: name, officeID: nil, passwordHash: context.passwordHash, mustChangePassword: false, isDemo: true)
        let now = context.app.samskap.clock.now()
        try await context.app.write(context: .cli, on: context.db) { tx, audit in
            try await user.create(on: tx)
            try await UserRole(userID: user.requireID(), role: role).create(on: tx)
            let account = ExternalAccount()
            account.$user.id = try user.requireID()
            account.role = role
            account.$office.id = officeID
            account.$employer.id = employerID
            account.$mentor.id = mentorID
            account.$employerContact.id = contactID
            account.email = "\(username)@demo.samskap.invalid"
            account.createdAt = now
            try await account.create(on: tx)
            audit.record(.user(.userCreated, user, detail: "demo; rolle: \(role.rawValue)"))
        }
        context.noteCreatedUser(username)
        return user
    }
}
