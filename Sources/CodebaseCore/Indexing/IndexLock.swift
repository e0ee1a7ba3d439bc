#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The advisory lock that lets several codebase-mcp processes share one database (two assistants that each start
/// `codebase-mcp --stdio` on the same repository): whoever holds it may migrate the schema or run an index job, so
/// at most one process writes the index at a time, and a job always reads the files and the stored hashes after the
/// other process's last commit. Readers never take it: every process answers searches all the time.
///
/// It is `flock(2)` on a file beside the database (`<database>.index-lock`): the kernel releases it when the process
/// ends, however it ends, so a killed indexer never leaves it held.
package final class IndexLock: Sendable {
    /// How often a waiting process tries again.
    package static let retryInterval: Duration = .milliseconds(20)

    package let path: String
    private let descriptor: Int32

    /// Why the lock could not be opened or taken at start-up; the executable prints it and exits.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String

        init(_ description: String) {
            self.description = description
        }
    }

    package init(databasePath: String) throws {
        self.path = databasePath + ".index-lock"
        let descriptor = open(self.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Failure("cannot open the index lock file '\(self.path)': \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
    }

    deinit {
        close(self.descriptor)
    }

    /// Runs `body` holding the lock, waiting for it as long as it takes (or until the task is cancelled).
    package func withLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        while !self.tryLock() {
            try await Task.sleep(for: Self.retryInterval)
        }
        defer { self.unlock() }
        return try await body()
    }

    /// Takes the lock for work done before the server runs (the schema migration), waiting at most `timeout`.
    package func lockBlocking(timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        while !self.tryLock() {
            guard ContinuousClock.now < deadline else {
                throw Failure("another codebase-mcp process held '\(self.path)' for \(timeout); is it stuck?")
            }
            usleep(20_000)
        }
    }

    package func unlock() {
        _ = flock(self.descriptor, LOCK_UN)
    }

    private func tryLock() -> Bool {
        while true {
            if flock(self.descriptor, LOCK_EX | LOCK_NB) == 0 { return true }
            if errno != EINTR { return false }
        }
    }
}
