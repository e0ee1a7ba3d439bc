/// Runs one logical call with retries: only when idempotent, at most `policy.maxAttempts` attempts, each wait drawn
/// with full jitter, never sleeping past the call's deadline, and never beyond the retry budget.
public struct Retrier: Sendable {
    public let policy: RetryPolicy
    public let budget: RetryBudget
    private let clock: any ResilienceClock
    private let random: any RandomSource

    public init(policy: RetryPolicy = .init(), budget: RetryBudget, clock: any ResilienceClock, random: any RandomSource) {
        self.policy = policy
        self.budget = budget
        self.clock = clock
        self.random = random
    }

    /// Calls `operation` with the attempt number (from 0) until it succeeds or may not be retried; rethrows the last error.
    public func run<T>(
        idempotent: Bool,
        deadline: ContinuousClock.Instant,
        isRetryable: (any Error) -> Bool,
        operation: (_ attempt: Int) async throws -> T
    ) async throws -> T {
        self.budget.recordCall()
        var attempt = 0
        while true {
            do {
                return try await operation(attempt)
            } catch {
                attempt += 1
                guard idempotent, attempt < self.policy.maxAttempts, isRetryable(error), !Task.isCancelled else { throw error }
                let wait = self.policy.backoff(retry: attempt - 1, random: self.random)
                // A retry that could not start before the deadline is not worth its wait.
                guard self.clock.now.advanced(by: wait) < deadline else { throw error }
                guard self.budget.tryWithdrawRetry() else { throw error }
                try await self.clock.sleep(for: wait)
            }
        }
    }
}
