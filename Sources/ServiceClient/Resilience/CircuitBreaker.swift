import Logging
import Synchronization

/// Settings of a circuit breaker; the defaults are docs/resilience.md's.
public struct CircuitBreakerConfiguration: Sendable {
    /// Consecutive failures that open a closed breaker.
    public var failureThreshold: Int = 5
    /// The first cooldown after opening.
    public var baseCooldown: Duration = .seconds(5)
    /// The longest cooldown, however many probes failed.
    public var maxCooldown: Duration = .seconds(60)
    /// Relative jitter applied to each cooldown, `±cooldownJitter`.
    public var cooldownJitter: Double = 0.25
    /// How long a probe may hold the half-open slot before another probe is let through. A probe is
    /// bounded by its call's deadline; this is the backstop that keeps the breaker from sticking.
    public var probeTimeout: Duration = .seconds(10)

    public init() {}
}

/// Raised when a breaker refuses a call without touching the network.
public struct CircuitOpenError: Error, Sendable, Hashable {
    /// How long until the breaker will let a probe through.
    public var timeUntilAvailable: Duration
}

/// Permission to make one call, returned by `CircuitBreaker.acquire()` and handed back with its outcome.
public struct CircuitPermit: Sendable, Hashable {
    let generation: UInt64
    /// True when this call is the one half-open probe.
    public let isProbe: Bool
}

/// What a call's outcome means to a breaker.
public enum CallOutcome: Sendable, Hashable {
    /// The peer answered (a 404 on a lookup is an answer).
    case success
    /// Refused, reset, timeout, 5xx, or a body that is not the expected JSON.
    case failure
    /// Neither: the caller cancelled. The breaker forgets the call.
    case ignored
}

/// A circuit breaker for one peer endpoint: closed → open after consecutive failures, one probe at a time after
/// a jittered, doubling cooldown, or at once when a health check finds the peer back.
public final class CircuitBreaker: Sendable {
    private enum Phase {
        case closed(consecutiveFailures: Int)
        /// `healthMayProbe`: a health check that succeeds may end the cooldown early. False when this opening came
        /// from such an early probe failing, so a peer that answers health checks but fails calls waits out the
        /// (grown) cooldown instead of being probed after every check.
        case open(until: ContinuousClock.Instant, openedAt: ContinuousClock.Instant, healthMayProbe: Bool)
        /// `early`: the probe slot was opened by a health check before the cooldown ended.
        case halfOpen(probeExpiresAt: ContinuousClock.Instant, early: Bool)
    }

    private struct State {
        var phase: Phase = .closed(consecutiveFailures: 0)
        /// Bumped on every transition, so outcomes of calls admitted under an earlier phase are ignored.
        var generation: UInt64 = 0
        /// The un-jittered cooldown the next opening will use.
        var nextCooldown: Duration
    }

    public let name: String
    public let configuration: CircuitBreakerConfiguration
    private let clock: any ResilienceClock
    private let random: any RandomSource
    private let logger: Logger
    private let onTransition: @Sendable (_ from: CircuitState, _ to: CircuitState) -> Void
    private let state: Mutex<State>

    public init(
        name: String,
        configuration: CircuitBreakerConfiguration = .init(),
        clock: any ResilienceClock = SystemClock(),
        random: any RandomSource = SystemRandomSource(),
        logger: Logger = Logger(label: "circuit-breaker"),
        onTransition: @escaping @Sendable (_ from: CircuitState, _ to: CircuitState) -> Void = { _, _ in }
    ) {
        self.name = name
        self.configuration = configuration
        self.clock = clock
        self.random = random
        self.logger = logger
        self.onTransition = onTransition
        self.state = Mutex(State(nextCooldown: configuration.baseCooldown))
    }

    /// The state as `/health` reports it. An open breaker whose cooldown has passed still reads `open`
    /// until a probe is let through.
    public var circuitState: CircuitState {
        self.state.withLock { Self.circuitState(of: $0.phase) }
    }

    /// Consecutive failures counted while closed.
    public var consecutiveFailures: Int {
        self.state.withLock {
            if case .closed(let failures) = $0.phase { return failures }
            return 0
        }
    }

    /// Zero when a call would be let through now, else how long until one will be.
    public var timeUntilAvailable: Duration {
        let now = self.clock.now
        return self.state.withLock { state in
            switch state.phase {
            case .closed: return .zero
            case .open(let until, _, _): return max(.zero, now.duration(to: until))
            case .halfOpen(let expiry, _): return max(.zero, now.duration(to: expiry))
            }
        }
    }

    /// Asks to make one call. Throws `CircuitOpenError` at once while open, and while half-open with the probe out.
    public func acquire() throws(CircuitOpenError) -> CircuitPermit {
        let now = self.clock.now
        var transition: (CircuitState, CircuitState)?
        let result = self.state.withLock { state -> Result<CircuitPermit, CircuitOpenError> in
            switch state.phase {
            case .closed:
                return .success(CircuitPermit(generation: state.generation, isProbe: false))
            case .open(let until, _, _):
                guard now >= until else { return .failure(CircuitOpenError(timeUntilAvailable: now.duration(to: until))) }
                state.phase = .halfOpen(probeExpiresAt: now.advanced(by: self.configuration.probeTimeout), early: false)
                state.generation += 1
                transition = (.open, .halfOpen)
                return .success(CircuitPermit(generation: state.generation, isProbe: true))
            case .halfOpen(let expiry, let early):
                guard now >= expiry else { return .failure(CircuitOpenError(timeUntilAvailable: now.duration(to: expiry))) }
                // The slot is free (opened by a health check, or a probe was cancelled), or the previous probe never
                // reported back within its time: let one through.
                state.phase = .halfOpen(probeExpiresAt: now.advanced(by: self.configuration.probeTimeout), early: early)
                state.generation += 1
                return .success(CircuitPermit(generation: state.generation, isProbe: true))
            }
        }
        if let transition { self.report(transition) }
        return try result.get()
    }

    /// Hands back a permit with the outcome of its call.
    public func record(_ permit: CircuitPermit, _ outcome: CallOutcome) {
        let now = self.clock.now
        let transition = self.state.withLock { state -> (CircuitState, CircuitState)? in
            guard permit.generation == state.generation else { return nil }
            switch (state.phase, outcome) {
            case (_, .ignored):
                if permit.isProbe, case .halfOpen(_, let early) = state.phase {
                    // A cancelled probe frees the slot for the next caller.
                    state.phase = .halfOpen(probeExpiresAt: now, early: early)
                }
                return nil
            case (.closed, .success):
                state.phase = .closed(consecutiveFailures: 0)
                return nil
            case (.closed(let failures), .failure):
                if failures + 1 >= self.configuration.failureThreshold {
                    self.open(&state, now: now)
                    return (.closed, .open)
                }
                state.phase = .closed(consecutiveFailures: failures + 1)
                return nil
            case (.halfOpen, .success):
                self.close(&state)
                return (.halfOpen, .closed)
            case (.halfOpen(_, let early), .failure):
                self.open(&state, now: now, healthMayProbe: !early)
                return (.halfOpen, .open)
            case (.open, _):
                return nil
            }
        }
        if let transition { self.report(transition) }
    }

    /// Feeds the result of a health check that started at `startedAt`. A failure counts like a failed call. A
    /// success closes the breaker where a probe would be let through (the cooldown has passed). Within the cooldown,
    /// a success of a check that started after the breaker opened lets the next call through as the probe at once
    /// (half-open), unless this opening came from such an early probe failing: that one waits out its cooldown.
    public func recordHealthCheck(success: Bool, startedAt: ContinuousClock.Instant) {
        let now = self.clock.now
        let transition = self.state.withLock { state -> (CircuitState, CircuitState)? in
            switch state.phase {
            case .closed(let failures):
                if success {
                    state.phase = .closed(consecutiveFailures: 0)
                    return nil
                }
                if failures + 1 >= self.configuration.failureThreshold {
                    self.open(&state, now: now)
                    return (.closed, .open)
                }
                state.phase = .closed(consecutiveFailures: failures + 1)
                return nil
            case .open(let until, let openedAt, let healthMayProbe):
                guard success else { return nil }
                if now >= until {
                    self.close(&state)
                    return (.open, .closed)
                }
                // A check that started before the opening may have been answered before the peer failed.
                guard healthMayProbe, startedAt > openedAt else { return nil }
                state.phase = .halfOpen(probeExpiresAt: now, early: true)
                state.generation += 1
                return (.open, .halfOpen)
            case .halfOpen(let expiry, _):
                guard success, now >= expiry else { return nil }
                self.close(&state)
                return (.halfOpen, .closed)
            }
        }
        if let transition { self.report(transition) }
    }

    private func open(_ state: inout State, now: ContinuousClock.Instant, healthMayProbe: Bool = true) {
        let cooldown = state.nextCooldown
        let jitter = self.random.uniform(-self.configuration.cooldownJitter, self.configuration.cooldownJitter)
        let wait = min(self.configuration.maxCooldown, cooldown.scaled(by: 1 + jitter))
        state.phase = .open(until: now.advanced(by: wait), openedAt: now, healthMayProbe: healthMayProbe)
        state.generation += 1
        state.nextCooldown = min(self.configuration.maxCooldown, cooldown * 2)
    }

    private func close(_ state: inout State) {
        state.phase = .closed(consecutiveFailures: 0)
        state.generation += 1
        state.nextCooldown = self.configuration.baseCooldown
    }

    private func report(_ transition: (CircuitState, CircuitState)) {
        self.logger.notice(
            "circuit breaker changed state",
            metadata: ["breaker": "\(self.name)", "from": "\(transition.0.rawValue)", "to": "\(transition.1.rawValue)"]
        )
        self.onTransition(transition.0, transition.1)
    }

    private static func circuitState(of phase: Phase) -> CircuitState {
        switch phase {
        case .closed: .closed
        case .open: .open
        case .halfOpen: .halfOpen
        }
    }
}
