import Foundation
import NIOConcurrencyHelpers

/// Day arithmetic in Norwegian time for the rules, with the answers remembered.
///
/// The criteria and alerts ask for the start of an event's day, and for the day some days, weeks,
/// months or years on, many times per pathway; each answer from `Calendar` costs microseconds, and
/// the daily job asks for every active pathway. A day in Norway starts on a whole UTC hour (the
/// offset has been one or two whole hours since 1895), so every moment of one UTC hour has the same
/// start of day: the start is remembered per hour, and only when it and the next day's start lie on
/// whole hours. A day
/// on is remembered per start of day, unit and count. Answers are `Calendar`'s own, computed once.
enum RuleDays {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = DisplayDate.timeZone
        return calendar
    }()

    /// Remembered answers are dropped when there are more than this many of each kind (a few
    /// megabytes); five years of hours is about 44 000.
    static let limit = 250_000

    private struct Shift: Hashable {
        var day: Int64
        var unit: UInt8
        var count: Int32
    }

    private static let starts = NIOLockedValueBox<[Int64: Date]>([:])
    private static let shifts = NIOLockedValueBox<[Shift: Date]>([:])

    /// The start of the day `date` falls on.
    static func startOfDay(_ date: Date) -> Date {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e12 else { return calendar.startOfDay(for: date) }
        let hour = Int64((seconds / 3600).rounded(.down))
        if let start = starts.withLockedValue({ $0[hour] }) { return start }
        let start = calendar.startOfDay(for: date)
        // The answer holds for the whole hour when this day and the next start on whole UTC hours.
        let next = calendar.date(byAdding: .day, value: 1, to: start) ?? start
        if start.timeIntervalSince1970.truncatingRemainder(dividingBy: 3600) == 0,
           next.timeIntervalSince1970.truncatingRemainder(dividingBy: 3600) == 0 {
            starts.withLockedValue { starts in
                if starts.count >= limit { starts.removeAll(keepingCapacity: true) }
                starts[hour] = start
            }
        }
        return start
    }

    /// The same time of day `count` days, weeks, months or years from `day` (negative: back).
    static func adding(_ unit: Calendar.Component, _ count: Int, to day: Date) -> Date {
        let code: UInt8
        switch unit {
        case .day: code = 0
        case .weekOfYear: code = 1
        case .month: code = 2
        case .year: code = 3
        default: return calendar.date(byAdding: unit, value: count, to: day) ?? day
        }
        let seconds = day.timeIntervalSince1970
        guard seconds.isFinite, abs(seconds) < 1e12, seconds.rounded(.down) == seconds, let small = Int32(exactly: count) else {
            return calendar.date(byAdding: unit, value: count, to: day) ?? day
        }
        let key = Shift(day: Int64(seconds), unit: code, count: small)
        if let shifted = shifts.withLockedValue({ $0[key] }) { return shifted }
        let shifted = calendar.date(byAdding: unit, value: count, to: day) ?? day
        shifts.withLockedValue { shifts in
            if shifts.count >= limit { shifts.removeAll(keepingCapacity: true) }
            shifts[key] = shifted
        }
        return shifted
    }
}
