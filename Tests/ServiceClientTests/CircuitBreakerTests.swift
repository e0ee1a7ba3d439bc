import Logging
import ServiceClientTesting
import Testing

@testable import ServiceClient

@Suite("Circuit breaker")
struct CircuitBreakerTests {
    let clock = ManualClock()

    func makeBreaker(threshold: Int = 5, jitter: Double = 0) -> CircuitBreaker {
        var configuration = CircuitBreakerConfiguration()
        configuration.failureThreshold = threshold
        configuration.cooldownJitter = jitter
        return CircuitBreaker(name: "test", configuration: configuration, clock: self.clock, random: SeededRandomSource(seed: 7), logger: .quiet)
    }

    func fail(_ breaker: CircuitBreaker, times: Int) throws {
        for _ in 0..<times {
            let permit = try breaker.acquire()
            breaker.record(permit, .failure)
        }
    }

    @Test("closed opens after N consecutive failures, not before")
    func opensAfterThreshold() throws {
        let breaker = self.makeBreaker()
        try self.fail(breaker, times: 4)
        #expect(breaker.circuitState == .closed)
        #expect(breaker.consecutiveFailures == 4)
        try self.fail(breaker, times: 1)
        #expect(breaker.circuitState == .open)
    }

    @Test("open rejects at once with a positive time until available")
    func openRejects() throws {
        let breaker = self.makeBreaker()
        try self.fail(breaker, times: 5)
        let error = #expect(throws: CircuitOpenError.self) { try breaker.acquire() }
        #expect(error?.timeUntilAvailable == .seconds(5))
        self.clock.advance(by: .seconds(2))
        let later = #expect(throws: CircuitOpenError.self) { try breaker.acquire() }
        #expect(later?.timeUntilAvailable == .seconds(3))
    }

    @Test("after the cooldown exactly one probe passes while other callers are still rejected")
    func oneProbe() throws {
        let breaker = self.makeBreaker()
        try self.fail(breaker, times: 5)
        self.clock.advance(by: .seconds(5))
        let probe = try breaker.acquire()
        #expect(probe.isProbe)
        #expect(breaker.circuitState == .halfOpen)
        for _ in 0..<10 {
            let error = #expect(throws: CircuitOpenError.self) { try breaker.acquire() }
            #expect((error?.timeUntilAvailable ?? .zero) > .zero)
        }
    }

    @Test("probe success closes the breaker and resets the failure count")
    func probeSuccessCloses() throws {
        let breaker = self.makeBreaker()
        try self.fail(breaker, times: 5)
        self.clock.advance(by: .seconds(5))
        let probe = try breaker.acquire()
        breaker.record(probe, .success)
        #expect(breaker.circuitState == .closed)
        #expect(breaker.consecutiveFailures == 0)
        // A fresh count: four more failures keep it closed.
        try self.fail(breaker, times: 4)
        #expect(breaker.circuitState == .closed)
    }

    @Test("probe failure re-opens with a doubled cooldown, capped at the maximum")
    func probeFailureDoublesCooldown() throws {
        let breaker = self.makeBreaker()
        try self.fail(breaker, times: 5)
        var cooldowns: [Duration] = []
        for _ in 0..<6 {
            cooldowns.append(breaker.timeUntilAvailable)
            self.clock.advance(by: breaker.timeUntilAvailable)
            let probe = try breaker.acquire()
            breaker.record(probe, .failure)
            #expect(breaker.circuitState == .open)
        }
        #expect(cooldowns == [.seconds(5), .seconds(10), .seconds(20), .seconds(40), .seconds(60), .seconds(60)])
    }

    @Test("cooldown jitter stays within ±25% and is capped")
    func cooldownJitter() throws {
        for seed in 0..<50 {
            var configuration = CircuitBreakerConfiguration()
            configuration.baseCooldown = .seconds(40)
            let breaker = CircuitBreaker(
                name: "j",
                configuration: configuration,
                clock: self.clock,
                random: SeededRandomSource(seed: UInt64(seed)),
                logger: .quiet
            )
            try self.fail(breaker, times: 5)
            let first = breaker.timeUntilAvailable
            #expect(first >= .seconds(30) && first <= .seconds(50))
            self.clock.advance(by: first)
            breaker.record(try breaker.acquire(), .failure)
            // 80 s jittered would exceed the cap.
            #expect(breaker.timeUntilAvailable <= .seconds(60))
        }
    }

    @Test("a success while closed resets the consecutive failure count")
    func successResets() throws {
        let breaker = self.makeBreaker()
        try self.fail(breaker, times: 4)
        breaker.record(try breaker.acquire(), .success)
        #expect(breaker.consecutiveFailures == 0)
        try self.fail(breaker, times: 4)
        #expect(breaker.circuitState == .closed)
    }

    @Test("a cancelled call counts as neither success nor failure")
    func cancellationIgnored() throws {
        let breaker = self.makeBreaker()
        try self.fail(breaker, times: 4)
        for _ in 0..<10 { breaker.record(try breaker.acquire(), .ignored) }
        #expect(breaker.circuitState == .closed)
        #expect(breaker.consecutiveFailures == 4)
    }

    @Test("a cancelled probe frees the half-open slot for the next caller")
    func cancelledProbe() throws {
        let breaker = self.makeBreaker()
        try self.fail(breaker, times: 5)
        self.clock.advance(by: .seconds(5))
        breaker.record(try breaker.acquire(), .ignored)
        #expect(breaker.circuitState == .halfOpen)
        let next = try breaker.acquire()
        #expect(next.isProbe)
    }

    @Test("a probe that never reports back is replaced after the probe timeout, so half-open cannot stick")
    func hungProbe() throws {
        let breaker = self.makeBreaker()
        try self.fail(breaker, times: 5)
        self.clock.advance(by: .seconds(5))
        _ = try breaker.acquire()
        #expect(throws: CircuitOpenError.self) { try breaker.acquire() }
        self.clock.advance(by: breaker.configuration.probeTimeout)
        #expect(try breaker.acquire().isProbe)
    }

    @Test("outcomes of calls admitted before the breaker opened are ignored")
    func staleOutcomes() throws {
        let breaker = self.makeBreaker()
        let early = try breaker.acquire()
        try self.fail(breaker, times: 5)
        breaker.record(early, .success)
        #expect(breaker.circuitState == .open)
    }

    @Test("a failed health check counts as a failure; one that started before the opening does not end the cooldown")
    func healthChecks() throws {
        let breaker = self.makeBreaker()
        let before = self.clock.now
        self.clock.advance(by: .milliseconds(10))
        for _ in 0..<5 { breaker.recordHealthCheck(success: false, startedAt: self.clock.now) }
        #expect(breaker.circuitState == .open)
        // Its answer may predate the failures that opened the breaker.
        breaker.recordHealthCheck(success: true, startedAt: before)
        #expect(breaker.circuitState == .open)
        #expect(breaker.timeUntilAvailable == .seconds(5))
        self.clock.advance(by: .seconds(5))
        breaker.recordHealthCheck(success: true, startedAt: before)
        #expect(breaker.circuitState == .closed)
    }

    @Test("a health check that succeeds after the opening lets the next call probe at once; its success closes")
    func healthyCheckProbesAtOnce() throws {
        let breaker = self.makeBreaker()
        try self.fail(breaker, times: 5)
        self.clock.advance(by: .milliseconds(100))
        breaker.recordHealthCheck(success: true, startedAt: self.clock.now)
        #expect(breaker.circuitState == .halfOpen)
        #expect(breaker.timeUntilAvailable == .zero)
        let probe = try breaker.acquire()
        #expect(probe.isProbe)
        // Still one call at a time: the others are refused while the probe is out.
        #expect(throws: CircuitOpenError.self) { try breaker.acquire() }
        breaker.record(probe, .success)
        #expect(breaker.circuitState == .closed)
        #expect(breaker.consecutiveFailures == 0)
    }

    @Test("a flapping peer: the early probe's failure re-opens for the doubled cooldown, which checks no longer cut short")
    func flappingPeerWaitsOutCooldown() throws {
        let breaker = self.makeBreaker()
        try self.fail(breaker, times: 5)
        self.clock.advance(by: .seconds(1))
        breaker.recordHealthCheck(success: true, startedAt: self.clock.now)
        let early = try breaker.acquire()
        breaker.record(early, .failure)
        #expect(breaker.circuitState == .open)
        #expect(breaker.timeUntilAvailable == .seconds(10))
        for _ in 0..<4 {
            self.clock.advance(by: .seconds(2))
            breaker.recordHealthCheck(success: true, startedAt: self.clock.now)
            #expect(breaker.circuitState == .open)
            #expect(throws: CircuitOpenError.self) { try breaker.acquire() }
        }
        self.clock.advance(by: .seconds(2))
        let regular = try breaker.acquire()
        #expect(regular.isProbe)
        breaker.record(regular, .failure)
        #expect(breaker.timeUntilAvailable == .seconds(20))
        // That opening came from a regular probe: a check after it may let one early probe through again.
        self.clock.advance(by: .seconds(2))
        breaker.recordHealthCheck(success: true, startedAt: self.clock.now)
        #expect(breaker.circuitState == .halfOpen)
    }

    @Test("a failed health check while open changes nothing")
    func failedCheckWhileOpen() throws {
        let breaker = self.makeBreaker()
        try self.fail(breaker, times: 5)
        self.clock.advance(by: .seconds(1))
        breaker.recordHealthCheck(success: false, startedAt: self.clock.now)
        #expect(breaker.circuitState == .open)
        #expect(breaker.timeUntilAvailable == .seconds(4))
    }

    @Test("each state change is reported once")
    func transitionsReported() throws {
        let transitions = TestBox<[String]>([])
        var configuration = CircuitBreakerConfiguration()
        configuration.cooldownJitter = 0
        let breaker = CircuitBreaker(name: "t", configuration: configuration, clock: self.clock, random: SeededRandomSource(seed: 1), logger: .quiet)
        {
            from,
            to in transitions.mutate { $0.append("\(from.rawValue)->\(to.rawValue)") }
        }
        try self.fail(breaker, times: 5)
        #expect(throws: CircuitOpenError.self) { try breaker.acquire() }
        self.clock.advance(by: .seconds(5))
        breaker.record(try breaker.acquire(), .success)
        #expect(transitions.value == ["closed->open", "open->half_open", "half_open->closed"])
        // The early way round reports the same transitions.
        try self.fail(breaker, times: 5)
        self.clock.advance(by: .seconds(1))
        breaker.recordHealthCheck(success: true, startedAt: self.clock.now)
        breaker.record(try breaker.acquire(), .success)
        #expect(transitions.value.suffix(3) == ["closed->open", "open->half_open", "half_open->closed"])
    }
}
