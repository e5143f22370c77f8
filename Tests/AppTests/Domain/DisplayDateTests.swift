@testable import App
import Foundation
import Testing

@Suite("Dates shown in Norwegian time")
struct DisplayDateTests {
    private func formatter(_ format: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "nb_NO")
        formatter.timeZone = DisplayDate.timeZone
        formatter.dateFormat = format
        return formatter
    }

    private func reference(_ format: String, _ date: Date) -> String {
        formatter(format).string(from: date)
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

    private func referenceParse(_ format: String, _ text: String) -> Date? {
        formatter(format).date(from: text)
    }

    @Test("Parsing a day, and a day with a time, agrees with DateFormatter for every day 1930–2100 and every quarter hour around the daylight-saving changes")
    func parsingAgreesWithFormatter() throws {
        var day = try #require(referenceParse("yyyy-MM-dd", "1930-01-01"))
        let end = try #require(referenceParse("yyyy-MM-dd", "2100-12-31"))
        var days = 0
        while day <= end {
            let text = DisplayDate.dayInput(day)
            #expect(DisplayDate.parseDay(text) == referenceParse("yyyy-MM-dd", text), "\(text)")
            day = day.addingTimeInterval(86_400 + 3_600 * 3)
            day = try #require(DisplayDate.parseDay(DisplayDate.dayInput(day)))
            days += 1
        }
        #expect(days > 62_000)
        // The changes of 2026 and 1980 (the first year with summer time after the war), both ways.
        for text in ["2026-03-29", "2026-10-25", "1980-04-06", "1980-09-28", "2025-03-30", "2025-10-26"] {
            for quarter in 0..<(24 * 4) {
                let time = "\(quarter / 4 < 10 ? "0" : "")\(quarter / 4):\(["00", "15", "30", "45"][quarter % 4])"
                let reference = referenceParse("yyyy-MM-dd HH:mm", "\(text) \(time)")
                #expect(DisplayDate.parseDayTime(text, time) == reference, "\(text) \(time)")
            }
        }
    }

    /// Stricter than `DateFormatter`, which also took `2026/04/30`, `12.00` and full-width digits.
    @Test("A day or time that does not exist, or is written otherwise, is refused", arguments: [
        ("2026-02-29", "12:00"), ("2024-02-30", "12:00"), ("2026-13-01", "12:00"), ("2026-00-10", "12:00"), ("2026-04-31", "12:00"),
        ("2026-4-301", "12:00"), ("26-04-2026", "12:00"), ("2026/04/30", "12:00"), ("2026-04-3x", "12:00"), ("２０２６-04-30", "12:00"),
        ("2026-04-30", "24:00"), ("2026-04-30", "12:60"), ("2026-04-30", "1200"), ("2026-04-30", "12.00"), ("2026-04-30", "-1:00"), ("", ""),
    ])
    func refusesWhatIsNotADay(day: String, time: String) {
        #expect(DisplayDate.parseDayTime(day, time) == nil)
        if time == "12:00" { #expect(DisplayDate.parseDay(day) == nil) }
    }

    @Test("2000-02-29 and 2024-02-29 exist, 1900-02-29 and 2100-02-29 do not")
    func leapDays() {
        #expect(DisplayDate.parseDay("2000-02-29") != nil)
        #expect(DisplayDate.parseDay("2024-02-29") != nil)
        #expect(DisplayDate.parseDay("1900-02-29") == nil)
        #expect(DisplayDate.parseDay("2100-02-29") == nil)
    }
}
