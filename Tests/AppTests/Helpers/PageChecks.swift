@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// What page tests check again and again: text as Leaf escapes it, the error shown by a field,
/// a page rendered without template leftovers or raw string keys, the bokmål text of a key.
enum PageChecks {
    /// Text as Leaf writes it into a page.
    static func html(_ text: String) -> String {
        text.unicodeScalars.reduce(into: "") { out, scalar in
            switch scalar {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    /// The error shown for a form field id, if any.
    static func error(_ html: String, _ id: String) -> String? {
        guard let regex = try? Regex("<p class=\"field-error\" id=\"\(NSRegularExpression.escapedPattern(for: id))-error\">([^<]*)</p>"),
              let match = html.firstMatch(of: regex) else { return nil }
        return match.output[1].substring.map(String.init)
    }

    /// The page answered `status` and shows no template leftovers, and no raw string key starting
    /// with one of `keyPrefixes` (e.g. `["learning", "reflection"]`).
    static func expectRendered(_ response: TestingHTTPResponse, _ path: String, status: HTTPStatus = .ok, keyPrefixes: [String],
                               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(path) answered \(response.status.code): \(response.text.prefix(300))", sourceLocation: sourceLocation)
        for marker in ["LeafError", "LeafKit", "#(", "#t(", "#if(", "#else", "#endif", "#for(", "#endfor", "#extend(", "#export(", "Internal Server Error"] {
            #expect(!response.text.contains(marker), "\(path) shows \(marker)", sourceLocation: sourceLocation)
        }
        guard let regex = try? Regex("[>\"\\s]((?:\(keyPrefixes.joined(separator: "|")))\\.[a-z_]+\\.?[a-z_.]*)") else { return }
        let raw = response.text.matches(of: regex).compactMap { $0.output[1].substring.map(String.init) }
        #expect(raw.isEmpty, "\(path) shows raw string keys: \(raw)", sourceLocation: sourceLocation)
    }

    static func location(_ response: TestingHTTPResponse) -> String { response.headers.first(name: .location) ?? "" }

    static func nb(_ t: TestApp, _ key: String, _ args: [String]) -> String {
        t.app.samskap.strings.text(key, locale: "nb", args: args)
    }
}
