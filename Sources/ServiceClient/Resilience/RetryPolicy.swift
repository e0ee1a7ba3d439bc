/// When and how long to wait between attempts of one logical call; the defaults are docs/resilience.md's.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int = 3
    /// Full-jitter base: the wait before retry `n` (from 0) is `U(0, min(maxDelay, baseDelay * 2^n))`.
    public var baseDelay: Duration = .milliseconds(25)
    /// Full-jitter cap.
    public var maxDelay: Duration = .milliseconds(250)

    public init() {}

    /// The wait before retry number `retry` (0 for the first retry), drawn with full jitter.
    public func backoff(retry: Int, random: any RandomSource) -> Duration {
        let ceiling = self.backoffCeiling(retry: retry)
        return ceiling.scaled(by: random.nextUnit())
    }

    /// The upper bound of the wait before retry number `retry`: `min(maxDelay, baseDelay * 2^retry)`.
    public func backoffCeiling(retry: Int) -> Duration {
        // Past 2^20 the cap has long been reached; clamping avoids overflow.
        let factor = 1 << min(max(retry, 0), 20)
        return min(self.maxDelay, self.baseDelay * factor)
    }
}
