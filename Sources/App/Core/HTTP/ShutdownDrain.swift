import NIOConcurrencyHelpers
import Vapor

/// Counts the requests being answered. A request outlives its connection: when the client hangs
/// up (a load generator stopping, a phone losing its signal) the handler still runs to its end,
/// and its writes still commit. Shutdown waits for these before the databases close.
final class InFlightRequests: AsyncMiddleware, Sendable {
    private let count = NIOLockedValueBox(0)

    var current: Int { count.withLockedValue { $0 } }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        count.withLockedValue { $0 += 1 }
        defer { count.withLockedValue { $0 -= 1 } }
        return try await next.respond(to: request)
    }
}

/// Shutdown's lifecycle step for requests: stop taking connections, let the open ones finish their
/// request, then wait for handlers whose client has gone. Lifecycle handlers shut down in reverse
/// order of registration, and application storage (the database pools, the write queues) only after
/// all of them: registered at the end of `configure`, this runs before every handler `configure`
/// registered and after those registered later (`serve`'s daily-job scheduler, which waits for a
/// running job itself), and always before the databases close.
struct ShutdownDrain: LifecycleHandler {
    let inFlight: InFlightRequests
    /// A handler still running after this is logged and left; the process is ending anyway.
    var limit: Duration = .seconds(15)

    func shutdownAsync(_ application: Application) async {
        await application.http.server.shared.shutdown()
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while inFlight.current > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        if inFlight.current > 0 {
            application.logger.warning("Shutting down with \(inFlight.current) requests still running")
        }
    }
}
