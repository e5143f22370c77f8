import Vapor

/// The signed-in person behind a request, loaded once by `AuthenticationMiddleware`.
public struct Principal: Sendable {
    public enum Channel: Sendable {
        case session(id: UUID, csrfToken: String)
        case token(id: UUID)
    }

    public var userID: UUID
    public var username: String
    public var displayName: String
    public var roles: Set<Role>
    public var officeID: UUID?
    public var officeEnhet: String?
    public var officeName: String?
    public var locale: String?
    public var mustChangePassword: Bool
    public var isDemo: Bool
    public var channel: Channel

    public func hasAny(_ wanted: Set<Role>) -> Bool { !roles.isDisjoint(with: wanted) }

    public var isAdmin: Bool { roles.contains(.admin) }

    /// Office scoping: a user works within their own office. Admins manage every office's
    /// accounts, but later features decide for themselves whether admins see their content.
    public func mayAccessOffice(_ officeID: UUID?) -> Bool {
        guard let officeID else { return isAdmin }
        return isAdmin || officeID == self.officeID
    }

    public var csrfToken: String? {
        if case let .session(_, token) = channel { return token }
        return nil
    }

    public var sessionID: UUID? {
        if case let .session(id, _) = channel { return id }
        return nil
    }
}

extension Request {
    private struct PrincipalKey: StorageKey { typealias Value = Principal }

    public var principal: Principal? {
        get { storage[PrincipalKey.self] }
        set { storage[PrincipalKey.self] = newValue }
    }

    /// The principal of a route that requires sign-in; access control has already checked it.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw Abort(.unauthorized) }
        return principal
    }

    /// Refuses (404, audited as denied) when the object belongs to an office the user may not see.
    /// 404 rather than 403, so another office's data does not even reveal that it exists.
    public func requireOfficeAccess(_ officeID: UUID?, objectType: String, objectID: String?) async throws {
        let principal = try requirePrincipal()
        guard principal.mayAccessOffice(officeID) else {
            try await audit(AuditEvent(.accessDenied, objectType: objectType, objectID: objectID, officeID: officeID, outcome: .denied, detail: "annet kontor"))
            throw Abort(.notFound)
        }
    }
}
