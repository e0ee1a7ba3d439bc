import CodebaseCore
import ServerKit
import ServiceClient

/// Everything `buildApplication` needs to assemble codebase-mcp.
public struct CodebaseConfiguration: Sendable {
    /// Where it listens, who may call it, the connection limits, stdio and the log level (the kit's, as in the other
    /// service).
    public var server: ServerConfiguration
    /// The SQLite file; created with its directory when missing.
    public var databasePath: String = "codebase.sqlite"
    /// workflow-mcp endpoints, comma-separated, best first.
    public var workflowURL: String = "http://127.0.0.1:8010"
    /// Repository directories to index; only these may be indexed. Each is known by its directory's name.
    public var repositories: [String] = []
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
    /// The peer's bearer token (`--codebase-token`, `--workflow-token`), sent on every call to it.
    public var peerToken: String? {
        get { self.peer.authToken }
        set { self.peer.authToken = newValue }
    }

    public init(host: String = "127.0.0.1", port: Int = 8020, databasePath: String = "codebase.sqlite", workflowURL: String = "http://127.0.0.1:8010")
    {
        self.server = ServerConfiguration(host: host, port: port)
        self.databasePath = databasePath
        self.workflowURL = workflowURL
        self.peer = PeerConnectionConfiguration(urls: workflowURL)
    }
}
