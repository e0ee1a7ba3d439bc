import Synchronization

/// Settings of a retry budget; the defaults are docs/resilience.md's.
public struct RetryBudgetConfiguration: Sendable {
    /// Retries may be at most this fraction of calls within the window.
    public var ratio: Double = 0.2
    /// The sliding window over which calls and retries are counted.
    public var window: Duration = .seconds(10)
    /// Retries always allowed within one window, however few calls there were.
    public var minimumRetries: Int = 3

    public init() {}
}

/// Caps retries at a fraction of calls over a sliding window, so an outage does not multiply the load on a
/// struggling peer. Counts are kept in ten buckets of a tenth of the window each.
public final class RetryBudget: Sendable {
    private static let bucketCount = 10

    private struct Bucket {
        var index: Int64 = -1
        var calls = 0
        var retries = 0
    }

    private struct State {
        var buckets = [Bucket](repeating: Bucket(), count: RetryBudget.bucketCount)
    }

    public let configuration: RetryBudgetConfiguration
    private let clock: any ResilienceClock
    private let origin: ContinuousClock.Instant
    private let state = Mutex(State())

    public init(configuration: RetryBudgetConfiguration = .init(), clock: any ResilienceClock = SystemClock()) {
        self.configuration = configuration
        self.clock = clock
        self.origin = clock.now
    }

    /// Counts one logical call (not its retries).
    public func recordCall() {
        let index = self.currentBucketIndex()
        self.state.withLock { state in
            Self.update(&state, index) { $0.calls += 1 }
        }
    }

    /// Takes one retry from the budget; false when the budget is spent.
    public func tryWithdrawRetry() -> Bool {
        let index = self.currentBucketIndex()
        return self.state.withLock { state in
            let (calls, retries) = Self.totals(state, current: index)
            let allowed = max(self.configuration.minimumRetries, Int(Double(calls) * self.configuration.ratio))
            guard retries < allowed else { return false }
            Self.update(&state, index) { $0.retries += 1 }
            return true
        }
    }

    /// Calls and retries counted in the current window.
    public var counts: (calls: Int, retries: Int) {
        let index = self.currentBucketIndex()
        return self.state.withLock { Self.totals($0, current: index) }
    }

    private func currentBucketIndex() -> Int64 {
        let bucketLength = self.configuration.window / Self.bucketCount
        return Int64(self.origin.duration(to: self.clock.now) / bucketLength)
    }

    /// Applies `change` to the bucket of `index`, clearing it first if it still holds an older window's counts.
    private static func update(_ state: inout State, _ index: Int64, _ change: (inout Bucket) -> Void) {
        let slot = Int(index % Int64(bucketCount))
        if state.buckets[slot].index != index {
            state.buckets[slot] = Bucket(index: index)
        }
        change(&state.buckets[slot])
    }

    private static func totals(_ state: State, current: Int64) -> (Int, Int) {
        var calls = 0
        var retries = 0
        for bucket in state.buckets where bucket.index > current - Int64(bucketCount) && bucket.index <= current {
            calls += bucket.calls
            retries += bucket.retries
        }
        return (calls, retries)
    }
}
