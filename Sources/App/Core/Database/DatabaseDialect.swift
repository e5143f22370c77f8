import Foundation
import Fluent
import SQLKit

/// The two databases Samskap runs on. Dialect-specific SQL lives here and nowhere else.
public enum DatabaseDialect: Sendable {
    case sqlite, postgres

    public init(_ db: any Database) {
        let name = (db as? any SQLDatabase)?.dialect.name ?? "sqlite"
        self = name.hasPrefix("postgres") ? .postgres : .sqlite
    }

    /// Locks one row until the transaction ends, so a check made after it cannot be overtaken by a
    /// parallel change. SQLite needs nothing: a Samskap write transaction holds the database's write lock.
    public func lockRow(_ table: String, id: UUID, on db: any Database) async throws {
        guard self == .postgres else { return }
        try await (db as! any SQLDatabase).raw("SELECT id FROM \(ident: table) WHERE id = \(bind: id) FOR UPDATE").run()
    }

    /// Locks several rows with one statement, in the order of their ids, so that two writers that
    /// lock overlapping sets wait for each other instead of deadlocking.
    public func lockRows(_ table: String, ids: [UUID], on db: any Database) async throws {
        guard self == .postgres, !ids.isEmpty else { return }
        try await (db as! any SQLDatabase).raw("""
            SELECT id FROM \(ident: table) WHERE id IN (\(binds: ids)) ORDER BY id FOR UPDATE
            """).run()
    }

    /// Statements that make the audit trail refuse UPDATE and DELETE, so rows can only be appended.
    func auditTrailProtection() -> [String] {
        let table = "audit_entries"
        return switch self {
        case .sqlite:
            [
                "CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table) BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END",
                "CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table) BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END",
                // INSERT OR REPLACE deletes the old row without firing DELETE triggers; refuse any
                // insert at a position the chain has already used.
                """
                CREATE TRIGGER \(table)_no_replace BEFORE INSERT ON \(table)
                WHEN NEW.seq <= (SELECT last_seq FROM audit_chain_head WHERE id = 1)
                BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END
                """,
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
