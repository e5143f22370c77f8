@testable import App
import Foundation
import Testing
import Vapor
import Yams

@Suite("The JSON API under /api/v1")
struct APITests {
    private func bearer(_ token: String) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        return headers
    }

    @Test("GET /api/v1/me describes the token's owner; the token is stored only as a digest")
    func me() async throws {
        try await withTestApp { t in
            let token = try await t.issueToken(for: "veileder1")
            #expect(token.hasPrefix("smk_"))
            let stored = try #require(try await APIToken.query(on: t.db).first())
            #expect(stored.tokenHash == SecretToken.digest(token))
            #expect(stored.tokenHash != token)
            #expect(try await t.auditEntries(.tokenCreated).count == 1)

            let response = try await t.browser().get("/api/v1/me", headers: bearer(token))
            #expect(response.status == .ok)
            let me = try response.content.decode(MeDTO.self)
            #expect(me.username == "veileder1")
            #expect(me.displayName == "Vera Veileder")
            #expect(me.roles == ["veileder"])
            #expect(me.office?.enhetNumber == "9901")
            #expect(me.locale == "nb")
        }
    }

    @Test("Cookies never open the API; unknown tokens are refused with problem+json and audited")
    func bearerOnly() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("admin")
            let withCookie = try await browser.get("/api/v1/me")
            #expect(withCookie.status == .unauthorized)
            #expect(withCookie.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
            #expect(withCookie.headers.first(name: .wwwAuthenticate) == "Bearer")
            let problem = try JSONDecoder().decode(ProblemDocument.self, from: Data(withCookie.text.utf8))
            #expect(problem.status == 401)
            #expect(problem.detail.contains("Bearer <token>"))
            #expect(problem.requestId.isEmpty == false)

            let forged = try await browser.get("/api/v1/me", headers: bearer("smk_forfalsket"))
            #expect(forged.status == .unauthorized)
            #expect(forged.text.contains("Tokenet er ukjent"))
            #expect(try await t.auditEntries(.tokenRejected).count == 1)
        }
    }

    @Test("Offices: admins see all, staff their own; bad input is 422 with the field, unknown is 404")
    func offices() async throws {
        try await withTestApp { t in
            let admin = try await t.issueToken(for: "admin")
            let all = try await t.browser().get("/api/v1/offices", headers: bearer(admin))
            #expect(try all.content.decode(OfficeListDTO.self).items.map(\.name) == ["NAV Demo Nord", "NAV Demo Sør"])

            let bad = try await t.browser().get("/api/v1/offices/99x1", headers: bearer(admin))
            #expect(bad.status == .unprocessableEntity)
            let problem = try JSONDecoder().decode(ProblemDocument.self, from: Data(bad.text.utf8))
            #expect(problem.errors?.first?.field == "enhetNumber")
            #expect(problem.errors?.first?.message == "Enhetsnummeret må være fire sifre.")

            let missing = try await t.browser().get("/api/v1/offices/1234", headers: bearer(admin))
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("finnes ikke"), "unknown and not-yours look the same")
            let unknownRoute = try await t.browser().get("/api/v1/finnes-ikke", headers: bearer(admin))
            #expect(unknownRoute.status == .notFound)
            #expect(unknownRoute.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
        }
    }

    @Test("Problems are in English when the client asks for English")
    func englishProblems() async throws {
        try await withTestApp { t in
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .acceptLanguage, value: "en")
            let response = try await t.browser().get("/api/v1/me", headers: headers)
            #expect(response.text.contains("You must be logged in"))
        }
    }

    @Test("/healthz answers ok when the database answers, 503 when it does not")
    func health() async throws {
        try await withTestApp(demo: false) { t in
            let response = try await t.browser().get("/healthz")
            #expect(response.status == .ok)
            #expect(response.text == #"{"status":"ok"}"#)
        }
        // A database nobody listens on: the app still answers, with 503.
        let app = try await Application.make(.testing)
        app.directory = DirectoryConfiguration(workingDirectory: TestApp.packageRoot)
        app.logger.logLevel = .critical
        do {
            try await App.configure(app, config: AppConfig(database: .postgres(url: "postgres://nobody@127.0.0.1:9/none"), bcryptCost: 4))
            let response = try await app.testing().sendRequest(.GET, "/healthz")
            #expect(response.status == .serviceUnavailable)
            #expect(response.body.string == #"{"status":"unavailable"}"#)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test("openapi.yaml describes every implemented /api route and is served")
    func openAPIDescribesRoutes() async throws {
        try await withTestApp(demo: false) { t in
            let text = try String(contentsOfFile: TestApp.packageRoot + "openapi.yaml", encoding: .utf8)
            let document = try #require(try Yams.load(yaml: text) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: Any])
            var described: Set<String> = []
            for (path, item) in paths {
                for method in (item as? [String: Any] ?? [:]).keys { described.insert("\(method.uppercased()) \(path)") }
            }
            let implemented = t.app.routes.all
                .filter { $0.path.first?.description == "api" }
                .map { route in
                    "\(route.method.rawValue) /" + route.path.map { component in
                        if case let .parameter(name) = component { return "{\(name)}" }
                        return component.description
                    }.joined(separator: "/")
                }
            #expect(implemented.count >= 4)
            let missing = implemented.filter { !described.contains($0) }
            #expect(missing.isEmpty, "routes missing from openapi.yaml: \(missing)")

            let served = try await t.browser().get("/api/openapi.yaml")
            #expect(served.status == .ok)
            #expect(served.text == text)
        }
    }
}
