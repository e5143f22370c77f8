import Fluent
import SQLKit

/// `candidates.needs_action_at`: when the candidate starts to need action (see `NeedsAction`), so
/// the portfolio and the office overview count "trenger handling" from the candidate's own row.
struct M0013_AddNeedsActionAt: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("candidates").field("needs_action_at", .datetime).update()
        try await NeedsAction.refreshAll(on: database as! any SQLDatabase)
    }

    func revert(on database: any Database) async throws {
        try await database.schema("candidates").deleteField("needs_action_at").update()
    }
}
