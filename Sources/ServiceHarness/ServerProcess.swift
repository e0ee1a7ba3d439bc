import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// How a server process ended.
public enum ExitStatus: Sendable, Hashable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    public var description: String {
        switch self {
        case .exited(let code): "exit status \(code)"
        case .signalled(let signal): "killed by signal \(signal)"
        }
    }
}

/// What to run: one of the two server binaries with its arguments, apart from `--port`.
public struct ServerSpec: Sendable {
    public var name: String
    public var executable: URL
    public var arguments: [String]
    /// 0 picks a free port at the first start; restarts reuse the port first bound.
    public var port: Int
    /// stdout and stderr of every run, appended.
    public var logURL: URL
    public var environment: [String: String]

    public init(name: String, executable: URL, arguments: [String], port: Int = 0, logURL: URL, environment: [String: String] = [:]) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.port = port
        self.logURL = logURL
        self.environment = environment
    }
}

/// Errors of starting a server.
public struct ServerStartError: Error, CustomStringConvertible {
    public let description: String
}

/// One real server binary run as a child process: start, kill (SIGKILL), pause (SIGSTOP), resume (SIGCONT),
/// terminate (SIGTERM, with its exit status) and restart on the same database and port.
///
/// A child never outlives the test process: it is killed by `kill()`/`terminate()`, by an exit handler of this
/// process, and, should this process die abruptly, by the server itself (`MCP_EXIT_WITH_PARENT=1`).
public final class ServerProcess: Sendable {
    private struct State {
        var process: Process?
        var port: Int
        var exit: ExitStatus?
        var runs = 0
    }

    public let spec: ServerSpec
    private let state: Mutex<State>

    public init(_ spec: ServerSpec) {
        self.spec = spec
        self.state = Mutex(State(port: spec.port))
    }

    /// The port bound; stable across restarts.
    public var port: Int { self.state.withLock { $0.port } }
    public var url: String { "http://127.0.0.1:\(self.port)" }
    public var pid: Int32? { self.state.withLock { $0.process?.processIdentifier } }
    public var isRunning: Bool { self.state.withLock { $0.process?.isRunning ?? false } }
    /// How the most recent run ended, if it has.
    public var lastExit: ExitStatus? { self.state.withLock { $0.exit } }

    /// Starts the binary and waits until it prints its `listening on` line and answers `/health`.
    public func start(timeout: Duration = .seconds(60)) async throws {
        let logStart = try self.launch()
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while self.port == 0 {
            if let port = self.listeningPort(after: logStart) {
                self.state.withLock { $0.port = port }
                break
            }
            try await self.checkAlive(deadline: deadline, waitingFor: "its 'listening on' line")
        }
        while !(await self.answersHealth()) {
            try await self.checkAlive(deadline: deadline, waitingFor: "GET /health")
        }
    }

    /// Kills the process with SIGKILL and waits for it to be gone.
    public func kill() async {
        _ = await self.signalAndWait(SIGKILL)
    }

    /// Stops the process with SIGSTOP: it keeps its sockets but answers nothing.
    public func pause() {
        if let pid { Foundation.kill(pid, SIGSTOP) }
    }

    /// Lets a paused process go on with SIGCONT.
    public func resume() {
        if let pid { Foundation.kill(pid, SIGCONT) }
    }

    /// Asks the process to stop with SIGTERM and returns how it ended.
    @discardableResult
    public func terminate() async -> ExitStatus? {
        await self.signalAndWait(SIGTERM)
    }

    /// Starts the process again on the same database and port.
    public func restart() async throws {
        if self.isRunning { await self.kill() }
        try await self.start()
    }

    /// Waits for the current run to end.
    public func waitForExit() async -> ExitStatus? {
        guard let process = self.state.withLock({ $0.process }) else { return self.lastExit }
        while process.isRunning {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return self.recordExit(of: process)
    }

    /// The last lines of the server's log, for failure messages.
    public func logTail(_ lines: Int = 40) -> String {
        guard let data = FileManager.default.contents(atPath: self.spec.logURL.path) else { return "(no log)" }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    // MARK: - Internals

    /// Launches the binary; returns the log size before it, where this run's output starts.
    private func launch() throws -> Int {
        let manager = FileManager.default
        if !manager.fileExists(atPath: self.spec.logURL.path) {
            _ = manager.createFile(atPath: self.spec.logURL.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: self.spec.logURL)
        let logStart = Int(try log.seekToEnd())
        let process = Process()
        process.executableURL = self.spec.executable
        process.arguments = self.spec.arguments + ["--port", String(self.port)]
        var environment = ProcessInfo.processInfo.environment.merging(self.spec.environment) { $1 }
        environment["MCP_EXIT_WITH_PARENT"] = "1"
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        self.state.withLock { state in
            state.process = process
            state.exit = nil
            state.runs += 1
        }
        ChildProcesses.register(process.processIdentifier)
        return logStart
    }

    private func listeningPort(after offset: Int) -> Int? {
        guard let data = FileManager.default.contents(atPath: self.spec.logURL.path), data.count > offset else { return nil }
        let text = String(decoding: data[offset...], as: UTF8.self)
        guard let range = text.range(of: "listening on http://") else { return nil }
        let rest = text[range.upperBound...]
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        let digits = rest[rest.index(after: colon)...].prefix { $0.isNumber }
        return Int(digits)
    }

    private func answersHealth() async -> Bool {
        var request = HTTPClientRequest(url: "\(self.url)/health")
        request.method = .GET
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(1)) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return response.status == .ok
    }

    private func checkAlive(deadline: ContinuousClock.Instant, waitingFor what: String) async throws {
        if let process = self.state.withLock({ $0.process }), !process.isRunning {
            let exit = self.recordExit(of: process)
            throw ServerStartError(description: "\(self.spec.name) exited (\(exit)) before \(what). Log:\n\(self.logTail())")
        }
        guard ContinuousClock.now < deadline else {
            throw ServerStartError(description: "\(self.spec.name) did not show \(what) in time. Log:\n\(self.logTail())")
        }
        try await Task.sleep(for: .milliseconds(10))
    }

    private func signalAndWait(_ signal: Int32) async -> ExitStatus? {
        guard let process = self.state.withLock({ $0.process }), process.isRunning else { return self.lastExit }
        if signal == SIGKILL || signal == SIGTERM { Foundation.kill(process.processIdentifier, SIGCONT) }
        Foundation.kill(process.processIdentifier, signal)
        return await self.waitForExit()
    }

    private func recordExit(of process: Process) -> ExitStatus {
        let status: ExitStatus =
            process.terminationReason == .uncaughtSignal ? .signalled(process.terminationStatus) : .exited(process.terminationStatus)
        ChildProcesses.unregister(process.processIdentifier)
        self.state.withLock { $0.exit = status }
        return status
    }
}

/// Every child still running, killed when this process exits normally.
enum ChildProcesses {
    private static let live = Mutex<Set<Int32>>([])
    private static let installed = Mutex(false)

    static func register(_ pid: Int32) {
        let install = self.installed.withLock { installed -> Bool in
            defer { installed = true }
            return !installed
        }
        if install { atexit { ChildProcesses.killAll() } }
        _ = self.live.withLock { $0.insert(pid) }
    }

    static func unregister(_ pid: Int32) {
        _ = self.live.withLock { $0.remove(pid) }
    }

    static func killAll() {
        for pid in self.live.withLock({ $0 }) {
            Foundation.kill(pid, SIGCONT)
            Foundation.kill(pid, SIGKILL)
        }
    }
}
