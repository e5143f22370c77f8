import SQLKit
import Vapor

/// `/healthz` for load balancers: 200 when the database answers, 503 otherwise.
struct HealthController {
    struct Status: Content {
        var status: String
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
