/// Runs `operation`, cancelling it and throwing `onTimeout()` if it has not finished by `deadline`.
///
/// The operation must honour cancellation (AsyncHTTPClient, `Task.sleep` and GRDB's async reads do), or the
/// call waits for it after the deadline anyway.
public func withDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant,
    clock: any ResilienceClock,
    operation: @escaping @Sendable () async throws -> T,
    onTimeout: @escaping @Sendable () -> any Error
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await clock.sleep(until: deadline)
            throw onTimeout()
        }
        defer { group.cancelAll() }
        // The first child to finish decides: a value, the operation's own error, or the timeout.
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}
