import Logging
import Synchronization

/// What a `FlightGroup` keeps of a load's value for later callers: nothing (`SingleFlight`) or an LRU store with a
/// time-to-live (`SingleFlightCache`). It lives under the group's lock, so a lookup and the joining of a running load
/// are one step.
protocol FlightMemory<Key, Value>: Sendable {
    associatedtype Key: Hashable & Sendable
    associatedtype Value: Sendable

    /// The fresh value for `key`, marked as used; a value found expired is removed and added to `dropped`.
    mutating func recall(_ key: Key, now: ContinuousClock.Instant, dropped: inout [Value]) -> Value?
    /// Keeps `value` for `key`; what that evicts is added to `dropped`.
    mutating func remember(_ key: Key, _ value: Value, now: ContinuousClock.Instant, dropped: inout [Value])
}

/// Runs one load per key at a time for every caller that asks meanwhile, as `SingleFlight` and `SingleFlightCache`
/// describe.
///
/// The load runs in its own task with its own deadline. A waiter's cancellation ends only that waiter's wait; the
/// load goes on for the others. A failed load reaches every waiter and is never remembered. Values the memory drops
/// are closed (`CacheClosable`) before any waiter of the load that dropped them resumes.
final class FlightGroup<Memory: FlightMemory>: Sendable {
    typealias Key = Memory.Key
    typealias Value = Memory.Value
    fileprivate typealias Waiter = CheckedContinuation<Value, any Error>

    struct State {
        var memory: Memory
        fileprivate var flights: [UInt64: [UInt64: Waiter]] = [:]
        /// The flight whose result will be remembered for a key; a detached key's flight is no longer here.
        var currentFlight: [Key: UInt64] = [:]
        fileprivate var waiterFlight: [UInt64: UInt64] = [:]
        fileprivate var nextID: UInt64 = 0
        fileprivate(set) var loads = 0

        fileprivate mutating func makeID() -> UInt64 {
            self.nextID += 1
            return self.nextID
        }

        /// Callers waiting on the load of `key` now.
        func waiterCount(for key: Key) -> Int {
            self.currentFlight[key].flatMap { self.flights[$0]?.count } ?? 0
        }
    }

    private enum Registration {
        case resume(Result<Value, any Error>)
        case joined
        case startLoad(flightID: UInt64)
    }

    private let loadTimeout: Duration?
    private let clock: any ResilienceClock
    private let logger: Logger
    private let state: Mutex<State>

    init(memory: Memory, loadTimeout: Duration?, clock: any ResilienceClock, logger: Logger) {
        self.state = Mutex(State(memory: memory))
        self.loadTimeout = loadTimeout
        self.clock = clock
        self.logger = logger
    }

    /// Reads or changes the state under the lock; values returned as dropped are closed after it.
    func withState<Result: Sendable>(_ body: (inout State) -> (Result, dropped: [Value])) -> Result {
        let (result, dropped) = self.state.withLock { body(&$0) }
        self.close(dropped)
        return result
    }

    /// The remembered value for `key`, or the result of the one load for all callers that ask meanwhile.
    func value(for key: Key, load: @escaping @Sendable () async throws -> Value) async throws -> Value {
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
                return state.flights[flightID]?.removeValue(forKey: waiterID)
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func register(key: Key, waiterID: UInt64, continuation: Waiter) -> (Registration, [Value]) {
        let now = self.clock.now
        return self.state.withLock { state -> (Registration, [Value]) in
            // Checked under the lock: a cancellation that came earlier has already set the flag.
            if Task.isCancelled { return (.resume(.failure(CancellationError())), []) }
            var expired: [Value] = []
            if let value = state.memory.recall(key, now: now, dropped: &expired) { return (.resume(.success(value)), []) }
            if let flightID = state.currentFlight[key] {
                state.flights[flightID]?[waiterID] = continuation
                state.waiterFlight[waiterID] = flightID
                return (.joined, expired)
            }
            let flightID = state.makeID()
            state.flights[flightID] = [waiterID: continuation]
            state.currentFlight[key] = flightID
            state.waiterFlight[waiterID] = flightID
            state.loads += 1
            return (.startLoad(flightID: flightID), expired)
        }
    }

    private func runLoad(key: Key, flightID: UInt64, load: @escaping @Sendable () async throws -> Value) async {
        let result: Result<Value, any Error>
        do {
            if let timeout = self.loadTimeout {
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
            let waiters = state.flights.removeValue(forKey: flightID) ?? [:]
            for id in waiters.keys { state.waiterFlight.removeValue(forKey: id) }
            var evicted: [Value] = []
            if state.currentFlight[key] == flightID {
                state.currentFlight.removeValue(forKey: key)
                if case .success(let value) = result { state.memory.remember(key, value, now: now, dropped: &evicted) }
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
