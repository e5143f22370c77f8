import Foundation

/// Dates as a Norwegian counselor reads them, in Norwegian time.
enum DisplayDate {
    static let timeZone = TimeZone(identifier: "Europe/Oslo") ?? .current

    static func dateTime(_ date: Date) -> String {
        let t = OsloTime(date)
        return "\(t.dd).\(t.mm).\(t.yyyy) \(t.hh):\(t.mi)"
    }

    static func date(_ date: Date) -> String {
        let t = OsloTime(date)
        return "\(t.dd).\(t.mm).\(t.yyyy)"
    }

    static let monthNames = ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"]

    /// "november 2026".
    static func month(_ date: Date) -> String {
        let t = OsloTime(date)
        return "\(monthNames[t.month - 1]) \(t.yyyy)"
    }

    /// `yyyy-MM` for the API.
    static func monthInput(_ date: Date) -> String {
        let t = OsloTime(date)
        return "\(t.yyyy)-\(t.mm)"
    }

    /// `yyyy-MM-dd` for an HTML date input and the API.
    static func dayInput(_ date: Date) -> String {
        let t = OsloTime(date)
        return "\(t.yyyy)-\(t.mm)-\(t.dd)"
    }

    static func dateTimeSeconds(_ date: Date) -> String {
        let t = OsloTime(date)
        return "\(t.dd).\(t.mm).\(t.yyyy) \(t.hh):\(t.mi):\(t.ss)"
    }

    /// Parses `yyyy-MM-dd` (an HTML date input) as the start of that day in Norwegian time.
    static func parseDay(_ text: String) -> Date? {
        OsloTime.parse(text, time: nil)
    }

    /// `HH:mm` for an HTML time input.
    static func timeInput(_ date: Date) -> String {
        let t = OsloTime(date)
        return "\(t.hh):\(t.mi)"
    }

    /// Parses a day (`yyyy-MM-dd`) and a time (`HH:mm`) in Norwegian time.
    static func parseDayTime(_ day: String, _ time: String) -> Date? {
        OsloTime.parse(day, time: time)
    }
}

/// A moment as wall-clock fields in Norwegian time, computed with integer arithmetic.
///
/// Pages show dozens of dates; a `DateFormatter` per date opened an ICU formatter each time, which
/// was the largest single cost of rendering a candidate page. Only the zone offset comes from
/// `TimeZone`; the calendar date is the proleptic Gregorian one (days-from-civil, inverted).
struct OsloTime {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    /// The wall clock in Norwegian time; with `secondsFromGMT: 0`, in UTC (the API's JSON dates).
    init(_ date: Date, secondsFromGMT: Int? = nil) {
        let offset = secondsFromGMT ?? DisplayDate.timeZone.secondsFromGMT(for: date)
        let local = Int((date.timeIntervalSince1970).rounded(.down)) + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondsOfDay = local - days * 86_400
        hour = secondsOfDay / 3_600
        minute = secondsOfDay % 3_600 / 60
        second = secondsOfDay % 60
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// The moment a wall-clock day (`yyyy-MM-dd`) and time (`HH:mm`, nil for midnight) name in
    /// Norwegian time; nil for anything else, or a day that does not exist. Parsed by hand: a
    /// `DateFormatter` per call was a visible share of every form and API write.
    ///
    /// As `DateFormatter` did before: when the clocks go back, 02:00–03:00 comes twice and the second
    /// (winter time) is meant; when they go forward, 02:00–03:00 does not exist and is refused.
    static func parse(_ day: String, time: String?) -> Date? {
        let d = Array(day.utf8)
        guard d.count == 10, d[4] == UInt8(ascii: "-"), d[7] == UInt8(ascii: "-"),
              let year = number(d[0..<4]), let month = number(d[5..<7]), let dayOfMonth = number(d[8..<10]),
              (1...12).contains(month), dayOfMonth >= 1, dayOfMonth <= daysIn(month: month, year: year)
        else { return nil }
        var hour = 0, minute = 0
        if let time {
            let t = Array(time.utf8)
            guard t.count == 5, t[2] == UInt8(ascii: ":"), let h = number(t[0..<2]), let m = number(t[3..<5]), h < 24, m < 60 else { return nil }
            (hour, minute) = (h, m)
        }
        // Days since 1970-01-01 of the civil date (H. Hinnant's days-from-civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + dayOfMonth - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let local = Double((era * 146_097 + doe - 719_468) * 86_400 + hour * 3_600 + minute * 60)
        // The offset in force a day before and a day after; at most one change lies between.
        let zone = DisplayDate.timeZone
        let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: local - 86_400))
        let after = zone.secondsFromGMT(for: Date(timeIntervalSince1970: local + 86_400))
        let fits = [before, after].map { Date(timeIntervalSince1970: local - Double($0)) }.filter { candidate in
            Double(zone.secondsFromGMT(for: candidate)) == local - candidate.timeIntervalSince1970
        }
        return fits.max()
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    var yyyy: String {
        let text = String(year)
        return text.count >= 4 ? text : String(repeating: "0", count: 4 - text.count) + text
    }
    var mm: String { Self.two(month) }
    var dd: String { Self.two(day) }
    var hh: String { Self.two(hour) }
    var mi: String { Self.two(minute) }
    var ss: String { Self.two(second) }
}
