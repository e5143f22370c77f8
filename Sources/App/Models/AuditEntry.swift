import Fluent
import Foundation

/// One line of the append-only, hash-chained audit trail. Written only by `AuditLog`.
public final class AuditEntry: Model, @unchecked Sendable {
    public static let schema = "audit_entries"

    /// Position in the chain: 1, 2, 3 … without gaps.
    @ID(custom: "seq", generatedBy: .user) public var id: Int?
    @Field(key: "occurred_at") public var occurredAt: Date
    @OptionalField(key: "actor_user_id") public var actorUserID: UUID?
    /// The username as it was, or "cli"/"system"; kept even if the user is renamed.
    @OptionalField(key: "actor_username") public var actorUsername: String?
    @Field(key: "action") public var action: String
    @OptionalField(key: "object_type") public var objectType: String?
    @OptionalField(key: "object_id") public var objectID: String?
    @OptionalField(key: "office_id") public var officeID: UUID?
    /// "allowed" or "denied".
    @Field(key: "outcome") public var outcome: String
    @OptionalField(key: "request_id") public var requestID: String?
    /// Short, non-sensitive context (e.g. which fields changed).
    @OptionalField(key: "detail") public var detail: String?
    @Field(key: "prev_hash") public var prevHash: String
    @Field(key: "hash") public var hash: String

    public var properties: [any AnyProperty] {
        [$id, $occurredAt, $actorUserID, $actorUsername, $action, $objectType, $objectID, $officeID, $outcome, $requestID,
         $detail, $prevHash, $hash]
    }

    public init() {}
}
