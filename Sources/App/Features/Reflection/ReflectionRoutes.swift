import Vapor

/// Collective reflection and learning: the learning log and groups, sessions and actions,
/// pseudonymised case presentations, and the office's note, premises and learning overview.
enum ReflectionRoutes {
    static func register(office: some RoutesBuilder, leaders: some RoutesBuilder, api: some RoutesBuilder, leaderAPI: some RoutesBuilder) {
        LearningLogRoutes.register(office: office, api: api)
        ReflectionSessionRoutes.register(office: office, api: api)
        CasePresentationRoutes.register(office: office, api: api)
        OfficeLearningRoutes.register(office: office, leaders: leaders, api: api, leaderAPI: leaderAPI)
    }
}
