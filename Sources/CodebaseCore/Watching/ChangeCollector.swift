import Synchronization

/// Gathers what the watcher and the scanner report and hands it to the job queue once a repository has been quiet for
/// the debounce time (or the longest delay has passed since its first change). Events arrive on the watcher's thread;
/// `record` never waits.
package final class ChangeCollector: Sendable {
    private struct State {
        package var pending: [String: ChangeSet] = [:]
        package var first: ContinuousClock.Instant?
        package var last: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let signals: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    private let queue: IndexJobQueue
    private let debounce: Duration
    private let maxDelay: Duration

    package init(queue: IndexJobQueue, configuration: WatchConfiguration) {
        self.queue = queue
        self.debounce = configuration.debounce
        self.maxDelay = configuration.maxDelay
        (self.signals, self.wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Notes changes in `repository`; from any thread.
    package func record(_ changes: ChangeSet, repository: String) {
        guard !changes.isEmpty else { return }
        let now = ContinuousClock.now
        self.state.withLock { state in
            state.pending[repository, default: ChangeSet()].formUnion(changes)
            if state.first == nil { state.first = now }
            state.last = now
        }
        self.wakeUp.yield()
    }

    /// Paths of `repository` noted and not yet handed to the job queue.
    package func pendingChanges(repository: String) -> Int {
        self.state.withLock { $0.pending[repository]?.count ?? 0 }
    }

    /// Hands quiet changes to the queue until the task is cancelled.
    package func run() async {
        for await _ in self.signals {
            while !Task.isCancelled {
                let deadline = self.state.withLock { state -> ContinuousClock.Instant? in
                    guard let first = state.first, let last = state.last else { return nil }
                    return min(last + self.debounce, first + self.maxDelay)
                }
                guard let deadline else { break }
                if ContinuousClock.now < deadline {
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    continue
                }
                let ready = self.state.withLock { state in
                    defer { state = State() }
                    return state.pending
                }
                for (repository, changes) in ready.sorted(by: { $0.key < $1.key }) {
                    await self.queue.submitChanges(changes, repository: repository)
                }
                break
            }
        }
    }
}
