/// What a user does in Samskap. Stored as its raw string.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case admin
    case leder
    case veileder
    case markedskontakt
    /// External roles: people outside NAV, created by invitation only.
    case mentor
    case arbeidsgiver

    /// Roles held by NAV staff, who belong to an office.
    public var isInternal: Bool {
        switch self {
        case .admin, .leder, .veileder, .markedskontakt: true
        case .mentor, .arbeidsgiver: false
        }
    }

    /// Roles an admin may give on the user pages; external roles come by invitation.
    public static let assignableByAdmin: [Role] = [.admin, .leder, .veileder, .markedskontakt]

    /// Every role but admin works on behalf of an office.
    public var requiresOffice: Bool { self != .admin && isInternal }

    public var labelKey: String { "role.\(rawValue)" }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
