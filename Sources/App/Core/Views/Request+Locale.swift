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

/// `#t("key")` or `#t("key", arg, …)` in templates: the text in the request's language.
struct TranslateTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else {
            throw TemplateError(message: "#t needs a string key as its first parameter")
        }
        let args = ctx.parameters.dropFirst().map { $0.string ?? "" }
        guard let request = ctx.request else { return .string(key) }
        return .string(request.t(key, Array(args)))
    }
}

struct TemplateError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
