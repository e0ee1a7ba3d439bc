import CoreMetrics
import Hummingbird
import Synchronization

/// Counts requests per route, method and status, and times them per route, into the application's own registry.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: RequestMetrics

    public init(factory: any MetricsFactory) {
        self.metrics = RequestMetrics(factory: factory)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
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
        let elapsed = started.duration(to: .now)
        self.metrics.record(
            route: route,
            method: request.method.rawValue,
            status: status,
            nanoseconds: elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        )
    }
}

/// The request metrics' handles, made once per label set rather than on every request.
final class RequestMetrics: Sendable {
    private struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    private let factory: any MetricsFactory
    private let handles = Mutex<[Key: (Counter, Timer)]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func record(route: String, method: String, status: Int, nanoseconds: Int64) {
        let key = Key(route: route, method: method, status: status)
        let (counter, timer) = self.handles.withLock { handles in
            if let existing = handles[key] { return existing }
            let made = (
                Counter(
                    label: "http_requests_total",
                    dimensions: [("route", route), ("method", method), ("status", String(status))],
                    factory: self.factory
                ),
                Timer(label: "http_request_duration_seconds", dimensions: [("route", route), ("method", method)], factory: self.factory)
            )
            handles[key] = made
            return made
        }
        counter.increment()
        timer.recordNanoseconds(nanoseconds)
    }
}
