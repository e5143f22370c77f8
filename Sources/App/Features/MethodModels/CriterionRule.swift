import Foundation

/// A machine-checkable quality criterion: which event is expected, relative to which others
/// (docs/METHOD_MODELS.md, "Rules").
public struct CriterionRule: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// After the latest anchor event, an expected event within the duration; `limit` is an outer limit shown beside it.
        case within(after: Set<PathwayEventType>, within: RuleDuration, limit: RuleDuration?)
        /// Each trigger preceded by an expected event (since the previous trigger, or at the same employer at any time).
        case before(triggers: Set<PathwayEventType>, sameEmployer: Bool, within: RuleDuration?)
        /// From the latest `from` event until one of `until` (or for `period`), no gap longer than `interval`.
        case every(interval: RuleDuration, from: Set<PathwayEventType>, until: Set<PathwayEventType>, period: RuleDuration?)
    }

    public var expect: Set<PathwayEventType>
    public var kind: Kind
    /// Events that end the rule; `pathway_closed` always does.
    public var endsWith: Set<PathwayEventType>

    public var allEnds: Set<PathwayEventType> { endsWith.union([.pathwayClosed]) }
}

/// A duration in a rule: `14d`, `4w`, `2mo`, `1y`. Counted in whole days in Norwegian time, so
/// "within 14 days" of an event on 1 March is met by anything on 15 March.
public struct RuleDuration: Sendable, Hashable, CustomStringConvertible {
    public enum Unit: String, Sendable, Hashable {
        case day = "d", week = "w", month = "mo", year = "y"
    }

    public var value: Int
    public var unit: Unit

    public init(_ value: Int, _ unit: Unit) {
        self.value = value
        self.unit = unit
    }

    public init?(parsing text: String) {
        let units: [Unit] = [.month, .day, .week, .year]
        guard let unit = units.first(where: { text.hasSuffix($0.rawValue) }),
              let value = Int(text.dropLast(unit.rawValue.count)), value > 0, value <= 10_000,
              String(value) + unit.rawValue == text
        else { return nil }
        self.init(value, unit)
    }

    public var description: String { "\(value)\(unit.rawValue)" }

    static var calendar: Calendar { RuleDays.calendar }

    /// The first moment after the last allowed day, counting from the day of `date`.
    public func deadline(after date: Date) -> Date {
        let last = RuleDays.adding(component, value, to: RuleDays.startOfDay(date))
        return RuleDays.adding(.day, 1, to: last)
    }

    /// The start of the first allowed day when counting back from `date`.
    public func earliest(before date: Date) -> Date {
        RuleDays.adding(component, -value, to: RuleDays.startOfDay(date))
    }

    private var component: Calendar.Component {
        switch unit {
        case .day: .day
        case .week: .weekOfYear
        case .month: .month
        case .year: .year
        }
    }
}
