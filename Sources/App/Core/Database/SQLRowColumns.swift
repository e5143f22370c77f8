import Foundation
import SQLKit

extension SQLRow {
    /// A UUID column. SQLite keeps UUIDs as text, and Foundation's parser on Linux goes through
    /// `sscanf`, which was a twentieth of the daily job's CPU; this parses the text by hand (on
    /// PostgreSQL the driver gives the text of its binary UUID).
    func uuid(_ column: String) throws -> UUID {
        let text = try decode(column: column, as: String.self)
        guard let id = UUID(text: text) else { throw NotAUUID(column: column, text: text) }
        return id
    }

    /// A UUID column that may be NULL.
    func uuidIfPresent(_ column: String) throws -> UUID? {
        guard let text = try optional(column, as: String.self) else { return nil }
        guard let id = UUID(text: text) else { throw NotAUUID(column: column, text: text) }
        return id
    }

    /// A column that may be NULL. Asked for as `T?`, SQLiteKit decodes it through a nested
    /// `Decoder` (an object per value); as `T`, it converts the value directly.
    func optional<T: Decodable>(_ column: String, as type: T.Type) throws -> T? {
        try decodeNil(column: column) ? nil : decode(column: column, as: T.self)
    }
}

struct NotAUUID: Error, CustomStringConvertible {
    var column: String
    var text: String
    var description: String { "Kolonnen \(column) inneholder ikke en UUID: «\(text)»." }
}

extension UUID {
    /// Parses the 36-character form (8-4-4-4-12 hexadecimal digits, either case), as `UUID(uuidString:)` does.
    init?(text: String) {
        var text = text
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = text.withUTF8 { chars -> Bool in
            guard chars.count == 36 else { return false }
            return withUnsafeMutableBytes(of: &value) { out -> Bool in
                var index = 0, byte = 0
                while index < 36 {
                    if index == 8 || index == 13 || index == 18 || index == 23 {
                        guard chars[index] == UInt8(ascii: "-") else { return false }
                        index += 1
                        continue
                    }
                    guard let high = Self.nibble(chars[index]), let low = Self.nibble(chars[index + 1]) else { return false }
                    out[byte] = high << 4 | low
                    byte += 1
                    index += 2
                }
                return true
            }
        }
        guard parsed else { return nil }
        self.init(uuid: value)
    }

    /// The 36-character form in capitals, as `uuidString` writes it. Foundation on Linux formats it
    /// with `snprintf`, a hundredth of the portfolio's CPU for its 50 rows.
    var text: String {
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var index = 0
                for (byte, value) in bytes.enumerated() {
                    if byte == 4 || byte == 6 || byte == 8 || byte == 10 {
                        out[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    HexDigits.write(value, HexDigits.upper, to: out, at: &index)
                }
                return index
            }
        }
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "A") ... UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a") ... UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

enum HexDigits {
    static let upper: [UInt8] = Array("0123456789ABCDEF".utf8)
    static let lower: [UInt8] = Array("0123456789abcdef".utf8)

    /// One byte's two digits at `index`, which moves past them.
    static func write(_ value: UInt8, _ digits: [UInt8], to out: UnsafeMutableBufferPointer<UInt8>, at index: inout Int) {
        out[index] = digits[Int(value >> 4)]
        out[index + 1] = digits[Int(value & 0x0F)]
        index += 2
    }

    /// Bytes in lowercase hexadecimal, two digits each.
    static func lowercase(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: 2 * bytes.count) { out in
            var index = 0
            for value in bytes { write(value, lower, to: out, at: &index) }
            return index
        }
    }
}
