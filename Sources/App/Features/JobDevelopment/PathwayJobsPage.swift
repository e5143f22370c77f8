import Fluent
import Vapor

/// The pathway's job page: job development (employer contacts and the days to the first one),
/// job match, mentors and agreements. Shows personal data, so a rendering is audited.
struct PathwayJobsPage: MultiFormPage {
    let req: Request
    let opened: OpenedPathway
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request, opened: OpenedPathway) {
        self.req = req
        self.opened = opened
    }

    struct ApproachItem: Encodable, Sendable {
        var date: String
        var employer: String
        var employerHref: String
        var channel: String
        var withCandidate: Bool
        var outcome: String
        var note: String?
        var withdrawn: Bool
    }

    struct MatchItem: Encodable, Sendable {
        var employer: String
        var employerHref: String
        var role: String
        var score: Int
        var reasons: [String]
    }

    struct MentorItem: Encodable, Sendable {
        var name: String
        var href: String
        var employer: String
        var period: String
        var isCurrent: Bool
        var endReason: String?
        var endForm: [FormView]
        /// Whether the mentor has their own account in Samskap.
        var hasAccount: Bool
        var inviteForm: [FormView]
    }

    struct AgreementItem: Encodable, Sendable {
        var href: String
        var type: String
        var employer: String
        var status: String
        var statusClass: String
        var period: String
    }

    struct View: Encodable, Sendable {
        var id: String
        var candidateName: String
        var mayChange: Bool
        var daysToFirstContact: Int?
        var normDays: Int
        var overNorm: Bool
        var daysSinceReferral: Int
        var approaches: [ApproachItem]
        var approachForm: [FormView]
        var wishedIndustries: [String]
        var wishes: String?
        var languageLevel: String?
        var industryForm: [FormView]
        var matches: [MatchItem]
        var mentors: [MentorItem]
        var mentorForm: [FormView]
        var agreements: [AgreementItem]
        var agreementForm: [FormView]
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let now = req.now
        let pathway = opened.pathway
        let pathwayID = opened.id
        let base = "/forlop/\(pathwayID.uuidString)/jobb"
        let candidate = opened.candidate.candidate
        let calendar = RuleDuration.calendar
        let employers = try await Employer.query(on: db).filter(\.$office.$id == pathway.$office.id).sort(\.$name).all()
        let employerOptions = [FormView.Option(value: "", label: req.t("form.choose"), selected: false)]
            + employers.filter { $0.cooperationStatus != .ended }.map { .init(value: $0.id!.uuidString, label: $0.name, selected: false) }
        let names = Dictionary(employers.map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })

        let approaches = try await EmployerApproach.query(on: db).filter(\.$pathway.$id == pathwayID).with(\.$event).sort(\.$occurredOn, .descending).all()
        let days = try await JobDevelopment.daysToFirstContact(pathwayID: pathwayID, referralDate: pathway.referralDate, on: db)
        let sinceReferral = calendar.dateComponents([.day], from: calendar.startOfDay(for: pathway.referralDate), to: calendar.startOfDay(for: now)).day ?? 0

        var approachForm = builder("kontakt", action: "\(base)/kontakter", defaults: ["occurredOn": DisplayDate.dayInput(now)])
        approachForm.add("occurredOn", .date, label: "approach.field.date")
        approachForm.add("employerId", .select, label: "approach.field.employer", hint: "approach.field.employer_hint", options: employerOptions)
        approachForm.choice("channel", EmployerApproach.Channel.self, label: "approach.field.channel", labelKey: \.labelKey)
        approachForm.add("withCandidate", .checkbox, label: "approach.field.with_candidate")
        approachForm.choice("outcome", EmployerApproach.Outcome.self, label: "approach.field.outcome", labelKey: \.labelKey)
        approachForm.add("note", .textarea, label: "approach.field.note", hint: "employer.note.warning", maxLength: PathwayRules.maxNote)

        var industryForm = builder("bransjer", action: "\(base)/bransjer",
                                   defaults: Dictionary(pathway.wishedIndustries.map { ("industry_\($0.rawValue)", "on") }, uniquingKeysWith: { a, _ in a }))
        for industry in Industry.allCases {
            industryForm.add("industry_\(industry.rawValue)", .checkbox, label: "industry.\(industry.rawValue)")
        }

        let links = try await PathwayMentor.query(on: db).filter(\.$pathway.$id == pathwayID).with(\.$mentor).sort(\.$fromDate, .descending).all()
        let mentorIDs = Set(links.map { $0.mentor.$employer.id })
        let mentorEmployers = Dictionary(try await Employer.query(on: db).filter(\.$id ~~ mentorIDs).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
        let mentorAccounts = Set(try await ExternalAccount.query(on: db).filter(\.$mentor.$id ~~ Set(links.map(\.$mentor.id))).all().compactMap(\.$mentor.id))
        let officeMentors = try await Mentor.query(on: db).filter(\.$office.$id == pathway.$office.id).with(\.$employer).sort(\.$name).all()
        let openLinks = links.filter { $0.toDate == nil }
        var mentorForm = builder("mentor", action: "\(base)/mentorer", defaults: ["fromDate": DisplayDate.dayInput(now)])
        mentorForm.add("mentorId", .select, label: "mentor.link.mentor", hint: "mentor.link.mentor_hint",
                       options: [.init(value: "", label: req.t("form.choose"), selected: false)] + officeMentors.map { .init(value: $0.id!.uuidString, label: "\($0.name) – \($0.employer.name)", selected: false) })
        mentorForm.add("fromDate", .date, label: "mentor.link.from")
        if !openLinks.isEmpty {
            mentorForm.add("replaces", .select, label: "mentor.link.replaces", hint: "mentor.link.replaces_hint",
                           options: [.init(value: "", label: req.t("mentor.link.replaces_none"), selected: false)] + openLinks.map { .init(value: $0.id!.uuidString, label: $0.mentor.name, selected: false) })
            mentorForm.add("reason", .textarea, label: "mentor.link.reason", maxLength: PathwayRules.maxReason)
        }

        var agreementForm = builder("ny-avtale", action: "/forlop/\(pathwayID.uuidString)/avtaler")
        agreementForm.choice("type", AgreementType.self, label: "agreement.field.type", labelKey: \.labelKey)
        agreementForm.add("employerId", .select, label: "agreement.field.employer", options: employerOptions)

        let agreements = try await Agreement.query(on: db).filter(\.$pathway.$id == pathwayID).sort(\.$createdAt, .descending).all()
        var agreementItems: [AgreementItem] = []
        for agreement in agreements {
            let snapshot = try await AgreementSnapshot.load(agreement, on: db)
            let status = snapshot.status(now: now)
            agreementItems.append(.init(href: "/avtaler/\(snapshot.id.uuidString)", type: req.t(agreement.type.labelKey), employer: names[agreement.$employer.id] ?? "–",
                                        status: req.t(status.labelKey), statusClass: status.rawValue, period: AgreementPage.period(snapshot.terms)))
        }
        let matches = try await JobMatch.suggestions(for: opened, on: db)
        let mayChange = opened.mayChange

        let view = View(
            id: pathwayID.uuidString, candidateName: candidate.fullName, mayChange: mayChange,
            daysToFirstContact: days, normDays: JobDevelopment.firstContactNormDays,
            overNorm: (days ?? sinceReferral) > JobDevelopment.firstContactNormDays, daysSinceReferral: sinceReferral,
            approaches: approaches.map { a in
                ApproachItem(date: DisplayDate.date(a.occurredOn), employer: names[a.$employer.id] ?? "–", employerHref: "/virksomheter/\(a.$employer.id.uuidString)",
                             channel: req.t(a.channel.labelKey), withCandidate: a.withCandidate, outcome: req.t(a.outcome.labelKey), note: a.note,
                             withdrawn: a.event.withdrawnAt != nil)
            },
            approachForm: mayChange ? [approachForm.build(submit: "approach.submit")] : [],
            wishedIndustries: pathway.wishedIndustries.map { req.t($0.labelKey) },
            wishes: [candidate.wishedWork, candidate.wishes].compactMap { $0 }.joined(separator: " · ").nilIfEmpty,
            languageLevel: candidate.norwegianLevel.map { req.t($0.labelKey) },
            industryForm: mayChange ? [industryForm.build(submit: "match.industries.submit", folded: true, summary: "match.industries.summary", secondary: true)] : [],
            matches: matches.map { s in
                MatchItem(employer: s.option.employerName, employerHref: "/virksomheter/\(s.option.employerID.uuidString)", role: s.option.role, score: s.score,
                          reasons: s.reasons.map { JobMatch.text($0, req) })
            },
            mentors: links.map { link in
                let hasAccount = mentorAccounts.contains(link.$mentor.id)
                var invite = builder("inviter-\(link.id!.uuidString)", action: "\(base)/mentorer/\(link.id!.uuidString)/inviter",
                                     defaults: ["email": link.mentor.email ?? ""])
                invite.add("email", .email, label: "invitation.staff.email", hint: "invitation.staff.email_hint", maxLength: 254)
                var end = builder("avslutt-\(link.id!.uuidString)", action: "\(base)/mentorer/\(link.id!.uuidString)/avslutt", defaults: ["toDate": DisplayDate.dayInput(now)])
                end.add("toDate", .date, label: "mentor.end.date")
                end.add("reason", .textarea, label: "mentor.end.reason", maxLength: PathwayRules.maxReason)
                return MentorItem(name: link.mentor.name, href: "/mentorer/\(link.$mentor.id.uuidString)", employer: mentorEmployers[link.mentor.$employer.id] ?? "–",
                                  period: "\(DisplayDate.date(link.fromDate)) – \(link.toDate.map(DisplayDate.date) ?? "")", isCurrent: link.toDate == nil, endReason: link.endReason,
                                  endForm: mayChange && link.toDate == nil ? [end.build(submit: "mentor.end.submit", folded: true, summary: "mentor.end.summary", secondary: true)] : [],
                                  hasAccount: hasAccount,
                                  inviteForm: mayChange && link.toDate == nil && !hasAccount
                                      ? [invite.build(submit: "invitation.staff.submit", folded: true, summary: "invitation.staff.summary", secondary: true)] : [])
            },
            mentorForm: mayChange ? [mentorForm.build(submit: "mentor.link.submit", folded: !links.isEmpty, summary: "mentor.link.summary")] : [],
            agreements: agreementItems,
            agreementForm: mayChange ? [agreementForm.build(submit: "agreement.new.submit", folded: !agreements.isEmpty, summary: "agreement.new.summary")] : []
        )
        try await req.audit(.pathway(.pathwayRead, pathway, detail: "jobbside"))
        return try await req.render("jobdevelopment/pathway", titleKey: "jobs.title", titleArgs: [candidate.firstName], view, status: status)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension JobMatch {
    /// A reason in words; the industry is named, not lettered.
    static func text(_ reason: Reason, _ req: Request) -> String {
        if reason.key == "match.reason.industry", let letter = reason.args.first {
            return req.t(reason.key) + ": " + req.t("industry.\(letter)")
        }
        if reason.key == "match.reason.cooperation" { return req.t(reason.key) }
        return req.t(reason.key, reason.args)
    }
}
