import Vapor

/// Placeholder until the feature's routes are written.
enum OfficeLearningRoutes {
    static func register(office: some RoutesBuilder, leaders: some RoutesBuilder, api: some RoutesBuilder, leaderAPI: some RoutesBuilder) {}
}

extension AuditAction {
    /// Placeholder: this feature's audit actions (the string tables must name each one).
    static let officeLearningActions: [AuditAction] = []
}
