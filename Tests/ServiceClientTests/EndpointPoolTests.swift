import Logging
import ServiceClientTesting
import Testing

@testable import ServiceClient

@Suite("Endpoint pool")
struct EndpointPoolTests {
    let clock = ManualClock()

    func makePool(_ endpoints: [PeerEndpoint], seed: UInt64 = 1) -> EndpointPool {
        var settings = CircuitBreakerConfiguration()
        settings.cooldownJitter = 0
        let configuration = settings
        let clock = self.clock
        return EndpointPool(peerName: "peer", endpoints: endpoints, random: SeededRandomSource(seed: seed)) { endpoint in
            CircuitBreaker(name: endpoint.url, configuration: configuration, clock: clock, random: SeededRandomSource(seed: 2), logger: .quiet)
        }
    }

    func open(_ pool: EndpointPool, _ url: String) throws {
        let breaker = try #require(pool.breaker(for: url))
        for _ in 0..<5 { breaker.record(try breaker.acquire(), .failure) }
        #expect(breaker.circuitState == .open)
    }

    @Test("a URL list parses into endpoints in priority order")
    func parse() {
        let endpoints = PeerEndpoint.parseList(" http://a:1/ , http://b:2,,http://c:3")
        #expect(endpoints.map(\.url) == ["http://a:1", "http://b:2", "http://c:3"])
        #expect(endpoints.map(\.priority) == [0, 1, 2])
    }

    @Test("endpoints are ordered by priority, and the active one is the highest-priority endpoint not open")
    func priorityOrder() throws {
        let pool = self.makePool([.init(url: "http://b", priority: 1), .init(url: "http://a", priority: 0), .init(url: "http://c", priority: 2)])
        #expect(pool.endpoints.map(\.url) == ["http://a", "http://b", "http://c"])
        #expect(pool.activeEndpoint?.url == "http://a")
        let lease = try pool.acquire()
        #expect(lease.endpoint.url == "http://a")
        pool.release(lease, .success)
    }

    @Test("an open breaker skips its endpoint")
    func openSkipped() throws {
        let pool = self.makePool(PeerEndpoint.parseList("http://a,http://b"))
        try self.open(pool, "http://a")
        #expect(pool.activeEndpoint?.url == "http://b")
        for _ in 0..<5 {
            let lease = try pool.acquire()
            #expect(lease.endpoint.url == "http://b")
            pool.release(lease, .success)
        }
    }

    @Test("a retry avoids an endpoint that failed earlier in the same call while another admits it, and falls back to it otherwise")
    func retryAvoidsFailedEndpoint() throws {
        let pool = self.makePool(PeerEndpoint.parseList("http://a,http://b"))
        let first = try pool.acquire()
        #expect(first.endpoint.url == "http://a")
        pool.release(first, .failure)
        // a's breaker is still closed (one failure), yet the retry goes to b.
        #expect(pool.breaker(for: "http://a")?.circuitState == .closed)
        let retry = try pool.acquire(avoiding: ["http://a"])
        #expect(retry.endpoint.url == "http://b")
        pool.release(retry, .success)
        // With every endpoint avoided, the best one is tried again rather than none.
        let last = try pool.acquire(avoiding: ["http://a", "http://b"])
        #expect(last.endpoint.url == "http://a")
        pool.release(last, .success)
    }

    @Test("among equal priorities the endpoint with the fewest calls in flight wins, ties at random")
    func leastInFlight() throws {
        let pool = self.makePool([.init(url: "http://a", priority: 0), .init(url: "http://b", priority: 0), .init(url: "http://c", priority: 1)])
        let first = try pool.acquire()
        let second = try pool.acquire()
        // With one call in flight on the first, the second goes to the other one.
        #expect(Set([first.endpoint.url, second.endpoint.url]) == ["http://a", "http://b"])
        let third = try pool.acquire()
        #expect(third.endpoint.url != "http://c")
        pool.release(first, .success)
        // Now the one released has fewer in flight than the one holding two.
        let busier = third.endpoint.url
        let fourth = try pool.acquire()
        #expect(fourth.endpoint.url != busier)
        #expect(pool.inFlight(for: "http://a") + pool.inFlight(for: "http://b") == 3)

        // Ties are broken at random: over many fresh pools both equal endpoints get chosen first.
        var chosen = Set<String>()
        for seed in 0..<40 {
            let fresh = self.makePool([.init(url: "http://a", priority: 0), .init(url: "http://b", priority: 0)], seed: UInt64(seed))
            chosen.insert(try fresh.acquire().endpoint.url)
        }
        #expect(chosen == ["http://a", "http://b"])
    }

    @Test("removing the active endpoint falls over to the next")
    func removeActive() throws {
        let pool = self.makePool(PeerEndpoint.parseList("http://a,http://b,http://c"))
        #expect(pool.activeEndpoint?.url == "http://a")
        pool.remove(url: "http://a/")
        #expect(pool.activeEndpoint?.url == "http://b")
        #expect(try pool.acquire().endpoint.url == "http://b")
        pool.add(.init(url: "http://z", priority: -1))
        #expect(pool.activeEndpoint?.url == "http://z")
    }

    @Test("with every breaker open the call fails fast with the shortest wait")
    func allOpen() throws {
        let pool = self.makePool(PeerEndpoint.parseList("http://a,http://b"))
        try self.open(pool, "http://a")
        self.clock.advance(by: .seconds(2))
        try self.open(pool, "http://b")
        #expect(pool.activeEndpoint == nil)
        #expect(throws: PeerError.circuitOpen(timeUntilAvailable: .seconds(3))) { try pool.acquire() }
    }

    @Test("an empty pool says so")
    func empty() {
        let pool = self.makePool([])
        #expect(throws: PeerError.noEndpoints) { try pool.acquire() }
    }
}
