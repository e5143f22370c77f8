@testable import App
import Foundation
import NIOHTTP1
import Testing
import Vapor
import VaporTesting

/// A browser for request tests: keeps cookies, finds the CSRF token in the last page, posts forms.
final class Browser: @unchecked Sendable {
    let app: Application
    private(set) var cookies: [String: String] = [:]
    private(set) var lastPage = ""

    init(app: Application) { self.app = app }

    /// The `_csrf` value of the last page that had a form.
    var csrfToken: String? {
        guard let range = lastPage.range(of: #"name="_csrf" value="([^"]*)""#, options: .regularExpression) else { return nil }
        let match = String(lastPage[range])
        return match.components(separatedBy: "value=\"").last.map { String($0.dropLast()) }
    }

    @discardableResult
    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        try await send(.GET, path, headers: headers)
    }

    /// Posts a form. The page's CSRF token is added unless `csrf` is false or the fields already have one.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)] = [], csrf: Bool = true, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var fields = fields
        if csrf, !fields.contains(where: { $0.0 == "_csrf" }), let token = csrfToken { fields.append(("_csrf", token)) }
        var headers = headers
        if headers.contentType == nil { headers.contentType = .urlEncodedForm }
        return try await send(.POST, path, headers: headers, body: Self.formEncode(fields))
    }

    func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: String? = nil) async throws -> TestingHTTPResponse {
        var headers = headers
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        let response = try await app.testing().sendRequest(method, path, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for value in response.headers[.setCookie] {
            let pair = value.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), cookieValue = pair.count > 1 ? String(pair[1]) : ""
            if cookieValue.isEmpty || value.lowercased().contains("max-age=0") { cookies[name] = nil } else { cookies[name] = cookieValue }
        }
        if response.text.contains("_csrf") { lastPage = response.text }
        return response
    }

    /// Signs in through the login form, as a person would.
    @discardableResult
    func login(_ username: String, password: String = TestApp.demoPassword) async throws -> TestingHTTPResponse {
        try await get("/logg-inn")
        let response = try await post("/logg-inn", [("username", username), ("password", password)])
        if response.status == .seeOther, let location = response.headers.first(name: .location) {
            try await get(location)
        }
        return response
    }

    func forgetCookie(_ name: String) { cookies[name] = nil }
    func setCookie(_ name: String, _ value: String) { cookies[name] = value }

    static func formEncode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.map {
            "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)"
        }.joined(separator: "&")
    }
}
