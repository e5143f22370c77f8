import FluentKit
import FluentSQL
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import Vapor

/// Write transactions on SQLite, on connections of our own that keep their prepared statements
/// (`SQLiteConnections` in `.write` mode), as a Fluent `Database` and an `SQLDatabase`.
///
/// Through the driver every statement of a write was prepared anew and ran on SQLiteNIO's thread
/// pool, with a hop there and back per statement: a contact's write is about twenty statements.
/// Here the statements run on the thread of the write itself and keep their prepared form. Only
/// the two steps that can wait run on the thread pool: `BEGIN IMMEDIATE`, which may wait for
/// another process's write lock, and `COMMIT`, which waits for the disk.
///
/// One transaction at a time per connection; the write gate and the group commit
/// (`WriteBatcher`, `AuditBatcher`) keep this process to one transaction at a time anyway. The
/// transaction takes the write lock at its start, so no statement inside it waits for a lock.
/// A statement outside a transaction (the app has none; `writeDB` is for transactions) runs on
/// any idle connection, on the thread pool, since it may wait for the lock.
struct SQLiteWriteDatabase: Database, SQLDatabase {
    let connections: SQLiteConnections
    /// The connection of the transaction (or `withConnection`) this database belongs to; `nil`:
    /// each statement takes an idle one.
    let connection: KeptConnection?
    let threadPool: NIOThreadPool
    let context: DatabaseContext
    let inTransaction: Bool
    /// The connection's lease when it was bound, and in a transaction the transaction
    /// (`KeptConnection.lease`): a statement started after either ended fails instead of running
    /// on its own or inside another transaction.
    var lease: Int?
    var transaction: Int?

    var dialect: any SQLDialect { SQLiteDialect() }

    private func bound(to connection: KeptConnection, inTransaction: Bool) -> SQLiteWriteDatabase {
        let term = connection.currentTerm
        return SQLiteWriteDatabase(connections: connections, connection: connection, threadPool: threadPool, context: context,
                                   inTransaction: inTransaction, lease: term.lease, transaction: inTransaction ? term.transaction : nil)
    }

    // MARK: Fluent

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> ()) -> EventLoopFuture<Void> {
        let statement = Self.statement(for: query)
        return perform { try run(statement) { onOutput(FluentRowOutput(row: $0)) } }
    }

    /// On the caller's thread on a bound connection (it holds the write lock, nothing waits);
    /// on the thread pool otherwise.
    private func perform(_ work: @escaping @Sendable () throws -> Void) -> EventLoopFuture<Void> {
        guard connection == nil else { return eventLoop.makeCompletedFuture(withResultOf: work) }
        return threadPool.runIfActive(eventLoop: eventLoop, work)
    }

    /// Fluent's query as SQL, as the driver builds it: a `.create` returns the id it stored.
    static func statement(for query: DatabaseQuery) -> any SQLExpression {
        let converted = SQLQueryConverter(delegate: WriterConverterDelegate()).convert(query)
        // The driver's signal for a model without a single id column: an empty custom id key.
        guard case .create = query.action, query.customIDKey != .some(.string("")) else { return converted }
        return SQLKit.SQLList([converted, SQLReturning(.init((query.customIDKey ?? .id).description))], separator: SQLRaw(" "))
    }

    /// Schema changes run as migrations on the default database; here only what SQLite supports,
    /// with the driver's rules (an enum change is no change in SQLite; ALTER only adds or drops columns).
    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        var schema = schema
        if schema.action == .update {
            schema.updateFields = schema.updateFields.filter {
                if case .dataType(_, .enum) = $0 { return false }
                return true
            }
            guard schema.createConstraints.isEmpty, schema.updateFields.isEmpty, schema.deleteConstraints.isEmpty else {
                return eventLoop.makeFailedFuture(SQLiteStatementError(message: "SQLite kan bare legge til og fjerne kolonner med ALTER TABLE."))
            }
            if schema.createFields.isEmpty, schema.deleteFields.isEmpty { return eventLoop.makeSucceededFuture(()) }
        }
        let statement = SQLSchemaConverter(delegate: WriterConverterDelegate()).convert(schema)
        return perform { try run(statement) { _ in } }
    }

    /// SQLite has no enum types; enum columns are text.
    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
        eventLoop.makeSucceededFuture(())
    }

    func transaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        guard !inTransaction else { return closure(self) }
        return eventLoop.makeFutureWithTask { try await runTransaction { try await closure($0).get() } }
    }

    func withConnection<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        guard connection == nil else { return closure(self) }
        return eventLoop.makeFutureWithTask {
            let connection = try connections.checkOut()
            defer { connections.checkIn(connection) }
            return try await closure(bound(to: connection, inTransaction: false)).get()
        }
    }

    /// `BEGIN IMMEDIATE` … `COMMIT` on a connection of its own, or on the one `withConnection`
    /// holds (as the driver does); rolled back when `body` throws.
    private func runTransaction<T: Sendable>(_ body: (any Database) async throws -> T) async throws -> T {
        if let connection { return try await runTransaction(on: connection, body) }
        let connection = try connections.checkOut()
        // Given back after the transaction; one left open (a failed rollback) is closed instead.
        defer { connections.checkIn(connection) }
        return try await runTransaction(on: connection, body)
    }

    private func runTransaction<T: Sendable>(on connection: KeptConnection, _ body: (any Database) async throws -> T) async throws -> T {
        // On a held connection, only while it is still held (`lease` is that of `withConnection`).
        let lease = self.connection == nil ? nil : self.lease
        try await threadPool.runIfActive { try connection.begin(lease: lease) }
        do {
            let result = try await body(bound(to: connection, inTransaction: true))
            try await threadPool.runIfActive { try connection.endTransaction("COMMIT") }
            return result
        } catch {
            // A failed COMMIT may already have ended the transaction; otherwise it is taken back here.
            if connection.inTransaction { try? connection.endTransaction("ROLLBACK") }
            throw error
        }
    }

    // MARK: SQLKit

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        perform { try run(query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        guard connection == nil else { return try run(query, onRow) }
        try await threadPool.runIfActive { try run(query, onRow) }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        guard connection == nil else { return try await closure(self) }
        let connection = try connections.checkOut()
        defer { connections.checkIn(connection) }
        return try await closure(bound(to: connection, inTransaction: false))
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> ()) throws {
        try runKept(query, onRow) { sql, binds in
            if let connection { return try connection.query(sql, binds, lease: lease, transaction: transaction) }
            return try connections.query(sql, binds)
        }
    }
}

/// The driver's mapping of Fluent's data types to SQLite's, for the converters.
private struct WriterConverterDelegate: SQLConverterDelegate {
    func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? {
        switch dataType {
        case .string, .enum: SQLRaw("TEXT")
        case .datetime: SQLRaw("REAL")
        case .int64: SQLRaw("INTEGER")
        default: nil
        }
    }
}

/// A row as Fluent's output, with the schema prefix of a joined model (`schema(_:)`) as the
/// driver applies it.
private struct FluentRowOutput: DatabaseOutput {
    let row: any SQLRow
    var schema: String?

    var description: String { String(describing: row) }

    private func column(_ key: FieldKey) -> String {
        (schema.map { .prefix(.prefix(.string($0), "_"), key) } ?? key).description
    }

    func schema(_ schema: String) -> any DatabaseOutput {
        FluentRowOutput(row: row, schema: schema)
    }

    func contains(_ key: FieldKey) -> Bool {
        row.contains(column: column(key))
    }

    func decodeNil(_ key: FieldKey) throws -> Bool {
        try row.decodeNil(column: column(key))
    }

    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
        try row.decode(column: column(key), as: T.self)
    }
}

extension SQLDatabase {
    /// Serializes `query`, logs its text (never its values: they are personal data), converts
    /// the binds and hands the rows `execute` returns to `onRow`.
    func runKept(_ query: any SQLExpression, _ onRow: (any SQLRow) -> (), execute: (String, [SQLiteData]) throws -> [ReadRow]) throws {
        let (sql, binds) = serialize(query)
        if let level = queryLogLevel { logger.log(level: level, "\(sql)") }
        for row in try execute(sql, try binds.map(SQLiteReadDatabase.data)) { onRow(row) }
    }
}

extension Application {
    private struct SQLiteWriterKey: StorageKey { typealias Value = SQLiteConnections }

    /// The write connections of an SQLite deployment (`nil` on PostgreSQL).
    var sqliteWriter: SQLiteConnections? {
        storage[SQLiteWriterKey.self]
    }

    func useSQLiteWriter(path: String) async {
        // An in-memory database is the driver's connection's own; another connection would see an empty one.
        guard path != ":memory:" else { return }
        await storage.setWithAsyncShutdown(SQLiteWriterKey.self, to: SQLiteConnections(path: path, mode: .write)) { $0.close() }
    }
}
