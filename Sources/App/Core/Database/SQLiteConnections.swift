import Atomics
import CSQLiteOptions
import FluentSQL
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import SQLiteKit
import Vapor
import VaporCSQLite

/// SQLite connections of our own that keep their prepared statements: one set for reads outside
/// any transaction (`Request.readDB`), one for write transactions (`Application.writeDB`).
///
/// SQLiteNIO prepares every statement anew, runs it on its thread pool and hands each row back to
/// the event loop as a task of its own; SQLiteKit then converts every value through a dynamic
/// cast. Preparing alone was 6–10 % of the portfolio's CPU. Here a statement is prepared
/// once per connection and kept, it runs on the thread that asks (a read of a few pages from the
/// page cache is work like any other the request does) and its rows come back together.
///
/// The connections are the same SQLite library as the driver's (`VaporCSQLite`), so file locks
/// are shared as SQLite requires; the database is in WAL mode, so a read never waits for a writer
/// and sees what was committed when it began. On the read connections `query_only` makes a write
/// fail; the write connections are used by one write transaction at a time (`SQLiteWriteDatabase`).
final class SQLiteConnections: Sendable {
    let path: String
    let mode: KeptConnection.Mode
    /// Connections not in use, and whether the set was closed (at shutdown: a connection given
    /// back after closes instead). One lock for both.
    private let state = NIOLockedValueBox(State())
    /// Connections kept when idle: reads run on the caller's thread, so about as many as there are
    /// cores; writes one transaction at a time, so one or two.
    let keep: Int
    /// How long a statement waits for a lock another connection holds before it fails as busy.
    let lockWait: Int32

    private struct State {
        var idle: [KeptConnection] = []
        var closed = false
    }

    var idleCount: Int { state.withLockedValue { $0.idle.count } }

    /// The idle connections, for tests to look into.
    func withIdleConnections<T>(_ body: ([KeptConnection]) -> T) -> T {
        state.withLockedValue { body($0.idle) }
    }

    /// `path` is resolved against the working directory now, as the driver resolves it when it opens.
    init(path: String, mode: KeptConnection.Mode, keep: Int? = nil, lockWait: Int32? = nil) {
        self.path = URL(fileURLWithPath: path).path
        self.mode = mode
        self.keep = keep ?? (mode == .read ? max(2, System.coreCount) : 2)
        self.lockWait = lockWait ?? (mode == .read ? KeptConnection.readLockWait : KeptConnection.writeLockWait)
    }

    /// Runs one statement on an idle connection and returns its rows.
    func query(_ sql: String, _ binds: [SQLiteData]) throws -> [ReadRow] {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try connection.query(sql, binds)
    }

    /// An idle connection, or a new one when none is idle. Give it back with `checkIn`.
    func checkOut() throws -> KeptConnection {
        try state.withLockedValue { $0.idle.popLast() } ?? KeptConnection(path: path, mode: mode, lockWait: lockWait)
    }

    /// Keeps `connection` for the next caller, or closes it when enough are kept or the set is closed.
    /// Its lease ends first: a database bound to it by the caller that gives it back can run nothing more.
    func checkIn(_ connection: KeptConnection) {
        connection.endLease()
        let closing = state.withLockedValue { state -> KeptConnection? in
            guard state.idle.count < keep, !state.closed, connection.isOpen, !connection.inTransaction else { return connection }
            state.idle.append(connection)
            return nil
        }
        closing?.close()
    }

    /// Closes the idle connections (at shutdown; a read still running closes its own after).
    func close() {
        let idle = state.withLockedValue { state in
            defer { state.idle = []; state.closed = true }
            return state.idle
        }
        for connection in idle { connection.close() }
    }
}

/// One SQLite connection with its prepared statements. `SQLiteConnections` hands it to one caller
/// at a time; a write transaction's statements are that caller's, one after another. Its own lock
/// only makes sure two statements can never run on it at once, should a write body ever start
/// two at the same time (SQLite's connections are opened without their own mutex).
final class KeptConnection: @unchecked Sendable {
    enum Mode: Sendable { case read, write }

    private let lock = NIOLock()

    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    /// Counts the times the connection was given back to its set, and the transactions ended on
    /// it. A database bound to the connection (`withConnection`) holds one lease, a transaction's
    /// database also one transaction: a statement started on either after it ended fails, rather
    /// than run on its own or inside whatever holds the connection then.
    private var lease = 0
    private var transactions = 0
    /// Statements kept per connection. The app's reads are a few dozen texts; one with a list of
    /// values (`IN (…)`) has a text per length, so the cache is emptied when it is full.
    static let statementLimit = 200
    /// In WAL mode a reader meets a lock only in rare moments (recovery after a crash, a checkpoint
    /// that restarts the log). It waits up to 5 s and then fails, where the driver's connections
    /// would wait for ever.
    static let readLockWait: Int32 = 5_000
    /// How long a write waits for another process's write lock (the admin CLI's, say) before it
    /// fails as busy, which the caller hears as "try again" (`TransientWriteError`). The driver's
    /// connections wait for ever. In milliseconds, as `readLockWait`.
    static let writeLockWait: Int32 = 30_000
    /// The page cache of a write connection, in KiB (SQLite's default is 2 000).
    static let writeCacheKiB = 65_536

    init(path: String, mode: Mode = .read, lockWait: Int32 = readLockWait) throws {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        let opened = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard opened == SQLITE_OK, let handle else {
            let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "kode \(opened)"
            sqlite_nio_sqlite3_close(handle)
            throw SQLiteStatementError(message: "Kunne ikke åpne \(path): \(message)", code: opened)
        }
        self.handle = handle
        // Errors name the constraint kind (unique, foreign key), as the driver's do.
        sqlite_nio_sqlite3_extended_result_codes(handle, 1)
        sqlite_nio_sqlite3_busy_timeout(handle, lockWait)
        do {
            switch mode {
            case .read:
                try execute("PRAGMA query_only=1")
                // A kept statement keeps its plan whatever is bound. Without this, SQLite compiles a
                // statement again when a bound value might change its plan: the portfolio's counts
                // (sixteen FILTER clauses, each with its own binds) were compiled anew on every read.
                let stable = samskap_sqlite_enable_qpsg(UnsafeMutableRawPointer(handle))
                guard stable == SQLITE_OK else { throw error(stable) }
            case .write:
                // As the driver's connections: references are checked.
                try execute("PRAGMA foreign_keys=ON")
                // Each write touches index pages all over the file (an event's, a contact's and an
                // audit entry's keys are random). With SQLite's 2 MB default most of them were read
                // from the file again on every write. The cache stays valid from one transaction to
                // the next unless another connection wrote in between (WAL mode).
                try execute("PRAGMA cache_size=-\(Self.writeCacheKiB)")
            }
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// How often SQLite compiled the kept statements again since they were prepared (tests).
    var reprepares: Int {
        lock.withLock { statements.values.reduce(0) { $0 + Int(sqlite_nio_sqlite3_stmt_status($1, SQLITE_STMTSTATUS_REPREPARE, 0)) } }
    }

    var statementCount: Int { lock.withLock { statements.count } }

    /// Whether a kept statement was left part-way (not run to its end or reset): it would hold its
    /// read snapshot and keep the WAL from being checkpointed past it (tests).
    var hasStatementRunning: Bool { lock.withLock { statements.values.contains { sqlite_nio_sqlite3_stmt_busy($0) != 0 } } }

    var planIsStable: Bool { lock.withLock { handle.map { samskap_sqlite_qpsg_enabled(UnsafeMutableRawPointer($0)) == 1 } ?? false } }

    /// The lease and the transaction the connection is on now (see `lease`).
    var currentTerm: (lease: Int, transaction: Int) { lock.withLock { (lease, transactions) } }

    func endLease() {
        lock.withLock { lease += 1 }
    }

    /// `BEGIN IMMEDIATE`, while the connection is still on `lease`.
    func begin(lease: Int?) throws {
        try lock.withLock {
            try checkTerm(lease: lease, transaction: nil)
            try executeLocked("BEGIN IMMEDIATE")
        }
    }

    /// Ends the transaction with `sql` (`COMMIT` or `ROLLBACK`); whether that succeeds or not, a
    /// database bound to the transaction runs nothing more.
    func endTransaction(_ sql: String) throws {
        try lock.withLock {
            transactions += 1
            try executeLocked(sql)
        }
    }

    private func checkTerm(lease: Int?, transaction: Int?) throws {
        if let lease, lease != self.lease { throw Self.ended }
        if let transaction, transaction != transactions { throw Self.ended }
    }

    private static let ended = SQLiteStatementError(message: "Transaksjonen eller tilkoblingen denne spørringen hørte til, er avsluttet.", code: SQLITE_MISUSE)

    func close() {
        lock.withLock { closeLocked() }
    }

    private func closeLocked() {
        finalizeStatements()
        // Every statement is finalized, so the handle closes now; should anything still hold it,
        // `close_v2` closes it when that ends instead of leaving it (and a transaction) open.
        if let handle { sqlite_nio_sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Finalizes every kept statement and empties the cache.
    private func finalizeStatements() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements = [:]
    }

    var isOpen: Bool { lock.withLock { handle != nil } }

    /// Whether a transaction is open on the connection (SQLite has left autocommit).
    var inTransaction: Bool { lock.withLock { handle.map { sqlite_nio_sqlite3_get_autocommit($0) == 0 } ?? false } }

    /// Runs statements without binds or rows (BEGIN, COMMIT, a PRAGMA), not kept.
    func execute(_ sql: String) throws {
        try lock.withLock { try executeLocked(sql) }
    }

    private func executeLocked(_ sql: String) throws {
        let result = sqlite_nio_sqlite3_exec(handle, sql, nil, nil, nil)
        guard result == SQLITE_OK else { throw error(result) }
    }

    private func error(_ code: Int32) -> SQLiteStatementError {
        let message = sqlite_nio_sqlite3_errmsg(handle).map { String(cString: $0) } ?? "kode \(code)"
        let extended = handle.map { sqlite_nio_sqlite3_extended_errcode($0) } ?? code
        return SQLiteStatementError(message: message, code: extended)
    }

    /// The statement for `sql`, prepared on first use.
    private func statement(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        if statements.count >= Self.statementLimit { finalizeStatements() }
        var statement: OpaquePointer?
        let result = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard result == SQLITE_OK, let statement else { throw error(result) }
        statements[sql] = statement
        return statement
    }

    /// Runs `sql`; with a `lease` or `transaction`, only while the connection is still on it.
    func query(_ sql: String, _ binds: [SQLiteData], lease: Int? = nil, transaction: Int? = nil) throws -> [ReadRow] {
        try lock.withLock {
            try checkTerm(lease: lease, transaction: transaction)
            return try queryLocked(sql, binds)
        }
    }

    private func queryLocked(_ sql: String, _ binds: [SQLiteData]) throws -> [ReadRow] {
        guard handle != nil else { throw SQLiteStatementError(message: "Tilkoblingen er lukket.", code: SQLITE_MISUSE) }
        let statement = try statement(sql)
        // Reset ends the read: a statement left open would hold its snapshot and keep the WAL from
        // being checkpointed past it.
        var failed = false
        defer {
            if failed {
                // The cached statement may be what failed; it is prepared anew next time.
                statements[sql] = nil
                sqlite_nio_sqlite3_finalize(statement)
            } else {
                sqlite_nio_sqlite3_reset(statement)
                sqlite_nio_sqlite3_clear_bindings(statement)
            }
        }
        for (index, bind) in binds.enumerated() {
            let position = Int32(index + 1)
            let result: Int32 = switch bind {
            case let .text(text):
                sqlite_nio_sqlite3_bind_text64(statement, position, text, UInt64(text.utf8.count), readerTransient, UInt8(SQLITE_UTF8))
            case let .integer(value):
                sqlite_nio_sqlite3_bind_int64(statement, position, Int64(value))
            case let .float(value):
                sqlite_nio_sqlite3_bind_double(statement, position, value)
            case .null:
                sqlite_nio_sqlite3_bind_null(statement, position)
            case let .blob(buffer):
                buffer.withUnsafeReadableBytes {
                    sqlite_nio_sqlite3_bind_blob64(statement, position, $0.baseAddress, UInt64($0.count), readerTransient)
                }
            }
            guard result == SQLITE_OK else {
                failed = true
                throw error(result)
            }
        }
        let count = sqlite_nio_sqlite3_column_count(statement)
        var rows: [ReadRow] = []
        var columns: ReadColumns?
        while true {
            let result = sqlite_nio_sqlite3_step(statement)
            if result == SQLITE_DONE { break }
            guard result == SQLITE_ROW else {
                failed = true
                throw error(result)
            }
            if columns == nil {
                columns = ReadColumns(names: (0 ..< count).map { column in
                    sqlite_nio_sqlite3_column_name(statement, column).map { String(cString: $0) } ?? ""
                })
            }
            var values: [SQLiteData] = []
            values.reserveCapacity(Int(count))
            for column in 0 ..< count {
                do {
                    values.append(try value(statement, column))
                } catch {
                    failed = true
                    throw error
                }
            }
            rows.append(ReadRow(columns: columns!, values: values))
        }
        return rows
    }

    private func value(_ statement: OpaquePointer, _ column: Int32) throws -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER:
            return .integer(.init(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT:
            return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            // NULL text for a TEXT value means SQLite ran out of memory; the driver throws too.
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { throw error(SQLITE_NOMEM) }
            let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: length)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length))
            }
            return .blob(buffer)
        default:
            return .null
        }
    }
}

/// SQLite copies text and blobs bound with this destructor (`SQLITE_TRANSIENT`).
private let readerTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A failed SQLite call on a `KeptConnection`, with SQLite's extended result code.
struct SQLiteStatementError: Error, CustomStringConvertible, DatabaseError {
    var message: String
    var code: Int32 = SQLITE_ERROR
    var description: String { "SQLite: \(message)" }

    /// The primary result code (the low byte of the extended one).
    var primaryCode: Int32 { code & 0xFF }

    var isSyntaxError: Bool { primaryCode == SQLITE_ERROR || primaryCode == SQLITE_SCHEMA }
    var isConnectionClosed: Bool { primaryCode == SQLITE_MISUSE || primaryCode == SQLITE_CANTOPEN }
    var isConstraintFailure: Bool { primaryCode == SQLITE_CONSTRAINT }
    /// Another connection held the lock for longer than the connection waits. (`SQLITE_LOCKED` is
    /// a conflict within one connection, without shared cache: a fault, not worth another try.)
    var isBusy: Bool { primaryCode == SQLITE_BUSY }
}

/// The column names of one result, shared by its rows.
final class ReadColumns: Sendable {
    let names: [String]
    /// Where the next lookup is likely to be: rows are mostly decoded column after column, in the
    /// order they were selected, so one comparison usually finds the column. Only a guess; a
    /// wrong one (another row decoded in between, on another thread) falls back to the search.
    private let next = ManagedAtomic<Int>(0)
    /// With a name twice (a join's `*`), the first one is the answer, as in the driver; a guess
    /// could land on the second, so it is not used.
    private let unique: Bool

    init(names: [String]) {
        self.names = names
        unique = Set(names).count == names.count
    }

    func index(of column: String) -> Int? {
        let guess = next.load(ordering: .relaxed)
        if unique, guess < names.count, names[guess] == column {
            next.store(guess + 1, ordering: .relaxed)
            return guess
        }
        // A row has tens of columns at most; comparing short names is cheaper than hashing them.
        guard let index = names.firstIndex(of: column) else { return nil }
        next.store(index + 1, ordering: .relaxed)
        return index
    }
}

/// One row, its values by position. Decodes as SQLiteKit does (`SQLiteDataDecoder`), with the
/// common types converted directly instead of through a dynamic cast.
struct ReadRow: SQLRow {
    /// One decoder for every row: each one made holds a JSON decoder of its own.
    private static let decoder = SQLiteDataDecoder()
    let columns: ReadColumns
    let values: [SQLiteData]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.index(of: column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let index = columns.index(of: column) else { return true }
        return values[index] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let index = columns.index(of: column) else { throw MissingReadColumn(column: column) }
        let value = values[index]
        // The common types are converted directly and handed back with `unsafeBitCast` to `D`, which
        // is then that very type. Rows are mostly decoded through `any SQLRow`, so this runs
        // unspecialised; an `as! D?` there cast dynamically and looked up the metadata of `D?`
        // for every value (a third of a re-evaluation's decoding).
        if D.self == String.self {
            guard let string = String(sqliteData: value) else { throw Self.mismatch(D.self, value) }
            return unsafeBitCast(string, to: D.self)
        }
        if D.self == Date.self {
            guard let date = Date(sqliteData: value) else { throw Self.mismatch(D.self, value) }
            return unsafeBitCast(date, to: D.self)
        }
        if D.self == Int.self {
            guard let int = Int(sqliteData: value) else { throw Self.mismatch(D.self, value) }
            return unsafeBitCast(int, to: D.self)
        }
        if D.self == Bool.self {
            guard let bool = Bool(sqliteData: value) else { throw Self.mismatch(D.self, value) }
            return unsafeBitCast(bool, to: D.self)
        }
        if D.self == Double.self {
            guard let double = Double(sqliteData: value) else { throw Self.mismatch(D.self, value) }
            return unsafeBitCast(double, to: D.self)
        }
        return try Self.decoder.decode(D.self, from: value)
    }

    private static func mismatch(_ type: Any.Type, _ value: SQLiteData) -> DecodingError {
        DecodingError.typeMismatch(type, .init(codingPath: [], debugDescription: "Could not convert SQLite data to \(type): \(value)."))
    }
}

struct MissingReadColumn: Error, CustomStringConvertible {
    var column: String
    var description: String { "Kolonnen \(column) finnes ikke i svaret." }
}

/// The read connections (`SQLiteConnections`) as an `SQLDatabase`, so SQLKit's queries run on it unchanged.
struct SQLiteReadDatabase: SQLDatabase {
    let reader: SQLiteConnections
    let logger: Logger
    let eventLoop: any EventLoop

    var dialect: any SQLDialect { SQLiteDialect() }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        eventLoop.makeCompletedFuture { try run(query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try run(query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> ()) throws {
        try runKept(query, onRow, execute: reader.query)
    }

    /// One encoder for every bind: each one made holds a JSON encoder of its own.
    private static let encoder = SQLiteDataEncoder()

    /// A bind as SQLiteKit's encoder would send it; the common types without its dynamic cast.
    static func data(_ bind: any Encodable & Sendable) throws -> SQLiteData {
        switch bind {
        case let text as String: .text(text)
        case let id as UUID: .text(id.text)
        case let number as Int: .integer(number)
        case let flag as Bool: .integer(flag ? 1 : 0)
        case let date as Date: .float(date.timeIntervalSince1970)
        default: try encoder.encode(bind)
        }
    }
}

extension Application {
    private struct SQLiteReaderKey: StorageKey { typealias Value = SQLiteConnections }

    /// The reader of an SQLite deployment (`nil` on PostgreSQL).
    var sqliteReader: SQLiteConnections? {
        storage[SQLiteReaderKey.self]
    }

    /// `Request.readDB` outside a request (the benchmark's probe, tests).
    var readDB: any SQLDatabase {
        if let sqliteReader {
            return SQLiteReadDatabase(reader: sqliteReader, logger: logger, eventLoop: eventLoopGroup.any())
        }
        return db as! any SQLDatabase
    }

    func useSQLiteReader(path: String) async {
        // An in-memory database is the driver's connection's own; another connection would see an empty one.
        guard path != ":memory:" else { return }
        await storage.setWithAsyncShutdown(SQLiteReaderKey.self, to: SQLiteConnections(path: path, mode: .read)) { $0.close() }
    }
}

extension Request {
    /// Where a page's reads run: on SQLite the reader's connections (prepared statements kept), on
    /// PostgreSQL the request's database. Only for reads outside a write transaction: a read inside
    /// one goes to the transaction's database, or it would not see the transaction's own changes.
    var readDB: any SQLDatabase {
        if let reader = application.sqliteReader {
            return SQLiteReadDatabase(reader: reader, logger: logger, eventLoop: eventLoop)
        }
        return db as! any SQLDatabase
    }
}

extension SQLDatabase {
    /// A Fluent model by its id, read as one plain statement: on `Request.readDB` it keeps its
    /// prepared statement and skips Fluent's query building. The model is complete (every column)
    /// and marked as stored, so it can be changed and saved in a write as one from `find` can.
    func findModel<M: Model>(_ type: M.Type, id: UUID) async throws -> M? where M.IDValue == UUID {
        // Decoded here rather than by `first(decodingFluent:)`, which goes through a future.
        try await select().column("*").from(M.schema).where("id", .equal, id).limit(1).first()?.decode(fluentModel: M.self)
    }

    /// Fluent models by their ids, in no particular order (`findModel` for many).
    func findModels<M: Model>(_ type: M.Type, ids: [UUID]) async throws -> [M] where M.IDValue == UUID {
        guard !ids.isEmpty else { return [] }
        return try await select().column("*").from(M.schema).where("id", .in, ids).models(M.self)
    }

    /// The models of the given type whose `column` holds `value`, in `order` (`findModel` for a
    /// filter).
    func models<M: Model>(
        _ type: M.Type, where column: String, equals value: some Encodable & Sendable, orderBy order: (column: String, direction: SQLDirection)
    ) async throws -> [M] {
        try await select().column("*").from(M.schema).where(column, .equal, value)
            .orderBy(order.column, order.direction).orderBy("id").models(M.self)
    }
}

extension SQLSelectBuilder {
    /// The rows as Fluent models (the select must give every column of `M`).
    func models<M: Model>(_ type: M.Type) async throws -> [M] {
        try await all().map { try $0.decode(fluentModel: M.self) }
    }
}
