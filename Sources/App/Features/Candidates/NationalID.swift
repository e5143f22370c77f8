import Foundation

/// A Norwegian national identity number: fødselsnummer or D-number, with both mod-11 check digits.
/// Synthetic test numbers (month + 40 or + 80) are accepted only when allowed by configuration.
public struct NationalID: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case fodselsnummer, dNumber
    }

    public enum Problem: Error, Equatable, Sendable {
        case wrongLength, notDigits, invalidDate, checkDigits, syntheticNotAllowed

        public var messageKey: String {
            switch self {
            case .wrongLength: "fnr.error.length"
            case .notDigits: "fnr.error.digits"
            case .invalidDate: "fnr.error.date"
            case .checkDigits: "fnr.error.check"
            case .syntheticNotAllowed: "fnr.error.synthetic"
            }
        }
    }

    /// The 11 digits. Never put this in a URL, a log line or a page title.
    public let value: String
    public let kind: Kind
    public let isSynthetic: Bool
    public let birthDate: DateComponents

    /// The first six digits followed by stars: what pages show until someone asks to see it all.
    public var masked: String { NationalID.mask(value) }

    public static func mask(_ value: String) -> String {
        String(value.prefix(6)) + "*****"
    }

    /// Validates `raw` (spaces and dots are ignored, as people type them).
    public init(_ raw: String, allowSynthetic: Bool) throws(Problem) {
        let text = raw.filter { $0 != " " && $0 != "." && $0 != "\u{00A0}" }
        guard text.count == 11 else { throw .wrongLength }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw .notDigits }
        let digits = text.compactMap { $0.wholeNumberValue }
        guard let check = Self.checkDigits(Array(digits.prefix(9))), check == (digits[9], digits[10]) else { throw .checkDigits }

        var day = digits[0] * 10 + digits[1]
        var month = digits[2] * 10 + digits[3]
        let year2 = digits[4] * 10 + digits[5]
        let individual = digits[6] * 100 + digits[7] * 10 + digits[8]

        var kind = Kind.fodselsnummer
        if day > 40 {
            kind = .dNumber
            day -= 40
        }
        var synthetic = false
        if month > 80 {
            month -= 80
            synthetic = true
        } else if month > 40 {
            month -= 40
            synthetic = true
        }
        if synthetic && !allowSynthetic { throw .syntheticNotAllowed }
        guard let year = Self.fullYear(year2: year2, individual: individual),
              Self.isRealDate(day: day, month: month, year: year)
        else { throw .invalidDate }

        value = text
        self.kind = kind
        isSynthetic = synthetic
        birthDate = DateComponents(year: year, month: month, day: day)
    }

    /// The two check digits for the first nine digits, or nil when a check digit would be 10
    /// (such numbers are never issued).
    static func checkDigits(_ nine: [Int]) -> (Int, Int)? {
        guard nine.count == 9 else { return nil }
        let w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2]
        let w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        func control(_ digits: [Int], _ weights: [Int]) -> Int? {
            let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
            let k = 11 - sum % 11
            return k == 11 ? 0 : (k == 10 ? nil : k)
        }
        guard let k1 = control(nine, w1), let k2 = control(nine + [k1], w2) else { return nil }
        return (k1, k2)
    }

    /// The century follows from the individual number (Skatteetaten's rules).
    static func fullYear(year2: Int, individual: Int) -> Int? {
        switch individual {
        case 0...499: 1900 + year2
        case 500...749 where year2 >= 54: 1800 + year2
        case 500...999 where year2 <= 39: 2000 + year2
        case 900...999 where year2 >= 40: 1900 + year2
        default: nil
        }
    }

    static func isRealDate(day: Int, month: Int, year: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    /// A valid synthetic number (month + 80) for demo and benchmark data. Deterministic in its inputs.
    public static func synthetic(day: Int, month: Int, year: Int, individualSeed: Int, dNumber: Bool = false) -> String {
        let year2 = year % 100
        var seed = individualSeed
        while true {
            // Pick an individual number from the range that gives the right century.
            let range: ClosedRange<Int> = year >= 2000 ? 500...999 : 0...499
            let individual = range.lowerBound + (abs(seed) % (range.count))
            let dd = dNumber ? day + 40 : day
            let nine = [dd / 10, dd % 10, (month + 80) / 10, (month + 80) % 10, year2 / 10, year2 % 10,
                        individual / 100, individual / 10 % 10, individual % 10]
            if let (k1, k2) = checkDigits(nine) {
                return (nine + [k1, k2]).map(String.init).joined()
            }
            seed += 1
        }
    }
}
