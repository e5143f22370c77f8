import Vapor

/// What happens before any command runs: migrations, and demo data for `serve --demo`.
public enum Startup {
    public static func prepare(_ app: Application, command: String?) async throws {
        // `migrate` reports on its own; `routes` and help need no database.
        if command != "migrate" && command != "routes" && command != "--help" && command != "-h" {
            try await app.autoMigrate()
        }
        guard app.samskap.config.seedDemoAtStart else { return }
        let seeder = DemoSeeder(app: app)
        let empty = try await seeder.databaseIsEmpty()
        do {
            let result = try await seeder.run()
            var text = DemoSeeder.describe(result, databaseName: app.samskap.config.database.kindName)
            if !empty && result.createdUsers.isEmpty {
                text = "Databasen har demodata fra før.\n" + text
            }
            app.console.print(text)
        } catch let error as DemoError {
            throw CommandFailure(error.description)
        }
    }
}
