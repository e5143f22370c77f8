import Foundation

/// The UI's texts in bokmål and English, from `Resources/Strings/{nb,en}.json` and `Resources/Strings/{nb,en}/*.json`.
public struct StringTables: Sendable {
    public static let locales = ["nb", "en"]
    public static let defaultLocale = "nb"

    public let tables: [String: [String: String]]

    public init(tables: [String: [String: String]]) {
        self.tables = tables
    }

    /// Loads every locale: `{locale}.json` and, merged into it, every `{locale}/*.json` (one file
    /// per feature). A missing or malformed file, or a key defined twice, stops the app at start.
    public static func load(from directory: String) throws -> StringTables {
        var tables: [String: [String: String]] = [:]
        for locale in locales {
            let path = directory + "/" + locale + ".json"
            guard FileManager.default.fileExists(atPath: path) else { throw StringTableError.missingFile(path) }
            var table = try read(path)
            let parts = ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + locale)) ?? [])
                .filter { $0.hasSuffix(".json") }.sorted()
            for part in parts {
                let partPath = directory + "/" + locale + "/" + part
                for (key, value) in try read(partPath) {
                    guard table[key] == nil else { throw StringTableError.malformed(partPath, "\(key) is defined twice") }
                    table[key] = value
                }
            }
            tables[locale] = table
        }
        return StringTables(tables: tables)
    }

    private static func read(_ path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw StringTableError.missingFile(path) }
        do {
            return try JSONDecoder().decode([String: String].self, from: data)
        } catch {
            throw StringTableError.malformed(path, String(describing: error))
        }
    }

    /// The text for `key`, with `{0}`, `{1}` … replaced by `args`. Falls back to bokmål, then to the key.
    public func text(_ key: String, locale: String, args: [String] = []) -> String {
        let text = tables[locale]?[key] ?? tables[Self.defaultLocale]?[key] ?? key
        return args.isEmpty ? text : Self.fill(text, args)
    }

    /// `{n}` replaced by `args[n]`, in one pass: an argument is never searched for placeholders
    /// itself (a name typed as "{1}" stays as typed), and a placeholder without an argument stays.
    /// Foundation's `replacingOccurrences` per argument was a twentieth of the pathway page's CPU.
    static func fill(_ text: String, _ args: [String]) -> String {
        let utf8 = Array(text.utf8)
        var result = ""
        result.reserveCapacity(utf8.count + args.reduce(0) { $0 + $1.utf8.count })
        var copied = 0, index = 0
        while index < utf8.count {
            guard utf8[index] == UInt8(ascii: "{") else { index += 1; continue }
            var end = index + 1, number = 0
            while end < utf8.count, end - index <= 3, (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(utf8[end]) {
                number = number * 10 + Int(utf8[end] - UInt8(ascii: "0"))
                end += 1
            }
            // `{0}` to `{999}`, written without leading zeros.
            let digits = end - index - 1
            guard digits > 0, digits == 1 || utf8[index + 1] != UInt8(ascii: "0"), end < utf8.count, utf8[end] == UInt8(ascii: "}"),
                  number < args.count else { index += 1; continue }
            result += String(decoding: utf8[copied ..< index], as: UTF8.self)
            result += args[number]
            index = end + 1
            copied = index
        }
        result += String(decoding: utf8[copied...], as: UTF8.self)
        return result
    }

    /// Picks a supported locale from an Accept-Language header, honouring q-values.
    public static func negotiate(acceptLanguage: String?) -> String? {
        guard let acceptLanguage, !acceptLanguage.isEmpty else { return nil }
        let ranked = acceptLanguage.split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (tag, quality)
        }
        for (tag, quality) in ranked.sorted(by: { $0.1 > $1.1 }) where quality > 0 {
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            switch primary {
            case "nb", "no", "nn": return "nb"
            case "en": return "en"
            default: continue
            }
        }
        return nil
    }
}

public enum StringTableError: Error, CustomStringConvertible {
    case missingFile(String)
    case malformed(String, String)

    public var description: String {
        switch self {
        case let .missingFile(path): "Finner ikke tekstfilen \(path)"
        case let .malformed(path, problem): "Tekstfilen \(path) er ikke gyldig JSON med tekst-verdier: \(problem)"
        }
    }
}
