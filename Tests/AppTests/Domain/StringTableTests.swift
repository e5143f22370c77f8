@testable import App
import Foundation
import Testing

@Suite("Texts in bokmål and English")
struct StringTableTests {
    let tables = try! StringTables.load(from: TestApp.packageRoot + "Resources/Strings")

    @Test("Both languages have exactly the same keys, none empty")
    func sameKeys() throws {
        let nb = try #require(tables.tables["nb"]), en = try #require(tables.tables["en"])
        let missingInEnglish = Set(nb.keys).subtracting(en.keys).sorted()
        let missingInBokmal = Set(en.keys).subtracting(nb.keys).sorted()
        #expect(missingInEnglish.isEmpty, "missing in en.json: \(missingInEnglish)")
        #expect(missingInBokmal.isEmpty, "missing in nb.json: \(missingInBokmal)")
        #expect(nb.filter { $0.value.trimmingCharacters(in: .whitespaces).isEmpty }.isEmpty)
        #expect(en.filter { $0.value.trimmingCharacters(in: .whitespaces).isEmpty }.isEmpty)
    }

    @Test("Every key used in templates and code exists")
    func usedKeysExist() throws {
        let nb = try #require(tables.tables["nb"])
        var used: [String: String] = [:]
        let root = TestApp.packageRoot
        for (folder, pattern) in [
            ("Resources/Views", #"#t\("([a-z0-9_\-]+\.[a-z0-9_.\-]+)""#),
            ("Sources/App", #"(?:\.t|\bt)\("([a-z0-9_\-]+\.[a-z0-9_.\-]+)""#),
            ("Sources/App", #"key: "([a-z0-9_\-]+\.[a-z0-9_.\-]+)""#),
            ("Sources/App", #"\.init\("[A-Za-z]+", "([a-z0-9_\-]+\.[a-z0-9_.\-]+)""#),
        ] {
            let regex = try NSRegularExpression(pattern: pattern)
            let enumerator = FileManager.default.enumerator(atPath: root + folder)!
            for case let file as String in enumerator where file.hasSuffix(".leaf") || file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: root + folder + "/" + file, encoding: .utf8)
                for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    let key = String(text[Range(match.range(at: 1), in: text)!])
                    if !key.hasSuffix(".") { used[key] = file }
                }
            }
        }
        #expect(used.count > 100, "the key scan found too little; did a pattern break?")
        let missing = used.filter { nb[$0.key] == nil }.map { "\($0.key) (\($0.value))" }.sorted()
        #expect(missing.isEmpty, "keys used but missing: \(missing)")
    }

    @Test("Keys built at run time exist: roles, audit actions, flashes, error headings")
    func derivedKeysExist() throws {
        let nb = try #require(tables.tables["nb"])
        var keys = Role.allCases.map(\.labelKey) + AuditAction.all.map(\.labelKey) + Flash.allCases.map(\.messageKey)
        keys += ["bad_request", "unauthorized", "conflict", "forbidden", "not_found", "server"].map { "error.heading.\($0)" }
        keys += ["office", "audit", "users", "offices", "me"].flatMap { ["home.link.\($0).title", "home.link.\($0).description"] }
        keys += [AuditObjectType.user, AuditObjectType.office, AuditObjectType.apiToken, AuditObjectType.route, AuditObjectType.auditTrail].map { "audit.object.\($0)" }
        keys += [PasswordPolicy.Problem.tooShort, .tooLong, .sameAsUsername, .mismatch].map(\.messageKey)
        let missing = keys.filter { nb[$0] == nil }
        #expect(missing.isEmpty, "missing: \(missing)")
    }

    @Test("Arguments are filled in and unknown keys fall back visibly")
    func interpolation() {
        #expect(tables.text("home.greeting", locale: "nb", args: ["Vera"]) == "Hei, Vera")
        #expect(tables.text("home.greeting", locale: "en", args: ["Vera"]) == "Hello, Vera")
        #expect(tables.text("finnes.ikke", locale: "en") == "finnes.ikke")
    }

    @Test("Placeholders are filled in one pass: an argument is kept as typed, a placeholder without an argument stays")
    func placeholders() {
        #expect(StringTables.fill("{0} av {1}", ["3", "12"]) == "3 av 12")
        #expect(StringTables.fill("{1}, {0} og {1} igjen", ["a", "b"]) == "b, a og b igjen")
        #expect(StringTables.fill("{0}", ["{1}", "x"]) == "{1}", "an argument is not searched again")
        #expect(StringTables.fill("{0} {2} {x} {} { 1} {0", ["a", "b"]) == "a {2} {x} {} { 1} {0")
        #expect(StringTables.fill("Ærlig: {0}–{1} ✓", ["æ", "ø"]) == "Ærlig: æ–ø ✓")
        #expect(StringTables.fill("{10}:{1}", Array(repeating: "-", count: 10) + ["ti"]) == "ti:-")
        #expect(StringTables.fill("{0}{0}{0}", [""]) == "")
        #expect(StringTables.fill("{01} {00} {0}", ["a", "b"]) == "{01} {00} a", "a number with a leading zero is no placeholder")
        #expect(StringTables.fill("", ["a"]) == "")
        // The same as one replacement per argument wherever no argument holds a placeholder.
        let text = "Forløp {0} i steg {1} av {2}; {1} igjen"
        let args = ["Eli", "3", "5"]
        var sequential = text
        for (index, arg) in args.enumerated() { sequential = sequential.replacingOccurrences(of: "{\(index)}", with: arg) }
        #expect(StringTables.fill(text, args) == sequential)
    }
}
