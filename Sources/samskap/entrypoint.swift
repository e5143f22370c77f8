import App
import Foundation
import Logging
import Vapor

@main
enum Entrypoint {
    static func main() async throws {
        // `serve --demo` is ours, not Vapor's: take it out before Vapor parses the arguments.
        var arguments = CommandLine.arguments
        let isServe = arguments.count < 2 || arguments[1] == "serve" || arguments[1].hasPrefix("-")
        let demo = isServe && arguments.contains("--demo")
        arguments.removeAll { $0 == "--demo" }

        var env = try Environment.detect(arguments: arguments)
        try LoggingSystem.bootstrap(from: &env)
        let app = try await Application.make(env)
        do {
            var config = try AppConfig.fromEnvironment()
            config.seedDemoAtStart = demo
            if demo { config.allowSyntheticIDs = true }
            try await configure(app, config: config)
            try await Startup.prepare(app, command: arguments.dropFirst().first)
        } catch {
            FileHandle.standardError.write(Data("Feil: \(String(describing: error))\n".utf8))
            try? await app.asyncShutdown()
            exit((error as? CommandFailure)?.exitCode ?? 1)
        }
        do {
            // Vapor reports a failing command's error itself; we only set the exit code.
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            exit((error as? CommandFailure)?.exitCode ?? 1)
        }
        try await app.asyncShutdown()
    }
}
