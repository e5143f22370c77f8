@testable import App
import Fluent
import Foundation
import Testing
import Vapor

@Suite("Admin pages for users and offices")
struct UserAdminTests {
    @Test("An admin creates a counselor; the temporary password is shown once and works")
    func createUser() async throws {
        try await withTestApp { t in
            let admin = t.browser()
            try await admin.login("admin")
            try await admin.get("/admin/brukere/ny")
            let office = try await t.office("9902")
            let response = try await admin.post("/admin/brukere", [
                ("username", "Kari.Nord"), ("displayName", "Kari Nordmann"), ("officeID", office.id!.uuidString),
                ("roles[]", "veileder"), ("roles[]", "markedskontakt"),
            ])
            #expect(response.status == .ok)
            #expect(response.text.contains("Midlertidig passord"))
            let user = try await t.user("kari.nord")
            #expect(user.displayName == "Kari Nordmann")
            #expect(user.$office.id == office.id)
            #expect(user.roles == [.veileder, .markedskontakt])
            #expect(user.mustChangePassword)
            #expect(!user.isDemo)
            let created = try #require(try await t.auditEntries(.userCreated).first)
            #expect(created.actorUsername == "admin")
            #expect(created.objectID == user.id?.uuidString)
            #expect(created.officeID == office.id)

            let password = try #require(response.text.firstMatch(of: /<code>([a-z0-9-]{19})<\/code>/)?.1)
            let kari = t.browser()
            let login = try await kari.login("kari.nord", password: String(password))
            #expect(login.headers.first(name: .location) == "/passord")
        }
    }

    @Test("Invalid input is explained field by field and nothing is created")
    func createUserValidation() async throws {
        try await withTestApp { t in
            let admin = t.browser()
            try await admin.login("admin")
            try await admin.get("/admin/brukere/ny")
            let response = try await admin.post("/admin/brukere", [("username", "1<b>"), ("displayName", ""), ("officeID", ""), ("roles[]", "veileder")])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("Brukernavnet må ha 2–32 tegn"))
            #expect(response.text.contains("Skriv navnet"))
            #expect(response.text.contains("Velg kontor"))
            #expect(response.text.contains(#"value="1&lt;b&gt;""#), "the input is kept, escaped")
            let taken = try await admin.post("/admin/brukere", [("username", "veileder1"), ("displayName", "Dobbel"), ("officeID", try await t.office("9901").id!.uuidString), ("roles[]", "veileder")])
            #expect(taken.status == .unprocessableEntity)
            #expect(taken.text.contains("Brukernavnet er allerede i bruk."))
            let external = try await admin.post("/admin/brukere", [("username", "mentor9"), ("displayName", "Mentor"), ("roles[]", "mentor")])
            #expect(external.text.contains("Mentorer og arbeidsgivere får tilgang ved invitasjon"))
            #expect(try await User.query(on: t.db).count() == 10)
            #expect(try await t.auditEntries(.userCreated).allSatisfy { $0.actorUsername == "cli" })
        }
    }

    @Test("Hostile input is stored as typed and shown escaped")
    func hostileInput() async throws {
        try await withTestApp { t in
            let admin = t.browser()
            try await admin.login("admin")
            let vera = try await t.user("veileder1")
            try await admin.get("/admin/brukere/\(vera.id!)")
            let hostile = #"<script>alert("x")</script> Æøå 'sitat'"#
            let saved = try await admin.post("/admin/brukere/\(vera.id!)", [("displayName", hostile), ("officeID", vera.$office.id!.uuidString), ("roles[]", "veileder")])
            #expect(saved.status == .seeOther)
            #expect(try await t.user("veileder1").displayName == hostile)
            let page = try await admin.get("/admin/brukere/\(vera.id!)")
            #expect(!page.text.contains("<script>alert"))
            #expect(page.text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Æøå &#39;sitat&#39;") || page.text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Æøå &#x27;sitat&#x27;"))

            let long = String(repeating: "å", count: 10_000)
            let tooLong = try await admin.post("/admin/brukere/\(vera.id!)", [("displayName", long), ("officeID", vera.$office.id!.uuidString), ("roles[]", "veileder")])
            #expect(tooLong.status == .unprocessableEntity)
            #expect(try await t.user("veileder1").displayName == hostile)

            let search = try await admin.get("/admin/brukere?q=%3Cscript%3E")
            #expect(search.status == .ok)
            #expect(search.text.contains("&lt;script&gt;alert"), "the renamed user is found by the hostile text, escaped")
            #expect(!search.text.contains("<script>alert"))
            #expect(search.text.contains(#"value="&lt;script&gt;""#))
            let percent = try await admin.get("/admin/brukere?q=%25")
            #expect(percent.text.contains("Ingen brukere passer søket."), "% is matched literally, not as a wildcard")
        }
    }

    @Test("Search finds Norwegian letters regardless of case, on both databases")
    func searchNorwegianLetters() async throws {
        try await withTestApp { t in
            _ = try await UserAccounts(app: t.app, context: .cli).create(.init(
                username: "oyvind", displayName: "Øyvind Ås", roles: [.veileder], officeID: try await t.office("9901").id
            ))
            let admin = t.browser()
            try await admin.login("admin")
            for query in ["øyvind", "ØYVIND", "ås", "yvind å"] {
                let page = try await admin.get("/admin/brukere?q=" + query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
                #expect(page.text.contains("Øyvind Ås"), "search for \(query)")
                #expect(!page.text.contains("Vera Veileder"), "search for \(query)")
            }
            #expect(try await t.auditEntries(.userList).first?.detail == "søk: yvind å")
        }
    }

    @Test("Changing roles and office is saved and audited with what changed")
    func updateRoles() async throws {
        try await withTestApp { t in
            let admin = t.browser()
            try await admin.login("admin")
            let vera = try await t.user("veileder1")
            let sor = try await t.office("9902")
            try await admin.get("/admin/brukere/\(vera.id!)")
            try await admin.post("/admin/brukere/\(vera.id!)", [("displayName", "Vera Veileder"), ("officeID", sor.id!.uuidString), ("roles[]", "leder"), ("roles[]", "veileder")])
            let updated = try await t.user("veileder1")
            #expect(updated.roles == [.leder, .veileder])
            #expect(updated.$office.id == sor.id)
            let entry = try #require(try await t.auditEntries(.userUpdated).first)
            #expect(entry.detail == "roller: veileder → leder,veileder; kontor endret")
        }
    }

    @Test("Deactivating signs the user out everywhere and stops logins; reactivating restores access")
    func deactivate() async throws {
        try await withTestApp { t in
            let vera = t.browser()
            try await vera.login("veileder1")
            let admin = t.browser()
            try await admin.login("admin")
            let user = try await t.user("veileder1")
            try await admin.get("/admin/brukere/\(user.id!)")
            let response = try await admin.post("/admin/brukere/\(user.id!)/deaktiver")
            #expect(response.status == .seeOther)
            #expect(try await t.user("veileder1").isActive == false)
            #expect(try await vera.get("/").status == .seeOther)
            let again = try await t.browser().login("veileder1")
            #expect(again.status == .unauthorized)
            #expect(try await t.auditEntries(.userDeactivated).first?.objectID == user.id?.uuidString)

            let token = try await t.issueToken(for: "veileder2")
            let vik = try await t.user("veileder2")
            try await admin.get("/admin/brukere/\(vik.id!)")
            try await admin.post("/admin/brukere/\(vik.id!)/deaktiver")
            var headers = HTTPHeaders(); headers.bearerAuthorization = .init(token: token)
            #expect(try await admin.get("/api/v1/me", headers: headers).status == .unauthorized, "tokens of a deactivated user stop working")

            try await admin.get("/admin/brukere/\(user.id!)")
            try await admin.post("/admin/brukere/\(user.id!)/aktiver")
            #expect(try await t.browser().login("veileder1").status == .seeOther)
        }
    }

    @Test("An admin cannot lock themselves out")
    func selfProtection() async throws {
        try await withTestApp { t in
            let admin = t.browser()
            try await admin.login("admin")
            let me = try await t.user("admin")
            try await admin.get("/admin/brukere/\(me.id!)")
            let deactivate = try await admin.post("/admin/brukere/\(me.id!)/deaktiver")
            #expect(deactivate.status == .conflict)
            try await admin.get("/admin/brukere/\(me.id!)")
            let demote = try await admin.post("/admin/brukere/\(me.id!)", [("displayName", "Demo Admin"), ("officeID", ""), ("roles[]", "leder")])
            #expect(demote.status == .unprocessableEntity)
            #expect(try await t.user("admin").roles == [.admin])
            #expect(try await t.user("admin").isActive)
        }
    }

    @Test("Resetting a password unlocks the account, ends sessions and requires a change")
    func resetPassword() async throws {
        try await withTestApp { t in
            let vera = t.browser()
            try await vera.login("veileder1")
            let user = try await t.user("veileder1")
            user.lockedUntil = t.clock.now().addingTimeInterval(600)
            try await user.save(on: t.db)
            let admin = t.browser()
            try await admin.login("admin")
            try await admin.get("/admin/brukere/\(user.id!)")
            let response = try await admin.post("/admin/brukere/\(user.id!)/nytt-passord")
            let password = try #require(response.text.firstMatch(of: /<code>([a-z0-9-]{19})<\/code>/)?.1)
            let fresh = try await t.user("veileder1")
            #expect(fresh.mustChangePassword)
            #expect(fresh.lockedUntil == nil)
            #expect(try await vera.get("/").status == .seeOther)
            #expect(try await t.browser().login("veileder1", password: String(password)).headers.first(name: .location) == "/passord")
            #expect(try await t.auditEntries(.userPasswordReset).count == 1)
        }
    }

    @Test("Offices are created with a four-digit unit number, unique, and renamed")
    func offices() async throws {
        try await withTestApp { t in
            let admin = t.browser()
            try await admin.login("admin")
            try await admin.get("/admin/kontorer")
            let created = try await admin.post("/admin/kontorer", [("enhetNumber", "1201"), ("name", "NAV Bergenhus")])
            #expect(created.status == .seeOther)
            let office = try await t.office("1201")
            #expect(office.name == "NAV Bergenhus")
            #expect(!office.isDemo)
            let list = try await admin.get("/admin/kontorer")
            #expect(list.text.contains("NAV Bergenhus"))
            let bad = try await admin.post("/admin/kontorer", [("enhetNumber", "12a"), ("name", "")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("Enhetsnummeret må være fire sifre."))
            let dup = try await admin.post("/admin/kontorer", [("enhetNumber", "1201"), ("name", "NAV Kopi")])
            #expect(dup.text.contains("Det finnes allerede et kontor med enhetsnummer 1201."))
            #expect(try await Office.query(on: t.db).count() == 3)
            try await admin.get("/admin/kontorer/\(office.id!)")
            try await admin.post("/admin/kontorer/\(office.id!)", [("name", "NAV Bergenhus og Årstad")])
            #expect(try await t.office("1201").name == "NAV Bergenhus og Årstad")
            #expect(try await t.auditEntries(.officeUpdated).count == 1)
        }
    }

    @Test("Users can revoke their own API tokens, and only their own")
    func revokeOwnToken() async throws {
        try await withTestApp { t in
            let token = try await t.issueToken(for: "veileder1")
            let otherToken = try await t.issueToken(for: "veileder2")
            let vera = t.browser()
            try await vera.login("veileder1")
            let page = try await vera.get("/meg")
            #expect(page.text.contains(String(token.prefix(10))))
            #expect(!page.text.contains(String(otherToken.prefix(10))))
            let mine = try #require(try await APIToken.query(on: t.db).filter(\.$prefix == String(token.prefix(10))).first())
            let theirs = try #require(try await APIToken.query(on: t.db).filter(\.$prefix == String(otherToken.prefix(10))).first())
            #expect(try await vera.post("/meg/tokens/\(theirs.id!)/trekk-tilbake").status == .notFound)
            try await vera.get("/meg")
            #expect(try await vera.post("/meg/tokens/\(mine.id!)/trekk-tilbake").status == .seeOther)
            var headers = HTTPHeaders(); headers.bearerAuthorization = .init(token: token)
            #expect(try await vera.get("/api/v1/me", headers: headers).status == .unauthorized)
            headers.bearerAuthorization = .init(token: otherToken)
            #expect(try await vera.get("/api/v1/me", headers: headers).status == .ok)
            #expect(try await t.auditEntries(.tokenRevoked).count == 1)
        }
    }
}
