import Foundation

/// When a person outside NAV stops seeing a pathway or an agreement. Plain rules, no database.
///
/// Access ends by itself twelve weeks after whatever it rests on ends — the mentor's period on the
/// pathway, the pathway, or the agreement(s) at the mentor's employer — so a last evaluation can
/// still be written, and nobody keeps seeing a candidate they no longer work with.
public enum WorkspaceAccessRules {
    /// How long access lasts after its ground ends.
    public static let graceWeeks = 12

    public static func plusGrace(_ end: Date) -> Date {
        Calendar.oslo.date(byAdding: .weekOfYear, value: graceWeeks, to: end) ?? end.addingTimeInterval(Double(graceWeeks) * 7 * 86_400)
    }

    /// The agreements that matter, as their end: nil while open-ended; an annulled agreement ends on
    /// its annulment day.
    public struct AgreementEnd: Sendable, Equatable {
        public var end: Date?
        public init(end: Date?) { self.end = end }
    }

    /// The moment a mentor's access to a pathway ends, or nil while it lasts indefinitely.
    /// - Parameters:
    ///   - linkEnd: the last day of the mentor's period on the pathway (nil: still linked).
    ///   - pathwayClosed: the day the pathway was closed (nil: open).
    ///   - agreements: the pathway's agreements at the mentor's employer; when there are some and all
    ///     have ended, the latest end counts. Without any, agreements set no limit.
    public static func mentorAccessEnds(linkEnd: Date?, pathwayClosed: Date?, agreements: [AgreementEnd]) -> Date? {
        var ends: [Date] = []
        if let linkEnd { ends.append(endOfDay(linkEnd)) }
        if let pathwayClosed { ends.append(endOfDay(pathwayClosed)) }
        if !agreements.isEmpty, !agreements.contains(where: { $0.end == nil }) {
            ends.append(endOfDay(agreements.compactMap(\.end).max()!))
        }
        return ends.min().map(plusGrace)
    }

    /// The moment an employer contact's access to one agreement ends, or nil while it lasts.
    public static func employerAccessEnds(agreementEnd: Date?, annulledOn: Date?, pathwayClosed: Date?) -> Date? {
        [agreementEnd, annulledOn, pathwayClosed].compactMap { $0.map(endOfDay) }.min().map(plusGrace)
    }

    public static func isOpen(until end: Date?, at moment: Date) -> Bool {
        end.map { moment < $0 } ?? true
    }

    /// Days are stored as their first moment; the whole last day still counts.
    static func endOfDay(_ day: Date) -> Date {
        Calendar.oslo.date(byAdding: .day, value: 1, to: Calendar.oslo.startOfDay(for: day)) ?? day.addingTimeInterval(86_400)
    }
}
