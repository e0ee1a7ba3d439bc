import ServerKit
import ServiceClient
import WorkflowCore

/// Everything `buildApplication` needs to assemble workflow-mcp.
public struct WorkflowConfiguration: Sendable {
    /// Where it listens, who may call it, the connection limits, stdio and the log level (the kit's, as in the other
    /// service).
    public var server: ServerConfiguration
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
    /// `PRAGMA synchronous = FULL`: survive power loss, not only a killed process, at an fsync per commit.
    public var synchronousFull = false
    /// The peer connection's settings (deadlines, retries, breaker, health checks).
    public var peer: PeerConnectionConfiguration
    public var deadlines = PeerDeadlines()
    /// The peer's bearer token (`--codebase-token`, `--workflow-token`), sent on every call to it.
    public var peerToken: String? {
        get { self.peer.authToken }
        set { self.peer.authToken = newValue }
    }

    public init(host: String = "127.0.0.1", port: Int = 8010, databasePath: String = "workflow.sqlite", codebaseURL: String = "http://127.0.0.1:8020")
    {
        self.server = ServerConfiguration(host: host, port: port)
        self.databasePath = databasePath
        self.codebaseURL = codebaseURL
        self.peer = PeerConnectionConfiguration(urls: codebaseURL)
    }
}
