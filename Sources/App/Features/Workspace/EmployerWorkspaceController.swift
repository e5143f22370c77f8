import Fluent
import Vapor

/// The `?melding=` keys of this feature. Their texts are in employerworkspace.json (`flash.<key>`);
/// they show once `Flash` has cases with these raw values, and are ignored until then.
enum EmployerWorkspaceFlash {
    static let messageSent = "arbeidsgiver-melding-sendt"
    static let meetingConfirmed = "arbeidsgiver-oppmote-bekreftet"
    static let messageRead = "melding-lest"
}

/// The employer contact's pages: their company's agreements, one agreement with its terms, the
/// approval and a message form, and the meetings they take part in. Plain forms and redirects,
/// for a phone without JavaScript.
struct EmployerWorkspaceController {
    // MARK: - View models shared by the pages

    struct MeetingItem: Encodable, Sendable {
        var type: String
        var firstName: String
        var when: String
        var place: String?
        var status: String
        var statusClass: String
        var cancelled: Bool
        var confirmed: String?
        var confirmAction: String?
        var agreementHref: String
    }

    static func meetingItems(_ req: Request, _ meetings: [EmployerMeeting]) -> [MeetingItem] {
        let now = req.now
        return meetings.map { item in
            let meeting = item.meeting
            let mayConfirm = item.confirmedAt == nil && EmployerWorkspaceRules.mayConfirm(status: meeting.status, endsAt: meeting.endsAt, now: now)
            return MeetingItem(
                type: req.t(meeting.type.labelKey), firstName: item.firstName,
                when: req.t("employer_workspace.meeting.when", DisplayDate.dateTime(meeting.startsAt), String(meeting.durationMinutes)),
                place: meeting.place.map(EmployerWorkspaceRules.withoutNationalIDs), status: req.t(meeting.status.labelKey), statusClass: meeting.status.rawValue,
                cancelled: meeting.status == .cancelled,
                confirmed: item.confirmedAt.map { req.t("employer_workspace.meeting.confirmed", DisplayDate.dateTime($0)) },
                confirmAction: mayConfirm ? "/arbeidsgiver/moter/\(meeting.id!.uuidString)/bekreft" : nil,
                agreementHref: "/arbeidsgiver/avtaler/\(item.agreementID.uuidString)")
        }
    }

    // MARK: - The start page

    struct AgreementItem: Encodable, Sendable {
        var href: String
        var type: String
        var firstName: String
        var period: String
        var status: String
        var statusClass: String
        var awaitsYou: Bool
    }

    struct HomeView: Encodable, Sendable {
        var employerName: String
        var agreements: [AgreementItem]
        var waitingCount: Int
        var upcoming: [MeetingItem]
        var recent: [MeetingItem]
        var back: String
    }

    func home(req: Request) async throws -> Response {
        let scope = try await req.employerScope()
        let now = req.now
        let agreements = try await scope.agreements(now: now, on: req.db)
        let meetings = try await scope.meetings(of: agreements, now: now, on: req.db)
        let items = agreements.map { item in
            let status = item.status(now: now)
            return AgreementItem(href: "/arbeidsgiver/avtaler/\(item.id.uuidString)", type: req.t(item.agreement.type.labelKey), firstName: item.firstName,
                                 period: AgreementPage.period(item.snapshot.terms), status: req.t(status.labelKey), statusClass: status.rawValue,
                                 awaitsYou: item.awaitsEmployer(now: now))
        }
        let view = HomeView(employerName: scope.employerName, agreements: items, waitingCount: items.filter(\.awaitsYou).count,
                            upcoming: Self.meetingItems(req, meetings.upcoming), recent: Self.meetingItems(req, meetings.recent), back: "/arbeidsgiver")
        // The first names shown are data about each candidate, seen from outside NAV.
        if !agreements.isEmpty {
            try await req.application.audit(agreements.map { .pathway(.agreementRead, $0.pathway, detail: "avtale \($0.id.uuidString): arbeidsgiverens oversikt") },
                                            context: req.auditContext)
        }
        return try await req.render("employerworkspace/index", titleKey: "employer_workspace.home.title", view)
    }

    // MARK: - One agreement

    func agreement(req: Request) async throws -> Response {
        let scope = try await req.employerScope()
        let item = try await req.openEmployerAgreement(scope)
        return try await EmployerAgreementPage(req: req, scope: scope, item: item).render()
    }

    struct ApproveForm: Content {
        var version: String?
    }

    /// The employer's approval of the version they read. When the terms changed since the page
    /// was opened, nothing is approved and the page shows the new terms.
    func approve(req: Request) async throws -> Response {
        let scope = try await req.employerScope()
        let item = try await req.openEmployerAgreement(scope)
        let form = try req.content.decode(ApproveForm.self)
        let base = "/arbeidsgiver/avtaler/\(item.id.uuidString)"
        do {
            guard form.version.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) == item.agreement.currentVersion else {
                throw ProblemError(.conflict, key: "employer_workspace.approve.error.changed")
            }
            if item.snapshot.approvedBy.contains(.employer) { throw ProblemError(.conflict, key: "agreement.error.already_approved") }
            guard item.awaitsEmployer(now: req.now) else { throw ProblemError(.conflict, key: "employer_workspace.approve.error.not_open") }
            try await AgreementService(req: req).approve(item.snapshot, pathway: item.pathway, party: ApprovalParty.employer.rawValue)
        } catch let problem as ProblemError where problem.status == .conflict || !problem.fields.isEmpty {
            let fresh = try await req.openEmployerAgreement(scope)
            var page = EmployerAgreementPage(req: req, scope: scope, item: fresh)
            page.pageError = req.t(problem.key, problem.args)
            return try await page.render(status: .conflict)
        }
        return req.redirect(to: "\(base)?melding=\(Flash.agreementApproved.rawValue)#godkjenning", redirectType: .normal)
    }

    struct MessageForm: Content {
        var text: String?
    }

    func sendMessage(req: Request) async throws -> Response {
        let scope = try await req.employerScope()
        let item = try await req.openEmployerAgreement(scope)
        let form = try req.content.decode(MessageForm.self)
        // The text comes back as typed when refused, less any national ID number in it.
        return try await req.submitForm(EmployerAgreementPage.messageFormID, values: ["text": EmployerWorkspaceRules.withoutNationalIDs(form.text ?? "")],
                                        done: "/arbeidsgiver/avtaler/\(item.id.uuidString)?melding=\(EmployerWorkspaceFlash.messageSent)#meldinger",
                                        page: { EmployerAgreementPage(req: req, scope: scope, item: item) }) {
            try await EmployerWorkspaceService(req: req).sendMessage(scope, about: item, text: form.text)
        }
    }

    // MARK: - Meetings

    struct ConfirmForm: Content {
        var back: String?
    }

    func confirmMeeting(req: Request) async throws -> Response {
        let scope = try await req.employerScope()
        let form = try req.content.decode(ConfirmForm.self)
        let meetingID = req.parameters.get("meetingID", as: UUID.self)
        let agreements = try await scope.agreements(now: req.now, on: req.db)
        let meetings = try await scope.meetings(of: agreements, now: req.now, on: req.db)
        guard let meetingID, let item = (meetings.upcoming + meetings.recent).first(where: { $0.meeting.id == meetingID }),
              let pathway = agreements.first(where: { $0.pathway.id == item.meeting.$pathway.id })?.pathway else {
            var pathway: Pathway?
            if let meetingID, let meeting = try await Meeting.find(meetingID, on: req.db) {
                pathway = try await Pathway.find(meeting.$pathway.id, on: req.db)
            }
            if let pathway {
                try await req.audit(.pathway(.accessDenied, pathway, detail: "møte \(meetingID?.uuidString ?? "?"): arbeidsgiver tar ikke del", outcome: .denied))
            } else {
                try await req.audit(AuditEvent(.accessDenied, objectType: AuditObjectType.route, objectID: String(req.url.path.prefix(200)), outcome: .denied,
                                               detail: "arbeidsgiver: møtet finnes ikke"))
            }
            throw Abort(.notFound)
        }
        try await EmployerWorkspaceService(req: req).confirm(item, pathway: pathway)
        return req.redirect(to: Self.back(form.back) + "?melding=\(EmployerWorkspaceFlash.meetingConfirmed)#moter", redirectType: .normal)
    }

    /// Only the workspace's own pages are places to go back to.
    static func back(_ raw: String?) -> String {
        guard let raw else { return "/arbeidsgiver" }
        let prefix = "/arbeidsgiver/avtaler/"
        if raw.hasPrefix(prefix), UUID(uuidString: String(raw.dropFirst(prefix.count))) != nil { return raw }
        return "/arbeidsgiver"
    }
}

/// One agreement as the employer contact sees it: the current terms that concern the employer,
/// who has approved this version, the approval button, the meetings, and the messages they sent.
/// Version history, change notes, annulment notes and the subsidy calculation stay inside NAV.
struct EmployerAgreementPage: MultiFormPage {
    static let messageFormID = "melding"
    static let approveFormID = "godkjenn"

    let req: Request
    let scope: EmployerScope
    let item: EmployerAgreement
    var failed: (id: String, values: [String: String], errors: FormErrors)?
    /// A refusal that belongs to no field (the agreement changed, was approved meanwhile …).
    var pageError: String?

    init(req: Request, scope: EmployerScope, item: EmployerAgreement) {
        self.req = req
        self.scope = scope
        self.item = item
    }

    struct Fact: Encodable, Sendable {
        var label: String
        var value: String
    }

    struct SentMessage: Encodable, Sendable {
        var text: String
        var sent: String
        var read: String?
    }

    struct View: Encodable, Sendable {
        var id: String
        var type: String
        var firstName: String
        var employerName: String
        var status: String
        var statusClass: String
        var statusHelp: String
        var awaitsYou: Bool
        var version: Int
        var facts: [Fact]
        var goals: [Fact]
        var texts: [Fact]
        var approvals: [String]
        var approveForm: [FormView]
        var upcoming: [EmployerWorkspaceController.MeetingItem]
        var recent: [EmployerWorkspaceController.MeetingItem]
        var back: String
        var counselorName: String
        var messageForm: [FormView]
        var sent: [SentMessage]
        var pageError: String?
    }

    func render(status httpStatus: HTTPStatus = .ok) async throws -> Response {
        let db = req.db
        let now = req.now
        let agreement = item.agreement
        let terms = item.snapshot.terms
        let status = item.status(now: now)
        let base = "/arbeidsgiver/avtaler/\(item.id.uuidString)"
        // Free text written inside NAV, shown outside it: never with a national ID number in it.
        let clean = EmployerWorkspaceRules.withoutNationalIDs

        var facts = [Fact(label: req.t("agreement.field.period"), value: AgreementPage.period(terms))]
        if let mentorID = terms.mentorID, let mentor = try await Mentor.find(mentorID, on: db) {
            facts.append(Fact(label: req.t("agreement.field.mentor"), value: "\(mentor.name) (\(req.t(mentor.position.labelKey)))"))
        }
        if agreement.type == .mentor {
            if let hours = terms.hundredthHours { facts.append(Fact(label: req.t("agreement.field.hours"), value: AgreementRules.decimalText(hours))) }
            if let wage = terms.wageInOre { facts.append(Fact(label: req.t("agreement.field.wage"), value: AgreementRules.decimalText(wage))) }
        }
        if let percent = terms.wageSubsidyPercent { facts.append(Fact(label: req.t("agreement.field.wage_subsidy"), value: "\(percent) %")) }
        let texts = [("agreement.field.tasks", terms.tasks), ("agreement.field.follow_up", terms.followUp),
                     ("agreement.field.workplace_contact", terms.workplaceContact), ("agreement.field.nav_contact", terms.navContact)]
            .compactMap { key, value in value.map { Fact(label: req.t(key), value: clean($0)) } }

        let current = item.snapshot.approvals.filter { $0.version == agreement.currentVersion && $0.withdrawnAt == nil }
        var approvals = current.map { req.t("employer_workspace.approval.line", req.t($0.party.labelKey), DisplayDate.dateTime($0.approvedAt)) }
        for party in ApprovalParty.allCases where !current.contains(where: { $0.party == party }) {
            approvals.append(req.t("employer_workspace.approval.missing", req.t(party.labelKey)))
        }

        var approveForm: [FormView] = []
        if item.awaitsEmployer(now: now) {
            var b = builder(Self.approveFormID, action: "\(base)/godkjenn")
            b.add("version", .hidden, label: "employer_workspace.approve.submit", defaultValue: String(agreement.currentVersion))
            approveForm = [b.build(submit: "employer_workspace.approve.submit")]
        }

        var b = builder(Self.messageFormID, action: "\(base)/melding")
        b.add("text", .textarea, label: "employer_workspace.message.label", hint: "employer_workspace.message.hint", maxLength: EmployerWorkspaceRules.maxMessage)
        let messageForm = [b.build(submit: "employer_workspace.message.submit")]

        let sent = try await WorkspaceMessage.query(on: db).filter(\.$agreement.$id == item.id).filter(\.$fromUser.$id == scope.userID)
            .sort(\.$sentAt, .descending).limit(50).all()
        let counselor = try await User.find(item.pathway.$counselor.id, on: db)
        let meetings = try await scope.meetings(of: [item], now: now, on: db)

        let view = View(
            id: item.id.uuidString, type: req.t(agreement.type.labelKey), firstName: item.firstName, employerName: scope.employerName,
            status: req.t(status.labelKey), statusClass: status.rawValue,
            statusHelp: req.t(item.awaitsEmployer(now: now) ? "employer_workspace.status_help.awaits_you" : "employer_workspace.status_help.\(status.rawValue)"),
            awaitsYou: item.awaitsEmployer(now: now), version: agreement.currentVersion,
            facts: facts, goals: terms.goals.map { Fact(label: req.t($0.kind.labelKey), value: clean($0.description)) }, texts: texts,
            approvals: approvals, approveForm: approveForm,
            upcoming: EmployerWorkspaceController.meetingItems(req, meetings.upcoming), recent: EmployerWorkspaceController.meetingItems(req, meetings.recent),
            back: base, counselorName: counselor?.displayName ?? req.t("employer_workspace.message.your_counselor"),
            messageForm: messageForm,
            sent: sent.map { SentMessage(text: $0.text, sent: DisplayDate.dateTime($0.sentAt),
                                         read: $0.readAt.map { req.t("employer_workspace.message.read", DisplayDate.dateTime($0)) }) },
            pageError: pageError ?? failed.flatMap { failed in
                failed.id == Self.messageFormID ? nil : failed.errors.items.first?.message
            })
        try await req.audit(.pathway(.agreementRead, item.pathway, detail: "avtale \(item.id.uuidString): arbeidsgiverens side"))
        return try await req.render("employerworkspace/agreement", titleKey: "employer_workspace.agreement.title",
                                    titleArgs: [req.t(agreement.type.labelKey), item.firstName], view, status: httpStatus)
    }
}
