@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Bad input gives 4xx, never 500")
struct RobustnessTests {
    static let hostileValues = [
        "", "'", "\"><script>alert(1)</script>", "%00", "../../etc/passwd", "æøå ÆØÅ", String(repeating: "x", count: 10_000),
        "-1", "99999999999999999999", "00000000-0000-0000-0000-000000000000", "null", "[]", "{}",
    ]

    /// A counselor reaches the most handlers, so every value goes into every path parameter for them;
    /// the leader and the admin get a sample of five (empty, quote, script, long, a well-formed id),
    /// and routes without parameters the first three values in queries and bodies.
    static func values(for route: Route, username: String) -> [String] {
        guard route.path.contains(where: { if case .parameter = $0 { true } else { false } }) else { return Array(hostileValues.prefix(3)) }
        if username == "veileder1" { return hostileValues }
        return Array(hostileValues.prefix(3)) + [hostileValues[6], hostileValues[9]]
    }

    @Test("Every route, with hostile path parameters, query strings and bodies, answers below 500", arguments: ["admin", "veileder1", "leder1"])
    func everyRouteSurvivesHostileInput(username: String) async throws {
        try await withTestApp { t in
            let admin = t.browser()
            try await admin.login(username)
            let token = try await t.issueToken(for: username)
            var checked = 0
            for route in t.app.routes.all {
                for value in Self.values(for: route, username: username) {
                    let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                    let path = "/" + route.path.map { component -> String in
                        if case .parameter = component { return encoded.isEmpty ? "x" : encoded }
                        return component.description
                    }.joined(separator: "/")
                    var headers = HTTPHeaders()
                    if path.hasPrefix("/api/") { headers.bearerAuthorization = .init(token: token) }
                    let response: TestingHTTPResponse
                    if route.method == .GET {
                        response = try await admin.send(.GET, path + "?q=\(encoded)&person=\(encoded)&fra=\(encoded)&foer=\(encoded)&neste=\(encoded)&filter=\(encoded)&sort=\(encoded)&side=\(encoded)&page=\(encoded)", headers: headers)
                    } else {
                        if path == "/logg-ut" { continue }
                        let fields = ["username", "displayName", "officeID", "roles[]", "enhetNumber", "name", "locale", "current", "new", "confirmation", "password",
                                      "fnr", "firstName", "lastName", "phone", "email", "innsatsgruppe", "mainBenefit", "norwegianLevel", "strengths",
                                      "items[]", "party", "givenOn", "expiresOn", "form", "reason", "date", "counselorID", "situation", "decision",
                                      "hybridMin", "hybridMax", "columns[]", "q"]
                            .map { ($0, value) }
                        response = try await admin.post(path, fields, headers: headers)
                    }
                    #expect(response.status.code < 500, "\(route.method) \(path.prefix(80)) answered \(response.status.code)")
                    checked += 1
                }
            }
            #expect(checked > 150)
            for path in ["/css/" + String(repeating: "x", count: 5_000), "/css/../Package.swift", "/css/%2e%2e/%2e%2e/Package.swift", "/finnes/ikke/" + String(repeating: "y", count: 5_000)] {
                let response = try await admin.get(path)
                #expect([.notFound, .forbidden].contains(response.status), "\(path.prefix(40)) answered \(response.status.code)")
                #expect(!response.text.contains("swift-tools-version"))
            }
            // Malformed bodies of every kind to a form route.
            try await admin.get("/admin/kontorer")
            for (type, body) in [("application/json", "{not json"), ("application/x-www-form-urlencoded", "%%%=&&="), ("multipart/form-data; boundary=z", "--z\r\nbroken"), ("application/xml", "<a/>")] {
                var headers = HTTPHeaders()
                headers.replaceOrAdd(name: .contentType, value: type)
                headers.replaceOrAdd(name: "X-CSRF-Token", value: admin.csrfToken ?? "")
                let response = try await admin.send(.POST, "/admin/kontorer", headers: headers, body: body)
                #expect((400..<500).contains(response.status.code), "\(type) answered \(response.status.code)")
            }
        }
    }
}
