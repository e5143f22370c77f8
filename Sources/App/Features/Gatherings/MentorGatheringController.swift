import Fluent
import Vapor

/// `/mentor/samlinger`: a signed-in mentor's own invitations to gatherings, upcoming and past,
/// each with large yes / no / maybe buttons while it can still be answered. Made for a phone and
/// plain forms (no JavaScript). A mentor sees their own invitations only — never who else is
/// invited, nor the office's summary.
struct MentorGatheringPage {
    let req: Request
    let mentorID: UUID
    /// An answer that was refused: the invitation and why.
    var failed: (invitationID: UUID, errors: FormErrors)?

    struct Choice: Encodable, Sendable {
        var value: String
        var label: String
        var current: Bool
    }

    struct Item: Encodable, Sendable {
        var anchor: String
        var kind: String
        var when: String
        var place: String
        var theme: String
        var cancelled: String?
        var answer: String?
        var action: String
        var choices: [Choice]
        var attendance: String?
        var errors: [FormErrors.Item]
        var hasErrors: Bool
    }

    struct View: Encodable, Sendable {
        var upcoming: [Item]
        var past: [Item]
    }

    static let pastLimit = 50

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let now = req.now
        let invitations = try await GatheringInvitation.query(on: req.db).filter(\.$mentor.$id == mentorID).with(\.$gathering).all()
        let upcoming = invitations.filter { $0.gathering.startsAt > now }.sorted { $0.gathering.startsAt < $1.gathering.startsAt }
        let past = invitations.filter { $0.gathering.startsAt <= now }.sorted { $0.gathering.startsAt > $1.gathering.startsAt }.prefix(Self.pastLimit)

        func item(_ invitation: GatheringInvitation) -> Item {
            let g = invitation.gathering
            let id = invitation.id!
            let open = (try? GatheringRules.mayAnswer(startsAt: g.startsAt, cancelledAt: g.cancelledAt, now: now)) != nil
            let errors = failed?.invitationID == id ? failed!.errors.items.map { FormErrors.Item(field: "invitasjon-\(id.uuidString)", message: $0.message) } : []
            return Item(
                anchor: "invitasjon-\(id.uuidString)", kind: req.t(g.kind.labelKey), when: DisplayDate.dateTime(g.startsAt), place: g.place, theme: g.theme,
                cancelled: g.cancelledAt.map { _ in req.t("gathering.mentor.cancelled") },
                answer: invitation.answer.map { req.t("gathering.mentor.your_answer", req.t($0.labelKey)) },
                action: "/mentor/samlinger/\(id.uuidString)/svar",
                choices: open ? GatheringAnswer.allCases.map { Choice(value: $0.rawValue, label: req.t("gathering.mentor.answer.\($0.rawValue)"), current: invitation.answer == $0) } : [],
                attendance: g.cancelledAt == nil ? invitation.attended.map { req.t($0 ? "gathering.mentor.came" : "gathering.mentor.not_came") } : nil,
                errors: errors, hasErrors: !errors.isEmpty
            )
        }
        let view = View(upcoming: upcoming.map(item), past: past.map(item))
        return try await req.render("gatherings/mentor", titleKey: "gathering.mentor.title", view, status: status)
    }
}

struct MentorGatheringController {
    /// The mentor the signed-in account stands for; a mentor-role account without one sees nothing.
    private func mentorID(_ req: Request) throws -> UUID {
        guard let id = try req.requirePrincipal().external?.mentorID else { throw Abort(.forbidden) }
        return id
    }

    func list(req: Request) async throws -> Response {
        try await MentorGatheringPage(req: req, mentorID: try mentorID(req)).render()
    }

    func answer(req: Request) async throws -> Response {
        let mentorID = try mentorID(req)
        guard let id = req.parameters.get("invitationID", as: UUID.self),
              let invitation = try await GatheringInvitation.query(on: req.db).filter(\.$id == id).with(\.$gathering).first() else {
            throw Abort(.notFound)
        }
        guard invitation.$mentor.id == mentorID else {
            try await req.audit(AuditEvent(.accessDenied, objectType: AuditObjectType.gatheringInvitation, objectID: id.uuidString,
                                           officeID: invitation.gathering.$office.id, outcome: .denied, detail: "en annen mentors invitasjon"))
            throw Abort(.notFound)
        }
        let form = try req.content.decode([String: String].self)
        do {
            let answer = try GatheringRules.answer(form["answer"])
            try await GatheringService(req: req).answer(id, mentorID: mentorID, answer)
        } catch let problem as ProblemError where !problem.fields.isEmpty || problem.status == .conflict {
            var fields = problem.fields
            if fields.isEmpty {
                var issue = ProblemError.FieldIssue("answer", problem.key)
                issue.args = problem.args
                fields = [issue]
            }
            var page = MentorGatheringPage(req: req, mentorID: mentorID)
            page.failed = (id, FormErrors(fields, req))
            return try await page.render(status: problem.status == .conflict ? .conflict : .unprocessableEntity)
        }
        return req.redirect(to: "/mentor/samlinger?melding=\(Flash.saved.rawValue)#invitasjon-\(id.uuidString)", redirectType: .normal)
    }
}
