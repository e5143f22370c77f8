@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Follow-up through `/api/v1`: candidates, pathways, employers and agreements set up as a counselor would.
private enum Follow {
    private static let counter = NIOLockedValueBox(0)

    /// A fresh synthetic number born 1958–61 (older than any demo candidate, young enough for an agreement).
    static func fnr() -> String {
        let n = counter.withLockedValue { value -> Int in
            value += 1
            return value
        }
        return NationalID.synthetic(day: 1 + n % 28, month: 1 + (n / 28) % 12, year: 1958 + (n / 336) % 4, individualSeed: 500 + n * 17)
    }

    struct Started {
        var pathway: PathwayDTO
        var fnr: String
        var first: String
        var last: String
        var id: UUID { pathway.id }
        var candidateID: UUID { pathway.candidateId }
    }

    /// Registers a candidate for the API client's user and starts a pathway on the model, referred `daysAgo` days ago.
    static func start(
        _ t: TestApp, _ api: APIClient, model: String = "hybridmodellen", daysAgo: Int = 250,
        first: String = "Ingrid", last: String = "Solbakken", innsats: String = "standard"
    ) async throws -> Started {
        let fnr = fnr()
        let candidate = try await api.register(APICandidate.body(fnr: fnr, first: first, last: last, innsats: innsats))
        let response = try await api.post("/api/v1/pathways", [
            "candidateId": candidate.id.uuidString, "methodModelId": try await PathwayFlowTests.modelID(api, key: model),
            "referralDate": PathwayFlowTests.day(t, daysAgo), "referrer": "Veileder Per",
        ])
        #expect(response.status == .created, "start answered \(response.status.code): \(response.text.prefix(300))")
        return Started(pathway: try response.content.decode(PathwayDTO.self), fnr: fnr, first: first, last: last)
    }

    /// `days` days from the test clock's today (negative: back) at `hour`:`minute`, Norwegian time.
    static func at(_ t: TestApp, days: Int, hour: Int, minute: Int = 0) -> Date {
        let calendar = RuleDuration.calendar
        let day = calendar.date(byAdding: .day, value: days, to: calendar.startOfDay(for: t.clock.now()))!
        return calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day)!
    }

    /// A day `days` days from today (negative: back), as the API takes it.
    static func day(_ t: TestApp, _ days: Int) -> String {
        DisplayDate.dayInput(at(t, days: days, hour: 12))
    }

    static func startOfDay(_ t: TestApp, _ days: Int) -> Date {
        at(t, days: days, hour: 0)
    }

    static func iso(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    static let day1: TimeInterval = 86_400

    // MARK: Meetings

    static func planResponse(_ api: APIClient, _ pathway: UUID, type: String, at start: Date, duration: Int? = nil,
                             place: String? = nil, participants: [[String: String]] = [], agenda: String? = nil) async throws -> TestingHTTPResponse {
        var body: [String: Any] = ["pathwayId": pathway.uuidString, "type": type, "startsAt": iso(start), "participants": participants]
        if let duration { body["durationMinutes"] = duration }
        if let place { body["place"] = place }
        if let agenda { body["agenda"] = agenda }
        return try await api.post("/api/v1/meetings", body)
    }

    /// Plans a meeting; fails the test unless the answer is 201.
    static func plan(_ api: APIClient, _ pathway: UUID, type: String, at start: Date, duration: Int? = nil,
                     place: String? = nil, participants: [[String: String]] = []) async throws -> MeetingDTO {
        let response = try await planResponse(api, pathway, type: type, at: start, duration: duration, place: place, participants: participants)
        #expect(response.status == .created, "plan \(type) answered \(response.status.code): \(response.text.prefix(400))")
        return try response.content.decode(MeetingDTO.self)
    }

    static func minutes(_ api: APIClient, _ meeting: UUID, _ text: String, next: [String: Any]? = nil) async throws -> TestingHTTPResponse {
        var body: [String: Any] = ["minutes": text]
        if let next { body["nextMeeting"] = next }
        return try await api.patch("/api/v1/meetings/\(meeting)", body)
    }

    /// Writes minutes; fails the test unless the answer is 200.
    @discardableResult
    static func hold(_ api: APIClient, _ meeting: UUID, _ text: String = "Gikk gjennom oppgavene og opplæringen.") async throws -> MeetingDTO {
        let response = try await minutes(api, meeting, text)
        #expect(response.status == .ok, "minutes answered \(response.status.code): \(response.text.prefix(400))")
        return try response.content.decode(MeetingDTO.self)
    }

    static func meetings(_ api: APIClient, pathway: UUID) async throws -> [MeetingDTO] {
        let response = try await api.get("/api/v1/meetings?pathwayId=\(pathway)")
        #expect(response.status == .ok, "\(response.text.prefix(300))")
        return try response.content.decode([MeetingDTO].self)
    }

    // MARK: Contacts and events

    static func contact(_ api: APIClient, _ pathway: UUID, _ fields: [String: Any]) async throws -> TestingHTTPResponse {
        try await api.post("/api/v1/pathways/\(pathway)/contacts", fields)
    }

    static func events(_ api: APIClient, _ pathway: UUID) async throws -> [PathwayEventDTO] {
        let response = try await api.get("/api/v1/pathways/\(pathway)/events")
        #expect(response.status == .ok)
        return try response.content.decode([PathwayEventDTO].self).filter { $0.withdrawnAt == nil }
    }

    static func record(_ t: TestApp, _ api: APIClient, _ pathway: UUID, _ type: String, daysAgo: Int, employer: String? = nil) async throws {
        var body: [String: Any] = ["type": type, "occurredAt": PathwayFlowTests.day(t, daysAgo)]
        if let employer { body["newEmployerName"] = employer }
        let response = try await api.post("/api/v1/pathways/\(pathway)/events", body)
        #expect(response.status == .created, "event \(type) answered \(response.status.code): \(response.text.prefix(300))")
    }

    // MARK: Agreements

    static func employer(_ api: APIClient, _ name: String = "Lagerhuset AS") async throws -> UUID {
        let response = try await api.post("/api/v1/employers", ["name": name])
        #expect(response.status == .created, "employer answered \(response.status.code): \(response.text.prefix(300))")
        return try response.content.decode(EmployerDTO.self).id
    }

    /// A complete work-training agreement, not yet approved.
    static func agreement(_ api: APIClient, pathway: UUID, employer: UUID, start: String, end: String) async throws -> UUID {
        let terms: [String: Any] = [
            "goals": [["kind": "arbeidserfaring", "description": "Få arbeidserfaring fra lager"]],
            "tasks": "Varemottak og plukk på lager", "followUp": "Veileder besøker arbeidsplassen hver måned",
            "navContact": "Vera Veileder, 412 34 567", "workplaceContact": "Siv Lager, 412 34 568",
            "startDate": start, "endDate": end,
        ]
        let response = try await api.post("/api/v1/agreements", [
            "pathwayId": pathway.uuidString, "employerId": employer.uuidString, "type": "arbeidstrening", "terms": terms,
        ])
        #expect(response.status == .created, "agreement answered \(response.status.code): \(response.text.prefix(400))")
        return try response.content.decode(AgreementDTO.self).id
    }

    static func approve(_ api: APIClient, _ agreement: UUID, _ party: String) async throws {
        let response = try await api.post("/api/v1/agreements/\(agreement)/approve", ["party": party])
        #expect(response.status == .ok, "approve \(party) answered \(response.status.code): \(response.text.prefix(300))")
    }

    // MARK: Alerts

    static func alerts(_ api: APIClient, includeSnoozed: Bool = false) async throws -> [AlertDTO] {
        let response = try await api.get("/api/v1/alerts" + (includeSnoozed ? "?includeSnoozed=true" : ""))
        #expect(response.status == .ok, "\(response.text.prefix(300))")
        return try response.content.decode([AlertDTO].self)
    }

    static func alerts(_ api: APIClient, pathway: UUID, kind: String, includeSnoozed: Bool = false) async throws -> [AlertDTO] {
        try await alerts(api, includeSnoozed: includeSnoozed).filter { $0.pathwayId == pathway && $0.kind == kind }
    }

    /// Every stored alert of the kind in the pathway, resolved ones included, oldest first.
    static func rows(_ t: TestApp, _ pathway: UUID, _ kind: AlertKind) async throws -> [Alert] {
        try await Alert.query(on: t.db).filter(\.$pathway.$id == pathway).filter(\.$kind == kind).sort(\.$openedAt).sort(\.$id).all()
    }

    static func open(_ t: TestApp, _ pathway: UUID, _ kind: AlertKind) async throws -> [Alert] {
        try await rows(t, pathway, kind).filter { $0.resolvedAt == nil }
    }

    @discardableResult
    static func dailyJob(_ t: TestApp) async throws -> PathwayDailyJob.Result {
        try await PathwayDailyJob(app: t.app).run(now: t.clock.now())
    }

    /// A reason is Norwegian text for people, not a string key.
    static func isText(_ reason: String) -> Bool {
        !reason.isEmpty && !reason.hasPrefix("alert.") && reason.contains(" ")
    }
}

/// A strict reader of iCalendar (RFC 5545) as Samskap promises to write it.
private enum StrictICS {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    struct Property {
        var name: String
        var parameters: [String]
        var value: String
    }

    struct Component {
        var name: String
        var properties: [Property] = []
        var components: [Component] = []

        func values(_ name: String) -> [String] { properties.filter { $0.name == name }.map(\.value) }
        func value(_ name: String) -> String? { values(name).first }
    }

    /// How many physical lines were continuations (folded) in the last parse — for the caller's checks.
    struct Parsed {
        var root: Component
        var foldedLines: Int
    }

    static func parse(_ body: [UInt8]) throws -> Parsed {
        guard body.count >= 2, body[body.count - 2] == 13, body[body.count - 1] == 10 else { throw Failure("does not end with CRLF") }
        var physical: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < body.count {
            let byte = body[i]
            if byte == 13 {
                guard i + 1 < body.count, body[i + 1] == 10 else { throw Failure("bare CR at octet \(i)") }
                physical.append(current)
                current = []
                i += 2
                continue
            }
            if byte == 10 { throw Failure("bare LF at octet \(i)") }
            current.append(byte)
            i += 1
        }
        var logical: [String] = []
        var folded = 0
        for (n, bytes) in physical.enumerated() {
            guard bytes.count <= 75 else { throw Failure("line \(n + 1) is \(bytes.count) octets long") }
            guard let text = String(bytes: bytes, encoding: .utf8) else { throw Failure("line \(n + 1) is not valid UTF-8 (folded inside a character?)") }
            if let first = bytes.first, first == 32 || first == 9 {
                guard !logical.isEmpty else { throw Failure("the first line is a continuation") }
                logical[logical.count - 1] += String(text.dropFirst())
                folded += 1
            } else {
                guard !bytes.isEmpty else { throw Failure("line \(n + 1) is empty") }
                logical.append(text)
            }
        }
        var stack: [Component] = []
        var root: Component?
        for line in logical {
            guard let colon = line.firstIndex(of: ":") else { throw Failure("no colon in \(line)") }
            let head = line[..<colon]
            let value = String(line[line.index(after: colon)...])
            let parts = head.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            let name = parts[0].uppercased()
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }) else {
                throw Failure("bad property name in \(line)")
            }
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" }) {
                throw Failure("control character in \(name)")
            }
            switch name {
            case "BEGIN":
                guard root == nil else { throw Failure("BEGIN:\(value) after the calendar ended") }
                guard !value.isEmpty else { throw Failure("BEGIN without a name") }
                stack.append(Component(name: value.uppercased()))
            case "END":
                guard let top = stack.popLast() else { throw Failure("END:\(value) without BEGIN") }
                guard top.name == value.uppercased() else { throw Failure("END:\(value) closes BEGIN:\(top.name)") }
                if stack.isEmpty { root = top } else { stack[stack.count - 1].components.append(top) }
            default:
                guard !stack.isEmpty, root == nil else { throw Failure("\(name) outside any component") }
                stack[stack.count - 1].properties.append(Property(name: name, parameters: Array(parts.dropFirst()), value: value))
            }
        }
        guard stack.isEmpty else { throw Failure("\(stack.map(\.name)) never ended") }
        guard let root else { throw Failure("empty document") }
        return Parsed(root: root, foldedLines: folded)
    }

    /// One VCALENDAR with VERSION 2.0 and a PRODID, holding only VEVENTs, each with one UID, DTSTAMP,
    /// DTSTART and DTEND in UTC (yyyyMMdd'T'HHmmss'Z'), the end after the start, and valid TEXT escaping.
    static func events(_ body: [UInt8]) throws -> (events: [Component], parsed: Parsed) {
        let parsed = try parse(body)
        let calendar = parsed.root
        guard calendar.name == "VCALENDAR" else { throw Failure("the root is \(calendar.name)") }
        guard calendar.values("VERSION") == ["2.0"] else { throw Failure("VERSION is \(calendar.values("VERSION"))") }
        guard calendar.values("PRODID").count == 1, !(calendar.value("PRODID") ?? "").isEmpty else { throw Failure("no PRODID") }
        for event in calendar.components {
            guard event.name == "VEVENT" else { throw Failure("\(event.name) in VCALENDAR") }
            guard event.components.isEmpty else { throw Failure("components inside VEVENT") }
            for name in ["UID", "DTSTAMP", "DTSTART", "DTEND"] {
                guard event.values(name).count == 1 else { throw Failure("VEVENT has \(event.values(name).count) \(name)") }
            }
            guard !(event.value("UID") ?? "").isEmpty else { throw Failure("empty UID") }
            for name in ["DTSTAMP", "DTSTART", "DTEND"] {
                guard utc(event.value(name)!) != nil else { throw Failure("\(name) is not UTC: \(event.value(name)!)") }
            }
            guard utc(event.value("DTEND")!)! > utc(event.value("DTSTART")!)! else { throw Failure("DTEND is not after DTSTART") }
            for name in ["SUMMARY", "LOCATION", "DESCRIPTION"] {
                for value in event.values(name) { _ = try text(value) }
            }
        }
        return (calendar.components, parsed)
    }

    static func utc(_ value: String) -> Date? {
        let chars = Array(value)
        guard chars.count == 16, chars[8] == "T", chars[15] == "Z",
              chars[0..<8].allSatisfy(\.isASCII), chars[0..<8].allSatisfy(\.isNumber),
              chars[9..<15].allSatisfy(\.isASCII), chars[9..<15].allSatisfy(\.isNumber) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: value)
    }

    /// A TEXT value unescaped; a bare comma or semicolon, or an unknown escape, is an error.
    static func text(_ raw: String) throws -> String {
        var out = ""
        var iterator = raw.makeIterator()
        while let c = iterator.next() {
            switch c {
            case "\\":
                switch iterator.next() {
                case "\\": out.append("\\")
                case ";": out.append(";")
                case ",": out.append(",")
                case "n", "N": out.append("\n")
                case let other: throw Failure("bad escape \\\(other.map(String.init) ?? "")")
                }
            case ",", ";":
                throw Failure("unescaped \(c) in TEXT \(raw)")
            default:
                out.append(c)
            }
        }
        return out
    }
}

@Suite("FollowUpAPI: contacts, meetings and minutes, alerts, snoozing and calendars under /api/v1")
struct FollowUpAPITests {
    // MARK: - 1. Contacts

    @Test("Contacts: three fields suffice; a mentor contact writes mentor_contact and the last contact; bad input is 422 by field; audited; another office gets 404")
    func contacts() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Follow.start(t, api)
            let candidateBefore = try #require(try await Candidate.find(p.candidateID, on: t.db))

            // Only when, how and with whom.
            let mentorDay = Follow.day(t, -2)
            let mentor = try await Follow.contact(api, p.id, ["occurredAt": mentorDay, "channel": "pa_arbeidsplassen", "withWhom": "mentor"])
            #expect(mentor.status == .created, "\(mentor.text.prefix(300))")
            let mentorDTO = try mentor.content.decode(ContactDTO.self)
            #expect(mentorDTO.pathwayId == p.id && mentorDTO.channel == "pa_arbeidsplassen" && mentorDTO.withWhom == "mentor")
            #expect(mentorDTO.occurredAt == (try #require(DisplayDate.parseDay(mentorDay))))
            #expect(mentorDTO.withName == nil && mentorDTO.note == nil && mentorDTO.durationMinutes == nil && !mentorDTO.forCandidate)
            let counselorID = try await t.user("veileder1").requireID()
            #expect(mentorDTO.recordedAt == t.clock.now() && mentorDTO.recordedBy == counselorID)
            let eventID = try #require(mentorDTO.eventId, "a mentor contact writes an event")
            let events = try await Follow.events(api, p.id)
            let mentorEvent = try #require(events.first { $0.id == eventID })
            #expect(mentorEvent.type == "mentor_contact")
            #expect(mentorEvent.occurredAt == mentorDTO.occurredAt)
            let stored = try #require(try await Contact.find(mentorDTO.id, on: t.db))
            #expect(stored.eventID == eventID && stored.withWhom == .mentor && stored.$candidate.id == p.candidateID)
            var candidate = try #require(try await Candidate.find(p.candidateID, on: t.db))
            #expect(candidate.lastContactAt == mentorDTO.occurredAt, "was \(String(describing: candidateBefore.lastContactAt))")
            // The mentor contact's event re-evaluated the pathway's criteria.
            let mentorTime = t.clock.now()
            let criteriaAfterMentor = try await PathwayCriteriaStore.load(pathwayID: p.id, on: t.db).values
            #expect(!criteriaAfterMentor.isEmpty && criteriaAfterMentor.allSatisfy { $0.evaluated_at == mentorTime })
            t.clock.advance(by: 60)

            // With the candidate: no event, but the last contact moves forward.
            let today = Follow.day(t, 0)
            let withCandidate = try await Follow.contact(api, p.id, [
                "occurredAt": today, "channel": "telefon", "withWhom": "kandidat", "durationMinutes": 15,
                "note": "Snakket om arbeidstid", "nextStep": "Ringe igjen fredag",
            ])
            #expect(withCandidate.status == .created, "\(withCandidate.text.prefix(300))")
            let candidateDTO = try withCandidate.content.decode(ContactDTO.self)
            #expect(candidateDTO.eventId == nil && candidateDTO.durationMinutes == 15 && candidateDTO.nextStep == "Ringe igjen fredag")
            candidate = try #require(try await Candidate.find(p.candidateID, on: t.db))
            #expect(candidate.lastContactAt == DisplayDate.parseDay(today))
            // No event, so nothing the criteria or alerts read changed: they are not evaluated again.
            #expect(try await PathwayCriteriaStore.load(pathwayID: p.id, on: t.db).values.allSatisfy { $0.evaluated_at == mentorTime })

            // An employer contact writes employer_followup; an older contact does not move the last contact back.
            let employer = try await Follow.contact(api, p.id, ["occurredAt": Follow.day(t, -5), "channel": "video", "withWhom": "arbeidsgiver"])
            #expect(employer.status == .created)
            #expect(try await PathwayCriteriaStore.load(pathwayID: p.id, on: t.db).values.allSatisfy { $0.evaluated_at == t.clock.now() })
            let employerEvent = try #require(try employer.content.decode(ContactDTO.self).eventId)
            #expect(try await Follow.events(api, p.id).first { $0.id == employerEvent }?.type == "employer_followup")
            candidate = try #require(try await Candidate.find(p.candidateID, on: t.db))
            #expect(candidate.lastContactAt == DisplayDate.parseDay(today))

            // Refused, each naming its field; nothing stored.
            let countBefore = try await Contact.query(on: t.db).filter(\.$pathway.$id == p.id).count()
            let noName = try await Follow.contact(api, p.id, ["occurredAt": today, "channel": "telefon", "withWhom": "annen"])
            #expect(noName.status == .unprocessableEntity)
            #expect(noName.problemFields == ["withName"])
            let badChannel = try await Follow.contact(api, p.id, ["occurredAt": today, "channel": "brevdue", "withWhom": "kandidat"])
            #expect(badChannel.status == .unprocessableEntity)
            #expect(badChannel.problemFields == ["channel"])
            let future = try await Follow.contact(api, p.id, ["occurredAt": Follow.day(t, 1), "channel": "telefon", "withWhom": "kandidat"])
            #expect(future.status == .unprocessableEntity)
            #expect(future.problemFields == ["occurredAt"])
            let missing = try await Follow.contact(api, p.id, [:])
            #expect(missing.status == .unprocessableEntity)
            #expect(Set(missing.problemFields) == ["occurredAt", "channel", "withWhom"])
            #expect(try await Contact.query(on: t.db).filter(\.$pathway.$id == p.id).count() == countBefore)

            // "annen" with a name is fine.
            let other = try await Follow.contact(api, p.id, ["occurredAt": today, "channel": "melding", "withWhom": "annen", "withName": "Fastlegen"])
            #expect(other.status == .created)
            #expect(try other.content.decode(ContactDTO.self).withName == "Fastlegen")

            // Audited, one entry per contact, on the candidate, with no note text.
            let audited = try await t.auditEntries(.contactRecorded).filter { $0.objectID == p.candidateID.uuidString }
            #expect(audited.count == 4)
            #expect(audited.allSatisfy { !($0.detail ?? "").contains("arbeidstid") })

            // Listed newest first.
            let list = try await api.get("/api/v1/pathways/\(p.id)/contacts")
            #expect(list.status == .ok)
            let listed = try list.content.decode([ContactDTO].self)
            #expect(listed.count == 4)
            #expect(listed.map(\.occurredAt) == listed.map(\.occurredAt).sorted(by: >))

            // Another office sees nothing and records nothing.
            let outsider = try await APIClient.make(t, "veileder3")
            #expect(try await outsider.get("/api/v1/pathways/\(p.id)/contacts").status == .notFound)
            let denied = try await Follow.contact(outsider, p.id, ["occurredAt": today, "channel": "telefon", "withWhom": "mentor"])
            #expect(denied.status == .notFound)
            #expect(try await Contact.query(on: t.db).filter(\.$pathway.$id == p.id).count() == 4)
        }
    }

    // MARK: - 2. Meetings

    @Test("Meetings: planned with the checklist as agenda and no event; minutes only after the start; minutes hold it, write the event on its start and book the next; held is 409 to re-plan; cancel")
    func meetingLifecycle() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Follow.start(t, api)
            let startsAt = Follow.at(t, days: 2, hour: 10)

            let created = try await Follow.planResponse(api, p.id, type: "evalueringsmote", at: startsAt, duration: 45, place: "Lagerhuset, møterom 2",
                                                        participants: [["role": "mentor", "name": "Siv Lager"], ["role": "kandidat"]])
            #expect(created.status == .created, "\(created.text.prefix(400))")
            let planned = try created.content.decode(MeetingDTO.self)
            #expect(created.headers.first(name: .location) == "/api/v1/meetings/\(planned.id)")
            #expect(planned.status == "planlagt" && planned.type == "evalueringsmote" && planned.pathwayId == p.id && planned.candidateId == p.candidateID)
            #expect(planned.startsAt == startsAt && planned.endsAt == startsAt.addingTimeInterval(45 * 60) && planned.durationMinutes == 45)
            #expect(planned.eventId == nil && planned.minutes == nil && planned.minutesAt == nil && planned.sequence == 0)
            #expect(planned.icsUrl == "/api/v1/meetings/\(planned.id).ics")
            #expect(planned.participants.contains { $0.role == .counselor }, "the counselor takes part in what they book")
            #expect(planned.participants.contains(MeetingParticipant(role: .mentor, name: "Siv Lager")))
            // The hybrid model's "Møtesjekkliste", as a list, ending with the next meeting.
            let agenda = try #require(planned.agenda)
            #expect(agenda.contains("- Kartlegg kandidaten"), "\(agenda)")
            #expect(agenda.lowercased().contains("neste møte"))
            #expect(agenda.split(separator: "\n").allSatisfy { $0.hasPrefix("- ") })
            #expect(try await Follow.events(api, p.id).filter { $0.type == "evaluation_meeting" }.isEmpty, "planned is not held")
            #expect(try await t.auditEntries(.meetingCreated).contains { $0.objectID == p.candidateID.uuidString })
            #expect(try await Candidate.find(p.candidateID, on: t.db)?.nextMeetingAt == startsAt)

            // GET shows it; another office does not get it.
            let shown = try await api.get("/api/v1/meetings/\(planned.id)")
            #expect(shown.status == .ok)
            #expect(try shown.content.decode(MeetingDTO.self).agenda == agenda)
            let outsider = try await APIClient.make(t, "veileder3")
            #expect(try await outsider.get("/api/v1/meetings/\(planned.id)").status == .notFound)
            #expect(try await outsider.patch("/api/v1/meetings/\(planned.id)", ["cancelReason": "Ikke min"]).status == .notFound)
            #expect(try await api.get("/api/v1/meetings/\(UUID())").status == .notFound)

            // Minutes before the meeting began: refused, nothing changes.
            let early = try await Follow.minutes(api, planned.id, "Skrevet på forhånd")
            #expect(early.status == .unprocessableEntity)
            #expect(early.problemFields == ["minutes"])
            let untouched = try #require(try await Meeting.find(planned.id, on: t.db))
            #expect(untouched.minutes == nil && untouched.minutesAt == nil && untouched.eventID == nil)

            // Moving it before it is held: allowed, sequence up.
            let moved = try await api.patch("/api/v1/meetings/\(planned.id)", ["place": "Lagerhuset, kantina"])
            #expect(moved.status == .ok, "\(moved.text.prefix(300))")
            let movedDTO = try moved.content.decode(MeetingDTO.self)
            #expect(movedDTO.place == "Lagerhuset, kantina" && movedDTO.sequence == 1 && movedDTO.startsAt == startsAt && movedDTO.agenda == agenda)

            // Three days later: held.
            t.clock.advance(by: 3 * Follow.day1)
            let nextStart = Follow.at(t, days: 14, hour: 9, minute: 30)
            let pastNext = try await Follow.minutes(api, planned.id, "Referat", next: ["type": "statusmote", "startsAt": Follow.iso(Follow.at(t, days: -1, hour: 9))])
            #expect(pastNext.status == .unprocessableEntity)
            #expect(pastNext.problemFields == ["next.startsAt"])
            let badNext = try await Follow.minutes(api, planned.id, "Referat", next: ["type": "kaffeprat", "startsAt": Follow.iso(nextStart)])
            #expect(badNext.problemFields == ["next.type"])
            #expect(try await Meeting.find(planned.id, on: t.db)?.minutesAt == nil, "a refused next meeting refuses the minutes too")

            let text = "Kandidaten mestrer varemottaket. Mentoren ønsker mer tid til opplæring i truckkjøring."
            let held = try await Follow.minutes(api, planned.id, text, next: ["type": "statusmote", "startsAt": Follow.iso(nextStart), "durationMinutes": 30])
            #expect(held.status == .ok, "\(held.text.prefix(400))")
            let heldDTO = try held.content.decode(MeetingDTO.self)
            #expect(heldDTO.status == "holdt" && heldDTO.minutes == text && heldDTO.minutesAt == t.clock.now())
            #expect(heldDTO.minutesBy == (try await t.user("veileder1").requireID()))
            let heldEvent = try #require(heldDTO.eventId)
            let evaluations = try await Follow.events(api, p.id).filter { $0.type == "evaluation_meeting" }
            #expect(evaluations.map(\.id) == [heldEvent])
            #expect(evaluations.first?.occurredAt == startsAt, "the event happened when the meeting did, not when the minutes were written")
            #expect(try await t.auditEntries(.meetingMinutesWritten).filter { $0.objectID == p.candidateID.uuidString }.count == 1)
            #expect(try await Candidate.find(p.candidateID, on: t.db)?.lastContactAt == startsAt)

            // The next meeting is booked in the same step, with its own agenda.
            let all = try await Follow.meetings(api, pathway: p.id)
            #expect(all.count == 2)
            let next = try #require(all.first { $0.id != planned.id })
            #expect(next.type == "statusmote" && next.status == "planlagt" && next.startsAt == nextStart && next.durationMinutes == 30)
            #expect(next.agenda?.lowercased().contains("neste møte") == true)
            #expect(try await Candidate.find(p.candidateID, on: t.db)?.nextMeetingAt == nextStart)

            // A held meeting's plans are history: 409, nothing changed.
            let replan = try await api.patch("/api/v1/meetings/\(planned.id)", ["place": "Et annet sted"])
            #expect(replan.status == .conflict)
            #expect(try await Meeting.find(planned.id, on: t.db)?.place == "Lagerhuset, kantina")
            #expect(try await api.patch("/api/v1/meetings/\(planned.id)", ["cancelReason": "For sent"]).status == .conflict)

            // Corrected minutes: the event stays one.
            let corrected = try await Follow.minutes(api, planned.id, text + " Rettet: truck i uke 3.")
            #expect(corrected.status == .ok)
            #expect(try corrected.content.decode(MeetingDTO.self).eventId == heldEvent)
            #expect(try await Follow.events(api, p.id).filter { $0.type == "evaluation_meeting" }.count == 1)

            // Cancelling the next one needs a reason; then it is avlyst, and takes neither minutes nor a second cancellation.
            let noReason = try await api.patch("/api/v1/meetings/\(next.id)", ["cancelReason": "   "])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.problemFields == ["cancelReason"])
            let cancelled = try await api.patch("/api/v1/meetings/\(next.id)", ["cancelReason": "Kandidaten er syk"])
            #expect(cancelled.status == .ok, "\(cancelled.text.prefix(300))")
            let cancelledDTO = try cancelled.content.decode(MeetingDTO.self)
            #expect(cancelledDTO.status == "avlyst" && cancelledDTO.cancelReason == "Kandidaten er syk" && cancelledDTO.cancelledAt == t.clock.now())
            #expect(try await api.patch("/api/v1/meetings/\(next.id)", ["cancelReason": "Igjen"]).status == .conflict)
            t.clock.advance(by: 15 * Follow.day1)
            #expect(try await Follow.minutes(api, next.id, "Holdt likevel?").status == .conflict)
            #expect(try await Follow.events(api, p.id).filter { $0.type == "status_meeting" }.isEmpty)
            #expect(try await t.auditEntries(.meetingCancelled).filter { $0.objectID == p.candidateID.uuidString }.count == 1)
        }
    }

    @Test("Meeting types write their events only when held: statusmøte, karriereveiledning, kartleggingssamtale; others by mentor, then employer; the period list is the caller's own")
    func meetingEventsAndPeriodList() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Follow.start(t, api)
            let yesterday = Follow.at(t, days: -1, hour: 9)
            let cases: [(type: String, participants: [[String: String]], event: String?)] = [
                ("statusmote", [], "status_meeting"),
                ("karriereveiledning", [], "career_guidance"),
                ("kartleggingssamtale", [], "first_conversation"),
                ("trepartsmote", [["role": "mentor"], ["role": "arbeidsgiver"]], "mentor_contact"),
                ("ansvarsgruppemote", [["role": "arbeidsgiver"]], "employer_followup"),
                ("oppstartsmote", [["role": "kandidat"]], nil),
            ]
            for (n, item) in cases.enumerated() {
                let meeting = try await Follow.plan(api, p.id, type: item.type, at: yesterday.addingTimeInterval(Double(n) * 3_600), participants: item.participants)
                #expect(try await Follow.events(api, p.id).first { $0.note?.contains(item.type) == true } == nil)
                let held = try await Follow.hold(api, meeting.id)
                let events = try await Follow.events(api, p.id)
                if let expected = item.event {
                    let event = try #require(events.first { $0.id == held.eventId }, "\(item.type) wrote no event")
                    #expect(event.type == expected, "\(item.type)")
                    #expect(event.occurredAt == meeting.startsAt)
                } else {
                    #expect(held.eventId == nil, "\(item.type) without mentor or employer writes nothing")
                }
            }

            // The period list: the caller's own candidates' meetings whose start lies within the days.
            let colleague = try await APIClient.make(t, "veileder2")
            let theirs = try await Follow.start(t, colleague, first: "Torbjørg", last: "Kvalvik")
            let theirMeeting = try await Follow.plan(colleague, theirs.id, type: "statusmote", at: Follow.at(t, days: 1, hour: 9))
            let mine = try await Follow.plan(api, p.id, type: "statusmote", at: Follow.at(t, days: 1, hour: 13))
            let period = try await api.get("/api/v1/meetings?from=\(Follow.day(t, -1))&to=\(Follow.day(t, 1))")
            #expect(period.status == .ok, "\(period.text.prefix(300))")
            let listed = try period.content.decode([MeetingDTO].self)
            #expect(listed.count == cases.count + 1)
            #expect(listed.contains { $0.id == mine.id } && !listed.contains { $0.id == theirMeeting.id })
            #expect(listed.map(\.startsAt) == listed.map(\.startsAt).sorted())
            let onlyTomorrow = try await api.get("/api/v1/meetings?from=\(Follow.day(t, 1))&to=\(Follow.day(t, 1))").content.decode([MeetingDTO].self)
            #expect(onlyTomorrow.map(\.id) == [mine.id])
            let backwards = try await api.get("/api/v1/meetings?from=\(Follow.day(t, 1))&to=\(Follow.day(t, -1))")
            #expect(backwards.status == .unprocessableEntity)
            #expect(backwards.problemFields == ["to"])
            let garbage = try await api.get("/api/v1/meetings?from=i-går&to=\(Follow.day(t, 1))")
            #expect(garbage.problemFields == ["from"])
            // Another office cannot list the pathway's meetings.
            let outsider = try await APIClient.make(t, "veileder3")
            #expect(try await outsider.get("/api/v1/meetings?pathwayId=\(p.id)").status == .notFound)
        }
    }

    // MARK: - 3. Criteria

    @Test("Only a held meeting counts: a planned or cancelled evaluation does not meet H5.2, nor a planned statusmøte Snart Ansatt V8; minutes do")
    func criteria() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Follow.start(t, api)
            try await Follow.record(t, api, p.id, "placement_start", daysAgo: 10, employer: "Lagerhuset AS")
            var q = try await PathwayFlowTests.quality(api, p.id)
            #expect(q["H5.2"]?.machineChecked == true)
            #expect(q["H5.2"]?.state == "due")

            // Cancelled: nothing.
            let cancelled = try await Follow.plan(api, p.id, type: "evalueringsmote", at: Follow.at(t, days: 1, hour: 10))
            #expect(try await api.patch("/api/v1/meetings/\(cancelled.id)", ["cancelReason": "Mentoren er syk"]).status == .ok)
            // Planned two days ago, no minutes: still nothing.
            let meeting = try await Follow.plan(api, p.id, type: "evalueringsmote", at: Follow.at(t, days: -2, hour: 13),
                                                participants: [["role": "mentor"], ["role": "arbeidsgiver"]])
            q = try await PathwayFlowTests.quality(api, p.id)
            #expect(q["H5.2"]?.state == "due")
            #expect(q["H5.2"]?.evidenceEventId == nil)
            #expect(try await PathwayCriteriaStore.load(pathwayID: p.id, on: t.db)["H5.2"]?.state == "due")
            #expect(try await Follow.events(api, p.id).allSatisfy { $0.type != "evaluation_meeting" })

            // Minutes: met, with the meeting's event as evidence, on the meeting's day.
            let held = try await Follow.hold(api, meeting.id)
            let eventID = try #require(held.eventId)
            q = try await PathwayFlowTests.quality(api, p.id)
            #expect(q["H5.2"]?.state == "met")
            #expect(q["H5.2"]?.evidenceEventId == eventID)
            #expect(q["H5.2"]?.evidenceAt == meeting.startsAt)
            let row = try await PathwayCriteriaStore.load(pathwayID: p.id, on: t.db)["H5.2"]
            #expect(row?.state == "met" && row?.evidence_event_id == eventID)

            // Snart Ansatt V8: status or evaluation meetings monthly during a placement, "det skrives alltid notat
            // etter møtet". A placement 40 days without: overdue, with an alert. A meeting without minutes changes nothing.
            let sa = try await Follow.start(t, api, model: "snart-ansatt", daysAgo: 100, first: "Bjørn", last: "Fjellstad")
            try await Follow.record(t, api, sa.id, "placement_start", daysAgo: 40, employer: "Butikken AS")
            var v8 = try #require(try await PathwayFlowTests.quality(api, sa.id)["V8"])
            #expect(v8.machineChecked && v8.state == "overdue", "\(v8.state)")
            #expect(try await Follow.open(t, sa.id, .criterionOverdue).contains { $0.subject == "V8" })
            let status = try await Follow.plan(api, sa.id, type: "statusmote", at: Follow.at(t, days: -1, hour: 14),
                                               participants: [["role": "arbeidsgiver"], ["role": "mentor"]])
            v8 = try #require(try await PathwayFlowTests.quality(api, sa.id)["V8"])
            #expect(v8.state == "overdue" && v8.evidenceEventId == nil, "a planned meeting is not a held one")
            #expect(try await PathwayCriteriaStore.load(pathwayID: sa.id, on: t.db)["V8"]?.state == "overdue")
            let heldStatus = try await Follow.hold(api, status.id, "Notat: kandidaten trives, vi øker til fire dager.")
            let statusEvent = try #require(heldStatus.eventId)
            #expect(try await Follow.events(api, sa.id).first { $0.id == statusEvent }?.type == "status_meeting")
            v8 = try #require(try await PathwayFlowTests.quality(api, sa.id)["V8"])
            #expect(v8.state == "due", "the next month has begun: \(v8.state)")
            #expect(v8.evidenceEventId == statusEvent)
            let monthAfter = RuleDuration.calendar.date(byAdding: .month, value: 1, to: Follow.startOfDay(t, -1))!
            #expect(v8.deadline == DisplayDate.dayInput(monthAfter), "a month after the meeting")
            let v8Row = try await PathwayCriteriaStore.load(pathwayID: sa.id, on: t.db)["V8"]
            #expect(v8Row?.state == "due" && v8Row?.evidence_event_id == statusEvent)
            #expect(try await Follow.open(t, sa.id, .criterionOverdue).allSatisfy { $0.subject != "V8" }, "the V8 alert is resolved")
        }
    }

    // MARK: - 4. Alerts

    @Test("no_workplace_contact: a placement 30 days without mentor or employer opens it by the daily job (stored, not read-time); a candidate contact does not resolve it, a mentor contact does — resolved, not deleted")
    func noWorkplaceContact() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Follow.start(t, api)
            try await Follow.record(t, api, p.id, "placement_start", daysAgo: 25, employer: "Lagerhuset AS")
            let placementStart = Follow.startOfDay(t, -25)
            #expect(try await Follow.rows(t, p.id, .noWorkplaceContact).isEmpty)
            let checkAt = try #require(try await Pathway.find(p.id, on: t.db)?.alertsCheckAt)
            let due = RuleDuration(30, .day).deadline(after: placementStart)
            #expect(checkAt <= due)

            t.clock.advance(by: 8 * Follow.day1)
            #expect(try await Follow.alerts(api, pathway: p.id, kind: "no_workplace_contact").isEmpty, "alerts are stored rows; reading computes nothing")
            let result = try await Follow.dailyJob(t)
            #expect(result.alerts + result.pathways >= 1)
            let opened = try await Follow.open(t, p.id, .noWorkplaceContact)
            #expect(opened.count == 1)
            let alert = try #require(opened.first)
            #expect(alert.since == due && alert.openedAt == t.clock.now() && alert.$candidate.id == p.candidateID)

            // The JSON: id, kind, pathwayId, since and a reason in Norwegian.
            let response = try await api.get("/api/v1/alerts")
            #expect(response.status == .ok)
            let raw = try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [[String: Any]])
            let item = try #require(raw.first { $0["id"] as? String == alert.id?.uuidString })
            #expect(item["kind"] as? String == "no_workplace_contact")
            #expect(item["pathwayId"] as? String == p.id.uuidString)
            #expect(item["candidateId"] as? String == p.candidateID.uuidString)
            let since = try #require(item["since"] as? String)
            #expect(ISO8601DateFormatter().date(from: since) == due)
            let reason = try #require(item["reason"] as? String)
            #expect(Follow.isText(reason), "reason was \(reason)")
            #expect(item["link"] as? String == "/forlop/\(p.id)/oppfolging")
            #expect(try await t.auditEntries(.alertsRead).first?.actorUsername == "veileder1")
            // Not on a same-office colleague's list.
            let colleague = try await APIClient.make(t, "veileder2")
            #expect(try await Follow.alerts(colleague).allSatisfy { $0.pathwayId != p.id })

            // A contact with the candidate is not workplace contact.
            #expect(try await Follow.contact(api, p.id, ["occurredAt": Follow.day(t, 0), "channel": "telefon", "withWhom": "kandidat"]).status == .created)
            #expect(try await Follow.open(t, p.id, .noWorkplaceContact).map(\.id) == [alert.id])

            // The mentor: resolved on write, kept.
            #expect(try await Follow.contact(api, p.id, ["occurredAt": Follow.day(t, 0), "channel": "telefon", "withWhom": "mentor"]).status == .created)
            let rows = try await Follow.rows(t, p.id, .noWorkplaceContact)
            #expect(rows.map(\.id) == [alert.id], "resolved, never deleted")
            #expect(rows.first?.resolvedAt == t.clock.now())
            #expect(try await Follow.alerts(api, pathway: p.id, kind: "no_workplace_contact", includeSnoozed: true).isEmpty)
            // The next check is the new deadline, 30 days from the contact.
            #expect(try await Pathway.find(p.id, on: t.db)?.alertsCheckAt ?? .distantFuture <= RuleDuration(30, .day).deadline(after: t.clock.now()))
        }
    }

    @Test("no_workplace_contact from an approved agreement that started 60 days ago opens on the second approval; a held trepartsmøte with the mentor resolves it")
    func noWorkplaceContactFromAgreement() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Follow.start(t, api)
            let employer = try await Follow.employer(api)
            let agreement = try await Follow.agreement(api, pathway: p.id, employer: employer, start: Follow.day(t, -60), end: Follow.day(t, 120))
            try await Follow.approve(api, agreement, "veileder")
            #expect(try await Follow.rows(t, p.id, .noWorkplaceContact).isEmpty, "not before both have approved")
            try await Follow.approve(api, agreement, "arbeidsgiver")
            let open = try await Follow.open(t, p.id, .noWorkplaceContact)
            #expect(open.count == 1)
            #expect(open.first?.since == RuleDuration(30, .day).deadline(after: Follow.startOfDay(t, -60)))
            let listed = try await Follow.alerts(api, pathway: p.id, kind: "no_workplace_contact")
            #expect(listed.count == 1 && Follow.isText(listed.first?.reason ?? ""), "\(listed.map(\.reason))")

            // A planned meeting with the mentor is not contact; a held one is.
            let meeting = try await Follow.plan(api, p.id, type: "trepartsmote", at: Follow.at(t, days: -1, hour: 10),
                                                participants: [["role": "mentor", "name": "Siv Lager"], ["role": "kandidat"]])
            #expect(try await Follow.open(t, p.id, .noWorkplaceContact).count == 1)
            let held = try await Follow.hold(api, meeting.id)
            let event = try #require(try await Follow.events(api, p.id).first { $0.id == held.eventId })
            #expect(event.type == "mentor_contact" && event.employerId == employer)
            let rows = try await Follow.rows(t, p.id, .noWorkplaceContact)
            #expect(rows.count == 1 && rows.first?.resolvedAt == t.clock.now())
            #expect(try await Follow.alerts(api, pathway: p.id, kind: "no_workplace_contact").isEmpty)
        }
    }

    @Test("no_next_meeting: a hybrid candidate without a booked meeting has it; booking resolves it; when that meeting's time passes the daily job opens a new one; cancelling opens one")
    func noNextMeeting() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Follow.start(t, api, daysAgo: 20)
            #expect(try await Follow.rows(t, p.id, .noNextMeeting).isEmpty, "only hybrid candidates")
            let hybrid = try await api.post("/api/v1/candidates/\(p.candidateID)/hybrid", ["action": "start", "reason": "Tett oppfølging i overgangen"])
            #expect(hybrid.status == .ok, "\(hybrid.text.prefix(300))")
            let first = try await Follow.open(t, p.id, .noNextMeeting)
            #expect(first.count == 1)
            let listed = try await Follow.alerts(api, pathway: p.id, kind: "no_next_meeting")
            #expect(listed.count == 1 && Follow.isText(listed.first?.reason ?? ""), "\(listed.map(\.reason))")

            let startsAt = Follow.at(t, days: 2, hour: 10)
            let meeting = try await Follow.plan(api, p.id, type: "statusmote", at: startsAt)
            var rows = try await Follow.rows(t, p.id, .noNextMeeting)
            #expect(rows.count == 1 && rows.first?.resolvedAt == t.clock.now())
            #expect(try await Follow.alerts(api, pathway: p.id, kind: "no_next_meeting").isEmpty)
            #expect(try await Pathway.find(p.id, on: t.db)?.alertsCheckAt ?? .distantFuture <= startsAt)

            // The meeting's time passes without minutes: the daily job opens a new alert.
            t.clock.advance(by: 3 * Follow.day1)
            #expect(try await Follow.open(t, p.id, .noNextMeeting).isEmpty)
            try await Follow.dailyJob(t)
            rows = try await Follow.rows(t, p.id, .noNextMeeting)
            #expect(rows.count == 2)
            #expect(rows.filter { $0.resolvedAt == nil }.count == 1)
            #expect(rows.first { $0.resolvedAt == nil }?.id != first.first?.id, "a new alert; the resolved one stays resolved")
            #expect(try await Follow.alerts(api, pathway: p.id, kind: "no_next_meeting").count == 1)

            // Minutes for the passed meeting and a next one booked in the same step: resolved.
            let held = try await Follow.minutes(api, meeting.id, "Statusmøte holdt.", next: ["type": "statusmote", "startsAt": Follow.iso(Follow.at(t, days: 7, hour: 10))])
            #expect(held.status == .ok, "\(held.text.prefix(300))")
            #expect(try await Follow.open(t, p.id, .noNextMeeting).isEmpty)
            let next = try #require(try await Follow.meetings(api, pathway: p.id).first { $0.status == "planlagt" })

            // Cancelling the only booked meeting opens it again on write.
            #expect(try await api.patch("/api/v1/meetings/\(next.id)", ["cancelReason": "Kandidaten har fått jobb et annet sted"]).status == .ok)
            #expect(try await Follow.open(t, p.id, .noNextMeeting).count == 1)
            #expect(try await Follow.rows(t, p.id, .noNextMeeting).count == 3)
        }
    }

    @Test("first_workday: an agreement starting tomorrow opens it on the second approval; two days later the daily job resolves it")
    func firstWorkday() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Follow.start(t, api)
            let employer = try await Follow.employer(api)
            let agreement = try await Follow.agreement(api, pathway: p.id, employer: employer, start: Follow.day(t, 1), end: Follow.day(t, 90))
            try await Follow.approve(api, agreement, "veileder")
            #expect(try await Follow.rows(t, p.id, .firstWorkday).isEmpty)
            try await Follow.approve(api, agreement, "arbeidsgiver")
            let open = try await Follow.open(t, p.id, .firstWorkday)
            #expect(open.count == 1)
            #expect(open.first?.subject == agreement.uuidString)
            #expect(open.first?.since == Follow.startOfDay(t, 0))
            let listed = try #require(try await Follow.alerts(api, pathway: p.id, kind: "first_workday").first)
            #expect(listed.link == "/avtaler/\(agreement)")
            #expect(Follow.isText(listed.reason), "reason was \(listed.reason)")

            t.clock.advance(by: 2 * Follow.day1)
            try await Follow.dailyJob(t)
            let rows = try await Follow.rows(t, p.id, .firstWorkday)
            #expect(rows.count == 1 && rows.first?.resolvedAt == t.clock.now())
            #expect(try await Follow.events(api, p.id).contains { $0.type == "placement_start" && $0.agreementId == agreement })
        }
    }

    @Test("agreement_ending: opens by the daily job when an approved agreement enters its last 30 days without an evaluation; an evaluation meeting with minutes resolves it")
    func agreementEnding() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Follow.start(t, api)
            let employer = try await Follow.employer(api)
            let endDay = Follow.day(t, 40)
            let agreement = try await Follow.agreement(api, pathway: p.id, employer: employer, start: Follow.day(t, -50), end: endDay)
            try await Follow.approve(api, agreement, "veileder")
            try await Follow.approve(api, agreement, "arbeidsgiver")
            #expect(try await Follow.rows(t, p.id, .agreementEnding).isEmpty, "40 days left")

            t.clock.advance(by: 11 * Follow.day1)
            #expect(try await Follow.rows(t, p.id, .agreementEnding).isEmpty)
            try await Follow.dailyJob(t)
            let open = try await Follow.open(t, p.id, .agreementEnding)
            #expect(open.count == 1)
            #expect(open.first?.subject == agreement.uuidString)
            let endDate = try #require(DisplayDate.parseDay(endDay))
            #expect(open.first?.since == RuleDuration.calendar.date(byAdding: .day, value: -30, to: endDate))
            let listed = try #require(try await Follow.alerts(api, pathway: p.id, kind: "agreement_ending").first)
            #expect(listed.link == "/avtaler/\(agreement)" && Follow.isText(listed.reason), "reason was \(listed.reason)")

            // A planned evaluation is not enough; a held one is.
            let meeting = try await Follow.plan(api, p.id, type: "evalueringsmote", at: Follow.at(t, days: -1, hour: 10), participants: [["role": "arbeidsgiver"]])
            #expect(try await Follow.open(t, p.id, .agreementEnding).count == 1)
            try await Follow.hold(api, meeting.id)
            let rows = try await Follow.rows(t, p.id, .agreementEnding)
            #expect(rows.count == 1 && rows.first?.resolvedAt == t.clock.now())
            #expect(try await Follow.alerts(api, pathway: p.id, kind: "agreement_ending").isEmpty)
        }
    }

    @Test("criterion_overdue: backdated pathways open it on write, the daily job when a deadline passes; a held kartleggingssamtale resolves the first-meeting criterion only")
    func criterionOverdue() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            // Referred 40 days ago: the first meeting (14 d) and the decision (28 d) are overdue.
            let p = try await Follow.start(t, api, model: "tromsopakken", daysAgo: 40, innsats: "spesielt_tilpasset")
            let open = try await Follow.open(t, p.id, .criterionOverdue)
            #expect(Set(open.map(\.subject)).isSuperset(of: ["T1.2a", "T1.4a"]), "\(open.map(\.subject))")
            let first = try #require(open.first { $0.subject == "T1.2a" })
            let listed = try #require(try await Follow.alerts(api, pathway: p.id, kind: "criterion_overdue").first { $0.id == first.id })
            #expect(listed.link == "/forlop/\(p.id)#kriterier")
            #expect(Follow.isText(listed.reason), "reason was \(listed.reason)")

            // The first conversation, held 30 days ago (on time) and written up now: T1.2a met, resolved; T1.4a stays.
            let meeting = try await Follow.plan(api, p.id, type: "kartleggingssamtale", at: Follow.at(t, days: -30, hour: 10))
            #expect(try await Follow.open(t, p.id, .criterionOverdue).contains { $0.subject == "T1.2a" }, "planned is not held")
            try await Follow.hold(api, meeting.id, "Første samtale: ønsker butikk eller lager.")
            #expect(try await PathwayFlowTests.quality(api, p.id)["T1.2a"]?.state == "met")
            let after = try await Follow.rows(t, p.id, .criterionOverdue)
            #expect(after.first { $0.id == first.id }?.resolvedAt == t.clock.now())
            #expect(after.contains { $0.subject == "T1.4a" && $0.resolvedAt == nil })
            #expect(try await Follow.alerts(api, pathway: p.id, kind: "criterion_overdue").allSatisfy { $0.id != first.id })

            // A fresh pathway: nothing overdue; 16 days on, the daily job opens it.
            let fresh = try await Follow.start(t, api, model: "tromsopakken", daysAgo: 0, first: "Bjørn", last: "Fjellstad", innsats: "spesielt_tilpasset")
            #expect(try await Follow.open(t, fresh.id, .criterionOverdue).isEmpty)
            t.clock.advance(by: 16 * Follow.day1)
            #expect(try await Follow.open(t, fresh.id, .criterionOverdue).isEmpty)
            try await Follow.dailyJob(t)
            #expect(try await Follow.open(t, fresh.id, .criterionOverdue).contains { $0.subject == "T1.2a" })
        }
    }

    @Test("Snooze: hidden from the list but shown with includeSnoozed; back when the day comes; past day or no reason is 422; another office 404; a snoozed alert still resolves with the data")
    func snooze() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Follow.start(t, api)
            try await Follow.record(t, api, p.id, "placement_start", daysAgo: 40, employer: "Lagerhuset AS")
            let alert = try #require(try await Follow.open(t, p.id, .noWorkplaceContact).first)
            let alertID = try alert.requireID()
            let path = "/api/v1/alerts/\(alertID)/snooze"

            let past = try await api.post(path, ["until": Follow.day(t, -1), "reason": "Mentoren har ferie"])
            #expect(past.status == .unprocessableEntity)
            #expect(past.problemFields == ["until"])
            let today = try await api.post(path, ["until": Follow.day(t, 0), "reason": "Mentoren har ferie"])
            #expect(today.problemFields == ["until"])
            let noReason = try await api.post(path, ["until": Follow.day(t, 7)])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.problemFields == ["reason"])
            let tooLong = try await api.post(path, ["until": Follow.day(t, 120), "reason": "Mentoren har ferie"])
            #expect(tooLong.problemFields == ["until"])
            let noDay = try await api.post(path, ["reason": "Mentoren har ferie"])
            #expect(noDay.problemFields == ["until"])
            let outsider = try await APIClient.make(t, "veileder3")
            #expect(try await outsider.post(path, ["until": Follow.day(t, 7), "reason": "Ikke min"]).status == .notFound)
            #expect(try await api.post("/api/v1/alerts/\(UUID())/snooze", ["until": Follow.day(t, 7), "reason": "Finnes ikke"]).status == .notFound)
            #expect(try await Alert.find(alertID, on: t.db)?.snoozedUntil == nil)

            let snoozed = try await api.post(path, ["until": Follow.day(t, 7), "reason": "Mentoren har ferie, ringer når hun er tilbake"])
            #expect(snoozed.status == .ok, "\(snoozed.text.prefix(300))")
            let dto = try snoozed.content.decode(AlertDTO.self)
            #expect(dto.snoozedUntil == Follow.day(t, 7) && dto.snoozeReason == "Mentoren har ferie, ringer når hun er tilbake")
            let row = try #require(try await Alert.find(alertID, on: t.db))
            #expect(row.snoozedUntil == Follow.startOfDay(t, 7) && row.snoozedAt == t.clock.now() && row.resolvedAt == nil)
            #expect(row.$snoozedBy.id == (try await t.user("veileder1").requireID()))
            #expect(try await t.auditEntries(.alertSnoozed).filter { $0.objectID == p.candidateID.uuidString }.count == 1)

            #expect(try await Follow.alerts(api).allSatisfy { $0.id != alertID })
            let withSnoozed = try await Follow.alerts(api, includeSnoozed: true).filter { $0.id == alertID }
            #expect(withSnoozed.count == 1 && withSnoozed.first?.snoozedUntil == Follow.day(t, 7))

            // The day comes and the data still says so: back on the list.
            t.clock.advance(by: 8 * Follow.day1)
            #expect(try await Follow.alerts(api).contains { $0.id == alertID })

            // Snoozed again, then the data resolves it anyway.
            #expect(try await api.post(path, ["until": Follow.day(t, 14), "reason": "Venter på svar fra arbeidsgiver"]).status == .ok)
            #expect(try await Follow.contact(api, p.id, ["occurredAt": Follow.day(t, 0), "channel": "pa_arbeidsplassen", "withWhom": "arbeidsgiver"]).status == .created)
            let resolved = try #require(try await Alert.find(alertID, on: t.db))
            #expect(resolved.resolvedAt == t.clock.now())
            #expect(resolved.snoozeReason == "Venter på svar fra arbeidsgiver", "the snooze is kept as history")
            #expect(try await Follow.alerts(api, includeSnoozed: true).allSatisfy { $0.id != alertID })
            #expect(try await Follow.rows(t, p.id, .noWorkplaceContact).count == 1)
            // A resolved alert is not snoozed.
            #expect(try await api.post(path, ["until": Follow.day(t, 3), "reason": "For sent"]).status == .conflict)
        }
    }

    @Test("needs_action_at: the stored moment gives the same candidates as the rows' own definition at every moment, after an action item, a snooze, a pause and the daily job")
    func needsActionMatchesDefinition() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            // The definition, read from the rows at `now`, as lists asked it before it was stored.
            func byDefinition(_ now: Date) async throws -> Set<UUID> {
                struct Row: Decodable { var id: UUID }
                let definition: SQLQueryString = """
                    SELECT c.id FROM candidates c WHERE \
                    EXISTS (SELECT 1 FROM action_items a WHERE a.candidate_id = c.id AND a.resolved_at IS NULL AND a.due_at <= \(bind: now)) \
                    OR \(AlertStore.openPredicate(now: now)) \
                    OR EXISTS (SELECT 1 FROM pathways p WHERE p.candidate_id = c.id AND p.status = \(bind: Pathway.Status.active.rawValue) \
                    AND EXISTS (SELECT 1 FROM pathway_criteria pc WHERE pc.pathway_id = p.id AND \(PathwayCriteriaStore.needsActionPredicate(now: now))))
                    """
                return Set(try await t.sql.raw(definition).all(decoding: Row.self).map(\.id))
            }
            func byStoredMoment(_ now: Date) async throws -> Set<UUID> {
                struct Row: Decodable { var id: UUID }
                return Set(try await t.sql.raw("SELECT c.id FROM candidates c WHERE \(NeedsAction.predicate(now: now))").all(decoding: Row.self).map(\.id))
            }
            func agree(_ label: String) async throws {
                for days in [-1, 0, 1, 3, 6, 8, 20, 60, 400] {
                    let now = t.clock.now().addingTimeInterval(Double(days) * Follow.day1)
                    let (stored, defined) = (try await byStoredMoment(now), try await byDefinition(now))
                    #expect(stored == defined, "\(label), \(days) days on: \(stored.symmetricDifference(defined).count) candidates differ")
                }
            }
            try await agree("demo data")
            #expect(try await byStoredMoment(t.clock.now()).count >= 3, "the demo portfolio has candidates that need action")

            // An action item due in two days: not yet, then from that moment on.
            let quiet = try await api.register(APICandidate.body(fnr: Follow.fnr(), first: "Trine", last: "Venteliste", innsats: "standard")).id
            #expect(try await byStoredMoment(t.clock.now().addingTimeInterval(400 * Follow.day1)).contains(quiet) == false)
            try await t.addActionItem(for: quiet, due: t.clock.now().addingTimeInterval(2 * Follow.day1))
            #expect(try await byStoredMoment(t.clock.now()).contains(quiet) == false)
            #expect(try await byStoredMoment(t.clock.now().addingTimeInterval(2 * Follow.day1)).contains(quiet))
            try await agree("action item")

            // A pathway started yesterday (no deadline passed yet) for a candidate in close follow-up
            // without a booked meeting: the alert alone makes them need action; snoozed, they rest.
            let p = try await Follow.start(t, api, daysAgo: 1)
            #expect(try await api.post("/api/v1/candidates/\(p.candidateID)/hybrid", ["action": "start", "reason": "Tett oppfølging"]).status == .ok)
            let alert = try #require(try await Follow.open(t, p.id, .noNextMeeting).first)
            #expect(try await byStoredMoment(t.clock.now()).contains(p.candidateID))
            try await agree("open alert")
            #expect(try await api.post("/api/v1/alerts/\(alert.requireID())/snooze", ["until": Follow.day(t, 7), "reason": "Mentoren har ferie"]).status == .ok)
            #expect(try await byStoredMoment(t.clock.now()).contains(p.candidateID) == false)
            try await agree("snoozed alert")

            // Paused: the pathway's criteria rest; resumed: back.
            let browser = t.browser()
            _ = try await browser.login("veileder1")
            #expect(try await browser.post("/forlop/\(p.id)/status", [("action", "pause"), ("reason", "Sykmeldt en periode")]).status == .seeOther)
            #expect(try await Pathway.find(p.id, on: t.db)?.status == .paused)
            try await agree("paused pathway")
            #expect(try await browser.post("/forlop/\(p.id)/status", [("action", "gjenoppta")]).status == .seeOther)
            try await agree("resumed pathway")

            // Time passes and the daily job turns deadlines into overdue criteria.
            t.clock.advance(by: 10 * Follow.day1)
            try await Follow.dailyJob(t)
            try await agree("after the daily job")
            #expect(try await byStoredMoment(t.clock.now()).contains(quiet))
        }
    }

    // MARK: - 5. iCalendar

    @Test("A meeting's .ics is strict RFC 5545: CRLF, folded at 75 octets without splitting characters, nested, UTC times; the first name only; moving it raises SEQUENCE")
    func meetingICS() async throws {
        // The reader itself refuses what it should.
        let good = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y\r\nEND:VCALENDAR\r\n"
        #expect(throws: Never.self) { try StrictICS.events(Array(good.utf8)) }
        let bad = [
            good.replacingOccurrences(of: "\r\n", with: "\n"),
            good.replacingOccurrences(of: "END:VCALENDAR", with: "END:VEVENT"),
            good.replacingOccurrences(of: "PRODID:-//x//y", with: "PRODID:" + String(repeating: "x", count: 80)),
            good.replacingOccurrences(of: "VERSION:2.0\r\n", with: "VERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000\r\nDTEND:20260101T110000Z\r\nEND:VEVENT\r\n"),
            good.replacingOccurrences(of: "VERSION:2.0\r\n", with: ""),
        ]
        for document in bad {
            #expect(throws: StrictICS.Failure.self) { try StrictICS.events(Array(document.utf8)) }
        }

        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Follow.start(t, api, first: "Ingrid", last: "Solbakken")
            let place = "Møterom «Fjellheimen», 3. etasje; inngang fra bakgården ved siden av kantina – spør etter Åse i resepsjonen"
            let startsAt = Follow.at(t, days: 3, hour: 9, minute: 15)
            let meeting = try await Follow.plan(api, p.id, type: "evalueringsmote", at: startsAt, duration: 50, place: place,
                                                participants: [["role": "mentor", "name": "Siv Lager"]])

            let response = try await api.get("/api/v1/meetings/\(meeting.id).ics")
            #expect(response.status == .ok, "\(response.text.prefix(300))")
            #expect(response.headers.contentType?.type == "text" && response.headers.contentType?.subType == "calendar")
            #expect(response.headers.first(name: .contentDisposition)?.hasPrefix("attachment") == true)
            let bytes = Array(response.body.readableBytesView)
            let (events, parsed) = try StrictICS.events(bytes)
            #expect(parsed.foldedLines >= 1, "the long location is folded")
            #expect(events.count == 1)
            let event = try #require(events.first)
            #expect(event.value("UID") == "\(meeting.id.uuidString.lowercased())@samskap")
            #expect(StrictICS.utc(event.value("DTSTART")!) == startsAt)
            #expect(StrictICS.utc(event.value("DTEND")!) == startsAt.addingTimeInterval(50 * 60))
            #expect(event.value("SEQUENCE") == "0" && event.value("STATUS") == "CONFIRMED")
            #expect(try StrictICS.text(event.value("LOCATION") ?? "") == place)
            let summary = try StrictICS.text(try #require(event.value("SUMMARY")))
            #expect(summary.contains("Ingrid"))
            #expect(!summary.contains("Solbakken"))
            #expect(!summary.hasPrefix("meeting_type."), "a label, not a key: \(summary)")
            // Nowhere in the file: the last name or the national ID number (also not split over folded lines).
            let unfolded = response.text.replacingOccurrences(of: "\r\n ", with: "")
            #expect(!unfolded.contains("Solbakken") && !unfolded.contains(p.fnr))
            let audit = try #require(try await t.auditEntries(.meetingRead).first)
            #expect(audit.objectID == p.candidateID.uuidString && (audit.detail ?? "").contains("kalenderfil"))

            // Moved: the same UID, a higher SEQUENCE, the new time.
            let later = Follow.at(t, days: 4, hour: 12)
            #expect(try await api.patch("/api/v1/meetings/\(meeting.id)", ["startsAt": Follow.iso(later)]).status == .ok)
            let moved = try await api.get("/api/v1/meetings/\(meeting.id).ics")
            let movedEvent = try #require(try StrictICS.events(Array(moved.body.readableBytesView)).events.first)
            #expect(movedEvent.value("UID") == event.value("UID"))
            #expect(movedEvent.value("SEQUENCE") == "1")
            #expect(StrictICS.utc(movedEvent.value("DTSTART")!) == later)

            // Another office: 404; nonsense: 404.
            let outsider = try await APIClient.make(t, "veileder3")
            #expect(try await outsider.get("/api/v1/meetings/\(meeting.id).ics").status == .notFound)
            #expect(try await api.get("/api/v1/meetings/ikke-et-mote.ics").status == .notFound)
        }
    }

    @Test("Calendar feed: the token's owner's upcoming meetings only (cancelled ones marked), first names only; no login needed; revoked, replaced or unknown token is 404; reads audited")
    func calendarFeed() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let colleague = try await APIClient.make(t, "veileder2")
            let mine = try await Follow.start(t, api, first: "Ingrid", last: "Solbakken")
            let theirs = try await Follow.start(t, colleague, first: "Torbjørg", last: "Kvalvik")

            let upcoming = try await Follow.plan(api, mine.id, type: "statusmote", at: Follow.at(t, days: 3, hour: 9))
            let earlierToday = try await Follow.plan(api, mine.id, type: "karriereveiledning", at: Follow.at(t, days: 0, hour: 8))
            let cancelled = try await Follow.plan(api, mine.id, type: "statusmote", at: Follow.at(t, days: 5, hour: 9))
            #expect(try await api.patch("/api/v1/meetings/\(cancelled.id)", ["cancelReason": "Kandidaten er syk"]).status == .ok)
            let past = try await Follow.plan(api, mine.id, type: "statusmote", at: Follow.at(t, days: -2, hour: 9))
            let held = try await Follow.plan(api, mine.id, type: "trepartsmote", at: Follow.at(t, days: -1, hour: 9))
            try await Follow.hold(api, held.id)
            let other = try await Follow.plan(colleague, theirs.id, type: "statusmote", at: Follow.at(t, days: 3, hour: 11))

            let userID = try await t.user("veileder1").requireID()
            let token = try await CalendarFeeds.create(for: userID, context: .cli, app: t.app, now: t.clock.now())
            #expect(try await t.auditEntries(.calendarFeedCreated).first?.objectID == userID.uuidString)
            #expect(try await CalendarFeed.query(on: t.db).filter(\.$user.$id == userID).first()?.tokenHash != token, "only a digest is stored")

            let anonymous = t.browser()
            let response = try await anonymous.get("/api/v1/calendar/\(token).ics")
            #expect(response.status == .ok, "\(response.text.prefix(300))")
            #expect(response.headers.contentType?.type == "text" && response.headers.contentType?.subType == "calendar")
            #expect(response.headers.first(name: .cacheControl)?.contains("no-store") == true)
            let (events, _) = try StrictICS.events(Array(response.body.readableBytesView))
            let uids = Set(events.compactMap { $0.value("UID") })
            func uid(_ id: UUID) -> String { "\(id.uuidString.lowercased())@samskap" }
            // What the feed should hold, from the tables: veileder1's candidates' meetings from today on, not held
            // (the demo data has some of its own).
            let today = RuleDuration.calendar.startOfDay(for: t.clock.now())
            let ownCandidates = try await Candidate.query(on: t.db).filter(\.$counselor.$id == userID).all()
            let candidatesByID = Dictionary(uniqueKeysWithValues: try ownCandidates.map { (try $0.requireID(), $0) })
            let due = try await Meeting.query(on: t.db).filter(\.$candidate.$id ~~ Array(candidatesByID.keys))
                .filter(\.$startsAt >= today).filter(\.$minutesAt == nil).all()
            let expected = Set(try due.map { uid(try $0.requireID()) })
            #expect(expected.isSuperset(of: [upcoming, earlierToday, cancelled].map { uid($0.id) }))
            #expect(uids == expected, "exactly the owner's meetings from today on")
            for leftOut in [past, held, other] {
                #expect(!uids.contains(uid(leftOut.id)), "past, held and the colleague's meetings are left out")
            }
            let cancelledEvent = try #require(events.first { $0.value("UID") == uid(cancelled.id) })
            #expect(cancelledEvent.value("STATUS") == "CANCELLED")
            #expect(events.first { $0.value("UID") == uid(upcoming.id) }?.value("STATUS") == "CONFIRMED")
            // Each entry names its candidate by first name only.
            let meetingsByUID = Dictionary(uniqueKeysWithValues: try due.map { (uid(try $0.requireID()), $0) })
            for event in events {
                let summary = try StrictICS.text(event.value("SUMMARY") ?? "")
                let candidate = try #require(meetingsByUID[event.value("UID") ?? ""].flatMap { candidatesByID[$0.$candidate.id] })
                #expect(summary.contains(candidate.firstName), "\(summary)")
                #expect(!summary.contains(candidate.lastName), "\(summary)")
            }
            let unfolded = response.text.replacingOccurrences(of: "\r\n ", with: "")
            for secret in ["Solbakken", mine.fnr, "Torbjørg", "Kvalvik", theirs.fnr] + ownCandidates.flatMap({ [$0.fnr, $0.fullName] }) {
                #expect(!unfolded.contains(secret), "\(secret) is in the feed")
            }
            let read = try #require(try await t.auditEntries(.calendarFeedRead).first)
            #expect(read.objectID == userID.uuidString && read.actorUserID == userID)
            #expect(try await CalendarFeed.query(on: t.db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil).first()?.lastUsedAt == t.clock.now())

            // Unknown, malformed: 404.
            #expect(try await anonymous.get("/api/v1/calendar/\(token.dropLast(2))xx.ics").status == .notFound)
            #expect(try await anonymous.get("/api/v1/calendar/\(token)").status == .notFound)
            #expect(try await anonymous.get("/api/v1/calendar/\(String(repeating: "a", count: 300)).ics").status == .notFound)

            // A new address replaces the old one; revoking ends it.
            let second = try await CalendarFeeds.create(for: userID, context: .cli, app: t.app, now: t.clock.now())
            #expect(try await anonymous.get("/api/v1/calendar/\(token).ics").status == .notFound)
            #expect(try await anonymous.get("/api/v1/calendar/\(second).ics").status == .ok)
            try await CalendarFeeds.revoke(for: userID, context: .cli, app: t.app, now: t.clock.now())
            #expect(try await anonymous.get("/api/v1/calendar/\(second).ics").status == .notFound)
            #expect(try await t.auditEntries(.calendarFeedRevoked).first?.objectID == userID.uuidString)
            #expect(try await t.auditEntries(.calendarFeedRead).count == 2)
        }
    }

    // MARK: - 6. Hostile input

    @Test("Hostile minutes: markup, SQL, control characters and emoji are stored verbatim; 20 000 characters pass, 20 001 are 422; never 500")
    func hostileMinutes() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await Follow.start(t, api)
            let meeting = try await Follow.plan(api, p.id, type: "statusmote", at: Follow.at(t, days: -1, hour: 10),
                                                participants: [["role": "annen", "name": "<b>Ola</b> \"Nordmann\""]])
            let meetingsBefore = try await Meeting.query(on: t.db).count()

            let texts = [
                "<script>alert(1)</script> <img src=x onerror=alert(2)> &amp; &lt;",
                "'; DROP TABLE meetings; -- \" OR 1=1 /* Robert'); DELETE FROM alerts WHERE ('1'='1 */",
                "Bjelle\u{07} tilbake\u{08} escape\u{1B}[31m rødt\u{1B}[0m tab\there DEL\u{7F} slutt",
                "Møtet gikk bra 👍🏽 👨‍👩‍👧‍👦 🇳🇴 — «sitat» ÆØÅ æøå \u{200B}nullbredde",
                "Linje 1\r\nLinje 2\nLinje 3",
                String(repeating: "å", count: FollowUpRules.maxMinutes),
                String(repeating: "👨‍👩‍👧", count: 100) + String(repeating: "x", count: FollowUpRules.maxMinutes - 100),
            ]
            var eventID: UUID?
            for text in texts {
                let response = try await Follow.minutes(api, meeting.id, text)
                #expect(response.status == .ok, "\(response.status.code) for \(text.prefix(40)): \(response.text.prefix(300))")
                guard response.status == .ok else { continue }
                let dto = try response.content.decode(MeetingDTO.self)
                #expect(dto.minutes == text, "returned as given: \(text.prefix(40))")
                #expect(try await Meeting.find(meeting.id, on: t.db)?.minutes == text, "stored as given: \(text.prefix(40))")
                #expect(dto.status == "holdt")
                if eventID == nil { eventID = dto.eventId }
                #expect(dto.eventId == eventID, "the event is written once")
                let shown = try await api.get("/api/v1/meetings/\(meeting.id)")
                #expect(shown.status == .ok)
                #expect(try shown.content.decode(MeetingDTO.self).minutes == text)
            }
            let lastGood = try await Meeting.find(meeting.id, on: t.db)?.minutes

            // Too long, blank or not text: 422 naming minutes, nothing stored.
            let refused: [[String: Any]] = [
                ["minutes": String(repeating: "å", count: FollowUpRules.maxMinutes + 1)],
                ["minutes": String(repeating: "a", count: FollowUpRules.maxMinutes) + "👍"],
                ["minutes": " \n\t "],
                ["minutes": 42],
            ]
            for body in refused {
                let response = try await api.patch("/api/v1/meetings/\(meeting.id)", body)
                #expect(response.status == .unprocessableEntity, "\(response.status.code): \(response.text.prefix(200))")
                #expect(response.problemFields == ["minutes"])
            }
            #expect(try await Meeting.find(meeting.id, on: t.db)?.minutes == lastGood)

            // NUL (U+0000): refused, or stored as given (or without it) — never a server error, never cut short.
            let withNUL = "før\u{0}etter"
            let nul = try await Follow.minutes(api, meeting.id, withNUL)
            #expect(nul.status == .ok || nul.status == .unprocessableEntity, "NUL in minutes: \(nul.status.code) \(nul.text.prefix(200))")
            if nul.status == .ok {
                let stored = try await Meeting.find(meeting.id, on: t.db)?.minutes
                #expect(stored == withNUL || stored == "føretter", "NUL in minutes stored as \(String(describing: stored))")
            } else if nul.status == .unprocessableEntity {
                #expect(nul.problemFields == ["minutes"])
            }
            let nulNote = try await Follow.contact(api, p.id, ["occurredAt": Follow.day(t, 0), "channel": "telefon", "withWhom": "kandidat", "note": withNUL])
            #expect(nulNote.status == .created || nulNote.status == .unprocessableEntity, "NUL in a contact note: \(nulNote.status.code)")
            if nulNote.status == .created {
                let note = try nulNote.content.decode(ContactDTO.self)
                let stored = try await Contact.find(note.id, on: t.db)?.note
                #expect(stored == withNUL || stored == "føretter", "NUL in a contact note stored as \(String(describing: stored))")
            }
            let contactsBefore = try await Contact.query(on: t.db).filter(\.$pathway.$id == p.id).count()

            // Hostile text elsewhere: a contact note and a meeting's place.
            let note = "<script>alert('note')</script>'; DROP TABLE contacts; -- 🙂"
            let contact = try await Follow.contact(api, p.id, ["occurredAt": Follow.day(t, 0), "channel": "telefon", "withWhom": "kandidat", "note": note])
            #expect(contact.status == .created)
            #expect(try contact.content.decode(ContactDTO.self).note == note)
            let place = "Rom <b>1</b>; DROP TABLE meetings; --"
            let placed = try await Follow.plan(api, p.id, type: "statusmote", at: Follow.at(t, days: 2, hour: 10), place: place)
            #expect(placed.place == place)
            let ics = try await api.get("/api/v1/meetings/\(placed.id).ics")
            #expect(try StrictICS.text(try #require(try StrictICS.events(Array(ics.body.readableBytesView)).events.first?.value("LOCATION"))) == place)

            // The tables are intact, and the audit trail holds no minutes text.
            #expect(try await Meeting.query(on: t.db).count() == meetingsBefore + 1)
            #expect(try await Contact.query(on: t.db).filter(\.$pathway.$id == p.id).count() == contactsBefore + 1)
            let entries = try await t.auditEntries()
            #expect(entries.allSatisfy { !($0.detail ?? "").contains("<script>") && !($0.detail ?? "").contains("DROP TABLE") })
        }
    }
}
