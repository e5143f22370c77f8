import Foundation
import SQLKit

/// The secondary indexes of the generated tables, dropped before the bulk load and built again
/// after it. Inserting rows with random keys into a dozen indexes at once lands every row on a
/// different page of each; once the file outgrows the cache, most inserts wait for a read. An index
/// built afterwards is one sorted pass. Indexes that back a primary key or a constraint stay.
///
/// An interrupted run leaves the tables without these indexes, as it leaves them half filled: the
/// generator only runs on an empty database, so it is started again from an empty one.
struct ScaleIndexes: Sendable {
    struct Definition: Sendable, Decodable {
        var name: String
        var sql: String
    }

    let definitions: [Definition]

    /// Reads the definitions of the tables' secondary indexes and drops them.
    static func drop(tables: [String], on sql: any SQLDatabase) async throws -> ScaleIndexes {
        let names = tables.map { $0 as any Encodable & Sendable }
        let query: SQLQueryString = sql.dialect.name.hasPrefix("postgres")
            ? """
              SELECT i.indexname AS name, i.indexdef AS sql FROM pg_indexes i
              WHERE i.schemaname = current_schema() AND i.tablename IN (\(binds: names))
                AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
              ORDER BY i.indexname
              """
            : """
              SELECT name, sql FROM sqlite_master
              WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (\(binds: names))
              ORDER BY name
              """
        let definitions = try await sql.raw(query).all(decoding: Definition.self)
        for definition in definitions {
            try await sql.drop(index: definition.name).run()
        }
        return ScaleIndexes(definitions: definitions)
    }

    /// Builds every dropped index again, from its stored definition.
    func build(on sql: any SQLDatabase, progress: ScaleProgress) async throws {
        for definition in definitions {
            try await sql.raw(SQLQueryString(definition.sql)).run()
            progress.advance(units: 1)
        }
    }
}
