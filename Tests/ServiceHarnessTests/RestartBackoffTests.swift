import ServiceClient
import ServiceClientTesting
import ServiceHarness
import Testing

@Suite("Restart backoff")
struct RestartBackoffTests {
    @Test("with no jitter the delays are exactly 1, 2, 4, 8 s")
    func exactDelays() {
        var configuration = RestartBackoffConfiguration()
        configuration.jitter = 0
        let random = SeededRandomSource(seed: 3)
        let delays = (0..<4).map { configuration.delay(attempt: $0, random: random) }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8)])
    }

    @Test("with ±25% jitter every delay lies in [0.75 d, 1.25 d], some above d and some below")
    func jitterBounds() {
        let configuration = RestartBackoffConfiguration()
        var above = 0
        var below = 0
        for seed in 0..<200 {
            let random = SeededRandomSource(seed: UInt64(seed))
            for attempt in 1..<5 {
                let nominal = Duration.seconds(1 << attempt)
                let delay = configuration.delay(attempt: attempt, random: random)
                #expect(delay >= nominal.scaled(by: 0.75) && delay <= nominal.scaled(by: 1.25))
                if delay > nominal { above += 1 }
                if delay < nominal { below += 1 }
            }
        }
        #expect(above > 0)
        #expect(below > 0)
    }

    @Test("the cap holds at high attempt counts: base 5 s, cap 15 s, attempt 10 gives 15 s")
    func capHolds() {
        var configuration = RestartBackoffConfiguration()
        configuration.base = .seconds(5)
        configuration.cap = .seconds(15)
        configuration.jitter = 0
        #expect(configuration.delay(attempt: 10, random: SeededRandomSource(seed: 1)) == .seconds(15))
        #expect(configuration.delay(attempt: 1_000, random: SeededRandomSource(seed: 1)) == .seconds(15))
    }

    @Test("the 1 s minimum holds with a 0.5 s base and ±50% jitter")
    func minimumHolds() {
        var configuration = RestartBackoffConfiguration()
        configuration.base = .milliseconds(500)
        configuration.jitter = 0.5
        for seed in 0..<200 {
            let delay = configuration.delay(attempt: 0, random: SeededRandomSource(seed: UInt64(seed)))
            #expect(delay >= .seconds(1))
        }
    }

    @Test("the attempt count grows by one per restart; after the maximum there is no restart and it stays degraded")
    func giveUp() {
        var configuration = RestartBackoffConfiguration()
        configuration.jitter = 0
        var backoff = RestartBackoff(configuration: configuration)
        let clock = ManualClock()
        let random = SeededRandomSource(seed: 9)
        for expected in 0..<5 {
            backoff.started(at: clock.now)
            clock.advance(by: .seconds(3))
            let decision = backoff.exited(at: clock.now, random: random)
            #expect(decision == .restart(after: .seconds(1 << expected), attempt: expected))
            #expect(backoff.attempts == expected + 1)
            #expect(!backoff.isDegraded)
        }
        backoff.started(at: clock.now)
        #expect(backoff.exited(at: clock.now, random: random) == .giveUp(attempts: 5))
        #expect(backoff.isDegraded)
        // Still degraded on any later exit, even after a long run.
        backoff.started(at: clock.now)
        clock.advance(by: .seconds(120))
        #expect(backoff.exited(at: clock.now, random: random) == .giveUp(attempts: 5))
        #expect(backoff.isDegraded)
    }

    @Test("a run that stays up 60 s resets the attempt count")
    func stableRunResets() {
        var configuration = RestartBackoffConfiguration()
        configuration.jitter = 0
        var backoff = RestartBackoff(configuration: configuration)
        let clock = ManualClock()
        let random = SeededRandomSource(seed: 9)
        for _ in 0..<3 {
            backoff.started(at: clock.now)
            _ = backoff.exited(at: clock.now, random: random)
        }
        #expect(backoff.attempts == 3)
        backoff.started(at: clock.now)
        clock.advance(by: .seconds(60))
        #expect(backoff.exited(at: clock.now, random: random) == .restart(after: .seconds(1), attempt: 0))
        #expect(backoff.attempts == 1)
    }
}
