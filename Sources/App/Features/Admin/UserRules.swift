import Foundation

/// What makes a user account valid. Plain Swift, shared by the admin pages and the CLI.
enum UserRules {
    static let maxDisplayName = 100

    struct Draft {
        var username: String
        var displayName: String
        var roles: Set<Role>
        var officeID: UUID?
    }

    static func normalizedUsername(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Problems as (field, message key) pairs; empty when the draft is valid.
    static func problems(_ draft: Draft, checkUsername: Bool = true) -> [ProblemError.FieldIssue] {
        var issues: [ProblemError.FieldIssue] = []
        if checkUsername, !isValidUsername(draft.username) {
            issues.append(.init("username", "user.error.username"))
        }
        let name = draft.displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > maxDisplayName {
            issues.append(.init("displayName", "user.error.display_name", String(maxDisplayName)))
        }
        if draft.roles.isEmpty {
            issues.append(.init("roles", "user.error.roles_missing"))
        } else if draft.roles.contains(where: { !Role.assignableByAdmin.contains($0) }) {
            issues.append(.init("roles", "user.error.role_external"))
        }
        if draft.roles.contains(where: \.requiresOffice), draft.officeID == nil {
            issues.append(.init("officeID", "user.error.office_missing"))
        }
        return issues
    }

    /// 2–32 characters: a–z first, then a–z, 0–9, dot, hyphen or underscore.
    static func isValidUsername(_ value: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard (2...32).contains(value.count), let first = value.first, first.isASCII, first.isLetter, first.isLowercase else { return false }
        return value.allSatisfy { allowed.contains($0) }
    }

    /// Validates the office number format of an enhet: exactly four digits.
    static func isValidEnhetNumber(_ value: String) -> Bool {
        value.count == 4 && value.allSatisfy(\.isASCII) && value.allSatisfy(\.isNumber)
    }
}
