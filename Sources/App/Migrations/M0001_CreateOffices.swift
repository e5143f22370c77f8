import Fluent

struct M0001_CreateOffices: AsyncMigration {
    var name: String { "M0001_CreateOffices" }

    func prepare(on database: any Database) async throws {
        try await database.schema("offices")
            .id()
            .field("enhet_number", .string, .required)
            .field("name", .string, .required)
            .field("is_demo", .bool, .required, .sql(.default(false)))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "enhet_number")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("offices").delete()
    }
}
