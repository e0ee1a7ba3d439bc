/// The monotonic time source every resilience part reads, injected so tests can drive time by hand.
public protocol ResilienceClock: Sendable {
    /// The current instant.
    var now: ContinuousClock.Instant { get }
    /// Suspends until `deadline`; throws `CancellationError` when the calling task is cancelled.
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

extension ResilienceClock {
    /// Suspends for `duration` from now.
    public func sleep(for duration: Duration) async throws {
        try await self.sleep(until: self.now.advanced(by: duration))
    }
}

/// The real monotonic clock.
public struct SystemClock: ResilienceClock {
    public init() {}

    public var now: ContinuousClock.Instant { ContinuousClock.now }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await Task.sleep(until: deadline, clock: .continuous)
    }
}
