import Foundation

/// What the follow-up forms and API calls may contain. Pure checks shared by pages and API; each
/// problem names its field and a string key.
enum FollowUpRules {
    static let maxNote = 2_000
    static let maxName = 200
    static let maxPlace = 200
    static let maxAgenda = 4_000
    static let maxMinutes = 20_000
    static let maxDurationMinutes = 12 * 60
    static let maxParticipants = 20
    /// Meetings are booked up to a year ahead, and registered up to ten years back.
    static let maxDaysAhead = 366
    static let maxSnoozeDays = 90
    static let maxGoalTitle = 300

    struct ContactInput: Sendable {
        var occurredAt: String?
        var channel: String?
        var withWhom: String?
        var withName: String?
        var durationMinutes: String?
        var note: String?
        var nextStep: String?
        var forCandidate: Bool = false
    }

    struct ValidContact: Sendable {
        var occurredAt: Date
        var channel: ContactChannel
        var withWhom: ContactParty
        var withName: String?
        var durationMinutes: Int?
        var note: String?
        var nextStep: String?
        var forCandidate: Bool
    }

    /// Three fields are required: when, how and with whom; "annen" also needs a name.
    static func contact(_ input: ContactInput, now: Date, notBefore: Date?) throws -> ValidContact {
        var issues: [ProblemError.FieldIssue] = []
        let at = PathwayRules.moment(input.occurredAt, field: "occurredAt", now: now, notBefore: notBefore, issues: &issues)
        let channel = choice(input.channel, field: "channel", ContactChannel.self, issues: &issues)
        let party = choice(input.withWhom, field: "withWhom", ContactParty.self, issues: &issues)
        let name = PathwayRules.text(input.withName, field: "withName", max: maxName, required: party == .other, issues: &issues)
        let duration = minutes(input.durationMinutes, field: "durationMinutes", required: false, issues: &issues)
        let note = PathwayRules.text(input.note, field: "note", max: maxNote, required: false, issues: &issues)
        let next = PathwayRules.text(input.nextStep, field: "nextStep", max: maxNote, required: false, issues: &issues)
        if let at, at > now { issues.append(.init("occurredAt", "pathway.error.date_future")) }
        guard issues.isEmpty, let at, let channel, let party else { throw ProblemError.validation(issues) }
        return ValidContact(occurredAt: at, channel: channel, withWhom: party, withName: name, durationMinutes: duration,
                            note: note, nextStep: next, forCandidate: input.forCandidate)
    }

    struct MeetingInput: Sendable {
        var type: String?
        /// ISO 8601, or `day` + `time` from a form.
        var startsAt: String?
        var day: String?
        var time: String?
        var durationMinutes: String?
        var place: String?
        var participants: [MeetingParticipant]?
        var agenda: String?
    }

    struct ValidMeeting: Sendable {
        var type: MeetingType
        var startsAt: Date
        var durationMinutes: Int
        var place: String?
        var participants: [MeetingParticipant]
        var agenda: String?
    }

    static func meeting(_ input: MeetingInput, now: Date) throws -> ValidMeeting {
        var issues: [ProblemError.FieldIssue] = []
        let type = choice(input.type, field: "type", MeetingType.self, issues: &issues)
        let startsAt = moment(input, now: now, issues: &issues)
        let duration = minutes(input.durationMinutes, field: "durationMinutes", required: false, issues: &issues) ?? 60
        let place = PathwayRules.text(input.place, field: "place", max: maxPlace, required: false, issues: &issues)
        let agenda = PathwayRules.text(input.agenda, field: "agenda", max: maxAgenda, required: false, issues: &issues)
        var participants: [MeetingParticipant] = []
        for participant in input.participants ?? [] {
            let name = PathwayRules.trimmed(participant.name)
            if let name, name.count > maxName {
                issues.append(.init("participants", "pathway.error.too_long", String(maxName)))
                continue
            }
            let cleaned = MeetingParticipant(role: participant.role, name: name)
            if !participants.contains(cleaned) { participants.append(cleaned) }
        }
        if participants.count > maxParticipants {
            issues.append(.init("participants", "followup.error.too_many_participants", String(maxParticipants)))
        }
        guard issues.isEmpty, let type, let startsAt else { throw ProblemError.validation(issues) }
        // The counselor takes part in every meeting they book.
        if !participants.contains(where: { $0.role == .counselor }) { participants.insert(.init(role: .counselor, name: nil), at: 0) }
        return ValidMeeting(type: type, startsAt: startsAt, durationMinutes: duration, place: place, participants: participants, agenda: agenda)
    }

    struct ValidMinutes: Sendable {
        var minutes: String
        var forCandidate: Bool
        /// The next meeting, booked in the same step (optional; the page asks for it).
        var next: ValidMeeting?
    }

    static func minutes(_ text: String?, forCandidate: Bool, next: MeetingInput?, meetingStart: Date, now: Date) throws -> ValidMinutes {
        var issues: [ProblemError.FieldIssue] = []
        let minutes = PathwayRules.text(text, field: "minutes", max: maxMinutes, required: true, issues: &issues)
        // Minutes are written after the meeting, not before it began.
        if minutes != nil, meetingStart > now {
            issues.append(.init("minutes", "followup.error.minutes_before_meeting", DisplayDate.dateTime(meetingStart)))
        }
        var nextMeeting: ValidMeeting?
        if let next, next.type != nil || next.startsAt != nil || PathwayRules.trimmed(next.day) != nil {
            do {
                nextMeeting = try meeting(next, now: now)
                if let start = nextMeeting?.startsAt, start <= now {
                    issues.append(.init("next.startsAt", "followup.error.next_in_past"))
                }
            } catch let error as ProblemError {
                issues += error.fields.map { issue in
                    var renamed = issue
                    renamed.field = "next.\(issue.field)"
                    return renamed
                }
            }
        }
        guard issues.isEmpty, let minutes else { throw ProblemError.validation(issues) }
        return ValidMinutes(minutes: minutes, forCandidate: forCandidate, next: nextMeeting)
    }

    static func snooze(until raw: String?, reason raw2: String?, now: Date) throws -> (until: Date, reason: String) {
        var issues: [ProblemError.FieldIssue] = []
        let reason = PathwayRules.text(raw2, field: "reason", max: PathwayRules.maxReason, required: true, issues: &issues)
        var until: Date?
        if let text = PathwayRules.trimmed(raw) {
            if let day = DisplayDate.parseDay(text) ?? ISO8601DateFormatter().date(from: text) {
                let calendar = RuleDuration.calendar
                let first = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: now))!
                let last = calendar.date(byAdding: .day, value: maxSnoozeDays, to: calendar.startOfDay(for: now))!
                if day < first {
                    issues.append(.init("until", "alert.error.snooze_past"))
                } else if day > last {
                    issues.append(.init("until", "alert.error.snooze_too_long", String(maxSnoozeDays)))
                } else {
                    until = calendar.startOfDay(for: day)
                }
            } else {
                issues.append(.init("until", "pathway.error.date_invalid"))
            }
        } else {
            issues.append(.init("until", "pathway.error.date_required"))
        }
        guard issues.isEmpty, let until, let reason else { throw ProblemError.validation(issues) }
        return (until, reason)
    }

    // MARK: - Pieces

    static func choice<T: RawRepresentable & CaseIterable>(_ raw: String?, field: String, _ type: T.Type, issues: inout [ProblemError.FieldIssue]) -> T? where T.RawValue == String {
        guard let raw = PathwayRules.trimmed(raw) else {
            issues.append(.init(field, "pathway.error.required"))
            return nil
        }
        guard let value = T(rawValue: raw) else {
            issues.append(.init(field, "followup.error.choice"))
            return nil
        }
        return value
    }

    static func minutes(_ raw: String?, field: String, required: Bool, issues: inout [ProblemError.FieldIssue]) -> Int? {
        guard let raw = PathwayRules.trimmed(raw) else {
            if required { issues.append(.init(field, "pathway.error.required")) }
            return nil
        }
        guard let value = Int(raw), value >= 1, value <= maxDurationMinutes else {
            issues.append(.init(field, "followup.error.duration", String(maxDurationMinutes)))
            return nil
        }
        return value
    }

    /// A meeting's start: ten years back at most (meetings are registered afterwards too), a year ahead at most.
    static func moment(_ input: MeetingInput, now: Date, issues: inout [ProblemError.FieldIssue]) -> Date? {
        let date: Date?
        if let iso = PathwayRules.trimmed(input.startsAt) {
            date = ISO8601DateFormatter().date(from: iso)
        } else if let day = PathwayRules.trimmed(input.day) {
            date = DisplayDate.parseDayTime(day, PathwayRules.trimmed(input.time) ?? "09:00")
        } else {
            issues.append(.init("startsAt", "pathway.error.date_required"))
            return nil
        }
        guard let date else {
            issues.append(.init("startsAt", "followup.error.moment_invalid"))
            return nil
        }
        let latest = RuleDuration.calendar.date(byAdding: .day, value: maxDaysAhead, to: now)!
        let earliest = RuleDuration(PathwayRules.maxYearsBack, .year).earliest(before: now)
        if date > latest {
            issues.append(.init("startsAt", "followup.error.too_far_ahead"))
            return nil
        }
        if date < earliest {
            issues.append(.init("startsAt", "pathway.error.date_too_old", String(PathwayRules.maxYearsBack)))
            return nil
        }
        return date
    }
}
