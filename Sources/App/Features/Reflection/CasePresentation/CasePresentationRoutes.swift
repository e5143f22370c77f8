import Vapor

/// Placeholder until the feature's routes are written.
enum CasePresentationRoutes {
    static func register(office: some RoutesBuilder, api: some RoutesBuilder) {}
}

extension AuditAction {
    /// Placeholder: this feature's audit actions (the string tables must name each one).
    static let casePresentationActions: [AuditAction] = []
}
