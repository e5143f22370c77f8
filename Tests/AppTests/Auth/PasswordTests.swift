@testable import App
import Fluent
import Foundation
import Testing
import Vapor

@Suite("Changing passwords and temporary passwords")
struct PasswordTests {
    @Test("A user changes their password; other sessions end and the change is audited")
    func changePassword() async throws {
        try await withTestApp { t in
            let first = t.browser(), second = t.browser()
            try await first.login("veileder1")
            try await second.login("veileder1")
            try await first.get("/passord")
            let newPassword = "en helt ny og lang setning"
            let response = try await first.post("/passord", [("current", TestApp.demoPassword), ("new", newPassword), ("confirmation", newPassword)])
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/?melding=passord-endret")
            #expect(try await first.get("/").status == .ok)
            #expect(try await second.get("/").status == .seeOther, "the other browser is signed out")
            let user = try await t.user("veileder1")
            #expect(try await t.app.samskap.passwords.verify(newPassword, against: user.passwordHash))
            #expect(try await t.auditEntries(.passwordChanged).first?.objectID == user.id?.uuidString)
        }
    }

    @Test("Wrong current password and weak new passwords are explained, and nothing changes")
    func rejectsBadInput() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let before = try await t.user("veileder1").passwordHash
            try await browser.get("/passord")
            let response = try await browser.post("/passord", [("current", "feil"), ("new", "kort"), ("confirmation", "annen")])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("Nåværende passord er feil."))
            #expect(response.text.contains("Passordet må ha minst 12 tegn."))
            #expect(response.text.contains("De to nye passordene er ikke like."))
            #expect(try await t.user("veileder1").passwordHash == before)
            #expect(try await t.auditEntries(.passwordChanged).isEmpty)
        }
    }

    @Test("A temporary password must be replaced before anything else")
    func temporaryPasswordMustBeChanged() async throws {
        try await withTestApp { t in
            let created = try await UserAccounts(app: t.app, context: .cli).create(.init(
                username: "ny.veileder", displayName: "Ny Veileder", roles: [.veileder], officeID: try await t.office("9901").id
            ))
            let browser = t.browser()
            let login = try await browser.login("ny.veileder", password: created.temporaryPassword)
            #expect(login.headers.first(name: .location) == "/passord")
            let blocked = try await browser.get("/kontor")
            #expect(blocked.status == .seeOther)
            #expect(blocked.headers.first(name: .location) == "/passord")
            try await browser.get("/passord")
            let newPassword = "mitt eget gode passord"
            try await browser.post("/passord", [("current", created.temporaryPassword), ("new", newPassword), ("confirmation", newPassword)])
            #expect(try await browser.get("/kontor").status == .ok)
            #expect(try await t.user("ny.veileder").mustChangePassword == false)
        }
    }
}
