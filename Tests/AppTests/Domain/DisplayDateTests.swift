@testable import App
import Foundation
import Testing

@Suite("Dates shown in Norwegian time")
struct DisplayDateTests {
    private func reference(_ format: String, _ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "nb_NO")
        formatter.timeZone = DisplayDate.timeZone
        formatter.dateFormat = format
        return formatter.string(from: date)
    }

    @Test("The arithmetic formatting agrees with DateFormatter across years, leap days and both daylight-saving changes")
    func agreesWithFormatter() {
        var moments: [Date] = []
        // Around the changes of 2026 (29 March 01:00 UTC, 25 October 01:00 UTC), minute by minute.
        for base in [1_774_746_000.0, 1_792_890_000.0] {
            for minute in -90...90 { moments.append(Date(timeIntervalSince1970: base + Double(minute) * 60)) }
        }
        // Leap days, turns of the year and a spread of moments from 1930 to 2100, with seconds.
        for text in ["2024-02-29T23:30:00Z", "2000-02-29T12:00:00Z", "2026-12-31T23:00:00Z", "2026-12-31T22:59:59Z", "1969-12-31T23:59:59Z"] {
            moments.append(ISO8601DateFormatter().date(from: text)!)
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            moments.append(Date(timeIntervalSince1970: Double(Int64.random(in: -1_262_304_000...4_102_444_800, using: &generator)) + 0.75))
        }
        for date in moments {
            #expect(DisplayDate.dateTime(date) == reference("dd.MM.yyyy HH:mm", date), "\(date)")
            #expect(DisplayDate.date(date) == reference("dd.MM.yyyy", date))
            #expect(DisplayDate.dateTimeSeconds(date) == reference("dd.MM.yyyy HH:mm:ss", date))
            #expect(DisplayDate.dayInput(date) == reference("yyyy-MM-dd", date))
            #expect(DisplayDate.monthInput(date) == reference("yyyy-MM", date))
            #expect(DisplayDate.timeInput(date) == reference("HH:mm", date))
            #expect(DisplayDate.month(date) == reference("LLLL yyyy", date))
        }
    }
}
