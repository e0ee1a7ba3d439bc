import CodebaseCore
import Logging
import ServerKit
import ServiceClient

/// Everything `buildApplication` needs to assemble codebase-mcp.
public struct CodebaseConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port; the bound port is printed as `listening on http://HOST:PORT`.
    public var port: Int = 8020
    /// The SQLite file; created with its directory when missing.
    public var databasePath: String = "codebase.sqlite"
    /// workflow-mcp endpoints, comma-separated, best first.
    public var workflowURL: String = "http://127.0.0.1:8010"
    /// Repository directories to index; only these may be indexed. Each is known by its directory's name.
    public var repositories: [String] = []
    public var logLevel: Logger.Level = .info
    /// The peer connection's settings (deadlines, retries, breaker, health checks).
    public var peer: PeerConnectionConfiguration
    public var deadlines = PeerDeadlines()
    /// File size cap, chunk sizes, batch size, progress interval.
    public var indexer = IndexerConfiguration()
    /// Index every repository in the background at start-up.
    public var indexOnStartup = true
    /// How the index follows the files afterwards (inotify, periodic scans, or not at all).
    public var watch = WatchConfiguration()
    /// How long a grep may run before it is stopped (422 `pattern_too_costly` when it found fewer lines than asked).
    public var grepDeadline: Duration = .seconds(2)
    /// Lines of `context_before` and `context_after`.
    public var contextLines = 3
    /// The search-result cache (capacity, time-to-live).
    public var searchCache = SingleFlightCacheConfiguration()
    /// How long an idle keep-alive connection stays open.
    public var idleTimeout: Duration = .seconds(75)
    /// Browser origins allowed to call `/mcp` besides loopback ones (`--allowed-origin`).
    public var allowedOrigins: [String] = []
    /// The bearer token every route but `/health` requires (`--auth-token`); `nil` leaves the routes open, which is
    /// allowed only on a loopback address unless `insecureNoAuth`.
    public var authToken: String?
    /// The peer's bearer token (`--codebase-token`, `--workflow-token`), sent on every call to it.
    public var peerToken: String? {
        get { self.peer.authToken }
        set { self.peer.authToken = newValue }
    }
    /// Host names (without port) this server answers to besides loopback names and its bound address (`--allowed-host`).
    public var allowedHosts: [String] = []
    /// The request read deadline and the connection cap (`--request-timeout`, `--max-connections`).
    public var connectionLimits = ConnectionLimits()
    /// Bind a non-loopback address without a token (`--insecure-no-auth`).
    public var insecureNoAuth = false
    /// Serve MCP on standard input and output too; the `listening on` line then goes to standard error.
    public var stdio = false

    public init(host: String = "127.0.0.1", port: Int = 8020, databasePath: String = "codebase.sqlite", workflowURL: String = "http://127.0.0.1:8010")
    {
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.workflowURL = workflowURL
        self.peer = PeerConnectionConfiguration(urls: workflowURL)
    }
}

extension CodebaseConfiguration: ServedConfiguration {}
