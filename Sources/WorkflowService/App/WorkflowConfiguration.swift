import Logging
import ServerKit
import ServiceClient
import WorkflowCore

/// Everything `buildApplication` needs to assemble workflow-mcp.
public struct WorkflowConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port; the bound port is printed as `listening on http://HOST:PORT`.
    public var port: Int = 8010
    /// The SQLite file, created with its directory when missing; or a PostgreSQL URL
    /// (`postgres://user[:password]@host[:port]/database`, also `postgresql://`), which selects the PostgreSQL store.
    public var databasePath: String = "workflow.sqlite"
    /// PostgreSQL only: the most connections the pool opens to the server (`--database-pool-size`).
    public var databasePoolSize = 16
    /// PostgreSQL only: the longest a store operation may take, waiting for a pooled connection included; beyond
    /// it the request is answered 503 `storage_unavailable` (`--database-timeout`).
    public var databaseTimeout: Duration = .seconds(5)
    /// PostgreSQL only: how long start-up waits for the server to accept connections before giving up.
    public var databaseStartupWait: Duration = .seconds(30)
    /// codebase-mcp's endpoints, comma-separated, best first.
    public var codebaseURL: String = "http://127.0.0.1:8020"
    public var logLevel: Logger.Level = .info
    /// `PRAGMA synchronous = FULL`: survive power loss, not only a killed process, at an fsync per commit.
    public var synchronousFull = false
    /// The peer connection's settings (deadlines, retries, breaker, health checks).
    public var peer: PeerConnectionConfiguration
    public var deadlines = PeerDeadlines()
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

    public init(host: String = "127.0.0.1", port: Int = 8010, databasePath: String = "workflow.sqlite", codebaseURL: String = "http://127.0.0.1:8020")
    {
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.codebaseURL = codebaseURL
        self.peer = PeerConnectionConfiguration(urls: codebaseURL)
    }
}

extension WorkflowConfiguration: ServedConfiguration {}
