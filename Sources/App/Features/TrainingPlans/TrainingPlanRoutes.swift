import Vapor

/// The training plan's pages and API routes.
enum TrainingPlanRoutes {
    static func register(office: some RoutesBuilder, api: some RoutesBuilder) {
        let pages = TrainingPlanController()
        let plan = office.grouped("avtaler", ":agreementID", "opplaering")
        plan.get(use: pages.show)
        plan.post("delmal", use: pages.addGoal)
        plan.post("delmal", ":goalID", use: pages.updateGoal)
        plan.post("sprakplan", use: pages.setLanguagePlan)
        plan.post("observasjon", use: pages.recordObservation)

        let json = TrainingPlanAPIController()
        let training = api.grouped("placements", ":agreementID", "training-plan")
        training.get(use: json.show)
        training.post("goals", use: json.addGoal)
        training.patch("goals", ":goalID", use: json.updateGoal)
        training.put("language", use: json.setLanguagePlan)
        training.post("observations", use: json.recordObservation)
    }
}
