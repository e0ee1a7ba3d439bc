import Logging
import ServiceClientTesting
import Testing

@testable import ServiceClient

@Suite("Health monitor")
struct HealthMonitorTests {
    let clock = ManualClock()

    func makeMonitor(probe: @escaping @Sendable (PeerEndpoint) async -> PeerError?) -> (HealthMonitor, EndpointPool) {
        let clock = self.clock
        let pool = EndpointPool(peerName: "peer", endpoints: PeerEndpoint.parseList("http://a")) { endpoint in
            CircuitBreaker(name: endpoint.url, clock: clock, random: SeededRandomSource(seed: 1), logger: .quiet)
        }
        return (HealthMonitor(pool: pool, clock: clock, logger: .quiet, probe: probe), pool)
    }

    @Test("a result is cached for its time-to-live")
    func cachedForTTL() async {
        let calls = TestBox(0)
        let (monitor, pool) = self.makeMonitor { _ in
            calls.mutate { $0 += 1 }
            return nil
        }
        let endpoint = pool.endpoints[0]
        #expect(await monitor.check(endpoint).status == .reachable)
        await monitor.check(endpoint)
        #expect(calls.value == 1)
        self.clock.advance(by: .milliseconds(999))
        await monitor.check(endpoint)
        #expect(calls.value == 1)
        self.clock.advance(by: .milliseconds(1))
        await monitor.check(endpoint)
        #expect(calls.value == 2)
    }

    @Test("invalidation forces a new check")
    func invalidation() async {
        let calls = TestBox(0)
        let (monitor, pool) = self.makeMonitor { _ in
            calls.mutate { $0 += 1 }
            return nil
        }
        let endpoint = pool.endpoints[0]
        await monitor.check(endpoint)
        monitor.invalidate(endpoint.url)
        await monitor.check(endpoint)
        #expect(calls.value == 2)
    }

    @Test("three concurrent checks make one call")
    func singleFlight() async {
        let calls = TestBox(0)
        let gate = AsyncGate()
        let (monitor, pool) = self.makeMonitor { _ in
            calls.mutate { $0 += 1 }
            await gate.wait()
            return .connectionRefused(url: "http://a")
        }
        let endpoint = pool.endpoints[0]
        await withTaskGroup(of: PeerHealthSnapshot.self) { group in
            for _ in 0..<3 { group.addTask { await monitor.check(endpoint) } }
            // Let all three join the one flight before the check may finish.
            await yieldUntil("3 checks wait on one flight") { monitor.pendingCheckWaiters(endpoint.url) >= 3 }
            await gate.open()
            for await snapshot in group { #expect(snapshot.status == .unreachable) }
        }
        #expect(calls.value == 1)
    }

    @Test("a failed check feeds the breaker and the snapshot; a failed call marks the peer unreachable at once")
    func feedsBreakerAndSnapshot() async throws {
        let healthy = TestBox(true)
        let (monitor, pool) = self.makeMonitor { endpoint in
            healthy.value ? nil : .connectionRefused(url: endpoint.url)
        }
        let endpoint = pool.endpoints[0]
        #expect(monitor.peerSnapshot.status == .unknown)
        await monitor.checkAll()
        #expect(monitor.peerSnapshot.status == .reachable)
        healthy.mutate { $0 = false }
        for _ in 0..<5 { await monitor.checkAll() }
        #expect(pool.breaker(for: endpoint.url)?.circuitState == .open)
        #expect(monitor.peerSnapshot.status == .unreachable)
        #expect(monitor.peerSnapshot.error == "connection refused")
        monitor.recordCallOutcome(url: endpoint.url, error: nil)
        #expect(monitor.peerSnapshot.status == .reachable)
        monitor.recordCallOutcome(url: endpoint.url, error: .timeout(url: endpoint.url, after: .milliseconds(500)))
        #expect(monitor.peerSnapshot.status == .unreachable)
    }

    @Test("a successful check while the breaker is open lets the next call probe at once, one call only")
    func recoveredPeerProbedAtOnce() async throws {
        let healthy = TestBox(false)
        let (monitor, pool) = self.makeMonitor { endpoint in
            healthy.value ? nil : .connectionRefused(url: endpoint.url)
        }
        let breaker = try #require(pool.breaker(for: pool.endpoints[0].url))
        for _ in 0..<5 { await monitor.checkAll() }
        #expect(breaker.circuitState == .open)
        #expect(throws: PeerError.self) { try pool.acquire() }
        // The next background check, well within the cooldown (5 s ± 25%), finds the peer back.
        self.clock.advance(by: .seconds(2))
        healthy.mutate { $0 = true }
        await monitor.checkAll()
        #expect(breaker.circuitState == .halfOpen)
        let probe = try pool.acquire()
        #expect(probe.permit.isProbe)
        #expect(throws: PeerError.self) { try pool.acquire() }
        pool.release(probe, .success)
        #expect(breaker.circuitState == .closed)
    }
}

/// A one-shot gate that tasks wait on until it is opened.
actor AsyncGate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if self.isOpen { return }
        await withCheckedContinuation { self.waiters.append($0) }
    }

    func open() {
        self.isOpen = true
        for waiter in self.waiters { waiter.resume() }
        self.waiters = []
    }
}
