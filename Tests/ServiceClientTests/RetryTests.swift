import NIOHTTP1
import ServiceClientTesting
import Testing

@testable import ServiceClient

struct Flaky: Error {}

@Suite("Retries and the retry budget")
struct RetryTests {
    func makeRetrier(clock: ManualClock, budget: RetryBudget? = nil) -> Retrier {
        Retrier(budget: budget ?? RetryBudget(clock: clock), clock: clock, random: SeededRandomSource(seed: 5))
    }

    @Test("a POST without an idempotency key is never retried; with one, or read-only, it may be")
    func idempotency() {
        #expect(!PeerRequest(method: .POST, path: "/mcp/work_items").isIdempotent)
        #expect(PeerRequest(method: .POST, path: "/mcp/work_items", headers: ["Idempotency-Key": "k1"]).isIdempotent)
        #expect(PeerRequest(method: .POST, path: "/mcp/chunks/lookup", isReadOnly: true).isIdempotent)
        #expect(PeerRequest(method: .GET, path: "/health").isIdempotent)
        #expect(!PeerRequest(method: .PATCH, path: "/mcp/work_items/1").isIdempotent)
    }

    @Test("a non-idempotent call makes exactly one attempt")
    func noRetryWhenNotIdempotent() async {
        let clock = ManualClock(mode: .autoAdvance)
        let attempts = TestBox(0)
        await #expect(throws: Flaky.self) {
            try await self.makeRetrier(clock: clock).run(
                idempotent: false,
                deadline: clock.now.advanced(by: .seconds(5)),
                isRetryable: { _ in true }
            ) { _ in
                attempts.mutate { $0 += 1 }
                throw Flaky()
            }
        }
        #expect(attempts.value == 1)
        #expect(clock.recordedSleeps.isEmpty)
    }

    @Test("at most 3 attempts in all")
    func atMostThree() async {
        let clock = ManualClock(mode: .autoAdvance)
        let attempts = TestBox(0)
        await #expect(throws: Flaky.self) {
            try await self.makeRetrier(clock: clock).run(
                idempotent: true,
                deadline: clock.now.advanced(by: .seconds(5)),
                isRetryable: { _ in true }
            ) { _ in
                attempts.mutate { $0 += 1 }
                throw Flaky()
            }
        }
        #expect(attempts.value == 3)
        #expect(clock.recordedSleeps.count == 2)
    }

    @Test("a success after a failure returns the value")
    func recovers() async throws {
        let clock = ManualClock(mode: .autoAdvance)
        let value = try await self.makeRetrier(clock: clock).run(
            idempotent: true,
            deadline: clock.now.advanced(by: .seconds(5)),
            isRetryable: { _ in true }
        ) { attempt in
            if attempt == 0 { throw Flaky() }
            return attempt
        }
        #expect(value == 1)
    }

    @Test("backoff is full jitter: U(0, min(250 ms, 25 ms * 2^n))")
    func fullJitter() {
        let policy = RetryPolicy()
        #expect(policy.backoffCeiling(retry: 0) == .milliseconds(25))
        #expect(policy.backoffCeiling(retry: 1) == .milliseconds(50))
        #expect(policy.backoffCeiling(retry: 3) == .milliseconds(200))
        #expect(policy.backoffCeiling(retry: 4) == .milliseconds(250))
        #expect(policy.backoffCeiling(retry: 60) == .milliseconds(250))
        #expect(policy.backoff(retry: 2, random: FixedRandomSource(0)) == .zero)
        #expect(policy.backoff(retry: 2, random: FixedRandomSource(0.5)) == .milliseconds(50))
        for seed in 0..<100 {
            let wait = policy.backoff(retry: 1, random: SeededRandomSource(seed: UInt64(seed)))
            #expect(wait >= .zero && wait < .milliseconds(50))
        }
    }

    @Test("every sleep ends inside the call's one deadline")
    func sleepsInsideDeadline() async {
        for seed in 0..<50 {
            let clock = ManualClock(mode: .autoAdvance)
            let start = clock.now
            let deadline = start.advanced(by: .milliseconds(40))
            var policy = RetryPolicy()
            policy.maxAttempts = 10
            let retrier = Retrier(policy: policy, budget: RetryBudget(clock: clock), clock: clock, random: SeededRandomSource(seed: UInt64(seed)))
            let attemptStarts = TestBox<[ContinuousClock.Instant]>([])
            await #expect(throws: Flaky.self) {
                try await retrier.run(idempotent: true, deadline: deadline, isRetryable: { _ in true }) { _ in
                    attemptStarts.mutate { $0.append(clock.now) }
                    // Each attempt takes up to 5 ms, bounded by the deadline as a real call is.
                    try await clock.sleep(until: min(clock.now.advanced(by: .milliseconds(5)), deadline))
                    throw Flaky()
                }
            }
            #expect(attemptStarts.value.count >= 2)
            #expect(attemptStarts.value.allSatisfy { $0 < deadline })
            #expect(clock.now <= deadline)
        }
    }

    @Test("the budget stops retries beyond 20% of calls in the window, with at least 3 always allowed")
    func budget() {
        let clock = ManualClock()
        let budget = RetryBudget(clock: clock)
        // With few calls, the minimum of 3 applies.
        for _ in 0..<2 { budget.recordCall() }
        #expect(budget.tryWithdrawRetry())
        #expect(budget.tryWithdrawRetry())
        #expect(budget.tryWithdrawRetry())
        #expect(!budget.tryWithdrawRetry())
        // 100 calls allow 20 retries in all.
        for _ in 0..<98 { budget.recordCall() }
        var granted = 3
        while budget.tryWithdrawRetry() { granted += 1 }
        #expect(granted == 20)
        // Once the window has passed, the old counts no longer weigh.
        clock.advance(by: .seconds(10))
        #expect(budget.counts.calls == 0)
        #expect(budget.tryWithdrawRetry())
    }

    @Test("under an outage the budget holds retries to about 20% of calls")
    func budgetUnderOutage() async {
        let clock = ManualClock(mode: .autoAdvance)
        let budget = RetryBudget(clock: clock)
        let retrier = self.makeRetrier(clock: clock, budget: budget)
        let attempts = TestBox(0)
        for _ in 0..<100 {
            _ = try? await retrier.run(idempotent: true, deadline: clock.now.advanced(by: .seconds(1)), isRetryable: { _ in true }) { _ in
                attempts.mutate { $0 += 1 }
                throw Flaky()
            }
        }
        // 100 calls with 3 attempts each would be 300; the budget allows 100 + 20.
        #expect(attempts.value <= 120)
        #expect(attempts.value >= 100)
    }
}
