import Fluent
import Vapor

/// `/api/v1`: who am I, and the offices I may see.
struct APIController {
    func me(req: Request) async throws -> MeDTO {
        let principal = try req.requirePrincipal()
        let office = try await principal.officeID.asyncMap { try await Office.find($0, on: req.db) } ?? nil
        return MeDTO(
            id: principal.userID, username: principal.username, displayName: principal.displayName,
            roles: principal.roles.sorted().map(\.rawValue), office: office.map(OfficeDTO.init), locale: req.locale
        )
    }

    func offices(req: Request) async throws -> OfficeListDTO {
        let principal = try req.requirePrincipal()
        var query = Office.query(on: req.db).sort(\.$enhetNumber)
        if !principal.isAdmin {
            guard let officeID = principal.officeID else { return OfficeListDTO(items: []) }
            query = query.filter(\.$id == officeID)
        }
        return OfficeListDTO(items: try await query.all().map(OfficeDTO.init))
    }

    func office(req: Request) async throws -> OfficeDTO {
        guard let enhet = req.parameters.get("enhetNumber"), UserRules.isValidEnhetNumber(enhet) else {
            throw ProblemError.validation([.init("enhetNumber", "office.error.enhet")])
        }
        // Unknown and not-yours get the same answer, so the API does not reveal which offices exist.
        guard let office = try await Office.query(on: req.db).filter(\.$enhetNumber == enhet).first() else {
            throw Abort(.notFound)
        }
        try await req.requireOfficeAccess(office.id, for: .administration, objectType: AuditObjectType.office, objectID: office.id?.uuidString)
        return OfficeDTO(office)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case let .some(value): try await transform(value)
        case .none: nil
        }
    }
}
