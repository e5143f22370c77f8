import SQLKit
import Vapor

/// `/healthz` for load balancers: 200 when the database answers, 503 otherwise.
/// `/livez`: 200 while the process serves HTTP, without touching the database (a liveness probe,
/// and the benchmark's reference for what the framework alone costs).
struct HealthController {
    struct Status: Content {
        var status: String
    }

    func alive(req: Request) -> String {
        "ok"
    }

    func check(req: Request) async throws -> Response {
        do {
            try await (req.db as! any SQLDatabase).raw("SELECT 1").run()
            return try await Status(status: "ok").encodeResponse(status: .ok, for: req)
        } catch {
            req.logger.warning("Health check failed: \(String(reflecting: error))")
            return try await Status(status: "unavailable").encodeResponse(status: .serviceUnavailable, for: req)
        }
    }
}
