import Fluent
import Vapor

/// Searching the audit trail: admins see everything, leaders their own office.
struct AuditController {
    struct Row: Encodable, Sendable {
        var seq: Int
        var time: String
        var actor: String
        var action: String
        var actionCode: String
        var object: String
        var denied: Bool
        var requestID: String
        var detail: String
    }

    struct SearchView: Encodable, Sendable {
        var person: String
        var actor: String
        var from: String
        var to: String
        var scopeNote: String?
        var rows: [Row]
        var olderLink: String?
        var errors: FormErrors
        var searched: Bool
    }

    static let pageSize = 50

    func search(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        func param(_ name: String) -> String {
            String(((try? req.query.get(String.self, at: name)) ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        }
        let person = param("person"), actor = param("bruker"), from = param("fra"), to = param("til")
        let before = Int(param("foer"))
        var errors = FormErrors()
        var query = AuditEntry.query(on: req.db).sort(\.$id, .descending)

        if !principal.isAdmin {
            // Leaders see what happened in their own office only.
            guard let officeID = principal.officeID else { throw Abort(.forbidden) }
            query = query.filter(\.$officeID == officeID)
        }
        if !person.isEmpty {
            if let id = UUID(uuidString: person) {
                query = query.filter(\.$objectID == id.uuidString).filter(\.$objectType ~~ Array(AuditObjectType.persons))
            } else if let user = try await User.query(on: req.db).filter(\.$username == person.lowercased()).first() {
                query = query.filter(\.$objectID == user.id!.uuidString).filter(\.$objectType ~~ Array(AuditObjectType.persons))
            } else {
                errors.add("person", req.t("audit.error.person_unknown"))
            }
        }
        if !actor.isEmpty { query = query.filter(\.$actorUsername == actor.lowercased()) }
        if !from.isEmpty {
            if let day = DisplayDate.parseDay(from) { query = query.filter(\.$occurredAt >= day) } else { errors.add("fra", req.t("audit.error.date")) }
        }
        if !to.isEmpty {
            if let day = DisplayDate.parseDay(to) { query = query.filter(\.$occurredAt < day.addingTimeInterval(86_400)) } else { errors.add("til", req.t("audit.error.date")) }
        }
        if let before { query = query.filter(\.$id < before) }

        var rows: [Row] = []
        var olderLink: String?
        let searched = !(person.isEmpty && actor.isEmpty && from.isEmpty && to.isEmpty && before == nil)
        if errors.isEmpty {
            let entries = try await query.limit(Self.pageSize + 1).all()
            let names = try await objectNames(for: entries, on: req.db)
            rows = entries.prefix(Self.pageSize).map { entry in
                let object: String = switch (entry.objectType, entry.objectID) {
                case let (type?, id?): "\(req.t("audit.object.\(type)")) \(names[id] ?? String(id.prefix(60)))"
                case let (type?, nil): req.t("audit.object.\(type)")
                default: "–"
                }
                return Row(
                    seq: entry.id ?? 0, time: DisplayDate.dateTimeSeconds(entry.occurredAt),
                    actor: entry.actorUsername ?? "–", action: req.t(AuditAction(rawValue: entry.action).labelKey), actionCode: entry.action,
                    object: object, denied: entry.outcome == AuditEvent.Outcome.denied.rawValue,
                    requestID: entry.requestID ?? "–", detail: entry.detail ?? ""
                )
            }
            if entries.count > Self.pageSize, let last = rows.last {
                var components = URLComponents()
                components.path = "/revisjonslogg"
                components.queryItems = [("person", person), ("bruker", actor), ("fra", from), ("til", to)]
                    .filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) } + [URLQueryItem(name: "foer", value: String(last.seq))]
                olderLink = components.string
            }
            let filters = [("person", person), ("bruker", actor), ("fra", from), ("til", to)].filter { !$0.1.isEmpty }.map { "\($0.0)=\($0.1)" }
            try await req.audit(AuditEvent(.auditSearched, objectType: AuditObjectType.auditTrail, officeID: principal.isAdmin ? nil : principal.officeID, detail: filters.isEmpty ? nil : filters.joined(separator: " ")))
        }
        let view = SearchView(
            person: person, actor: actor, from: from, to: to,
            scopeNote: principal.isAdmin ? nil : req.t("audit.scope.office", principal.officeName ?? ""),
            rows: rows, olderLink: olderLink, errors: errors, searched: searched
        )
        return try await req.render("audit/index", titleKey: "audit.title", view, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// Readable names for the users and offices the entries are about (usernames, unit numbers).
    private func objectNames(for entries: [AuditEntry], on db: any Database) async throws -> [String: String] {
        func ids(_ type: String) -> [UUID] {
            Array(Set(entries.filter { $0.objectType == type }.compactMap { $0.objectID.flatMap(UUID.init(uuidString:)) }))
        }
        var names: [String: String] = [:]
        let userIDs = ids(AuditObjectType.user), officeIDs = ids(AuditObjectType.office)
        if !userIDs.isEmpty {
            for user in try await User.query(on: db).filter(\.$id ~~ userIDs).all() { names[user.id!.uuidString] = user.username }
        }
        if !officeIDs.isEmpty {
            for office in try await Office.query(on: db).filter(\.$id ~~ officeIDs).all() { names[office.id!.uuidString] = "\(office.enhetNumber) \(office.name)" }
        }
        return names
    }
}
