import Foundation

/// Dates as a Norwegian counselor reads them, in Norwegian time.
enum DisplayDate {
    static let timeZone = TimeZone(identifier: "Europe/Oslo") ?? .current

    private static func formatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "nb_NO")
        formatter.timeZone = timeZone
        formatter.dateFormat = format
        return formatter
    }

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
        guard text.count == 10 else { return nil }
        return formatter("yyyy-MM-dd").date(from: text)
    }

    /// `HH:mm` for an HTML time input.
    static func timeInput(_ date: Date) -> String {
        let t = OsloTime(date)
        return "\(t.hh):\(t.mi)"
    }

    /// Parses a day (`yyyy-MM-dd`) and a time (`HH:mm`) in Norwegian time.
    static func parseDayTime(_ day: String, _ time: String) -> Date? {
        guard day.count == 10, time.count == 5 else { return nil }
        return formatter("yyyy-MM-dd HH:mm").date(from: "\(day) \(time)")
    }
}

/// A moment as wall-clock fields in Norwegian time, computed with integer arithmetic.
///
/// Pages show dozens of dates; a `DateFormatter` per date opened an ICU formatter each time, which
/// was the largest single cost of rendering a candidate page. Only the zone offset comes from
/// `TimeZone`; the calendar date is the proleptic Gregorian one (days-from-civil, inverted).
struct OsloTime {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    init(_ date: Date) {
        let offset = DisplayDate.timeZone.secondsFromGMT(for: date)
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
