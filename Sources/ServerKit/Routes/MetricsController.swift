import Hummingbird
import Prometheus

/// `GET /metrics`: Prometheus text of this application's own registry.
public struct MetricsController<Context: RequestContext>: Sendable {
    let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    public func addRoutes(to router: Router<Context>) {
        router.get("/metrics", use: self.get)
        router.refuseOtherMethods(on: "/metrics", allowing: [.get])
    }

    /// The registry in the Prometheus text exposition format.
    @Sendable public func get(_ request: Request, context: Context) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: self.registry.emitToBuffer()))
        )
    }
}
