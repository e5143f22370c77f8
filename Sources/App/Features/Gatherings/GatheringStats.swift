import Foundation

/// Attendance at gatherings per mentor over a period, for the office's indicators: how many
/// gatherings a mentor was invited to and how many they came to. Counts only — no names, no
/// answers, no free text. Pure: the caller loads the invitations and chooses the period.
public struct GatheringStats: Sendable, Equatable {
    /// One invitation, with what the counts need from its gathering.
    public struct Record: Sendable, Equatable {
        public var mentorID: UUID
        public var startsAt: Date
        public var cancelled: Bool
        /// nil: attendance not recorded yet.
        public var attended: Bool?

        public init(mentorID: UUID, startsAt: Date, cancelled: Bool, attended: Bool?) {
            self.mentorID = mentorID
            self.startsAt = startsAt
            self.cancelled = cancelled
            self.attended = attended
        }
    }

    /// One mentor's counts.
    public struct Line: Sendable, Equatable {
        public var mentorID: UUID
        /// Invitations to gatherings that took place (not cancelled) in the period.
        public var invited: Int
        /// Of those, the ones the mentor came to.
        public var attended: Int
        /// Of those, the ones whose attendance nobody recorded yet.
        public var notRecorded: Int

        public init(mentorID: UUID, invited: Int = 0, attended: Int = 0, notRecorded: Int = 0) {
            self.mentorID = mentorID
            self.invited = invited
            self.attended = attended
            self.notRecorded = notRecorded
        }
    }

    public var from: Date
    public var to: Date
    /// Mentors with at least one invitation in the period, most invitations first, then by id.
    public var lines: [Line]

    /// Counts gatherings that start in `[from, to)` and were not cancelled. A gathering ahead of
    /// `to` is not counted: nobody could have come yet.
    public init(_ records: [Record], from: Date, to: Date) {
        self.from = from
        self.to = to
        var byMentor: [UUID: Line] = [:]
        for record in records where !record.cancelled && record.startsAt >= from && record.startsAt < to {
            var line = byMentor[record.mentorID] ?? Line(mentorID: record.mentorID)
            line.invited += 1
            if record.attended == true { line.attended += 1 }
            if record.attended == nil { line.notRecorded += 1 }
            byMentor[record.mentorID] = line
        }
        lines = byMentor.values.sorted { ($0.invited, $1.mentorID.uuidString) > ($1.invited, $0.mentorID.uuidString) }
    }

    public func line(for mentorID: UUID) -> Line {
        lines.first { $0.mentorID == mentorID } ?? Line(mentorID: mentorID)
    }

    /// The twelve months up to `now`.
    public static func lastTwelveMonths(_ records: [Record], now: Date) -> GatheringStats {
        let from = RuleDuration.calendar.date(byAdding: .month, value: -12, to: now) ?? now.addingTimeInterval(-365 * 86_400)
        return GatheringStats(records, from: from, to: now)
    }
}
