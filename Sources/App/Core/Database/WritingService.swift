import Vapor

/// A feature service that writes on behalf of someone: the app, the audit context, who acts and
/// the moment. Pages and the API make one from the request; demo data and jobs make one directly.
protocol WritingService {
    var app: Application { get }
    var context: AuditContext { get }
    var actorID: UUID { get }
    var now: Date { get }

    init(app: Application, context: AuditContext, actorID: UUID, now: Date)
}

extension WritingService {
    init(req: Request) throws {
        self.init(app: req.application, context: req.auditContext, actorID: try req.requirePrincipal().userID, now: req.now)
    }
}
