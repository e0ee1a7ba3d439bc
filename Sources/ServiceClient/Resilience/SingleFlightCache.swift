import Logging
import Synchronization

/// A cached value that holds a resource; the cache closes it when it is evicted.
public protocol CacheClosable: Sendable {
    func close() throws
}

/// Settings of a `SingleFlightCache`; the defaults are docs/resilience.md's.
public struct SingleFlightCacheConfiguration: Sendable {
    /// Entries kept; 0 keeps nothing (for loads shared only while they run, use `SingleFlight`).
    public var capacity: Int = 1024
    /// How long an entry stays fresh; `nil` keeps it until evicted.
    public var timeToLive: Duration? = .seconds(30)
    /// The deadline of each load, independent of any waiter's; `nil` for none.
    public var loadTimeout: Duration? = nil

    public init(capacity: Int = 1024, timeToLive: Duration? = .seconds(30), loadTimeout: Duration? = nil) {
        self.capacity = capacity
        self.timeToLive = timeToLive
        self.loadTimeout = loadTimeout
    }
}

/// Raised to every waiter of a load that ran past its deadline.
public struct CacheLoadTimeoutError: Error, Sendable, Hashable {
    public let timeout: Duration
}

/// An LRU cache with a time-to-live whose `value(for:load:)` loads each missing key once, however many callers ask
/// at the same time (a `SingleFlight` that remembers).
///
/// The load runs in its own task with its own deadline. A waiter's cancellation ends only that waiter's wait; the
/// load goes on for the others (and, with a capacity, fills the cache). A failed load reaches every waiter and is
/// never cached.
public final class SingleFlightCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public let configuration: SingleFlightCacheConfiguration
    private let group: FlightGroup<LRUMemory<Key, Value>>

    public init(configuration: SingleFlightCacheConfiguration = .init(), clock: any ResilienceClock = SystemClock(), logger: Logger) {
        self.configuration = configuration
        self.group = FlightGroup(
            memory: LRUMemory(capacity: configuration.capacity, timeToLive: configuration.timeToLive),
            loadTimeout: configuration.loadTimeout,
            clock: clock,
            logger: logger
        )
    }

    /// Entries stored now.
    public var count: Int { self.group.withState { ($0.memory.store.count, []) } }

    /// Loads started since creation.
    public var loadCount: Int { self.group.withState { ($0.loads, []) } }

    /// Stored keys, most recently used first.
    public var keysByRecency: [Key] { self.group.withState { ($0.memory.store.keysByRecency, []) } }

    /// Callers waiting on the load of `key` now.
    public func waiterCount(for key: Key) -> Int { self.group.withState { ($0.waiterCount(for: key), []) } }

    /// The fresh value for `key`, loading it once for all concurrent callers when it is missing or expired.
    public func value(for key: Key, load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await self.group.value(for: key, load: load)
    }

    /// Drops `key`'s entry (closing it). A load already running for it still answers its waiters but is not stored.
    public func invalidate(_ key: Key) {
        self.group.withState { state in
            state.currentFlight.removeValue(forKey: key)
            return ((), state.memory.store.remove(key).map { [$0] } ?? [])
        }
    }

    /// Drops every entry, closing each.
    public func removeAll() {
        self.group.withState { state in
            state.currentFlight.removeAll()
            return ((), state.memory.store.removeAll())
        }
    }
}

/// A cache's memory: at most `capacity` entries, each fresh for `timeToLive`, the least recently used evicted first.
struct LRUMemory<Key: Hashable & Sendable, Value: Sendable>: FlightMemory {
    let capacity: Int
    let timeToLive: Duration?
    var store = LRUStore<Key, Value>()

    mutating func recall(_ key: Key, now: ContinuousClock.Instant, dropped: inout [Value]) -> Value? {
        guard let (value, storedAt) = self.store.peek(key) else { return nil }
        if let ttl = self.timeToLive, storedAt.duration(to: now) >= ttl {
            self.store.remove(key)
            dropped.append(value)
            return nil
        }
        self.store.promote(key)
        return value
    }

    mutating func remember(_ key: Key, _ value: Value, now: ContinuousClock.Instant, dropped: inout [Value]) {
        guard self.capacity > 0, self.timeToLive != .zero else { return }
        if let replaced = self.store.insert(key, value, at: now) { dropped.append(replaced) }
        while self.store.count > self.capacity, let oldest = self.store.removeOldest() { dropped.append(oldest.value) }
    }
}
