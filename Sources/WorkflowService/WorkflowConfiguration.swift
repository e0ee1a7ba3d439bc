import Logging
import ServiceClient

/// Everything `buildApplication` needs to assemble workflow-mcp.
public struct WorkflowConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port; the bound port is printed as `listening on http://HOST:PORT`.
    public var port: Int = 8010
    /// The SQLite file; created with its directory when missing.
    public var databasePath: String = "workflow.sqlite"
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
