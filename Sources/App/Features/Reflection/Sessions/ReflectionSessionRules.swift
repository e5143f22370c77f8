import Foundation

/// What a reflection session, its agenda points, attendance and actions may hold, and what may be
/// done when. Pure checks shared by pages and API; each problem names its field and a string key.
enum ReflectionSessionRules {
    static let maxPlace = 200
    static let maxTitle = 200
    static let maxNotes = 10_000
    static let maxSummary = 4_000
    static let maxActionTitle = 300
    static let maxFreeTags = 5
    static let maxFirstPoints = 20
    /// Sessions are planned up to a year ahead, and registered afterwards up to a year back.
    static let maxDaysAhead = 366
    static let maxDaysBack = 366
    /// An action's due date: from a year back (registered afterwards) to two years ahead.
    static let maxDueDaysAhead = 731

    /// Derived from the data, never stored.
    enum Status: String, Sendable, CaseIterable {
        /// The start is ahead.
        case planned = "planlagt"
        /// The start has passed, attendance not yet recorded.
        case started = "startet"
        /// Attendance recorded (`held_at`).
        case held = "holdt"
        case cancelled = "avlyst"

        var labelKey: String { "rsession.status.\(rawValue)" }
    }

    static func status(startsAt: Date, heldAt: Date?, cancelledAt: Date?, now: Date) -> Status {
        if cancelledAt != nil { return .cancelled }
        if heldAt != nil { return .held }
        return startsAt > now ? .planned : .started
    }

    // MARK: - A session

    struct Input: Sendable {
        var groupID: String?
        /// ISO 8601 (the API), or `day` + `time` (a form).
        var startsAt: String?
        var day: String?
        var time: String?
        var place: String?
    }

    struct ValidSession: Sendable, Equatable {
        var groupID: UUID
        var startsAt: Date
        var place: String?
    }

    static func session(_ input: Input, now: Date) throws -> ValidSession {
        var issues: [ProblemError.FieldIssue] = []
        var groupID: UUID?
        if let raw = trimmed(input.groupID) {
            groupID = UUID(uuidString: raw)
            if groupID == nil { issues.append(.init("groupId", "rsession.error.group")) }
        } else {
            issues.append(.init("groupId", "rsession.error.group"))
        }
        let startsAt = start(input, now: now, issues: &issues)
        let place = text(input.place, field: "place", max: maxPlace, requiredKey: nil, issues: &issues)
        guard issues.isEmpty, let groupID, let startsAt else { throw ProblemError.validation(issues) }
        return ValidSession(groupID: groupID, startsAt: startsAt, place: place)
    }

    /// A change of time or place: only what is given changes.
    struct ValidChange: Sendable, Equatable {
        var startsAt: Date?
        var place: String??
    }

    static func change(_ input: Input, placeGiven: Bool, now: Date) throws -> ValidChange {
        var issues: [ProblemError.FieldIssue] = []
        var change = ValidChange()
        if trimmed(input.startsAt) != nil || input.day != nil || input.time != nil {
            change.startsAt = start(input, now: now, issues: &issues)
        }
        if placeGiven {
            change.place = .some(text(input.place, field: "place", max: maxPlace, requiredKey: nil, issues: &issues))
        }
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        return change
    }

    /// The start: `startsAt` from the API, or the form's day and time (each named on its own), in Norwegian time.
    static func start(_ input: Input, now: Date, issues: inout [ProblemError.FieldIssue]) -> Date? {
        let field: String
        let date: Date
        if let iso = trimmed(input.startsAt) {
            field = "startsAt"
            guard let parsed = ISO8601DateFormatter().date(from: iso) else {
                issues.append(.init(field, "rsession.error.starts_at_invalid"))
                return nil
            }
            date = parsed
        } else if input.day != nil || input.time != nil {
            field = "day"
            let day = trimmed(input.day), time = trimmed(input.time)
            var ok = true
            if day == nil {
                issues.append(.init("day", "rsession.error.day_required"))
                ok = false
            } else if DisplayDate.parseDay(day!) == nil {
                issues.append(.init("day", "rsession.error.day_invalid"))
                ok = false
            }
            if time == nil {
                issues.append(.init("time", "rsession.error.time_required"))
                ok = false
            } else if !GatheringRules.isTime(time!) {
                issues.append(.init("time", "rsession.error.time_invalid"))
                ok = false
            }
            guard ok, let day, let time, let parsed = DisplayDate.parseDayTime(day, time) else {
                if ok { issues.append(.init("day", "rsession.error.day_invalid")) }
                return nil
            }
            date = parsed
        } else {
            issues.append(.init("startsAt", "rsession.error.starts_at_required"))
            return nil
        }
        let calendar = RuleDuration.calendar
        let latest = calendar.date(byAdding: .day, value: maxDaysAhead, to: now) ?? now
        let earliest = calendar.date(byAdding: .day, value: -maxDaysBack, to: now) ?? now
        if date > latest {
            issues.append(.init(field, "rsession.error.too_far_ahead"))
            return nil
        }
        if date < earliest {
            issues.append(.init(field, "rsession.error.too_far_back"))
            return nil
        }
        return date
    }

    /// The next session by the group's rhythm: the last start plus the rhythm, moved on by the
    /// rhythm until it lies ahead. Nil without a rhythm or an earlier session.
    static func suggestedNext(lastStart: Date?, rhythmWeeks: Int?, now: Date) -> Date? {
        guard let lastStart, let rhythmWeeks, rhythmWeeks > 0 else { return nil }
        let calendar = RuleDuration.calendar
        var next = lastStart
        for _ in 0..<200 {
            guard let moved = calendar.date(byAdding: .day, value: 7 * rhythmWeeks, to: next) else { return nil }
            next = moved
            if next > now { return next }
        }
        return nil
    }

    // MARK: - Agenda points

    struct ItemInput: Sendable {
        var kind: String?
        var title: String?
        var casePresentationID: String?
    }

    struct ValidItem: Sendable, Equatable {
        var kind: AgendaItemKind
        var title: String
        /// Only for kind "case"; checked against the office's shared presentations when stored.
        var casePresentationID: UUID?
    }

    static func item(_ input: ItemInput, prefix: String = "") throws -> ValidItem {
        var issues: [ProblemError.FieldIssue] = []
        var kind: AgendaItemKind?
        if let raw = trimmed(input.kind) {
            kind = AgendaItemKind(rawValue: raw)
        }
        if kind == nil { issues.append(.init(prefix + "kind", "rsession.error.kind")) }
        var title = text(input.title, field: prefix + "title", max: maxTitle, requiredKey: kind == .casePresentation ? nil : "rsession.error.title_required",
                         identifiers: true, issues: &issues)
        var caseID: UUID?
        if kind == .casePresentation {
            if let raw = trimmed(input.casePresentationID), let id = UUID(uuidString: raw) {
                caseID = id
            } else {
                issues.append(.init(prefix + "casePresentationId", "rsession.error.case_required"))
            }
            if title == nil, issues.isEmpty { title = "" }
        }
        guard issues.isEmpty, let kind, let title else { throw ProblemError.validation(issues) }
        return ValidItem(kind: kind, title: title, casePresentationID: kind == .casePresentation ? caseID : nil)
    }

    /// First points typed on the new-session form, one per line: kind "annet".
    static func firstPoints(_ raw: String?) throws -> [ValidItem] {
        let lines = (raw ?? "").split(whereSeparator: \.isNewline).compactMap { trimmed(String($0)) }
        if lines.count > maxFirstPoints { throw ProblemError.validation([.init("points", "rsession.error.too_many_points", String(maxFirstPoints))]) }
        if lines.contains(where: { $0.count > maxTitle }) { throw ProblemError.validation([.init("points", "rsession.error.too_long", String(maxTitle))]) }
        if let issue = lines.lazy.compactMap({ identifierIssue($0, field: "points") }).first { throw ProblemError.validation([issue]) }
        return lines.map { ValidItem(kind: .other, title: $0, casePresentationID: nil) }
    }

    struct ItemEditInput: Sendable {
        var title: String?
        var notes: String?
        /// Catalogue keys (`ReflectionTheme` raw values); nil leaves the themes as they are.
        var themes: [String]?
        /// Free tags; nil leaves them as they are (only with `themes` nil too).
        var freeTags: [String]?
    }

    struct ValidItemEdit: Sendable, Equatable {
        /// Nil: unchanged.
        var title: String?
        /// Nil: unchanged; `.some(nil)`: cleared.
        var notes: String??
        /// Nil: themes unchanged; else the point's whole new set.
        var themes: [ReflectionTheme]?
        var freeTags: [String]?
    }

    static func itemEdit(_ input: ItemEditInput, notesGiven: Bool, titleRequired: Bool) throws -> ValidItemEdit {
        var issues: [ProblemError.FieldIssue] = []
        var edit = ValidItemEdit()
        if input.title != nil || titleRequired {
            edit.title = text(input.title, field: "title", max: maxTitle, requiredKey: titleRequired ? "rsession.error.title_required" : nil,
                              identifiers: true, issues: &issues)
            if edit.title == nil, input.title != nil, issues.isEmpty { issues.append(.init("title", "rsession.error.title_required")) }
        }
        if notesGiven {
            edit.notes = .some(text(input.notes, field: "notes", max: maxNotes, requiredKey: nil, identifiers: true, issues: &issues))
        }
        if input.themes != nil || input.freeTags != nil {
            var themes: [ReflectionTheme] = []
            for raw in input.themes ?? [] {
                guard let theme = ReflectionTheme(rawValue: raw.trimmingCharacters(in: .whitespaces)) else {
                    issues.append(.init("themes", "rsession.error.theme_unknown"))
                    break
                }
                if !themes.contains(theme) { themes.append(theme) }
            }
            if let issue = (input.freeTags ?? []).lazy.compactMap({ identifierIssue($0, field: "freeTags") }).first { issues.append(issue) }
            let free = ReflectionTheme.normalisedFreeTags(input.freeTags ?? [])
            if free.count > maxFreeTags { issues.append(.init("freeTags", "rsession.error.too_many_tags", String(maxFreeTags))) }
            edit.themes = themes
            edit.freeTags = free
        }
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        return edit
    }

    /// Free tags as typed in one field, comma separated.
    static func splitTags(_ raw: String?) -> [String] { ReflectionTheme.splitFreeTags(raw) }

    // MARK: - What may be done when

    /// Agenda, time and place change until the session is cancelled.
    static func mayChange(cancelledAt: Date?) throws {
        if cancelledAt != nil { throw ProblemError(.conflict, key: "rsession.error.cancelled") }
    }

    /// Attendance is recorded once the session has begun, never on a cancelled one.
    static func mayRecordAttendance(startsAt: Date, cancelledAt: Date?, now: Date) throws {
        if cancelledAt != nil { throw ProblemError(.conflict, key: "rsession.error.cancelled") }
        if startsAt > now { throw ProblemError(.conflict, key: "rsession.error.attendance_before_start", args: [DisplayDate.dateTime(startsAt)]) }
    }

    /// A session is cancelled until it is held.
    static func mayCancel(heldAt: Date?, cancelledAt: Date?) throws {
        if cancelledAt != nil { throw ProblemError(.conflict, key: "rsession.error.cancelled") }
        if heldAt != nil { throw ProblemError(.conflict, key: "rsession.error.already_held") }
    }

    /// Came or did not, per user: each a UUID, nobody named twice, at least one.
    static func attendance(attended: [String], absent: [String]) throws -> [UUID: Bool] {
        var result: [UUID: Bool] = [:]
        for (list, came, field) in [(attended, true, "attended"), (absent, false, "absent")] {
            for raw in list {
                guard let id = UUID(uuidString: raw.trimmingCharacters(in: .whitespaces)) else {
                    throw ProblemError.validation([.init(field, "rsession.error.member_unknown")])
                }
                if result[id] != nil { throw ProblemError.validation([.init(field, "rsession.error.member_twice")]) }
                result[id] = came
            }
        }
        if result.isEmpty { throw ProblemError.validation([.init("attended", "rsession.error.attendance_empty")]) }
        return result
    }

    static func summary(_ raw: String?) throws -> String? {
        var issues: [ProblemError.FieldIssue] = []
        let value = text(raw, field: "summary", max: maxSummary, requiredKey: nil, identifiers: true, issues: &issues)
        guard issues.isEmpty else { throw ProblemError.validation(issues) }
        return value
    }

    // MARK: - Actions

    struct ActionInput: Sendable {
        var title: String?
        var ownerID: String?
        var dueOn: String?
        var agendaItemID: String?
    }

    struct ValidAction: Sendable, Equatable {
        var title: String
        var ownerID: UUID
        /// The start of the due day in Norwegian time.
        var dueOn: Date
        var agendaItemID: UUID?
    }

    static func action(_ input: ActionInput, now: Date) throws -> ValidAction {
        var issues: [ProblemError.FieldIssue] = []
        let title = text(input.title, field: "title", max: maxActionTitle, requiredKey: "rsession.error.action_title_required", identifiers: true, issues: &issues)
        var ownerID: UUID?
        if let raw = trimmed(input.ownerID) { ownerID = UUID(uuidString: raw) }
        if ownerID == nil { issues.append(.init("ownerId", "rsession.error.owner")) }
        var due: Date?
        if let raw = trimmed(input.dueOn) {
            due = DisplayDate.parseDay(raw)
            if due == nil {
                issues.append(.init("dueOn", "rsession.error.due_invalid"))
            } else {
                let calendar = RuleDuration.calendar
                let today = calendar.startOfDay(for: now)
                if due! > (calendar.date(byAdding: .day, value: maxDueDaysAhead, to: today) ?? today)
                    || due! < (calendar.date(byAdding: .day, value: -maxDaysBack, to: today) ?? today) {
                    issues.append(.init("dueOn", "rsession.error.due_out_of_range"))
                    due = nil
                }
            }
        } else {
            issues.append(.init("dueOn", "rsession.error.due_required"))
        }
        var itemID: UUID?
        if let raw = trimmed(input.agendaItemID) {
            itemID = UUID(uuidString: raw)
            if itemID == nil { issues.append(.init("agendaItemId", "rsession.error.item_unknown")) }
        }
        guard issues.isEmpty, let title, let ownerID, let due else { throw ProblemError.validation(issues) }
        return ValidAction(title: title, ownerID: ownerID, dueOn: due, agendaItemID: itemID)
    }

    /// Open actions: overdue first (their due day before today), then by due date; done ones newest first.
    static func sortOpen(_ actions: [ReflectionAction]) -> [ReflectionAction] {
        actions.sorted { ($0.dueOn, $0.createdAt, $0.id?.uuidString ?? "") < ($1.dueOn, $1.createdAt, $1.id?.uuidString ?? "") }
    }

    static func isOverdue(dueOn: Date, now: Date) -> Bool {
        dueOn < RuleDuration.calendar.startOfDay(for: now)
    }

    /// A nudge against quick case talk crowding out reflection: every point is a case presentation.
    static func onlyCases(_ kinds: [AgendaItemKind]) -> Bool {
        !kinds.isEmpty && kinds.allSatisfy { $0 == .casePresentation }
    }

    // MARK: - Pieces

    static func trimmed(_ text: String?) -> String? {
        PathwayRules.trimmed(text)
    }

    /// A trimmed text within `max`; with `identifiers`, also free of what `identifierIssue` refuses.
    static func text(_ raw: String?, field: String, max: Int, requiredKey: String?, identifiers: Bool = false,
                     issues: inout [ProblemError.FieldIssue]) -> String? {
        guard let value = trimmed(raw) else {
            if let requiredKey { issues.append(.init(field, requiredKey)) }
            return nil
        }
        if value.count > max {
            issues.append(.init(field, "rsession.error.too_long", String(max)))
            return nil
        }
        if identifiers, let issue = identifierIssue(value, field: field) {
            issues.append(issue)
            return nil
        }
        return value
    }

    // MARK: - Identifiers in what the group reads

    /// What the texts of a session may not hold: group members and leaders read the notes, the
    /// summary and the points, and an action's title shows on its owner's start page. Names are
    /// not checked (the fields carry a hint instead): the office's candidates are too many words.
    static let refusedIdentifiers: [Pseudonymiser.Kind] = [.nationalID, .phone, .email]

    /// The case presentation's pattern check, without any one pathway's names.
    private static let patterns = Pseudonymiser(Pseudonymiser.Identifiers())

    /// A 422 issue on `field` naming the first kind of identifier found (`rsession.error.identifier_<kind>`), or nil.
    static func identifierIssue(_ text: String, field: String) -> ProblemError.FieldIssue? {
        guard !text.isEmpty else { return nil }
        let found = patterns.findings(in: text)
        guard let kind = refusedIdentifiers.first(where: found.contains) else { return nil }
        return .init(field, "rsession.error.identifier_\(kind.rawValue)")
    }
}
