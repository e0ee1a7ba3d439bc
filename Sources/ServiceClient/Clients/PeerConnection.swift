import CoreMetrics
import Foundation
import Logging
import NIOHTTP1
import ServiceLifecycle

/// Settings of one service's connection to its peer; the defaults are docs/resilience.md's.
public struct PeerConnectionConfiguration: Sendable {
    /// The peer's endpoints, best priority first.
    public var endpoints: [PeerEndpoint]
    public var connectTimeout: Duration = .seconds(1)
    /// The largest answer body read from the peer.
    public var maxBodyBytes: Int = 8 * 1024 * 1024
    public var retry = RetryPolicy()
    public var retryBudget = RetryBudgetConfiguration()
    public var breaker = CircuitBreakerConfiguration()
    public var health = HealthMonitorConfiguration()
    /// The peer's bearer token (`--codebase-token`, `--workflow-token`), sent on every call when set.
    public var authToken: String?

    public init(endpoints: [PeerEndpoint]) {
        self.endpoints = endpoints
    }

    /// Endpoints from a peer URL setting such as `http://a:8020,http://b:8020`.
    public init(urls: String) {
        self.init(endpoints: PeerEndpoint.parseList(urls))
    }
}

/// Everything one service needs to call its peer: the long-lived HTTP client, an endpoint pool with a breaker per
/// endpoint, retries within a budget, and a health monitor. Run it as a `Service`: it checks the peer's health in the
/// background until graceful shutdown, then closes the HTTP client.
public final class PeerConnection: Service {
    public let peerName: String
    public let configuration: PeerConnectionConfiguration
    // The parts stay internal: a service asks `unavailability` or `dependencyHealth`, never the parts themselves.
    let pool: EndpointPool
    let health: HealthMonitor
    let transport: HTTPTransport
    let metrics: PeerMetrics
    private let retrier: Retrier
    private let clock: any ResilienceClock
    private let logger: Logger

    public init(
        peerName: String,
        configuration: PeerConnectionConfiguration,
        clock: any ResilienceClock = SystemClock(),
        random: any RandomSource = SystemRandomSource(),
        logger: Logger,
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        let metrics = PeerMetrics(peerName: peerName, factory: metricsFactory)
        let transport = HTTPTransport(connectTimeout: configuration.connectTimeout, authToken: configuration.authToken, clock: clock)
        let pool = EndpointPool(peerName: peerName, endpoints: configuration.endpoints, random: random) { endpoint in
            CircuitBreaker(
                name: "\(peerName) \(endpoint.url)",
                configuration: configuration.breaker,
                clock: clock,
                random: random,
                logger: logger
            ) { _, to in metrics.recordTransition(endpoint: endpoint.url, to: to) }
        }
        let healthTimeout = configuration.health.timeout
        let maxBodyBytes = configuration.maxBodyBytes
        self.peerName = peerName
        self.configuration = configuration
        self.pool = pool
        self.transport = transport
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
        self.retrier = Retrier(
            policy: configuration.retry,
            budget: RetryBudget(configuration: configuration.retryBudget, clock: clock),
            clock: clock,
            random: random
        )
        self.health = HealthMonitor(configuration: configuration.health, pool: pool, clock: clock, logger: logger) { endpoint in
            do {
                let response = try await transport.send(
                    to: endpoint.url,
                    PeerRequest(method: .GET, path: "/health"),
                    deadline: clock.now.advanced(by: healthTimeout),
                    timeout: healthTimeout,
                    maxBodyBytes: maxBodyBytes
                )
                guard response.status == 200 else { return .serverError(url: endpoint.url, status: response.status) }
                _ = try response.decode(HealthResponse.self)
                return nil
            } catch {
                return error as? PeerError ?? .invalidResponse(url: endpoint.url, reason: "\(error)")
            }
        }
    }

    /// The endpoint URLs as configured, comma-separated, for messages.
    public var displayURL: String {
        self.pool.endpoints.map(\.url).joined(separator: ",")
    }

    /// The peer's entry in `/health`'s `dependencies`.
    public var dependencyHealth: DependencyHealth {
        let snapshot = self.health.peerSnapshot
        let circuitEndpoint = self.pool.activeEndpoint ?? self.pool.endpoints.first
        let circuit = circuitEndpoint.flatMap { self.pool.breaker(for: $0.url)?.circuitState } ?? .closed
        return DependencyHealth(
            status: snapshot.status,
            circuit: circuit,
            lastCheckedAt: snapshot.checkedAt,
            lastError: snapshot.error,
            url: self.displayURL
        )
    }

    /// True when the most recent check or call of the peer failed.
    var isUnreachable: Bool {
        self.unavailability != nil
    }

    /// Why the peer is unavailable (the error of the most recent failed check or call), or `nil` while it is reachable:
    /// what both services put into a warning when they answer without asking the peer.
    public var unavailability: String? {
        let snapshot = self.health.peerSnapshot
        guard snapshot.status == .unreachable else { return nil }
        return snapshot.error ?? "last health check failed"
    }

    /// Makes one logical call: endpoint choice, breaker, retries within `timeout`, and `decode` of the answer. A
    /// 5xx or an answer `decode` rejects as `PeerError.invalidResponse` counts as a peer failure.
    ///
    /// - Throws: `PeerError` only.
    public func call<T: Sendable>(
        _ request: PeerRequest,
        timeout: Duration,
        decode: @escaping @Sendable (PeerResponse) throws -> T
    ) async throws -> T {
        let started = self.clock.now
        let deadline = started.advanced(by: timeout)
        // Endpoints that failed an attempt of this call: a retry prefers another (several replicas of the peer).
        var failed: Set<String> = []
        do {
            let value = try await self.retrier.run(
                idempotent: request.isIdempotent,
                deadline: deadline,
                isRetryable: { ($0 as? PeerError)?.isRetryable ?? false },
                operation: { _ in try await self.attempt(request, deadline: deadline, timeout: timeout, avoiding: &failed, decode: decode) }
            )
            self.metrics.recordCall(outcome: "success", duration: started.duration(to: self.clock.now))
            return value
        } catch {
            let peerError = error as? PeerError ?? .cancelled
            self.metrics.recordCall(outcome: peerError.outcomeLabel, duration: started.duration(to: self.clock.now))
            throw peerError
        }
    }

    /// Closes the HTTP client; for owners that do not run this as a `Service`.
    public func shutdown() async throws {
        try await self.transport.shutdown()
    }

    /// Checks the peer's health in the background until graceful shutdown, then closes the HTTP client.
    public func run() async throws {
        try await self.health.run()
        try await self.transport.shutdown()
    }

    private func attempt<T: Sendable>(
        _ request: PeerRequest,
        deadline: ContinuousClock.Instant,
        timeout: Duration,
        avoiding failed: inout Set<String>,
        decode: @Sendable (PeerResponse) throws -> T
    ) async throws -> T {
        // A refused connection never reached the peer, so trying another endpoint at once is safe for any request
        // and adds no load: it is a fail-over within this attempt, not a retry (no backoff, no retry budget). Without
        // it, a killed replica would take attempts until its breaker opens while a live one is idle.
        var refused: PeerError?
        while true {
            let lease = try self.pool.acquire(avoiding: failed)
            if let refused, failed.contains(lease.endpoint.url) {
                // No other endpoint is left to fail over to.
                self.pool.release(lease, .ignored)
                throw refused
            }
            let url = lease.endpoint.url
            do {
                let response = try await self.transport.send(
                    to: url,
                    request,
                    deadline: deadline,
                    timeout: timeout,
                    maxBodyBytes: self.configuration.maxBodyBytes
                )
                if response.status >= 500 { throw PeerError.serverError(url: url, status: response.status) }
                let value: T
                do {
                    value = try decode(response)
                } catch let error as PeerError {
                    throw error
                } catch {
                    throw PeerError.invalidResponse(url: url, reason: "\(error)")
                }
                self.pool.release(lease, .success)
                self.health.recordCallOutcome(url: url, error: nil)
                return value
            } catch {
                let peerError = error as? PeerError ?? .connectionFailed(url: url, reason: "\(error)")
                if peerError.isPeerFailure {
                    failed.insert(url)
                    self.pool.release(lease, .failure)
                    self.health.recordCallOutcome(url: url, error: peerError)
                    self.logger.debug("peer call failed", metadata: ["peer": "\(self.peerName)", "error": "\(peerError.summary)"])
                } else if case .rejected = peerError {
                    // The peer answered; the request was at fault.
                    self.pool.release(lease, .success)
                    self.health.recordCallOutcome(url: url, error: nil)
                } else {
                    self.pool.release(lease, .ignored)
                }
                if case .connectionRefused = peerError, self.pool.admitsAny(excluding: failed) {
                    refused = peerError
                    continue
                }
                throw peerError
            }
        }
    }
}
