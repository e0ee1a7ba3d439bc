import Logging
import ServiceClient
import Synchronization

/// Keeps one server running: restarts it with the restart backoff of docs/resilience.md when it exits unexpectedly, gives up
/// after the maximum attempts and says so, and resets the count after a run that stays up a minute.
public final class Supervisor: Sendable {
    /// What the supervisor is doing.
    public enum State: Sendable, Hashable, CustomStringConvertible {
        case running(restarts: Int)
        case restarting(attempt: Int, after: Duration)
        /// The maximum attempts were spent; the server is left stopped.
        case gaveUp(lastExit: ExitStatus?)
        case stopped

        public var description: String {
            switch self {
            case .running(let restarts): "running (\(restarts) restarts)"
            case .restarting(let attempt, let after): "restarting (attempt \(attempt + 1)) in \(after)"
            case .gaveUp(let exit): "degraded: gave up restarting after \(exit.map(String.init(describing:)) ?? "unknown exit")"
            case .stopped: "stopped"
            }
        }
    }

    public let server: ServerProcess
    private let clock: any ResilienceClock
    private let random: any RandomSource
    private let logger: Logger
    private let backoff: Mutex<RestartBackoff>
    private let stateBox = Mutex(State.stopped)
    private let stopping = Mutex(false)

    public init(
        server: ServerProcess,
        configuration: RestartBackoffConfiguration = .init(),
        clock: any ResilienceClock = SystemClock(),
        random: any RandomSource = SystemRandomSource(),
        logger: Logger
    ) {
        self.server = server
        self.clock = clock
        self.random = random
        self.logger = logger
        self.backoff = Mutex(RestartBackoff(configuration: configuration))
    }

    public var state: State { self.stateBox.withLock { $0 } }

    /// Restarts made since the last stable run.
    public var attempts: Int { self.backoff.withLock { $0.attempts } }

    /// Starts the server; then `supervise()` watches it.
    public func start() async throws {
        try await self.server.start()
        let now = self.clock.now
        self.backoff.withLock { $0.started(at: now) }
        self.stateBox.withLock { $0 = .running(restarts: 0) }
    }

    /// Watches the server until `stop()` or until it gives up; run it in its own task.
    public func supervise() async {
        var restarts = 0
        while !Task.isCancelled {
            let exit = await self.server.waitForExit()
            if self.stopping.withLock({ $0 }) || Task.isCancelled { break }
            let now = self.clock.now
            let decision = self.backoff.withLock { $0.exited(at: now, random: self.random) }
            switch decision {
            case .giveUp(let attempts):
                self.stateBox.withLock { $0 = .gaveUp(lastExit: exit) }
                self.logger.error(
                    "\(self.server.spec.name) exited (\(exit.map(String.init(describing:)) ?? "?")); gave up after \(attempts) restarts"
                )
                return
            case .restart(let delay, let attempt):
                self.stateBox.withLock { $0 = .restarting(attempt: attempt, after: delay) }
                self.logger.warning(
                    "\(self.server.spec.name) exited (\(exit.map(String.init(describing:)) ?? "?")); restart \(attempt + 1) in \(delay)"
                )
                do {
                    try await self.clock.sleep(for: delay)
                    if self.stopping.withLock({ $0 }) { break }
                    try await self.server.start()
                    restarts += 1
                    let started = self.clock.now
                    self.backoff.withLock { $0.started(at: started) }
                    self.stateBox.withLock { $0 = .running(restarts: restarts) }
                } catch is CancellationError {
                    return
                } catch {
                    // A failed start is one more exit for the backoff to weigh.
                    self.logger.error("\(self.server.spec.name) failed to start: \(error)")
                }
            }
        }
    }

    /// Stops the server with SIGTERM; no restart follows. Returns how it ended.
    @discardableResult
    public func stop() async -> ExitStatus? {
        self.stopping.withLock { $0 = true }
        let exit = await self.server.terminate()
        self.stateBox.withLock { $0 = .stopped }
        return exit
    }
}
