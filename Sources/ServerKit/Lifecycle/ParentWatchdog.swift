import Foundation
import Logging
import ServiceLifecycle

/// Stops this server gracefully when the process that started it is gone, so that a test harness that dies
/// abruptly leaves no server behind. Enabled by the launcher and the test harness with `MCP_EXIT_WITH_PARENT=1`.
public struct ParentWatchdog: Service {
    private let parent: Int32
    private let interval: Duration
    private let logger: Logger

    public init(interval: Duration = .milliseconds(500), logger: Logger) {
        self.parent = getppid()
        self.interval = interval
        self.logger = logger
    }

    /// True when the environment asks for the watchdog.
    public static var isRequested: Bool {
        ProcessInfo.processInfo.environment["MCP_EXIT_WITH_PARENT"] == "1"
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while getppid() == self.parent {
                    try await Task.sleep(for: self.interval)
                }
                self.logger.warning("parent process \(self.parent) is gone; shutting down")
                // The same path as an operator's SIGTERM: drain in-flight requests, then exit 0.
                kill(getpid(), SIGTERM)
                try await gracefulShutdown()
            }
        } catch is CancellationError {
            // Shutdown for another reason.
        }
    }
}
