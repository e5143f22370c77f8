@testable import App
import Fluent
import Foundation
import Testing
import Vapor

@Suite("Logging in and out, lockout and idle timeout")
struct LoginTests {
    @Test("A counselor logs in, lands on the start page, and the login is audited with a stored session")
    func loginSucceeds() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            let response = try await browser.login("veileder1")
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/")
            let start = try await browser.get("/")
            #expect(start.status == .ok)
            #expect(start.text.contains("Hei, Vera Veileder"))
            #expect(start.text.contains("NAV Demo Nord"))

            let user = try await t.user("veileder1")
            let sessions = try await UserSession.query(on: t.db).filter(\.$user.$id == user.id!).all()
            #expect(sessions.count == 1)
            // Only a digest of the cookie is stored.
            let cookie = try #require(browser.cookies[AuthenticationMiddleware.sessionCookie])
            #expect(sessions[0].tokenHash == SecretToken.digest(cookie))
            let login = try #require(try await t.auditEntries(.login).first)
            #expect(login.actorUserID == user.id)
            #expect(login.objectID == user.id?.uuidString)
            #expect(login.outcome == "allowed")
            #expect(try await t.user("veileder1").lastLoginAt != nil)
        }
    }

    @Test("The session cookie is HttpOnly and SameSite=Lax, and Secure when configured")
    func cookieAttributes() async throws {
        try await withTestApp(configure: { $0.secureCookies = true }) { t in
            let browser = t.browser()
            let response = try await browser.login("veileder1")
            let header = try #require(response.headers[.setCookie].first { $0.hasPrefix("samskap_session=") })
            #expect(header.contains("HttpOnly"))
            #expect(header.contains("SameSite=Lax"))
            #expect(header.contains("Secure"))
        }
        try await withTestApp { t in
            let response = try await t.browser().login("veileder1")
            let header = try #require(response.headers[.setCookie].first { $0.hasPrefix("samskap_session=") })
            #expect(!header.contains("Secure"))
        }
    }

    @Test("A wrong password is refused, counted and audited; an unknown user looks the same")
    func wrongPassword() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.get("/logg-inn")
            let wrong = try await browser.post("/logg-inn", [("username", "veileder1"), ("password", "feil-passord")])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("Brukernavnet eller passordet er feil"))
            #expect(wrong.text.contains(#"value="veileder1""#), "the username is kept in the form")
            #expect(browser.cookies[AuthenticationMiddleware.sessionCookie] == nil)
            #expect(try await t.user("veileder1").failedLoginCount == 1)

            let unknown = try await browser.post("/logg-inn", [("username", "finnes-ikke"), ("password", "feil-passord")])
            #expect(unknown.status == .unauthorized)
            #expect(unknown.text.contains("Brukernavnet eller passordet er feil"))

            let failures = try await t.auditEntries(.loginFailed)
            #expect(failures.count == 2)
            #expect(failures.allSatisfy { $0.outcome == "denied" })
            #expect(failures.map(\.actorUsername) == ["finnes-ikke", "veileder1"])
        }
    }

    @Test("Five failures lock the account for 15 minutes; the right password is refused while locked")
    func lockout() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.get("/logg-inn")
            for _ in 1...5 {
                try await browser.post("/logg-inn", [("username", "veileder1"), ("password", "feil-passord")])
            }
            let locked = try await t.user("veileder1")
            let until = try #require(locked.lockedUntil)
            #expect(abs(until.timeIntervalSince(t.clock.now()) - 15 * 60) < 1)

            let refused = try await browser.post("/logg-inn", [("username", "veileder1"), ("password", TestApp.demoPassword)])
            #expect(refused.status == .unauthorized)
            #expect(refused.text.contains("sperret"))
            #expect(browser.cookies[AuthenticationMiddleware.sessionCookie] == nil)
            #expect(try await t.auditEntries(.loginFailed).first?.detail == "kontoen er sperret")

            t.clock.advance(by: 14 * 60)
            #expect(try await browser.post("/logg-inn", [("username", "veileder1"), ("password", TestApp.demoPassword)]).status == .unauthorized)

            t.clock.advance(by: 61)
            let accepted = try await browser.post("/logg-inn", [("username", "veileder1"), ("password", TestApp.demoPassword)])
            #expect(accepted.status == .seeOther)
            #expect(try await t.user("veileder1").failedLoginCount == 0)
        }
    }

    @Test("Logging out ends the session in the database and is audited")
    func logout() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let cookie = try #require(browser.cookies[AuthenticationMiddleware.sessionCookie])
            let response = try await browser.post("/logg-ut")
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/logg-inn?melding=utlogget")
            #expect(try await UserSession.query(on: t.db).count() == 0)
            #expect(try await t.auditEntries(.logout).count == 1)
            // The old cookie no longer opens anything.
            let stale = t.browser()
            stale.setCookie(AuthenticationMiddleware.sessionCookie, cookie)
            let start = try await stale.get("/")
            #expect(start.status == .seeOther)
            #expect(start.headers.first(name: .location)?.hasPrefix("/logg-inn") == true)
        }
    }

    @Test("After 30 idle minutes the session ends; activity keeps it alive")
    func idleTimeout() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            t.clock.advance(by: 29 * 60)
            #expect(try await browser.get("/").status == .ok)
            t.clock.advance(by: 29 * 60)
            #expect(try await browser.get("/").status == .ok, "29 minutes after the last request is still within the limit")
            t.clock.advance(by: 31 * 60)
            let expired = try await browser.get("/kontor")
            #expect(expired.status == .seeOther)
            #expect(expired.headers.first(name: .location) == "/logg-inn?neste=%2Fkontor&melding=utlopt")
            #expect(try await UserSession.query(on: t.db).count() == 0)
            #expect(try await t.auditEntries(.sessionExpired).count == 1)
            let page = try await browser.get("/logg-inn?melding=utlopt")
            #expect(page.text.contains("Du ble logget ut fordi du ikke hadde gjort noe på en stund"))
        }
    }

    @Test("The idle timeout is configurable")
    func configurableTimeout() async throws {
        try await withTestApp(configure: { $0.sessionIdleTimeout = 5 * 60 }) { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            t.clock.advance(by: 6 * 60)
            #expect(try await browser.get("/").status == .seeOther)
        }
    }

    @Test("After login the user returns to the page they asked for, but never to another site")
    func returnsToRequestedPage() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            let redirect = try await browser.get("/kontor")
            #expect(redirect.headers.first(name: .location) == "/logg-inn?neste=%2Fkontor")
            let page = try await browser.get("/logg-inn?neste=%2Fkontor")
            #expect(page.text.contains(#"name="neste" value="/kontor""#))
            let response = try await browser.post("/logg-inn", [("username", "veileder1"), ("password", TestApp.demoPassword), ("neste", "/kontor")])
            #expect(response.headers.first(name: .location) == "/kontor")

            let other = t.browser()
            try await other.get("/logg-inn")
            let evil = try await other.post("/logg-inn", [("username", "veileder1"), ("password", TestApp.demoPassword), ("neste", "//evil.example/")])
            #expect(evil.headers.first(name: .location) == "/")
        }
    }

    @Test("Empty fields get a clear message and nothing is counted")
    func emptyFields() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.get("/logg-inn")
            let response = try await browser.post("/logg-inn", [("username", ""), ("password", "")])
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("Skriv inn brukernavnet ditt."))
            #expect(response.text.contains("Skriv inn passordet ditt."))
            #expect(try await t.auditEntries(.loginFailed).isEmpty)
        }
    }
}
