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

    @Option(help: "Address to bind.")
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

    func validate() throws {
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard Logger.Level(rawValue: self.logLevel) != nil else { throw ValidationError("unknown --log-level '\(self.logLevel)'") }
    }

    func run() async throws {
        var configuration = CodebaseConfiguration(host: self.host, port: self.port, databasePath: self.database, workflowURL: self.workflowURL)
        configuration.repositories = self.repo
        configuration.logLevel = Logger.Level(rawValue: self.logLevel) ?? .info
        let app = try await buildApplication(configuration)
        try await app.runService()
    }
}
