import PostgresNIO

/// Errors after which nothing of the write was kept and the same write may well succeed a moment
/// later: PostgreSQL chose it as a deadlock's victim (with another server's transaction on the
/// same database, say) or found a serialization conflict. The caller is told to try again (503
/// with `Retry-After`) rather than that something broke. On SQLite: another process (the admin
/// CLI, say) held the write lock for longer than a write waits (`KeptConnection.writeLockWait`).
enum TransientWriteError {
    /// PostgreSQL's SQLSTATE codes for a serialization failure and a detected deadlock.
    static let postgresStates: Set<String> = ["40001", "40P01"]

    static func matches(_ error: any Error) -> Bool {
        if let sqlite = error as? SQLiteStatementError { return sqlite.isBusy }
        guard let postgres = error as? PSQLError, let state = postgres.serverInfo?[.sqlState] else { return false }
        return postgresStates.contains(state)
    }
}
