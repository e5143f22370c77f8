import Vapor

/// Validation problems of a submitted form, for the error summary and the fields themselves.
struct FormErrors: Encodable, Sendable {
    struct Item: Encodable, Sendable {
        var field: String
        var message: String
    }

    var items: [Item] = []
    var byField: [String: String] = [:]

    init() {}

    /// The issues of a validation problem, in the request's language.
    init(_ issues: [ProblemError.FieldIssue], _ req: Request) {
        for issue in issues { add(issue.field, req.t(issue.key, issue.args)) }
    }

    var isEmpty: Bool { items.isEmpty }

    mutating func add(_ field: String, _ message: String) {
        items.append(.init(field: field, message: message))
        if byField[field] == nil { byField[field] = message }
    }
}
