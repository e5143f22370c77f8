import Synchronization
import Vapor

/// Counts the requests being answered. A request outlives its connection: when the client hangs
/// up (a load generator stopping, a phone losing its signal) the handler still runs to its end,
/// and its writes still commit. Shutdown waits for these before the databases close.
final class InFlightRequests: AsyncMiddleware, Sendable {
    private let count = Atomic<Int>(0)

    var current: Int { count.load(ordering: .acquiring) }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        count.add(1, ordering: .relaxed)
        defer { count.subtract(1, ordering: .releasing) }
        return try await next.respond(to: request)
    }
}

/// The first thing shutdown does (registered last, so it runs first): stop taking connections,
/// let the open ones finish their request, then wait for handlers whose client has gone. Only
/// then do the database pools, the write queues and the rest of the application close, so that
/// no handler finds them gone halfway through a write.
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
