import Fluent
import Vapor

extension CaseSource {
    /// Reads what a case presentation is generated from. The caller has opened the pathway with
    /// its access check; nothing read here is shown as it is.
    static func load(_ opened: OpenedPathway, now: Date, t: (String, [String]) -> String, on db: any Database) async throws -> CaseSource {
        let pathway = opened.pathway
        let pathwayID = opened.id
        let candidate = opened.candidate.candidate
        let events = try await PathwayEvent.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$withdrawnAt == nil).all()

        var agreements: [AgreementLine] = []
        for agreement in try await Agreement.query(on: db).filter(\.$pathway.$id == pathwayID).sort(\.$createdAt).all() {
            let snapshot = try await AgreementSnapshot.load(agreement, on: db)
            agreements.append(AgreementLine(type: agreement.type, status: snapshot.status(now: now)))
        }
        let mentorLinked = try await PathwayMentor.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$toDate == nil).count() > 0
        let hours = try await MentorHours.query(on: db).filter(\.$pathway.$id == pathwayID).all().reduce(0) { $0 + $1.hundredthHours }
        let goals = try await TrainingGoal.query(on: db).filter(\.$pathway.$id == pathwayID).sort(\.$createdAt).all()
            .map { Goal(title: $0.title, status: $0.status) }

        var notes: [Note] = []
        let contacts = try await Contact.query(on: db).filter(\.$pathway.$id == pathwayID).sort(\.$occurredAt, .descending).limit(CasePresentationDraft.latestNotes).all()
        for contact in contacts {
            if let text = contact.note { notes.append(Note(label: t("casepres.gen.note_contact", [t(contact.withWhom.labelKey, []).lowercased()]), at: contact.occurredAt, text: text)) }
        }
        // The referral's note is who referred, and a step change's or closing's note is a code.
        let eventNotes = events.filter { $0.note != nil && ![.referralReceived, .stepChanged, .pathwayClosed].contains($0.type) }
            .sorted { $0.occurredAt > $1.occurredAt }.prefix(CasePresentationDraft.latestNotes)
        for event in eventNotes {
            notes.append(Note(label: t("casepres.gen.note_event", [t(event.type.labelKey, [])]), at: event.occurredAt, text: event.note ?? ""))
        }
        let meetings = try await Meeting.query(on: db).filter(\.$pathway.$id == pathwayID).filter(\.$minutesAt != nil)
            .sort(\.$startsAt, .descending).limit(CasePresentationDraft.latestNotes).all()
        for meeting in meetings {
            if let minutes = meeting.minutes { notes.append(Note(label: t("casepres.gen.note_minutes", [t(meeting.type.labelKey, [])]), at: meeting.startsAt, text: minutes)) }
        }

        let rows = try await PathwayCriteriaStore.load(pathwayID: pathwayID, on: db)
        let criteria = opened.model.checkedCriteria.map { criterion in
            Criterion(text: criterion.text, state: CriterionStatus(row: rows[criterion.id], now: now).state)
        }
        let stepName = opened.model.step(pathway.currentStep)?.name ?? pathway.currentStep

        return CaseSource(
            nationalID: candidate.fnr, innsatsgruppe: candidate.innsatsgruppe, strengths: candidate.strengths, challenges: candidate.challenges,
            supportNeeds: candidate.supportNeeds, referralDate: pathway.referralDate, stepName: stepName,
            events: events.map { Event(type: $0.type, occurredAt: $0.occurredAt, note: $0.note) },
            agreements: agreements, mentorLinked: mentorLinked, mentorHundredthHours: hours, goals: goals, notes: notes, criteria: criteria,
            identifiers: try await Pseudonymiser.Identifiers.load(pathwayID: pathwayID, on: db) ?? .init()
        )
    }
}

extension Pseudonymiser.Identifiers {
    /// Everyone a pathway names: its candidate, every mentor ever linked, every employer involved
    /// (events, agreements, mentors, approaches, visits) with their org numbers and contact
    /// persons, and the people its contacts and meetings name. Nil when the pathway is gone.
    static func load(pathwayID: UUID, on db: any Database) async throws -> Self? {
        guard let pathway = try await Pathway.find(pathwayID, on: db),
              let candidate = try await Candidate.find(pathway.$candidate.id, on: db) else { return nil }
        var ids = Self()
        ids.candidateFirstName = candidate.firstName
        ids.candidateLastName = candidate.lastName
        ids.nationalID = candidate.fnr
        ids.candidatePhones = [candidate.phone].compactMap { $0 }
        ids.candidateEmails = [candidate.email].compactMap { $0 }

        let links = try await PathwayMentor.query(on: db).filter(\.$pathway.$id == pathwayID).all()
        let agreements = try await Agreement.query(on: db).filter(\.$pathway.$id == pathwayID).all()
        let agreementIDs = agreements.compactMap(\.id)
        let versionMentors = agreementIDs.isEmpty ? [] : try await AgreementVersion.query(on: db).filter(\.$agreement.$id ~~ agreementIDs).all().compactMap { $0.$mentor.id }
        let hourMentors = try await MentorHours.query(on: db).filter(\.$pathway.$id == pathwayID).all().map { $0.$mentor.id }
        let mentorIDs = Set(links.map { $0.$mentor.id } + versionMentors + hourMentors)
        let mentors = mentorIDs.isEmpty ? [] : try await Mentor.query(on: db).filter(\.$id ~~ mentorIDs).all()
        ids.mentorNames = mentors.map(\.name)
        ids.otherPhones += mentors.compactMap(\.phone)
        ids.otherEmails += mentors.compactMap(\.email)

        var employerIDs = Set(agreements.map { $0.$employer.id } + mentors.map { $0.$employer.id })
        employerIDs.formUnion(try await PathwayEvent.query(on: db).filter(\.$pathway.$id == pathwayID).all().compactMap { $0.$employer.id })
        employerIDs.formUnion(try await EmployerApproach.query(on: db).filter(\.$pathway.$id == pathwayID).all().map { $0.$employer.id })
        employerIDs.formUnion(try await EmployerVisit.query(on: db).filter(\.$pathway.$id == pathwayID).all().map { $0.$employer.id })
        if !employerIDs.isEmpty {
            let employers = try await Employer.query(on: db).filter(\.$id ~~ employerIDs).all()
            ids.employerNames = employers.map(\.name)
            ids.orgNumbers = employers.compactMap(\.orgnr)
            let contacts = try await EmployerContact.query(on: db).filter(\.$employer.$id ~~ employerIDs).all()
            ids.contactNames += contacts.map(\.name)
            ids.otherPhones += contacts.compactMap(\.phone)
            ids.otherEmails += contacts.compactMap(\.email)
        }
        ids.contactNames += try await Contact.query(on: db).filter(\.$pathway.$id == pathwayID).all().compactMap(\.withName)
        for meeting in try await Meeting.query(on: db).filter(\.$pathway.$id == pathwayID).all() {
            ids.contactNames += meeting.participants.compactMap(\.name)
        }
        return ids
    }
}
