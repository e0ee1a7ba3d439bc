import ArgumentParser
import CodebaseService
import Foundation
import Hummingbird
import Logging
import ServerKit

/// `codebase-mcp`: indexes repositories into chunks and serves code search.
@main
struct CodebaseMCP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codebase-mcp",
        abstract: "Indexes source repositories into chunks in SQLite FTS5 and serves code search."
    )

    private static let environment = ProcessInfo.processInfo.environment

    @Option(help: "Address to bind; 0.0.0.0 for every interface. Env: CODEBASE_MCP_HOST.")
    var host: String = environment["CODEBASE_MCP_HOST"] ?? "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one. Env: CODEBASE_MCP_PORT.")
    var port: Int = Int(environment["CODEBASE_MCP_PORT"] ?? "") ?? 8020

    @Option(help: "SQLite database file. Env: CODEBASE_MCP_DATABASE.")
    var database: String = environment["CODEBASE_MCP_DATABASE"] ?? "data/codebase.sqlite"

    @Option(help: "A repository directory to index; repeatable. Env: CODEBASE_MCP_REPOS (colon-separated).")
    var repo: [String] = (environment["CODEBASE_MCP_REPOS"] ?? "").split(separator: ":").map(String.init)

    @Option(help: "workflow-mcp endpoints, comma-separated, best first. Env: WORKFLOW_URL.")
    var workflowURL: String = environment["WORKFLOW_URL"] ?? "http://127.0.0.1:8010"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Env: CODEBASE_MCP_LOG_LEVEL.")
    var logLevel: String = environment["CODEBASE_MCP_LOG_LEVEL"] ?? "info"

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

    @Option(help: "Bearer token every route but /health requires. Env: CODEBASE_MCP_TOKEN.")
    var authToken: String? = environment["CODEBASE_MCP_TOKEN"]

    @Option(help: "A file whose first line is the bearer token (instead of --auth-token).")
    var authTokenFile: String?

    @Option(help: "workflow-mcp's bearer token, sent on every call to it. Env: WORKFLOW_MCP_TOKEN.")
    var workflowToken: String? = environment["WORKFLOW_MCP_TOKEN"]

    @Option(help: "A host name this server answers to besides loopback names and --host; repeatable. Env: CODEBASE_MCP_ALLOWED_HOSTS (comma-separated).")
    var allowedHost: [String] = (environment["CODEBASE_MCP_ALLOWED_HOSTS"] ?? "").split(separator: ",").map(String.init)

    @Option(help: "Seconds a request may take to arrive whole, from its first byte. Env: CODEBASE_MCP_REQUEST_TIMEOUT.")
    var requestTimeout: Double = Double(environment["CODEBASE_MCP_REQUEST_TIMEOUT"] ?? "") ?? 5

    @Option(help: "Connections open at once; more are answered 503 and closed. Env: CODEBASE_MCP_MAX_CONNECTIONS.")
    var maxConnections: Int = Int(environment["CODEBASE_MCP_MAX_CONNECTIONS"] ?? "") ?? 4096

    @Option(help: "MiB of request bodies held at once by all connections; beyond it a connection is closed. Env: CODEBASE_MCP_MAX_BODY_MEMORY.")
    var maxBodyMemory: Int = Int(environment["CODEBASE_MCP_MAX_BODY_MEMORY"] ?? "") ?? 256

    @Flag(help: "Allow binding a non-loopback --host without a token.")
    var insecureNoAuth = false

    @Flag(help: "Also serve MCP on standard input and output (for assistants that start the server); logs go to standard error.")
    var stdio = false

    @Option(help: "A browser origin allowed to call /mcp besides loopback ones; repeatable. Env: CODEBASE_MCP_ALLOWED_ORIGINS (comma-separated).")
    var allowedOrigin: [String] = (environment["CODEBASE_MCP_ALLOWED_ORIGINS"] ?? "").split(separator: ",").map(String.init)

    @Flag(help: "Also index files that usually hold credentials (.env, .env.*, *.pem, *.key, id_rsa, .npmrc, ...).")
    var indexSecrets = false

    func validate() throws {
        guard self.requestTimeout > 0, self.maxConnections >= 1, self.maxBodyMemory >= 1 else {
            throw ValidationError("--request-timeout, --max-connections and --max-body-memory must be positive")
        }
        guard self.watchDebounce >= 0, self.watchDebounce <= 60_000, self.scanInterval >= 0.05 else {
            throw ValidationError("--watch-debounce must be 0 to 60000 ms and --scan-interval at least 0.05 s")
        }
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard Logger.Level(rawValue: self.logLevel) != nil else { throw ValidationError("unknown --log-level '\(self.logLevel)'") }
        guard self.maxFileBytes > 0 else { throw ValidationError("--max-file-bytes must be positive") }
        guard self.chunkLines >= 1, self.chunkBytes >= 64 else {
            throw ValidationError("--chunk-lines must be at least 1 and --chunk-bytes at least 64")
        }
    }

    func run() async throws {
        var configuration = CodebaseConfiguration(host: self.host, port: self.port, databasePath: self.database, workflowURL: self.workflowURL)
        configuration.repositories = self.repo
        configuration.logLevel = Logger.Level(rawValue: self.logLevel) ?? .info
        configuration.indexer.maxFileBytes = self.maxFileBytes
        configuration.indexer.chunker = ChunkerConfiguration(maxLines: self.chunkLines, maxBytes: self.chunkBytes)
        configuration.indexOnStartup = !self.noStartupIndex
        // A flag's default cannot come from the environment (a flag only turns things on), so the variables are read here.
        let noWatch = self.noWatch || Self.environment["CODEBASE_MCP_NO_WATCH"] == "1"
        let scanChanges = self.scanChanges || Self.environment["CODEBASE_MCP_SCAN_CHANGES"] == "1"
        configuration.watch.mode = noWatch ? .off : scanChanges ? .scan : .watch
        configuration.watch.debounce = .milliseconds(self.watchDebounce)
        configuration.watch.scanInterval = .milliseconds(Int64(self.scanInterval * 1000))
        configuration.stdio = self.stdio
        configuration.allowedOrigins = self.allowedOrigin
        configuration.allowedHosts = self.allowedHost
        configuration.insecureNoAuth = self.insecureNoAuth
        configuration.connectionLimits.requestReadTimeout = .milliseconds(Int64(self.requestTimeout * 1000))
        configuration.connectionLimits.maxConnections = self.maxConnections
        configuration.connectionLimits.maxBufferedBodyBytes = self.maxBodyMemory * 1024 * 1024
        configuration.authToken = try self.authTokenFile.map(Self.readToken) ?? self.authToken
        configuration.peerToken = self.workflowToken
        configuration.indexer.indexSecrets = self.indexSecrets
        let app = try await buildApplication(configuration)
        try await app.runService()
    }

    /// The first line of a token file, without surrounding white space.
    private static func readToken(_ path: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let token = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !token.isEmpty else { throw ValidationError("--auth-token-file '\(path)' holds no token") }
        return token
    }
}
