@testable import App
import FluentPostgresDriver
import Foundation
import Logging
import NIOPosix
import PostgresNIO

/// The database a test runs on: a fresh SQLite file, or — when `SAMSKAP_TEST_POSTGRES_URL` is set —
/// a fresh PostgreSQL database created for this test and dropped after it.
struct TestDatabase {
    static let postgresAdminURL = ProcessInfo.processInfo.environment["SAMSKAP_TEST_POSTGRES_URL"]
    static var isPostgres: Bool { postgresAdminURL != nil }

    let location: DatabaseLocation
    private let cleanup: @Sendable () async throws -> Void

    static func make() async throws -> TestDatabase {
        let name = "samskap_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        if let admin = postgresAdminURL {
            try await execute("CREATE DATABASE \(name)", adminURL: admin)
            var components = URLComponents(string: admin)!
            components.path = "/" + name
            return TestDatabase(location: .postgres(url: components.string!)) {
                try await execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", adminURL: admin)
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).sqlite").path
        return TestDatabase(location: .sqlite(path: path)) {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    func drop() async throws { try await cleanup() }

    private static func execute(_ sql: String, adminURL: String) async throws {
        let configuration = try SQLPostgresConfiguration(url: adminURL).coreConfiguration
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1, logger: Logger(label: "test-db")
        )
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test-db"))
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
