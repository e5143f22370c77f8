import Vapor

/// Serves `Public/` for the few paths that are static files, and nothing else: other requests
/// skip the file system entirely (no `stat` per page, and no file-system error from a
/// 10 000-character URL). A file that cannot be read is a 404.
struct StaticFilesMiddleware: AsyncMiddleware {
    static let prefixes = ["/css/", "/js/", "/img/", "/favicon.svg"]
    let files: FileMiddleware

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory, cachePolicy: .noCache)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard Self.prefixes.contains(where: request.url.path.hasPrefix) else {
            return try await next.respond(to: request)
        }
        do {
            return try await files.respond(to: request, chainingTo: next)
        } catch let abort as any AbortError {
            throw abort
        } catch {
            throw Abort(.notFound)
        }
    }
}
