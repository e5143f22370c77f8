import Foundation

/// What a mentor gathering (mentorsamling, nettverksmøte, faddersamling) may hold, and what may be
/// done with it when. Pure checks shared by pages and API; each problem names its field and a
/// string key. Snart Ansatt V9 asks for fadder gatherings; the AFI report says mentors get no
/// training and ask for it — these gatherings are where the office gives it.
enum GatheringRules {
    static let maxPlace = 200
    static let maxTheme = 300
    static let maxSummary = 4_000
    static let maxCancelReason = 1_000
    /// Gatherings are planned up to a year ahead, and registered afterwards up to two years back.
    static let maxDaysAhead = 366
    static let maxYearsBack = 2
    /// At most this many mentors in one call (the office's whole mentor list fits).
    static let maxMentorsPerCall = 500

    /// Derived from the data, never stored.
    enum Status: String, Sendable, CaseIterable {
        /// The start is ahead.
        case planned = "planlagt"
        /// The start has passed: attendance and a summary may be written.
        case held = "holdt"
        case cancelled = "avlyst"

        var labelKey: String { "gathering.status.\(rawValue)" }
    }

    static func status(startsAt: Date, cancelledAt: Date?, now: Date) -> Status {
        if cancelledAt != nil { return .cancelled }
        return startsAt > now ? .planned : .held
    }

    // MARK: - A new gathering

    struct Input: Sendable {
        var kind: String?
        /// ISO 8601 (the API), or `day` + `time` (a form).
        var startsAt: String?
        var day: String?
        var time: String?
        var place: String?
        var theme: String?
    }

    struct ValidGathering: Sendable, Equatable {
        var kind: GatheringKind
        var startsAt: Date
        var place: String
        var theme: String
    }

    /// Kind, start, place and theme are all required.
    static func gathering(_ input: Input, now: Date) throws -> ValidGathering {
        var issues: [ProblemError.FieldIssue] = []
        var kind: GatheringKind?
        if let raw = trimmed(input.kind) {
            kind = GatheringKind(rawValue: raw)
            if kind == nil { issues.append(.init("kind", "gathering.error.kind")) }
        } else {
            issues.append(.init("kind", "gathering.error.kind"))
        }
        let startsAt = start(input, now: now, issues: &issues)
        let place = text(input.place, field: "place", max: maxPlace, requiredKey: "gathering.error.place_required", issues: &issues)
        let theme = text(input.theme, field: "theme", max: maxTheme, requiredKey: "gathering.error.theme_required", issues: &issues)
        guard issues.isEmpty, let kind, let startsAt, let place, let theme else { throw ProblemError.validation(issues) }
        return ValidGathering(kind: kind, startsAt: startsAt, place: place, theme: theme)
    }

    /// The start: `startsAt` from the API, or the form's day and time (each named on its own).
    static func start(_ input: Input, now: Date, issues: inout [ProblemError.FieldIssue]) -> Date? {
        let field: String
        let date: Date?
        if let iso = trimmed(input.startsAt) {
            field = "startsAt"
            date = ISO8601DateFormatter().date(from: iso)
            if date == nil {
                issues.append(.init(field, "gathering.error.starts_at_invalid"))
                return nil
            }
        } else if input.day != nil || input.time != nil {
            field = "day"
            let day = trimmed(input.day), time = trimmed(input.time)
            var parts = true
            if day == nil {
                issues.append(.init("day", "gathering.error.day_required"))
                parts = false
            } else if DisplayDate.parseDay(day!) == nil {
                issues.append(.init("day", "gathering.error.day_invalid"))
                parts = false
            }
            if time == nil {
                issues.append(.init("time", "gathering.error.time_required"))
                parts = false
            } else if !isTime(time!) {
                issues.append(.init("time", "gathering.error.time_invalid"))
                parts = false
            }
            guard parts, let day, let time else { return nil }
            date = DisplayDate.parseDayTime(day, time)
            if date == nil {
                issues.append(.init("day", "gathering.error.day_invalid"))
                return nil
            }
        } else {
            issues.append(.init("startsAt", "gathering.error.starts_at_required"))
            return nil
        }
        guard let date else { return nil }
        let calendar = RuleDuration.calendar
        let latest = calendar.date(byAdding: .day, value: maxDaysAhead, to: now) ?? now
        let earliest = calendar.date(byAdding: .year, value: -maxYearsBack, to: now) ?? now
        if date > latest {
            issues.append(.init(field, "gathering.error.too_far_ahead"))
            return nil
        }
        if date < earliest {
            issues.append(.init(field, "gathering.error.too_far_back", String(maxYearsBack)))
            return nil
        }
        return date
    }

    /// `HH:mm`, 00:00–23:59.
    static func isTime(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard text.count == 5, parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]) else { return false }
        return (0...23).contains(hour) && (0...59).contains(minute)
    }

    // MARK: - What may be done when

    /// Mentors are invited until the gathering is cancelled (also after the start, for someone who came unannounced).
    static func mayInvite(cancelledAt: Date?) throws {
        if cancelledAt != nil { throw ProblemError(.conflict, key: "gathering.error.cancelled") }
    }

    /// A mentor answers before the start of a gathering that is not cancelled.
    static func mayAnswer(startsAt: Date, cancelledAt: Date?, now: Date) throws {
        if cancelledAt != nil { throw ProblemError(.conflict, key: "gathering.error.cancelled") }
        if startsAt <= now { throw ProblemError(.conflict, key: "gathering.error.answer_after_start") }
    }

    /// Attendance is recorded once the gathering has begun.
    static func mayRecordAttendance(startsAt: Date, cancelledAt: Date?, now: Date) throws {
        if cancelledAt != nil { throw ProblemError(.conflict, key: "gathering.error.cancelled") }
        if startsAt > now { throw ProblemError(.conflict, key: "gathering.error.attendance_before_start", args: [DisplayDate.dateTime(startsAt)]) }
    }

    /// A gathering is cancelled while nothing says it was held: no attendance and no summary.
    static func mayCancel(cancelledAt: Date?, summaryAt: Date?, attendanceRecorded: Bool) throws {
        if cancelledAt != nil { throw ProblemError(.conflict, key: "gathering.error.cancelled") }
        if summaryAt != nil || attendanceRecorded { throw ProblemError(.conflict, key: "gathering.error.already_held") }
    }

    // MARK: - Inputs of the other changes

    static func answer(_ raw: String?) throws -> GatheringAnswer {
        guard let raw = trimmed(raw), let answer = GatheringAnswer(rawValue: raw) else {
            throw ProblemError.validation([.init("answer", "gathering.error.answer")])
        }
        return answer
    }

    /// The summary is written after the start, not on a cancelled gathering.
    static func summary(_ raw: String?, startsAt: Date, cancelledAt: Date?, now: Date) throws -> String {
        if cancelledAt != nil { throw ProblemError(.conflict, key: "gathering.error.cancelled") }
        var issues: [ProblemError.FieldIssue] = []
        let text = text(raw, field: "summary", max: maxSummary, requiredKey: "gathering.error.summary_required", issues: &issues)
        if text != nil, startsAt > now {
            issues.append(.init("summary", "gathering.error.summary_before_start", DisplayDate.dateTime(startsAt)))
        }
        guard issues.isEmpty, let text else { throw ProblemError.validation(issues) }
        return text
    }

    /// An optional reason.
    static func cancelReason(_ raw: String?) throws -> String? {
        var issues: [ProblemError.FieldIssue] = []
        let reason = text(raw, field: "reason", max: maxCancelReason, requiredKey: nil, issues: &issues)
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        return reason
    }

    /// Mentor ids as given: each must be a UUID; at least one; duplicates count once.
    static func mentorIDs(_ raw: [String], field: String = "mentorIds") throws -> [UUID] {
        var ids: [UUID] = []
        for value in raw {
            guard let id = UUID(uuidString: value.trimmingCharacters(in: .whitespaces)) else {
                throw ProblemError.validation([.init(field, "gathering.error.mentor_unknown")])
            }
            if !ids.contains(id) { ids.append(id) }
        }
        if ids.isEmpty { throw ProblemError.validation([.init(field, "gathering.error.mentors_required")]) }
        if ids.count > maxMentorsPerCall { throw ProblemError.validation([.init(field, "gathering.error.too_many_mentors", String(maxMentorsPerCall))]) }
        return ids
    }

    /// Per mentor: came (true) or did not (false). At least one; a mentor named twice is refused.
    static func attendance(_ raw: [(mentorID: String, attended: Bool?)], field: String = "attendance") throws -> [UUID: Bool] {
        var result: [UUID: Bool] = [:]
        for (index, item) in raw.enumerated() {
            guard let id = UUID(uuidString: item.mentorID.trimmingCharacters(in: .whitespaces)) else {
                throw ProblemError.validation([.init("\(field)[\(index)].mentorId", "gathering.error.mentor_unknown")])
            }
            guard let attended = item.attended else {
                throw ProblemError.validation([.init("\(field)[\(index)].attended", "gathering.error.attended_required")])
            }
            if result[id] != nil { throw ProblemError.validation([.init("\(field)[\(index)].mentorId", "gathering.error.mentor_twice")]) }
            result[id] = attended
        }
        if result.isEmpty { throw ProblemError.validation([.init(field, "gathering.error.attendance_empty")]) }
        return result
    }

    // MARK: - Pieces

    /// Trimmed, without NUL characters (PostgreSQL refuses them in text).
    static func trimmed(_ text: String?) -> String? {
        PathwayRules.trimmed(text)
    }

    static func text(_ raw: String?, field: String, max: Int, requiredKey: String?, issues: inout [ProblemError.FieldIssue]) -> String? {
        guard let value = trimmed(raw) else {
            if let requiredKey { issues.append(.init(field, requiredKey)) }
            return nil
        }
        if value.count > max {
            issues.append(.init(field, "gathering.error.too_long", String(max)))
            return nil
        }
        return value
    }
}
