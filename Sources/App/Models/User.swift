import Fluent
import Foundation

/// A person who signs in: NAV staff now, mentors and employer contacts later.
public final class User: Model, @unchecked Sendable {
    public static let schema = "users"

    @ID(key: .id) public var id: UUID?
    /// Lowercase, unique.
    @Field(key: "username") public var username: String
    @Field(key: "display_name") public var displayName: String
    /// Username and name, lowercased in Swift, for search (see `SearchText`).
    @Field(key: "search_key") public var searchKey: String
    @OptionalParent(key: "office_id") public var office: Office?
    @Field(key: "password_hash") public var passwordHash: String
    /// Set when an admin or the CLI gave a temporary password.
    @Field(key: "must_change_password") public var mustChangePassword: Bool
    @Field(key: "is_active") public var isActive: Bool
    @Field(key: "is_demo") public var isDemo: Bool
    @Field(key: "failed_login_count") public var failedLoginCount: Int
    @OptionalField(key: "locked_until") public var lockedUntil: Date?
    /// "nb" or "en"; nil follows the browser.
    @OptionalField(key: "locale") public var locale: String?
    @OptionalField(key: "last_login_at") public var lastLoginAt: Date?
    /// The portfolio columns this user chose, comma separated; nil = the default set.
    @OptionalField(key: "portfolio_columns") public var portfolioColumns: String?
    /// Shown to the mentors of the counselor's candidates.
    @OptionalField(key: "phone") public var phone: String?
    @Children(for: \.$user) public var roleRows: [UserRole]
    @Timestamp(key: "created_at", on: .create) public var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) public var updatedAt: Date?

    public var properties: [any AnyProperty] {
        [$id, $username, $displayName, $searchKey, $office, $passwordHash, $mustChangePassword, $isActive, $isDemo,
         $failedLoginCount, $lockedUntil, $locale, $lastLoginAt, $portfolioColumns, $phone, $roleRows, $createdAt,
         $updatedAt]
    }

    public init() {}

    public init(
        id: UUID? = nil, username: String, displayName: String, officeID: UUID?,
        passwordHash: String, mustChangePassword: Bool, isDemo: Bool = false
    ) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.searchKey = SearchText.normalized(username, displayName)
        self.$office.id = officeID
        self.passwordHash = passwordHash
        self.mustChangePassword = mustChangePassword
        self.isActive = true
        self.isDemo = isDemo
        self.failedLoginCount = 0
    }

    /// Roles, if `roleRows` was eager-loaded.
    public var roles: Set<Role> {
        Set(($roleRows.value ?? []).compactMap { Role(rawValue: $0.role) })
    }
}

/// One role held by a user.
public final class UserRole: Model, @unchecked Sendable {
    public static let schema = "user_roles"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: User
    @Field(key: "role") public var role: String

    public var properties: [any AnyProperty] { [$id, $user, $role] }

    public init() {}

    public init(userID: UUID, role: Role) {
        self.$user.id = userID
        self.role = role.rawValue
    }
}
