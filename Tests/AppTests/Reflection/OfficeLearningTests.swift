@testable import App
import Fluent
import SQLKit
import Foundation
import Testing
import Vapor
import VaporTesting

/// Helpers for the office's reflection note, the premises, pathway resources and the learning overview.
private enum OL {
    static func nb(_ t: TestApp, _ key: String, _ args: String...) -> String {
        t.app.samskap.strings.text(key, locale: "nb", args: args)
    }

    static func html(_ text: String) -> String { PageChecks.html(text) }

    static func days(_ t: TestApp, _ n: Double) -> Date { t.clock.now().addingTimeInterval(n * 86_400) }

    static func location(_ response: TestingHTTPResponse) -> String { response.headers.first(name: .location) ?? "" }

    static func auditIDs(_ t: TestApp, _ action: AuditAction) async throws -> Set<Int?> {
        Set(try await t.auditEntries(action).map(\.id))
    }

    static func newEntries(_ t: TestApp, _ action: AuditAction, since before: Set<Int?>) async throws -> [AuditEntry] {
        try await t.auditEntries(action).filter { !before.contains($0.id) }
    }

    static func error(_ html: String, _ id: String) -> String? { PageChecks.error(html, id) }

    static func expectRendered(_ response: TestingHTTPResponse, _ path: String, status: HTTPStatus = .ok, sourceLocation: SourceLocation = #_sourceLocation) {
        PageChecks.expectRendered(response, path, status: status, keyPrefixes: ["olearn", "reflection"], sourceLocation: sourceLocation)
    }

    /// The note id a page redirect points at.
    static func noteID(_ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> UUID {
        let path = location(response).split(separator: "?")[0]
        #expect(path.hasPrefix("/refleksjon/notat/"), "redirected to \(location(response))", sourceLocation: sourceLocation)
        return try #require(UUID(uuidString: String(path.dropFirst("/refleksjon/notat/".count))), sourceLocation: sourceLocation)
    }

    /// The text of a textarea by id, as the page shows it.
    static func textarea(_ html: String, _ id: String) -> String? {
        guard let start = html.range(of: "<textarea id=\"\(id)\""), let open = html[start.upperBound...].range(of: ">"),
              let close = html[open.upperBound...].range(of: "</textarea>") else { return nil }
        return String(html[open.upperBound..<close.lowerBound])
    }

    /// The part of a page from `marker` to the end of its list item.
    static func item(_ html: String, after marker: String) -> String? {
        guard let start = html.range(of: marker), let end = html[start.upperBound...].range(of: "</li>") else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }


    // MARK: - Fix round helpers

    @discardableResult
    static func tag(_ t: TestApp, _ officeID: UUID, _ theme: String, free: Bool, session: ReflectionSession? = nil, note: LearningNote? = nil,
                    daysAgo: Double = 5) async throws -> ReflectionThemeTag {
        let tag = ReflectionThemeTag()
        tag.$office.id = officeID
        tag.$session.id = try session?.requireID()
        tag.$learningNote.id = try note?.requireID()
        tag.theme = theme
        tag.isFree = free
        tag.taggedOn = days(t, -daysAgo)
        try await tag.create(on: t.db)
        return tag
    }

    static func learningNote(_ t: TestApp, _ officeID: UUID, by author: User, sharedWith group: ReflectionGroup?, deleted: Bool = false) async throws -> LearningNote {
        let n = LearningNote()
        n.$office.id = officeID
        n.$author.id = try author.requireID()
        n.done = "Gjort"; n.learned = "Lært"; n.worthKeeping = "Lurt"
        n.$group.id = try group?.requireID()
        n.sharedAt = group == nil ? nil : days(t, -5)
        n.createdAt = days(t, -6); n.updatedAt = days(t, -6)
        n.deletedAt = deleted ? days(t, -1) : nil
        try await n.create(on: t.db)
        return n
    }

    // MARK: - A known office

    struct Known {
        var office: Office
        var leader: User
        var counselors: [User]
        var inactive: User
        var market: User
        var pathways: [Pathway]
        var closed: Pathway
        var candidateNames: [String]
    }

    static func user(_ t: TestApp, _ office: Office, _ username: String, _ name: String, _ role: Role, active: Bool = true) async throws -> User {
        let hash = try await t.user("veileder1").passwordHash
        let user = User(username: username, displayName: name, officeID: try office.requireID(), passwordHash: hash, mustChangePassword: false)
        user.isActive = active
        try await user.create(on: t.db)
        try await UserRole(userID: user.requireID(), role: role).create(on: t.db)
        return user
    }

    static func candidate(_ t: TestApp, _ office: Office, _ counselor: User, hybrid: Bool, name: String) async throws -> Candidate {
        let c = Candidate()
        c.$office.id = try office.requireID()
        c.$counselor.id = try counselor.requireID()
        c.fnr = "7" + String(format: "%010d", Int.random(in: 0..<9_999_999_999))
        let parts = name.split(separator: " ")
        c.firstName = String(parts[0]); c.lastName = String(parts[1])
        c.searchKey = name.lowercased()
        c.innsatsgruppe = .spesieltTilpasset
        c.mainBenefit = .aap
        c.isHybrid = hybrid
        c.hybridSince = hybrid ? t.clock.now() : nil
        c.counselorChanges = 0
        c.isDemo = false
        c.createdAt = t.clock.now()
        try await c.create(on: t.db)
        return c
    }

    static func pathway(_ t: TestApp, _ candidate: Candidate, _ by: User, closed: Bool = false) async throws -> Pathway {
        let model = try #require(try await MethodModelRecord.query(on: t.db).first())
        let p = Pathway()
        p.$candidate.id = try candidate.requireID()
        p.$office.id = candidate.$office.id
        p.$counselor.id = candidate.$counselor.id
        p.$methodModel.id = try model.requireID()
        p.currentStep = "start"
        p.status = closed ? .closed : .active
        p.referralDate = days(t, -60)
        p.referrer = "Test"
        p.createdAt = days(t, -60)
        p.$createdBy.id = try by.requireID()
        p.closedAt = closed ? days(t, -1) : nil
        try await p.create(on: t.db)
        return p
    }

    static func mentorLink(_ t: TestApp, _ pathway: Pathway, _ mentor: Mentor, by: User, ended: Date? = nil) async throws {
        let link = PathwayMentor()
        link.$pathway.id = try pathway.requireID()
        link.$mentor.id = try mentor.requireID()
        link.fromDate = days(t, -50)
        link.toDate = ended
        link.createdAt = days(t, -50)
        link.$createdBy.id = try by.requireID()
        try await link.create(on: t.db)
    }

    static func contact(_ t: TestApp, _ pathway: Pathway, with party: ContactParty, channel: ContactChannel = .phone, daysAgo: Double, by: User) async throws {
        let c = Contact()
        c.$pathway.id = try pathway.requireID()
        c.$candidate.id = pathway.$candidate.id
        c.$office.id = pathway.$office.id
        c.occurredAt = days(t, -daysAgo)
        c.channel = channel
        c.withWhom = party
        c.forCandidate = false
        c.recordedAt = days(t, -daysAgo)
        c.$recordedBy.id = try by.requireID()
        try await c.create(on: t.db)
    }

    static func event(_ t: TestApp, _ pathway: Pathway, _ type: PathwayEventType, daysAgo: Double, by: User, withdrawn: Bool = false) async throws {
        let e = PathwayEvent()
        e.$pathway.id = try pathway.requireID()
        e.type = type
        e.occurredAt = days(t, -daysAgo)
        e.recordedAt = days(t, -daysAgo)
        e.$recordedBy.id = try by.requireID()
        if withdrawn {
            e.withdrawnAt = days(t, -1)
            e.$withdrawnBy.id = try by.requireID()
            e.withdrawnReason = "Feil"
        }
        try await e.create(on: t.db)
    }

    static func resource(_ t: TestApp, _ pathway: Pathway, _ kind: PathwayResourceKind, started: Double, ended: Double? = nil, by: User) async throws {
        let r = PathwayResource()
        r.$pathway.id = try pathway.requireID()
        r.$office.id = pathway.$office.id
        r.kind = kind
        r.startedOn = days(t, started)
        r.endedOn = ended.map { days(t, $0) }
        r.recordedAt = days(t, -1)
        r.$recordedBy.id = try by.requireID()
        try await r.create(on: t.db)
    }

    static func group(_ t: TestApp, _ officeID: UUID, by: User) async throws -> ReflectionGroup {
        let g = ReflectionGroup()
        g.$office.id = officeID
        g.name = "Alle hybridveiledere"
        g.kind = .allHybrid
        g.createdAt = days(t, -200)
        g.$createdBy.id = try by.requireID()
        try await g.create(on: t.db)
        return g
    }

    static func session(_ t: TestApp, _ group: ReflectionGroup, daysAgo: Double, held: Bool, cancelled: Bool = false, by: User,
                        came: [User] = [], absent: [User] = []) async throws -> ReflectionSession {
        let s = ReflectionSession()
        s.$office.id = group.$office.id
        s.$group.id = try group.requireID()
        s.startsAt = days(t, -daysAgo)
        s.heldAt = held ? days(t, -daysAgo + 0.1) : nil
        s.cancelledAt = cancelled ? days(t, -daysAgo - 1) : nil
        s.createdAt = days(t, -daysAgo - 10)
        s.$createdBy.id = try by.requireID()
        try await s.create(on: t.db)
        for (users, attended) in [(came, true), (absent, false)] {
            for user in users {
                let a = ReflectionAttendance()
                a.$session.id = try s.requireID()
                a.$user.id = try user.requireID()
                a.attended = attended
                a.recordedAt = days(t, -daysAgo)
                a.$recordedBy.id = try by.requireID()
                try await a.create(on: t.db)
            }
        }
        return s
    }

    /// Office 9907 (same county as 9901 and 9902) with a situation whose evidence is known:
    /// premise 1: 1 of 3 counselors; premise 2: 2 of 6 active pathways; premise 3: 1 session,
    /// 3 attendances, 2 of 3 counselors; premise 4: 2 pathways with a resource, 2 internal, 1 external.
    static func knownOffice(_ t: TestApp) async throws -> Known {
        let office = Office(enhetNumber: "9907", name: "NAV Prøvekontor")
        try await office.create(on: t.db)
        let leader = try await user(t, office, "pleder", "Pia Prøveleder", .leder)
        let v1 = try await user(t, office, "pveileder1", "Per Prøve", .veileder)
        let v2 = try await user(t, office, "pveileder2", "Pål Prøve", .veileder)
        let v3 = try await user(t, office, "pveileder3", "Espen Prøve", .veileder)
        let inactive = try await user(t, office, "pveileder4", "Ida Inaktiv", .veileder, active: false)
        let market = try await user(t, office, "pmarked", "Mari Marked", .markedskontakt)

        let c1 = try await candidate(t, office, v1, hybrid: true, name: "Kari Hybridsen")
        let c2 = try await candidate(t, office, v1, hybrid: false, name: "Ola Vanligsen")
        let c3 = try await candidate(t, office, v2, hybrid: false, name: "Siri Nordmo")
        let c4 = try await candidate(t, office, inactive, hybrid: true, name: "Tor Slutta")

        let employer = try #require(try await Employer.query(on: t.db).first())
        let mentor = Mentor()
        mentor.$office.id = try office.requireID()
        mentor.$employer.id = try employer.requireID()
        mentor.name = "Mona Mentor"
        mentor.position = .colleague
        mentor.isDemo = false
        mentor.createdAt = days(t, -100)
        try await mentor.create(on: t.db)

        let p1 = try await pathway(t, c1, v1)
        let p2 = try await pathway(t, c2, v1)
        let p3 = try await pathway(t, c3, v2)
        let p4 = try await pathway(t, c1, v1)
        let p5 = try await pathway(t, c4, inactive)
        let p6 = try await pathway(t, c2, v1)
        let p7 = try await pathway(t, c3, v2, closed: true)

        // Premise 2: P1 and P5 count.
        try await mentorLink(t, p1, mentor, by: v1)
        try await contact(t, p1, with: .mentor, daysAgo: 5, by: v1)
        try await mentorLink(t, p2, mentor, by: v1)
        try await contact(t, p2, with: .employer, daysAgo: 31, by: v1)           // too old
        try await contact(t, p3, with: .mentor, daysAgo: 2, by: v2)              // no mentor link
        try await mentorLink(t, p4, mentor, by: v1, ended: days(t, -10))         // link ended
        try await contact(t, p4, with: .candidate, channel: .workplace, daysAgo: 3, by: v1)
        try await mentorLink(t, p5, mentor, by: v1)
        try await event(t, p5, .mentorContact, daysAgo: 7, by: v1)
        try await mentorLink(t, p6, mentor, by: v1)
        try await event(t, p6, .employerFollowup, daysAgo: 7, by: v1, withdrawn: true)
        try await mentorLink(t, p7, mentor, by: v2)                              // closed pathway
        try await contact(t, p7, with: .mentor, daysAgo: 2, by: v2)

        // Premise 3.
        let group = try await group(t, office.requireID(), by: leader)
        _ = try await session(t, group, daysAgo: 10, held: true, by: leader, came: [v1, v2, market], absent: [v3])
        _ = try await session(t, group, daysAgo: 100, held: true, by: leader, came: [v3])
        _ = try await session(t, group, daysAgo: 20, held: true, cancelled: true, by: leader, came: [v3])
        _ = try await session(t, group, daysAgo: 5, held: false, by: leader, came: [v3])

        // Premise 4.
        try await resource(t, p1, .marketContact, started: -20, by: v1)
        try await resource(t, p1, .health, started: -20, by: v1)
        try await resource(t, p2, .school, started: -40, ended: -1, by: v1)
        try await resource(t, p3, .jobSpecialist, started: -5, ended: 10, by: v2)
        try await resource(t, p4, .health, started: 1, by: v1)
        try await resource(t, p7, .marketContact, started: -20, by: v2)

        return Known(office: office, leader: leader, counselors: [v1, v2, v3], inactive: inactive, market: market,
                     pathways: [p1, p2, p3, p4, p5, p6], closed: p7,
                     candidateNames: ["Kari Hybridsen", "Ola Vanligsen", "Siri Nordmo", "Tor Slutta"])
    }
}

@Suite("Office learning: the reflection note, the premises with evidence, pathway resources and the learning overview")
struct OfficeLearningTests {
    // MARK: - Rules

    @Test("Periods, paragraphs, changes, masking and county are plain functions")
    func rules() throws {
        #expect(try OfficeLearningRules.notePeriod(" 2026 ") == "2026")
        #expect(try OfficeLearningRules.notePeriod("2026-h2") == "2026-H2")
        for bad in ["26", "2026-H3", "2026-Q1", "år", "2026-"] {
            #expect(throws: ProblemError.self) { try OfficeLearningRules.notePeriod(bad) }
        }
        #expect(try OfficeLearningRules.quarterPeriod("2026-q4") == "2026-Q4")
        #expect(throws: ProblemError.self) { try OfficeLearningRules.quarterPeriod("2026-Q5") }
        #expect(OfficeLearningRules.paragraphs("A\r\n\r\nB\n\n\n\nC") == ["A", "B", "C"])
        let changes = OfficeLearningRules.changes(from: "A\n\nB", to: "A\n\nB2\n\nC")
        #expect(changes.added == ["B2", "C"] && changes.removed == ["B"])
        #expect(OfficeLearningRules.masked(0, exact: false) == "<3" && OfficeLearningRules.masked(2, exact: false) == "<3")
        #expect(OfficeLearningRules.masked(3, exact: false) == "3" && OfficeLearningRules.masked(1, exact: true) == "1")
        #expect(OfficeLearningRules.county(of: "0315") == "03")
        #expect(OfficeLearningRules.average([4, 5]) == 4.5 && OfficeLearningRules.formatted(4.5) == "4,5" && OfficeLearningRules.formatted(nil) == "–")
        #expect(throws: ProblemError.self) { try OfficeLearningRules.answers([(1, "6", nil)]) { "\($0).\($1)" } }
        #expect(throws: ProblemError.self) { try OfficeLearningRules.answers([(1, "3", nil), (1, "4", nil)]) { "\($0).\($1)" } }
        #expect(throws: ProblemError.self) { try OfficeLearningRules.answers([(2, "3", String(repeating: "x", count: 1001))]) { "\($0).\($1)" } }
    }

    // MARK: - The reflection note

    @Test("Versions: v1 → v2, v1 unchanged and readable, a stale base refused with the text kept, sign-offs bound to a version")
    func noteVersions() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            OL.expectRendered(try await browser.get("/refleksjon/notat"), "/refleksjon/notat")
            let beforeCreated = try await OL.auditIDs(t, .reflectionNoteCreated)
            let created = try await browser.post("/refleksjon/notat", [("period", "2027-h1"), ("title", "Slik jobber vi <med> hybrid")])
            #expect(created.status == .seeOther, "create answered \(created.status.code): \(created.text.prefix(300))")
            let noteID = try OL.noteID(created)
            let note = try #require(try await ReflectionNote.find(noteID, on: t.db))
            #expect(note.period == "2027-H1" && note.currentVersion == 0)
            #expect(note.$office.id == (try await t.office("9901").requireID()))
            #expect(try await OL.newEntries(t, .reflectionNoteCreated, since: beforeCreated).count == 1)

            // The same period again: a clear error, the title kept.
            try await browser.get("/refleksjon/notat")
            let twice = try await browser.post("/refleksjon/notat", [("period", "2027-H1"), ("title", "Et annet notat")])
            OL.expectRendered(twice, "POST /refleksjon/notat twice", status: .unprocessableEntity)
            #expect(OL.error(twice.text, "nytt-period") == OL.html(OL.nb(t, "olearn.error.period_taken", "2027-H1")))
            #expect(twice.text.contains("value=\"Et annet notat\""))
            let bad = try await browser.post("/refleksjon/notat", [("period", "2026-H3"), ("title", "")])
            #expect(OL.error(bad.text, "nytt-period") == OL.html(OL.nb(t, "olearn.error.note_period")))
            #expect(OL.error(bad.text, "nytt-title") == OL.html(OL.nb(t, "olearn.error.title_required")))
            #expect(try await ReflectionNote.query(on: t.db).filter(\.$period == "2027-H1").count() == 1)

            // Version 1 from the page; sign it.
            let path = "/refleksjon/notat/\(noteID.uuidString)"
            OL.expectRendered(try await browser.get(path), path)
            let v1Text = "Vi følger tett opp.\n\nVi møtes hver fjerde uke – æøå & \"sitat\"."
            let saved = try await browser.post("\(path)/versjoner", [("baseVersion", "0"), ("body", v1Text), ("changeSummary", "Første utkast")])
            #expect(saved.status == .seeOther, "save answered \(saved.status.code): \(saved.text.prefix(300))")
            try await browser.get(path)
            let signed = try await browser.post("\(path)/godkjenn", [("version", "1")])
            #expect(signed.status == .seeOther, "sign answered \(signed.status.code): \(signed.text.prefix(300))")

            // Version 2 through the API by someone else, who becomes a participant.
            let api = try await APIClient.make(t, "veileder2")
            let v2Text = "Vi følger tett opp.\n\nVi møtes annenhver uke."
            let v2 = try await api.post("/api/v1/reflection-notes/\(noteID)/versions", ["body": v2Text, "changeSummary": "Oftere møter", "baseVersion": 1])
            #expect(v2.status == .created, "API save answered \(v2.status.code): \(v2.text.prefix(300))")
            let dto = try v2.content.decode(ReflectionNoteDTO.self)
            #expect(dto.currentVersion == 2 && dto.body == v2Text)
            #expect(dto.participants.count == 2 && dto.participants.allSatisfy { !$0.signedCurrent })
            #expect(dto.versions.map(\.version) == [1, 2] && dto.versions[0].signedBy.count == 1 && dto.versions[1].signedBy.isEmpty)

            // veileder1 still has version 1 in the form: refused, the text kept, the change shown.
            let mine = "Vi følger tett opp.\n\nMitt nye avsnitt <b>som ikke skal gå tapt</b>."
            let stale = try await browser.post("\(path)/versjoner", [("baseVersion", "1"), ("body", mine), ("changeSummary", "Mitt forslag")])
            OL.expectRendered(stale, "stale save", status: .conflict)
            #expect(OL.textarea(stale.text, "skriv-body")?.contains(OL.html("Mitt nye avsnitt <b>som ikke skal gå tapt</b>.")) == true, "typed text kept")
            #expect(stale.text.contains("value=\"Mitt forslag\""))
            #expect(stale.text.contains("name=\"baseVersion\" value=\"2\""), "the form now builds on version 2")
            #expect(stale.text.contains(OL.html(OL.nb(t, "olearn.conflict.heading", "1", "2"))))
            #expect(stale.text.contains("Vi møtes annenhver uke."), "what the other added is shown")
            #expect(try await ReflectionNoteVersion.query(on: t.db).filter(\.$note.$id == noteID).count() == 2, "nothing saved")

            // API: a stale base is a 409 problem.
            let staleAPI = try await api.post("/api/v1/reflection-notes/\(noteID)/versions", ["body": "X", "baseVersion": 1])
            #expect(staleAPI.status == .conflict)
            #expect(staleAPI.headers.contentType?.description.hasPrefix("application/problem+json") == true)

            // v1 is unchanged and readable, with its sign-off; the note page shows the new version unsigned.
            let v1Row = try #require(try await ReflectionNoteVersion.query(on: t.db).filter(\.$note.$id == noteID).filter(\.$version == 1).first())
            #expect(v1Row.body == v1Text && v1Row.changeSummary == "Første utkast")
            let v1Page = try await browser.get("\(path)/versjoner/1")
            OL.expectRendered(v1Page, "version 1")
            #expect(v1Page.text.contains(OL.html("Vi møtes hver fjerde uke – æøå & \"sitat\".")))
            #expect(v1Page.text.contains("Vera Veileder"))
            let v1API = try await api.get("/api/v1/reflection-notes/\(noteID)/versions/1")
            let v1DTO = try v1API.content.decode(ReflectionNoteVersionDTO.self)
            #expect(v1DTO.body == v1Text && !v1DTO.isCurrent && v1DTO.signoffs.map(\.displayName) == ["Vera Veileder"])
            #expect(try await api.get("/api/v1/reflection-notes/\(noteID)/versions/9").status == .notFound)

            let page = try await browser.get(path)
            OL.expectRendered(page, path)
            #expect(page.text.contains("Vi møtes annenhver uke."))
            #expect(page.text.contains(OL.html(OL.nb(t, "olearn.participants.signed_summary", "0", "2", "2"))))
            #expect(page.text.contains(OL.html(OL.nb(t, "olearn.history.signed_by", "Vera Veileder"))), "v1's sign-off stays in the history")
            let signoffs = try await ReflectionNoteSignoff.query(on: t.db).filter(\.$note.$id == noteID).all()
            #expect(signoffs.map(\.version) == [1])

            // veileder2 signs v2; signing again is refused.
            let sign2 = try await api.post("/api/v1/reflection-notes/\(noteID)/signoffs", ["version": 2])
            #expect(sign2.status == .ok, "sign answered \(sign2.status.code): \(sign2.text.prefix(300))")
            #expect(try sign2.content.decode(ReflectionNoteDTO.self).signoffs.map(\.version).sorted() == [1, 2])
            #expect(try await api.post("/api/v1/reflection-notes/\(noteID)/signoffs", ["version": 2]).status == .conflict)

            // A non-participant cannot sign until added; then can.
            let marked = try await APIClient.make(t, "marked1")
            #expect(try await marked.post("/api/v1/reflection-notes/\(noteID)/signoffs", ["version": 2]).status == .conflict)
            try await browser.get(path)
            let markedUser = try await t.user("marked1")
            let added = try await browser.post("\(path)/deltakere", [("userId", markedUser.requireID().uuidString)])
            #expect(added.status == .seeOther)
            #expect(try await marked.post("/api/v1/reflection-notes/\(noteID)/signoffs", ["version": 2]).status == .ok)

            // Audit: ids and versions, never the text.
            let entries = try await AuditEntry.query(on: t.db).filter(\.$objectID == noteID.uuidString).all()
            let actions = entries.map(\.action)
            #expect(actions.filter { $0 == AuditAction.reflectionNoteVersionSaved.rawValue }.count == 2)
            #expect(actions.filter { $0 == AuditAction.reflectionNoteSigned.rawValue }.count == 3)
            #expect(actions.contains(AuditAction.reflectionNoteParticipantAdded.rawValue))
            #expect(actions.contains(AuditAction.reflectionNoteRead.rawValue))
            #expect(entries.allSatisfy { ($0.detail ?? "").range(of: "følger") == nil && ($0.detail ?? "").range(of: "Slik jobber") == nil })

            let list = try await api.get("/api/v1/reflection-notes")
            #expect(try list.content.decode([ReflectionNoteSummaryDTO].self).map(\.id).contains(noteID))
        }
    }

    @Test("Hostile input: script tags and quotes are shown as text, 10 000 characters are kept whole, too long is refused with the text kept")
    func hostileInput() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder2")
            try await browser.get("/refleksjon/notat")
            let title = "<script>alert(\"x\")</script> «Ærlig» & 'åpent'"
            let created = try await browser.post("/refleksjon/notat", [("period", "2031"), ("title", title)])
            #expect(created.status == .seeOther)
            let noteID = try OL.noteID(created)
            let list = try await browser.get("/refleksjon/notat")
            OL.expectRendered(list, "/refleksjon/notat")
            #expect(list.text.contains(OL.html(title)) && !list.text.contains("<script>alert"))

            let path = "/refleksjon/notat/\(noteID.uuidString)"
            try await browser.get(path)
            let long = String(repeating: "Æøå <i>tekst</i> \"sitat\" ", count: 400)
            #expect(long.count == 10_000)
            let saved = try await browser.post("\(path)/versjoner", [("baseVersion", "0"), ("body", long), ("changeSummary", "<script>")])
            #expect(saved.status == .seeOther, "save answered \(saved.status.code)")
            let stored = try #require(try await ReflectionNoteVersion.query(on: t.db).filter(\.$note.$id == noteID).first())
            #expect(stored.body == long.trimmingCharacters(in: .whitespaces) && stored.changeSummary == "<script>")
            let page = try await browser.get(path)
            OL.expectRendered(page, path)
            #expect(!page.text.contains("<i>tekst</i>") && !page.text.contains("<script>"))

            let tooLong = String(repeating: "x", count: OfficeLearningRules.maxBody + 1)
            let refused = try await browser.post("\(path)/versjoner", [("baseVersion", "1"), ("body", tooLong), ("changeSummary", "")])
            OL.expectRendered(refused, "too long", status: .unprocessableEntity)
            #expect(OL.error(refused.text, "skriv-body") == OL.html(OL.nb(t, "olearn.error.too_long", String(OfficeLearningRules.maxBody))))
            #expect(OL.textarea(refused.text, "skriv-body") == tooLong, "the text is kept")
            #expect(refused.text.contains("name=\"baseVersion\" value=\"1\""), "the base stays the one typed from")
            #expect(try await ReflectionNoteVersion.query(on: t.db).filter(\.$note.$id == noteID).count() == 1)
        }
    }

    @Test("Another office's note is a 404 with a denied audit entry, on pages and API")
    func otherOffice() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let created = try await api.post("/api/v1/reflection-notes", ["period": "2026", "title": "Vårt notat", "body": "Hemmelig praksis"])
            #expect(created.status == .created, "create answered \(created.status.code): \(created.text.prefix(300))")
            let dto = try created.content.decode(ReflectionNoteDTO.self)
            #expect(dto.currentVersion == 1)
            #expect(try await api.post("/api/v1/reflection-notes", ["period": "2026", "title": "Igjen"]).status == .unprocessableEntity)

            let browser = t.browser()
            try await browser.login("leder2")
            let before = try await OL.auditIDs(t, .accessDenied)
            let page = try await browser.get("/refleksjon/notat/\(dto.id)")
            #expect(page.status == .notFound && !page.text.contains("Hemmelig praksis"))
            #expect(try await browser.get("/refleksjon/notat/\(dto.id)/versjoner/1").status == .notFound)
            let denied = try await OL.newEntries(t, .accessDenied, since: before)
            #expect(denied.count == 2 && denied.allSatisfy { $0.objectType == AuditObjectType.reflectionNote && $0.outcome == "denied" })
            let list = try await browser.get("/refleksjon/notat")
            #expect(!list.text.contains(dto.id.uuidString))

            let other = try await APIClient.make(t, "veileder3")
            #expect(try await other.get("/api/v1/reflection-notes/\(dto.id)").status == .notFound)
            #expect(try await other.post("/api/v1/reflection-notes/\(dto.id)/versions", ["body": "X", "baseVersion": 1]).status == .notFound)
            #expect(try await other.post("/api/v1/reflection-notes/\(dto.id)/signoffs", [:]).status == .notFound)
            #expect(try await other.get("/api/v1/offices/9901/premises").status == .notFound)
            #expect(try await ReflectionNoteVersion.query(on: t.db).filter(\.$note.$id == dto.id).count() == 1)
        }
    }

    // MARK: - Premises

    @Test("Premise evidence matches a known situation, on the page and in the API, and agrees with plain Fluent counts")
    func premiseEvidence() async throws {
        try await withTestApp { t in
            let known = try await OL.knownOffice(t)
            let officeID = try known.office.requireID()
            let browser = t.browser()
            try await browser.login("pveileder1")
            let page = try await browser.get("/kontor/premisser")
            OL.expectRendered(page, "/kontor/premisser")
            for line in [
                OL.nb(t, "olearn.evidence.p1", "1", "3", "33"),
                OL.nb(t, "olearn.evidence.p2", "2", "6"),
                OL.nb(t, "olearn.evidence.p3_sessions", "1", "3"),
                OL.nb(t, "olearn.evidence.p3_counselors", "2", "3"),
                OL.nb(t, "olearn.evidence.p4", "2", "6"),
                OL.nb(t, "olearn.evidence.p4_split", "2", "1"),
            ] {
                #expect(page.text.contains(OL.html(line)), "the page shows: \(line)")
            }
            #expect(page.text.contains(OL.html(OL.nb(t, "olearn.premise.2.rule"))), "the rule is stated on the page")

            let api = try await APIClient.make(t, "pveileder2")
            let response = try await api.get("/api/v1/offices/9907/premises")
            #expect(response.status == .ok, "premises answered \(response.status.code): \(response.text.prefix(300))")
            let e = try response.content.decode(PremisesDTO.self).evidence
            #expect((e.counselors, e.counselorsWithHybrid) == (3, 1))
            #expect((e.activePathways, e.pathwaysWithMentorAndContact) == (6, 2))
            #expect((e.sessionsHeld, e.attendances, e.counselorsAttending) == (1, 3, 2))
            #expect((e.pathwaysWithResource, e.pathwaysWithInternal, e.pathwaysWithExternal) == (2, 2, 1))

            // The same numbers by plain Fluent queries and Swift.
            let now = t.clock.now()
            let users = try await User.query(on: t.db).filter(\.$office.$id == officeID).filter(\.$isActive == true).with(\.$roleRows).all()
            let counselors = users.filter { $0.roles.contains(.veileder) }.map { $0.id! }
            let hybrid = try await Candidate.query(on: t.db).filter(\.$office.$id == officeID).filter(\.$isHybrid == true).all()
            #expect(counselors.count == e.counselors)
            #expect(Set(hybrid.map(\.$counselor.id)).intersection(counselors).count == e.counselorsWithHybrid)
            let active = try await Pathway.query(on: t.db).filter(\.$office.$id == officeID).filter(\.$status == .active).filter(\.$closedAt == nil).all()
            #expect(active.count == e.activePathways)
            var withMentorAndContact = 0, withResource = 0, withInternal = 0, withExternal = 0
            for p in active {
                let links = try await PathwayMentor.query(on: t.db).filter(\.$pathway.$id == p.id!).all().filter { $0.toDate == nil || $0.toDate! > now }
                let contacts = try await Contact.query(on: t.db).filter(\.$pathway.$id == p.id!).all().filter {
                    $0.occurredAt >= now.addingTimeInterval(-30 * 86_400) && $0.occurredAt <= now
                        && ([.mentor, .employer].contains($0.withWhom) || $0.channel == .workplace)
                }
                let events = try await PathwayEvent.query(on: t.db).filter(\.$pathway.$id == p.id!).filter(\.$withdrawnAt == nil).all().filter {
                    [.mentorContact, .employerFollowup].contains($0.type) && $0.occurredAt >= now.addingTimeInterval(-30 * 86_400) && $0.occurredAt <= now
                }
                if !links.isEmpty && (!contacts.isEmpty || !events.isEmpty) { withMentorAndContact += 1 }
                let resources = try await PathwayResource.query(on: t.db).filter(\.$pathway.$id == p.id!).all().filter { PathwayResourceService.isActive($0, now: now) }
                if !resources.isEmpty { withResource += 1 }
                if resources.contains(where: \.kind.isInternal) { withInternal += 1 }
                if resources.contains(where: { !$0.kind.isInternal }) { withExternal += 1 }
            }
            #expect((withMentorAndContact, withResource, withInternal, withExternal)
                    == (e.pathwaysWithMentorAndContact, e.pathwaysWithResource, e.pathwaysWithInternal, e.pathwaysWithExternal))
            let sessions = try await ReflectionSession.query(on: t.db).filter(\.$office.$id == officeID).filter(\.$heldAt != nil).filter(\.$cancelledAt == nil)
                .filter(\.$startsAt >= now.addingTimeInterval(-90 * 86_400)).filter(\.$startsAt <= now).all()
            let came = try await ReflectionAttendance.query(on: t.db).filter(\.$session.$id ~~ sessions.map { $0.id! }).filter(\.$attended == true).all()
            #expect(sessions.count == e.sessionsHeld && came.count == e.attendances)
            #expect(Set(came.map(\.$user.id)).intersection(counselors).count == e.counselorsAttending)

            // Another office's staff: 404.
            let other = try await APIClient.make(t, "veileder1")
            #expect(try await other.get("/api/v1/offices/9907/premises").status == .notFound)
        }
    }

    @Test("Self-check rounds: a leader opens one, staff answer and change answers, averages and comments shown, closed rounds listed")
    func selfCheck() async throws {
        try await withTestApp { t in
            let counselor = t.browser()
            try await counselor.login("veileder1")
            try await counselor.get("/kontor/premisser")
            // Only leaders open rounds.
            #expect(try await counselor.post("/kontor/premisser/runder", [("period", "2026-Q4")]).status == .forbidden)

            // Demo data may hold an open round: close it, so this test starts a fresh one.
            let officeID = try await t.office("9901").requireID()
            for open in try await PremiseCheck.query(on: t.db).filter(\.$office.$id == officeID).filter(\.$closedAt == nil).all() {
                open.closedAt = OL.days(t, -1)
                try await open.save(on: t.db)
            }
            let beforeOpened = try await OL.auditIDs(t, .premiseCheckOpened)
            let beforeAnswered = try await OL.auditIDs(t, .premiseCheckAnswered)
            let leader = t.browser()
            try await leader.login("leder1")
            try await leader.get("/kontor/premisser")
            let bad = try await leader.post("/kontor/premisser/runder", [("period", "2026-Q5")])
            #expect(bad.status == .unprocessableEntity)
            #expect(OL.error(bad.text, "runde-period") == OL.html(OL.nb(t, "olearn.error.quarter_period")))
            let opened = try await leader.post("/kontor/premisser/runder", [("period", "2026-q4")])
            #expect(opened.status == .seeOther, "open answered \(opened.status.code): \(opened.text.prefix(300))")
            let check = try #require(try await PremiseCheck.query(on: t.db).filter(\.$period == "2026-Q4").first())
            #expect(try await OL.newEntries(t, .premiseCheckOpened, since: beforeOpened).count == 1)

            try await counselor.get("/kontor/premisser")
            let answered = try await counselor.post("/kontor/premisser/svar", [("score-1", "5"), ("score-2", "2"), ("comment-2", "Lite tid til <arbeidsgivere>")])
            #expect(answered.status == .seeOther, "answer answered \(answered.status.code): \(answered.text.prefix(300))")
            try await counselor.get("/kontor/premisser")
            #expect(try await counselor.post("/kontor/premisser/svar", [("score-1", "3")]).status == .seeOther, "changing an answer is fine")
            let invalid = try await counselor.post("/kontor/premisser/svar", [("score-3", "9"), ("comment-4", "Bare en kommentar")])
            OL.expectRendered(invalid, "invalid answers", status: .unprocessableEntity)
            #expect(invalid.text.contains(OL.html(OL.nb(t, "olearn.error.score"))))
            #expect(invalid.text.contains("Bare en kommentar"), "the comment is kept")

            let api = try await APIClient.make(t, "veileder2")
            let viaAPI = try await api.post("/api/v1/offices/9901/premises/answers", ["answers": [["premise": 1, "score": 4], ["premise": 2, "score": 3]]])
            #expect(viaAPI.status == .ok, "API answer answered \(viaAPI.status.code): \(viaAPI.text.prefix(300))")
            let dto = try viaAPI.content.decode(PremisesDTO.self)
            let round = try #require(dto.openRound)
            #expect(round.respondents == 2)
            #expect(round.premises[0].answers == 2 && round.premises[0].average == 3.5 && round.premises[0].distribution == [0, 0, 1, 1, 0])
            #expect(round.premises[1].average == 2.5 && round.premises[1].comments == ["Lite tid til <arbeidsgivere>"])
            #expect(round.premises[2].answers == 0 && round.premises[2].average == nil)
            #expect(dto.myAnswers.map(\.premise) == [1, 2])
            let badAPI = try await api.post("/api/v1/offices/9901/premises/answers", ["answers": [["premise": 5, "score": 4]]])
            #expect(badAPI.status == .unprocessableEntity)
            #expect(try await PremiseAnswer.query(on: t.db).filter(\.$check.$id == check.requireID()).count() == 4)

            let page = try await leader.get("/kontor/premisser")
            OL.expectRendered(page, "/kontor/premisser as leader")
            #expect(page.text.contains(OL.html(OL.nb(t, "olearn.answers.summary", "2", "3,5"))))
            #expect(page.text.contains(OL.html("Lite tid til <arbeidsgivere>")))
            #expect(!page.text.contains("Vera Veileder"), "answers carry no names")

            let closed = try await leader.post("/kontor/premisser/runder/\(check.id!.uuidString)/avslutt")
            #expect(closed.status == .seeOther)
            #expect(try await PremiseCheck.find(check.id, on: t.db)?.closedAt != nil)
            #expect(try await api.post("/api/v1/offices/9901/premises/answers", ["answers": [["premise": 1, "score": 1]]]).status == .conflict)
            let after = try await leader.get("/kontor/premisser")
            #expect(after.text.contains("2026-Q4") && after.text.contains("3,5"), "the closed round is listed with its averages")
            #expect(try await OL.newEntries(t, .premiseCheckAnswered, since: beforeAnswered).count == 3)
            #expect(try await t.auditEntries(.premiseCheckClosed).filter { $0.objectID == check.id!.uuidString }.count == 1)
            #expect(try await t.auditEntries(.premiseCheckAnswered).allSatisfy { !($0.detail ?? "").contains("Lite tid") })

            // Another office's leader cannot close it.
            let otherLeader = t.browser()
            try await otherLeader.login("leder2")
            try await otherLeader.get("/kontor/premisser")
            #expect(try await otherLeader.post("/kontor/premisser/runder/\(check.id!.uuidString)/avslutt").status == .notFound)
        }
    }

    // MARK: - Pathway resources

    @Test("Resources on a pathway: added and ended through the page, audited, and a bad form keeps the note")
    func resources() async throws {
        try await withTestApp { t in
            let me = try await t.user("veileder1")
            let pathway = try #require(try await Pathway.query(on: t.db).filter(\.$counselor.$id == me.requireID()).filter(\.$status == .active).first())
            let browser = t.browser()
            try await browser.login("veileder1")
            let path = "/forlop/\(pathway.id!.uuidString)/ressurser"
            OL.expectRendered(try await browser.get(path), path)
            let bad = try await browser.post(path, [("kind", "tryllekunstner"), ("startedOn", "i går"), ("note", "Kontakt: Hanne på skolen")])
            OL.expectRendered(bad, "bad resource", status: .unprocessableEntity)
            #expect(OL.error(bad.text, "ny-kind") == OL.html(OL.nb(t, "olearn.error.resource_kind")))
            #expect(OL.error(bad.text, "ny-startedOn") == OL.html(OL.nb(t, "olearn.error.day_invalid")))
            #expect(bad.text.contains("value=\"Kontakt: Hanne på skolen\""))

            let added = try await browser.post(path, [("kind", "skole"), ("startedOn", DisplayDate.dayInput(OL.days(t, -3))), ("note", "Kontakt: Hanne")])
            #expect(added.status == .seeOther, "add answered \(added.status.code): \(added.text.prefix(300))")
            // The demo may have given this pathway resources of its own; this is the one just added.
            let resource = try #require(try await PathwayResource.query(on: t.db).filter(\.$pathway.$id == pathway.id!).filter(\.$note == "Kontakt: Hanne").first())
            #expect(resource.kind == .school && resource.endedOn == nil && resource.$office.id == pathway.$office.id)
            let page = try await browser.get(path)
            #expect(page.text.contains("Kontakt: Hanne"))

            let early = try await browser.post("\(path)/\(resource.id!.uuidString)/avslutt", [("endedOn", DisplayDate.dayInput(OL.days(t, -10)))])
            #expect(early.status == .unprocessableEntity)
            try await browser.get(path)
            let ended = try await browser.post("\(path)/\(resource.id!.uuidString)/avslutt", [("endedOn", DisplayDate.dayInput(t.clock.now()))])
            #expect(ended.status == .seeOther)
            #expect(try await PathwayResource.find(resource.id, on: t.db)?.endedOn != nil)
            let entries = try await AuditEntry.query(on: t.db).filter(\.$objectID == resource.id!.uuidString).all()
            #expect(Set(entries.map(\.action)) == [AuditAction.pathwayResourceAdded.rawValue, AuditAction.pathwayResourceEnded.rawValue])
            #expect(entries.allSatisfy { !($0.detail ?? "").contains("Hanne") })

            // Another office: 404.
            let other = t.browser()
            try await other.login("veileder3")
            #expect(try await other.get(path).status == .notFound)
        }
    }

    // MARK: - Learning overview

    @Test("The learning overview counts without names; the county view shows <3 for another office's small numbers and exact ones for the own")
    func learningOverview() async throws {
        try await withTestApp { t in
            let known = try await OL.knownOffice(t)
            let leader = try await t.user("leder1")
            let own = try await t.office("9901")
            // One more held session at the own office this month, with one attendance.
            let group = try await OL.group(t, own.requireID(), by: leader)
            let heldSession = try await OL.session(t, group, daysAgo: 1, held: true, by: leader, came: [try await t.user("veileder1")])
            let theme = ReflectionThemeTag()
            theme.$office.id = try own.requireID()
            theme.$session.id = try heldSession.requireID()
            theme.theme = ReflectionTheme.mentorRole.rawValue
            theme.isFree = false
            theme.taggedOn = OL.days(t, -1)
            try await theme.create(on: t.db)

            let browser = t.browser()
            try await browser.login("leder1")
            let before = try await OL.auditIDs(t, .learningOverviewRead)
            let overview = try await browser.get("/kontor/laering")
            OL.expectRendered(overview, "/kontor/laering")
            #expect(overview.text.contains(OL.html(OL.nb(t, ReflectionTheme.mentorRole.labelKey))))
            let names = try await Candidate.query(on: t.db).filter(\.$office.$id == own.requireID()).all().map(\.fullName)
            #expect(!names.isEmpty)
            #expect(names.allSatisfy { !overview.text.contains(OL.html($0)) }, "no candidate names")

            let county = try await browser.get("/kontor/laering/fylke")
            OL.expectRendered(county, "/kontor/laering/fylke")
            #expect(try await OL.newEntries(t, .learningOverviewRead, since: before).count == 2)
            let theirs = try #require(OL.item(county.text, after: "(9907)"))
            let now = t.clock.now()
            let monthsStart = LearningOverview.months(now: now)[0].from
            // 9907 in six months: 2 sessions held (10 and 100 days ago), 4 attendances, all 3 counselors took part, no actions.
            #expect(theirs.contains("<dt>\(OL.html(OL.nb(t, "olearn.county.sessions")))</dt><dd>&lt;3</dd>"), "2 sessions shown as <3")
            #expect(theirs.contains("<dt>\(OL.html(OL.nb(t, "olearn.county.attendances")))</dt><dd>4</dd>"), "4 attendances shown as is")
            #expect(theirs.contains("<dd>3 \(OL.nb(t, "olearn.county.of")) 3</dd>"), "3 participants of 3 counselors")
            #expect(theirs.contains("<dt>\(OL.html(OL.nb(t, "olearn.county.actions_open")))</dt><dd>&lt;3</dd>"), "0 shown as <3")
            #expect(!theirs.contains("<dd>0</dd>") && !theirs.contains("<dd>1</dd>") && !theirs.contains("<dd>2</dd>"))
            _ = known

            let mine = try #require(OL.item(county.text, after: "(9901)"))
            let ownSessions = try await ReflectionSession.query(on: t.db).filter(\.$office.$id == own.requireID()).filter(\.$heldAt != nil)
                .filter(\.$cancelledAt == nil).filter(\.$startsAt >= monthsStart).filter(\.$startsAt <= now).count()
            #expect(ownSessions >= 1)
            #expect(mine.contains("<dt>\(OL.html(OL.nb(t, "olearn.county.sessions")))</dt><dd>\(ownSessions)</dd>"), "own office exact")
            #expect(!mine.contains("&lt;3"), "the own office is never masked")

            // The API: leaders, own office only.
            let api = try await APIClient.make(t, "leder1")
            let learning = try await api.get("/api/v1/offices/9901/learning")
            #expect(learning.status == .ok, "learning answered \(learning.status.code): \(learning.text.prefix(300))")
            let dto = try learning.content.decode(LearningOverviewDTO.self)
            #expect(dto.participation.sessionsByMonth.reduce(0, +) == ownSessions)
            let quarter = LearningOverview.quarters(now: now).last!
            // Counted: tags of sessions not cancelled and of learning notes shared with a group (not deleted).
            var mentorRole = 0
            for tag in try await ReflectionThemeTag.query(on: t.db).filter(\.$office.$id == own.requireID()).filter(\.$theme == ReflectionTheme.mentorRole.rawValue)
                .filter(\.$isFree == false).filter(\.$taggedOn >= quarter.from).filter(\.$taggedOn < quarter.to).all() {
                if let id = tag.$session.id, let s = try await ReflectionSession.find(id, on: t.db), s.cancelledAt == nil { mentorRole += 1 }
                else if tag.$session.id == nil, let id = tag.$learningNote.id, let n = try await LearningNote.find(id, on: t.db),
                        n.$group.id != nil, n.sharedAt != nil, n.deletedAt == nil { mentorRole += 1 }
            }
            #expect(mentorRole >= 1)
            #expect(dto.themes.contains { $0.key == ReflectionTheme.mentorRole.rawValue && $0.counts.last == mentorRole })
            #expect(names.allSatisfy { !learning.text.contains($0) })
            #expect(try await api.get("/api/v1/offices/9907/learning").status == .notFound)
            let counselorAPI = try await APIClient.make(t, "veileder1")
            #expect(try await counselorAPI.get("/api/v1/offices/9901/learning").status == .forbidden)
            let counselor = t.browser()
            try await counselor.login("veileder1")
            #expect(try await counselor.get("/kontor/laering").status == .forbidden)
        }
    }

    // MARK: - Fix round

    @Test("Themes count only from sessions not cancelled and shared learning notes; a free tag is shown only when used by 3 sources")
    func themesPrivacy() async throws {
        try await withTestApp { t in
            let known = try await OL.knownOffice(t)
            let officeID = try known.office.requireID()
            let (v1, v2, v3) = (known.counselors[0], known.counselors[1], known.counselors[2])
            let group = try await OL.group(t, officeID, by: known.leader)
            let held = try await OL.session(t, group, daysAgo: 3, held: true, by: known.leader)
            let cancelled = try await OL.session(t, group, daysAgo: 4, held: false, cancelled: true, by: known.leader)
            let privateNote = try await OL.learningNote(t, officeID, by: v1, sharedWith: nil)
            let deletedNote = try await OL.learningNote(t, officeID, by: v3, sharedWith: group, deleted: true)
            let shared1 = try await OL.learningNote(t, officeID, by: v1, sharedWith: group)
            let shared2 = try await OL.learningNote(t, officeID, by: v2, sharedWith: group)
            let (hidden, counted) = (ReflectionTheme.allCases[0].rawValue, ReflectionTheme.allCases[1].rawValue)

            // Never counted: a private note, a deleted note, a cancelled session.
            try await OL.tag(t, officeID, hidden, free: false, note: privateNote)
            try await OL.tag(t, officeID, "Kari Hybridsen", free: true, note: privateNote)
            try await OL.tag(t, officeID, hidden, free: false, note: deletedNote)
            try await OL.tag(t, officeID, "Slettet Stikkord", free: true, note: deletedNote)
            try await OL.tag(t, officeID, hidden, free: false, session: cancelled)
            try await OL.tag(t, officeID, "Avlyst Stikkord", free: true, session: cancelled)
            // Counted.
            try await OL.tag(t, officeID, counted, free: false, note: shared1)
            try await OL.tag(t, officeID, counted, free: false, session: held)
            try await OL.tag(t, officeID, "arbeidstrening", free: true, session: held)
            try await OL.tag(t, officeID, "arbeidstrening", free: true, note: shared1)
            try await OL.tag(t, officeID, "arbeidstrening", free: true, note: shared2)
            try await OL.tag(t, officeID, "Ola Sjeldensen", free: true, note: shared2)          // used once: folded
            try await OL.tag(t, officeID, "to ganger", free: true, session: held)              // twice, one source: folded
            try await OL.tag(t, officeID, "to ganger", free: true, session: held)

            let overview = try await LearningOverview.load(officeID: officeID, now: t.clock.now(), on: t.db)
            #expect(overview.themes.map(\.key) == [counted])
            #expect(overview.themes.first?.total == 2)
            #expect(overview.freeTags.map(\.key) == ["arbeidstrening", LearningOverview.otherFreeKey])
            #expect(overview.freeTags.map(\.total) == [3, 3])
            #expect(overview.headline.themes == 8)
            #expect(!OL.nb(t, "olearn.evidence.p4", "1", "2").contains("koplet") && OL.nb(t, "olearn.evidence.p4", "1", "2").contains("koblet"))

            let browser = t.browser()
            try await browser.login("pleder")
            let page = try await browser.get("/kontor/laering")
            OL.expectRendered(page, "/kontor/laering")
            #expect(page.text.contains(OL.html(OL.nb(t, "olearn.learning.free_rule"))), "the rule is stated on the page")
            #expect(page.text.contains("arbeidstrening"))
            #expect(page.text.contains(OL.html(OL.nb(t, "olearn.learning.free_other"))))
            for text in ["Kari Hybridsen", "Ola Sjeldensen", "to ganger", "Slettet Stikkord", "Avlyst Stikkord"] {
                #expect(!page.text.contains(text), "\(text) is not shown")
            }
            #expect(!page.text.contains(OL.html(OL.nb(t, ReflectionTheme.allCases[0].labelKey))), "a theme only on a private note is not counted")

            let api = try await APIClient.make(t, "pleder")
            let response = try await api.get("/api/v1/offices/9907/learning")
            #expect(response.status == .ok, "learning answered \(response.status.code): \(response.text.prefix(300))")
            let dto = try response.content.decode(LearningOverviewDTO.self)
            #expect(dto.freeTags.map(\.key) == ["arbeidstrening"])
            #expect(dto.otherFreeTags.reduce(0, +) == 3)
            #expect(dto.themes.map(\.key) == [counted])
            for text in ["Kari Hybridsen", "Ola Sjeldensen", "to ganger"] { #expect(!response.text.contains(text)) }
        }
    }

    @Test("An action is overdue only after its due day; the county rows equal each office's own overview")
    func overdueAndCounty() async throws {
        try await withTestApp { t in
            let known = try await OL.knownOffice(t)
            let officeID = try known.office.requireID()
            let group = try await OL.group(t, officeID, by: known.leader)
            let session = try await OL.session(t, group, daysAgo: 3, held: true, by: known.leader)
            let now = t.clock.now()
            let today = RuleDuration.calendar.startOfDay(for: now)
            try #require(now > today, "the test clock is after midnight")
            for (due, done) in [(today, false), (RuleDuration.calendar.date(byAdding: .day, value: -1, to: today)!, false), (today, true)] {
                let a = ReflectionAction()
                a.$office.id = officeID
                a.$session.id = try session.requireID()
                a.title = "Ringe arbeidsgiver"
                a.$owner.id = try known.counselors[0].requireID()
                a.dueOn = due
                a.doneAt = done ? now : nil
                a.$doneBy.id = done ? try known.counselors[0].requireID() : nil
                a.createdAt = OL.days(t, -3)
                a.$createdBy.id = try known.leader.requireID()
                try await a.create(on: t.db)
            }
            let overview = try await LearningOverview.load(officeID: officeID, now: now, on: t.db)
            // Due today (stored as the day's start) is not overdue; due yesterday is.
            #expect((overview.actions.open, overview.actions.overdue, overview.actions.done) == (2, 1, 1))
            #expect(overview.actions.createdByQuarter.reduce(0, +) == 3 && overview.actions.doneByQuarter.reduce(0, +) == 1)

            // The grouped county load gives each office the same numbers as its own load.
            let own = try await t.office("9901").requireID()
            let many = try await LearningOverview.loadMany(officeIDs: [own, officeID], now: now, on: t.db)
            for id in [own, officeID] {
                let single = try await LearningOverview.load(officeID: id, now: now, on: t.db)
                #expect(many[id]?.headline == single.headline)
                #expect(many[id]?.actions == single.actions)
                #expect(many[id]?.participation == single.participation)
            }
        }
    }

    @Test("Premise 2: a mentor link that starts next week does not count yet")
    func futureMentorLink() async throws {
        try await withTestApp { t in
            let known = try await OL.knownOffice(t)
            let officeID = try known.office.requireID()
            let sql = t.db as! any SQLDatabase
            #expect(try await PremiseEvidence.compute(officeID: officeID, now: t.clock.now(), on: sql).pathwaysWithMentorAndContact == 2)
            // P3 has mentor contact 2 days ago but no link; give it one that starts in a week.
            let mentor = try #require(try await Mentor.query(on: t.db).filter(\.$office.$id == officeID).first())
            let link = PathwayMentor()
            link.$pathway.id = try known.pathways[2].requireID()
            link.$mentor.id = try mentor.requireID()
            link.fromDate = OL.days(t, 7)
            link.createdAt = OL.days(t, -1)
            link.$createdBy.id = try known.counselors[1].requireID()
            try await link.create(on: t.db)
            #expect(try await PremiseEvidence.compute(officeID: officeID, now: t.clock.now(), on: sql).pathwaysWithMentorAndContact == 2)
            // Once it has started, it counts.
            #expect(try await PremiseEvidence.compute(officeID: officeID, now: OL.days(t, 8), on: sql).pathwaysWithMentorAndContact == 3)
        }
    }

    @Test("Note participants: only active office staff with an office role can be added, on the page and through the service")
    func participantRoles() async throws {
        try await withTestApp { t in
            let own = try await t.office("9901")
            let admin = try await OL.user(t, own, "kontoradmin", "Ada Administrator", .admin)
            let browser = t.browser()
            try await browser.login("veileder1")
            try await browser.get("/refleksjon/notat")
            let created = try await browser.post("/refleksjon/notat", [("period", "2029"), ("title", "Notat")])
            let noteID = try OL.noteID(created)
            let path = "/refleksjon/notat/\(noteID)"
            let page = try await browser.get(path)
            OL.expectRendered(page, path)
            #expect(!page.text.contains("Ada Administrator"), "no office role: not offered")
            #expect(page.text.contains(OL.html(try await t.user("marked1").displayName)), "office staff offered")
            let refused = try await browser.post("\(path)/deltakere", [("userId", admin.requireID().uuidString)])
            #expect(refused.status == .unprocessableEntity)
            #expect(OL.error(refused.text, "deltaker-userId") == OL.html(OL.nb(t, "olearn.error.participant_unknown")))
            let rows = try await ReflectionNoteParticipant.query(on: t.db).filter(\.$note.$id == noteID).all()
            #expect(!rows.contains { $0.$user.id == admin.id })
        }
    }

    @Test("API sign-off requires the version read: missing or malformed is 422 and signs nothing")
    func signRequiresVersion() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let created = try await api.post("/api/v1/reflection-notes", ["period": "2030", "title": "Notat", "body": "Tekst"])
            #expect(created.status == .created, "create answered \(created.status.code): \(created.text.prefix(300))")
            let noteID = try created.content.decode(ReflectionNoteDTO.self).id
            for body: [String: String] in [[:], ["version": "en"]] {
                let refused = try await api.post("/api/v1/reflection-notes/\(noteID)/signoffs", body)
                #expect(refused.status == .unprocessableEntity, "\(body) answered \(refused.status.code)")
                #expect(refused.headers.contentType?.description.contains("problem+json") == true)
            }
            #expect(try await ReflectionNoteSignoff.query(on: t.db).filter(\.$note.$id == noteID).count() == 0)
            #expect(try await api.post("/api/v1/reflection-notes/\(noteID)/signoffs", ["version": 1]).status == .ok)
            #expect(try await ReflectionNoteSignoff.query(on: t.db).filter(\.$note.$id == noteID).count() == 1)
        }
    }

    @Test("A taken period is 422 on page and API; a unique-index violation is recognised as a taken period")
    func periodTaken() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            #expect(try await api.post("/api/v1/reflection-notes", ["period": "2031", "title": "Først"]).status == .created)
            let again = try await api.post("/api/v1/reflection-notes", ["period": "2031", "title": "Igjen"])
            #expect(again.status == .unprocessableEntity)
            let browser = t.browser()
            try await browser.login("veileder2")
            try await browser.get("/refleksjon/notat")
            let page = try await browser.post("/refleksjon/notat", [("period", "2031"), ("title", "Igjen")])
            #expect(page.status == .unprocessableEntity)
            #expect(OL.error(page.text, "nytt-period") == OL.html(OL.nb(t, "olearn.error.period_taken", "2031")))

            // What a parallel create meets on the unique index (SQLite takes no row lock).
            let existing = try #require(try await ReflectionNote.query(on: t.db).filter(\.$period == "2031").first())
            let twin = ReflectionNote()
            twin.$office.id = existing.$office.id
            twin.period = "2031"; twin.title = "Tvilling"; twin.currentVersion = 0
            twin.createdAt = t.clock.now(); twin.$createdBy.id = existing.$createdBy.id
            do {
                try await twin.create(on: t.db)
                Issue.record("the unique index let a second note for the period in")
            } catch {
                #expect(ReflectionNoteService.isPeriodTaken(error))
            }
            #expect(!ReflectionNoteService.isPeriodTaken(Abort(.notFound)))
        }
    }
}
