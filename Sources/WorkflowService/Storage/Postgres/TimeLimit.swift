import Synchronization

/// Runs `operation` and gives up waiting for it after `limit`, throwing `PostgresFailure.TimedOut`.
///
/// A query on a connection to a paused server waits for ever, and PostgresNIO has no query timeout, so the wait is
/// bounded here. The operation runs in its own task (not a child task: a task group would wait for a child that
/// does not answer to cancellation, which is what this guards against); on timeout it is cancelled and left to end
/// on its own. A write that ends up committed after its caller was answered 503 was never acknowledged; a retry
/// with the same `Idempotency-Key` finds it.
func withTimeLimit<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let race = TimeLimitRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.begin(continuation)
            let work = Task {
                let result: Result<T, any Error>
                do { result = .success(try await operation()) } catch { result = .failure(error) }
                race.finish(result)
            }
            let timer = Task {
                try? await Task.sleep(for: limit)
                if !Task.isCancelled, race.finish(.failure(PostgresFailure.TimedOut(limit: limit))) { work.cancel() }
            }
            race.onFinish { timer.cancel() }
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The continuation of `withTimeLimit`, resumed exactly once by whichever ends first.
private final class TimeLimitRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var pending: Result<T, any Error>?
        var finished = false
        var cleanup: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    func begin(_ continuation: CheckedContinuation<T, any Error>) {
        let pending = self.state.withLock { state -> Result<T, any Error>? in
            if let pending = state.pending { return pending }
            state.continuation = continuation
            return nil
        }
        if let pending { continuation.resume(with: pending) }
    }

    /// Registers what to do once finished (cancel the timer); runs it now if already finished.
    func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
        let now = self.state.withLock { state -> Bool in
            if state.finished { return true }
            state.cleanup = cleanup
            return false
        }
        if now { cleanup() }
    }

    /// Resumes the caller with `result` if nothing has yet; true when this call did.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (continuation, cleanup, won) = self.state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?, Bool) in
            guard !state.finished else { return (nil, nil, false) }
            state.finished = true
            defer {
                state.continuation = nil
                state.cleanup = nil
            }
            if state.continuation == nil { state.pending = result }
            return (state.continuation, state.cleanup, true)
        }
        continuation?.resume(with: result)
        cleanup?()
        return won
    }
}
