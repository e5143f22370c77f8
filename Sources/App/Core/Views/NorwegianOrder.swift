import Foundation

/// The order of a Norwegian list of names: letters whatever their case, then æ, ø and å after z in
/// that order; letters with accents with their base letter (é with e), except ä, ö and ü, which
/// Norwegian files with æ, ø and y; ł, đ, ð and ı with l, d, d and i; ß, þ and œ as ss, th and oe. A
/// name typed with combining accents (decomposed) sorts as the same name typed precomposed. "Aa" is
/// not read as å. Names the same by this order are ordered by their Unicode scalars (precomposed),
/// then by a second key (an id), then by the scalars as typed, so that a list comes out the same
/// whatever order it went in.
///
/// Foundation's `localizedCompare` follows the process's locale, which on the server is not
/// Norwegian: it put "Åse" and "Ærle" before "Bjørn", and "Øystein" with the o's. It also cost
/// 4.7 % of the quality page's CPU; here a key per name is worked out once.
enum NorwegianOrder {
    /// `items` sorted by the Norwegian order of `name`, then by `then`.
    static func sorted<T>(_ items: some Sequence<T>, by name: (T) -> String, then: (T) -> String) -> [T] {
        items.map { item -> (key: [UInt32], composed: [Unicode.Scalar], then: String, scalars: [Unicode.Scalar], item: T) in
            let text = name(item)
            return (key(text), Array(text.precomposedStringWithCanonicalMapping.unicodeScalars), then(item), Array(text.unicodeScalars), item)
        }
        .sorted { a, b in
            // Each step compares scalars, never `String ==`, which takes a name typed precomposed
            // and the same name typed decomposed as equal: the steps would then not agree.
            if a.key != b.key { return a.key.lexicographicallyPrecedes(b.key) }
            if a.composed != b.composed { return a.composed.lexicographicallyPrecedes(b.composed) }
            if !a.then.unicodeScalars.elementsEqual(b.then.unicodeScalars) {
                return a.then.unicodeScalars.lexicographicallyPrecedes(b.then.unicodeScalars)
            }
            return a.scalars.lexicographicallyPrecedes(b.scalars)
        }
        .map(\.item)
    }

    /// Names alone, sorted.
    static func sorted(_ names: some Sequence<String>) -> [String] {
        sorted(names, by: { $0 }, then: { _ in "" })
    }

    /// The text's sort key: one number per letter, lowercased, each scalar's value times four, with
    /// æ, ø and å put between z and the next scalar. Combining marks are left out.
    static func key(_ text: String) -> [UInt32] {
        var key: [UInt32] = []
        key.reserveCapacity(text.utf8.count)
        for scalar in text.precomposedStringWithCanonicalMapping.lowercased().unicodeScalars {
            if scalar.isASCII {
                key.append(scalar.value * 4)
            } else if let weights = special(scalar) {
                key.append(contentsOf: weights)
            } else if scalar.properties.generalCategory != .nonspacingMark {
                // A letter with accents sorts with its base letter, the first scalar of its canonical
                // decomposition; a with a ring (ǻ) as å, and a base of æ or ø (ǽ, ǿ) as that letter.
                let parts = Array(String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars)
                let base = parts.first ?? scalar
                if base == "a", parts.contains("\u{30A}") {
                    key.append(afterZ + 3)
                } else {
                    key.append(contentsOf: special(base) ?? [base.value * 4])
                }
            }
        }
        return key
    }

    /// The letters Norwegian files in a place of their own or as other letters.
    private static func special(_ scalar: Unicode.Scalar) -> [UInt32]? {
        switch scalar {
        case "æ", "ä": [afterZ + 1]
        case "ø", "ö": [afterZ + 2]
        case "å": [afterZ + 3]
        case "ü": [ascii("y")]
        case "ł": [ascii("l")]
        case "đ", "ð": [ascii("d")]
        case "ı": [ascii("i")]
        case "ß": [ascii("s"), ascii("s")]
        case "þ": [ascii("t"), ascii("h")]
        case "œ": [ascii("o"), ascii("e")]
        default: nil
        }
    }

    private static func ascii(_ letter: Unicode.Scalar) -> UInt32 { letter.value * 4 }

    private static let afterZ = UInt32(UInt8(ascii: "z")) * 4
}
