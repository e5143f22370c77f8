import Fluent
import Vapor

/// An office and its staff, for the people who work there.
struct OfficeController {
    struct StaffMember: Encodable, Sendable {
        var displayName: String
        var username: String
        var roles: String
    }

    struct OfficeView: Encodable, Sendable {
        var name: String
        var enhetNumber: String
        var staff: [StaffMember]
    }

    func mine(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let officeID = principal.officeID else { throw Abort(.notFound) }
        return try await show(req: req, officeID: officeID)
    }

    func byID(req: Request) async throws -> Response {
        guard let officeID = req.parameters.get("officeID", as: UUID.self) else { throw Abort(.notFound) }
        return try await show(req: req, officeID: officeID)
    }

    private func show(req: Request, officeID: UUID) async throws -> Response {
        try await req.requireOfficeAccess(officeID, for: .administration, objectType: AuditObjectType.office, objectID: officeID.uuidString)
        guard let office = try await Office.find(officeID, on: req.db) else { throw Abort(.notFound) }
        let users = try await User.query(on: req.db)
            .filter(\.$office.$id == officeID)
            .filter(\.$isActive == true)
            .with(\.$roleRows)
            .sort(\.$displayName)
            .all()
        try await req.audit(AuditEvent(.officeRead, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID))
        let view = OfficeView(
            name: office.name, enhetNumber: office.enhetNumber,
            staff: users.map {
                StaffMember(displayName: $0.displayName, username: $0.username, roles: $0.roles.sorted().map { req.t($0.labelKey) }.joined(separator: ", "))
            }
        )
        return try await req.render("offices/show", titleKey: "office.title", titleArgs: [office.name], view)
    }
}
