import Vapor

/// What happens before any command runs: migrations, and demo data for `serve --demo`.
public enum Startup {
    /// Brings the schema up to date and stores the shipped method models (a shipped file changed
    /// without a new version stops here).
    public static func migrate(_ app: Application) async throws {
        try await app.autoMigrate()
        try await app.samskap.methodModels.syncShipped(on: app.db, now: app.samskap.clock.now())
    }

    public static func prepare(_ app: Application, command: String?) async throws {
        // `migrate` reports on its own; `routes` and help need no database.
        if command != "migrate" && command != "routes" && command != "--help" && command != "-h" {
            try await migrate(app)
        }
        if command == nil || command == "serve" || command?.hasPrefix("-") == true {
            let scheduler = PathwayJobScheduler()
            app.lifecycle.use(scheduler)
            scheduler.start(app)
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
