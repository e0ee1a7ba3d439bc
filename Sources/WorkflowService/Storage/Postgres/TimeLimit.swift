import Synchronization

/// Runs `operation` and gives up waiting for it after `limit`, throwing `PostgresFailure.TimedOut`.
///
/// A query on a connection to a paused server waits for ever, and PostgresNIO has no query timeout, so the wait is
/// bounded here. The operation runs in its own task (not a child task: a task group would wait for a child that
/// does not answer to cancellation, which is what this guards against); on timeout it is cancelled and left to end
/// on its own. What it still does after that cannot be seen by the caller; for a write, the `CommitGate` makes sure
/// it cannot commit either (see `CommitGate`).
func withTimeLimit<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withTimeLimit(limit, commitGrace: .zero) { _ in try await operation() }
}

/// `withTimeLimit` for an operation that may commit: it is handed the `CommitGate` it must pass before sending
/// COMMIT. If the limit passes while a COMMIT is in flight, the caller waits up to `commitGrace` more for its answer,
/// and beyond that is told `PostgresFailure.CommitUnconfirmed` (the outcome is unknown), never a plain `TimedOut`.
func withTimeLimit<T: Sendable>(
    _ limit: Duration,
    commitGrace: Duration,
    _ operation: @escaping @Sendable (CommitGate) async throws -> T
) async throws -> T {
    let race = TimeLimitRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.begin(continuation)
            let work = Task {
                let result: Result<T, any Error>
                do { result = .success(try await operation(CommitGate(race: race))) } catch { result = .failure(error) }
                race.finish(result)
            }
            let timer = Task {
                try? await Task.sleep(for: limit)
                if Task.isCancelled { return }
                switch race.expire(PostgresFailure.TimedOut(limit: limit)) {
                case .answered: work.cancel()
                case .alreadyFinished: break
                case .commitInFlight:
                    // The server may be committing right now: answering "not done" could be a lie. Wait a little for
                    // COMMIT's answer; if none comes, the caller is told the outcome is unknown.
                    try? await Task.sleep(for: commitGrace)
                    if Task.isCancelled { return }
                    if race.finish(.failure(PostgresFailure.CommitUnconfirmed(limit: limit + commitGrace))) { work.cancel() }
                }
            }
            race.onFinish { timer.cancel() }
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// What a write asks just before it sends COMMIT: whether its caller is still waiting for the answer.
///
/// Why a write answered with an error never commits afterwards: the caller is answered by whichever comes first of
/// the operation's end and the time limit, under one lock (`TimeLimitRace`). `mayCommit()` takes that same lock: if
/// the limit has already answered the caller, it says no and the transaction is rolled back instead (a transaction
/// that never sees COMMIT cannot commit: the server rolls it back at ROLLBACK, at its own `statement_timeout` or
/// `idle_in_transaction_session_timeout`, or when the connection closes); if not, it marks the COMMIT as in flight,
/// and from then on the limit no longer answers "failed" on its own: the caller gets COMMIT's own answer, or after
/// the grace `CommitUnconfirmed`, whose message says the write may have been stored. So a plain 503 is only ever sent
/// for a transaction that has not sent COMMIT, and will not.
struct CommitGate: Sendable {
    fileprivate let race: any CommitGating

    /// True, and the COMMIT marked as in flight, while the caller is still waiting; false once it has been answered.
    func mayCommit() -> Bool { self.race.beginCommit() }

    /// After COMMIT answered (or failed): the limit may answer on its own again (a transaction run again after a
    /// serialization failure passes the gate again before its own COMMIT).
    func commitEnded() { self.race.endCommit() }
}

private protocol CommitGating: Sendable {
    func beginCommit() -> Bool
    func endCommit()
}

/// The continuation of `withTimeLimit`, resumed exactly once by whichever ends first.
private final class TimeLimitRace<T: Sendable>: CommitGating {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var pending: Result<T, any Error>?
        var finished = false
        var commitInFlight = false
        var cleanup: (@Sendable () -> Void)?
    }

    enum Expiry {
        /// The caller was answered with the timeout.
        case answered
        /// The operation had already ended (or the caller gone).
        case alreadyFinished
        /// A COMMIT is in flight: the caller was not answered.
        case commitInFlight
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

    func beginCommit() -> Bool {
        self.state.withLock { state in
            guard !state.finished else { return false }
            state.commitInFlight = true
            return true
        }
    }

    func endCommit() {
        self.state.withLock { $0.commitInFlight = false }
    }

    /// The time limit passed: answers the caller with `error` unless the operation already ended or is committing.
    func expire(_ error: any Error) -> Expiry {
        let (continuation, cleanup, expiry) = self.state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?, Expiry) in
            if state.finished { return (nil, nil, .alreadyFinished) }
            if state.commitInFlight { return (nil, nil, .commitInFlight) }
            let taken = Self.take(&state, .failure(error))
            return (taken.0, taken.1, .answered)
        }
        continuation?.resume(throwing: error)
        cleanup?()
        return expiry
    }

    /// Resumes the caller with `result` if nothing has yet; true when this call did.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (continuation, cleanup, won) = self.state.withLock { state -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?, Bool) in
            guard !state.finished else { return (nil, nil, false) }
            let taken = Self.take(&state, result)
            return (taken.0, taken.1, true)
        }
        continuation?.resume(with: result)
        cleanup?()
        return won
    }

    /// Marks the race finished with `result` (kept for `begin` if the continuation is not there yet) and hands out
    /// what to resume and run, outside the lock.
    private static func take(_ state: inout State, _ result: Result<T, any Error>) -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) {
        state.finished = true
        defer {
            state.continuation = nil
            state.cleanup = nil
        }
        if state.continuation == nil { state.pending = result }
        return (state.continuation, state.cleanup)
    }
}
