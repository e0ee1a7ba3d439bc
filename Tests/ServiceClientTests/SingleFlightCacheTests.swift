import Logging
import ServiceClientTesting
import Testing

@testable import ServiceClient

/// A cached resource that records its closing.
final class Resource: CacheClosable {
    let name: String
    let closed: TestBox<[String]>
    let failsToClose: Bool

    init(_ name: String, closed: TestBox<[String]>, failsToClose: Bool = false) {
        self.name = name
        self.closed = closed
        self.failsToClose = failsToClose
    }

    struct CloseFailed: Error {}

    func close() throws {
        self.closed.mutate { $0.append(self.name) }
        if self.failsToClose { throw CloseFailed() }
    }
}

struct LoadFailed: Error, Equatable {}

@Suite("Single-flight LRU cache")
struct SingleFlightCacheTests {
    let clock = ManualClock()
    let closed = TestBox<[String]>([])

    func makeCache(capacity: Int = 3, ttl: Duration? = .seconds(30), logger: Logger = .quiet) -> SingleFlightCache<String, Resource> {
        SingleFlightCache(configuration: .init(capacity: capacity, timeToLive: ttl), clock: self.clock, logger: logger)
    }

    func load(_ cache: SingleFlightCache<String, Resource>, _ key: String, failsToClose: Bool = false) async throws -> Resource {
        let closed = self.closed
        return try await cache.value(for: key) { Resource(key, closed: closed, failsToClose: failsToClose) }
    }

    @Test("a hit returns the stored value and promotes it to most recent")
    func hitPromotes() async throws {
        let cache = self.makeCache()
        for key in ["a", "b", "c"] { _ = try await self.load(cache, key) }
        #expect(cache.keysByRecency == ["c", "b", "a"])
        let first = try await self.load(cache, "a")
        let again = try await self.load(cache, "a")
        #expect(first === again)
        #expect(cache.loadCount == 3)
        #expect(cache.keysByRecency == ["a", "c", "b"])
    }

    @Test("inserting past capacity evicts the least recent and closes it")
    func evictsLeastRecent() async throws {
        let cache = self.makeCache()
        for key in ["a", "b", "c"] { _ = try await self.load(cache, key) }
        _ = try await self.load(cache, "a")
        _ = try await self.load(cache, "d")
        #expect(self.closed.value == ["b"])
        #expect(Set(cache.keysByRecency) == ["a", "c", "d"])
    }

    @Test("evicting everything closes every entry")
    func removeAllCloses() async throws {
        let cache = self.makeCache()
        for key in ["a", "b", "c"] { _ = try await self.load(cache, key) }
        cache.removeAll()
        #expect(Set(self.closed.value) == ["a", "b", "c"])
        #expect(cache.count == 0)
    }

    @Test("a throwing close() is logged and swallowed")
    func throwingClose() async throws {
        let messages = TestBox<[String]>([])
        let cache = self.makeCache(capacity: 1, logger: CapturingLogHandler.logger(messages))
        _ = try await self.load(cache, "a", failsToClose: true)
        let b = try await self.load(cache, "b")
        #expect(b.name == "b")
        #expect(self.closed.value == ["a"])
        #expect(messages.value.contains { $0.contains("closing an evicted cache entry failed") })
        cache.invalidate("b")
        #expect(self.closed.value == ["a", "b"])
    }

    @Test("4 concurrent loads of one key build it once")
    func concurrentLoadsOnce() async throws {
        let cache = self.makeCache()
        let gate = AsyncGate()
        let builds = TestBox(0)
        let closed = self.closed
        try await withThrowingTaskGroup(of: Resource.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await cache.value(for: "k") {
                        builds.mutate { $0 += 1 }
                        await gate.wait()
                        return Resource("k", closed: closed)
                    }
                }
            }
            await yieldUntil("4 loads wait on the key") { cache.waiterCount(for: "k") >= 4 }
            await gate.open()
            var results: [Resource] = []
            for try await resource in group { results.append(resource) }
            #expect(results.count == 4)
            #expect(results.allSatisfy { $0 === results[0] })
        }
        #expect(builds.value == 1)
    }

    @Test("a failed load reaches every waiter and is not cached")
    func failedLoad() async throws {
        let cache = self.makeCache()
        let gate = AsyncGate()
        let attempts = TestBox(0)
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    do {
                        _ = try await cache.value(for: "k") {
                            attempts.mutate { $0 += 1 }
                            await gate.wait()
                            throw LoadFailed()
                        }
                        return false
                    } catch {
                        return error is LoadFailed
                    }
                }
            }
            await yieldUntil("3 loads wait on the key") { cache.waiterCount(for: "k") >= 3 }
            await gate.open()
            for await failedAsExpected in group { #expect(failedAsExpected) }
        }
        #expect(attempts.value == 1)
        #expect(cache.count == 0)
        let value = try await self.load(cache, "k")
        #expect(value.name == "k")
        #expect(cache.loadCount == 2)
    }

    @Test("cancelling one waiter ends its wait only; the load goes on for the others")
    func cancelOneWaiter() async throws {
        let cache = self.makeCache()
        let gate = AsyncGate()
        let closed = self.closed
        let load: @Sendable () async throws -> Resource = {
            await gate.wait()
            return Resource("k", closed: closed)
        }
        let cancelled = Task { try await cache.value(for: "k", load: load) }
        let patient = Task { try await cache.value(for: "k", load: load) }
        await yieldUntil("2 loads wait on the key") { cache.waiterCount(for: "k") >= 2 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(cache.waiterCount(for: "k") == 1)
        await gate.open()
        let value = try await patient.value
        #expect(value.name == "k")
        #expect(cache.loadCount == 1)
        #expect(cache.count == 1)
    }

    @Test("entries expire after the time-to-live")
    func expiry() async throws {
        let cache = self.makeCache(ttl: .seconds(30))
        let first = try await self.load(cache, "a")
        self.clock.advance(by: .seconds(29))
        #expect(try await self.load(cache, "a") === first)
        self.clock.advance(by: .seconds(1))
        let second = try await self.load(cache, "a")
        #expect(second !== first)
        #expect(self.closed.value == ["a"])
        #expect(cache.loadCount == 2)
    }

    @Test("a load that runs past its own deadline fails every waiter with a timeout")
    func loadTimeout() async throws {
        let cache = SingleFlightCache<String, Int>(
            configuration: .init(capacity: 4, timeToLive: nil, loadTimeout: .seconds(2)),
            clock: self.clock,
            logger: .quiet
        )
        let clock = self.clock
        let waiter = Task {
            try await cache.value(for: "slow") {
                try await clock.sleep(for: .seconds(60))
                return 1
            }
        }
        // Both the load and its deadline are sleeping on the manual clock.
        guard await yieldUntil("the load and its deadline sleep", { clock.sleeperCount >= 2 }) else {
            waiter.cancel()
            return
        }
        clock.advance(by: .seconds(2))
        await #expect(throws: CacheLoadTimeoutError(timeout: .seconds(2))) { try await waiter.value }
        #expect(cache.count == 0)
    }

    @Test("with capacity 0 it only shares loads in flight and keeps nothing")
    func pureSingleFlight() async throws {
        let cache = self.makeCache(capacity: 0, ttl: nil)
        _ = try await self.load(cache, "a")
        _ = try await self.load(cache, "a")
        #expect(cache.loadCount == 2)
        #expect(cache.count == 0)
    }

    @Test("a key invalidated while its load runs is answered but not stored")
    func invalidateDuringLoad() async throws {
        let cache = self.makeCache()
        let gate = AsyncGate()
        let closed = self.closed
        let waiter = Task {
            try await cache.value(for: "k") {
                await gate.wait()
                return Resource("old", closed: closed)
            }
        }
        await yieldUntil("the load waits on the key") { cache.waiterCount(for: "k") >= 1 }
        cache.invalidate("k")
        await gate.open()
        #expect(try await waiter.value.name == "old")
        #expect(cache.count == 0)
    }
}
