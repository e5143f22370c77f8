@testable import App
import Foundation
import Testing
import Vapor

@Suite("Security headers on every response")
struct HeadersTests {
    @Test("Pages, errors, static files, API and health all carry the headers")
    func everyResponse() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            let token = try await t.issueToken(for: "veileder1")
            var bearer = HTTPHeaders(); bearer.bearerAuthorization = .init(token: token)
            let responses = [
                try await browser.get("/logg-inn"),
                try await browser.get("/finnes-ikke"),
                try await browser.get("/css/app.css"),
                try await browser.get("/healthz"),
                try await browser.get("/api/v1/me"),
                try await browser.get("/api/v1/me", headers: bearer),
                try await browser.post("/logg-inn", csrf: false),
            ]
            for response in responses {
                let csp = try #require(response.headers.first(name: "Content-Security-Policy"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(csp.contains("script-src 'self'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(response.headers.first(name: "Referrer-Policy") == "same-origin")
            }
            #expect(responses[0].headers.first(name: .cacheControl) == "no-store")
        }
    }

    @Test("Templates contain no inline script or style, and nothing from another host")
    func noInlineScript() throws {
        let root = TestApp.packageRoot + "Resources/Views"
        let enumerator = FileManager.default.enumerator(atPath: root)!
        var checked = 0
        for case let file as String in enumerator where file.hasSuffix(".leaf") {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8).lowercased()
            #expect(!text.contains("<script"), "\(file)")
            #expect(!text.contains(" style="), "\(file)")
            #expect(!text.contains(" onclick="), "\(file)")
            #expect(!text.contains("http://") && !text.contains("https://"), "\(file) must not load from another host")
            checked += 1
        }
        #expect(checked >= 10)
    }
}
