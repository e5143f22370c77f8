import Fluent
import Foundation
import Vapor

/// iCalendar (RFC 5545) for meetings: one file per meeting, and each user's private feed of
/// upcoming meetings. Entries carry the meeting type and the candidate's first name only — never a
/// full name or a national ID number, since calendars end up on phones and in other systems.
enum ICalendar {
    struct Entry: Sendable {
        var uid: String
        var stamp: Date
        var start: Date
        var end: Date
        var summary: String
        var location: String?
        var sequence: Int
        var cancelled: Bool
    }

    static func document(_ entries: [Entry], name: String) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Samskap//Samskap//NB", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + escape(name)]
        for entry in entries {
            lines += ["BEGIN:VEVENT", "UID:" + entry.uid, "DTSTAMP:" + utc(entry.stamp), "DTSTART:" + utc(entry.start), "DTEND:" + utc(entry.end),
                      "SUMMARY:" + escape(entry.summary), "SEQUENCE:\(entry.sequence)", "STATUS:" + (entry.cancelled ? "CANCELLED" : "CONFIRMED")]
            if let location = entry.location { lines.append("LOCATION:" + escape(location)) }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    static func utc(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// TEXT values: backslash, semicolon, comma and line breaks escaped; other control characters dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.replacingOccurrences(of: "\r\n", with: "\n").unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r": out += "\\n"
            default:
                if scalar.properties.generalCategory == .control { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Lines longer than 75 octets are folded (CRLF and a space), between letters — and only for a
    /// letter longer than a whole line (one with dozens of accents), between its code points; never
    /// inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var parts: [String] = []
        var current = ""
        var octets = 0
        func add(_ piece: String) {
            let size = piece.utf8.count
            if octets + size > (parts.isEmpty ? 75 : 74) {
                parts.append(current)
                current = ""
                octets = 0
            }
            current += piece
            octets += size
        }
        for character in line {
            let text = String(character)
            if text.utf8.count <= 74 {
                add(text)
            } else {
                for scalar in character.unicodeScalars { add(String(scalar)) }
            }
        }
        parts.append(current)
        return parts.joined(separator: "\r\n ")
    }
}

enum MeetingCalendar {
    /// The place is free text (it may name a clinic or a home) and goes only into the file a signed-in
    /// user downloads, never into a feed.
    static func entry(_ meeting: Meeting, firstName: String, withPlace: Bool, t: (String, [String]) -> String) -> ICalendar.Entry {
        ICalendar.Entry(uid: "\(meeting.id!.uuidString.lowercased())@samskap", stamp: meeting.updatedAt, start: meeting.startsAt, end: meeting.endsAt,
                        summary: "\(t(meeting.type.labelKey, [])) – \(firstName)", location: withPlace ? meeting.place : nil, sequence: meeting.sequence,
                        cancelled: meeting.status == .cancelled)
    }

    static func response(_ text: String, filename: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "calendar", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }

    static func download(_ meeting: Meeting, candidate: Candidate, req: Request) throws -> Response {
        let text = ICalendar.document([entry(meeting, firstName: candidate.firstName, withPlace: true, t: req.t)], name: "Samskap")
        return response(text, filename: "mote-\(DisplayDate.dayInput(meeting.startsAt)).ics")
    }

    /// The user's planned and cancelled meetings from today on (a cancelled one stays so calendars remove it).
    static func feed(for user: User, now: Date, req: Request) async throws -> (text: String, candidateIDs: Set<UUID>) {
        guard let officeID = user.$office.id else { return (ICalendar.document([], name: "Samskap"), []) }
        let today = RuleDuration.calendar.startOfDay(for: now)
        let meetings = try await Meeting.query(on: req.db)
            .join(Candidate.self, on: \Meeting.$candidate.$id == \Candidate.$id)
            .filter(Candidate.self, \.$counselor.$id == user.requireID())
            .filter(\.$office.$id == officeID)
            .filter(\.$startsAt >= today).filter(\.$minutesAt == nil)
            .sort(\.$startsAt).limit(500).all()
        var entries: [ICalendar.Entry] = []
        for meeting in meetings {
            let candidate = try meeting.joined(Candidate.self)
            entries.append(entry(meeting, firstName: candidate.firstName, withPlace: false, t: req.t))
        }
        return (ICalendar.document(entries, name: "Samskap – møter"), Set(meetings.map(\.$candidate.id)))
    }
}

/// Each user's private calendar-feed address. Only the token's digest is stored; a new address
/// revokes the old one, and a revoked or unknown token gives 404.
enum CalendarFeeds {
    static func create(for userID: UUID, context: AuditContext, app: Application, now: Date) async throws -> String {
        let token = SecretToken.generate()
        try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow("users", id: userID, on: db)
            try await revokeAll(userID, now: now, on: db)
            let feed = CalendarFeed()
            feed.$user.id = userID
            feed.tokenHash = SecretToken.digest(token)
            feed.createdAt = now
            try await feed.create(on: db)
            audit.record(AuditEvent(.calendarFeedCreated, objectType: AuditObjectType.user, objectID: userID.uuidString))
        }
        return token
    }

    static func revoke(for userID: UUID, context: AuditContext, app: Application, now: Date) async throws {
        try await app.write(context: context) { db, audit in
            let count = try await revokeAll(userID, now: now, on: db)
            if count > 0 { audit.record(AuditEvent(.calendarFeedRevoked, objectType: AuditObjectType.user, objectID: userID.uuidString)) }
        }
    }

    @discardableResult
    private static func revokeAll(_ userID: UUID, now: Date, on db: any Database) async throws -> Int {
        let active = try await CalendarFeed.query(on: db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil).all()
        for feed in active {
            feed.revokedAt = now
            try await feed.save(on: db)
        }
        return active.count
    }

    static func active(for userID: UUID, on db: any Database) async throws -> CalendarFeed? {
        try await CalendarFeed.query(on: db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil).first()
    }

    /// `GET /api/v1/calendar/{token}.ics` — the token is the credential.
    static func serve(req: Request) async throws -> Response {
        let raw = req.parameters.get("token") ?? ""
        guard raw.hasSuffix(".ics"), raw.count < 200 else { throw Abort(.notFound) }
        let digest = SecretToken.digest(String(raw.dropLast(4)))
        guard let feed = try await CalendarFeed.query(on: req.db).filter(\.$tokenHash == digest).filter(\.$revokedAt == nil).first(),
              let user = try await User.find(feed.$user.id, on: req.db), user.isActive else { throw Abort(.notFound) }
        let (text, candidateIDs) = try await MeetingCalendar.feed(for: user, now: req.now, req: req)
        let context = AuditContext(actorUserID: feed.$user.id, actorUsername: user.username, requestID: req.auditContext.requestID)
        let now = req.now
        try await req.application.write(context: context) { db, audit in
            feed.lastUsedAt = now
            try await feed.save(on: db)
            audit.record(AuditEvent(.calendarFeedRead, objectType: AuditObjectType.user, objectID: feed.$user.id.uuidString, officeID: user.$office.id,
                                    detail: "kalenderstrøm"))
            // Each candidate whose meetings went out (type and first name) can see it in their trail.
            for candidateID in candidateIDs.sorted(by: { $0.uuidString < $1.uuidString }) {
                audit.record(AuditEvent(.meetingRead, objectType: AuditObjectType.candidate, objectID: candidateID.uuidString, officeID: user.$office.id,
                                        detail: "kalenderstrøm"))
            }
        }
        return MeetingCalendar.response(text, filename: "samskap.ics")
    }
}
