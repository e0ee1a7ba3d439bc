import ServiceClient

/// Settings of the supervisor's restart backoff; the defaults are docs/resilience.md's.
public struct RestartBackoffConfiguration: Sendable {
    public var base: Duration = .seconds(1)
    /// Relative jitter `f`: the delay is multiplied by `1 + U(-f, +f)`.
    public var jitter: Double = 0.25
    public var cap: Duration = .seconds(60)
    /// No delay is ever shorter than this, jitter included.
    public var minimum: Duration = .seconds(1)
    /// Restarts allowed before the service is left stopped.
    public var maxAttempts: Int = 5
    /// A run that stays up this long resets the attempt count.
    public var stableAfter: Duration = .seconds(60)

    public init() {}

    /// The delay before restart attempt `attempt` (from 0): `min(cap, base * 2^n)`, jittered, then at least `minimum`.
    public func delay(attempt: Int, random: any RandomSource) -> Duration {
        let exponential = self.base * (1 << min(max(attempt, 0), 30))
        let capped = min(self.cap, exponential)
        let jittered = capped.scaled(by: 1 + random.uniform(-self.jitter, self.jitter))
        return max(self.minimum, jittered)
    }
}

/// The supervisor's decision after a child exits unexpectedly.
public enum RestartDecision: Sendable, Hashable {
    /// Restart after this delay; `attempt` counts from 0.
    case restart(after: Duration, attempt: Int)
    /// The maximum attempts are spent: leave the service stopped and report it degraded.
    case giveUp(attempts: Int)
}

/// The restart bookkeeping of one supervised process: attempt count, give-up, and reset after a stable run.
public struct RestartBackoff: Sendable {
    public let configuration: RestartBackoffConfiguration
    /// Restarts made since the last stable run.
    public private(set) var attempts = 0
    /// True once the maximum attempts were spent; stays true until `reset()`.
    public private(set) var isDegraded = false
    private var startedAt: ContinuousClock.Instant?

    public init(configuration: RestartBackoffConfiguration = .init()) {
        self.configuration = configuration
    }

    /// Notes that the process (re)started at `now`.
    public mutating func started(at now: ContinuousClock.Instant) {
        self.startedAt = now
    }

    /// Decides what to do about an exit at `now`.
    public mutating func exited(at now: ContinuousClock.Instant, random: any RandomSource) -> RestartDecision {
        if !self.isDegraded, let startedAt, startedAt.duration(to: now) >= self.configuration.stableAfter {
            self.attempts = 0
        }
        self.startedAt = nil
        guard !self.isDegraded, self.attempts < self.configuration.maxAttempts else {
            self.isDegraded = true
            return .giveUp(attempts: self.attempts)
        }
        let attempt = self.attempts
        self.attempts += 1
        return .restart(after: self.configuration.delay(attempt: attempt, random: random), attempt: attempt)
    }

    /// Forgets all attempts, e.g. after an operator restarted the service by hand.
    public mutating func reset() {
        self.attempts = 0
        self.isDegraded = false
    }
}
