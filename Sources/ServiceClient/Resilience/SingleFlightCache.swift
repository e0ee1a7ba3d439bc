import Logging
import Synchronization

/// A cached value that holds a resource; the cache closes it when it is evicted.
public protocol CacheClosable: Sendable {
    func close() throws
}

/// Settings of a `SingleFlightCache`; the defaults are docs/resilience.md's.
public struct SingleFlightCacheConfiguration: Sendable {
    /// Entries kept; 0 keeps nothing and makes the cache a pure single-flight gate.
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
/// at the same time.
///
/// The load runs in its own task with its own deadline. A waiter's cancellation ends only that waiter's wait; the
/// load goes on for the others (and, with a capacity, fills the cache). A failed load reaches every waiter and is
/// never cached.
public final class SingleFlightCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private typealias Waiter = CheckedContinuation<Value, any Error>

    private struct Flight {
        let key: Key
        var waiters: [UInt64: Waiter] = [:]
    }

    private struct State {
        var store = LRUStore<Key, Value>()
        var flights: [UInt64: Flight] = [:]
        /// The flight whose result will be stored for a key; an invalidated key's flight is detached from here.
        var currentFlight: [Key: UInt64] = [:]
        var waiterFlight: [UInt64: UInt64] = [:]
        var nextID: UInt64 = 0
        var loads = 0

        mutating func makeID() -> UInt64 {
            self.nextID += 1
            return self.nextID
        }
    }

    private enum Registration {
        case resume(Result<Value, any Error>)
        case joined
        case startLoad(flightID: UInt64)
    }

    public let configuration: SingleFlightCacheConfiguration
    private let clock: any ResilienceClock
    private let logger: Logger
    private let state = Mutex(State())

    public init(configuration: SingleFlightCacheConfiguration = .init(), clock: any ResilienceClock = SystemClock(), logger: Logger) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    /// Entries stored now.
    public var count: Int { self.state.withLock { $0.store.count } }

    /// Loads started since creation.
    public var loadCount: Int { self.state.withLock { $0.loads } }

    /// Stored keys, most recently used first.
    public var keysByRecency: [Key] { self.state.withLock { $0.store.keysByRecency } }

    /// Callers waiting on the load of `key` now.
    public func waiterCount(for key: Key) -> Int {
        self.state.withLock { state in
            state.currentFlight[key].flatMap { state.flights[$0]?.waiters.count } ?? 0
        }
    }

    /// The fresh value for `key`, loading it once for all concurrent callers when it is missing or expired.
    public func value(for key: Key, load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let waiterID = self.state.withLock { $0.makeID() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                let (registration, expired) = self.register(key: key, waiterID: waiterID, continuation: continuation)
                self.close(expired)
                switch registration {
                case .resume(let result):
                    continuation.resume(with: result)
                case .joined:
                    break
                case .startLoad(let flightID):
                    // The load belongs to no single waiter, so it runs in a task of its own.
                    Task { await self.runLoad(key: key, flightID: flightID, load: load) }
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> Waiter? in
                guard let flightID = state.waiterFlight.removeValue(forKey: waiterID) else { return nil }
                return state.flights[flightID]?.waiters.removeValue(forKey: waiterID)
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Drops `key`'s entry (closing it). A load already running for it still answers its waiters but is not stored.
    public func invalidate(_ key: Key) {
        let removed = self.state.withLock { state -> Value? in
            state.currentFlight.removeValue(forKey: key)
            return state.store.remove(key)
        }
        self.close(removed.map { [$0] } ?? [])
    }

    /// Drops every entry, closing each.
    public func removeAll() {
        let removed = self.state.withLock { state -> [Value] in
            state.currentFlight.removeAll()
            return state.store.removeAll()
        }
        self.close(removed)
    }

    private func register(key: Key, waiterID: UInt64, continuation: Waiter) -> (Registration, [Value]) {
        let now = self.clock.now
        return self.state.withLock { state -> (Registration, [Value]) in
            // Checked under the lock: a cancellation that came earlier has already set the flag.
            if Task.isCancelled { return (.resume(.failure(CancellationError())), []) }
            var expired: [Value] = []
            if let (value, storedAt) = state.store.peek(key) {
                if let ttl = self.configuration.timeToLive, storedAt.duration(to: now) >= ttl {
                    state.store.remove(key)
                    expired.append(value)
                } else {
                    state.store.promote(key)
                    return (.resume(.success(value)), [])
                }
            }
            if let flightID = state.currentFlight[key] {
                state.flights[flightID]?.waiters[waiterID] = continuation
                state.waiterFlight[waiterID] = flightID
                return (.joined, expired)
            }
            let flightID = state.makeID()
            state.flights[flightID] = Flight(key: key, waiters: [waiterID: continuation])
            state.currentFlight[key] = flightID
            state.waiterFlight[waiterID] = flightID
            state.loads += 1
            return (.startLoad(flightID: flightID), expired)
        }
    }

    private func runLoad(key: Key, flightID: UInt64, load: @escaping @Sendable () async throws -> Value) async {
        let result: Result<Value, any Error>
        do {
            if let timeout = self.configuration.loadTimeout {
                result = .success(
                    try await withDeadline(self.clock.now.advanced(by: timeout), clock: self.clock) {
                        try await load()
                    } onTimeout: {
                        CacheLoadTimeoutError(timeout: timeout)
                    }
                )
            } else {
                result = .success(try await load())
            }
        } catch {
            result = .failure(error)
        }
        self.complete(key: key, flightID: flightID, result: result)
    }

    private func complete(key: Key, flightID: UInt64, result: Result<Value, any Error>) {
        let now = self.clock.now
        let (waiters, evicted) = self.state.withLock { state -> ([Waiter], [Value]) in
            let flight = state.flights.removeValue(forKey: flightID)
            let waiters = flight?.waiters ?? [:]
            for id in waiters.keys { state.waiterFlight.removeValue(forKey: id) }
            var evicted: [Value] = []
            if state.currentFlight[key] == flightID {
                state.currentFlight.removeValue(forKey: key)
                if case .success(let value) = result, self.configuration.capacity > 0, self.configuration.timeToLive != .zero {
                    if let replaced = state.store.insert(key, value, at: now) { evicted.append(replaced) }
                    while state.store.count > self.configuration.capacity, let oldest = state.store.removeOldest() {
                        evicted.append(oldest.value)
                    }
                }
            }
            return (Array(waiters.values), evicted)
        }
        // Evictions are closed before any waiter resumes, so that a caller never sees a value and, later, its own
        // eviction still pending.
        self.close(evicted)
        for waiter in waiters { waiter.resume(with: result) }
    }

    private func close(_ values: [Value]) {
        for value in values {
            guard let closable = value as? any CacheClosable else { continue }
            do {
                try closable.close()
            } catch {
                // An eviction must never fail the request that caused it.
                self.logger.warning("closing an evicted cache entry failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
