import CodebaseCore
import Foundation
import Hummingbird
import ServerKit
import ServiceClient

/// `GET /health`: the service's own database and its view of workflow-mcp.
struct HealthController<Context: TrustingRequestContext> {
    let store: any ChunkStore
    let indexStatus: IndexStatus
    let databasePath: String
    let peer: PeerConnection
    let startedAt: ContinuousClock.Instant

    func addRoutes(to router: Router<Context>) {
        router.get("/health", use: self.get)
        router.refuseOtherMethods(on: "/health", allowing: [.get])
    }

    /// Answers 200 while the database is usable (`degraded` with the peer down), 503 `unhealthy` when it is not.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        // Like every route, a parameter it does not take is refused rather than ignored (empty names, from a
        // trailing `&`, are not parameters).
        if let name = request.uri.queryParameters.map({ String($0.key) }).filter({ !$0.isEmpty }).sorted().first {
            throw APIError.invalid(field: name, "GET /health takes no query parameters; got '\(name)'.")
        }
        // The file name only: the absolute path tells an unauthenticated caller about the host's layout.
        let file = URL(fileURLWithPath: self.databasePath).lastPathComponent
        var databaseHealth = DatabaseHealth(status: "ok", path: file)
        do {
            // `full` or `read_only`: search is served, index writes fail, so degraded, not down.
            databaseHealth.status = try await self.store.checkStorage().rawValue
        } catch {
            databaseHealth = DatabaseHealth(status: "error", path: file, error: "\(error)")
        }
        // Counts come from the database: while it cannot be read, the repositories are left out. A caller without the
        // token sees only the status, so they are not read for it.
        let repositories = context.callerIsTrusted ? try? await self.indexStatus.repositoryStates() : nil
        let dependency = self.peer.dependencyHealth
        let status =
            switch (databaseHealth.status, dependency.status) {
            case ("error", _): "unhealthy"
            case ("ok", .reachable), ("ok", .unknown): "healthy"
            default: "degraded"
            }
        let body = HealthResponse(
            status: status,
            service: "codebase-mcp",
            version: ServiceVersion.current,
            uptimeSeconds: self.startedAt.duration(to: .now).inSeconds,
            database: databaseHealth,
            dependencies: ["workflow-mcp": dependency],
            repositories: repositories
        )
        // Without the token (when one is set), only the status: nothing about the database or the peer.
        let data =
            context.callerIsTrusted
            ? try ContractCoding.makeEncoder().encode(body) : try ContractCoding.makeEncoder().encode(JSONValue.object(["status": .string(status)]))
        return Response(
            status: status == "unhealthy" ? .serviceUnavailable : .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
