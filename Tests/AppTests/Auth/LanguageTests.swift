@testable import App
import Foundation
import Testing
import Vapor

@Suite("Bokmål and English")
struct LanguageTests {
    @Test("The browser's language is used until the user chooses one")
    func languageChoice() async throws {
        try await withTestApp { t in
            var english = HTTPHeaders()
            english.replaceOrAdd(name: .acceptLanguage, value: "en-GB,en;q=0.9")
            let browser = t.browser()
            let login = try await browser.get("/logg-inn", headers: english)
            #expect(login.text.contains("Log in to Samskap"))
            #expect(login.text.contains(#"<html lang="en">"#))
            #expect(try await browser.get("/logg-inn").text.contains("Logg inn i Samskap"))

            try await browser.login("veileder1")
            try await browser.get("/meg")
            try await browser.post("/meg/innstillinger", [("locale", "en")])
            let start = try await browser.get("/")
            #expect(start.text.contains("Hello, Vera Veileder"))
            #expect(try await t.auditEntries(.userPreferencesChanged).first?.detail == "språk: en")

            try await browser.get("/meg")
            let bad = try await browser.post("/meg/innstillinger", [("locale", "klingon")])
            #expect(bad.status == .unprocessableEntity)
            #expect(try await t.user("veileder1").locale == "en")
        }
    }
}
