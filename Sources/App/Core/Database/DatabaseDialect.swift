import Fluent
import SQLKit

/// The two databases Samskap runs on. Dialect-specific SQL lives here and nowhere else.
public enum DatabaseDialect: Sendable {
    case sqlite, postgres

    public init(_ db: any Database) {
        let name = (db as? any SQLDatabase)?.dialect.name ?? "sqlite"
        self = name.hasPrefix("postgres") ? .postgres : .sqlite
    }

    /// A case-insensitive "contains" filter for search boxes.
    public func containsInsensitive(_ column: String, _ needle: String) -> any SQLExpression {
        let pattern = "%" + needle.lowercased()
            .replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        return SQLBinaryExpression(
            left: SQLFunction("lower", args: SQLColumn(column)),
            op: SQLRaw("LIKE"),
            right: SQLBinaryExpression(left: SQLBind(pattern), op: SQLRaw("ESCAPE"), right: SQLLiteral.string("\\"))
        )
    }

    /// Statements that make a table refuse UPDATE and DELETE, so rows can only be appended.
    func appendOnlyTriggers(table: String) -> [String] {
        switch self {
        case .sqlite:
            [
                "CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table) BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END",
                "CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table) BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END",
            ]
        case .postgres:
            [
                """
                CREATE OR REPLACE FUNCTION samskap_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$
                """,
                "CREATE TRIGGER \(table)_append_only BEFORE UPDATE OR DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION samskap_refuse_change()",
                "CREATE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION samskap_refuse_change()",
            ]
        }
    }
}
