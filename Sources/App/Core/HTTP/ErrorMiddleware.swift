import FluentKit
import Vapor

/// Turns every error into a response a person can act on: problem+json for the API, a calm page
/// in the browser. Internal details are logged with the request id, never shown.
struct SamskapErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return await response(for: error, request: request)
        }
    }

    private func response(for error: any Error, request: Request) async -> Response {
        let problem = Self.problem(for: error)
        if problem.status == .internalServerError {
            request.logger.error("Unhandled error: \(String(reflecting: error))", metadata: ["request-id": .string(request.id)])
        } else {
            request.logger.debug("\(problem.status.code) \(problem.key)")
        }
        if Self.wantsProblemJSON(request) {
            return problemResponse(problem, request: request)
        }
        if let pageError = error as? any PageError {
            do { return try await pageError.page(for: request) } catch {
                request.logger.error("Error page failed to render: \(String(reflecting: error))")
            }
        }
        do {
            let view = ErrorPage(
                status: Int(problem.status.code),
                heading: request.t("error.heading.\(Self.headingKey(problem.status))"),
                message: request.t(problem.key, problem.args),
                requestID: request.id,
                signedIn: request.principal != nil
            )
            let response = try await request.render("errors/error", titleKey: "error.title", view, status: problem.status)
            for (name, value) in problem.headers where name.lowercased() != "www-authenticate" {
                response.headers.replaceOrAdd(name: name, value: value)
            }
            return response
        } catch {
            request.logger.error("Error page failed to render: \(String(reflecting: error))")
            let response = Response(status: problem.status)
            response.headers.contentType = .plainText
            response.body = .init(string: "\(problem.status.code) \(request.t(problem.key, problem.args))")
            return response
        }
    }

    private func problemResponse(_ problem: ProblemError, request: Request) -> Response {
        let document = ProblemDocument(
            type: "about:blank",
            title: problem.status.reasonPhrase,
            status: Int(problem.status.code),
            detail: request.t(problem.key, problem.args),
            instance: request.url.path,
            requestId: request.id,
            errors: problem.fields.isEmpty ? nil : problem.fields.map {
                .init(field: $0.field, message: request.t($0.key, $0.args))
            }
        )
        let response = Response(status: problem.status, headers: problem.headers)
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            response.body = .init(data: try encoder.encode(document))
        } catch {
            response.body = .init(string: #"{"status":500,"title":"Internal Server Error"}"#)
        }
        response.headers.replaceOrAdd(name: .contentType, value: "application/problem+json; charset=utf-8")
        return response
    }

    static func wantsProblemJSON(_ request: Request) -> Bool {
        if request.url.path.hasPrefix("/api/") || request.url.path == "/healthz" { return true }
        let accept = request.headers.first(name: .accept) ?? ""
        return accept.contains("json") && !accept.contains("text/html")
    }

    static func headingKey(_ status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400, 422: "bad_request"
        case 401: "unauthorized"
        case 409: "conflict"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "not_found"
        case 413: "bad_request"
        default: status.code >= 500 ? "server" : "bad_request"
        }
    }

    /// Maps any error to a problem with a translatable message.
    static func problem(for error: any Error) -> ProblemError {
        switch error {
        case let problem as ProblemError:
            return problem
        case let pageError as any PageError:
            return pageError.problem
        case let decoding as DecodingError:
            return .validation([decodingIssue(decoding)])
        case let error where TransientWriteError.matches(error):
            // PostgreSQL aborted it to break a deadlock or a serialization conflict: nothing was kept, and trying again helps.
            return ProblemError(.serviceUnavailable, key: "problem.retry", headers: ["Retry-After": "1"])
        case let database as any DatabaseError where database.isConstraintFailure:
            // Two submits racing past a uniqueness check: the database keeps the first, the second is told.
            return ProblemError(.conflict, key: "problem.conflict")
        case let abort as any AbortError:
            let status = abort.status
            if abort.reason == "csrf" { return ProblemError(status, key: "problem.csrf") }
            switch status {
            case .notFound: return ProblemError(status, key: "problem.not_found")
            case .forbidden: return ProblemError(status, key: "problem.forbidden")
            case .unauthorized: return ProblemError(status, key: "problem.unauthorized", headers: abort.headers)
            case .methodNotAllowed: return ProblemError(status, key: "problem.method_not_allowed")
            case .payloadTooLarge: return ProblemError(status, key: "problem.too_large")
            case .unsupportedMediaType: return ProblemError(status, key: "problem.unsupported_media_type")
            case .serviceUnavailable: return ProblemError(status, key: "problem.unavailable")
            default:
                return status.code < 500
                    ? ProblemError(status, key: "problem.bad_request")
                    : ProblemError(.internalServerError, key: "problem.server")
            }
        default:
            return ProblemError(.internalServerError, key: "problem.server")
        }
    }

    private static func decodingIssue(_ error: DecodingError) -> ProblemError.FieldIssue {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, context):
            let field = (context.codingPath.map(\.stringValue) + [key.stringValue]).joined(separator: ".")
            return .init(field, "problem.field.missing")
        case let .valueNotFound(_, context):
            return .init(path(context), "problem.field.missing")
        case let .typeMismatch(_, context), let .dataCorrupted(context):
            return .init(path(context).isEmpty ? "body" : path(context), "problem.field.invalid")
        @unknown default:
            return .init("body", "problem.field.invalid")
        }
    }
}

/// An error that, in the browser, is answered by a page of its own (a form to state a reason,
/// say); on the API it is `problem`.
protocol PageError: Error {
    var problem: ProblemError { get }
    func page(for request: Request) async throws -> Response
}

struct ErrorPage: Encodable, Sendable {
    var status: Int
    var heading: String
    var message: String
    var requestID: String
    var signedIn: Bool
}
