@testable import App
import ConsoleKit
import NIOConcurrencyHelpers
import Vapor

/// Captures what a command prints.
final class RecordingConsole: Console {
    private let lines = NIOLockedValueBox<[String]>([])
    var userInfo: [AnySendableHashable: any Sendable] {
        get { [:] }
        set {}
    }

    var size: (width: Int, height: Int) { (120, 40) }
    func input(isSecure: Bool) -> String { "" }
    func output(_ text: ConsoleText, newLine: Bool) { lines.withLockedValue { $0.append(text.description) } }
    func clear(_ type: ConsoleClear) {}
    func report(error: String, newLine: Bool) { lines.withLockedValue { $0.append(error) } }

    var text: String { lines.withLockedValue { $0.joined(separator: "\n") } }
}

extension TestApp {
    /// Runs `samskap <arguments>` in-process and returns what it printed.
    @discardableResult
    func run(_ arguments: [String]) async throws -> String {
        let console = RecordingConsole()
        var context = CommandContext(console: console, input: CommandInput(arguments: ["samskap"] + arguments))
        context.application = app
        try await app.asyncCommands.group().run(using: &context)
        return console.text
    }
}
