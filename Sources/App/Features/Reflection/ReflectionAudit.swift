import Foundation

extension AuditAction {
    /// Every audit action of collective reflection and learning.
    static let reflectionActions: [AuditAction] = learningLogActions + reflectionSessionActions + casePresentationActions + officeLearningActions
}
