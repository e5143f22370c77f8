import Foundation

/// A Norwegian organisation number (organisasjonsnummer): nine digits, the last a mod-11 check
/// digit over the first eight with the weights 3 2 7 6 5 4 3 2.
public struct OrganisationNumber: Sendable, Hashable {
    public enum Problem: Error, Equatable, Sendable {
        case wrongLength, notDigits, checkDigit

        public var messageKey: String {
            switch self {
            case .wrongLength: "orgnr.error.length"
            case .notDigits: "orgnr.error.digits"
            case .checkDigit: "orgnr.error.check"
            }
        }
    }

    public let value: String

    /// Validates `raw`; spaces and dots are ignored, as people type them ("974 760 673").
    public init(_ raw: String) throws(Problem) {
        let text = raw.filter { $0 != " " && $0 != "." && $0 != "\u{00A0}" }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw .notDigits }
        guard text.count == 9 else { throw .wrongLength }
        let digits = text.compactMap(\.wholeNumberValue)
        guard Self.checkDigit(Array(digits.prefix(8))) == digits[8] else { throw .checkDigit }
        value = text
    }

    /// The check digit for eight digits, or nil when it would be 10 (such numbers are never issued).
    static func checkDigit(_ eight: [Int]) -> Int? {
        let weights = [3, 2, 7, 6, 5, 4, 3, 2]
        let sum = zip(eight, weights).reduce(0) { $0 + $1.0 * $1.1 }
        let check = 11 - sum % 11
        if check == 11 { return 0 }
        return check == 10 ? nil : check
    }

    /// "974 760 673", as the register prints it.
    public var formatted: String {
        let chars = Array(value)
        return String(chars[0..<3]) + " " + String(chars[3..<6]) + " " + String(chars[6..<9])
    }

    /// A valid number that is never issued (real numbers start with 8 or 9): for demo and test data.
    public static func synthetic(_ seed: Int) -> String {
        var n = abs(seed) % 10_000_000
        while true {
            let eight = "1" + String(format: "%07d", n)
            let digits = eight.compactMap(\.wholeNumberValue)
            if let check = checkDigit(digits) { return eight + String(check) }
            n = (n + 1) % 10_000_000
        }
    }
}
