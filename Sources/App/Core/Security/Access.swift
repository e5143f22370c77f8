import Vapor

/// Who may use a route. Every route declares one; a route without it is refused (default deny).
public struct Access: Sendable, Hashable {
    public enum Channel: Sendable, Hashable {
        /// Browser pages: session cookie, CSRF-checked.
        case web
        /// JSON API: bearer token only, never cookies.
        case api
    }

    public enum Requirement: Sendable, Hashable {
        case anyone
        case signedIn
        case anyOf(Set<Role>)
    }

    public var channel: Channel
    public var requirement: Requirement
    /// Reachable while the user must still replace a temporary password.
    public var allowedBeforePasswordChange: Bool
    /// Reachable by a person outside NAV who has not yet accepted the confidentiality declaration.
    public var allowedBeforeDeclaration: Bool = false

    public static let userInfoKey: AnySendableHashable = "samskap.access"

    public static func web(_ requirement: Requirement, allowedBeforePasswordChange: Bool = false, allowedBeforeDeclaration: Bool = false) -> Access {
        Access(channel: .web, requirement: requirement, allowedBeforePasswordChange: allowedBeforePasswordChange,
               allowedBeforeDeclaration: allowedBeforeDeclaration || allowedBeforePasswordChange)
    }

    public static func api(_ requirement: Requirement) -> Access {
        Access(channel: .api, requirement: requirement, allowedBeforePasswordChange: true)
    }

    /// NAV staff of any internal role.
    public static let staffRoles: Set<Role> = [.admin, .leder, .veileder, .markedskontakt]
    /// Staff who work within an office.
    public static let officeRoles: Set<Role> = [.leder, .veileder, .markedskontakt]
    /// Mentors at an employer, by invitation.
    public static let mentorRoles: Set<Role> = [.mentor]
    /// Employer contacts, by invitation.
    public static let employerRoles: Set<Role> = [.arbeidsgiver]
}

/// Stamps an `Access` on every route added through it.
struct AccessRoutesBuilder: RoutesBuilder {
    let base: any RoutesBuilder
    let access: Access

    func add(_ route: Route) {
        route.userInfo[Access.userInfoKey] = access
        base.add(route)
    }
}

extension RoutesBuilder {
    /// Routes added to the result are open to `access` and nobody else.
    public func access(_ access: Access) -> some RoutesBuilder {
        AccessRoutesBuilder(base: self, access: access)
    }
}

extension Route {
    public var access: Access? { userInfo[Access.userInfoKey] as? Access }
}
