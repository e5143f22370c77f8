@testable import App
import Fluent
import Foundation
import Testing
import Vapor

@Suite("CSRF: no state change without the session's token")
struct CSRFTests {
    /// Tries to create a user as admin; returns the response. The user must never appear.
    private func attemptCreate(_ t: TestApp, _ browser: Browser, fields: [(String, String)], headers: HTTPHeaders = [:], method: HTTPMethod = .POST, body: String? = nil) async throws -> Int {
        let officeID = try await t.office("9901").id!.uuidString
        var all = [("username", "snik"), ("displayName", "Snik"), ("officeID", officeID), ("roles[]", "veileder")] + fields
        if method != .POST || body != nil {
            var headers = headers
            if headers.contentType == nil { headers.contentType = .urlEncodedForm }
            let response = try await browser.send(method, "/admin/brukere", headers: headers, body: body ?? Browser.formEncode(all))
            return Int(response.status.code)
        }
        all = all.filter { $0.0 != "_csrf" || !$0.1.isEmpty }
        let response = try await browser.post("/admin/brukere", all, csrf: false, headers: headers)
        return Int(response.status.code)
    }

    @Test("Missing, wrong or foreign tokens give 403 and create nothing, whatever the content type or method")
    func refusesWithoutToken() async throws {
        try await withTestApp { t in
            let admin = t.browser()
            try await admin.login("admin")
            try await admin.get("/admin/brukere/ny")
            let token = try #require(admin.csrfToken)
            let other = t.browser()
            try await other.login("leder1")
            let otherToken = try #require(other.csrfToken)
            #expect(otherToken != token)

            #expect(try await attemptCreate(t, admin, fields: []) == 403, "no token")
            #expect(try await attemptCreate(t, admin, fields: [("_csrf", "feil")]) == 403, "wrong token")
            #expect(try await attemptCreate(t, admin, fields: [("_csrf", otherToken)]) == 403, "another session's token")
            #expect(try await attemptCreate(t, admin, fields: [("_method", "GET")]) == 403, "method override is not honoured")
            var json = HTTPHeaders(); json.contentType = .json
            #expect(try await attemptCreate(t, admin, fields: [], headers: json, body: #"{"username":"snik","_csrf":"\#(token)"}"#) == 403, "JSON body token is not accepted")
            var plain = HTTPHeaders(); plain.contentType = .plainText
            #expect(try await attemptCreate(t, admin, fields: [], headers: plain, body: "_csrf=\(token)&username=snik") == 403, "text/plain")
            var multipart = HTTPHeaders(); multipart.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=x")
            #expect(try await attemptCreate(t, admin, fields: [], headers: multipart, body: "--x\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nsnik\r\n--x--\r\n") == 403, "multipart without token")
            for method in [HTTPMethod.PUT, .PATCH, .DELETE, .OPTIONS] {
                #expect(try await attemptCreate(t, admin, fields: [], method: method) == 403, "\(method)")
            }
            #expect(try await User.query(on: t.db).filter(\.$username == "snik").count() == 0)
            let denied = try await t.auditEntries(.accessDenied).filter { $0.detail == "CSRF-token mangler eller er feil" }
            #expect(denied.count >= 10)
        }
    }

    @Test("The right token in the form or the header is accepted")
    func acceptsToken() async throws {
        try await withTestApp { t in
            let admin = t.browser()
            try await admin.login("admin")
            try await admin.get("/admin/brukere/ny")
            let token = try #require(admin.csrfToken)
            #expect(try await attemptCreate(t, admin, fields: [("_csrf", token)]) == 200)
            #expect(try await User.query(on: t.db).filter(\.$username == "snik").count() == 1)

            var headers = HTTPHeaders(); headers.replaceOrAdd(name: "X-CSRF-Token", value: token)
            let response = try await admin.post("/meg/innstillinger", [("locale", "en")], csrf: false, headers: headers)
            #expect(response.status == .seeOther)
            #expect(try await t.user("admin").locale == "en")
        }
    }

    @Test("The login form needs the pre-session token too")
    func loginNeedsToken() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            let response = try await browser.post("/logg-inn", [("username", "veileder1"), ("password", TestApp.demoPassword)], csrf: false)
            #expect(response.status == .forbidden)
            #expect(browser.cookies[AuthenticationMiddleware.sessionCookie] == nil)
            #expect(try await t.auditEntries(.login).isEmpty)
            // A token that does not match the cookie is refused as well.
            try await browser.get("/logg-inn")
            let forged = try await browser.post("/logg-inn", [("username", "veileder1"), ("password", TestApp.demoPassword), ("_csrf", "forfalsket")], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(try await t.auditEntries(.login).isEmpty)
        }
    }

    @Test("Logout without the token is refused and the session survives")
    func logoutNeedsToken() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            #expect(try await browser.post("/logg-ut", csrf: false).status == .forbidden)
            #expect(try await UserSession.query(on: t.db).count() == 1)
            #expect(try await browser.get("/").status == .ok)
        }
    }
}
