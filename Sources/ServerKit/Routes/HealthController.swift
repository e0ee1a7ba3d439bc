import Foundation
import Hummingbird
import ServiceClient

/// What `GET /health` asks of a service besides its peer connection: its database's state, and what else a caller
/// with the token is shown.
public protocol HealthSource: Sendable {
    /// Whether the database takes writes now; throws when it cannot even be read.
    func storageState() async throws -> StorageState
    /// Adds to a trusted caller's answer what only this service reports.
    func addDetails(to body: inout HealthResponse) async
}

extension HealthSource {
    public func addDetails(to body: inout HealthResponse) async {}
}

/// `GET /health`: the service's own database and its view of its peer.
public struct HealthController<Context: TrustingRequestContext>: Sendable {
    let service: String
    /// The database's name as shown: a file's name or a PostgreSQL database's, never a path, host or password (a
    /// caller without the token may read it).
    let databaseName: String
    let peer: PeerConnection
    let startedAt: ContinuousClock.Instant
    let source: any HealthSource

    public init(service: String, databaseName: String, peer: PeerConnection, startedAt: ContinuousClock.Instant, source: any HealthSource) {
        self.service = service
        self.databaseName = databaseName
        self.peer = peer
        self.startedAt = startedAt
        self.source = source
    }

    public func addRoutes(to router: Router<Context>) {
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
        var databaseHealth = DatabaseHealth(status: "ok", path: self.databaseName)
        do {
            // `full` or `read_only`: reads are served, writes answer 503 `storage_unavailable`, so degraded, not down.
            databaseHealth.status = try await self.source.storageState().rawValue
        } catch {
            databaseHealth = DatabaseHealth(status: "error", path: self.databaseName, error: "\(error)")
        }
        let dependency = self.peer.dependencyHealth
        let status =
            switch (databaseHealth.status, dependency.status) {
            case ("error", _): "unhealthy"
            case ("ok", .reachable), ("ok", .unknown): "healthy"
            default: "degraded"
            }
        let httpStatus: HTTPResponse.Status = status == "unhealthy" ? .serviceUnavailable : .ok
        // Without the token (when one is set), only the status: nothing about the database or the peer.
        guard context.callerIsTrusted else { return try JSONResponse.make(JSONValue.object(["status": .string(status)]), status: httpStatus) }
        var body = HealthResponse(
            status: status,
            service: self.service,
            version: ServiceVersion.current,
            uptimeSeconds: self.startedAt.duration(to: .now).inSeconds,
            database: databaseHealth,
            dependencies: [self.peer.peerName: dependency]
        )
        await self.source.addDetails(to: &body)
        return try JSONResponse.make(body, status: httpStatus)
    }
}
