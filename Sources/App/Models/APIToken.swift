import Fluent
import Foundation

/// A personal bearer token for the JSON API. Shown once; stored as a digest.
public final class APIToken: Model, @unchecked Sendable {
    public static let schema = "api_tokens"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: User
    @Field(key: "label") public var label: String
    @Field(key: "token_hash") public var tokenHash: String
    /// The first characters, so a person can tell their tokens apart.
    @Field(key: "prefix") public var prefix: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "last_used_at") public var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public var properties: [any AnyProperty] { [$id, $user, $label, $tokenHash, $prefix, $createdAt, $lastUsedAt, $revokedAt] }

    public init() {}

    public init(userID: UUID, label: String, tokenHash: String, prefix: String, now: Date) {
        self.$user.id = userID
        self.label = label
        self.tokenHash = tokenHash
        self.prefix = prefix
        self.createdAt = now
    }
}
