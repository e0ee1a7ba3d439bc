import Hummingbird
import Prometheus
import ServerKit

/// `GET /metrics`: Prometheus text of this application's own registry.
struct MetricsController<Context: RequestContext> {
    let registry: PrometheusCollectorRegistry

    func addRoutes(to router: Router<Context>) {
        router.get("/metrics", use: self.get)
        router.refuseOtherMethods(on: "/metrics", allowing: [.get])
    }

    /// The registry in the Prometheus text exposition format.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: self.registry.emitToBuffer()))
        )
    }
}
