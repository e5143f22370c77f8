import Foundation
import SQLKit

/// Case-insensitive search that behaves the same on both databases. SQLite's `lower()` and `LIKE`
/// fold only ASCII, so "øyvind" would not find "Øyvind" there; instead a search column is
/// lowercased in Swift when the row is written, and the needle the same way.
public enum SearchText {
    public static func normalized(_ parts: String...) -> String {
        parts.joined(separator: " ").lowercased()
    }

    /// Lowercased, with accents removed and æ/ø/å also written as ae/o/a, so "oyvind" finds
    /// "Øyvind" and "sorensen" finds "Sørensen". Both the original and the folded letters are kept.
    public static func folded(_ parts: String...) -> String {
        let lower = parts.joined(separator: " ").lowercased()
        let ascii = lower
            .replacingOccurrences(of: "æ", with: "ae")
            .replacingOccurrences(of: "ø", with: "o")
            .replacingOccurrences(of: "å", with: "a")
            .folding(options: .diacriticInsensitive, locale: Locale(identifier: "en_US_POSIX"))
        return ascii == lower ? lower : lower + " " + ascii
    }

    /// A search needle folded the same way (one form only).
    public static func foldedNeedle(_ needle: String) -> String {
        needle.lowercased()
            .replacingOccurrences(of: "æ", with: "ae")
            .replacingOccurrences(of: "ø", with: "o")
            .replacingOccurrences(of: "å", with: "a")
            .folding(options: .diacriticInsensitive, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// `column LIKE '%needle%'` on a column written with `normalized` (or `folded`, with `folded: true`),
    /// with `%` and `_` taken literally. `column` may be `table.column`.
    public static func contains(_ column: String, _ needle: String, folded: Bool = false) -> any SQLExpression {
        let escaped = (folded ? foldedNeedle(needle) : normalized(needle))
            .replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        let parts = column.split(separator: ".")
        let target = parts.count == 2 ? SQLColumn(String(parts[1]), table: String(parts[0])) : SQLColumn(column)
        return SQLBinaryExpression(
            left: target,
            op: SQLRaw("LIKE"),
            right: SQLBinaryExpression(left: SQLBind("%" + escaped + "%"), op: SQLRaw("ESCAPE"), right: SQLLiteral.string("\\"))
        )
    }
}
