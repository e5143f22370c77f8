import Vapor

/// `/api/v1` routes for candidates, consents, the portfolio and the office overview.
enum CandidateAPIRoutes {
    /// `staff`: bearer tokens of office staff; `leaders`: of leaders.
    static func register(staff: some RoutesBuilder, leaders: some RoutesBuilder) {}
}
