import Fluent
import SQLKit

/// A user's own access requests, newest first, from an index: the portfolio page lists them on
/// every view, and without it each view read the whole table (`EXPLAIN QUERY PLAN`: a scan and a
/// sort). Requests are few at first, but they are kept for years.
struct M0016_AddAccessRequestRequesterIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).create(index: "candidate_access_requests_requester_idx")
            .on("candidate_access_requests").column("requester_id").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: "candidate_access_requests_requester_idx").run()
    }
}
