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
        formatter("dd.MM.yyyy HH:mm").string(from: date)
    }

    static func date(_ date: Date) -> String {
        formatter("dd.MM.yyyy").string(from: date)
    }

    /// "november 2026".
    static func month(_ date: Date) -> String {
        formatter("LLLL yyyy").string(from: date)
    }

    /// `yyyy-MM` for the API.
    static func monthInput(_ date: Date) -> String {
        formatter("yyyy-MM").string(from: date)
    }

    /// `yyyy-MM-dd` for an HTML date input and the API.
    static func dayInput(_ date: Date) -> String {
        formatter("yyyy-MM-dd").string(from: date)
    }

    static func dateTimeSeconds(_ date: Date) -> String {
        formatter("dd.MM.yyyy HH:mm:ss").string(from: date)
    }

    /// Parses `yyyy-MM-dd` (an HTML date input) as the start of that day in Norwegian time.
    static func parseDay(_ text: String) -> Date? {
        guard text.count == 10 else { return nil }
        return formatter("yyyy-MM-dd").date(from: text)
    }

    /// `HH:mm` for an HTML time input.
    static func timeInput(_ date: Date) -> String {
        formatter("HH:mm").string(from: date)
    }

    /// Parses a day (`yyyy-MM-dd`) and a time (`HH:mm`) in Norwegian time.
    static func parseDayTime(_ day: String, _ time: String) -> Date? {
        guard day.count == 10, time.count == 5 else { return nil }
        return formatter("yyyy-MM-dd HH:mm").date(from: "\(day) \(time)")
    }
}
