import LeafKit
import Vapor

extension Request {
    private struct LocaleKey: StorageKey { typealias Value = String }

    /// The user's chosen language, else the browser's, else bokmål.
    public var locale: String {
        if let cached = storage[LocaleKey.self] { return cached }
        let chosen = principal?.locale.flatMap { StringTables.locales.contains($0) ? $0 : nil }
            ?? StringTables.negotiate(acceptLanguage: headers.first(name: .acceptLanguage))
            ?? StringTables.defaultLocale
        storage[LocaleKey.self] = chosen
        return chosen
    }

    public func t(_ key: String, _ args: [String] = []) -> String {
        samskap.strings.text(key, locale: locale, args: args)
    }

    public func t(_ key: String, _ args: String...) -> String {
        t(key, args)
    }
}

/// `#t("key")` or `#t("key", arg, …)` in templates: the text in the request's language, escaped
/// for HTML as Leaf escapes `#(value)`.
///
/// It escapes the text itself (`HTMLText.appendEscaped`) instead of leaving that to Leaf: Leaf's
/// escaping converts every value through a table of converters it builds anew on each call, and a
/// page has fifty to a hundred of these tags. Arguments that are text or whole numbers are read
/// directly, for the same reason.
struct TranslateTag: UnsafeUnescapedLeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else {
            throw TemplateError(message: "#t needs a string key as its first parameter")
        }
        // The arguments as text: as Leaf's `string` gives them, without its converter table.
        return .string(HTMLText.text(ctx, key, ctx.parameters.dropFirst().map(HTMLText.string)))
    }
}

/// The texts in one page's language, found once per page and handed to `#t` with Leaf's user info,
/// instead of each `#t` finding the request, the app's texts and the language in the request's
/// storage (2 % of the pathway page's CPU, ninth session).
struct PageTexts: Sendable {
    static let userInfoKey = "samskap.pageTexts"

    let strings: StringTables
    let locale: String

    func text(_ key: String, _ args: [String] = []) -> String {
        strings.text(key, locale: locale, args: args)
    }
}

struct TemplateError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
