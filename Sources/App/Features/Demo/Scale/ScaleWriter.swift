import Fluent
import Foundation
import SQLKit

/// Buffers generated rows per table and writes them as multi-row INSERTs with bound values, over
/// one connection, in transactions of some tens of thousands of rows. Tables are flushed in the
/// order of their foreign keys, so every row's parents are already written.
final class ScaleWriter: @unchecked Sendable {
    struct Table {
        var name: String
        var columns: [String]
        var rows: [[any SQLExpression]] = []
    }

    private let sql: any SQLDatabase
    private var tables: [Table] = []
    private var index: [String: Int] = [:]
    private var buffered = 0
    private(set) var counts: [String: Int] = [:]
    private(set) var written = 0
    let transactionRows: Int
    /// Called with the number of rows written by each flush.
    var onFlush: (Int) -> Void = { _ in }

    init(sql: any SQLDatabase, transactionRows: Int = 40_000) {
        self.sql = sql
        self.transactionRows = transactionRows
    }

    /// Declares a table; declare parents before children.
    func declare(_ name: String, _ columns: [String]) {
        index[name] = tables.count
        tables.append(Table(name: name, columns: columns))
    }

    func add(_ table: String, _ values: [(any Encodable & Sendable)?]) async throws {
        let position = index[table]!
        precondition(values.count == tables[position].columns.count, "\(table): \(values.count) values for \(tables[position].columns.count) columns")
        tables[position].rows.append(values.map { value in value.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null })
        buffered += 1
        if buffered >= transactionRows { try await flush() }
    }

    var tableOrder: [String] { tables.map(\.name) }

    func begin() async throws { try await sql.raw("BEGIN").run() }

    /// Writes everything buffered and commits; a new transaction starts at once.
    func flush() async throws {
        var rows = 0
        for position in tables.indices where !tables[position].rows.isEmpty {
            let table = tables[position]
            // Below SQLite's 32 766 and PostgreSQL's 65 535 bound values per statement.
            let perStatement = max(1, 30_000 / table.columns.count)
            var start = 0
            while start < table.rows.count {
                let end = min(start + perStatement, table.rows.count)
                var insert = sql.insert(into: table.name).columns(table.columns)
                for row in table.rows[start..<end] { insert = insert.values(row) }
                try await insert.run()
                start = end
            }
            counts[table.name, default: 0] += table.rows.count
            rows += table.rows.count
            tables[position].rows.removeAll(keepingCapacity: true)
        }
        buffered = 0
        try await sql.raw("COMMIT").run()
        try await begin()
        written += rows
        onFlush(rows)
    }

    /// Flushes and ends the last transaction.
    func finish() async throws {
        try await flush()
        try await sql.raw("COMMIT").run()
    }
}
