/// Rules for a password chosen by a person. Plain Swift so it is tested without HTTP.
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumLength = 128

    public enum Problem: Equatable, Sendable {
        case tooShort, tooLong, sameAsUsername, mismatch

        public var messageKey: String {
            switch self {
            case .tooShort: "password.error.too_short"
            case .tooLong: "password.error.too_long"
            case .sameAsUsername: "password.error.same_as_username"
            case .mismatch: "password.error.mismatch"
            }
        }
    }

    public static func problems(password: String, confirmation: String, username: String) -> [Problem] {
        var problems: [Problem] = []
        if password.count < minimumLength { problems.append(.tooShort) }
        if password.count > maximumLength { problems.append(.tooLong) }
        if password.lowercased().contains(username.lowercased()) && !username.isEmpty { problems.append(.sameAsUsername) }
        if password != confirmation { problems.append(.mismatch) }
        return problems
    }
}
