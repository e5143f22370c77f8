import Fluent
import Vapor

/// The pathway's job page and its forms, a mentor's page, and the counselor's own employer
/// contacts per week.
struct JobDevelopmentController {
    func show(req: Request) async throws -> Response {
        try await PathwayJobsPage(req: req, opened: try await req.openPathway()).render()
    }

    private func submit(_ req: Request, formID: String, values: [String: String], flash: Flash = .saved, anchor: String,
                        _ perform: (OpenedPathway) async throws -> Void) async throws -> Response {
        let opened = try await req.openPathway(needs: .full)
        return try await req.submitForm(formID, values: values, done: "/forlop/\(opened.id.uuidString)/jobb?melding=\(flash.rawValue)\(anchor)",
                                        page: { PathwayJobsPage(req: req, opened: opened) }) { try await perform(opened) }
    }

    struct ApproachForm: Content {
        var occurredOn: String?
        var employerId: String?
        var channel: String?
        var withCandidate: String?
        var outcome: String?
        var note: String?
    }

    func addApproach(req: Request) async throws -> Response {
        let form = try req.content.decode(ApproachForm.self)
        let values = ["occurredOn": form.occurredOn ?? "", "employerId": form.employerId ?? "", "channel": form.channel ?? "",
                      "withCandidate": form.withCandidate ?? "", "outcome": form.outcome ?? "", "note": form.note ?? ""]
        return try await submit(req, formID: "kontakt", values: values, flash: .approachRecorded, anchor: "#jobbutvikling") { opened in
            let valid = try JobDevelopment.approach(occurredOn: form.occurredOn, employerId: form.employerId, channel: form.channel, withCandidate: form.withCandidate == "on",
                                                    outcome: form.outcome, note: form.note, referralDate: opened.pathway.referralDate, now: req.now).get()
            _ = try await JobDevelopment.record(opened, valid, service: try PathwayService(req: req))
        }
    }

    func saveIndustries(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let chosen = Industry.allCases.filter { form["industry_\($0.rawValue)"] == "on" }
        return try await submit(req, formID: "bransjer", values: form, anchor: "#jobbmatch") { opened in
            try await PathwayService(req: req).setWishedIndustries(opened, chosen)
        }
    }

    struct MentorLinkForm: Content {
        var mentorId: String?
        var fromDate: String?
        var replaces: String?
        var reason: String?
    }

    func linkMentor(req: Request) async throws -> Response {
        let form = try req.content.decode(MentorLinkForm.self)
        let values = ["mentorId": form.mentorId ?? "", "fromDate": form.fromDate ?? "", "replaces": form.replaces ?? "", "reason": form.reason ?? ""]
        return try await submit(req, formID: "mentor", values: values, flash: .mentorLinked, anchor: "#mentorer") { opened in
            let valid = try MentorRules.link(mentorId: form.mentorId, fromDate: form.fromDate, replaces: form.replaces, reason: form.reason, now: req.now).get()
            _ = try await MentorService(req: req).link(opened, valid)
        }
    }

    struct MentorEndForm: Content {
        var toDate: String?
        var reason: String?
    }

    func endMentor(req: Request) async throws -> Response {
        guard let linkID = req.parameters.get("linkID", as: UUID.self) else { throw Abort(.notFound) }
        let form = try req.content.decode(MentorEndForm.self)
        return try await submit(req, formID: "avslutt-\(linkID.uuidString)", values: ["toDate": form.toDate ?? "", "reason": form.reason ?? ""], anchor: "#mentorer") { opened in
            try await MentorService(req: req).end(opened, linkID: linkID, on: form.toDate, reason: form.reason)
        }
    }

    // MARK: - Mentor page

    struct MentorView: Encodable, Sendable {
        struct Period: Encodable, Sendable {
            var candidate: String?
            var href: String?
            var counselor: String
            var period: String
            var isCurrent: Bool
            var endReason: String?
        }
        var name: String
        var position: String
        var phone: String?
        var email: String?
        var employer: String
        var employerHref: String
        var current: [Period]
        var earlier: [Period]
    }

    /// A mentor's candidates now and before. Names show only for the viewer's own pathways; the
    /// others show their counselor, so the mentor's load is visible without opening other cases.
    func mentor(req: Request) async throws -> Response {
        guard let id = req.parameters.get("mentorID", as: UUID.self), let mentor = try await Mentor.query(on: req.db).filter(\.$id == id).with(\.$employer).first() else {
            throw Abort(.notFound)
        }
        try await req.requireOfficeAccess(mentor.$office.id, objectType: AuditObjectType.mentor, objectID: id.uuidString)
        let principal = try req.requirePrincipal()
        let links = try await PathwayMentor.query(on: req.db).filter(\.$mentor.$id == id).with(\.$pathway) { $0.with(\.$candidate).with(\.$counselor) }
            .sort(\.$fromDate, .descending).all()
        let periods = links.map { link in
            let own = link.pathway.$counselor.id == principal.userID
            return MentorView.Period(candidate: own ? link.pathway.candidate.fullName : nil, href: own ? "/forlop/\(link.$pathway.id.uuidString)/jobb" : nil,
                                     counselor: link.pathway.counselor.displayName,
                                     period: "\(DisplayDate.date(link.fromDate)) – \(link.toDate.map(DisplayDate.date) ?? "")", isCurrent: link.toDate == nil, endReason: link.endReason)
        }
        let ownLinks = links.filter { $0.pathway.$counselor.id == principal.userID }
        if !ownLinks.isEmpty {
            try await req.application.audit(ownLinks.map { .pathway(.pathwayRead, $0.pathway, detail: "mentorside") }, context: req.auditContext)
        }
        let view = MentorView(name: mentor.name, position: req.t(mentor.position.labelKey), phone: mentor.phone, email: mentor.email,
                              employer: mentor.employer.name, employerHref: "/virksomheter/\(mentor.$employer.id.uuidString)",
                              current: periods.filter(\.isCurrent), earlier: periods.filter { !$0.isCurrent })
        return try await req.render("mentors/show", titleKey: "mentor.title", titleArgs: [mentor.name], view)
    }

    // MARK: - My employer contacts per week

    struct WeekView: Encodable, Sendable {
        struct Week: Encodable, Sendable {
            var label: String
            var faceToFace: Int
            var all: Int
            var percent: Int
        }
        var weeks: [Week]
        var average: String
        var target: Int
    }

    func myWeeks(req: Request) async throws -> Response {
        let weeks = try await JobDevelopment.weeklyContacts(userID: try req.requirePrincipal().userID, weeks: 12, now: req.now, on: req.db)
        let top = max(weeks.map(\.all).max() ?? 0, 6)
        let complete = weeks.dropFirst()
        let average = complete.isEmpty ? 0 : Double(complete.map(\.faceToFace).reduce(0, +)) / Double(complete.count)
        let view = WeekView(
            weeks: weeks.map { .init(label: req.t("week.label", String($0.isoWeek), DisplayDate.date(DisplayDate.parseDay($0.weekStart)!)),
                                     faceToFace: $0.faceToFace, all: $0.all, percent: $0.faceToFace * 100 / top) },
            average: String(format: "%.1f", average).replacingOccurrences(of: ".", with: ","), target: 6)
        return try await req.render("jobdevelopment/weeks", titleKey: "week.title", view)
    }
}
