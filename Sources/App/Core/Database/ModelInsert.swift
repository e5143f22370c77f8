import FluentKit
import FluentSQL
import Foundation
import SQLKit

extension Model where IDValue == UUID {
    /// Fluent's `create`, written as the same `INSERT` through SQLKit's async path. For models
    /// without `@Timestamp` fields (it sets none); Samskap registers no model middleware.
    ///
    /// Fluent's async `create` awaits an `EventLoopFuture`, and awaiting a future from a task moves
    /// to the future's event loop and back, twice per row. In a write transaction that is the
    /// serial path every write waits for, and each move waits in a queue behind the requests the
    /// event loop or the task pool is serving. Through SQLKit, a statement on the SQLite writer runs
    /// on the calling thread (`SQLiteWriteDatabase`); on PostgreSQL it takes the driver's own path.
    ///
    /// Only the fields that were set are written, as Fluent does; the others take the column's
    /// default. Afterwards the model exists, as after `create`.
    func insert(on db: any Database) async throws {
        precondition(!_$idExists, "insert(on:) is for new rows")
        if id == nil { id = UUID() }
        let input = FieldInput()
        self.input(to: input)
        let builder = Self.query(on: db).set(input.values)
        builder.query.action = .create
        // In the model's order, so that the statement's text, and so its kept statement, is the same each time.
        builder.query.fields = Self.keys.map { .extendedPath([$0], schema: Self.schema, space: Self.space) }
        let query = builder.query
        try await (db as! any SQLDatabase).execute(sql: SQLQueryConverter(delegate: InsertConverterDelegate()).convert(query)) { _ in }
        _$idExists = true
    }
}

/// The set fields of a model, as Fluent's own create collects them.
private final class FieldInput: DatabaseInput {
    var values: [FieldKey: DatabaseQuery.Value] = [:]

    func set(_ value: DatabaseQuery.Value, at key: FieldKey) {
        values[key] = value
    }
}

/// An insert has no data types to convert.
private struct InsertConverterDelegate: SQLConverterDelegate {
    func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? { nil }
}
