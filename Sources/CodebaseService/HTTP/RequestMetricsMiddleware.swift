import CoreMetrics
import Hummingbird

/// Counts requests per route, method and status, and times them per route, into the application's own registry.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let factory: any MetricsFactory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            self.record(request, context: context, status: response.status.code, since: started)
            return response
        } catch let error as any HTTPResponseError {
            self.record(request, context: context, status: error.status.code, since: started)
            throw error
        } catch {
            self.record(request, context: context, status: 500, since: started)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, since started: ContinuousClock.Instant) {
        // The route pattern, not the path: one series per route however many ids are asked for.
        let route = context.endpointPath ?? "NotFound"
        let method = request.method.rawValue
        Counter(
            label: "http_requests_total",
            dimensions: [("route", route), ("method", method), ("status", String(status))],
            factory: self.factory
        ).increment()
        let elapsed = started.duration(to: .now)
        Timer(label: "http_request_duration_seconds", dimensions: [("route", route), ("method", method)], factory: self.factory)
            .recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
