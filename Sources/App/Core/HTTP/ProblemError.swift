import Vapor

/// An error a person can act on. Rendered as `application/problem+json` (RFC 9457) on the API
/// and as an error page in the browser. Messages are string-table keys, translated per request.
public struct ProblemError: Error, Sendable {
    public struct FieldIssue: Sendable, Equatable {
        public var field: String
        public var key: String
        public var args: [String]

        public init(_ field: String, _ key: String, _ args: String...) {
            self.field = field
            self.key = key
            self.args = args
        }
    }

    public var status: HTTPResponseStatus
    public var key: String
    public var args: [String]
    public var fields: [FieldIssue]
    public var headers: HTTPHeaders

    public init(_ status: HTTPResponseStatus, key: String, args: [String] = [], fields: [FieldIssue] = [], headers: HTTPHeaders = [:]) {
        self.status = status
        self.key = key
        self.args = args
        self.fields = fields
        self.headers = headers
    }

    public static func validation(_ fields: [FieldIssue]) -> ProblemError {
        ProblemError(.unprocessableEntity, key: "problem.validation", fields: fields)
    }
}

/// The JSON body of a problem response.
struct ProblemDocument: Content {
    struct InvalidField: Content {
        var field: String
        var message: String
    }

    var type: String
    var title: String
    var status: Int
    var detail: String
    var instance: String?
    var requestId: String
    var errors: [InvalidField]?
}
