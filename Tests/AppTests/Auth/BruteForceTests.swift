@testable import App
import Fluent
import FluentKit
import Foundation
import Testing
import Vapor

@Suite("Guessing passwords")
struct BruteForceTests {
    @Test("Twenty parallel guesses get at most five password checks, then the right password is refused")
    func parallelGuesses() async throws {
        try await withTestApp { t in
            let service = LoginService(app: t.app, requestID: nil)
            let outcomes = try await withThrowingTaskGroup(of: LoginService.Outcome.self) { group in
                for index in 0..<20 {
                    group.addTask { try await service.attempt(username: "veileder1", password: "gjett-\(index)") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .invalid }.count == 4)
            #expect(outcomes.filter { if case .locked = $0 { true } else { false } }.count == 16)
            let checked = try await t.auditEntries(.loginFailed).filter { $0.detail?.hasPrefix("feil passord") == true }
            #expect(checked.count == 5, "only five guesses were checked against the password")
            let right = try await service.attempt(username: "veileder1", password: TestApp.demoPassword)
            #expect(right != .invalid)
            if case .success = right { Issue.record("the right password must be refused while locked") }
        }
    }

    @Test("A wrong current password on the password page counts toward the lockout")
    func passwordPageCounts() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            for _ in 1...5 {
                try await browser.get("/passord")
                let response = try await browser.post("/passord", [("current", "gjetning"), ("new", "et nytt langt passord"), ("confirmation", "et nytt langt passord")])
                #expect(response.status == .unprocessableEntity)
            }
            #expect(try await t.user("veileder1").lockedUntil != nil)
            try await browser.get("/passord")
            let locked = try await browser.post("/passord", [("current", TestApp.demoPassword), ("new", "et nytt langt passord"), ("confirmation", "et nytt langt passord")])
            #expect(locked.text.contains("Kontoen er sperret"))
            #expect(try await t.app.samskap.passwords.verify(TestApp.demoPassword, against: try await t.user("veileder1").passwordHash))
            #expect(try await t.auditEntries(.passwordChangeFailed).count == 5)
        }
    }

    @Test("Text typed into the username field is not kept in the audit trail unless it is a valid username")
    func mistypedPasswordNotLogged() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.get("/logg-inn")
            try await browser.post("/logg-inn", [("username", "Mitt Hemmelige Passord!"), ("password", "x")])
            try await browser.post("/logg-inn", [("username", "ukjent.bruker"), ("password", "x")])
            let entries = try await t.auditEntries(.loginFailed)
            #expect(entries.map(\.actorUsername) == ["ukjent.bruker", "(ugyldig brukernavn)"])
        }
    }
}

@Suite("Errors from the database")
struct DatabaseErrorTests {
    struct UniqueViolation: DatabaseError, Error {
        var isSyntaxError: Bool { false }
        var isConstraintFailure: Bool { true }
        var isConnectionClosed: Bool { false }
    }

    @Test("A uniqueness race becomes 409 with a message, not 500")
    func constraintIsConflict() {
        let problem = SamskapErrorMiddleware.problem(for: UniqueViolation())
        #expect(problem.status == .conflict)
        #expect(problem.key == "problem.conflict")
    }
}
