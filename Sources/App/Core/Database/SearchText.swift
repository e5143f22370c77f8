import Foundation
import SQLKit

/// Case-insensitive search that behaves the same on both databases. SQLite's `lower()` and `LIKE`
/// fold only ASCII, so "øyvind" would not find "Øyvind" there; instead a search column is
/// lowercased in Swift when the row is written, and the needle the same way.
public enum SearchText {
    public static func normalized(_ parts: String...) -> String {
        parts.joined(separator: " ").lowercased()
    }

    /// `column LIKE '%needle%'` on a column written with `normalized`, with `%` and `_` taken literally.
    public static func contains(_ column: String, _ needle: String) -> any SQLExpression {
        let escaped = normalized(needle)
            .replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
        return SQLBinaryExpression(
            left: SQLColumn(column),
            op: SQLRaw("LIKE"),
            right: SQLBinaryExpression(left: SQLBind("%" + escaped + "%"), op: SQLRaw("ESCAPE"), right: SQLLiteral.string("\\"))
        )
    }
}
