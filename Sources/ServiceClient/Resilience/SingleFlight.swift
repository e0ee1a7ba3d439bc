import Logging

/// Shares a load among the callers that ask for the same key while it runs, and keeps nothing afterwards: the next
/// caller starts a new load. workflow-mcp's reference check uses it so that concurrent reads of the same references
/// make one lookup, while every read still asks codebase-mcp anew.
public final class SingleFlight<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let group: FlightGroup<NoMemory<Key, Value>>

    /// `loadTimeout` is the deadline of each load, independent of any waiter's; `nil` for none.
    public init(loadTimeout: Duration? = nil, clock: any ResilienceClock = SystemClock(), logger: Logger) {
        self.group = FlightGroup(memory: NoMemory(), loadTimeout: loadTimeout, clock: clock, logger: logger)
    }

    /// Loads started since creation.
    public var loadCount: Int { self.group.withState { ($0.loads, []) } }

    /// Callers waiting on the load of `key` now.
    public func waiterCount(for key: Key) -> Int { self.group.withState { ($0.waiterCount(for: key), []) } }

    /// The result of the load of `key`: the one running now, joined, or a new one.
    public func value(for key: Key, load: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await self.group.value(for: key, load: load)
    }
}

/// A single flight's memory: none.
struct NoMemory<Key: Hashable & Sendable, Value: Sendable>: FlightMemory {
    func recall(_ key: Key, now: ContinuousClock.Instant, dropped: inout [Value]) -> Value? { nil }
    func remember(_ key: Key, _ value: Value, now: ContinuousClock.Instant, dropped: inout [Value]) {}
}
