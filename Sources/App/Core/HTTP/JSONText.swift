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
    /// UTF-8, appended byte by byte: `String.append` of short pieces took its slow path for almost
    /// every key and value (a tenth of the portfolio's CPU for its 50 candidates).
    private var bytes: [UInt8]
    private var needsComma = false

    init(capacity: Int = 1_024) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    /// The finished object.
    mutating func close() -> String {
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func key(_ name: StaticString) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// A key that is not known when the code is written (a count's filter): quoted and escaped.
    private mutating func key(_ name: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        appendQuoted(value)
    }

    mutating func int(_ name: StaticString, _ value: Int) {
        key(name)
        appendInt(value)
    }

    mutating func bool(_ name: StaticString, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
    }

    mutating func uuid(_ name: StaticString, _ value: UUID) {
        key(name)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: value.text.utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func date(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        key(name)
        bytes.append(UInt8(ascii: "\""))
        Self.appendISO8601(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A nested object, written by `body` into the same text.
    mutating func object(_ name: StaticString, _ body: (inout JSONText) -> Void) {
        key(name)
        nested(body)
    }

    /// `"name":[{…},{…}]`, each element's object written by `write` into the same text.
    mutating func array<Elements: Sequence>(_ name: StaticString, _ elements: Elements, _ write: (Elements.Element, inout JSONText) -> Void) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        var first = true
        for element in elements {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            nested { write(element, &$0) }
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// `"name":{"k":n,…}` for a dictionary of counts, its keys in order.
    mutating func counts(_ name: StaticString, _ counts: [String: Int]) {
        object(name) { object in
            for (key, value) in counts.sorted(by: { $0.key < $1.key }) {
                object.key(key)
                object.appendInt(value)
            }
        }
    }

    private mutating func nested(_ body: (inout JSONText) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)

    private mutating func appendInt(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    private mutating func appendQuoted(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            // Most names and codes need no escaping: copy them whole. Escapes concern ASCII only,
            // so the bytes of other characters are copied as they are.
            guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
                case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
                case 0x08: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "f"))
                case ..<0x20:
                    bytes.append(contentsOf: Array("\\u00".utf8))
                    bytes.append(HexDigits.lower[Int(byte >> 4)])
                    bytes.append(HexDigits.lower[Int(byte & 0x0F)])
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC, the second rounded down, as the `.iso8601` strategy writes it.
    private static func appendISO8601(_ date: Date, to bytes: inout [UInt8]) {
        let utc = OsloTime(date, secondsFromGMT: 0)
        func digits(_ value: Int, _ width: Int) {
            if width == 4, !(0...9_999).contains(value) {
                bytes.append(contentsOf: String(value).utf8)
                return
            }
            var divisor = width == 4 ? 1_000 : 10
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(utc.year, 4); bytes.append(UInt8(ascii: "-")); digits(utc.month, 2); bytes.append(UInt8(ascii: "-")); digits(utc.day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(utc.hour, 2); bytes.append(UInt8(ascii: ":")); digits(utc.minute, 2); bytes.append(UInt8(ascii: ":")); digits(utc.second, 2)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// One date as `appendISO8601` writes it (for the tests against the encoder).
    static func iso8601(_ date: Date) -> String {
        var bytes: [UInt8] = []
        appendISO8601(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// An answer with this JSON text, as Vapor would send an encoded `Content`.
    static func response(_ text: String, status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(string: text))
    }
}
