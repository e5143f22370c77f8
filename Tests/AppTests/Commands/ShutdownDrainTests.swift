@testable import App
import Fluent
import Foundation
import Testing
import Vapor

/// Shutdown (SIGTERM, Ctrl-C) while requests are being answered: a handler whose client has hung
/// up still runs, and must find the database open until it is done.
@Suite("Shutdown waits for requests in flight")
struct ShutdownDrainTests {
    /// Where the probe route is, and what it got from the database.
    actor Probe {
        private(set) var started = false
        private(set) var result: Result<Int, any Error>?
        private var gate: CheckedContinuation<Void, Never>?

        func arrive() async {
            started = true
            await withCheckedContinuation { gate = $0 }
        }

        func open() {
            gate?.resume()
            gate = nil
        }

        func finish(_ result: Result<Int, any Error>) { self.result = result }
    }

    actor Flag {
        private(set) var isSet = false
        func set() { isSet = true }
    }

    @Test("A request whose client hung up finishes its database work before shutdown closes the databases")
    func handlerOutlivesItsClient() async throws {
        let database = try await TestDatabase.make()
        // As `samskap serve` runs: the serve command starts the server and returns when stopped,
        // then the application shuts down (Sources/samskap/entrypoint.swift).
        let app = try await Application.make(Environment(name: "testing", arguments: ["samskap", "serve", "--hostname", "127.0.0.1", "--port", "0"]))
        app.directory = DirectoryConfiguration(workingDirectory: TestApp.packageRoot)
        app.logger.logLevel = .warning
        let config = AppConfig(database: database.location, bcryptCost: 4, demoPassword: TestApp.demoPassword, allowSyntheticIDs: true)
        try await App.configure(app, config: config, clock: ManualClock())
        try await Startup.migrate(app)

        let probe = Probe()
        app.access(.web(.anyone)).get("shutdown-probe") { req async throws -> String in
            await probe.arrive()
            let result: Result<Int, any Error>
            do { result = .success(try await User.query(on: req.db).count()) } catch { result = .failure(error) }
            await probe.finish(result)
            return String(try result.get())
        }
        let serving = Task { try await app.execute() }
        var address = app.http.server.shared.localAddress
        for _ in 0..<500 where address == nil {
            try await Task.sleep(for: .milliseconds(10))
            address = app.http.server.shared.localAddress
        }
        let port = try #require(address?.port, "the server started")

        // The client gives up after 200 ms and closes its connection; the handler waits at the gate.
        let answer = try? await app.client.get("http://127.0.0.1:\(port)/shutdown-probe") { $0.timeout = .milliseconds(200) }
        #expect(answer == nil, "the client gave up before an answer")
        #expect(await probe.started)

        let done = Flag()
        // SIGTERM stops the serve command; then the application shuts down.
        app.running?.stop()
        try await serving.value
        let shutdown = Task {
            try await app.asyncShutdown()
            await done.set()
        }
        try await Task.sleep(for: .milliseconds(500))
        let finishedEarly = await done.isSet
        #expect(!finishedEarly, "shutdown must wait for the handler that is still running")
        // Opening the gate after the databases closed would end the test process, not just the test.
        guard !finishedEarly else { return }
        await probe.open()
        try await shutdown.value
        let result = try #require(await probe.result)
        #expect(throws: Never.self) { try result.get() }
        #expect(try result.get() == 0, "a migrated, empty database has no users")
        try await database.drop()
    }

    @Test("The daily job's scheduler waits at shutdown for a run in progress")
    func schedulerWaitsForItsRun() async throws {
        try await withTestApp(demo: false) { t in
            let scheduler = PathwayJobScheduler()
            let run = t.app.eventLoopGroup.next().makePromise(of: Void.self)
            scheduler.box.running.withLockedValue { $0 = run.futureResult }
            let done = Flag()
            let stopping = Task {
                await scheduler.shutdownAsync(t.app)
                await done.set()
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(await !done.isSet, "shutdown waits while the run is going")
            run.succeed(())
            await stopping.value
            #expect(await done.isSet)
        }
    }
}
