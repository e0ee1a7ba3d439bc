import ArgumentParser
import CodebaseCore
import CodebaseService
import Foundation
import Hummingbird
import Logging
import ServerKit

/// `codebase-mcp`: indexes repositories into chunks and serves code search.
@main
struct CodebaseMCP: AsyncParsableCommand, ServerIdentity {
    static let environmentPrefix = "CODEBASE_MCP"
    static let defaultPort = 8020

    static let configuration = CommandConfiguration(
        commandName: "codebase-mcp",
        abstract: "Indexes source repositories into chunks in SQLite FTS5 and serves code search."
    )

    private static let environment = ProcessInfo.processInfo.environment

    /// Where to listen, who may call, the connection limits, stdio and the log level: the same in both servers.
    @OptionGroup var server: ServerOptions<CodebaseMCP>

    @Option(help: "SQLite database file. Env: CODEBASE_MCP_DATABASE.")
    var database: String = environment["CODEBASE_MCP_DATABASE"] ?? "data/codebase.sqlite"

    @Option(help: "A repository directory to index; repeatable. Env: CODEBASE_MCP_REPOS (colon-separated).")
    var repo: [String] = (environment["CODEBASE_MCP_REPOS"] ?? "").split(separator: ":").map(String.init)

    @Option(help: "workflow-mcp endpoints, comma-separated, best first. Env: WORKFLOW_URL.")
    var workflowURL: String = environment["WORKFLOW_URL"] ?? "http://127.0.0.1:8010"

    @Option(help: "Files larger than this many bytes are not indexed. Env: CODEBASE_MCP_MAX_FILE_BYTES.")
    var maxFileBytes: Int = Int(environment["CODEBASE_MCP_MAX_FILE_BYTES"] ?? "") ?? 1024 * 1024

    @Option(help: "A chunk longer than this many lines is split. Env: CODEBASE_MCP_CHUNK_LINES.")
    var chunkLines: Int = Int(environment["CODEBASE_MCP_CHUNK_LINES"] ?? "") ?? 80

    @Option(help: "A chunk larger than this many bytes is split. Env: CODEBASE_MCP_CHUNK_BYTES.")
    var chunkBytes: Int = Int(environment["CODEBASE_MCP_CHUNK_BYTES"] ?? "") ?? 4096

    @Flag(help: "Do not index the repositories at start-up; index them with POST /mcp/index.")
    var noStartupIndex = false

    @Flag(help: "Do not follow changes to the files; the index changes at start-up and on POST /mcp/index only. Env: CODEBASE_MCP_NO_WATCH=1.")
    var noWatch = false

    @Flag(help: "Find changes by periodic scans instead of inotify (for file systems that send no events). Env: CODEBASE_MCP_SCAN_CHANGES=1.")
    var scanChanges = false

    @Option(help: "Milliseconds a repository must be quiet before its changes are indexed. Env: CODEBASE_MCP_WATCH_DEBOUNCE.")
    var watchDebounce: Int = Int(environment["CODEBASE_MCP_WATCH_DEBOUNCE"] ?? "") ?? 50

    @Option(help: "Seconds between two scans for changes, when scanning. Env: CODEBASE_MCP_SCAN_INTERVAL.")
    var scanInterval: Double = Double(environment["CODEBASE_MCP_SCAN_INTERVAL"] ?? "") ?? 2

    @Option(help: "workflow-mcp's bearer token, sent on every call to it. Env: WORKFLOW_MCP_TOKEN.")
    var workflowToken: String? = environment["WORKFLOW_MCP_TOKEN"]

    @Flag(help: "Also index files that usually hold credentials (.env, .env.*, *.pem, *.key, id_rsa, .npmrc, ...).")
    var indexSecrets = false

    func validate() throws {
        guard self.watchDebounce >= 0, self.watchDebounce <= 60_000, self.scanInterval >= 0.05 else {
            throw ValidationError("--watch-debounce must be 0 to 60000 ms and --scan-interval at least 0.05 s")
        }
        guard self.maxFileBytes > 0 else { throw ValidationError("--max-file-bytes must be positive") }
        guard self.chunkLines >= 1, self.chunkBytes >= 64 else {
            throw ValidationError("--chunk-lines must be at least 1 and --chunk-bytes at least 64")
        }
    }

    func run() async throws {
        var configuration = CodebaseConfiguration(host: self.server.host, port: self.server.port, databasePath: self.database, workflowURL: self.workflowURL)
        configuration.repositories = self.repo
        configuration.indexer.maxFileBytes = self.maxFileBytes
        configuration.indexer.chunker = ChunkerConfiguration(maxLines: self.chunkLines, maxBytes: self.chunkBytes)
        configuration.indexOnStartup = !self.noStartupIndex
        // A flag's default cannot come from the environment (a flag only turns things on), so the variables are read here.
        let noWatch = self.noWatch || Self.environment["CODEBASE_MCP_NO_WATCH"] == "1"
        let scanChanges = self.scanChanges || Self.environment["CODEBASE_MCP_SCAN_CHANGES"] == "1"
        configuration.watch.mode = noWatch ? .off : scanChanges ? .scan : .watch
        configuration.watch.debounce = .milliseconds(self.watchDebounce)
        configuration.watch.scanInterval = .milliseconds(Int64(self.scanInterval * 1000))
        try self.server.apply(to: &configuration.server)
        configuration.peerToken = self.workflowToken
        configuration.indexer.indexSecrets = self.indexSecrets
        let app = try await buildApplication(configuration)
        try await app.runService()
    }

    /// The shared options a caller of the parsed command reads (the deployment tests).
    var host: String { self.server.host }
    var port: Int { self.server.port }
    var allowedHost: [String] { self.server.allowedHost }
}
