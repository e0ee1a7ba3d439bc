import Foundation
import Hummingbird
import ServerKit
import ServiceClient
import WorkflowCore

/// `GET /health`: the service's own database and its view of codebase-mcp.
struct HealthController<Context: TrustingRequestContext> {
    let store: any WorkItemStore
    /// The database's name as shown: the SQLite file's name or the PostgreSQL database's.
    let databaseName: String
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
        let file = self.databaseName
        var databaseHealth = DatabaseHealth(status: "ok", path: file)
        do {
            // `full` or `read_only`: reads are served, writes answer 503 `storage_unavailable`, so degraded, not down.
            databaseHealth.status = try await self.store.checkHealth().rawValue
        } catch {
            databaseHealth = DatabaseHealth(status: "error", path: file, error: "\(error)")
        }
        let dependency = self.peer.dependencyHealth
        let status =
            switch (databaseHealth.status, dependency.status) {
            case ("error", _): "unhealthy"
            case ("ok", .reachable), ("ok", .unknown): "healthy"
            default: "degraded"
            }
        let body = HealthResponse(
            status: status,
            service: "workflow-mcp",
            version: ServiceVersion.current,
            uptimeSeconds: self.startedAt.duration(to: .now).inSeconds,
            database: databaseHealth,
            dependencies: ["codebase-mcp": dependency]
        )
        let httpStatus: HTTPResponse.Status = status == "unhealthy" ? .serviceUnavailable : .ok
        // Without the token (when one is set), only the status: nothing about the database or the peer.
        guard context.callerIsTrusted else { return try JSONResponse.make(JSONValue.object(["status": .string(status)]), status: httpStatus) }
        return try JSONResponse.make(body, status: httpStatus)
    }
}
