import Foundation
import Vapor

/// JSON text written by hand, for the API's hottest answers (the portfolio and the candidate list):
/// there, Foundation's `JSONEncoder` cost more than the database query (a profile of the portfolio
/// at 32 concurrent requests: 18 % of the server's CPU, against 15 % for the SQL).
///
/// The text means the same as what `JSONEncoder.custom(dates: .iso8601)` (the API's encoder) writes
/// for the same value: the same keys and values, a `nil` left out, dates in UTC to the second, UUIDs
/// in capitals, strings escaped as JSON requires. `JSONTextTests` compares the two, value by value.
struct JSONText {
    private(set) var text: String
    private var needsComma = false

    init(capacity: Int = 1_024) {
        text = "{"
        text.reserveCapacity(capacity)
    }

    /// The finished object.
    mutating func close() -> String {
        text.append("}")
        return text
    }

    private mutating func key(_ name: String) {
        if needsComma { text.append(",") }
        needsComma = true
        Self.appendQuoted(name, to: &text)
        text.append(":")
    }

    mutating func string(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        Self.appendQuoted(value, to: &text)
    }

    mutating func int(_ name: String, _ value: Int) {
        key(name)
        text.append(String(value))
    }

    mutating func bool(_ name: String, _ value: Bool) {
        key(name)
        text.append(value ? "true" : "false")
    }

    mutating func uuid(_ name: String, _ value: UUID) {
        key(name)
        text.append("\"")
        text.append(value.text)
        text.append("\"")
    }

    mutating func date(_ name: String, _ value: Date?) {
        guard let value else { return }
        key(name)
        text.append("\"")
        Self.appendISO8601(value, to: &text)
        text.append("\"")
    }

    /// A value that is already JSON text (a nested object or array).
    mutating func json(_ name: String, _ value: String) {
        key(name)
        text.append(value)
    }

    /// `[a,b,…]` from elements that are already JSON text.
    static func array(_ elements: [String]) -> String {
        "[" + elements.joined(separator: ",") + "]"
    }

    /// `{"k":n,…}` for a dictionary of counts.
    static func object(_ counts: [String: Int]) -> String {
        var object = JSONText(capacity: 32 * counts.count)
        for (name, value) in counts.sorted(by: { $0.key < $1.key }) { object.int(name, value) }
        return object.close()
    }

    static func appendQuoted(_ value: String, to text: inout String) {
        text.append("\"")
        let utf8 = value.utf8
        // Most names and codes need no escaping: copy them whole.
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            text.append(value)
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": text.append("\\\"")
                case "\\": text.append("\\\\")
                case "\n": text.append("\\n")
                case "\r": text.append("\\r")
                case "\t": text.append("\\t")
                case "\u{08}": text.append("\\b")
                case "\u{0C}": text.append("\\f")
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16, uppercase: false)
                    text.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                default:
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text.append("\"")
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC, the second rounded down, as the `.iso8601` strategy writes it.
    static func appendISO8601(_ date: Date, to text: inout String) {
        let utc = OsloTime(date, secondsFromGMT: 0)
        func pad(_ value: Int, _ width: Int) {
            let digits = String(value)
            if digits.count < width { text.append(String(repeating: "0", count: width - digits.count)) }
            text.append(digits)
        }
        pad(utc.year, 4); text.append("-"); pad(utc.month, 2); text.append("-"); pad(utc.day, 2)
        text.append("T")
        pad(utc.hour, 2); text.append(":"); pad(utc.minute, 2); text.append(":"); pad(utc.second, 2)
        text.append("Z")
    }

    /// An answer with this JSON text, as Vapor would send an encoded `Content`.
    static func response(_ text: String, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(string: text))
    }
}
