import Vapor

/// Serves the API description from `openapi.yaml` at the repository root (read once at start).
struct OpenAPIController {
    let document: String?

    init(workingDirectory: String) {
        document = try? String(contentsOfFile: workingDirectory + "openapi.yaml", encoding: .utf8)
    }

    func serve(req: Request) async throws -> Response {
        guard let document else { throw ProblemError(.notFound, key: "problem.openapi_missing") }
        let response = Response(status: .ok, body: .init(string: document))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "yaml", parameters: ["charset": "utf-8"])
        return response
    }
}
