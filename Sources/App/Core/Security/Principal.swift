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
    /// Set for a person outside NAV (mentor, employer contact): whom the account stands for.
    public var external: ExternalLink? = nil

    public func hasAny(_ wanted: Set<Role>) -> Bool { !roles.isDisjoint(with: wanted) }

    public var isAdmin: Bool { roles.contains(.admin) }

    /// Office scoping. An office's *content* (candidates, pathways, its audit trail …) is seen by
    /// the people who work there and nobody else — an admin role does not widen it. Its
    /// *administration* (the office itself and its staff accounts) is also open to admins.
    public func mayAccess(office officeID: UUID?, for purpose: OfficeAccessPurpose) -> Bool {
        switch purpose {
        case .content:
            guard let officeID, let own = self.officeID else { return false }
            return officeID == own
        case .administration:
            if isAdmin { return true }
            guard let officeID else { return false }
            return officeID == self.officeID
        }
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

/// The mentor or employer contact behind an external account, loaded with the principal.
public struct ExternalLink: Sendable {
    public var accountID: UUID
    public var role: Role
    /// The office that invited them; an external account never sees office content through it.
    public var officeID: UUID
    public var employerID: UUID
    public var mentorID: UUID?
    public var employerContactID: UUID?
    /// The current confidentiality declaration is not yet accepted: no data until it is.
    public var declarationPending: Bool
}

/// Why an office's data is being read; see `Principal.mayAccess(office:for:)`.
public enum OfficeAccessPurpose: Sendable {
    /// Data about the office's candidates and work: own office only.
    case content
    /// The office and its staff accounts: own office, or any office for admins.
    case administration
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
    public func requireOfficeAccess(
        _ officeID: UUID?, for purpose: OfficeAccessPurpose = .content, objectType: String, objectID: String?
    ) async throws {
        let principal = try requirePrincipal()
        guard principal.mayAccess(office: officeID, for: purpose) else {
            try await audit(AuditEvent(.accessDenied, objectType: objectType, objectID: objectID, officeID: officeID, outcome: .denied, detail: "annet kontor"))
            throw Abort(.notFound)
        }
    }
}
