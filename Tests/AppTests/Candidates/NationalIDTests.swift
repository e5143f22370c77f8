@testable import App
import Foundation
import Testing

/// An 11-digit number with correct check digits for exactly these parts, whatever the date says, or
/// nil when a check digit would be 10 (such numbers are never issued).
private func exactNumber(day: Int, month: Int, year2: Int, individual: Int) -> String? {
    let nine = [day / 10, day % 10, month / 10, month % 10, year2 / 10, year2 % 10, individual / 100, individual / 10 % 10, individual % 10]
    guard let (k1, k2) = NationalID.checkDigits(nine) else { return nil }
    return (nine + [k1, k2]).map(String.init).joined()
}

/// Like `exactNumber`, walking up from `individual` to the first one whose check digits exist, so a
/// test can make the date the only thing that is wrong. Start well inside a century's range.
private func number(day: Int, month: Int, year2: Int, individual: Int) -> String {
    var individual = individual
    while true {
        if let raw = exactNumber(day: day, month: month, year2: year2, individual: individual) { return raw }
        individual += 1
    }
}

/// `text` with the digit at `index` changed.
private func changingDigit(_ text: String, at index: Int) -> String {
    var digits = Array(text)
    digits[index] = Character(String(((digits[index].wholeNumberValue ?? 0) + 1) % 10))
    return String(digits)
}

private func problem(_ raw: String, allowSynthetic: Bool = false) -> NationalID.Problem? {
    do {
        _ = try NationalID(raw, allowSynthetic: allowSynthetic)
        return nil
    } catch {
        return error
    }
}

@Suite("NationalID: fødselsnummer and D-number validation")
struct NationalIDTests {
    // MARK: Valid numbers

    @Test("A fødselsnummer with correct check digits is accepted and read back")
    func validFodselsnummer() throws {
        let raw = number(day: 15, month: 3, year2: 85, individual: 123)
        let id = try NationalID(raw, allowSynthetic: false)
        #expect(id.value == raw)
        #expect(id.kind == .fodselsnummer)
        #expect(!id.isSynthetic)
        #expect(id.birthDate.year == 1985)
        #expect(id.birthDate.month == 3)
        #expect(id.birthDate.day == 15)
    }

    @Test("A D-number (day + 40) is accepted as a D-number with the real day")
    func validDNumber() throws {
        let raw = number(day: 15 + 40, month: 3, year2: 85, individual: 123)
        let id = try NationalID(raw, allowSynthetic: false)
        #expect(id.kind == .dNumber)
        #expect(id.birthDate.day == 15)
        #expect(id.birthDate.month == 3)
        #expect(id.birthDate.year == 1985)
    }

    @Test("Spaces and dots typed between the digits are ignored")
    func formattingIgnored() throws {
        let raw = number(day: 1, month: 12, year2: 70, individual: 42)
        let typed = raw.prefix(6) + " " + raw.dropFirst(6)
        let dotted = raw.prefix(2) + "." + raw.dropFirst(2).prefix(2) + "." + raw.dropFirst(4)
        #expect(try NationalID(String(typed), allowSynthetic: false).value == raw)
        #expect(try NationalID(String(dotted), allowSynthetic: false).value == raw)
    }

    // MARK: Check digits

    @Test("A wrong first check digit is refused")
    func wrongFirstCheckDigit() {
        let valid = number(day: 15, month: 3, year2: 85, individual: 123)
        #expect(problem(changingDigit(valid, at: 9)) == .checkDigits)
    }

    @Test("A wrong second check digit is refused")
    func wrongSecondCheckDigit() {
        let valid = number(day: 15, month: 3, year2: 85, individual: 123)
        #expect(problem(changingDigit(valid, at: 10)) == .checkDigits)
    }

    @Test("Any single changed digit among the first nine is caught", arguments: 0..<9)
    func singleDigitErrors(index: Int) {
        let valid = number(day: 24, month: 11, year2: 92, individual: 301)
        let changed = changingDigit(valid, at: index)
        // Changing a date digit may also break the date, which is checked after the check digits.
        #expect(problem(changed) == .checkDigits)
    }

    // MARK: Dates

    @Test("31 February is refused even with correct check digits")
    func thirtyFirstFebruary() {
        #expect(problem(number(day: 31, month: 2, year2: 85, individual: 123)) == .invalidDate)
    }

    @Test("30 February is refused even in a leap year")
    func thirtiethFebruaryInLeapYear() {
        #expect(problem(number(day: 30, month: 2, year2: 96, individual: 123)) == .invalidDate)
    }

    @Test("29 February is valid in a leap year and refused in other years", arguments: [
        (96, 123, true), (95, 123, false), (84, 10, true), (83, 10, false),
        (0, 600, true), // 2000: divisible by 400
        (0, 100, false), // 1900: divisible by 100, not by 400
        (4, 700, true), (23, 800, false),
    ])
    func leapDay(year2: Int, individual: Int, valid: Bool) {
        let raw = number(day: 29, month: 2, year2: year2, individual: individual)
        #expect(problem(raw) == (valid ? nil : .invalidDate))
    }

    @Test("Impossible days and months are refused", arguments: [(0, 5), (32, 1), (31, 4), (31, 6), (31, 9), (31, 11), (10, 0), (10, 13)])
    func impossibleDates(day: Int, month: Int) {
        #expect(problem(number(day: day, month: month, year2: 80, individual: 200)) == .invalidDate)
    }

    @Test("The last day of every month is accepted", arguments: [(31, 1), (28, 2), (31, 3), (30, 4), (31, 5), (30, 6), (31, 7), (31, 8), (30, 9), (31, 10), (30, 11), (31, 12)])
    func lastDayOfMonth(day: Int, month: Int) {
        #expect(problem(number(day: day, month: month, year2: 81, individual: 200)) == nil)
    }

    // MARK: Form

    @Test("Wrong length, letters and empty input are refused", arguments: [
        ("1503851234", NationalID.Problem.wrongLength),
        ("150385123456", .wrongLength),
        ("", .wrongLength),
        ("   ", .wrongLength),
        ("15038512a45", .notDigits),
        ("abcdefghijk", .notDigits),
        ("1503851234-", .notDigits),
        ("15038512٣45", .notDigits), // an Arabic-Indic digit is a number, but not one of ours
    ])
    func malformed(raw: String, expected: NationalID.Problem) {
        #expect(problem(raw) == expected)
    }

    // MARK: Century

    @Test("The individual number decides the century", arguments: [
        (85, 0, 1985), (85, 499, 1985), // 000–499: 1900–1999
        (60, 500, 1860), (99, 749, 1899), // 500–749 with year 54–99: 1855–1899
        (5, 500, 2005), (39, 999, 2039), // 500–999 with year 00–39: 2000–2039
        (45, 900, 1945), (99, 999, 1999), // 900–999 with year 40–99: 1940–1999
    ])
    func century(year2: Int, individual: Int, year: Int) throws {
        #expect(NationalID.fullYear(year2: year2, individual: individual) == year)
        // Keep the individual number exact (it is what is tested) and move the day instead.
        let raw = try #require((1...28).lazy.compactMap { exactNumber(day: $0, month: 6, year2: year2, individual: individual) }.first)
        #expect(try NationalID(raw, allowSynthetic: false).birthDate.year == year)
    }

    @Test("Combinations of year and individual number that are never issued are refused", arguments: [
        (45, 500), (53, 749), // 500–749 with year 40–53
        (45, 750), (80, 899), // 750–899 with year 40–99
    ])
    func impossibleCentury(year2: Int, individual: Int) throws {
        #expect(NationalID.fullYear(year2: year2, individual: individual) == nil)
        let raw = try #require((1...28).lazy.compactMap { exactNumber(day: $0, month: 6, year2: year2, individual: individual) }.first)
        #expect(problem(raw) == .invalidDate)
    }

    // MARK: Synthetic numbers

    @Test("Synthetic numbers are refused unless allowed")
    func syntheticRefused() throws {
        let plus80 = number(day: 15, month: 3 + 80, year2: 85, individual: 123)
        let plus40 = number(day: 15, month: 3 + 40, year2: 85, individual: 123)
        for raw in [plus80, plus40] {
            #expect(problem(raw, allowSynthetic: false) == .syntheticNotAllowed)
            let id = try NationalID(raw, allowSynthetic: true)
            #expect(id.isSynthetic)
            #expect(id.birthDate.month == 3)
            #expect(id.birthDate.day == 15)
        }
        let generated = NationalID.synthetic(day: 1, month: 1, year: 1990, individualSeed: 7)
        #expect(problem(generated, allowSynthetic: false) == .syntheticNotAllowed)
        #expect(problem(generated, allowSynthetic: true) == nil)
    }

    @Test("A synthetic D-number is both", arguments: [false, true])
    func syntheticDNumber(allowed: Bool) throws {
        let raw = NationalID.synthetic(day: 28, month: 2, year: 1977, individualSeed: 31, dNumber: true)
        if allowed {
            let id = try NationalID(raw, allowSynthetic: true)
            #expect(id.kind == .dNumber)
            #expect(id.isSynthetic)
            #expect(id.birthDate == DateComponents(year: 1977, month: 2, day: 28))
        } else {
            #expect(problem(raw) == .syntheticNotAllowed)
        }
    }

    @Test("synthetic(...) always gives a valid number with the asked-for date", arguments: [1940, 1963, 1984, 1996, 1999, 2000, 2004, 2007, 2024])
    func syntheticAlwaysValid(year: Int) throws {
        let calendar = Calendar(identifier: .gregorian)
        let start = try #require(calendar.date(from: DateComponents(year: year, month: 1, day: 1)))
        var checked = 0
        var failures: [String] = []
        for offset in 0..<366 {
            let date = try #require(calendar.date(byAdding: .day, value: offset, to: start))
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            guard parts.year == year, let month = parts.month, let day = parts.day else { continue }
            for seed in [0, 1, 7, 123, 498, 499, 500, 999, 65_537, -5] {
                for dNumber in [false, true] {
                    let raw = NationalID.synthetic(day: day, month: month, year: year, individualSeed: seed, dNumber: dNumber)
                    checked += 1
                    guard let id = try? NationalID(raw, allowSynthetic: true) else {
                        failures.append("\(raw): invalid")
                        continue
                    }
                    if !id.isSynthetic || id.kind != (dNumber ? .dNumber : .fodselsnummer)
                        || id.birthDate != DateComponents(year: year, month: month, day: day)
                        || problem(raw, allowSynthetic: false) != .syntheticNotAllowed {
                        failures.append("\(raw): \(id.kind) \(id.birthDate)")
                    }
                }
            }
        }
        #expect(checked >= 365 * 20)
        #expect(failures.isEmpty, "\(failures.prefix(5))")
    }

    @Test("synthetic(...) is deterministic and different seeds give different numbers")
    func syntheticDeterministic() {
        let a = NationalID.synthetic(day: 12, month: 5, year: 1988, individualSeed: 10)
        #expect(a == NationalID.synthetic(day: 12, month: 5, year: 1988, individualSeed: 10))
        let many = Set((0..<200).map { NationalID.synthetic(day: 12, month: 5, year: 1988, individualSeed: $0 * 3) })
        #expect(many.count > 100)
    }

    // MARK: Masking

    @Test("Masking shows only the first six digits")
    func masking() throws {
        let raw = number(day: 15, month: 3, year2: 85, individual: 123)
        let id = try NationalID(raw, allowSynthetic: false)
        #expect(id.masked == String(raw.prefix(6)) + "*****")
        #expect(NationalID.mask(raw) == id.masked)
        #expect(!id.masked.contains(String(raw.suffix(5))))
        #expect(id.masked.filter(\.isNumber).count == 6)
    }
}
