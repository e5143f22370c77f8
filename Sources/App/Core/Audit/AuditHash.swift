import Crypto
import Foundation

/// The hash chain: each entry's hash covers the previous hash and the entry's own content.
public enum AuditHash {
    public static let genesis = String(repeating: "0", count: 64)

    /// The fields that are hashed, in a fixed order.
    public struct Content: Sendable, Equatable {
        public var seq: Int
        public var occurredAtMillis: Int64
        public var actorUserID: UUID?
        public var actorUsername: String?
        public var action: String
        public var objectType: String?
        public var objectID: String?
        public var officeID: UUID?
        public var outcome: String
        public var requestID: String?
        public var detail: String?
    }

    public static func compute(previous: String, content c: Content) -> String {
        // Fields are separated by the ASCII unit separator and prefixed by their length, so no
        // two different entries can serialise to the same bytes.
        let fields: [String?] = [
            String(c.seq), String(c.occurredAtMillis), c.actorUserID?.uuidString, c.actorUsername,
            c.action, c.objectType, c.objectID, c.officeID?.uuidString, c.outcome, c.requestID, c.detail,
        ]
        var text = previous
        for field in fields {
            text += "\u{1F}"
            if let field { text += "\(field.utf8.count):\(field)" } else { text += "-" }
        }
        return SHA256.hash(data: Data(text.utf8)).hexString
    }

    public static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// Dates are kept at millisecond precision so they hash the same after a round trip through either database.
    public static func truncatedToMillis(_ date: Date) -> Date {
        Date(timeIntervalSince1970: TimeInterval(millis(date)) / 1000)
    }
}

extension AuditEntry {
    var hashContent: AuditHash.Content {
        AuditHash.Content(
            seq: id ?? 0, occurredAtMillis: AuditHash.millis(occurredAt), actorUserID: actorUserID,
            actorUsername: actorUsername, action: action, objectType: objectType, objectID: objectID,
            officeID: officeID, outcome: outcome, requestID: requestID, detail: detail
        )
    }
}
