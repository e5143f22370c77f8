/// Validation problems of a submitted form, for the error summary and the fields themselves.
struct FormErrors: Encodable, Sendable {
    struct Item: Encodable, Sendable {
        var field: String
        var message: String
    }

    var items: [Item] = []
    var byField: [String: String] = [:]

    var isEmpty: Bool { items.isEmpty }

    mutating func add(_ field: String, _ message: String) {
        items.append(.init(field: field, message: message))
        if byField[field] == nil { byField[field] = message }
    }
}
