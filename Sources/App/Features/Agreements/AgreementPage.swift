import Fluent
import Vapor

/// Builds an agreement's page: its derived status with what is missing, the terms, the mentor
/// subsidy, approvals, versions, and the forms to approve, extend and annul.
struct AgreementPage: MultiFormPage {
    let req: Request
    let snapshot: AgreementSnapshot
    let opened: OpenedPathway
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    /// "1. okt. 2026 – 31. mars 2027", or what is known of it.
    static func period(_ terms: AgreementTerms) -> String {
        switch (terms.startDate, terms.endDate) {
        case let (start?, end?): "\(DisplayDate.date(start)) – \(DisplayDate.date(end))"
        case let (start?, nil): "\(DisplayDate.date(start)) –"
        case let (nil, end?): "– \(DisplayDate.date(end))"
        default: "–"
        }
    }

    struct Fact: Encodable, Sendable {
        var label: String
        var value: String
    }

    struct Goal: Encodable, Sendable {
        var label: String
        var description: String
    }

    struct ApprovalItem: Encodable, Sendable {
        var text: String
        var withdrawn: String?
    }

    struct VersionItem: Encodable, Sendable {
        var number: Int
        var created: String
        var note: String?
        var isExtension: Bool
        var approved: String?
        var period: String
        var isCurrent: Bool
    }

    struct SubsidyView: Encodable, Sendable {
        var lines: [Fact]
        var monthly: String
        var total: String?
    }

    struct View: Encodable, Sendable {
        var id: String
        var pathwayID: String
        var candidateName: String
        var employerName: String
        var employerHref: String
        var type: String
        var status: String
        var statusClass: String
        var statusHelp: String
        var version: Int
        var missing: [String]
        var facts: [Fact]
        var goals: [Goal]
        var texts: [Fact]
        var subsidy: SubsidyView?
        var approvals: [ApprovalItem]
        var versions: [VersionItem]
        var mayChange: Bool
        var editHref: String?
        var approveForms: [FormView]
        var extendForm: [FormView]
        var annulForm: [FormView]
        var annulment: String?
        /// A problem with a form that is not on the page any more (e.g. the agreement was annulled meanwhile).
        var pageError: String?
        var trainingPlanHref: String
        /// Inviting one of the employer's contact persons to Samskap.
        var inviteForm: [FormView]
        var contactsWithAccount: [String]
    }

    static func kroner(_ amount: Int) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.groupingSeparator = "\u{00A0}"
        formatter.usesGroupingSeparator = true
        return (formatter.string(from: NSNumber(value: amount)) ?? String(amount)) + "\u{00A0}kr"
    }

    static func decimal(_ value: Decimal, digits: Int = 2) -> String {
        var v = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &v, digits, .plain)
        return NSDecimalNumber(decimal: rounded).stringValue.replacingOccurrences(of: ".", with: ",")
    }

    func render(status httpStatus: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let now = req.now
        let agreement = snapshot.agreement
        let terms = snapshot.terms
        let status = snapshot.status(now: now)
        let base = "/avtaler/\(snapshot.id.uuidString)"
        let employer = try await Employer.find(agreement.$employer.id, on: db)
        let mentor = try await terms.mentorID.asyncMap { try await Mentor.find($0, on: db) } ?? nil
        let users = Dictionary(try await User.query(on: db).filter(\.$id ~~ Set(snapshot.approvals.map { $0.$approvedBy.id } + snapshot.versions.map { $0.$createdBy.id })).all()
            .map { ($0.id!, $0.displayName) }, uniquingKeysWith: { a, _ in a })
        let mayChange = opened.mayChange && status != .annulled && status != .ended

        var facts = [Fact(label: req.t("agreement.field.period"), value: Self.period(terms))]
        if let limit = agreement.type.maximumDuration(for: opened.candidate.candidate.innsatsgruppe) {
            let (key, count) = limit.labelArgs
            facts.append(Fact(label: req.t("agreement.field.max_duration"), value: req.t(key == "agreement.error.too_long_days" ? "agreement.duration.days" : "agreement.duration.months", count)))
        }
        if let mentor { facts.append(Fact(label: req.t("agreement.field.mentor"), value: "\(mentor.name) (\(req.t(mentor.position.labelKey)))")) }
        if let percent = terms.wageSubsidyPercent { facts.append(Fact(label: req.t("agreement.field.wage_subsidy"), value: "\(percent) %")) }
        let texts = [("agreement.field.tasks", terms.tasks), ("agreement.field.follow_up", terms.followUp),
                     ("agreement.field.nav_contact", terms.navContact), ("agreement.field.workplace_contact", terms.workplaceContact)]
            .compactMap { key, value in value.map { Fact(label: req.t(key), value: $0) } }

        var subsidyView: SubsidyView?
        if let subsidy = snapshot.subsidy(rates: req.samskap.config.subsidyRates), let hours = terms.hundredthHours, let wage = terms.wageInOre {
            let rates = req.samskap.config.subsidyRates
            subsidyView = SubsidyView(
                lines: [
                    Fact(label: req.t("subsidy.base", AgreementRules.decimalText(hours), AgreementRules.decimalText(wage)), value: Self.decimal(subsidy.base) + " kr"),
                    Fact(label: req.t("subsidy.holiday", Self.decimal(rates.holidayPay * 100, digits: 2)), value: Self.decimal(subsidy.holidayPay) + " kr"),
                    Fact(label: req.t("subsidy.pension", Self.decimal(rates.pension * 100, digits: 2)), value: Self.decimal(subsidy.pension) + " kr"),
                    Fact(label: req.t("subsidy.employer_tax", Self.decimal(rates.employerTax * 100, digits: 2)), value: Self.decimal(subsidy.employerTax) + " kr"),
                ],
                monthly: Self.kroner(subsidy.monthly),
                total: terms.startDate.flatMap { start in terms.endDate.map { Self.kroner(subsidy.total(from: start, to: $0)) } })
        }

        var approveForms: [FormView] = []
        if mayChange, status == .awaitingApproval {
            for party in ApprovalParty.allCases where !snapshot.approvedBy.contains(party) {
                var b = builder("godkjenn-\(party.rawValue)", action: "\(base)/godkjenn")
                b.add("party", .hidden, label: "approval_party.\(party.rawValue)", defaultValue: party.rawValue)
                approveForms.append(b.build(submit: party == .counselor ? "agreement.approve.counselor" : "agreement.approve.employer", secondary: party == .employer))
            }
        }
        var extendForm: [FormView] = []
        if mayChange, status == .running {
            var b = builder("forleng", action: "\(base)/forleng")
            b.add("endDate", .date, label: "agreement.extend.end_date", hint: "agreement.extend.hint")
            b.add("reason", .textarea, label: "agreement.extend.reason", maxLength: PathwayRules.maxReason)
            extendForm = [b.build(submit: "agreement.extend.submit", folded: true, summary: "agreement.extend.summary", secondary: true)]
        }
        var annulForm: [FormView] = []
        if mayChange {
            var b = builder("annuller", action: "\(base)/annuller", defaults: ["annulledOn": DisplayDate.dayInput(now)])
            b.choice("reason", AnnulmentReason.self, label: "agreement.annul.reason", labelKey: \.labelKey, hint: "agreement.annul.hint")
            b.add("note", .textarea, label: "agreement.annul.note", maxLength: PathwayRules.maxReason)
            b.add("annulledOn", .date, label: "agreement.annul.date")
            annulForm = [b.build(submit: "agreement.annul.submit", folded: true, summary: "agreement.annul.summary", secondary: true)]
        }

        let contacts = try await EmployerContact.query(on: req.db).filter(\.$employer.$id == agreement.$employer.id).filter(\.$removedAt == nil).sort(\.$name).all()
        let withAccount = Set(try await ExternalAccount.query(on: req.db).filter(\.$employerContact.$id ~~ Set(contacts.compactMap(\.id))).all().compactMap(\.$employerContact.id))
        let invitable = contacts.filter { !withAccount.contains($0.id!) }
        var inviteForm: [FormView] = []
        if mayChange, !invitable.isEmpty, status != .annulled, status != .ended {
            var b = builder("inviter", action: "\(base)/inviter")
            b.add("contactId", .select, label: "invitation.staff.contact",
                  options: [.init(value: "", label: req.t("form.choose"), selected: false)] + invitable.map { .init(value: $0.id!.uuidString, label: [$0.name, $0.role].compactMap { $0 }.joined(separator: ", "), selected: false) })
            b.add("email", .email, label: "invitation.staff.email", hint: "invitation.staff.email_hint_contact", maxLength: 254)
            inviteForm = [b.build(submit: "invitation.staff.submit", folded: true, summary: "invitation.staff.summary_employer", secondary: true)]
        }

        let view = View(
            id: snapshot.id.uuidString, pathwayID: opened.id.uuidString, candidateName: opened.candidate.candidate.fullName,
            employerName: employer?.name ?? "–", employerHref: "/virksomheter/\(agreement.$employer.id.uuidString)",
            type: req.t(agreement.type.labelKey), status: req.t(status.labelKey), statusClass: status.rawValue,
            statusHelp: req.t("agreement_status.help.\(status.rawValue)"), version: agreement.currentVersion,
            missing: snapshot.missingFields.map { req.t("agreement.missing.\($0)") },
            facts: facts, goals: terms.goals.map { .init(label: req.t($0.kind.labelKey), description: $0.description) }, texts: texts,
            subsidy: subsidyView,
            approvals: snapshot.approvals.filter { $0.version == agreement.currentVersion || $0.withdrawnAt != nil }.map { a in
                ApprovalItem(text: req.t("agreement.approval.line", req.t(a.party.labelKey), String(a.version), DisplayDate.dateTime(a.approvedAt), users[a.$approvedBy.id] ?? "–"),
                             withdrawn: a.withdrawnAt.map { req.t("agreement.approval.withdrawn", DisplayDate.dateTime($0), a.withdrawnReason ?? "") })
            },
            versions: snapshot.versions.reversed().map { v in
                VersionItem(number: v.version, created: req.t("agreement.version.created", DisplayDate.dateTime(v.createdAt), users[v.$createdBy.id] ?? "–"),
                            note: v.changeNote, isExtension: v.isExtension, approved: v.fullyApprovedAt.map { req.t("agreement.version.approved", DisplayDate.dateTime($0)) },
                            period: Self.period(v.terms), isCurrent: v.version == agreement.currentVersion)
            },
            mayChange: mayChange, editHref: mayChange ? "\(base)/rediger" : nil,
            approveForms: approveForms, extendForm: extendForm, annulForm: annulForm,
            annulment: agreement.annulledOn.map { req.t("agreement.annulled_line", DisplayDate.date($0), req.t(agreement.annulReason?.labelKey ?? "annulment.annet"), agreement.annulNote ?? "") },
            pageError: failed.flatMap { failed in
                (approveForms + extendForm + annulForm + inviteForm).contains { $0.id == failed.id } ? nil : failed.errors.items.first?.message
            },
            trainingPlanHref: "\(base)/opplaering",
            inviteForm: inviteForm, contactsWithAccount: contacts.filter { withAccount.contains($0.id!) }.map(\.name)
        )
        try await req.audit(.pathway(.agreementRead, opened.pathway, detail: "avtale \(snapshot.id): side"))
        return try await req.render("agreements/show", titleKey: "agreement.title", titleArgs: [req.t(agreement.type.labelKey), opened.candidate.candidate.firstName], view, status: httpStatus)
    }
}
