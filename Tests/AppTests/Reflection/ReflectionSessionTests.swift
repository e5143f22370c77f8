@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Helpers for reflection sessions, used as office staff would: forms posted with the CSRF token,
/// JSON with a bearer token. Groups and case presentations are made directly with the models.
private enum RS {
    /// The checkbox for `theme` in the edit form of the point `item`.
    static func theme(_ theme: ReflectionTheme, _ item: UUID) -> String { ReflectionSessionPage.themeField(theme, item: item) }

    /// `days` from the test clock's today (negative: back) at `hour`:00, Norwegian time.
    static func at(_ t: TestApp, days: Int, hour: Int = 13) -> Date {
        let calendar = RuleDuration.calendar
        let day = calendar.date(byAdding: .day, value: days, to: calendar.startOfDay(for: t.clock.now()))!
        return calendar.date(bySettingHour: hour, minute: 0, second: 0, of: day)!
    }

    static func day(_ t: TestApp, _ days: Int) -> String { DisplayDate.dayInput(at(t, days: days)) }
    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func html(_ text: String) -> String { PageChecks.html(text) }

    static func nb(_ t: TestApp, _ key: String, _ args: String...) -> String {
        t.app.samskap.strings.text(key, locale: "nb", args: args)
    }

    static func group(_ t: TestApp, _ name: String, members: [String], rhythm: Int? = nil, enhet: String = "9901") async throws -> ReflectionGroup {
        let office = try await t.office(enhet)
        let creator = try await t.user(members.first ?? "leder1")
        let group = ReflectionGroup()
        group.$office.id = try office.requireID()
        group.name = name
        group.kind = .caseDiscussion
        group.rhythmWeeks = rhythm
        group.createdAt = t.clock.now()
        group.$createdBy.id = try creator.requireID()
        try await group.create(on: t.db)
        for username in members {
            let member = ReflectionGroupMember()
            member.$group.id = try group.requireID()
            member.$user.id = try await t.user(username).requireID()
            member.addedAt = t.clock.now()
            member.$addedBy.id = try creator.requireID()
            try await member.create(on: t.db)
        }
        return group
    }

    /// A case presentation written from one of the office's pathways; shared unless `draft`.
    static func presentation(_ t: TestApp, pathway: Pathway, author: String, draft: Bool = false, challenges: String = "Usikker på egen helse, lite arbeidserfaring") async throws -> CasePresentation {
        let p = CasePresentation()
        p.$office.id = try await t.office("9901").requireID()
        p.$author.id = try await t.user(author).requireID()
        p.$pathway.id = try pathway.requireID()
        p.ageBand = "25–29 år"
        p.innsatsgruppe = "Situasjonsbestemt"
        p.step = "Arbeidstrening"
        p.durationWeeks = 14
        p.challenges = challenges
        p.tried = "Jobbsmak i butikk, tre uker"
        p.criteria = "Første arbeidsgiverkontakt innen 30 dager: oppfylt"
        p.question = "Hvordan holder vi motivasjonen oppe mellom praksisperiodene?"
        p.sharedAt = draft ? nil : t.clock.now()
        p.createdAt = t.clock.now()
        p.updatedAt = t.clock.now()
        try await p.create(on: t.db)
        return p
    }

    /// A demo pathway of the office, with its candidate.
    static func pathway(_ t: TestApp) async throws -> Pathway {
        let office = try await t.office("9901")
        let pathways = try await Pathway.query(on: t.db).with(\.$candidate).all()
        return try #require(pathways.first { $0.candidate.$office.id == office.id }, "the demo office has no pathway")
    }

    static func session(_ t: TestApp, group: ReflectionGroup, startsAt: Date, creator: String = "veileder1") async throws -> ReflectionSession {
        let s = ReflectionSession()
        s.$office.id = group.$office.id
        s.$group.id = try group.requireID()
        s.startsAt = startsAt
        s.place = "Møterom Fjorden"
        s.createdAt = t.clock.now()
        s.$createdBy.id = try await t.user(creator).requireID()
        try await s.create(on: t.db)
        return s
    }

    static func items(_ t: TestApp, _ sessionID: UUID) async throws -> [ReflectionAgendaItem] {
        try await ReflectionAgendaItem.query(on: t.db).filter(\.$session.$id == sessionID).sort(\.$position).all()
    }

    static func auditIDs(_ t: TestApp, _ action: AuditAction) async throws -> Set<Int?> {
        Set(try await t.auditEntries(action).map(\.id))
    }

    static func newEntries(_ t: TestApp, _ action: AuditAction, since before: Set<Int?>) async throws -> [AuditEntry] {
        try await t.auditEntries(action).filter { !before.contains($0.id) }
    }

    static func location(_ response: TestingHTTPResponse) -> String {
        response.headers.first(name: .location) ?? ""
    }

    static func sessionID(_ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> UUID {
        let path = location(response).split(separator: "?")[0]
        #expect(path.hasPrefix("/refleksjon/moter/"), "redirected to \(location(response))", sourceLocation: sourceLocation)
        return try #require(UUID(uuidString: String(path.dropFirst("/refleksjon/moter/".count))), sourceLocation: sourceLocation)
    }

    static func error(_ html: String, _ id: String) -> String? { PageChecks.error(html, id) }

    static func expectRendered(_ response: TestingHTTPResponse, _ path: String, status: HTTPStatus = .ok, sourceLocation: SourceLocation = #_sourceLocation) {
        PageChecks.expectRendered(response, path, status: status, keyPrefixes: ["rsession", "reflection"], sourceLocation: sourceLocation)
    }

    static func put(_ api: APIClient, _ path: String, _ json: [String: Any]) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: api.token)
        headers.contentType = .json
        return try await api.browser.send(.PUT, path, headers: headers, body: try APIClient.encode(json))
    }
}

@Suite("Reflection sessions: agenda, notes per point, themes, attendance, actions, case points, access and the API")
struct ReflectionSessionTests {
    @Test("A member creates a session with first points, adds, edits (notes and themes), moves and removes points")
    func createAndAgenda() async throws {
        try await withTestApp { t in
            let group = try await RS.group(t, "Sakdrøfting Nord", members: ["veileder1", "veileder2"], rhythm: 2)
            let browser = t.browser()
            try await browser.login("veileder1")
            let list = try await browser.get("/refleksjon/moter")
            RS.expectRendered(list, "/refleksjon/moter")
            #expect(list.text.contains("Sakdrøfting Nord"))
            let newPage = try await browser.get("/refleksjon/moter/ny?gruppe=\(group.id!.uuidString)")
            RS.expectRendered(newPage, "/refleksjon/moter/ny")
            #expect(newPage.text.contains("<option value=\"\(group.id!.uuidString)\" selected>"), "the group asked for is chosen")
            let before = try await RS.auditIDs(t, .reflectionSessionCreated)
            let day = RS.day(t, 7)
            let created = try await browser.post("/refleksjon/moter", [
                ("groupId", group.id!.uuidString), ("day", day), ("time", "09:30"), ("place", "Møterom Fjorden"),
                ("points", "Runde rundt bordet\n\n  Hva lærte vi av forrige uke?  "),
            ])
            #expect(created.status == .seeOther, "create answered \(created.status.code): \(created.text.prefix(300))")
            let id = try RS.sessionID(created)
            let stored = try #require(try await ReflectionSession.find(id, on: t.db))
            #expect(stored.startsAt == DisplayDate.parseDayTime(day, "09:30"))
            #expect(stored.$group.id == group.id && stored.place == "Møterom Fjorden")
            #expect(stored.$createdBy.id == (try await t.user("veileder1").requireID()))
            var items = try await RS.items(t, id)
            #expect(items.map(\.title) == ["Runde rundt bordet", "Hva lærte vi av forrige uke?"])
            #expect(items.map(\.position) == [1, 2] && items.allSatisfy { $0.kind == .other })
            let entries = try await RS.newEntries(t, .reflectionSessionCreated, since: before)
            #expect(entries.count == 1 && entries.first?.objectID == id.uuidString && entries.first?.objectType == "reflection_session")

            // The list suggests the next date by the rhythm: this session + 2 weeks.
            let again = try await browser.get("/refleksjon/moter")
            #expect(again.text.contains(DisplayDate.date(RuleDuration.calendar.date(byAdding: .day, value: 14, to: stored.startsAt)!)))
            let upcoming = try #require(again.text.range(of: "id=\"upcoming-heading\""))
            let link = try #require(again.text.range(of: "/refleksjon/moter/\(id.uuidString)"))
            #expect(upcoming.upperBound < link.lowerBound)

            let page = try await browser.get("/refleksjon/moter/\(id.uuidString)")
            RS.expectRendered(page, "/refleksjon/moter/\(id)")
            #expect(page.text.contains("Runde rundt bordet"))

            // A theme point.
            let added = try await browser.post("/refleksjon/moter/\(id.uuidString)/punkter", [("kind", "tema"), ("title", "Når rutinene tar over"), ("casePresentationId", "")])
            #expect(added.status == .seeOther, "add answered \(added.status.code): \(added.text.prefix(300))")
            items = try await RS.items(t, id)
            #expect(items.count == 3 && items[2].kind == .theme && items[2].position == 3)

            // Notes and themes on the second point.
            try await browser.get("/refleksjon/moter/\(id.uuidString)")
            let point = items[1]
            let agendaBefore = try await RS.auditIDs(t, .reflectionSessionAgendaChanged)
            let notes = "Vi snakket om å bruke \"tre kopper te\" før vi spør om ledige jobber.\nÆrlig og åpent."
            let saved = try await browser.post("/refleksjon/moter/\(id.uuidString)/punkter/\(point.id!.uuidString)", [
                ("title", "Hva lærte vi?"), ("notes", notes), (RS.theme(.employerContact, point.id!), "on"), (RS.theme(.defensiveRoutines, point.id!), "on"),
                ("freeTags", "Tre kopper  TE, Bodø, tre kopper te"),
            ])
            #expect(saved.status == .seeOther, "edit answered \(saved.status.code): \(saved.text.prefix(300))")
            let edited = try #require(try await ReflectionAgendaItem.find(point.id, on: t.db))
            #expect(edited.title == "Hva lærte vi?" && edited.notes == notes)
            var tags = try await ReflectionThemeTag.query(on: t.db).filter(\.$agendaItem.$id == point.id!).all()
            #expect(Set(tags.map(\.theme)) == ["arbeidsgiverkontakt", "defensive_rutiner", "tre kopper te", "bodø"])
            #expect(tags.filter(\.isFree).map(\.theme).sorted() == ["bodø", "tre kopper te"])
            let sessionDay = RuleDuration.calendar.startOfDay(for: stored.startsAt)
            #expect(tags.allSatisfy { $0.taggedOn == sessionDay && $0.$session.id == id && $0.$office.id == stored.$office.id })
            let audit = try await RS.newEntries(t, .reflectionSessionAgendaChanged, since: agendaBefore)
            #expect(audit.count == 1)
            let detail = audit.first?.detail ?? ""
            #expect(detail.contains("kopper") == false && detail.contains("Vi snakket") == false, "audit details never hold the text")

            let shown = try await browser.get("/refleksjon/moter/\(id.uuidString)")
            #expect(shown.text.contains(RS.html("Vi snakket om å bruke \"tre kopper te\"")))
            #expect(shown.text.contains(RS.nb(t, "reflection.theme.arbeidsgiverkontakt")))

            // Editing replaces the point's themes.
            let replaced = try await browser.post("/refleksjon/moter/\(id.uuidString)/punkter/\(point.id!.uuidString)", [
                ("title", "Hva lærte vi?"), ("notes", notes), (RS.theme(.mentorRole, point.id!), "on"), ("freeTags", ""),
            ])
            #expect(replaced.status == .seeOther)
            tags = try await ReflectionThemeTag.query(on: t.db).filter(\.$agendaItem.$id == point.id!).all()
            #expect(tags.map(\.theme) == ["mentorrollen"] && tags.first?.isFree == false)

            // Move the theme point up, then remove the first point.
            try await browser.get("/refleksjon/moter/\(id.uuidString)")
            let moved = try await browser.post("/refleksjon/moter/\(id.uuidString)/punkter/\(items[2].id!.uuidString)/opp")
            #expect(moved.status == .seeOther)
            #expect(try await RS.items(t, id).map(\.id) == [items[0].id, items[2].id, items[1].id])
            let removed = try await browser.post("/refleksjon/moter/\(id.uuidString)/punkter/\(items[0].id!.uuidString)/fjern")
            #expect(removed.status == .seeOther)
            let rest = try await RS.items(t, id)
            #expect(rest.map(\.id) == [items[2].id, items[1].id] && rest.map(\.position) == [1, 2])
        }
    }

    @Test("Attendance is refused before the start; afterwards rows are stored per member (upsert) and held_at is set")
    func attendance() async throws {
        try await withTestApp { t in
            let group = try await RS.group(t, "Alle hybridveiledere", members: ["veileder1", "veileder2", "marked1"])
            let future = try await RS.session(t, group: group, startsAt: RS.at(t, days: 3))
            let v1 = try await t.user("veileder1").requireID(), v2 = try await t.user("veileder2").requireID(), m1 = try await t.user("marked1").requireID()
            let browser = t.browser()
            try await browser.login("veileder1")
            let page = try await browser.get("/refleksjon/moter/\(future.id!.uuidString)")
            RS.expectRendered(page, "future session")
            #expect(page.text.contains(RS.html(RS.nb(t, "rsession.attendance.from", DisplayDate.dateTime(future.startsAt)))))
            let early = try await browser.post("/refleksjon/moter/\(future.id!.uuidString)/oppmote", [("came-\(v1.uuidString)", "on"), ("summary", "")])
            RS.expectRendered(early, "early attendance", status: .conflict)
            #expect(early.text.contains(RS.html(RS.nb(t, "rsession.error.attendance_before_start", DisplayDate.dateTime(future.startsAt)))))
            #expect(try await ReflectionAttendance.query(on: t.db).filter(\.$session.$id == future.id!).count() == 0)
            #expect(try await ReflectionSession.find(future.id, on: t.db)?.heldAt == nil)

            let api = try await APIClient.make(t, "veileder1")
            let earlyAPI = try await RS.put(api, "/api/v1/reflection-sessions/\(future.id!.uuidString)/attendance", ["attended": [v1.uuidString]])
            #expect(earlyAPI.status == .conflict && earlyAPI.headers.contentType?.description.contains("problem+json") == true)

            // A session that has begun.
            let past = try await RS.session(t, group: group, startsAt: RS.at(t, days: -1))
            try await browser.get("/refleksjon/moter/\(past.id!.uuidString)")
            let before = try await RS.auditIDs(t, .reflectionSessionAttendanceRecorded)
            let saved = try await browser.post("/refleksjon/moter/\(past.id!.uuidString)/oppmote", [
                ("came-\(v1.uuidString)", "on"), ("came-\(m1.uuidString)", "on"), ("summary", "God runde om arbeidsgiverkontakt."),
            ])
            #expect(saved.status == .seeOther, "attendance answered \(saved.status.code): \(saved.text.prefix(300))")
            var rows = Dictionary(try await ReflectionAttendance.query(on: t.db).filter(\.$session.$id == past.id!).all().map { ($0.$user.id, $0) }, uniquingKeysWith: { a, _ in a })
            #expect(rows.count == 3 && rows[v1]?.attended == true && rows[m1]?.attended == true && rows[v2]?.attended == false)
            #expect(rows[v1]?.recordedAt == t.clock.now() && rows[v1]?.$recordedBy.id == v1)
            let held = try #require(try await ReflectionSession.find(past.id, on: t.db))
            #expect(held.heldAt == t.clock.now() && held.summary == "God runde om arbeidsgiverkontakt.")
            let entries = try await RS.newEntries(t, .reflectionSessionAttendanceRecorded, since: before)
            #expect(entries.count == 1 && entries.first?.detail == "kom: 2, kom ikke: 1")

            // Correcting through the API updates the rows, keeps held_at.
            t.clock.advance(by: 600)
            let corrected = try await RS.put(api, "/api/v1/reflection-sessions/\(past.id!.uuidString)/attendance", ["attended": [v2.uuidString], "absent": [m1.uuidString]])
            #expect(corrected.status == .ok, "PUT answered \(corrected.status.code): \(corrected.text.prefix(300))")
            rows = Dictionary(try await ReflectionAttendance.query(on: t.db).filter(\.$session.$id == past.id!).all().map { ($0.$user.id, $0) }, uniquingKeysWith: { a, _ in a })
            #expect(rows.count == 3 && rows[v2]?.attended == true && rows[m1]?.attended == false && rows[v1]?.attended == true)
            #expect(try await ReflectionSession.find(past.id, on: t.db)?.heldAt == held.heldAt)
            let dto = try corrected.content.decode(ReflectionSessionDTO.self)
            #expect(dto.status == "holdt" && dto.attendance.count == 3)

            // Someone outside the group cannot be recorded; a held session cannot be cancelled.
            let outsider = try await RS.put(api, "/api/v1/reflection-sessions/\(past.id!.uuidString)/attendance", ["attended": [try await t.user("leder1").requireID().uuidString]])
            #expect(outsider.status == .unprocessableEntity)
            let cancel = try await api.patch("/api/v1/reflection-sessions/\(past.id!.uuidString)", ["cancelled": true])
            #expect(cancel.status == .conflict)
        }
    }

    @Test("A colleague outside the group and another office get 404 with a denied audit entry (page and API); a leader sees it")
    func access() async throws {
        try await withTestApp { t in
            let group = try await RS.group(t, "Teamveiledning", members: ["veileder1", "marked1"])
            let session = try await RS.session(t, group: group, startsAt: RS.at(t, days: 2))
            let path = "/refleksjon/moter/\(session.id!.uuidString)"

            let colleague = t.browser()
            try await colleague.login("veileder2")
            let before = try await RS.auditIDs(t, .reflectionSessionReadDenied)
            #expect(try await colleague.get(path).status == .notFound)
            let list = try await colleague.get("/refleksjon/moter")
            #expect(!list.text.contains(session.id!.uuidString))
            let colleagueAPI = try await APIClient.make(t, "veileder2")
            #expect(try await colleagueAPI.get("/api/v1/reflection-sessions/\(session.id!.uuidString)").status == .notFound)
            let denied = try await RS.newEntries(t, .reflectionSessionReadDenied, since: before)
            #expect(denied.count == 2 && denied.allSatisfy { $0.outcome == "denied" && $0.objectID == session.id!.uuidString })
            let listed = try await colleagueAPI.get("/api/v1/reflection-sessions")
            #expect(listed.status == .ok && !listed.text.contains(session.id!.uuidString))
            // Nor can they add to its agenda.
            try await colleague.get("/refleksjon/moter")
            #expect(try await colleague.post("\(path)/punkter", [("kind", "tema"), ("title", "Snikinnlegg")]).status == .notFound)
            #expect(try await RS.items(t, session.id!).isEmpty)

            let otherBefore = try await RS.auditIDs(t, .accessDenied)
            let other = t.browser()
            try await other.login("veileder3")
            #expect(try await other.get(path).status == .notFound)
            let otherAPI = try await APIClient.make(t, "leder2")
            #expect(try await otherAPI.get("/api/v1/reflection-sessions/\(session.id!.uuidString)").status == .notFound)
            let otherDenied = try await RS.newEntries(t, .accessDenied, since: otherBefore).filter { $0.objectID == session.id!.uuidString }
            #expect(otherDenied.count == 2 && otherDenied.allSatisfy { $0.outcome == "denied" && $0.objectType == "reflection_session" })

            let leader = t.browser()
            try await leader.login("leder1")
            let page = try await leader.get(path)
            RS.expectRendered(page, "leader's view")
            #expect(page.text.contains("Teamveiledning"))
            let leaderAPI = try await APIClient.make(t, "leder1")
            let leaderList = try await leaderAPI.get("/api/v1/reflection-sessions")
            #expect(leaderList.text.contains(session.id!.uuidString))
            let ranged = try await leaderAPI.get("/api/v1/reflection-sessions?from=\(RS.day(t, 3))")
            #expect(ranged.status == .ok && !ranged.text.contains(session.id!.uuidString))
            let shown = try await leaderAPI.get("/api/v1/reflection-sessions/\(session.id!.uuidString)")
            #expect(shown.status == .ok)
        }
    }

    @Test("An action shows up for its owner (page, API, start-page query) until done; someone not allowed cannot mark it done")
    func actions() async throws {
        try await withTestApp { t in
            let group = try await RS.group(t, "Sakdrøfting", members: ["veileder1", "marked1"])
            let session = try await RS.session(t, group: group, startsAt: RS.at(t, days: -1))
            let owner = try await t.user("veileder2").requireID()
            let browser = t.browser()
            try await browser.login("veileder1")
            try await browser.get("/refleksjon/moter/\(session.id!.uuidString)")
            let before = try await RS.auditIDs(t, .reflectionActionCreated)
            let due = RS.day(t, 10)
            let added = try await browser.post("/refleksjon/moter/\(session.id!.uuidString)/tiltak", [
                ("title", "Lage sjekkliste for første arbeidsgiverbesøk"), ("ownerId", owner.uuidString), ("dueOn", due), ("agendaItemId", ""),
            ])
            #expect(added.status == .seeOther, "action answered \(added.status.code): \(added.text.prefix(300))")
            let action = try #require(try await ReflectionAction.query(on: t.db).filter(\.$session.$id == session.id!).first())
            #expect(action.$owner.id == owner && action.dueOn == DisplayDate.parseDay(due) && action.doneAt == nil && action.$office.id == session.$office.id)
            #expect(try await RS.newEntries(t, .reflectionActionCreated, since: before).count == 1)
            let sessionPage = try await browser.get("/refleksjon/moter/\(session.id!.uuidString)")
            #expect(sessionPage.text.contains("Lage sjekkliste for første arbeidsgiverbesøk") && sessionPage.text.contains("Viktor Veileder"))

            // The owner is not in the group, and still sees it.
            let ownerBrowser = t.browser()
            try await ownerBrowser.login("veileder2")
            let mine = try await ownerBrowser.get("/refleksjon/tiltak")
            RS.expectRendered(mine, "/refleksjon/tiltak")
            #expect(mine.text.contains("Lage sjekkliste for første arbeidsgiverbesøk") && mine.text.contains("Sakdrøfting"))
            #expect(!mine.text.contains("href=\"/refleksjon/moter/\(session.id!.uuidString)\""), "no link to a session the owner cannot open")
            let ownerAPI = try await APIClient.make(t, "veileder2")
            let listed = try await ownerAPI.get("/api/v1/reflection-actions")
            let dtos = try listed.content.decode([ReflectionActionDTO].self)
            #expect(dtos.map(\.id) == [action.id!] && dtos.first?.status == "open" && dtos.first?.dueOn == due && dtos.first?.groupName == "Sakdrøfting")
            #expect(try await ReflectionActionQueries.open(ownerID: owner, officeID: session.$office.id, on: t.db).map(\.id) == [action.id])
            #expect(try await ReflectionActionQueries.open(ownerID: owner, officeID: session.$office.id, on: t.db).first?.$session.value != nil, "session is eager-loaded")

            // A group member who is neither owner, creator nor leader may not mark it done.
            let memberAPI = try await APIClient.make(t, "marked1")
            let refused = try await memberAPI.post("/api/v1/reflection-actions/\(action.id!.uuidString)/done")
            #expect(refused.status == .forbidden)
            let otherOffice = try await APIClient.make(t, "veileder3")
            #expect(try await otherOffice.post("/api/v1/reflection-actions/\(action.id!.uuidString)/done").status == .notFound)
            #expect(try await ReflectionAction.find(action.id, on: t.db)?.doneAt == nil)

            let doneBefore = try await RS.auditIDs(t, .reflectionActionDone)
            let done = try await ownerBrowser.post("/refleksjon/tiltak/\(action.id!.uuidString)/utfort")
            #expect(done.status == .seeOther && RS.location(done).hasPrefix("/refleksjon/tiltak"))
            let stored = try #require(try await ReflectionAction.find(action.id, on: t.db))
            #expect(stored.doneAt == t.clock.now() && stored.$doneBy.id == owner)
            #expect(try await RS.newEntries(t, .reflectionActionDone, since: doneBefore).count == 1)
            #expect(try await ReflectionActionQueries.open(ownerID: owner, officeID: session.$office.id, on: t.db).isEmpty)
            let after = try await ownerBrowser.get("/refleksjon/tiltak")
            let doneHeading = try #require(after.text.range(of: "id=\"done-heading\""))
            let title = try #require(after.text.range(of: "Lage sjekkliste"))
            #expect(doneHeading.upperBound < title.lowerBound, "listed under done")
            let openAPI = try await ownerAPI.get("/api/v1/reflection-actions?status=open")
            #expect(try openAPI.content.decode([ReflectionActionDTO].self).isEmpty)
            let doneAPI = try await ownerAPI.get("/api/v1/reflection-actions?status=done")
            #expect(try doneAPI.content.decode([ReflectionActionDTO].self).first?.status == "done")
        }
    }

    @Test("A case point shows a shared presentation's fields, never its pathway id or the candidate's name; a draft is refused")
    func casePoint() async throws {
        try await withTestApp { t in
            let group = try await RS.group(t, "Sakdrøfting", members: ["veileder1", "veileder2"])
            let session = try await RS.session(t, group: group, startsAt: RS.at(t, days: 1))
            let pathway = try await RS.pathway(t)
            let shared = try await RS.presentation(t, pathway: pathway, author: "veileder2")
            let draft = try await RS.presentation(t, pathway: pathway, author: "veileder1", draft: true, challenges: "Utkast som ikke skal vises")
            let browser = t.browser()
            try await browser.login("veileder1")
            let before = try await browser.get("/refleksjon/moter/\(session.id!.uuidString)")
            #expect(before.text.contains(shared.id!.uuidString), "a shared presentation can be chosen")
            #expect(!before.text.contains(draft.id!.uuidString), "a draft is not offered")

            let refused = try await browser.post("/refleksjon/moter/\(session.id!.uuidString)/punkter", [("kind", "case"), ("title", "Min case"), ("casePresentationId", draft.id!.uuidString)])
            RS.expectRendered(refused, "draft on the agenda", status: .unprocessableEntity)
            #expect(refused.text.contains(RS.html(RS.nb(t, "rsession.error.case_not_shared"))))
            #expect(refused.text.contains("value=\"Min case\""), "the typed title is kept")
            #expect(try await RS.items(t, session.id!).isEmpty)
            let api = try await APIClient.make(t, "veileder1")
            let refusedAPI = try await api.post("/api/v1/reflection-sessions/\(session.id!.uuidString)/agenda", ["kind": "case", "casePresentationId": draft.id!.uuidString])
            #expect(refusedAPI.status == .unprocessableEntity)

            let added = try await browser.post("/refleksjon/moter/\(session.id!.uuidString)/punkter", [("kind", "case"), ("title", ""), ("casePresentationId", shared.id!.uuidString)])
            #expect(added.status == .seeOther, "case point answered \(added.status.code): \(added.text.prefix(300))")
            let page = try await browser.get("/refleksjon/moter/\(session.id!.uuidString)")
            RS.expectRendered(page, "session with a case point")
            for text in [shared.challenges, shared.tried, shared.criteria, shared.question, shared.ageBand, shared.step, RS.nb(t, "reflection.case.duration_weeks", "14")] {
                #expect(page.text.contains(RS.html(text)), "shows \(text)")
            }
            #expect(page.text.contains(RS.html(RS.nb(t, "rsession.agenda.only_cases"))), "nudges towards a theme point")
            let pathwayID = pathway.id!.uuidString
            let name = pathway.candidate.fullName
            for body in [page.text] {
                #expect(!body.contains(pathwayID) && !body.contains(pathwayID.lowercased()), "no pathway id")
                #expect(!body.contains(name) && !body.contains(pathway.candidate.lastName), "no candidate name")
            }
            let json = try await api.get("/api/v1/reflection-sessions/\(session.id!.uuidString)")
            #expect(json.status == .ok)
            #expect(!json.text.contains(pathwayID) && !json.text.contains(pathwayID.lowercased()) && !json.text.contains(pathway.candidate.lastName))
            let dto = try json.content.decode(ReflectionSessionDTO.self)
            #expect(dto.agenda.first?.casePresentation?.challenges == shared.challenges && dto.agenda.first?.title == shared.question)
            #expect(dto.onlyCasePoints)

            // A theme point removes the nudge.
            try await browser.get("/refleksjon/moter/\(session.id!.uuidString)")
            #expect(try await browser.post("/refleksjon/moter/\(session.id!.uuidString)/punkter", [("kind", "tema"), ("title", "Defensive rutiner")]).status == .seeOther)
            let later = try await browser.get("/refleksjon/moter/\(session.id!.uuidString)")
            #expect(!later.text.contains(RS.html(RS.nb(t, "rsession.agenda.only_cases"))))
        }
    }

    @Test("Bad forms give 422 with Norwegian errors per field and keep what was typed; hostile input is escaped")
    func formErrors() async throws {
        try await withTestApp { t in
            let group = try await RS.group(t, "Sakdrøfting", members: ["veileder1"])
            let browser = t.browser()
            try await browser.login("veileder1")
            try await browser.get("/refleksjon/moter")
            let place = "<script>alert('x')</script> Møterom «Ø»"
            let bad = try await browser.post("/refleksjon/moter", [("groupId", group.id!.uuidString), ("day", "31.12.2026"), ("time", "25:00"), ("place", place), ("points", "Første punkt")])
            RS.expectRendered(bad, "bad session form", status: .unprocessableEntity)
            #expect(RS.error(bad.text, "ny-day") == RS.nb(t, "rsession.error.day_invalid"))
            #expect(RS.error(bad.text, "ny-time") == RS.html(RS.nb(t, "rsession.error.time_invalid")))
            #expect(bad.text.contains("value=\"\(RS.html(place))\""), "the place typed is kept, escaped")
            #expect(!bad.text.contains("<script>alert"))
            #expect(bad.text.contains("Første punkt"))
            #expect(try await ReflectionSession.query(on: t.db).filter(\.$group.$id == group.id!).count() == 0)

            // A group the user is not in is refused like an unknown one.
            let foreign = try await RS.group(t, "Andres gruppe", members: ["veileder2"])
            let notMine = try await browser.post("/refleksjon/moter", [("groupId", foreign.id!.uuidString), ("day", RS.day(t, 5)), ("time", "10:00"), ("place", ""), ("points", "")])
            #expect(notMine.status == .unprocessableEntity)
            #expect(RS.error(notMine.text, "ny-groupId") == RS.nb(t, "rsession.error.group"))

            // Too many free tags keeps the notes typed.
            let session = try await RS.session(t, group: group, startsAt: RS.at(t, days: 4))
            try await browser.get("/refleksjon/moter/\(session.id!.uuidString)")
            try await browser.post("/refleksjon/moter/\(session.id!.uuidString)/punkter", [("kind", "erfaringsdeling"), ("title", "Runde")])
            let item = try #require(try await RS.items(t, session.id!).first)
            try await browser.get("/refleksjon/moter/\(session.id!.uuidString)")
            let long = String(repeating: "æøå ", count: 2_500)
            let tooMany = try await browser.post("/refleksjon/moter/\(session.id!.uuidString)/punkter/\(item.id!.uuidString)", [
                ("title", "Runde"), ("notes", "Notat som ikke skal forsvinne"), ("freeTags", "a, b, c, d, e, f"),
            ])
            RS.expectRendered(tooMany, "too many tags", status: .unprocessableEntity)
            let formID = "punkt-\(item.id!.uuidString)"
            #expect(RS.error(tooMany.text, "\(formID)-freeTags") == RS.nb(t, "rsession.error.too_many_tags", "5"))
            #expect(tooMany.text.contains("Notat som ikke skal forsvinne"))
            #expect(try await ReflectionAgendaItem.find(item.id, on: t.db)?.notes == nil)
            let tooLong = try await browser.post("/refleksjon/moter/\(session.id!.uuidString)/punkter/\(item.id!.uuidString)", [("title", "Runde"), ("notes", long + long)])
            #expect(tooLong.status == .unprocessableEntity)
            #expect(RS.error(tooLong.text, "\(formID)-notes") == RS.nb(t, "rsession.error.too_long", String(ReflectionSessionRules.maxNotes)))

            // An action without owner or date.
            let noOwner = try await browser.post("/refleksjon/moter/\(session.id!.uuidString)/tiltak", [("title", "Ringe Kari"), ("ownerId", ""), ("dueOn", "")])
            RS.expectRendered(noOwner, "bad action", status: .unprocessableEntity)
            #expect(RS.error(noOwner.text, "nytt-tiltak-ownerId") == RS.nb(t, "rsession.error.owner"))
            #expect(RS.error(noOwner.text, "nytt-tiltak-dueOn") == RS.nb(t, "rsession.error.due_required"))
            #expect(noOwner.text.contains("value=\"Ringe Kari\""))
        }
    }

    @Test("The API creates a session with an agenda, patches a point's notes and themes, and removes it")
    func api() async throws {
        try await withTestApp { t in
            let group = try await RS.group(t, "Alle hybridveiledere", members: ["veileder1", "veileder2"])
            let api = try await APIClient.make(t, "veileder1")
            let startsAt = RS.at(t, days: 5, hour: 10)
            let before = try await RS.auditIDs(t, .reflectionSessionCreated)
            let created = try await api.post("/api/v1/reflection-sessions", [
                "groupId": group.id!.uuidString, "startsAt": RS.iso(startsAt), "place": "Teams",
                "agenda": [["kind": "tema", "title": "Porteføljestørrelse"], ["kind": "erfaringsdeling", "title": "Gjort, lært, lurt"]],
            ])
            #expect(created.status == .created, "create answered \(created.status.code): \(created.text.prefix(300))")
            let dto = try created.content.decode(ReflectionSessionDTO.self)
            #expect(dto.startsAt == startsAt && dto.place == "Teams" && dto.agenda.map(\.title) == ["Porteføljestørrelse", "Gjort, lært, lurt"])
            #expect(dto.status == "planlagt" && created.headers.first(name: .location) == "/api/v1/reflection-sessions/\(dto.id)")
            #expect(try await RS.newEntries(t, .reflectionSessionCreated, since: before).count == 1)

            let invalid = try await api.post("/api/v1/reflection-sessions", ["groupId": group.id!.uuidString, "startsAt": "i morgen"])
            #expect(invalid.status == .unprocessableEntity && invalid.problem?.errors?.first?.field == "startsAt")

            let itemID = dto.agenda[0].id
            let patched = try await api.patch("/api/v1/reflection-sessions/\(dto.id)/agenda/\(itemID)", [
                "notes": "Flere hadde over hundre kandidater.", "themes": ["portefoljestorrelse"], "freeTags": ["Tidstyv"], "position": 2,
            ])
            #expect(patched.status == .ok, "patch answered \(patched.status.code): \(patched.text.prefix(300))")
            let after = try patched.content.decode(ReflectionSessionDTO.self)
            let item = try #require(after.agenda.first { $0.id == itemID })
            #expect(item.notes == "Flere hadde over hundre kandidater." && item.themes == ["portefoljestorrelse"] && item.freeTags == ["tidstyv"] && item.position == 2)
            let rows = try await ReflectionThemeTag.query(on: t.db).filter(\.$agendaItem.$id == itemID).all()
            #expect(rows.count == 2 && rows.allSatisfy { $0.taggedOn == RuleDuration.calendar.startOfDay(for: startsAt) })
            let unknown = try await api.patch("/api/v1/reflection-sessions/\(dto.id)/agenda/\(itemID)", ["kind": "case"])
            #expect(unknown.status == .unprocessableEntity)

            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: api.token)
            let removed = try await api.browser.send(.DELETE, "/api/v1/reflection-sessions/\(dto.id)/agenda/\(itemID)", headers: headers)
            #expect(removed.status == .ok)
            #expect(try await RS.items(t, dto.id).count == 1)
            #expect(try await ReflectionThemeTag.query(on: t.db).filter(\.$agendaItem.$id == itemID).count() == 0)

            let patchedSession = try await api.patch("/api/v1/reflection-sessions/\(dto.id)", ["place": "Møterom 3"])
            #expect(patchedSession.status == .ok)
            #expect(try patchedSession.content.decode(ReflectionSessionDTO.self).place == "Møterom 3")
            let cancelled = try await api.patch("/api/v1/reflection-sessions/\(dto.id)", ["cancelled": true])
            #expect(cancelled.status == .ok)
            #expect(try cancelled.content.decode(ReflectionSessionDTO.self).status == "avlyst")
            let addAfter = try await api.post("/api/v1/reflection-sessions/\(dto.id)/agenda", ["kind": "tema", "title": "For sent"])
            #expect(addAfter.status == .conflict)
        }
    }
}

extension ReflectionSessionTests {
    @Test("Notes, titles, free tags, the summary and action titles with a national ID number, phone number or e-mail are refused on the page (422, text kept, error by the field)")
    func identifiersOnPages() async throws {
        try await withTestApp { t in
            let group = try await RS.group(t, "Sakdrøfting Sør", members: ["veileder1", "veileder2"])
            let session = try await RS.session(t, group: group, startsAt: RS.at(t, days: -1))
            let sid = session.id!.uuidString
            let browser = t.browser()
            try await browser.login("veileder1")
            try await browser.get("/refleksjon/moter/\(sid)")
            #expect(try await browser.post("/refleksjon/moter/\(sid)/punkter", [("kind", "tema"), ("title", "Runde rundt bordet")]).status == .seeOther)
            let item = try #require(try await RS.items(t, session.id!).first)
            let formID = "punkt-\(item.id!.uuidString)"
            let path = "/refleksjon/moter/\(sid)/punkter/\(item.id!.uuidString)"
            let before = try await RS.auditIDs(t, .reflectionSessionAgendaChanged)

            // A point's notes with a national ID number.
            try await browser.get("/refleksjon/moter/\(sid)")
            let notes = "Kandidaten (01019012345) trenger mer tid.\nVi prøver «tre kopper te» først."
            let badNotes = try await browser.post(path, [("title", "Runde rundt bordet"), ("notes", notes), (RS.theme(.mentorRole, item.id!), "on"), ("freeTags", "startmøte")])
            RS.expectRendered(badNotes, "notes with a national ID number", status: .unprocessableEntity)
            #expect(RS.error(badNotes.text, "\(formID)-notes") == RS.html(RS.nb(t, "rsession.error.identifier_fodselsnummer")))
            #expect(badNotes.text.contains(RS.html(notes)), "the notes typed are kept")
            #expect(badNotes.text.contains("value=\"startmøte\""), "the free tags typed are kept")
            var stored = try #require(try await ReflectionAgendaItem.find(item.id, on: t.db))
            #expect(stored.notes == nil)
            #expect(try await ReflectionThemeTag.query(on: t.db).filter(\.$agendaItem.$id == item.id!).count() == 0)

            // A free tag with a phone number; a title with an e-mail address.
            let badTag = try await browser.post(path, [("title", "Runde rundt bordet"), ("notes", "Godt møte."), ("freeTags", "mentor, ring 912 34 567")])
            #expect(badTag.status == .unprocessableEntity)
            #expect(RS.error(badTag.text, "\(formID)-freeTags") == RS.html(RS.nb(t, "rsession.error.identifier_telefon")))
            #expect(badTag.text.contains("Godt møte."))
            let badTitle = try await browser.post(path, [("title", "Svar til kari.nordmann@example.no"), ("notes", "")])
            #expect(badTitle.status == .unprocessableEntity)
            #expect(RS.error(badTitle.text, "\(formID)-title") == RS.html(RS.nb(t, "rsession.error.identifier_epost")))
            stored = try #require(try await ReflectionAgendaItem.find(item.id, on: t.db))
            #expect(stored.title == "Runde rundt bordet" && stored.notes == nil)
            #expect(try await RS.newEntries(t, .reflectionSessionAgendaChanged, since: before).isEmpty, "nothing refused is audited as changed")

            // A new point's title, and the first points of a new session.
            let badPoint = try await browser.post("/refleksjon/moter/\(sid)/punkter", [("kind", "tema"), ("title", "Ring +47 91234567 i morgen")])
            #expect(badPoint.status == .unprocessableEntity)
            #expect(RS.error(badPoint.text, "nytt-punkt-title") == RS.html(RS.nb(t, "rsession.error.identifier_telefon")))
            #expect(badPoint.text.contains("value=\"Ring +47 91234567 i morgen\""))
            #expect(try await RS.items(t, session.id!).count == 1)
            try await browser.get("/refleksjon/moter")
            let badCreate = try await browser.post("/refleksjon/moter", [
                ("groupId", group.id!.uuidString), ("day", RS.day(t, 7)), ("time", "10:00"), ("place", ""), ("points", "Runde\nSaken til 01019012345"),
            ])
            #expect(badCreate.status == .unprocessableEntity)
            #expect(RS.error(badCreate.text, "ny-points") == RS.html(RS.nb(t, "rsession.error.identifier_fodselsnummer")))
            #expect(badCreate.text.contains("Saken til 01019012345"), "the points typed are kept")
            #expect(try await ReflectionSession.query(on: t.db).filter(\.$group.$id == group.id!).count() == 1)

            // The summary on the attendance form.
            let v1 = try await t.user("veileder1").requireID()
            try await browser.get("/refleksjon/moter/\(sid)")
            let badSummary = try await browser.post("/refleksjon/moter/\(sid)/oppmote", [("came-\(v1.uuidString)", "on"), ("summary", "Spør veileder på 22 33 44 55.")])
            RS.expectRendered(badSummary, "summary with a phone number", status: .unprocessableEntity)
            #expect(RS.error(badSummary.text, "oppmote-summary") == RS.html(RS.nb(t, "rsession.error.identifier_telefon")))
            #expect(badSummary.text.contains("Spør veileder på 22 33 44 55."))
            #expect(try await ReflectionAttendance.query(on: t.db).filter(\.$session.$id == session.id!).count() == 0)
            #expect(try await ReflectionSession.find(session.id, on: t.db)?.heldAt == nil)

            // An action's title (it shows on the owner's start page).
            let badAction = try await browser.post("/refleksjon/moter/\(sid)/tiltak", [
                ("title", "Sende referat til ola@nav.no"), ("ownerId", v1.uuidString), ("dueOn", RS.day(t, 7)), ("agendaItemId", ""),
            ])
            #expect(badAction.status == .unprocessableEntity)
            #expect(RS.error(badAction.text, "nytt-tiltak-title") == RS.html(RS.nb(t, "rsession.error.identifier_epost")))
            #expect(badAction.text.contains("value=\"Sende referat til ola@nav.no\""))
            #expect(try await ReflectionAction.query(on: t.db).filter(\.$session.$id == session.id!).count() == 0)

            // Ordinary numbers pass: a year, a count, a date.
            let fine = try await browser.post(path, [("title", "Runde rundt bordet"), ("notes", "12 av 14 kom i 2026; neste gang 01.12.2026 kl. 09:30."), ("freeTags", "uke 48")])
            #expect(fine.status == .seeOther, "ordinary numbers answered \(fine.status.code): \(fine.text.prefix(300))")
            #expect(try await ReflectionAgendaItem.find(item.id, on: t.db)?.notes == "12 av 14 kom i 2026; neste gang 01.12.2026 kl. 09:30.")

            // The fields say what not to write.
            let page = try await browser.get("/refleksjon/moter/\(sid)")
            for key in ["rsession.field.notes_hint", "rsession.field.item_title_edit_hint", "rsession.field.free_tags_hint", "rsession.field.action_title_hint", "rsession.field.summary_hint"] {
                #expect(page.text.contains(RS.html(RS.nb(t, key))), "shows \(key)")
            }
        }
    }

    @Test("The API refuses the same texts with a problem naming the field")
    func identifiersInAPI() async throws {
        try await withTestApp { t in
            let group = try await RS.group(t, "Alle hybridveiledere", members: ["veileder1"])
            let api = try await APIClient.make(t, "veileder1")
            let start = RS.iso(RS.at(t, days: 3))
            let refusedCreate = try await api.post("/api/v1/reflection-sessions", [
                "groupId": group.id!.uuidString, "startsAt": start, "agenda": [["kind": "tema", "title": "Ok"], ["kind": "tema", "title": "Ring 91234567"]],
            ])
            #expect(refusedCreate.status == .unprocessableEntity && refusedCreate.problemFields == ["agenda[1].title"])
            #expect(refusedCreate.headers.contentType?.description.contains("problem+json") == true)
            #expect(try await ReflectionSession.query(on: t.db).filter(\.$group.$id == group.id!).count() == 0)

            let created = try await api.post("/api/v1/reflection-sessions", ["groupId": group.id!.uuidString, "startsAt": start, "agenda": [["kind": "tema", "title": "Roller"]]])
            #expect(created.status == .created)
            let dto = try created.content.decode(ReflectionSessionDTO.self)
            let itemID = try #require(dto.agenda.first?.id)
            let itemPath = "/api/v1/reflection-sessions/\(dto.id)/agenda/\(itemID)"

            let notes = try await api.patch(itemPath, ["notes": "Fnr 010190 12345 sto i notatet"])
            #expect(notes.status == .unprocessableEntity && notes.problemFields == ["notes"])
            let tag = try await api.patch(itemPath, ["themes": ["mentorrollen"], "freeTags": ["veileder@nav.no"]])
            #expect(tag.status == .unprocessableEntity && tag.problemFields == ["freeTags"])
            let title = try await api.patch(itemPath, ["title": "Ring 900 00 000"])
            #expect(title.status == .unprocessableEntity && title.problemFields == ["title"])
            let item = try #require(try await ReflectionAgendaItem.find(itemID, on: t.db))
            #expect(item.title == "Roller" && item.notes == nil)
            #expect(try await ReflectionThemeTag.query(on: t.db).filter(\.$agendaItem.$id == itemID).count() == 0)

            let point = try await api.post("/api/v1/reflection-sessions/\(dto.id)/agenda", ["kind": "tema", "title": "Epost: a.b@c.no"])
            #expect(point.status == .unprocessableEntity && point.problemFields == ["title"])
            let summary = try await api.patch("/api/v1/reflection-sessions/\(dto.id)", ["summary": "Kontakt 01019012345"])
            #expect(summary.status == .unprocessableEntity && summary.problemFields == ["summary"])
            #expect(try await ReflectionSession.find(dto.id, on: t.db)?.summary == nil)
            let owner = try await t.user("veileder1").requireID()
            let action = try await api.post("/api/v1/reflection-sessions/\(dto.id)/actions", ["title": "Ring 22 33 44 55", "ownerId": owner.uuidString, "dueOn": RS.day(t, 9)])
            #expect(action.status == .unprocessableEntity && action.problemFields == ["title"])
            #expect(try await ReflectionAction.query(on: t.db).filter(\.$session.$id == dto.id).count() == 0)
        }
    }

    @Test("Cancelling deletes the session's theme rows (audited) and lays its open actions aside; moving the start moves the themes' day")
    func cancelAndMoveThemes() async throws {
        try await withTestApp { t in
            let group = try await RS.group(t, "Teamveiledning", members: ["veileder1", "veileder2"])
            let session = try await RS.session(t, group: group, startsAt: RS.at(t, days: 2))
            let other = try await RS.session(t, group: group, startsAt: RS.at(t, days: 9))
            let api = try await APIClient.make(t, "veileder1")
            var itemIDs: [UUID: UUID] = [:]
            for s in [session, other] {
                let added = try await api.post("/api/v1/reflection-sessions/\(s.id!)/agenda", ["kind": "tema", "title": "Roller"])
                let id = try #require(try added.content.decode(ReflectionSessionDTO.self).agenda.first?.id)
                itemIDs[s.id!] = id
                let tagged = try await api.patch("/api/v1/reflection-sessions/\(s.id!)/agenda/\(id)", ["themes": ["mentorrollen", "klarsprak"], "freeTags": ["startmøte"]])
                #expect(tagged.status == .ok)
            }
            func tags(_ s: ReflectionSession) async throws -> [ReflectionThemeTag] {
                try await ReflectionThemeTag.query(on: t.db).filter(\.$session.$id == s.id!).all()
            }
            #expect(try await tags(session).count == 3)

            // Moving the start (page form) moves the day the themes count on.
            let browser = t.browser()
            try await browser.login("veileder1")
            try await browser.get("/refleksjon/moter/\(session.id!.uuidString)")
            let newDay = RS.day(t, 20)
            let moved = try await browser.post("/refleksjon/moter/\(session.id!.uuidString)/endre", [("day", newDay), ("time", "10:00"), ("place", "Teams")])
            #expect(moved.status == .seeOther, "change answered \(moved.status.code): \(moved.text.prefix(300))")
            let expectedDay = RuleDuration.calendar.startOfDay(for: try #require(DisplayDate.parseDayTime(newDay, "10:00")))
            #expect(try await tags(session).allSatisfy { $0.taggedOn == expectedDay })
            let otherDay = RuleDuration.calendar.startOfDay(for: other.startsAt)
            #expect(try await tags(other).allSatisfy { $0.taggedOn == otherDay }, "another session's themes keep their day")
            // The API's PATCH does the same.
            let apiStart = RS.at(t, days: 15, hour: 9)
            #expect(try await api.patch("/api/v1/reflection-sessions/\(session.id!)", ["startsAt": RS.iso(apiStart)]).status == .ok)
            #expect(try await tags(session).allSatisfy { $0.taggedOn == RuleDuration.calendar.startOfDay(for: apiStart) })

            // An open action on the session, owned by veileder2.
            let owner = try await t.user("veileder2").requireID()
            let created = try await api.post("/api/v1/reflection-sessions/\(session.id!)/actions", ["title": "Forberede casen", "ownerId": owner.uuidString, "dueOn": RS.day(t, 10)])
            #expect(created.status == .created)
            let actionID = try created.content.decode(ReflectionActionDTO.self).id
            #expect(try await ReflectionActionQueries.open(ownerID: owner, officeID: session.$office.id, on: t.db).map(\.id).contains(actionID))

            // Cancelling.
            try await browser.get("/refleksjon/moter/\(session.id!.uuidString)")
            let before = try await RS.auditIDs(t, .reflectionSessionCancelled)
            let cancelled = try await browser.post("/refleksjon/moter/\(session.id!.uuidString)/avlys")
            #expect(cancelled.status == .seeOther, "cancel answered \(cancelled.status.code): \(cancelled.text.prefix(300))")
            #expect(try await ReflectionSession.find(session.id, on: t.db)?.cancelledAt == t.clock.now())
            #expect(try await tags(session).isEmpty, "a cancelled session's themes are gone")
            #expect(try await tags(other).count == 3, "another session's themes stay")
            let entries = try await RS.newEntries(t, .reflectionSessionCancelled, since: before)
            #expect(entries.count == 1 && entries.first?.objectID == session.id!.uuidString && entries.first?.detail == "temaer fjernet: 3, åpne tiltak lagt bort: 1")
            #expect(try await ReflectionAgendaItem.find(itemIDs[session.id!], on: t.db) != nil, "the points stay on the cancelled session")

            // The open action is laid aside: not in the owner's lists, not to be marked done.
            #expect(try await ReflectionActionQueries.open(ownerID: owner, officeID: session.$office.id, on: t.db).allSatisfy { $0.id != actionID })
            let ownerBrowser = t.browser()
            try await ownerBrowser.login("veileder2")
            let mine = try await ownerBrowser.get("/refleksjon/tiltak")
            RS.expectRendered(mine, "/refleksjon/tiltak")
            #expect(!mine.text.contains("Forberede casen"))
            let ownerAPI = try await APIClient.make(t, "veileder2")
            for status in ["open", "all"] {
                let listed = try await ownerAPI.get("/api/v1/reflection-actions?status=\(status)")
                #expect(try listed.content.decode([ReflectionActionDTO].self).allSatisfy { $0.id != actionID }, "status=\(status)")
            }
            let done = try await ownerAPI.post("/api/v1/reflection-actions/\(actionID)/done")
            #expect(done.status == .conflict)
            #expect(try await ReflectionAction.find(actionID, on: t.db)?.doneAt == nil)
            let page = try await browser.get("/refleksjon/moter/\(session.id!.uuidString)")
            RS.expectRendered(page, "cancelled session")
            #expect(page.text.contains("Forberede casen") && page.text.contains(RS.nb(t, "rsession.action.laid_aside")))
            #expect(!page.text.contains("/refleksjon/tiltak/\(actionID.uuidString)/utfort"), "no button to mark it done")
        }
    }

    @Test("The list says \"1 punkt\" and a weekly group meets \"hver uke\"")
    func wording() async throws {
        try await withTestApp { t in
            let group = try await RS.group(t, "Ukesmøtet", members: ["veileder1"], rhythm: 1)
            let session = try await RS.session(t, group: group, startsAt: RS.at(t, days: -2))
            let api = try await APIClient.make(t, "veileder1")
            #expect(try await api.post("/api/v1/reflection-sessions/\(session.id!)/agenda", ["kind": "tema", "title": "Roller"]).status == .created)
            let browser = t.browser()
            try await browser.login("veileder1")
            let list = try await browser.get("/refleksjon/moter")
            RS.expectRendered(list, "/refleksjon/moter")
            #expect(list.text.contains(RS.nb(t, "rsession.list.point_one")) && !list.text.contains("1 punkter"))
            let next = try #require(ReflectionSessionRules.suggestedNext(lastStart: session.startsAt, rhythmWeeks: 1, now: t.clock.now()))
            #expect(list.text.contains(RS.html(RS.nb(t, "rsession.create.suggestion_weekly", "Ukesmøtet", DisplayDate.date(next)))))
            #expect(!list.text.contains("hver 1. uke"))
            #expect(RS.nb(t, "rsession.list.points", "3") == "3 punkter på sakslisten")
            #expect(!RS.nb(t, "rsession.case.none_shared").contains("inkluderingsforløp"))
        }
    }
}

@Suite("Reflection session rules: pure checks without HTTP or a database")
struct ReflectionSessionRulesTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("The next date by the rhythm is the last session plus the rhythm, moved on until it lies ahead")
    func suggestedNext() {
        let calendar = RuleDuration.calendar
        let last = calendar.date(byAdding: .day, value: -3, to: now)!
        #expect(ReflectionSessionRules.suggestedNext(lastStart: last, rhythmWeeks: 2, now: now) == calendar.date(byAdding: .day, value: 14, to: last))
        let longAgo = calendar.date(byAdding: .day, value: -30, to: now)!
        #expect(ReflectionSessionRules.suggestedNext(lastStart: longAgo, rhythmWeeks: 2, now: now) == calendar.date(byAdding: .day, value: 42, to: longAgo))
        #expect(ReflectionSessionRules.suggestedNext(lastStart: nil, rhythmWeeks: 2, now: now) == nil)
        #expect(ReflectionSessionRules.suggestedNext(lastStart: last, rhythmWeeks: nil, now: now) == nil)
    }

    @Test("The nudge shows only when every point is a case presentation")
    func onlyCases() {
        #expect(ReflectionSessionRules.onlyCases([.casePresentation, .casePresentation]))
        #expect(!ReflectionSessionRules.onlyCases([.casePresentation, .theme]))
        #expect(!ReflectionSessionRules.onlyCases([]))
    }

    @Test("Themes: catalogue keys checked, free tags normalised and de-duplicated, at most five")
    func themes() throws {
        let edit = try ReflectionSessionRules.itemEdit(.init(themes: ["klarsprak", "klarsprak"], freeTags: ReflectionSessionRules.splitTags(" Tre  Kopper te, tre kopper TE ,, Bodø ")),
                                                       notesGiven: false, titleRequired: false)
        #expect(edit.themes == [.plainLanguage] && edit.freeTags == ["tre kopper te", "bodø"] && edit.title == nil && edit.notes == nil)
        #expect(throws: ProblemError.self) { try ReflectionSessionRules.itemEdit(.init(themes: ["ukjent"]), notesGiven: false, titleRequired: false) }
        #expect(throws: ProblemError.self) {
            try ReflectionSessionRules.itemEdit(.init(freeTags: ["a", "b", "c", "d", "e", "f"]), notesGiven: false, titleRequired: false)
        }
    }

    @Test("National ID numbers, phone numbers and e-mail addresses are refused in the texts the group reads; other numbers pass")
    func identifiers() throws {
        #expect(ReflectionSessionRules.identifierIssue("Født 01019012345", field: "notes")?.key == "rsession.error.identifier_fodselsnummer")
        // Written with a hyphen too (the case presentation's widened pattern).
        #expect(ReflectionSessionRules.identifierIssue("fnr. 010190-12345", field: "notes")?.key == "rsession.error.identifier_fodselsnummer")
        #expect(ReflectionSessionRules.identifierIssue("ring 912 34 567", field: "notes")?.key == "rsession.error.identifier_telefon")
        #expect(ReflectionSessionRules.identifierIssue("skriv til kari@example.no", field: "notes")?.key == "rsession.error.identifier_epost")
        #expect(ReflectionSessionRules.identifierIssue("12 av 14 kom i uke 48 av 2026, 01.12.2026", field: "notes") == nil)
        #expect(throws: ProblemError.self) { try ReflectionSessionRules.summary("Mob. 99887766") }
        #expect(throws: ProblemError.self) { try ReflectionSessionRules.firstPoints("Runde\nkari@example.no") }
        #expect(throws: ProblemError.self) { try ReflectionSessionRules.item(.init(kind: "tema", title: "01019012345")) }
        #expect(throws: ProblemError.self) {
            try ReflectionSessionRules.action(.init(title: "Ring 91234567", ownerID: UUID().uuidString, dueOn: DisplayDate.dayInput(now)), now: now)
        }
        #expect(throws: ProblemError.self) {
            try ReflectionSessionRules.itemEdit(.init(freeTags: ["ok", "a@b.no"]), notesGiven: false, titleRequired: false)
        }
        let issue = try #require(ReflectionSessionRules.identifierIssue("a@b.no", field: "agenda[0].title"))
        #expect(issue.field == "agenda[0].title")
    }

    @Test("A case point needs a presentation; other points need a title; attendance names each person once")
    func itemsAndAttendance() throws {
        #expect(try ReflectionSessionRules.item(.init(kind: "tema", title: " Roller ")).title == "Roller")
        #expect(throws: ProblemError.self) { try ReflectionSessionRules.item(.init(kind: "case", title: "X")) }
        #expect(throws: ProblemError.self) { try ReflectionSessionRules.item(.init(kind: "tema", title: "")) }
        let id = UUID()
        #expect(try ReflectionSessionRules.attendance(attended: [id.uuidString], absent: []) == [id: true])
        #expect(throws: ProblemError.self) { try ReflectionSessionRules.attendance(attended: [id.uuidString], absent: [id.uuidString]) }
        #expect(throws: ProblemError.self) { try ReflectionSessionRules.mayRecordAttendance(startsAt: now.addingTimeInterval(60), cancelledAt: nil, now: now) }
        #expect(throws: ProblemError.self) { try ReflectionSessionRules.mayCancel(heldAt: now, cancelledAt: nil) }
    }
}
