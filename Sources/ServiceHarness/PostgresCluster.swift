import Foundation
import Synchronization

/// A private PostgreSQL cluster for tests and benchmarks: `initdb` into a temporary folder, one server on a free
/// loopback port (trust authentication, listening on 127.0.0.1 only), stopped and removed by `destroy()`.
///
/// The server refuses to run as root, and tests and CI run as root, so then every server command runs as the
/// `postgres` user (`runuser -u postgres --`). A watchdog process stops the server and removes its folder should
/// the process that started it die without calling `destroy()` (a crash, SIGKILL), so no cluster outlives its test run.
public final class PostgresCluster: Sendable {
    /// Why a cluster could not be started or used; the message says what to install or look at.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let directory: URL
    public let port: Int
    public let binDirectory: URL
    private let stopped = Mutex(false)

    private var dataDirectory: URL { self.directory.appendingPathComponent("data") }
    public var logURL: URL { self.directory.appendingPathComponent("server.log") }

    /// The URL of `database` on this cluster, as workflow-mcp's `--database` takes it.
    public func url(database: String) -> String { "postgres://postgres@127.0.0.1:\(self.port)/\(database)?sslmode=disable" }

    private init(directory: URL, port: Int, binDirectory: URL) {
        self.directory = directory
        self.port = port
        self.binDirectory = binDirectory
    }

    /// Creates and starts a cluster. `durable: false` turns fsync off, for test speed where no test kills the machine.
    public static func start(durable: Bool = true, maxConnections: Int = 200) throws -> PostgresCluster {
        let bin = try self.findBinDirectory()
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("workflow-pg-\(UUID().uuidString.prefix(12).lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if Self.asRoot { try self.run(["/bin/chown", "postgres:postgres", directory.path], asPostgres: false) }
        let cluster = PostgresCluster(directory: directory, port: try self.freePort(), binDirectory: bin)
        do {
            try self.run(
                [bin.appendingPathComponent("initdb").path, "-D", cluster.dataDirectory.path, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--locale=C", "--no-sync"],
                asPostgres: true
            )
            var settings = [
                "listen_addresses = '127.0.0.1'", "port = \(cluster.port)", "unix_socket_directories = '\(directory.path)'",
                "max_connections = \(maxConnections)", "shared_buffers = 32MB", "log_min_messages = warning",
            ]
            if !durable { settings += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"] }
            let conf = cluster.dataDirectory.appendingPathComponent("postgresql.conf")
            let existing = try String(contentsOf: conf, encoding: .utf8)
            try (existing + "\n" + settings.joined(separator: "\n") + "\n").write(to: conf, atomically: false, encoding: .utf8)
            cluster.startWatchdog()
            try cluster.startServer()
        } catch {
            cluster.destroy()
            throw error
        }
        return cluster
    }

    /// Starts the server again (after `stop`), on the same port and data.
    public func startServer() throws {
        try Self.run(
            [
                self.binDirectory.appendingPathComponent("pg_ctl").path, "-D", self.dataDirectory.path, "-l", self.logURL.path, "-w", "-t", "60",
                "start",
            ],
            asPostgres: true
        )
        self.stopped.withLock { $0 = false }
    }

    /// Stops the server: `immediate` is a crash as far as the database is concerned (no checkpoint; WAL replay at
    /// the next start), `fast` a clean shutdown.
    public func stopServer(mode: String = "fast") throws {
        try Self.run(
            [self.binDirectory.appendingPathComponent("pg_ctl").path, "-D", self.dataDirectory.path, "-m", mode, "-w", "stop"],
            asPostgres: true
        )
    }

    /// Stops the server if it runs and removes the folder. Safe to call more than once.
    public func destroy() {
        let first = self.stopped.withLock { stopped -> Bool in
            defer { stopped = true }
            return !stopped
        }
        if first { try? self.stopServer(mode: "immediate") }
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// Creates an empty database and returns its URL.
    public func createDatabase(_ name: String = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()) throws -> String {
        try self.psql("CREATE DATABASE \(name)")
        return self.url(database: name)
    }

    /// Runs one SQL command on the `postgres` database and returns what psql printed (unaligned, tuples only).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try Self.run(
            [self.binDirectory.appendingPathComponent("psql").path, "-h", "127.0.0.1", "-p", String(self.port), "-U", "postgres", "-d", database,
             "-X", "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
            asPostgres: false
        )
    }

    /// The process ids of the server and all its backends (for CPU accounting), read from /proc.
    public func serverPIDs() -> [Int32] {
        guard let text = try? String(contentsOf: self.dataDirectory.appendingPathComponent("postmaster.pid"), encoding: .utf8),
            let line = text.split(separator: "\n").first, let postmaster = Int32(line.trimmingCharacters(in: .whitespaces))
        else { return [] }
        var pids = [postmaster]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 2, Int32(fields[1]) == postmaster { pids.append(pid) }
        }
        return pids
    }

    // MARK: - The process-wide test cluster

    private static let sharedCluster = Mutex<Result<PostgresCluster, Failure>?>(nil)

    /// The cluster every test of this process shares, started at the first call and destroyed when the process
    /// exits; each test makes its own database on it. Throws, with the reason, when PostgreSQL cannot start: a test
    /// that needs it then fails, never passes silently.
    public static func shared() throws -> PostgresCluster {
        try self.sharedCluster.withLock { shared -> Result<PostgresCluster, Failure> in
            if let shared { return shared }
            let result: Result<PostgresCluster, Failure>
            do {
                result = .success(try self.start(durable: false, maxConnections: 500))
                atexit { if case .success(let cluster)? = PostgresCluster.sharedCluster.withLock({ $0 }) { cluster.destroy() } }
            } catch {
                result = .failure(Failure(description: "PostgreSQL could not be started for the tests: \(error)"))
            }
            shared = result
            return result
        }.get()
    }

    // MARK: - Internals

    private static var asRoot: Bool { geteuid() == 0 }

    /// `WORKFLOW_TEST_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin` holding `initdb` (Debian's layout).
    private static func findBinDirectory() throws -> URL {
        if let override = ProcessInfo.processInfo.environment["WORKFLOW_TEST_PG_BIN"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return URL(fileURLWithPath: "\(root)/\(version)/bin")
        }
        throw Failure(
            description: "no PostgreSQL server found (no /usr/lib/postgresql/*/bin/initdb): install Debian's 'postgresql' package "
                + "(apt-get install -y postgresql; scripts/test and .ci/run do this), or set WORKFLOW_TEST_PG_BIN"
        )
    }

    /// A loopback port free now; the server binds it a moment later.
    private static func freePort() throws -> Int {
        for _ in 0..<50 {
            let port = Int.random(in: 20000...60000)
            if PortCheck.isFree(port) { return port }
        }
        throw Failure(description: "no free loopback port found")
    }

    /// Runs a command to its end; as the `postgres` user when this process is root and `asPostgres`.
    ///
    /// Spawned with `posix_spawn` and reaped with `waitpid` rather than with Foundation's `Process`, whose
    /// `waitUntilExit` was seen never to return here (its children left as zombies), hanging the test process.
    @discardableResult
    static func run(_ arguments: [String], asPostgres: Bool) throws -> String {
        let command = asPostgres && self.asRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments : arguments
        let outputPath = "/tmp/workflow-pg-command-\(UUID().uuidString).out"
        defer { unlink(outputPath) }
        let pid = try self.spawn(command, outputPath: outputPath)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw Failure(description: "\(command.joined(separator: " ")): waitpid failed (errno \(errno))") }
        }
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED and WEXITSTATUS, which Swift does not import.
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            throw Failure(description: "\(command.joined(separator: " ")) failed (wait status \(status)): \(text)")
        }
        return text
    }

    /// Starts `command` with standard input from /dev/null and its output to `outputPath`, closing every other
    /// descriptor in the child, so a server it starts holds none of this process's sockets or pipes.
    private static func spawn(_ command: [String], outputPath: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // posix_spawn_file_actions_addclosefrom_np is not imported into Swift: bash (dash cannot name fds above 9) closes descriptors 3 and up
        // (each listed in /proc/$$/fd) before it execs the command.
        let closing = ["/bin/bash", "-c", #"for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec "$@""#, "bash"]
        let argv: [UnsafeMutablePointer<CChar>?] = (closing + command).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, closing[0], &actions, nil, argv, environ)
        guard result == 0 else { throw Failure(description: "\(command.joined(separator: " ")): posix_spawn failed (\(result))") }
        return pid
    }

    /// A detached shell that waits for this process to end, then stops the server and removes the folder.
    private func startWatchdog() {
        let pgctl = self.binDirectory.appendingPathComponent("pg_ctl").path
        let stop = (Self.asRoot ? "/usr/sbin/runuser -u postgres -- " : "") + "\(pgctl) -D '\(self.dataDirectory.path)' -m immediate stop"
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(stop) >/dev/null 2>&1; rm -rf '\(self.directory.path)'"
        // Not waited for: it lives until this process ends; it is in its own session, so a signal to this process's
        // group (Ctrl-C) does not end it before it has cleaned up.
        _ = try? Self.spawn(["/usr/bin/setsid", "/bin/sh", "-c", script], outputPath: "/dev/null")
    }
}
