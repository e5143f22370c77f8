@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Helpers for the learning log and reflection groups, used as office staff would: forms posted
/// with the CSRF token, JSON with a bearer token.
private enum L {
    static func nb(_ t: TestApp, _ key: String, _ args: String...) -> String {
        t.app.samskap.strings.text(key, locale: "nb", args: args)
    }

    static func html(_ text: String) -> String { PageChecks.html(text) }

    static func auditIDs(_ t: TestApp, _ action: AuditAction) async throws -> Set<Int?> {
        Set(try await t.auditEntries(action).map(\.id))
    }

    static func newEntries(_ t: TestApp, _ action: AuditAction, since before: Set<Int?>) async throws -> [AuditEntry] {
        try await t.auditEntries(action).filter { !before.contains($0.id) }
    }

    static func location(_ response: TestingHTTPResponse) -> String {
        response.headers.first(name: .location) ?? ""
    }

    static func error(_ html: String, _ id: String) -> String? { PageChecks.error(html, id) }

    static func expectRendered(_ response: TestingHTTPResponse, _ path: String, status: HTTPStatus = .ok, sourceLocation: SourceLocation = #_sourceLocation) {
        PageChecks.expectRendered(response, path, status: status, keyPrefixes: ["learning", "reflection"], sourceLocation: sourceLocation)
    }

    static func noteForm(done: String, learned: String = "At jeg skal spørre om hverdagen først.", worth: String = "Ta en kaffe før vi går inn.",
                         themes: [ReflectionTheme] = [], tags: String = "", pathway: String = "") -> [(String, String)] {
        var fields = [("done", done), ("learned", learned), ("worthKeeping", worth), ("freeTags", tags), ("pathwayID", pathway)]
        for theme in themes { fields.append((LearningLogView.themeField(theme), "on")) }
        return fields
    }

    /// Writes a note on the log page; returns its id.
    static func writeNote(_ t: TestApp, _ browser: Browser, _ fields: [(String, String)], sourceLocation: SourceLocation = #_sourceLocation) async throws -> UUID {
        try await browser.get("/refleksjon/logg")
        let before = Set(try await LearningNote.query(on: t.db).all().map(\.id))
        let response = try await browser.post("/refleksjon/logg", fields)
        #expect(response.status == .seeOther, "create answered \(response.status.code): \(response.text.prefix(400))", sourceLocation: sourceLocation)
        let created = try await LearningNote.query(on: t.db).all().filter { !before.contains($0.id) }
        return try #require(created.first?.id, sourceLocation: sourceLocation)
    }

    static func createNote(_ api: APIClient, _ body: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) async throws -> LearningNoteDTO {
        let response = try await api.post("/api/v1/learning-notes", body)
        #expect(response.status == .created, "create answered \(response.status.code): \(response.text.prefix(400))", sourceLocation: sourceLocation)
        return try response.content.decode(LearningNoteDTO.self)
    }

    static func noteBody(done: String = "Jeg ble med på første arbeidsdag.", learned: String = "Det ga trygghet for både kandidat og arbeidsplass.",
                         worth: String = "Avtal første dag i møtet før.", themes: [String] = [], tags: [String] = [], pathway: UUID? = nil) -> [String: Any] {
        var body: [String: Any] = ["done": done, "learned": learned, "worthKeeping": worth, "themes": themes, "freeTags": tags]
        if let pathway { body["pathwayID"] = pathway.uuidString }
        return body
    }

    static func createGroup(_ api: APIClient, name: String = "Saksdrøfting tirsdag", kind: String = "sakdrofting", members: [UUID],
                            sourceLocation: SourceLocation = #_sourceLocation) async throws -> ReflectionGroupDTO {
        let response = try await api.post("/api/v1/reflection-groups", ["name": name, "kind": kind, "rhythmWeeks": 2, "userIDs": members.map(\.uuidString)])
        #expect(response.status == .created, "group create answered \(response.status.code): \(response.text.prefix(400))", sourceLocation: sourceLocation)
        return try response.content.decode(ReflectionGroupDTO.self)
    }

    static func send(_ api: APIClient, _ method: HTTPMethod, _ path: String, _ json: [String: Any]? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: api.token)
        var body: String?
        if let json {
            headers.contentType = .json
            body = String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
        }
        return try await api.browser.send(method, path, headers: headers, body: body)
    }

    static func share(_ api: APIClient, _ noteID: UUID, _ groupID: UUID?) async throws -> TestingHTTPResponse {
        try await send(api, .POST, "/api/v1/learning-notes/\(noteID)/share", ["groupID": groupID.map { $0.uuidString as Any } ?? NSNull()])
    }

    /// The demo gives everyone notes and groups; this takes them away from one user (notes
    /// deleted, memberships ended) so a test can count from nothing.
    static func startEmpty(_ t: TestApp, _ username: String) async throws {
        let id = try await t.user(username).requireID()
        try await LearningNote.query(on: t.db).filter(\.$author.$id == id).set(\.$deletedAt, to: t.clock.now()).update()
        try await ReflectionGroupMember.query(on: t.db).filter(\.$user.$id == id).set(\.$removedAt, to: t.clock.now()).update()
    }

    static func list(_ api: APIClient, _ scope: String) async throws -> [LearningNoteDTO] {
        let response = try await api.get("/api/v1/learning-notes?scope=\(scope)")
        #expect(response.status == .ok)
        return try response.content.decode([LearningNoteDTO].self)
    }

    /// The problem message for a text holding these kinds of identifier.
    static func found(_ t: TestApp, _ kinds: Pseudonymiser.Kind..., tags: Bool = false) -> String {
        let names = kinds.map { nb(t, $0.foundKey) }
        return nb(t, tags ? "learning.error.share_found_tags" : "learning.error.share_found", LearningNoteRules.list(names, and: nb(t, "learning.and")))
    }

    /// An open pathway of the counselor that names a mentor and an employer, with the identifiers it has.
    static func pathwayWithPeople(_ t: TestApp, of username: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> (Pathway, Pseudonymiser.Identifiers) {
        let user = try await t.user(username)
        let pathways = try await Pathway.query(on: t.db).filter(\.$counselor.$id == user.requireID()).filter(\.$status != .closed)
            .with(\.$candidate).sort(\.$createdAt).all()
        for pathway in pathways {
            if let ids = try await Pseudonymiser.Identifiers.load(pathwayID: pathway.requireID(), on: t.db), !ids.mentorNames.isEmpty, !ids.employerNames.isEmpty {
                return (pathway, ids)
            }
        }
        Issue.record("\(username) has no open pathway with a mentor and an employer in the demo data", sourceLocation: sourceLocation)
        throw Abort(.notFound)
    }

    /// A note's texts, link, group and free tags as stored.
    static func stored(_ t: TestApp, _ id: UUID) async throws -> [String] {
        let note = try #require(try await LearningNote.find(id, on: t.db))
        let tags = try await ReflectionThemeTag.query(on: t.db).filter(\.$learningNote.$id == id).filter(\.$isFree == true).all().map(\.theme).sorted()
        return [note.done, note.learned, note.worthKeeping, note.$pathway.id?.uuidString ?? "-", note.$group.id?.uuidString ?? "-",
                note.sharedAt.map { "\($0.timeIntervalSince1970)" } ?? "-", note.updatedAt.timeIntervalSince1970.description] + tags
    }

    /// An open pathway of the counselor, with the candidate loaded.
    static func pathway(_ t: TestApp, of username: String) async throws -> Pathway {
        let user = try await t.user(username)
        return try #require(try await Pathway.query(on: t.db).filter(\.$counselor.$id == user.requireID()).filter(\.$status != .closed)
            .with(\.$candidate).sort(\.$createdAt).first(), "\(username) has an open pathway in the demo data")
    }
}

@Suite("LearningLog: gjort – lært – lurt, sharing with reflection groups, the groups and the /refleksjon hub")
struct LearningLogTests {
    // MARK: - Pure rules

    @Test("The sharing check is the pseudonymiser's: every text and each free tag, names of every kind, numbers with any separator; problems name the kinds")
    func sharingCheck() {
        typealias R = LearningNoteRules
        var linked = Pseudonymiser.Identifiers()
        linked.candidateFirstName = "Kari"
        linked.candidateLastName = "Nordmann"
        linked.mentorNames = ["Mona Mentorsen"]
        linked.employerNames = ["Fjordkanten Kafé AS"]
        linked.contactNames = ["Lise Kontaktberg"]
        var own = Pseudonymiser.Identifiers()
        own.candidateFirstName = "Oddvar"
        own.candidateLastName = "Hybridsen"
        let checks = [Pseudonymiser(linked), Pseudonymiser(own)]
        func kinds(_ text: String) -> [Pseudonymiser.Kind] {
            R.shareFindings(R.sharedTexts(done: text, learned: "Ok", worthKeeping: "Ok", freeTags: []), checks: checks).first?.kinds ?? []
        }
        #expect(kinds("Fnr 010190-12345 sto i notatet") == [.nationalID])
        #expect(kinds("fnr: 010190 12345.") == [.nationalID])
        #expect(kinds("Mentorsen var flink") == [.mentorName])
        #expect(kinds("Vi var på Fjordkanten i går") == [.employerName])
        #expect(kinds("Kontaktberg ringte") == [.contactName])
        #expect(kinds("HYBRIDSEN kom for sent") == [.candidateName], "the author's other candidates too")
        #expect(kinds("Ring 41234567 eller skriv til kari@example.no") == [.candidateName, .phone, .email])
        #expect(kinds("Vi møttes tre ganger på 2 uker, i 2026.").isEmpty)
        #expect(R.shareFindings(R.sharedTexts(done: "Kari", learned: "Ok", worthKeeping: "Ok", freeTags: []), checks: []).isEmpty,
                "without identifiers only the patterns")

        let tags = R.shareFindings(R.sharedTexts(done: "Ok", learned: "Ok", worthKeeping: "Ok", freeTags: ["1234", "5678", "oddvar"]), checks: checks)
        #expect(tags.map(\.field) == ["freeTags"] && tags.first?.kinds == [.candidateName], "each tag on its own: two tags are no phone number")

        let found = R.shareFindings(R.sharedTexts(done: "Ring 41234567", learned: "Ok", worthKeeping: "a@b.no og Kari", freeTags: ["mentorsen"]), checks: checks)
        let issues = R.shareIssues(found, t: { key, args in ([key] + args).joined(separator: "|") })
        #expect(issues.map(\.field) == ["done", "worthKeeping", "freeTags"])
        #expect(issues.map(\.key) == ["learning.error.share_found", "learning.error.share_found", "learning.error.share_found_tags"])
        #expect(issues[1].args == ["casepres.found.kandidatnavn learning.and casepres.found.epost"])
        #expect(R.list(["a", "b", "c"], and: "og") == "a, b og c" && R.list(["a"], and: "og") == "a")
    }

    @Test("A note needs all three texts, each at most 2000 characters; themes from the catalogue; at most five normalised free tags")
    func noteRules() throws {
        let valid = try LearningNoteRules.note(.init(done: " Gjort ", learned: "Lært", worthKeeping: "Lurt",
                                                     themes: ["mentorrollen", "defensive_rutiner", "mentorrollen"],
                                                     freeTags: LearningNoteRules.splitTags(" Første  Dag , første dag, ,Kaffe"), pathwayID: ""))
        #expect(valid.done == "Gjort")
        #expect(valid.themes == [.defensiveRoutines, .mentorRole], "the catalogue's order, once each")
        #expect(valid.freeTags == ["første dag", "kaffe"])
        #expect(valid.pathwayID == nil)

        do {
            _ = try LearningNoteRules.note(.init(done: "", learned: String(repeating: "x", count: 2_001), worthKeeping: nil,
                                                 themes: ["fest"], freeTags: ["a", "b", "c", "d", "e", "f"], pathwayID: "ikke-en-id"))
            Issue.record("invalid input was accepted")
        } catch let problem as ProblemError {
            #expect(problem.fields.map(\.field) == ["done", "learned", "worthKeeping", "themes", "freeTags", "pathwayID"])
            #expect(problem.fields.map(\.key).contains("learning.error.too_long"))
        }
    }

    @Test("Who may read a note: the author; a member of its group when shared; nobody else, and nobody once deleted")
    func readerRule() {
        let author = UUID(), other = UUID(), office = UUID(), group = UUID()
        let reader = { (groupID: UUID?, deleted: Bool, viewer: UUID, viewerOffice: UUID?, groups: Set<UUID>) in
            LearningNoteRules.reader(authorID: author, noteOfficeID: office, groupID: groupID, deleted: deleted, viewerID: viewer,
                                     viewerOfficeID: viewerOffice, viewerGroupIDs: groups)
        }
        #expect(reader(nil, false, author, office, []) == .author)
        #expect(reader(nil, false, other, office, [group]) == nil, "private: only the author")
        #expect(reader(group, false, other, office, [group]) == .groupMember)
        #expect(reader(group, false, other, office, [UUID()]) == nil)
        #expect(reader(group, false, other, UUID(), [group]) == nil, "never another office")
        #expect(reader(nil, true, author, office, []) == nil)
    }

    // MARK: - Private notes

    @Test("A private note is invisible to a colleague, the leader and another office: 404 on page and API, absent from lists, denied audit entries")
    func privateNoteInvisible() async throws {
        try await withTestApp { t in
            let author = t.browser()
            try await author.login("veileder1")
            let before = try await L.auditIDs(t, .learningNoteCreated)
            let id = try await L.writeNote(t, author, L.noteForm(done: "Jeg tok med kandidaten på omvisning før intervjuet.", themes: [.relationshipBuilding]))
            let note = try #require(try await LearningNote.find(id, on: t.db))
            #expect(note.$author.id == (try await t.user("veileder1").requireID()))
            #expect(note.$office.id == (try await t.office("9901").requireID()))
            #expect(note.$group.id == nil && note.sharedAt == nil && note.deletedAt == nil, "private by default")
            #expect(try await L.newEntries(t, .learningNoteCreated, since: before).map(\.objectID) == [id.uuidString])

            let own = try await author.get("/refleksjon/logg/\(id)")
            L.expectRendered(own, "/refleksjon/logg/\(id)")
            #expect(own.text.contains("Jeg tok med kandidaten på omvisning før intervjuet."))
            let log = try await author.get("/refleksjon/logg")
            L.expectRendered(log, "/refleksjon/logg")
            #expect(log.text.contains("Jeg tok med kandidaten på omvisning"))
            #expect(log.text.contains(L.nb(t, "learning.note.private")))

            let deniedBefore = try await L.auditIDs(t, .learningNoteReadDenied)
            for username in ["veileder2", "leder1", "veileder3"] {
                let other = t.browser()
                try await other.login(username)
                let page = try await other.get("/refleksjon/logg/\(id)")
                #expect(page.status == .notFound, "\(username) got \(page.status.code) on the page")
                #expect(!page.text.contains("omvisning"))
                let theirLog = try await other.get("/refleksjon/logg")
                #expect(!theirLog.text.contains("omvisning"), "\(username)'s log does not list it")
                let edit = try await other.post("/refleksjon/logg/\(id)/slett", [("confirm", "on")])
                #expect(edit.status == .notFound || edit.status == .forbidden, "\(username) may not delete it")

                let api = try await APIClient.make(t, username)
                let shown = try await api.get("/api/v1/learning-notes/\(id)")
                #expect(shown.status == .notFound, "\(username) got \(shown.status.code) on the API")
                #expect(try await L.list(api, "mine").allSatisfy { $0.id != id })
                #expect(try await L.list(api, "shared").allSatisfy { $0.id != id })
            }
            let denied = try await L.newEntries(t, .learningNoteReadDenied, since: deniedBefore)
            #expect(denied.count >= 6, "page and API, for each of the three")
            #expect(denied.allSatisfy { $0.objectID == id.uuidString && $0.outcome == "denied" })
            #expect(try await LearningNote.find(id, on: t.db)?.deletedAt == nil, "nobody else could delete it")
        }
    }

    // MARK: - Sharing

    @Test("A shared note is seen by the group's members only: on the group page and with scope=shared, never with the pathway or candidate")
    func sharedNoteVisibleToMembers() async throws {
        try await withTestApp { t in
            let vera = try await APIClient.make(t, "veileder1")
            let leader = try await t.user("leder1")
            let group = try await L.createGroup(vera, members: [leader.requireID()])
            let veraID = try await t.user("veileder1").requireID()
            #expect(Set(group.members.map(\.userId)) == [veraID, try leader.requireID()], "the creator is a member")

            let pathway = try await L.pathway(t, of: "veileder1")
            let note = try await L.createNote(vera, L.noteBody(done: "Jeg lot kandidaten lede møtet med arbeidsgiveren.", themes: ["mentorrollen"],
                                                                tags: ["Første dag"], pathway: pathway.id))
            #expect(note.pathwayId == pathway.id, "the author sees the link")
            let before = try await L.auditIDs(t, .learningNoteShared)
            let shared = try await L.share(vera, note.id, group.id)
            #expect(shared.status == .ok, "\(shared.text.prefix(300))")
            let stored = try #require(try await LearningNote.find(note.id, on: t.db))
            #expect(stored.$group.id == group.id && stored.sharedAt != nil)
            #expect(try await L.newEntries(t, .learningNoteShared, since: before).map(\.objectID) == [note.id.uuidString])

            // A member: the group page, scope=shared, the note itself — without pathway or candidate.
            let leaderAPI = try await APIClient.make(t, "leder1")
            let seen = try #require(try await L.list(leaderAPI, "shared").first { $0.id == note.id })
            #expect(seen.pathwayId == nil && seen.authorName == "Vera Veileder" && seen.themes == ["mentorrollen"] && seen.freeTags == ["første dag"])
            let one = try await leaderAPI.get("/api/v1/learning-notes/\(note.id)")
            #expect(one.status == .ok)
            #expect(!one.text.contains(pathway.id!.uuidString))
            let leaderBrowser = t.browser()
            try await leaderBrowser.login("leder1")
            let groupPage = try await leaderBrowser.get("/refleksjon/grupper/\(group.id)")
            L.expectRendered(groupPage, "/refleksjon/grupper/\(group.id)")
            #expect(groupPage.text.contains("Jeg lot kandidaten lede møtet med arbeidsgiveren."))
            #expect(groupPage.text.contains("Vera Veileder"))
            #expect(!groupPage.text.contains(L.html(pathway.candidate.lastName)), "never the candidate")
            #expect(!groupPage.text.contains(pathway.id!.uuidString))
            let notePage = try await leaderBrowser.get("/refleksjon/logg/\(note.id)")
            L.expectRendered(notePage, "/refleksjon/logg/\(note.id)")
            #expect(!notePage.text.contains(L.html(pathway.candidate.lastName)))
            #expect(!notePage.text.contains("action=\"/refleksjon/logg/\(note.id)\""), "a reader gets no edit form")
            // The member may not change it.
            #expect(try await leaderAPI.patch("/api/v1/learning-notes/\(note.id)", ["done": "Endret"]).status == .notFound)

            // The author's own page still shows the candidate, for the author.
            let veraBrowser = t.browser()
            try await veraBrowser.login("veileder1")
            let ownPage = try await veraBrowser.get("/refleksjon/logg/\(note.id)")
            #expect(ownPage.text.contains(L.html(pathway.candidate.lastName)))
            #expect(ownPage.text.contains(L.html(L.nb(t, "learning.note.shared_with", group.name))))

            // A colleague outside the group: not on the group page, not in scope=shared, 404 on the note.
            let viktor = t.browser()
            try await viktor.login("veileder2")
            let outsider = try await viktor.get("/refleksjon/grupper/\(group.id)")
            L.expectRendered(outsider, "/refleksjon/grupper/\(group.id)")
            #expect(outsider.text.contains("Vera Veileder"), "everyone sees the members")
            #expect(!outsider.text.contains("lede møtet"))
            #expect(outsider.text.contains(L.nb(t, "learning.group.notes_members_only")))
            let viktorAPI = try await APIClient.make(t, "veileder2")
            #expect(try await L.list(viktorAPI, "shared").allSatisfy { $0.id != note.id })
            #expect(try await viktorAPI.get("/api/v1/learning-notes/\(note.id)").status == .notFound)
            // Another office does not even see the group.
            let other = try await APIClient.make(t, "veileder3")
            #expect(try await other.get("/api/v1/reflection-groups/\(group.id)").status == .notFound)
            #expect(try await other.get("/api/v1/learning-notes/\(note.id)").status == .notFound)

            // Private again: the member no longer sees it.
            let unshared = try await L.share(vera, note.id, nil)
            #expect(unshared.status == .ok)
            #expect(try await LearningNote.find(note.id, on: t.db)?.$group.id == nil)
            #expect(try await L.list(leaderAPI, "shared").allSatisfy { $0.id != note.id })
            #expect(try await leaderAPI.get("/api/v1/learning-notes/\(note.id)").status == .notFound)
        }
    }

    @Test("Sharing is refused for a national ID number, phone, e-mail or the linked candidate's name, and the note stays private")
    func sharingRefused() async throws {
        try await withTestApp { t in
            let vera = try await APIClient.make(t, "veileder1")
            let group = try await L.createGroup(vera, members: [])
            let pathway = try await L.pathway(t, of: "veileder1")
            let cases: [(String, String, String)] = [
                ("done", "Vi ringte 412 34 567 sammen.", L.found(t, .phone)),
                ("learned", "Fødselsnummeret 010190 12345 sto på skjemaet.", L.found(t, .nationalID)),
                ("worthKeeping", "Send til post@bedrift.no", L.found(t, .email)),
                ("done", "Jeg snakket med \(pathway.candidate.firstName.uppercased()) om dagen.", L.found(t, .candidateName)),
            ]
            for (field, text, message) in cases {
                var body = L.noteBody(pathway: pathway.id)
                body[field] = text
                let note = try await L.createNote(vera, body)
                let refused = try await L.share(vera, note.id, group.id)
                #expect(refused.status == .unprocessableEntity, "\(message): \(refused.status.code)")
                #expect(refused.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                #expect(refused.problemFields == [field], "\(message)")
                #expect(refused.problem?.errors?.first?.message == message)
                let stored = try #require(try await LearningNote.find(note.id, on: t.db))
                #expect(stored.$group.id == nil && stored.sharedAt == nil, "stays private")
            }

            // On the page: the error is shown on the note page, nothing shared.
            let browser = t.browser()
            try await browser.login("veileder1")
            let id = try await L.writeNote(t, browser, L.noteForm(done: "Ring meg på 98765432 hvis noe skjer."))
            try await browser.get("/refleksjon/logg/\(id)")
            let page = try await browser.post("/refleksjon/logg/\(id)/del", [("groupID", group.id.uuidString)])
            L.expectRendered(page, "POST /refleksjon/logg/\(id)/del", status: .unprocessableEntity)
            #expect(page.text.contains(L.html(L.found(t, .phone))))
            #expect(try await LearningNote.find(id, on: t.db)?.$group.id == nil)

            // Once shared, a change that brings a phone number in is refused too.
            let clean = try await L.createNote(vera, L.noteBody())
            #expect(try await L.share(vera, clean.id, group.id).status == .ok)
            let patched = try await vera.patch("/api/v1/learning-notes/\(clean.id)", ["learned": "Ring 41234567"])
            #expect(patched.status == .unprocessableEntity)
            #expect(try await LearningNote.find(clean.id, on: t.db)?.learned == L.noteBody()["learned"] as? String)
        }
    }

    @Test("Sharing with a group one is not a member of is refused, as is a group of another office")
    func sharingToForeignGroupRefused() async throws {
        try await withTestApp { t in
            let viktor = try await APIClient.make(t, "veileder2")
            let theirs = try await L.createGroup(viktor, name: "Viktors gruppe", members: [])
            let vilde = try await APIClient.make(t, "veileder3")
            let otherOffice = try await L.createGroup(vilde, name: "Annet kontor", members: [])
            let vera = try await APIClient.make(t, "veileder1")
            let note = try await L.createNote(vera, L.noteBody())
            for group in [theirs.id, otherOffice.id, UUID()] {
                let refused = try await L.share(vera, note.id, group)
                #expect(refused.status == .unprocessableEntity)
                #expect(refused.problemFields == ["groupID"])
                #expect(refused.problem?.errors?.first?.message == L.nb(t, "learning.error.not_member"))
            }
            #expect(try await LearningNote.find(note.id, on: t.db)?.$group.id == nil)
            // Someone else's note cannot be shared at all.
            #expect(try await L.share(viktor, note.id, theirs.id).status == .notFound)
        }
    }

    @Test("Sharing is refused for the linked pathway's mentor and employer, a national ID number with a hyphen, and in a free tag; the note stays as it was")
    func sharingRefusedForPathwayPeople() async throws {
        try await withTestApp { t in
            let vera = try await APIClient.make(t, "veileder1")
            let group = try await L.createGroup(vera, members: [])
            let (pathway, ids) = try await L.pathwayWithPeople(t, of: "veileder1")
            let mentorSurname = try #require(ids.mentorNames.first?.split(separator: " ").last.map(String.init))
            let employer = try #require(ids.employerNames.first)
            let cases: [(String, String, String)] = [
                ("done", "Jeg snakket med \(mentorSurname) om første uke.", L.found(t, .mentorName)),
                ("learned", "Det gikk fint hos \(employer) denne gangen.", L.found(t, .employerName)),
                ("worthKeeping", "Fødselsnummeret 010190-12345 sto på skjemaet.", L.found(t, .nationalID)),
            ]
            for (field, text, message) in cases {
                var body = L.noteBody(pathway: pathway.id)
                body[field] = text
                let note = try await L.createNote(vera, body)
                let before = try await L.stored(t, note.id)
                let refused = try await L.share(vera, note.id, group.id)
                #expect(refused.status == .unprocessableEntity, "\(text): \(refused.status.code)")
                #expect(refused.problemFields == [field], "\(text)")
                #expect(refused.problem?.errors?.first?.message == message, "\(text)")
                #expect(try await L.stored(t, note.id) == before, "stays private and unchanged")
            }

            // A free tag with a name keeps the note from being shared too.
            let tagged = try await L.createNote(vera, L.noteBody(tags: ["arbeidstrening", pathway.candidate.lastName], pathway: pathway.id))
            let taggedBefore = try await L.stored(t, tagged.id)
            let refusedTag = try await L.share(vera, tagged.id, group.id)
            #expect(refusedTag.status == .unprocessableEntity)
            #expect(refusedTag.problemFields == ["freeTags"])
            #expect(refusedTag.problem?.errors?.first?.message == L.found(t, .candidateName, tags: true))
            #expect(try await L.stored(t, tagged.id) == taggedBefore)

            // Once shared, a change that brings a mentor's name or a tagged name in is refused, on the page and in the API.
            let clean = try await L.createNote(vera, L.noteBody(pathway: pathway.id))
            #expect(try await L.share(vera, clean.id, group.id).status == .ok)
            let sharedBefore = try await L.stored(t, clean.id)
            let patched = try await vera.patch("/api/v1/learning-notes/\(clean.id)", ["learned": "\(mentorSurname) var til stor hjelp."])
            #expect(patched.status == .unprocessableEntity)
            #expect(patched.problem?.errors?.first?.message == L.found(t, .mentorName))
            let taggedPatch = try await vera.patch("/api/v1/learning-notes/\(clean.id)", ["freeTags": [pathway.candidate.firstName]])
            #expect(taggedPatch.status == .unprocessableEntity)
            #expect(taggedPatch.problemFields == ["freeTags"])
            let browser = t.browser()
            try await browser.login("veileder1")
            try await browser.get("/refleksjon/logg/\(clean.id)")
            let page = try await browser.post("/refleksjon/logg/\(clean.id)", L.noteForm(done: "Hos \(employer) gikk det bra.", pathway: pathway.id!.uuidString))
            L.expectRendered(page, "POST /refleksjon/logg/\(clean.id)", status: .unprocessableEntity)
            #expect(L.error(page.text, "endre-done") == L.found(t, .employerName))
            #expect(page.text.contains(L.html("Hos \(employer) gikk det bra.")), "what was typed is kept")
            #expect(try await L.stored(t, clean.id) == sharedBefore, "the shared note is as it was")
        }
    }

    @Test("An unlinked note with the name of one of the author's candidates is not shared, nor changed to hold it once shared")
    func sharingRefusedForOwnCandidate() async throws {
        try await withTestApp { t in
            let vera = try await APIClient.make(t, "veileder1")
            let group = try await L.createGroup(vera, members: [])
            let veraID = try await t.user("veileder1").requireID()
            let candidate = try #require(try await Candidate.query(on: t.db).filter(\.$counselor.$id == veraID).sort(\.$lastName).first(),
                                         "veileder1 has candidates in the demo data")
            let note = try await L.createNote(vera, L.noteBody(done: "Jeg øvde på intervju med \(candidate.lastName) i går."))
            #expect(note.pathwayId == nil)
            let before = try await L.stored(t, note.id)
            let refused = try await L.share(vera, note.id, group.id)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.problemFields == ["done"])
            #expect(refused.problem?.errors?.first?.message == L.found(t, .candidateName))
            #expect(try await L.stored(t, note.id) == before)

            let clean = try await L.createNote(vera, L.noteBody())
            #expect(try await L.share(vera, clean.id, group.id).status == .ok)
            let sharedBefore = try await L.stored(t, clean.id)
            let patched = try await vera.patch("/api/v1/learning-notes/\(clean.id)", ["worthKeeping": "Spør \(candidate.firstName) først."])
            #expect(patched.status == .unprocessableEntity)
            #expect(patched.problemFields == ["worthKeeping"])
            #expect(try await L.stored(t, clean.id) == sharedBefore)
        }
    }

    @Test("Dropping the pathway link in the same change that brings its mentor's name into a shared note is refused; the note keeps its link and text")
    func dropLinkAndAddNameRefused() async throws {
        try await withTestApp { t in
            let vera = try await APIClient.make(t, "veileder1")
            let group = try await L.createGroup(vera, members: [])
            let (pathway, ids) = try await L.pathwayWithPeople(t, of: "veileder1")
            let mentor = try #require(ids.mentorNames.first)
            let note = try await L.createNote(vera, L.noteBody(pathway: pathway.id))
            #expect(try await L.share(vera, note.id, group.id).status == .ok)
            let before = try await L.stored(t, note.id)

            let api = try await L.send(vera, .PATCH, "/api/v1/learning-notes/\(note.id)", ["pathwayID": NSNull(), "done": "Jeg ringte \(mentor) før oppstart."])
            #expect(api.status == .unprocessableEntity, "\(api.text.prefix(300))")
            #expect(api.problemFields == ["done"])
            #expect(api.problem?.errors?.first?.message == L.found(t, .mentorName))
            #expect(try await L.stored(t, note.id) == before, "still linked, text unchanged")

            let browser = t.browser()
            try await browser.login("veileder1")
            try await browser.get("/refleksjon/logg/\(note.id)")
            let page = try await browser.post("/refleksjon/logg/\(note.id)", L.noteForm(done: "Jeg ringte \(mentor) før oppstart.", pathway: ""))
            #expect(page.status == .unprocessableEntity)
            #expect(L.error(page.text, "endre-done") == L.found(t, .mentorName))
            #expect(try await L.stored(t, note.id) == before)
            // Without the name the link may go.
            let dropped = try await L.send(vera, .PATCH, "/api/v1/learning-notes/\(note.id)", ["pathwayID": NSNull()])
            #expect(dropped.status == .ok)
            #expect(try await LearningNote.find(note.id, on: t.db)?.$pathway.id == nil)
        }
    }

    @Test("After a handover the old counselor's own note no longer names the candidate: a neutral text on the note, in the log and in the edit form")
    func candidateNameGoneAfterHandover() async throws {
        try await withTestApp { t in
            let vera = try await APIClient.make(t, "veileder1")
            let pathway = try await L.pathway(t, of: "veileder1")
            let fullName = "\(pathway.candidate.firstName) \(pathway.candidate.lastName)"
            let note = try await L.createNote(vera, L.noteBody(pathway: pathway.id))
            let browser = t.browser()
            try await browser.login("veileder1")
            let mine = try await browser.get("/refleksjon/logg/\(note.id)")
            #expect(mine.text.contains(L.html(L.nb(t, "learning.note.pathway_meta", fullName))), "the responsible counselor sees the name")

            // Handover: the candidate and the open pathway go to veileder2.
            let viktorID = try await t.user("veileder2").requireID()
            try await Candidate.query(on: t.db).filter(\.$id == pathway.candidate.requireID()).set(\.$counselor.$id, to: viktorID).update()
            try await Pathway.query(on: t.db).filter(\.$candidate.$id == pathway.candidate.requireID()).filter(\.$status != .closed)
                .set(\.$counselor.$id, to: viktorID).update()

            let after = try await browser.get("/refleksjon/logg/\(note.id)")
            L.expectRendered(after, "/refleksjon/logg/\(note.id)")
            #expect(!after.text.contains(L.html(fullName)), "no name after the handover")
            #expect(after.text.contains(L.html(L.nb(t, "learning.note.pathway_meta_gone"))))
            #expect(after.text.contains(L.html(L.nb(t, "learning.field.pathway_not_followed"))), "the edit form names no one either")
            let log = try await browser.get("/refleksjon/logg")
            #expect(!log.text.contains(L.html(L.nb(t, "learning.note.pathway_meta", fullName))))
            #expect(log.text.contains(L.html(L.nb(t, "learning.note.pathway_meta_gone"))))
            // The note keeps its link, and the author may still save it without choosing again.
            let saved = try await browser.post("/refleksjon/logg/\(note.id)", L.noteForm(done: "Endret etter bytte.", pathway: pathway.id!.uuidString))
            #expect(saved.status == .seeOther, "\(saved.text.prefix(300))")
            #expect(try await LearningNote.find(note.id, on: t.db)?.$pathway.id == pathway.id)
        }
    }

    // MARK: - Themes, editing, deleting

    @Test("Themes are stored as rows (catalogue and free) on the note's day, replaced on edit")
    func themesStored() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let id = try await L.writeNote(t, browser, L.noteForm(done: "Gjort noe", themes: [.mentorRole, .plainLanguage], tags: "Første dag, KAFFE ,kaffe"))
            let note = try #require(try await LearningNote.find(id, on: t.db))
            let rows = try await ReflectionThemeTag.query(on: t.db).filter(\.$learningNote.$id == id).all()
            #expect(Set(rows.map(\.theme)) == ["mentorrollen", "klarsprak", "første dag", "kaffe"])
            #expect(rows.filter(\.isFree).map(\.theme).sorted() == ["første dag", "kaffe"])
            #expect(rows.allSatisfy { $0.$office.id == note.$office.id && $0.$session.id == nil && $0.$agendaItem.id == nil })
            #expect(rows.allSatisfy { $0.taggedOn == RuleDuration.calendar.startOfDay(for: note.createdAt) })

            let page = try await browser.get("/refleksjon/logg/\(id)")
            #expect(page.text.contains(L.nb(t, "reflection.theme.mentorrollen")))
            let before = try await L.auditIDs(t, .learningNoteUpdated)
            let edited = try await browser.post("/refleksjon/logg/\(id)", L.noteForm(done: "Gjort noe annet", themes: [.finances], tags: ""))
            #expect(edited.status == .seeOther, "\(edited.text.prefix(300))")
            let after = try await ReflectionThemeTag.query(on: t.db).filter(\.$learningNote.$id == id).all()
            #expect(after.map(\.theme) == ["okonomi_og_tilskudd"])
            #expect(try await LearningNote.find(id, on: t.db)?.done == "Gjort noe annet")
            #expect(try await L.newEntries(t, .learningNoteUpdated, since: before).count == 1)
        }
    }

    @Test("A deleted note is gone everywhere: the log, the group, scope=shared, the note itself; its themes too")
    func deleteHidesEverywhere() async throws {
        try await withTestApp { t in
            let vera = try await APIClient.make(t, "veileder1")
            let leader = try await t.user("leder1")
            let group = try await L.createGroup(vera, members: [leader.requireID()])
            let note = try await L.createNote(vera, L.noteBody(done: "Notat som skal bort", themes: ["klarsprak"]))
            #expect(try await L.share(vera, note.id, group.id).status == .ok)

            let browser = t.browser()
            try await browser.login("veileder1")
            try await browser.get("/refleksjon/logg/\(note.id)")
            let unconfirmed = try await browser.post("/refleksjon/logg/\(note.id)/slett", [])
            #expect(unconfirmed.status == .unprocessableEntity)
            #expect(try await LearningNote.find(note.id, on: t.db)?.deletedAt == nil)
            let before = try await L.auditIDs(t, .learningNoteDeleted)
            let deleted = try await browser.post("/refleksjon/logg/\(note.id)/slett", [("confirm", "on")])
            #expect(deleted.status == .seeOther)
            #expect(L.location(deleted).hasPrefix("/refleksjon/logg?melding=laringsnotat-slettet"))
            #expect(try await LearningNote.find(note.id, on: t.db)?.deletedAt != nil)
            #expect(try await ReflectionThemeTag.query(on: t.db).filter(\.$learningNote.$id == note.id).count() == 0)
            #expect(try await L.newEntries(t, .learningNoteDeleted, since: before).count == 1)

            #expect(!(try await browser.get("/refleksjon/logg")).text.contains("Notat som skal bort"))
            #expect(try await browser.get("/refleksjon/logg/\(note.id)").status == .notFound)
            #expect(try await vera.get("/api/v1/learning-notes/\(note.id)").status == .notFound)
            #expect(try await L.list(vera, "mine").allSatisfy { $0.id != note.id })
            let leaderAPI = try await APIClient.make(t, "leder1")
            #expect(try await L.list(leaderAPI, "shared").allSatisfy { $0.id != note.id })
            let leaderBrowser = t.browser()
            try await leaderBrowser.login("leder1")
            #expect(!(try await leaderBrowser.get("/refleksjon/grupper/\(group.id)")).text.contains("Notat som skal bort"))
            // Deleting through the API: 204, and then 404.
            let second = try await L.createNote(vera, L.noteBody())
            #expect(try await L.send(vera, .DELETE, "/api/v1/learning-notes/\(second.id)").status == .noContent)
            #expect(try await L.send(vera, .DELETE, "/api/v1/learning-notes/\(second.id)").status == .notFound)
        }
    }

    @Test("A bad note form gives 422 with an error per field and keeps everything typed, ticks included; hostile text is escaped")
    func formErrorsKeepText() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            try await browser.get("/refleksjon/logg")
            let count = try await LearningNote.query(on: t.db).count()
            let typed = "<script>alert('x')</script> «Æøå» \"sitat\""
            let response = try await browser.post("/refleksjon/logg", L.noteForm(done: typed, learned: "", worth: String(repeating: "x", count: 10_000),
                                                                                 themes: [.steering], tags: "a, b, c, d, e, f"))
            L.expectRendered(response, "POST /refleksjon/logg", status: .unprocessableEntity)
            #expect(L.error(response.text, "ny-learned") == L.nb(t, "learning.error.learned_required"))
            #expect(L.error(response.text, "ny-worthKeeping") == L.nb(t, "learning.error.too_long", "2000"))
            #expect(L.error(response.text, "ny-freeTags") == L.nb(t, "learning.error.too_many_tags", "5"))
            #expect(L.error(response.text, "ny-done") == nil)
            #expect(response.text.contains(L.html(typed)), "what was typed is kept, escaped")
            #expect(!response.text.contains("<script>alert"))
            #expect(response.text.contains("value=\"a, b, c, d, e, f\""))
            #expect(response.text.contains("name=\"theme-styring_og_maltall\" checked"))
            #expect(try await LearningNote.query(on: t.db).count() == count, "nothing stored")

            // A pathway that is not one's own is refused.
            let other = try await L.pathway(t, of: "veileder2")
            let foreign = try await browser.post("/refleksjon/logg", L.noteForm(done: "Gjort", pathway: other.id!.uuidString))
            #expect(foreign.status == .unprocessableEntity)
            #expect(foreign.text.contains(L.html(L.nb(t, "learning.error.pathway_unknown"))))

            // Hostile input is stored as typed and shown escaped.
            let id = try await L.writeNote(t, browser, L.noteForm(done: typed))
            let page = try await browser.get("/refleksjon/logg/\(id)")
            #expect(page.text.contains(L.html(typed)) && !page.text.contains("<script>alert"))
        }
    }

    // MARK: - Groups

    @Test("Groups: created on the page with the creator as member; members removed (kept with removed_at) and re-added; who may manage")
    func groupMembership() async throws {
        try await withTestApp { t in
            let vera = try await t.user("veileder1"), viktor = try await t.user("veileder2"), leader = try await t.user("leder1")
            let browser = t.browser()
            try await browser.login("veileder1")
            let list = try await browser.get("/refleksjon/grupper")
            L.expectRendered(list, "/refleksjon/grupper")
            let created = try await browser.post("/refleksjon/grupper", [
                ("name", "Teamveiledning <torsdag>"), ("kind", "teamveiledning"), ("rhythmWeeks", "3"), ("description", "Vi tar én kandidat hver"),
                (LearningLogView.memberField(try viktor.requireID()), "on"),
            ])
            #expect(created.status == .seeOther, "\(created.text.prefix(300))")
            let group = try #require(try await ReflectionGroup.query(on: t.db).filter(\.$name == "Teamveiledning <torsdag>").first())
            #expect(group.kind == .teamGuidance && group.rhythmWeeks == 3 && group.$createdBy.id == vera.id)
            let groupID = try group.requireID()
            func active() async throws -> Set<UUID> {
                Set(try await ReflectionGroupMember.query(on: t.db).filter(\.$group.$id == groupID).filter(\.$removedAt == nil).all().map(\.$user.id))
            }
            #expect(try await active() == [vera.id!, viktor.id!], "the creator is a member")
            let page = try await browser.get(L.location(created))
            L.expectRendered(page, "/refleksjon/grupper/\(groupID)")
            #expect(page.text.contains(L.html("Teamveiledning <torsdag>")) && page.text.contains("Viktor Veileder"))

            // Bad form: errors and typed values kept.
            let bad = try await browser.post("/refleksjon/grupper", [("name", ""), ("kind", "fest"), ("rhythmWeeks", "0"), ("description", "Beholdes")])
            #expect(bad.status == .unprocessableEntity)
            #expect(L.error(bad.text, "ny-name") == L.nb(t, "learning.error.group_name_required"))
            #expect(L.error(bad.text, "ny-kind") == L.nb(t, "learning.error.group_kind"))
            #expect(L.error(bad.text, "ny-rhythmWeeks") == L.nb(t, "learning.error.rhythm", "52"))
            #expect(bad.text.contains("Beholdes"))

            // Remove Viktor through the API, then add him again.
            let api = try await APIClient.make(t, "veileder1")
            let before = try await L.auditIDs(t, .reflectionGroupMembersChanged)
            let removed = try await L.send(api, .PUT, "/api/v1/reflection-groups/\(groupID)/members", ["userIDs": [vera.id!.uuidString, leader.id!.uuidString]])
            #expect(removed.status == .ok, "\(removed.text.prefix(300))")
            #expect(try await active() == [vera.id!, leader.id!])
            let viktorRow = try #require(try await ReflectionGroupMember.query(on: t.db).filter(\.$group.$id == groupID).filter(\.$user.$id == viktor.id!).first())
            #expect(viktorRow.removedAt != nil, "kept with removed_at")
            let readded = try await L.send(api, .PUT, "/api/v1/reflection-groups/\(groupID)/members",
                                           ["userIDs": [vera.id!.uuidString, leader.id!.uuidString, viktor.id!.uuidString]])
            #expect(readded.status == .ok)
            #expect(try await active() == [vera.id!, viktor.id!, leader.id!])
            #expect(try await ReflectionGroupMember.query(on: t.db).filter(\.$group.$id == groupID).filter(\.$user.$id == viktor.id!).count() == 1)
            #expect(try await L.newEntries(t, .reflectionGroupMembersChanged, since: before).count == 2)
            // Staff of another office cannot be members; an empty group is refused.
            let vilde = try await t.user("veileder3")
            #expect(try await L.send(api, .PUT, "/api/v1/reflection-groups/\(groupID)/members", ["userIDs": [vilde.id!.uuidString]]).status == .unprocessableEntity)
            #expect(try await L.send(api, .PUT, "/api/v1/reflection-groups/\(groupID)/members", ["userIDs": []]).status == .unprocessableEntity)

            // A colleague outside the group may not change it; the leader may, member or not.
            let mona = try await APIClient.make(t, "marked1")
            let refused = try await mona.patch("/api/v1/reflection-groups/\(groupID)", ["name": "Monas gruppe"])
            #expect(refused.status == .forbidden)
            #expect(try await ReflectionGroup.find(groupID, on: t.db)?.name == "Teamveiledning <torsdag>")
            let monaList = try await mona.get("/api/v1/reflection-groups")
            #expect(try monaList.content.decode([ReflectionGroupDTO].self).contains { $0.id == groupID }, "everyone sees the office's groups")
            _ = try await L.send(api, .PUT, "/api/v1/reflection-groups/\(groupID)/members", ["userIDs": [vera.id!.uuidString]])
            let leaderAPI = try await APIClient.make(t, "leder1")
            let renamed = try await leaderAPI.patch("/api/v1/reflection-groups/\(groupID)", ["name": "Torsdagsgruppa", "rhythmWeeks": NSNull()])
            #expect(renamed.status == .ok, "\(renamed.text.prefix(300))")
            let dto = try renamed.content.decode(ReflectionGroupDTO.self)
            #expect(dto.name == "Torsdagsgruppa" && dto.rhythmWeeks == nil && dto.kind == "teamveiledning")

            // Archived: no more changes, no sharing with it.
            let archived = try await leaderAPI.patch("/api/v1/reflection-groups/\(groupID)", ["archived": true])
            #expect(archived.status == .ok)
            #expect(try await ReflectionGroup.find(groupID, on: t.db)?.archivedAt != nil)
            #expect(try await api.patch("/api/v1/reflection-groups/\(groupID)", ["name": "Igjen"]).status == .conflict)
            let note = try await L.createNote(api, L.noteBody())
            #expect(try await L.share(api, note.id, groupID).status == .unprocessableEntity)
            // Another office: 404 with a denied entry.
            let deniedBefore = try await L.auditIDs(t, .accessDenied)
            let vildeAPI = try await APIClient.make(t, "veileder3")
            #expect(try await vildeAPI.get("/api/v1/reflection-groups/\(groupID)").status == .notFound)
            #expect(try await L.newEntries(t, .accessDenied, since: deniedBefore).contains { $0.objectID == groupID.uuidString })
            #expect(try await L.newEntries(t, .reflectionGroupArchived, since: []).contains { $0.objectID == groupID.uuidString })
        }
    }

    @Test("The group page's edit form changes details and members in one go; a bad form keeps the ticks; a colleague outside sees no forms")
    func groupPageEdit() async throws {
        try await withTestApp { t in
            let vera = try await t.user("veileder1"), viktor = try await t.user("veileder2"), mona = try await t.user("marked1")
            let api = try await APIClient.make(t, "veileder1")
            let group = try await L.createGroup(api, members: [viktor.requireID()])
            let browser = t.browser()
            try await browser.login("veileder1")
            let page = try await browser.get("/refleksjon/grupper/\(group.id)")
            L.expectRendered(page, "/refleksjon/grupper/\(group.id)")
            #expect(page.text.contains("name=\"\(LearningLogView.memberField(viktor.id!))\" checked"), "current members are ticked")
            // Joining a group shows what was shared with it before: the page and the member form say so.
            #expect(page.text.contains(L.html(L.nb(t, "learning.group.earlier_notes"))))
            #expect(page.text.contains(L.html(L.nb(t, "learning.group.field.members_edit_hint"))))
            #expect(L.nb(t, "learning.group.field.members_edit_hint").contains(L.nb(t, "learning.group.earlier_notes")))

            let bad = try await browser.post("/refleksjon/grupper/\(group.id)", [("name", ""), ("kind", "sakdrofting"), ("rhythmWeeks", ""), ("description", ""),
                                                                             (LearningLogView.memberField(mona.id!), "on")])
            L.expectRendered(bad, "POST /refleksjon/grupper/\(group.id)", status: .unprocessableEntity)
            #expect(L.error(bad.text, "endre-name") == L.nb(t, "learning.error.group_name_required"))
            #expect(bad.text.contains("name=\"\(LearningLogView.memberField(mona.id!))\" checked"), "the ticks are kept")
            #expect(!bad.text.contains("name=\"\(LearningLogView.memberField(viktor.id!))\" checked"))

            let updatedBefore = try await L.auditIDs(t, .reflectionGroupUpdated)
            let changedBefore = try await L.auditIDs(t, .reflectionGroupMembersChanged)
            let saved = try await browser.post("/refleksjon/grupper/\(group.id)", [("name", "Onsdagsgruppa"), ("kind", "annen"), ("rhythmWeeks", "4"),
                                                                               ("description", "Æøå"), (LearningLogView.memberField(vera.id!), "on"),
                                                                               (LearningLogView.memberField(mona.id!), "on")])
            #expect(saved.status == .seeOther, "\(saved.text.prefix(300))")
            let stored = try #require(try await ReflectionGroup.find(group.id, on: t.db))
            #expect(stored.name == "Onsdagsgruppa" && stored.kind == .other && stored.rhythmWeeks == 4 && stored.groupDescription == "Æøå")
            let active = Set(try await ReflectionGroupMember.query(on: t.db).filter(\.$group.$id == group.id).filter(\.$removedAt == nil).all().map(\.$user.id))
            #expect(active == [vera.id!, mona.id!])
            #expect(try await L.newEntries(t, .reflectionGroupUpdated, since: updatedBefore).count == 1)
            #expect(try await L.newEntries(t, .reflectionGroupMembersChanged, since: changedBefore).count == 1)

            // Viktor is out now: he sees the group and its members, but no forms and no notes.
            let outside = t.browser()
            try await outside.login("veileder2")
            let seen = try await outside.get("/refleksjon/grupper/\(group.id)")
            L.expectRendered(seen, "/refleksjon/grupper/\(group.id)")
            #expect(seen.text.contains("Onsdagsgruppa") && seen.text.contains("Mona Markedskontakt"))
            #expect(!seen.text.contains("action=\"/refleksjon/grupper/\(group.id)\""))
            let refused = try await outside.post("/refleksjon/grupper/\(group.id)/arkiver", [])
            #expect(refused.status == .forbidden)
            #expect(try await ReflectionGroup.find(group.id, on: t.db)?.archivedAt == nil)
            // A member archives it on the page.
            try await browser.get("/refleksjon/grupper/\(group.id)")
            let archived = try await browser.post("/refleksjon/grupper/\(group.id)/arkiver", [])
            #expect(archived.status == .seeOther)
            #expect(try await ReflectionGroup.find(group.id, on: t.db)?.archivedAt != nil)
            let after = try await browser.get("/refleksjon/grupper/\(group.id)")
            #expect(after.text.contains(L.html(L.nb(t, "learning.group.archived_notice"))))
        }
    }

    @Test("The note API refuses unknown fields and scopes, and a member of nothing sees nothing shared")
    func noteAPIEdges() async throws {
        try await withTestApp { t in
            try await L.startEmpty(t, "marked1")
            let api = try await APIClient.make(t, "marked1")
            #expect(try await L.list(api, "shared").isEmpty)
            #expect(try await api.get("/api/v1/learning-notes?scope=alle").status == .unprocessableEntity)
            let note = try await L.createNote(api, L.noteBody(themes: ["klarsprak"], tags: ["A", "a "]))
            #expect(note.themes == ["klarsprak"] && note.freeTags == ["a"] && note.groupId == nil && note.pathwayId == nil)
            let unknown = try await api.patch("/api/v1/learning-notes/\(note.id)", ["authorId": UUID().uuidString])
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.problemFields == ["authorId"])
            let patched = try await api.patch("/api/v1/learning-notes/\(note.id)", ["learned": "Nytt"])
            #expect(patched.status == .ok)
            let dto = try patched.content.decode(LearningNoteDTO.self)
            #expect(dto.learned == "Nytt" && dto.done == note.done && dto.themes == ["klarsprak"] && dto.freeTags == ["a"], "left-out fields are kept")
            let missing = try await api.post("/api/v1/learning-notes", [:])
            #expect(Set(missing.problemFields) == ["done", "learned", "worthKeeping"])
        }
    }

    // MARK: - The hub

    @Test("/refleksjon explains why, links every part (the learning overview for leaders only) and counts my notes, shared notes and groups")
    func hub() async throws {
        try await withTestApp { t in
            try await L.startEmpty(t, "veileder1")
            let vera = try await APIClient.make(t, "veileder1")
            let group = try await L.createGroup(vera, members: [])
            let first = try await L.createNote(vera, L.noteBody())
            _ = try await L.createNote(vera, L.noteBody())
            #expect(try await L.share(vera, first.id, group.id).status == .ok)

            let browser = t.browser()
            try await browser.login("veileder1")
            let hub = try await browser.get("/refleksjon")
            L.expectRendered(hub, "/refleksjon")
            for href in ["/refleksjon/logg", "/refleksjon/grupper", "/refleksjon/moter", "/refleksjon/tiltak", "/refleksjon/case", "/refleksjon/notat", "/kontor/premisser"] {
                #expect(hub.text.contains("href=\"\(href)\""), "links \(href)")
            }
            #expect(!hub.text.contains("href=\"/kontor/laering\""), "not for a counselor")
            #expect(hub.text.contains(L.html(L.nb(t, "learning.hub.count_notes", "2"))))
            #expect(hub.text.contains(L.html(L.nb(t, "learning.hub.count_shared", "1"))))
            #expect(hub.text.contains(L.html(L.nb(t, "learning.hub.count_groups", "1"))))
            #expect(hub.text.contains(L.html(L.nb(t, "learning.hub.warning"))))

            let leader = t.browser()
            try await leader.login("leder1")
            let leaderHub = try await leader.get("/refleksjon")
            L.expectRendered(leaderHub, "/refleksjon")
            #expect(leaderHub.text.contains("href=\"/kontor/laering\""))
            #expect(leaderHub.text.contains(L.html(L.nb(t, "learning.hub.count_notes", "0"))))
            #expect(try await leader.get("/refleksjon/logg").status == .ok)
        }
    }
}
