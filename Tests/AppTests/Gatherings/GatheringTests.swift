@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Helpers for gatherings, used as office staff and mentors would: forms posted with the CSRF
/// token, JSON with a bearer token.
private enum G {
    /// `days` from the test clock's today (negative: back) at `hour`:00, Norwegian time.
    static func at(_ t: TestApp, days: Int, hour: Int = 13) -> Date {
        let calendar = RuleDuration.calendar
        let day = calendar.date(byAdding: .day, value: days, to: calendar.startOfDay(for: t.clock.now()))!
        return calendar.date(bySettingHour: hour, minute: 0, second: 0, of: day)!
    }

    static func day(_ t: TestApp, _ days: Int) -> String { DisplayDate.dayInput(at(t, days: days)) }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// Text as Leaf writes it into a page.
    static func html(_ text: String) -> String {
        text.unicodeScalars.reduce(into: "") { out, scalar in
            switch scalar {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    static func nb(_ t: TestApp, _ key: String, _ args: String...) -> String {
        t.app.samskap.strings.text(key, locale: "nb", args: args)
    }

    /// The office's mentors, by name.
    static func mentors(_ t: TestApp, _ enhet: String = "9901") async throws -> [Mentor] {
        let office = try await t.office(enhet)
        return try await Mentor.query(on: t.db).filter(\.$office.$id == office.requireID()).with(\.$employer).sort(\.$name).all()
    }

    static func gatherings(_ t: TestApp, _ enhet: String = "9901") async throws -> [Gathering] {
        let office = try await t.office(enhet)
        return try await Gathering.query(on: t.db).filter(\.$office.$id == office.requireID()).all()
    }

    static func invitations(_ t: TestApp, _ gathering: UUID) async throws -> [GatheringInvitation] {
        try await GatheringInvitation.query(on: t.db).filter(\.$gathering.$id == gathering).all()
    }

    static func auditIDs(_ t: TestApp, _ action: AuditAction) async throws -> Set<Int?> {
        Set(try await t.auditEntries(action).map(\.id))
    }

    static func newEntries(_ t: TestApp, _ action: AuditAction, since before: Set<Int?>) async throws -> [AuditEntry] {
        try await t.auditEntries(action).filter { !before.contains($0.id) }
    }

    static func body(kind: String = "mentorsamling", startsAt: Date, place: String = "NAV-kontoret, møterom 2",
                     theme: String = "Opplæringsplan for nye mentorer", mentorIds: [UUID] = []) -> [String: Any] {
        var body: [String: Any] = ["kind": kind, "startsAt": iso(startsAt), "place": place, "theme": theme]
        if !mentorIds.isEmpty { body["mentorIds"] = mentorIds.map(\.uuidString) }
        return body
    }

    /// Creates a gathering through the API; fails the test unless the answer is 201.
    static func create(_ api: APIClient, _ body: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) async throws -> GatheringDTO {
        let response = try await api.post("/api/v1/gatherings", body)
        #expect(response.status == .created, "create answered \(response.status.code): \(response.text.prefix(400))", sourceLocation: sourceLocation)
        return try response.content.decode(GatheringDTO.self)
    }

    /// PUT with a JSON array body (the test API client knows objects only).
    static func put(_ api: APIClient, _ path: String, _ json: Any) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: api.token)
        headers.contentType = .json
        let body = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        return try await api.browser.send(.PUT, path, headers: headers, body: body)
    }

    static func location(_ response: TestingHTTPResponse) -> String {
        response.headers.first(name: .location) ?? ""
    }

    /// The gathering id a page redirect points at.
    static func gatheringID(_ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> UUID {
        let path = location(response).split(separator: "?")[0]
        #expect(path.hasPrefix("/samlinger/"), "redirected to \(location(response))", sourceLocation: sourceLocation)
        return try #require(UUID(uuidString: String(path.dropFirst("/samlinger/".count))), sourceLocation: sourceLocation)
    }

    /// The error shown for a form field id, if any.
    static func error(_ html: String, _ id: String) -> String? {
        guard let regex = try? Regex("<p class=\"field-error\" id=\"\(NSRegularExpression.escapedPattern(for: id))-error\">([^<]*)</p>"),
              let match = html.firstMatch(of: regex) else { return nil }
        return match.output[1].substring.map(String.init)
    }

    /// A page answered as expected and shows no template leftovers or raw `gathering.` keys.
    static func expectRendered(_ response: TestingHTTPResponse, _ path: String, status: HTTPStatus = .ok, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(path) answered \(response.status.code): \(response.text.prefix(300))", sourceLocation: sourceLocation)
        for marker in ["LeafError", "LeafKit", "#(", "#t(", "#if(", "#else", "#endif", "#for(", "#endfor", "#extend(", "#export(", "Internal Server Error"] {
            #expect(!response.text.contains(marker), "\(path) shows \(marker)", sourceLocation: sourceLocation)
        }
        let raw = response.text.matches(of: /[>"\s](gathering\.[a-z_]+\.[a-z_.]+)/).map { String($0.output.1) }
        #expect(raw.isEmpty, "\(path) shows raw string keys: \(raw)", sourceLocation: sourceLocation)
    }

    /// The Mentor row a demo mentor account stands for.
    static func mentorOf(_ t: TestApp, _ username: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> UUID {
        let user = try #require(try await User.query(on: t.db).filter(\.$username == username).first(),
                                "the demo user \(username) does not exist yet", sourceLocation: sourceLocation)
        let account = try #require(try await ExternalAccount.query(on: t.db).filter(\.$user.$id == user.requireID()).first(),
                                   "\(username) has no external account", sourceLocation: sourceLocation)
        return try #require(account.$mentor.id, "\(username) stands for no mentor", sourceLocation: sourceLocation)
    }

    /// Signs a mentor in and accepts the confidentiality declaration.
    static func mentorBrowser(_ t: TestApp, _ username: String) async throws -> Browser {
        let browser = t.browser()
        try await browser.login(username)
        let page = try await browser.get("/erklaering")
        if page.status == .ok, page.text.contains("name=\"accept\"") {
            let accepted = try await browser.post("/erklaering", [("accept", "1")])
            #expect(accepted.status == .seeOther, "the declaration answered \(accepted.status.code)")
        }
        return browser
    }
}

@Suite("Gatherings: the office's mentor gatherings, invitations, the mentor's answers, attendance and the API")
struct GatheringTests {
    // MARK: - Creating

    @Test("A counselor creates a gathering on /samlinger: stored with its office and author, audited, listed under upcoming")
    func createOnPage() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let list = try await browser.get("/samlinger")
            G.expectRendered(list, "/samlinger")
            let before = try await G.auditIDs(t, .gatheringCreated)
            let day = G.day(t, 14)
            let response = try await browser.post("/samlinger", [
                ("kind", "nettverksmote"), ("day", day), ("time", "13:30"), ("place", "Kantina på Bekkely"), ("theme", "Å gi tilbakemelding"),
            ])
            #expect(response.status == .seeOther, "create answered \(response.status.code)")
            let id = try G.gatheringID(response)

            let stored = try #require(try await Gathering.find(id, on: t.db))
            #expect(stored.$office.id == (try await t.office("9901").requireID()))
            #expect(stored.$createdBy.id == (try await t.user("veileder1").requireID()))
            #expect(stored.kind == .networkMeeting)
            #expect(stored.startsAt == DisplayDate.parseDayTime(day, "13:30"))
            #expect(stored.place == "Kantina på Bekkely")
            #expect(stored.theme == "Å gi tilbakemelding")
            #expect(stored.cancelledAt == nil && stored.summary == nil)

            let entries = try await G.newEntries(t, .gatheringCreated, since: before)
            #expect(entries.count == 1)
            #expect(entries.first?.objectID == id.uuidString)
            #expect(entries.first?.officeID == stored.$office.id)

            let page = try await browser.get(G.location(response))
            G.expectRendered(page, "/samlinger/\(id)")
            #expect(page.text.contains("Å gi tilbakemelding"))
            let again = try await browser.get("/samlinger")
            #expect(again.text.contains("href=\"/samlinger/\(id.uuidString)\""))
            let upcoming = try #require(again.text.range(of: "id=\"upcoming-heading\""))
            let past = try #require(again.text.range(of: "id=\"past-heading\""))
            let link = try #require(again.text.range(of: "/samlinger/\(id.uuidString)"))
            #expect(upcoming.upperBound < link.lowerBound && link.upperBound < past.lowerBound, "listed under upcoming")
        }
    }

    @Test("A bad form gives 422 with a Norwegian error on each field, keeps what was typed, and stores nothing")
    func invalidForm() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("leder1")
            try await browser.get("/samlinger")
            let count = try await Gathering.query(on: t.db).count()
            let before = try await G.auditIDs(t, .gatheringCreated)

            let empty = try await browser.post("/samlinger", [("kind", ""), ("day", ""), ("time", ""), ("place", " "), ("theme", "Tema som skal bli stående")])
            G.expectRendered(empty, "POST /samlinger", status: .unprocessableEntity)
            #expect(G.error(empty.text, "ny-kind") == G.nb(t, "gathering.error.kind"))
            #expect(G.error(empty.text, "ny-day") == G.nb(t, "gathering.error.day_required"))
            #expect(G.error(empty.text, "ny-time") == G.nb(t, "gathering.error.time_required"))
            #expect(G.error(empty.text, "ny-place") == G.nb(t, "gathering.error.place_required"))
            #expect(G.error(empty.text, "ny-theme") == nil)
            #expect(empty.text.contains("value=\"Tema som skal bli stående\""), "what was typed is kept")
            #expect(G.nb(t, "gathering.error.place_required") == "Skriv hvor samlingen skal være.")

            let bad = try await browser.post("/samlinger", [("kind", "fest"), ("day", "31.12.2026"), ("time", "25:00"), ("place", "Her"), ("theme", "")])
            #expect(bad.status == .unprocessableEntity)
            #expect(G.error(bad.text, "ny-kind") == G.nb(t, "gathering.error.kind"))
            #expect(G.error(bad.text, "ny-day") == G.nb(t, "gathering.error.day_invalid"))
            #expect(G.error(bad.text, "ny-time") == G.nb(t, "gathering.error.time_invalid"))
            #expect(G.error(bad.text, "ny-theme") == G.nb(t, "gathering.error.theme_required"))
            #expect(bad.text.contains("value=\"31.12.2026\""))

            let far = try await browser.post("/samlinger", [("kind", "mentorsamling"), ("day", G.day(t, 400)), ("time", "12:00"), ("place", "Her"), ("theme", "Tema")])
            #expect(far.status == .unprocessableEntity)
            #expect(G.error(far.text, "ny-day") == G.nb(t, "gathering.error.too_far_ahead"))

            #expect(try await Gathering.query(on: t.db).count() == count, "nothing stored")
            #expect(try await G.newEntries(t, .gatheringCreated, since: before).isEmpty)
        }
    }

    @Test("POST /api/v1/gatherings creates with invitations (201, Location, audited); invalid input is a 422 problem and stores nothing")
    func createWithAPI() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "marked1")
            let mentors = try await G.mentors(t)
            #expect(mentors.count >= 3, "the demo office has mentors")
            let chosen = Array(mentors.prefix(2)).map { $0.id! }
            let beforeCreated = try await G.auditIDs(t, .gatheringCreated)
            let beforeInvited = try await G.auditIDs(t, .gatheringInvited)
            let start = G.at(t, days: 10, hour: 14)
            let response = try await api.post("/api/v1/gatherings", G.body(kind: "faddersamling", startsAt: start, mentorIds: chosen + [chosen[0]]))
            #expect(response.status == .created, "\(response.text.prefix(300))")
            #expect(response.headers.contentType == .json)
            let dto = try response.content.decode(GatheringDTO.self)
            #expect(response.headers.first(name: .location) == "/api/v1/gatherings/\(dto.id)")
            #expect(dto.kind == "faddersamling" && dto.status == "planlagt" && dto.startsAt == start)
            #expect(dto.counts.invited == 2 && dto.counts.unanswered == 2 && dto.counts.yes == 0)
            #expect(Set(dto.invitations.map(\.mentorId)) == Set(chosen))
            #expect(dto.invitations.allSatisfy { !$0.employerName.isEmpty && $0.answer == nil && $0.attended == nil })

            #expect(try await G.invitations(t, dto.id).count == 2)
            #expect(try await G.newEntries(t, .gatheringCreated, since: beforeCreated).map(\.objectID) == [dto.id.uuidString])
            #expect(try await G.newEntries(t, .gatheringInvited, since: beforeInvited).count == 1)

            let fetched = try await api.get("/api/v1/gatherings/\(dto.id)")
            #expect(fetched.status == .ok)
            #expect(try fetched.content.decode(GatheringDTO.self).invitations.count == 2)
            let list = try await api.get("/api/v1/gatherings")
            #expect(try list.content.decode([GatheringDTO].self).contains { $0.id == dto.id })

            // Invalid: every field named, nothing stored.
            let count = try await Gathering.query(on: t.db).count()
            let invalid = try await api.post("/api/v1/gatherings", ["kind": "fest", "startsAt": "i morgen", "place": "", "theme": String(repeating: "x", count: 10_000)])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(Set(invalid.problemFields) == ["kind", "startsAt", "place", "theme"])
            let messages = invalid.problem?.errors?.map(\.message) ?? []
            #expect(messages.contains(G.nb(t, "gathering.error.too_long", "300")))
            #expect(messages.contains(G.nb(t, "gathering.error.starts_at_invalid")))
            let missing = try await api.post("/api/v1/gatherings", [:])
            #expect(Set(missing.problemFields) == ["kind", "startsAt", "place", "theme"])

            // A mentor of another office: refused, and the gathering is not kept either.
            let other = try #require(try await G.mentors(t, "9902").first)
            let foreign = try await api.post("/api/v1/gatherings", G.body(startsAt: start, mentorIds: [chosen[0], other.id!]))
            #expect(foreign.status == .unprocessableEntity)
            #expect(foreign.problemFields == ["mentorIds"])
            let notUUID = try await api.post("/api/v1/gatherings", G.body(startsAt: start).merging(["mentorIds": ["abc"]]) { _, b in b })
            #expect(notUUID.problemFields == ["mentorIds"])
            #expect(try await Gathering.query(on: t.db).count() == count, "nothing stored")
        }
    }

    // MARK: - Inviting

    @Test("Inviting on the gathering page: a checkbox list of the office's mentors with their employers; inviting twice is harmless")
    func inviteOnPage() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let dto = try await G.create(api, G.body(startsAt: G.at(t, days: 20)))
            let mentors = try await G.mentors(t)
            let browser = t.browser()
            try await browser.login("veileder1")
            let page = try await browser.get("/samlinger/\(dto.id)")
            G.expectRendered(page, "/samlinger/\(dto.id)")
            for mentor in mentors {
                #expect(page.text.contains("name=\"mentor-\(mentor.id!.uuidString)\""), "\(mentor.name) can be invited")
                #expect(page.text.contains(G.html(mentor.employer.name)), "\(mentor.name)'s employer is named")
            }
            for other in try await G.mentors(t, "9902") {
                #expect(!page.text.contains(other.id!.uuidString), "another office's mentor is not offered")
            }

            let before = try await G.auditIDs(t, .gatheringInvited)
            let fields = [(G.mentorField(mentors[0]), "on"), (G.mentorField(mentors[1]), "on")]
            let first = try await browser.post("/samlinger/\(dto.id)/inviter", fields)
            #expect(first.status == .seeOther, "invite answered \(first.status.code): \(first.text.prefix(300))")
            try await browser.get("/samlinger/\(dto.id)")
            let second = try await browser.post("/samlinger/\(dto.id)/inviter", fields + [(G.mentorField(mentors[2]), "on")])
            #expect(second.status == .seeOther)
            try await browser.get("/samlinger/\(dto.id)")
            let third = try await browser.post("/samlinger/\(dto.id)/inviter", [(G.mentorField(mentors[0]), "on")])
            #expect(third.status == .seeOther, "inviting someone again changes nothing and is no error")

            let invitations = try await G.invitations(t, dto.id)
            #expect(invitations.count == 3)
            #expect(Set(invitations.map(\.$mentor.id)) == Set(mentors.prefix(3).map { $0.id! }))
            #expect(invitations.allSatisfy { $0.answer == nil })
            #expect(try await G.newEntries(t, .gatheringInvited, since: before).count == 2, "one entry per call that invited someone new")

            let shown = try await browser.get("/samlinger/\(dto.id)")
            #expect(shown.text.contains(G.html(G.nb(t, "gathering.invitations.counts", "3", "0", "0", "0", "3"))))
            #expect(!shown.text.contains("name=\"mentor-\(mentors[0].id!.uuidString)\""), "an invited mentor is not offered again")

            // Nothing chosen: a Norwegian error, nothing changed.
            let none = try await browser.post("/samlinger/\(dto.id)/inviter", [])
            #expect(none.status == .unprocessableEntity)
            #expect(none.text.contains(G.nb(t, "gathering.error.mentors_required")))

            // The API: again harmless.
            let again = try await api.post("/api/v1/gatherings/\(dto.id)/invitations", ["mentorIds": [mentors[0].id!.uuidString, mentors[3].id!.uuidString]])
            #expect(again.status == .ok)
            #expect(try again.content.decode(GatheringDTO.self).counts.invited == 4)
            let empty = try await api.post("/api/v1/gatherings/\(dto.id)/invitations", ["mentorIds": [String]()])
            #expect(empty.status == .unprocessableEntity && empty.problemFields == ["mentorIds"])
        }
    }

    // MARK: - Other offices

    @Test("Another office's gathering is a 404 with a denied audit entry, on pages and in the API, and changes nothing")
    func otherOffice() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let mentor = try #require(try await G.mentors(t).first)
            let dto = try await G.create(api, G.body(startsAt: G.at(t, days: 5), mentorIds: [mentor.id!]))

            let browser = t.browser()
            try await browser.login("leder2")
            let before = try await G.auditIDs(t, .accessDenied)
            let page = try await browser.get("/samlinger/\(dto.id)")
            #expect(page.status == .notFound)
            #expect(!page.text.contains(dto.theme))
            let denied = try await G.newEntries(t, .accessDenied, since: before)
            #expect(denied.count == 1)
            #expect(denied.first?.objectType == AuditObjectType.gathering && denied.first?.objectID == dto.id.uuidString)
            #expect(denied.first?.outcome == AuditEvent.Outcome.denied.rawValue)

            try await browser.get("/samlinger")
            let post = try await browser.post("/samlinger/\(dto.id)/avlys", [("reason", "Ikke vår")])
            #expect(post.status == .notFound)
            let list = try await browser.get("/samlinger")
            #expect(!list.text.contains(dto.id.uuidString), "not listed for another office")

            let otherAPI = try await APIClient.make(t, "veileder3")
            let beforeAPI = try await G.auditIDs(t, .accessDenied)
            #expect(try await otherAPI.get("/api/v1/gatherings/\(dto.id)").status == .notFound)
            #expect(try await otherAPI.patch("/api/v1/gatherings/\(dto.id)", ["cancelled": true]).status == .notFound)
            let attendance = try await G.put(otherAPI, "/api/v1/gatherings/\(dto.id)/attendance", [["mentorId": mentor.id!.uuidString, "attended": true]])
            #expect(attendance.status == .notFound)
            #expect(attendance.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(try await G.newEntries(t, .accessDenied, since: beforeAPI).count == 3)
            let theirs = try await otherAPI.get("/api/v1/gatherings")
            #expect(!(try theirs.content.decode([GatheringDTO].self)).contains { $0.id == dto.id })
            #expect(try await Gathering.find(dto.id, on: t.db)?.cancelledAt == nil)

            #expect(try await otherAPI.get("/api/v1/gatherings/\(UUID())").status == .notFound)
        }
    }

    // MARK: - Attendance and the counts

    @Test("Attendance after the start (page and API) is stored, audited and counted per mentor; before the start it is refused")
    func attendance() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let mentors = try await G.mentors(t)
            let (a, b, c) = (mentors[0].id!, mentors[1].id!, mentors[2].id!)
            let upcoming = try await G.create(api, G.body(startsAt: G.at(t, days: 3), mentorIds: [a]))
            let early = try await G.put(api, "/api/v1/gatherings/\(upcoming.id)/attendance", [["mentorId": a.uuidString, "attended": true]])
            #expect(early.status == .conflict)
            #expect(early.problem?.detail == G.nb(t, "gathering.error.attendance_before_start", DisplayDate.dateTime(G.at(t, days: 3))))

            let held = try await G.create(api, G.body(startsAt: G.at(t, days: -2), mentorIds: [a, b, c]))
            let before = try await G.auditIDs(t, .gatheringAttendanceRecorded)
            let recorded = try await G.put(api, "/api/v1/gatherings/\(held.id)/attendance", [
                ["mentorId": a.uuidString, "attended": true], ["mentorId": b.uuidString, "attended": false],
            ])
            #expect(recorded.status == .ok, "\(recorded.text.prefix(300))")
            let dto = try recorded.content.decode(GatheringDTO.self)
            #expect(dto.status == "holdt" && dto.counts.attended == 1 && dto.counts.absent == 1)
            let rows = Dictionary(uniqueKeysWithValues: try await G.invitations(t, held.id).map { ($0.$mentor.id, $0) })
            #expect(rows[a]?.attended == true && rows[a]?.attendanceRecordedAt == t.clock.now())
            #expect(rows[b]?.attended == false)
            #expect(rows[c]?.attended == nil, "a mentor not named keeps what they had")
            let entries = try await G.newEntries(t, .gatheringAttendanceRecorded, since: before)
            #expect(entries.count == 1 && entries.first?.detail == "kom: 1, kom ikke: 1")

            // Refusals: not invited, empty, the same mentor twice, an item without `attended`.
            let stranger = mentors[3].id!
            let notInvited = try await G.put(api, "/api/v1/gatherings/\(held.id)/attendance", [["mentorId": stranger.uuidString, "attended": true]])
            #expect(notInvited.status == .unprocessableEntity && notInvited.problemFields == ["attendance"])
            #expect(try await G.put(api, "/api/v1/gatherings/\(held.id)/attendance", [Any]()).problemFields == ["attendance"])
            let twice = try await G.put(api, "/api/v1/gatherings/\(held.id)/attendance", [["mentorId": a.uuidString, "attended": true], ["mentorId": a.uuidString, "attended": false]])
            #expect(twice.problemFields == ["attendance[1].mentorId"])
            #expect(try await G.put(api, "/api/v1/gatherings/\(held.id)/attendance", [["mentorId": a.uuidString]]).problemFields == ["attendance[0].attended"])

            // The page: corrects b and records c.
            let browser = t.browser()
            try await browser.login("veileder1")
            let page = try await browser.get("/samlinger/\(held.id)")
            G.expectRendered(page, "/samlinger/\(held.id)")
            #expect(page.text.contains("name=\"attended-\(a.uuidString)\" value=\"yes\" checked"))
            let saved = try await browser.post("/samlinger/\(held.id)/oppmote", [("attended-\(b.uuidString)", "yes"), ("attended-\(c.uuidString)", "no")])
            #expect(saved.status == .seeOther, "\(saved.status.code)")
            let after = Dictionary(uniqueKeysWithValues: try await G.invitations(t, held.id).map { ($0.$mentor.id, $0.attended) })
            #expect(after[a] == true && after[b] == true && after[c] == false)
            try await browser.get("/samlinger/\(held.id)")
            let nothing = try await browser.post("/samlinger/\(held.id)/oppmote", [])
            #expect(nothing.status == .unprocessableEntity)
            #expect(nothing.text.contains(G.html(G.nb(t, "gathering.error.attendance_empty"))))

            // Counted: a came 1 of 1 here; the upcoming one and cancelled ones do not count.
            let records = try await GatheringRecord.statsRecords(officeID: try await t.office("9901").requireID(),
                                                                 from: G.at(t, days: -400), on: t.db)
            let stats = GatheringStats.lastTwelveMonths(records, now: t.clock.now())
            let mine = records.filter { $0.startsAt == G.at(t, days: -2) }
            #expect(mine.count == 3)
            let demoBefore = GatheringStats.lastTwelveMonths(records.filter { $0.startsAt != G.at(t, days: -2) }, now: t.clock.now())
            for (mentor, came) in [(a, 1), (b, 1), (c, 0)] {
                #expect(stats.line(for: mentor).invited == demoBefore.line(for: mentor).invited + 1)
                #expect(stats.line(for: mentor).attended == demoBefore.line(for: mentor).attended + came)
            }

            let list = try await browser.get("/samlinger")
            G.expectRendered(list, "/samlinger")
            let line = stats.line(for: c)
            #expect(list.text.contains(G.html(G.nb(t, "gathering.stats.attended", String(line.attended), String(line.invited)))))
        }
    }

    // MARK: - Summary and cancelling

    @Test("The summary is written after the start (max 4000 characters); cancelling is refused once it is held, and a cancelled gathering takes no changes")
    func summaryAndCancel() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "leder1")
            let mentor = try #require(try await G.mentors(t).first)
            let upcoming = try await G.create(api, G.body(startsAt: G.at(t, days: 7), mentorIds: [mentor.id!]))
            let early = try await api.patch("/api/v1/gatherings/\(upcoming.id)", ["summary": "For tidlig"])
            #expect(early.status == .unprocessableEntity && early.problemFields == ["summary"])
            #expect(try await api.patch("/api/v1/gatherings/\(upcoming.id)", ["theme": "Nytt"]).problemFields == ["theme"])
            #expect(try await api.patch("/api/v1/gatherings/\(upcoming.id)", [:]).problemFields == ["summary"])

            let held = try await G.create(api, G.body(startsAt: G.at(t, days: -1), mentorIds: [mentor.id!]))
            let long = try await api.patch("/api/v1/gatherings/\(held.id)", ["summary": String(repeating: "å", count: 10_000)])
            #expect(long.status == .unprocessableEntity)
            #expect(long.problem?.errors?.first?.message == G.nb(t, "gathering.error.too_long", "4000"))
            let before = try await G.auditIDs(t, .gatheringSummaryWritten)
            let written = try await api.patch("/api/v1/gatherings/\(held.id)", ["summary": "Vi snakket om opplæringsplaner."])
            #expect(written.status == .ok)
            #expect(try written.content.decode(GatheringDTO.self).summary == "Vi snakket om opplæringsplaner.")
            #expect(try await G.newEntries(t, .gatheringSummaryWritten, since: before).count == 1)
            let refused = try await api.patch("/api/v1/gatherings/\(held.id)", ["cancelled": true])
            #expect(refused.status == .conflict)
            #expect(refused.problem?.detail == G.nb(t, "gathering.error.already_held"))

            // Cancel the upcoming one on the page, with a reason.
            let browser = t.browser()
            try await browser.login("leder1")
            try await browser.get("/samlinger/\(upcoming.id)")
            let beforeCancel = try await G.auditIDs(t, .gatheringCancelled)
            let cancelled = try await browser.post("/samlinger/\(upcoming.id)/avlys", [("reason", "For få påmeldte")])
            #expect(cancelled.status == .seeOther)
            let stored = try #require(try await Gathering.find(upcoming.id, on: t.db))
            #expect(stored.cancelledAt == t.clock.now() && stored.cancelReason == "For få påmeldte" && stored.heldSummary == nil)
            #expect(try await G.newEntries(t, .gatheringCancelled, since: beforeCancel).count == 1)
            let page = try await browser.get("/samlinger/\(upcoming.id)")
            G.expectRendered(page, "/samlinger/\(upcoming.id)")
            #expect(page.text.contains("For få påmeldte"))
            #expect(!page.text.contains("action=\"/samlinger/\(upcoming.id.uuidString)/avlys\""), "no second cancel form")

            let invite = try await api.post("/api/v1/gatherings/\(upcoming.id)/invitations", ["mentorIds": [mentor.id!.uuidString]])
            #expect(invite.status == .conflict)
            let dto = try await api.get("/api/v1/gatherings/\(upcoming.id)").content.decode(GatheringDTO.self)
            #expect(dto.status == "avlyst" && dto.cancelReason == "For få påmeldte" && dto.summary == nil)
            #expect(try await api.patch("/api/v1/gatherings/\(upcoming.id)", ["cancelled": true]).status == .conflict)
            #expect(try await api.patch("/api/v1/gatherings/\(upcoming.id)", ["cancelled": false]).problemFields == ["cancelled"])

            // The page's summary form after the start.
            try await browser.get("/samlinger/\(held.id)")
            let tooLong = try await browser.post("/samlinger/\(held.id)/oppsummering", [("summary", String(repeating: "ø", count: 10_000))])
            #expect(tooLong.status == .unprocessableEntity)
            #expect(G.error(tooLong.text, "oppsummering-summary") == G.nb(t, "gathering.error.too_long", "4000"))
            #expect(try await Gathering.find(held.id, on: t.db)?.summary == "Vi snakket om opplæringsplaner.", "the stored summary is unchanged")
        }
    }

    // MARK: - Hostile input

    @Test("Hostile input: <script>, quotes and æøå are stored as typed and escaped on every page; 10 000 characters are refused")
    func hostileInput() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            try await browser.get("/samlinger")
            let theme = "<script>alert('x')</script> \"Tema\" – Ærlig, østlig og å"
            let place = "Møterom <b>\"Fjorden\"</b> & co"
            let response = try await browser.post("/samlinger", [("kind", "mentorsamling"), ("day", G.day(t, -1)), ("time", "09:00"), ("place", place), ("theme", theme)])
            #expect(response.status == .seeOther)
            let id = try G.gatheringID(response)
            #expect(try await Gathering.find(id, on: t.db)?.theme == theme)
            let summary = "Oppsummering med <img src=x onerror=alert(1)> og 'sitater' – æøå"
            let page = try await browser.get("/samlinger/\(id)")
            let saved = try await browser.post("/samlinger/\(id)/oppsummering", [("summary", summary)])
            #expect(page.status == .ok && saved.status == .seeOther)

            for path in ["/samlinger", "/samlinger/\(id)"] {
                let shown = try await browser.get(path)
                G.expectRendered(shown, path)
                #expect(!shown.text.contains("<script>alert"), "\(path) escapes the theme")
                #expect(!shown.text.contains("<b>\"Fjorden\""), "\(path) escapes the place")
                #expect(shown.text.contains(G.html(theme)), "\(path) shows the theme escaped")
                #expect(!shown.text.contains("<img src=x"))
            }
            #expect(try await browser.get("/samlinger/\(id)").text.contains(G.html(summary)))

            let count = try await Gathering.query(on: t.db).count()
            let long = String(repeating: "æ", count: 10_000)
            let refused = try await browser.post("/samlinger", [("kind", "mentorsamling"), ("day", G.day(t, 5)), ("time", "09:00"), ("place", long), ("theme", long)])
            #expect(refused.status == .unprocessableEntity)
            #expect(G.error(refused.text, "ny-place") == G.nb(t, "gathering.error.too_long", "200"))
            #expect(G.error(refused.text, "ny-theme") == G.nb(t, "gathering.error.too_long", "300"))
            #expect(try await Gathering.query(on: t.db).count() == count)

            let nul = try await browser.post("/samlinger", [("kind", "mentorsamling"), ("day", G.day(t, 5)), ("time", "09:00"), ("place", "Rom\u{0}1"), ("theme", "Tema")])
            #expect(nul.status == .seeOther, "a NUL character is removed, not a server error")
        }
    }

    // MARK: - The mentor's side (needs the demo mentor accounts)

    @Test("A mentor sees only their own invitations, answers with one tap, and cannot see or answer another mentor's (404, audited)")
    func mentorAnswers() async throws {
        try await withTestApp { t in
            let mine = try await G.mentorOf(t, "mentor1")
            let theirs = try await G.mentorOf(t, "mentor2")
            let others = try await G.mentors(t).filter { $0.id != mine && $0.id != theirs }
            let api = try await APIClient.make(t, "veileder1")
            let theme = "Mentorer i praksis <script>alert('m')</script> «æøå» \"sitat\""
            let gathering = try await G.create(api, G.body(startsAt: G.at(t, days: 9), theme: theme, mentorIds: [mine, theirs] + others.prefix(2).map { $0.id! }))
            let invitations = try await G.invitations(t, gathering.id)
            let myInvitation = try #require(invitations.first { $0.$mentor.id == mine }).id!
            let theirInvitation = try #require(invitations.first { $0.$mentor.id == theirs }).id!
            let past = try await G.create(api, G.body(startsAt: G.at(t, days: -3), mentorIds: [mine]))
            _ = try await G.put(api, "/api/v1/gatherings/\(past.id)/attendance", [["mentorId": mine.uuidString, "attended": true]])

            let browser = try await G.mentorBrowser(t, "mentor1")
            let page = try await browser.get("/mentor/samlinger")
            G.expectRendered(page, "/mentor/samlinger")
            #expect(page.text.contains(G.html(theme)), "the theme is shown, escaped")
            #expect(!page.text.contains("<script>alert('m')"))
            #expect(page.text.contains("action=\"/mentor/samlinger/\(myInvitation.uuidString)/svar\""))
            #expect(!page.text.contains(theirInvitation.uuidString))
            let names = try await Mentor.query(on: t.db).filter(\.$id ~~ ([theirs] + others.prefix(2).map { $0.id! })).all().map(\.name)
            let myName = try #require(try await Mentor.find(mine, on: t.db)).name
            for name in names where name != myName {
                #expect(!page.text.contains(G.html(name)), "another mentor's name (\(name)) is not shown")
            }
            #expect(page.text.contains(G.html(G.nb(t, "gathering.mentor.came"))), "the past gathering says they came")
            for answer in ["yes", "no", "maybe"] {
                #expect(page.text.contains("name=\"answer\" value=\"\(answer)\""))
            }

            let before = try await G.auditIDs(t, .gatheringAnswered)
            let answered = try await browser.post("/mentor/samlinger/\(myInvitation)/svar", [("answer", "yes")])
            #expect(answered.status == .seeOther, "answer gave \(answered.status.code): \(answered.text.prefix(300))")
            let stored = try #require(try await GatheringInvitation.find(myInvitation, on: t.db))
            #expect(stored.answer == .yes && stored.answeredAt == t.clock.now())
            #expect(try await G.newEntries(t, .gatheringAnswered, since: before).count == 1)
            let after = try await browser.get("/mentor/samlinger")
            #expect(after.text.contains(G.html(G.nb(t, "gathering.mentor.your_answer", G.nb(t, "gathering.answer.yes")))))
            let changed = try await browser.post("/mentor/samlinger/\(myInvitation)/svar", [("answer", "maybe")])
            #expect(changed.status == .seeOther)
            #expect(try await GatheringInvitation.find(myInvitation, on: t.db)?.answer == .maybe)

            try await browser.get("/mentor/samlinger")
            let bad = try await browser.post("/mentor/samlinger/\(myInvitation)/svar", [("answer", "kanskje-ja")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains(G.nb(t, "gathering.error.answer")))

            // Someone else's invitation: 404 and a denied entry; nothing changes.
            try await browser.get("/mentor/samlinger")
            let beforeDenied = try await G.auditIDs(t, .accessDenied)
            let foreign = try await browser.post("/mentor/samlinger/\(theirInvitation)/svar", [("answer", "no")])
            #expect(foreign.status == .notFound)
            let denied = try await G.newEntries(t, .accessDenied, since: beforeDenied)
            #expect(denied.count == 1 && denied.first?.objectType == AuditObjectType.gatheringInvitation && denied.first?.objectID == theirInvitation.uuidString)
            #expect(try await GatheringInvitation.find(theirInvitation, on: t.db)?.answer == nil)

            // After the start the answer is closed.
            let pastInvitation = try #require(try await G.invitations(t, past.id).first).id!
            try await browser.get("/mentor/samlinger")
            let late = try await browser.post("/mentor/samlinger/\(pastInvitation)/svar", [("answer", "no")])
            #expect(late.status == .conflict)
            #expect(late.text.contains(G.nb(t, "gathering.error.answer_after_start")))
            #expect(try await GatheringInvitation.find(pastInvitation, on: t.db)?.answer == nil)

            // A mentor does not reach the office's pages or the staff API.
            #expect(try await browser.get("/samlinger").status == .forbidden)
            #expect(try await browser.get("/samlinger/\(gathering.id)").status == .forbidden)

            // The staff page shows the mentor's answer.
            let staff = t.browser()
            try await staff.login("veileder1")
            let staffPage = try await staff.get("/samlinger/\(gathering.id)")
            #expect(staffPage.text.contains(G.html(myName)))
            #expect(staffPage.text.contains("gathering-answer-maybe"))
        }
    }

    // MARK: - Demo data

    @Test("DemoGatherings: per demo office one held gathering with attendance and summary and one upcoming with invitations, some answered; idempotent")
    func demoData() async throws {
        try await withTestApp { t in
            let context = DemoSeeder.Context(app: t.app, db: t.db, passwordHash: "")
            try await DemoGatherings().seed(context)
            let counts = try await (G.gatherings(t, "9901").count, G.gatherings(t, "9902").count)
            try await DemoGatherings().seed(context)
            #expect(try await (G.gatherings(t, "9901").count, G.gatherings(t, "9902").count) == counts, "a second run adds nothing")
            for enhet in ["9901", "9902"] {
                let gatherings = try await G.gatherings(t, enhet)
                #expect(gatherings.count == 2)
                let now = t.clock.now()
                let past = try #require(gatherings.first { $0.startsAt < now })
                let upcoming = try #require(gatherings.first { $0.startsAt > now })
                #expect(past.summary != nil && past.cancelledAt == nil)
                let pastInvitations = try await G.invitations(t, past.id!)
                #expect(!pastInvitations.isEmpty && pastInvitations.allSatisfy { $0.attended != nil })
                #expect(pastInvitations.contains { $0.attended == true } && pastInvitations.contains { $0.attended == false })
                let upcomingInvitations = try await G.invitations(t, upcoming.id!)
                #expect(upcomingInvitations.count >= min(4, try await G.mentors(t, enhet).count))
                #expect(upcomingInvitations.contains { $0.answer != nil } && upcomingInvitations.contains { $0.answer == nil })
                #expect(upcomingInvitations.allSatisfy { $0.invitedAt <= now && ($0.answeredAt ?? now) <= now })
            }
            let browser = t.browser()
            try await browser.login("leder1")
            G.expectRendered(try await browser.get("/samlinger"), "/samlinger")
        }
    }
}

private extension G {
    static func mentorField(_ mentor: Mentor) -> String { "mentor-\(mentor.id!.uuidString)" }
}

@Suite("GatheringStats and GatheringRules: attendance counts and input checks, without a database")
struct GatheringStatsTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let a = UUID(), b = UUID(), c = UUID()

    func days(_ n: Int) -> Date { now.addingTimeInterval(Double(n) * 86_400) }

    @Test("Counts per mentor only held gatherings in the period: cancelled and future ones are left out; unrecorded attendance is counted apart")
    func counts() {
        let records: [GatheringStats.Record] = [
            .init(mentorID: a, startsAt: days(-10), cancelled: false, attended: true),
            .init(mentorID: a, startsAt: days(-100), cancelled: false, attended: false),
            .init(mentorID: a, startsAt: days(-200), cancelled: true, attended: nil),
            .init(mentorID: a, startsAt: days(-400), cancelled: false, attended: true),
            .init(mentorID: a, startsAt: days(5), cancelled: false, attended: nil),
            .init(mentorID: b, startsAt: days(-10), cancelled: false, attended: nil),
            .init(mentorID: b, startsAt: days(-20), cancelled: false, attended: true),
            .init(mentorID: b, startsAt: days(-30), cancelled: false, attended: true),
        ]
        let stats = GatheringStats.lastTwelveMonths(records, now: now)
        #expect(stats.line(for: a) == .init(mentorID: a, invited: 2, attended: 1, notRecorded: 0))
        #expect(stats.line(for: b) == .init(mentorID: b, invited: 3, attended: 2, notRecorded: 1))
        #expect(stats.line(for: c) == .init(mentorID: c), "a mentor never invited counts zero")
        #expect(stats.lines.map(\.mentorID) == [b, a], "most invitations first")
        #expect(stats.to == now)
        #expect(RuleDuration.calendar.dateComponents([.month], from: stats.from, to: stats.to).month == 12)
        #expect(GatheringStats([], from: days(-1), to: now).lines.isEmpty)
        // The bounds: from is counted, to is not.
        let edge = GatheringStats([.init(mentorID: a, startsAt: days(-1), cancelled: false, attended: true),
                                   .init(mentorID: a, startsAt: now, cancelled: false, attended: true)], from: days(-1), to: now)
        #expect(edge.line(for: a).invited == 1)
    }

    @Test("A gathering needs kind, start, place and theme; day and time are checked one by one; windows and lengths hold")
    func rules() throws {
        let valid = try GatheringRules.gathering(.init(kind: "faddersamling", day: "2026-10-01", time: "18:15", place: " Kantina ", theme: "Tema"), now: now)
        #expect(valid == .init(kind: .sponsorGathering, startsAt: DisplayDate.parseDayTime("2026-10-01", "18:15")!, place: "Kantina", theme: "Tema"))
        let iso = try GatheringRules.gathering(.init(kind: "mentorsamling", startsAt: "2026-10-01T10:00:00+02:00", place: "A", theme: "B"), now: now)
        #expect(iso.startsAt == ISO8601DateFormatter().date(from: "2026-10-01T08:00:00Z"))

        func fields(_ input: GatheringRules.Input) -> [String: String] {
            do {
                _ = try GatheringRules.gathering(input, now: now)
                return [:]
            } catch let problem as ProblemError {
                return Dictionary(problem.fields.map { ($0.field, $0.key) }, uniquingKeysWith: { a, _ in a })
            } catch { return ["?": "\(error)"] }
        }
        #expect(fields(.init()) == ["kind": "gathering.error.kind", "startsAt": "gathering.error.starts_at_required",
                                    "place": "gathering.error.place_required", "theme": "gathering.error.theme_required"])
        #expect(fields(.init(kind: "x", day: "", time: "", place: "p", theme: "t")) == ["kind": "gathering.error.kind", "day": "gathering.error.day_required", "time": "gathering.error.time_required"])
        #expect(fields(.init(kind: "nettverksmote", day: "2026-02-30", time: "7:5", place: "p", theme: "t")) == ["day": "gathering.error.day_invalid", "time": "gathering.error.time_invalid"])
        #expect(fields(.init(kind: "nettverksmote", startsAt: "2026-10-01 10:00", place: "p", theme: "t")) == ["startsAt": "gathering.error.starts_at_invalid"])
        #expect(fields(.init(kind: "nettverksmote", startsAt: ISO8601DateFormatter().string(from: days(367)), place: "p", theme: "t")) == ["startsAt": "gathering.error.too_far_ahead"])
        #expect(fields(.init(kind: "nettverksmote", startsAt: ISO8601DateFormatter().string(from: days(-800)), place: "p", theme: "t")) == ["startsAt": "gathering.error.too_far_back"])
        #expect(fields(.init(kind: "nettverksmote", day: "2026-10-01", time: "10:00", place: String(repeating: "p", count: 201), theme: String(repeating: "t", count: 301))) == ["place": "gathering.error.too_long", "theme": "gathering.error.too_long"])
        #expect(GatheringRules.isTime("00:00") && GatheringRules.isTime("23:59") && !GatheringRules.isTime("24:00") && !GatheringRules.isTime("12.30"))
    }

    @Test("What may be done when: answers before the start, attendance after it, cancelling only before anything is recorded")
    func states() throws {
        #expect(GatheringRules.status(startsAt: days(1), cancelledAt: nil, now: now) == .planned)
        #expect(GatheringRules.status(startsAt: days(-1), cancelledAt: nil, now: now) == .held)
        #expect(GatheringRules.status(startsAt: days(1), cancelledAt: now, now: now) == .cancelled)
        try GatheringRules.mayAnswer(startsAt: days(1), cancelledAt: nil, now: now)
        #expect(throws: ProblemError.self) { try GatheringRules.mayAnswer(startsAt: days(-1), cancelledAt: nil, now: now) }
        #expect(throws: ProblemError.self) { try GatheringRules.mayAnswer(startsAt: days(1), cancelledAt: now, now: now) }
        try GatheringRules.mayRecordAttendance(startsAt: now, cancelledAt: nil, now: now)
        #expect(throws: ProblemError.self) { try GatheringRules.mayRecordAttendance(startsAt: days(1), cancelledAt: nil, now: now) }
        try GatheringRules.mayCancel(cancelledAt: nil, summaryAt: nil, attendanceRecorded: false)
        #expect(throws: ProblemError.self) { try GatheringRules.mayCancel(cancelledAt: nil, summaryAt: now, attendanceRecorded: false) }
        #expect(throws: ProblemError.self) { try GatheringRules.mayCancel(cancelledAt: nil, summaryAt: nil, attendanceRecorded: true) }
        #expect(try GatheringRules.answer(" maybe ") == .maybe)
        #expect(throws: ProblemError.self) { try GatheringRules.answer("ja") }
        #expect(try GatheringRules.mentorIDs([a.uuidString, a.uuidString, b.uuidString]) == [a, b])
        #expect(throws: ProblemError.self) { try GatheringRules.mentorIDs([]) }
        #expect(try GatheringRules.attendance([(a.uuidString, true), (b.uuidString, false)]) == [a: true, b: false])
        #expect(try GatheringRules.cancelReason("   ") == nil)
        #expect(throws: ProblemError.self) { try GatheringRules.cancelReason(String(repeating: "x", count: 1_001)) }
        #expect(throws: ProblemError.self) { try GatheringRules.summary("Tekst", startsAt: days(1), cancelledAt: nil, now: now) }
        #expect(try GatheringRules.summary(" Tekst ", startsAt: days(-1), cancelledAt: nil, now: now) == "Tekst")
    }
}
