import Fluent
import Vapor

/// Builds one employer's page. Candidate names appear only for the viewer's own pathways; other
/// agreements at the employer are counted, not named.
struct EmployerPage: MultiFormPage {
    let req: Request
    let employer: Employer
    /// The form that failed: its id, the text typed and the errors.
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    struct Fact: Encodable, Sendable {
        var label: String
        var value: String
    }

    struct HistoryItem: Encodable, Sendable {
        var date: String
        var text: String
        var reason: String
        var by: String
    }

    struct ContactItem: Encodable, Sendable {
        var name: String
        var role: String?
        var phone: String?
        var email: String?
        var removeAction: String
    }

    struct NoteItem: Encodable, Sendable {
        var text: String
        var by: String
        var at: String
    }

    struct VisitItem: Encodable, Sendable {
        var date: String
        var visitors: String
        var purpose: String
        var withCandidate: Bool
        var notes: String?
    }

    struct AnalysisItem: Encodable, Sendable {
        var href: String
        var role: String
        var language: String
        var hours: String?
    }

    struct MentorItem: Encodable, Sendable {
        var href: String
        var name: String
        var position: String
    }

    struct AgreementItem: Encodable, Sendable {
        var href: String
        var candidate: String
        var type: String
        var status: String
        var period: String
    }

    struct View: Encodable, Sendable {
        var id: String
        var name: String
        var status: String
        var statusClass: String
        var facts: [Fact]
        var history: [HistoryItem]
        var contacts: [ContactItem]
        var notes: [NoteItem]
        var visits: [VisitItem]
        var analyses: [AnalysisItem]
        var mentors: [MentorItem]
        var ownAgreements: [AgreementItem]
        var agreementCounts: [Fact]
        var editForm: [FormView]
        var statusForm: [FormView]
        var contactForm: [FormView]
        var noteForm: [FormView]
        var visitForm: [FormView]
        var mentorForm: [FormView]
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let id = try employer.requireID()
        let base = "/virksomheter/\(id.uuidString)"
        let principal = try req.requirePrincipal()
        let now = req.now
        let owner = try await employer.$owner.id.asyncMap { try await User.find($0, on: db) } ?? nil
        let history = try await EmployerStatusChange.query(on: db).filter(\.$employer.$id == id).with(\.$recordedBy).sort(\.$changedOn, .descending).sort(\.$recordedAt, .descending).all()
        let contacts = try await EmployerContact.query(on: db).filter(\.$employer.$id == id).filter(\.$removedAt == nil).sort(\.$name).all()
        let notes = try await EmployerNote.query(on: db).filter(\.$employer.$id == id).with(\.$writtenBy).sort(\.$writtenAt, .descending).all()
        let visits = try await EmployerVisit.query(on: db).filter(\.$employer.$id == id).sort(\.$visitedOn, .descending).limit(50).all()
        let analyses = try await JobAnalysis.query(on: db).filter(\.$employer.$id == id).sort(\.$role).all()
        let mentors = try await Mentor.query(on: db).filter(\.$employer.$id == id).sort(\.$name).all()
        let agreements = try await Agreement.query(on: db).filter(\.$employer.$id == id).with(\.$pathway).with(\.$candidate).sort(\.$createdAt, .descending).all()
        var counts: [AgreementStatus: Int] = [:]
        var own: [AgreementItem] = []
        for agreement in agreements {
            let snapshot = try await AgreementSnapshot.load(agreement, on: db)
            let status = snapshot.status(now: now)
            counts[status, default: 0] += 1
            if agreement.pathway.$counselor.id == principal.userID {
                own.append(.init(href: "/avtaler/\(snapshot.id.uuidString)", candidate: agreement.candidate.fullName, type: req.t(agreement.type.labelKey),
                                 status: req.t(status.labelKey), period: AgreementPage.period(snapshot.terms)))
            }
        }
        let myPathways = try await Pathway.query(on: db).filter(\.$counselor.$id == principal.userID).filter(\.$status != .closed).with(\.$candidate).all()
            .sorted { $0.candidate.fullName < $1.candidate.fullName }

        var edit = builder("rediger", action: base, defaults: [
            "orgnr": employer.orgnr ?? "", "name": employer.name, "industry": employer.industry?.rawValue ?? "", "size": employer.size?.rawValue ?? "",
            "address": employer.address ?? "", "municipality": employer.municipality ?? "", "ownerId": employer.$owner.id?.uuidString ?? "",
        ])
        let owners = try await EmployerService.possibleOwners(officeID: employer.$office.id, on: db)
        edit.add("name", .text, label: "employer.field.name", maxLength: EmployerRules.maxName, autocomplete: "organization")
        edit.add("orgnr", .text, label: "employer.field.orgnr", hint: "employer.field.orgnr_hint", maxLength: 11, inputMode: "numeric")
        edit.choice("industry", Industry.self, label: "employer.field.industry", labelKey: { "\($0.rawValue) – " + req.t($0.labelKey) })
        edit.choice("size", EmployerSize.self, label: "employer.field.size", labelKey: \.labelKey)
        edit.add("address", .text, label: "employer.field.address", maxLength: EmployerRules.maxLine, autocomplete: "address-line1")
        edit.add("municipality", .text, label: "employer.field.municipality", maxLength: 100)
        edit.add("ownerId", .select, label: "employer.field.owner", hint: "employer.field.owner_hint",
                 options: [.init(value: "", label: req.t("employer.field.no_owner"), selected: false)] + owners.map { .init(value: $0.id!.uuidString, label: $0.displayName, selected: false) })

        var statusForm = builder("status", action: "\(base)/status", defaults: ["changedOn": DisplayDate.dayInput(now)])
        statusForm.add("status", .select, label: "employer.status.field", options: [.init(value: "", label: req.t("form.choose"), selected: false)]
                       + employer.cooperationStatus.allowedNext.map { .init(value: $0.rawValue, label: req.t($0.labelKey), selected: false) })
        statusForm.add("changedOn", .date, label: "employer.status.date")
        statusForm.add("reason", .textarea, label: "employer.status.reason", maxLength: PathwayRules.maxReason)

        var contactForm = builder("kontakt", action: "\(base)/kontaktpersoner")
        contactForm.add("name", .text, label: "employer.contact.name", maxLength: EmployerRules.maxName)
        contactForm.add("role", .text, label: "employer.contact.role", maxLength: EmployerRules.maxLine)
        contactForm.add("phone", .tel, label: "employer.contact.phone", maxLength: 30)
        contactForm.add("email", .email, label: "employer.contact.email", maxLength: 254)

        var noteForm = builder("notat", action: "\(base)/notater")
        noteForm.add("text", .textarea, label: "employer.note.field", hint: "employer.note.warning", maxLength: EmployerRules.maxText)

        var visitForm = builder("besok", action: "\(base)/besok", defaults: ["visitedOn": DisplayDate.dayInput(now), "visitors": principal.displayName])
        visitForm.add("visitedOn", .date, label: "employer.visit.date")
        visitForm.add("visitors", .text, label: "employer.visit.visitors", hint: "employer.visit.visitors_hint", maxLength: EmployerRules.maxLine)
        visitForm.add("purpose", .text, label: "employer.visit.purpose", maxLength: 500)
        visitForm.add("pathwayId", .select, label: "employer.visit.candidate", hint: "employer.visit.candidate_hint",
                      options: [.init(value: "", label: req.t("employer.visit.no_candidate"), selected: false)]
                        + myPathways.map { .init(value: $0.id!.uuidString, label: $0.candidate.fullName, selected: false) })
        visitForm.add("notes", .textarea, label: "employer.visit.notes", hint: "employer.note.warning", maxLength: EmployerRules.maxText)

        var mentorForm = builder("mentor", action: "\(base)/mentorer")
        mentorForm.add("name", .text, label: "mentor.field.name", maxLength: EmployerRules.maxName)
        mentorForm.choice("position", MentorPosition.self, label: "mentor.field.position", labelKey: \.labelKey)
        mentorForm.add("phone", .tel, label: "employer.contact.phone", maxLength: 30)
        mentorForm.add("email", .email, label: "employer.contact.email", maxLength: 254)

        let view = View(
            id: id.uuidString, name: employer.name, status: req.t(employer.cooperationStatus.labelKey), statusClass: employer.cooperationStatus.rawValue,
            facts: [
                employer.orgnr.flatMap { try? OrganisationNumber($0).formatted }.map { Fact(label: req.t("employer.field.orgnr"), value: $0) },
                employer.industry.map { Fact(label: req.t("employer.field.industry"), value: "\($0.rawValue) – " + req.t($0.labelKey)) },
                employer.size.map { Fact(label: req.t("employer.field.size"), value: req.t($0.labelKey)) },
                employer.address.map { Fact(label: req.t("employer.field.address"), value: $0) },
                employer.municipality.map { Fact(label: req.t("employer.field.municipality"), value: $0) },
                owner.map { Fact(label: req.t("employer.field.owner"), value: $0.displayName) },
            ].compactMap { $0 },
            history: history.map { .init(date: DisplayDate.date($0.changedOn), text: req.t("employer.status.change", req.t($0.fromStatus.labelKey), req.t($0.toStatus.labelKey)),
                                         reason: $0.reason, by: $0.recordedBy.displayName) },
            contacts: contacts.map { .init(name: $0.name, role: $0.role, phone: $0.phone, email: $0.email, removeAction: "\(base)/kontaktpersoner/\($0.id!.uuidString)/fjern") },
            notes: notes.map { .init(text: $0.text, by: $0.writtenBy.displayName, at: DisplayDate.dateTime($0.writtenAt)) },
            visits: visits.map { .init(date: DisplayDate.date($0.visitedOn), visitors: $0.visitors, purpose: $0.purpose, withCandidate: $0.$pathway.id != nil, notes: $0.notes) },
            analyses: analyses.map { .init(href: "\(base)/arbeidskrav/\($0.id!.uuidString)", role: $0.role, language: req.t($0.languageRequirement.labelKey),
                                           hours: $0.hoursPerWeek.map { req.t("analysis.hours_per_week", String($0)) }) },
            mentors: mentors.map { .init(href: "/mentorer/\($0.id!.uuidString)", name: $0.name, position: req.t($0.position.labelKey)) },
            ownAgreements: own,
            agreementCounts: AgreementStatus.allCases.compactMap { status in counts[status].map { Fact(label: req.t(status.labelKey), value: String($0)) } },
            editForm: [edit.build(submit: "form.save", folded: true, summary: "employer.edit.summary", secondary: true)],
            statusForm: [statusForm.build(submit: "employer.status.submit", folded: true, summary: "employer.status.summary", secondary: true)],
            contactForm: [contactForm.build(submit: "employer.contact.submit", folded: true, summary: "employer.contact.summary", secondary: true)],
            noteForm: [noteForm.build(submit: "employer.note.submit", folded: true, summary: "employer.note.summary", secondary: true)],
            visitForm: [visitForm.build(submit: "employer.visit.submit", folded: true, summary: "employer.visit.summary", secondary: true)],
            mentorForm: [mentorForm.build(submit: "mentor.create.submit", folded: true, summary: "mentor.create.summary", secondary: true)]
        )
        return try await req.render("employers/show", titleKey: "employer.title", titleArgs: [employer.name], view, status: status)
    }
}
