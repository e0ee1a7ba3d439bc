import ArgumentParser
import CodebaseService
import Foundation
import Hummingbird
import Logging

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

    @Flag(help: "Also index files that usually hold credentials (.env, .env.*, *.pem, *.key, id_rsa, .npmrc, ...).")
    var indexSecrets = false

    func validate() throws {
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
        configuration.indexer.indexSecrets = self.indexSecrets
        let app = try await buildApplication(configuration)
        try await app.runService()
    }
}
