@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The demo's reflection data, and the counselor's open actions on the start page.
@Suite("Reflection demo data and the start page's actions")
struct DemoReflectionTests {
    @Test("The demo office has groups, held and planned sessions, actions, notes, an office note in two versions, two premise rounds and resources")
    func demoData() async throws {
        try await withTestApp { t in
            let office = try await t.office("9901").requireID()
            let groups = try await ReflectionGroup.query(on: t.db).filter(\.$office.$id == office).all()
            #expect(Set(groups.map(\.kind)) == [.allHybrid, .caseDiscussion])
            let sessions = try await ReflectionSession.query(on: t.db).filter(\.$office.$id == office).all()
            #expect(sessions.count == 4)
            #expect(sessions.filter { $0.heldAt != nil }.count == 3)
            #expect(sessions.filter { $0.startsAt > t.clock.now() }.count == 1)
            let actions = try await ReflectionAction.query(on: t.db).filter(\.$office.$id == office).all()
            #expect(actions.count == 4 && actions.filter { $0.doneAt == nil }.count == 3)
            let themes = try await ReflectionThemeTag.query(on: t.db).filter(\.$office.$id == office).all()
            #expect(themes.contains { $0.isFree } && themes.contains { $0.theme == ReflectionTheme.mentorRole.rawValue })
            let notes = try await LearningNote.query(on: t.db).filter(\.$office.$id == office).all()
            #expect(notes.count == 3 && notes.filter { $0.sharedAt != nil }.count == 2)

            let note = try #require(try await ReflectionNote.query(on: t.db).filter(\.$office.$id == office).first())
            #expect(note.currentVersion == 2)
            #expect(try await ReflectionNoteVersion.query(on: t.db).filter(\.$note.$id == note.requireID()).count() == 2)
            let signoffs = try await ReflectionNoteSignoff.query(on: t.db).filter(\.$note.$id == note.requireID()).all()
            #expect(signoffs.filter { $0.version == 2 }.count == 2 && signoffs.filter { $0.version == 1 }.count == 1)

            let checks = try await PremiseCheck.query(on: t.db).filter(\.$office.$id == office).all()
            #expect(checks.count == 2 && checks.filter { $0.closedAt == nil }.count == 1)
            #expect(try await PathwayResource.query(on: t.db).filter(\.$office.$id == office).count() == 3)
        }
    }

    @Test("The demo's shared case presentation is on the next session's agenda and names no one from its pathway")
    func demoCasePresentation() async throws {
        try await withTestApp { t in
            let presentation = try #require(try await CasePresentation.query(on: t.db).filter(\.$question == DemoReflection.caseQuestion).first())
            #expect(presentation.sharedAt != nil)
            let item = try #require(try await ReflectionAgendaItem.query(on: t.db).filter(\.$casePresentation.$id == presentation.requireID()).first())
            #expect(item.kind == .casePresentation)
            let pathwayID = try #require(presentation.$pathway.id)
            let ids = try #require(try await Pseudonymiser.Identifiers.load(pathwayID: pathwayID, on: t.db))
            let text = [presentation.challenges, presentation.tried, presentation.criteria, presentation.question].joined(separator: "\n")
            #expect(Pseudonymiser(ids).findings(in: text).isEmpty)
            #expect(!ids.candidateFirstName.isEmpty && !text.contains(ids.candidateFirstName) && !text.contains(ids.candidateLastName))
            for name in ids.mentorNames + ids.employerNames { #expect(!text.contains(name), "\(name) is not in the presentation") }
            #expect(!text.contains(try #require(ids.nationalID)))
        }
    }

    @Test("The start page lists the owner's open actions, overdue marked, and not done ones, others' or those of a cancelled session")
    func startPageActions() async throws {
        try await withTestApp { t in
            let vera = t.browser()
            try await vera.login("veileder1")
            let page = try await vera.get("/")
            #expect(page.status == .ok)
            let nb = { (key: String, args: [String]) in t.app.samskap.strings.text(key, locale: "nb", args: args) }
            #expect(page.body.string.contains(nb("home.reflection_actions.heading", [])))
            #expect(page.body.string.contains("Ringe alle mentorer to uker etter oppstart"))
            #expect(page.body.string.contains("Skrive gjort – lært – lurt etter neste startmøte"))
            let overdue = try #require(try await ReflectionAction.query(on: t.db).filter(\.$title == "Skrive gjort – lært – lurt etter neste startmøte").first())
            #expect(page.body.string.contains(nb("home.reflection_actions.overdue", [DisplayDate.date(overdue.dueOn)])))
            #expect(!page.body.string.contains("Ta opp skjermet tid"), "the leader's action is the leader's")

            // An action from a cancelled session leaves the start page; a done one too.
            let veraID = try await t.user("veileder1").requireID()
            let session = try #require(try await ReflectionSession.query(on: t.db).filter(\.$heldAt == nil).filter(\.$office.$id == t.office("9901").requireID()).first())
            let action = ReflectionAction()
            action.$office.id = session.$office.id
            action.$session.id = try session.requireID()
            action.title = "Tiltak fra et møte som ble avlyst"
            action.$owner.id = veraID
            action.dueOn = t.clock.now()
            action.createdAt = t.clock.now()
            action.$createdBy.id = veraID
            try await action.create(on: t.db)
            #expect(try await vera.get("/").body.string.contains("Tiltak fra et møte som ble avlyst"))
            session.cancelledAt = t.clock.now()
            try await session.save(on: t.db)
            #expect(!(try await vera.get("/").body.string.contains("Tiltak fra et møte som ble avlyst")))
            overdue.doneAt = t.clock.now()
            try await overdue.save(on: t.db)
            #expect(!(try await vera.get("/").body.string.contains("Skrive gjort – lært – lurt etter neste startmøte")))

            let viktor = t.browser()
            try await viktor.login("veileder2")
            let other = try await viktor.get("/").body.string
            #expect(!other.contains("Ringe alle mentorer to uker etter oppstart"))
        }
    }
}
