@testable import App
import Foundation
import Testing

/// `RuleDays` remembers `Calendar`'s answers; these tests hold it to `Calendar` itself, on a
/// calendar of its own, across daylight-saving changes and far from today.
@Suite("Day arithmetic for the rules")
struct RuleDaysTests {
    static let oslo: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Oslo")!
        return calendar
    }()

    @Test("the start of the day of every hour from 2019 to 2028, at a random second in it, twice (the second time remembered)")
    func startOfDayEveryHour() {
        var random = SplitMix64(seed: 7)  // seeded, so a failure can be repeated
        let from = Self.oslo.date(from: DateComponents(year: 2019, month: 1, day: 1))!.timeIntervalSince1970
        let to = Self.oslo.date(from: DateComponents(year: 2028, month: 1, day: 1))!.timeIntervalSince1970
        var mismatches = 0
        for round in 0 ..< 2 {
            for hour in stride(from: from, to: to, by: 3600) {
                let moment = Date(timeIntervalSince1970: hour + Double(Int.random(in: 0 ..< 3600, using: &random)) + (round == 0 ? 0 : 0.25))
                if RuleDays.startOfDay(moment) != Self.oslo.startOfDay(for: moment) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("moments at the edges of a day, on both daylight-saving changes, and far from today")
    func edges() {
        var moments: [Date] = []
        for (year, month, day) in [(2026, 3, 29), (2026, 10, 25), (2025, 3, 30), (2025, 10, 26), (2024, 2, 29), (1931, 6, 1), (2099, 12, 31)] {
            let start = Self.oslo.date(from: DateComponents(year: year, month: month, day: day))!
            for offset in [-1.0, -0.001, 0, 0.001, 3599.999, 3600, 7199, 7200, 10_800, 86_399.999] {
                moments.append(start.addingTimeInterval(offset))
            }
        }
        var random = SplitMix64(seed: 11)  // seeded, so a failure can be repeated
        let low = Self.oslo.date(from: DateComponents(year: 1930, month: 1, day: 1))!.timeIntervalSince1970
        let high = Self.oslo.date(from: DateComponents(year: 2100, month: 1, day: 1))!.timeIntervalSince1970
        for _ in 0 ..< 20_000 { moments.append(Date(timeIntervalSince1970: Double.random(in: low ..< high, using: &random))) }
        for moment in moments + moments {
            #expect(RuleDays.startOfDay(moment) == Self.oslo.startOfDay(for: moment), "\(moment)")
        }
    }

    @Test("deadlines and earliest days for every unit and count 1-40, as the calendar counts them")
    func durations() {
        var random = SplitMix64(seed: 3)  // seeded, so a failure can be repeated
        let low = Self.oslo.date(from: DateComponents(year: 2020, month: 1, day: 1))!.timeIntervalSince1970
        let high = Self.oslo.date(from: DateComponents(year: 2030, month: 1, day: 1))!.timeIntervalSince1970
        let units: [(RuleDuration.Unit, Calendar.Component)] = [(.day, .day), (.week, .weekOfYear), (.month, .month), (.year, .year)]
        var checked = 0
        for _ in 0 ..< 1_500 {
            let moment = Date(timeIntervalSince1970: Double.random(in: low ..< high, using: &random))
            let day = Self.oslo.startOfDay(for: moment)
            for (unit, component) in units {
                for count in [1, 2, 3, 6, 12, 14, 26, 40] {
                    let rule = RuleDuration(count, unit)
                    let last = Self.oslo.date(byAdding: component, value: count, to: day)!
                    #expect(rule.deadline(after: moment) == Self.oslo.date(byAdding: .day, value: 1, to: last)!)
                    #expect(rule.earliest(before: moment) == Self.oslo.date(byAdding: component, value: -count, to: day)!)
                    checked += 1
                }
            }
        }
        #expect(checked == 1_500 * 4 * 8)
    }
}
