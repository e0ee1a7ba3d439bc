import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Settings of the peer health monitor; the defaults are docs/resilience.md's.
public struct HealthMonitorConfiguration: Sendable {
    /// Time between background checks of each endpoint.
    public var interval: Duration = .seconds(2)
    /// Deadline of one check.
    public var timeout: Duration = .seconds(1)
    /// How long a check result is reused by `check(_:)` before a new call is made.
    public var cacheTimeToLive: Duration = .seconds(1)

    public init() {}
}

/// What is known of one endpoint's health.
public struct PeerHealthSnapshot: Sendable, Hashable {
    public var status: DependencyStatus
    public var checkedAt: Date?
    public var error: String?

    public init(status: DependencyStatus, checkedAt: Date? = nil, error: String? = nil) {
        self.status = status
        self.checkedAt = checkedAt
        self.error = error
    }

    public static let unknown = PeerHealthSnapshot(status: .unknown)
}

/// Checks a peer's endpoints in the background and on demand, feeds their breakers, and remembers the most recent
/// result of each, whether it came from a check or from a call on the request path.
///
/// Check results are cached for a short time-to-live and can be invalidated; concurrent checks of one endpoint
/// share one call.
public final class HealthMonitor: Service {
    public let configuration: HealthMonitorConfiguration
    private let pool: EndpointPool
    private let clock: any ResilienceClock
    private let logger: Logger
    private let probe: @Sendable (PeerEndpoint) async -> PeerError?
    private let cache: SingleFlightCache<String, PeerHealthSnapshot>
    private let latest = Mutex<[String: PeerHealthSnapshot]>([:])

    /// - Parameter probe: one check of one endpoint: `nil` when healthy, else why not.
    public init(
        configuration: HealthMonitorConfiguration = .init(),
        pool: EndpointPool,
        clock: any ResilienceClock = SystemClock(),
        logger: Logger,
        probe: @escaping @Sendable (PeerEndpoint) async -> PeerError?
    ) {
        self.configuration = configuration
        self.pool = pool
        self.clock = clock
        self.logger = logger
        self.probe = probe
        self.cache = SingleFlightCache(
            configuration: .init(capacity: 256, timeToLive: configuration.cacheTimeToLive),
            clock: clock,
            logger: logger
        )
    }

    /// Checks `endpoint`, or returns a result younger than the time-to-live.
    @discardableResult
    public func check(_ endpoint: PeerEndpoint) async -> PeerHealthSnapshot {
        do {
            return try await self.cache.value(for: endpoint.url) { await self.performCheck(endpoint) }
        } catch {
            // Only the caller's cancellation ends up here; the check itself never throws.
            return self.snapshot(for: endpoint.url)
        }
    }

    /// Forgets the cached result of `url`, so the next `check` calls the peer.
    public func invalidate(_ url: String) {
        self.cache.invalidate(url)
    }

    /// Checks every endpoint now, bypassing the cache.
    public func checkAll() async {
        await withTaskGroup(of: Void.self) { group in
            for endpoint in self.pool.endpoints {
                self.invalidate(endpoint.url)
                group.addTask { await self.check(endpoint) }
            }
        }
    }

    /// Records the outcome of a call on the request path: a failure counts as a failed check at once.
    public func recordCallOutcome(url: String, error: PeerError?) {
        let snapshot = PeerHealthSnapshot(status: error == nil ? .reachable : .unreachable, checkedAt: Date(), error: error?.summary)
        self.store(snapshot, for: url)
        if error != nil { self.invalidate(url) }
    }

    /// The most recent result for `url`, without calling the peer.
    public func snapshot(for url: String) -> PeerHealthSnapshot {
        self.latest.withLock { $0[url] } ?? .unknown
    }

    /// The peer as a whole: reachable if any endpoint is, unknown while none was checked, else unreachable.
    public var peerSnapshot: PeerHealthSnapshot {
        let snapshots = self.pool.endpoints.map { self.snapshot(for: $0.url) }
        if let reachable = snapshots.filter({ $0.status == .reachable }).max(by: Self.olderThan) { return reachable }
        let unreachable = snapshots.filter { $0.status == .unreachable }
        if let newest = unreachable.max(by: Self.olderThan) { return newest }
        return .unknown
    }

    /// Callers waiting on the check of `url` now.
    func pendingCheckWaiters(_ url: String) -> Int {
        self.cache.waiterCount(for: url)
    }

    /// Checks every endpoint each interval until graceful shutdown.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    await self.checkAll()
                    try await self.clock.sleep(for: self.configuration.interval)
                }
            }
        } catch is CancellationError {
            // Shutdown: nothing to clean up.
        }
    }

    private func performCheck(_ endpoint: PeerEndpoint) async -> PeerHealthSnapshot {
        // The breaker needs to know whether the peer answered after it opened, not only that it answered.
        let started = self.clock.now
        let error = await self.probe(endpoint)
        if error == .cancelled { return self.snapshot(for: endpoint.url) }
        let snapshot = PeerHealthSnapshot(status: error == nil ? .reachable : .unreachable, checkedAt: Date(), error: error?.summary)
        self.pool.breaker(for: endpoint.url)?.recordHealthCheck(success: error == nil, startedAt: started)
        self.store(snapshot, for: endpoint.url)
        return snapshot
    }

    private func store(_ snapshot: PeerHealthSnapshot, for url: String) {
        let previous = self.latest.withLock { latest in
            defer { latest[url] = snapshot }
            return latest[url]?.status
        }
        if previous != snapshot.status, snapshot.status == .unreachable || previous == .unreachable {
            self.logger.notice(
                "peer endpoint \(snapshot.status == .reachable ? "recovered" : "unreachable")",
                metadata: ["endpoint": "\(url)", "error": "\(snapshot.error ?? "")"]
            )
        }
    }

    private static func olderThan(_ a: PeerHealthSnapshot, _ b: PeerHealthSnapshot) -> Bool {
        (a.checkedAt ?? .distantPast) < (b.checkedAt ?? .distantPast)
    }
}
