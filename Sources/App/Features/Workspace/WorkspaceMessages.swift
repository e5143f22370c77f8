import Fluent
import Vapor

/// Messages from people outside NAV to a counselor, as the counselor reads them: their own only.
enum WorkspaceMessages {
    /// How many messages to `userID` are not yet marked as read (for the start page).
    static func unreadCount(for userID: UUID, on db: any Database) async throws -> Int {
        try await WorkspaceMessage.query(on: db).filter(\.$toUser.$id == userID).filter(\.$readAt == nil).count()
    }

    /// The newest messages shown on /meldinger; older ones are kept but not listed.
    static let pageSize = 200
}

/// /meldinger: the messages to the signed-in staff member, newest first, with "Marker som lest".
struct WorkspaceMessagesController {
    struct Item: Encodable, Sendable {
        var id: String
        var unread: Bool
        var employerName: String
        var sender: String
        var sent: String
        var text: String
        var agreementHref: String?
        var agreementLabel: String?
        var read: String?
        var markAction: String?
    }

    struct View: Encodable, Sendable {
        var messages: [Item]
        var unreadCount: Int
    }

    func list(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let messages = try await WorkspaceMessage.query(on: req.db).filter(\.$toUser.$id == principal.userID)
            .sort(\.$sentAt, .descending).limit(WorkspaceMessages.pageSize).all()
        let employers = Dictionary(try await Employer.query(on: req.db).filter(\.$id ~~ Set(messages.map { $0.$employer.id })).all().map { ($0.id!, $0.name) },
                                   uniquingKeysWith: { a, _ in a })
        let senders = Dictionary(try await User.query(on: req.db).filter(\.$id ~~ Set(messages.map { $0.$fromUser.id })).all().map { ($0.id!, $0.displayName) },
                                 uniquingKeysWith: { a, _ in a })
        let agreementIDs = Set(messages.compactMap { $0.$agreement.id })
        let agreements = agreementIDs.isEmpty ? [:] : Dictionary(try await Agreement.query(on: req.db).filter(\.$id ~~ agreementIDs).all().map { ($0.id!, $0.type) },
                                                                  uniquingKeysWith: { a, _ in a })
        let items = messages.map { message in
            let id = message.id!.uuidString
            let type = message.$agreement.id.flatMap { agreements[$0] }
            return Item(id: id, unread: message.readAt == nil, employerName: employers[message.$employer.id] ?? "–",
                        sender: senders[message.$fromUser.id] ?? "–", sent: DisplayDate.dateTime(message.sentAt), text: message.text,
                        agreementHref: message.$agreement.id.map { "/avtaler/\($0.uuidString)" },
                        agreementLabel: type.map { req.t("messages.agreement_link", req.t($0.labelKey)) },
                        read: message.readAt.map { req.t("messages.read_at", DisplayDate.dateTime($0)) },
                        markAction: message.readAt == nil ? "/meldinger/\(id)/lest" : nil)
        }
        let view = View(messages: items, unreadCount: try await WorkspaceMessages.unreadCount(for: principal.userID, on: req.db))
        return try await req.render("employerworkspace/messages", titleKey: "messages.title", view)
    }

    /// Only the recipient marks a message as read; for anyone else it does not exist (404, audited).
    func markRead(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let id = req.parameters.get("messageID", as: UUID.self)
        guard let id, let message = try await WorkspaceMessage.find(id, on: req.db), message.$toUser.id == principal.userID else {
            try await req.audit(AuditEvent(.accessDenied, objectType: "workspace_message", objectID: id?.uuidString, officeID: principal.officeID,
                                           outcome: .denied, detail: "melding til en annen"))
            throw Abort(.notFound)
        }
        if message.readAt == nil {
            let now = req.now
            try await req.write { db, _ in
                try await WorkspaceMessage.query(on: db).filter(\.$id == id).filter(\.$readAt == nil).set(\.$readAt, to: now).update()
            }
        }
        return req.redirect(to: "/meldinger?melding=\(EmployerWorkspaceFlash.messageRead)#melding-\(id.uuidString)", redirectType: .normal)
    }
}
