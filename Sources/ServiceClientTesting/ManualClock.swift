import ServiceClient
import Synchronization

/// A clock that only moves when told to, for exact tests of time-dependent logic.
///
/// In `.manual` mode a sleeper waits until `advance(by:)` moves time past its deadline. In `.autoAdvance`
/// mode a sleep moves time forward to its deadline at once and returns, so code that sleeps between
/// attempts runs instantly while the elapsed time is still accounted for.
public final class ManualClock: ResilienceClock {
    /// How `sleep(until:)` behaves.
    public enum Mode: Sendable {
        case manual
        case autoAdvance
    }

    private struct Sleeper {
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: ContinuousClock.Instant
        var nextID: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
        var sleeps: [Duration] = []
    }

    private let mode: Mode
    private let state: Mutex<State>

    public init(mode: Mode = .manual, start: ContinuousClock.Instant = ContinuousClock.now) {
        self.mode = mode
        self.state = Mutex(State(now: start))
    }

    public var now: ContinuousClock.Instant { self.state.withLock { $0.now } }

    /// Every duration a caller asked to sleep, in order.
    public var recordedSleeps: [Duration] { self.state.withLock { $0.sleeps } }

    /// How many sleepers are currently waiting (manual mode).
    public var sleeperCount: Int { self.state.withLock { $0.sleepers.count } }

    /// Moves time forward and wakes every sleeper whose deadline has passed.
    public func advance(by duration: Duration) {
        let due = self.state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let dueIDs = state.sleepers.filter { $0.value.deadline <= now }.map(\.key)
            return dueIDs.compactMap { state.sleepers.removeValue(forKey: $0)?.continuation }
        }
        for continuation in due { continuation.resume() }
    }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try Task.checkCancellation()
        let id = self.state.withLock { state -> UInt64? in
            state.sleeps.append(state.now.duration(to: deadline))
            if self.mode == .autoAdvance || deadline <= state.now {
                if deadline > state.now { state.now = deadline }
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = self.state.withLock { state -> (any Error)?? in
                    if Task.isCancelled { return .some(CancellationError()) }
                    if deadline <= state.now { return .some(nil) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                switch resumeNow {
                case .some(.some(let error)): continuation.resume(throwing: error)
                case .some(.none): continuation.resume()
                case .none: break
                }
            }
        } onCancel: {
            let continuation = self.state.withLock { $0.sleepers.removeValue(forKey: id)?.continuation }
            continuation?.resume(throwing: CancellationError())
        }
    }
}
