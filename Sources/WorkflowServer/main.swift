import ArgumentParser
import Foundation
import Hummingbird
import Logging
import WorkflowService

/// `workflow-mcp`: stores work items and checks their code references against codebase-mcp.
@main
struct WorkflowMCP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow-mcp",
        abstract: "Work items in SQLite, with references to code checked against codebase-mcp."
    )

    private static let environment = ProcessInfo.processInfo.environment

    @Option(help: "Address to bind; 0.0.0.0 for every interface. Env: WORKFLOW_MCP_HOST.")
    var host: String = environment["WORKFLOW_MCP_HOST"] ?? "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one. Env: WORKFLOW_MCP_PORT.")
    var port: Int = Int(environment["WORKFLOW_MCP_PORT"] ?? "") ?? 8010

    @Option(help: "SQLite database file. Env: WORKFLOW_MCP_DATABASE.")
    var database: String = environment["WORKFLOW_MCP_DATABASE"] ?? "data/workflow.sqlite"

    @Option(help: "codebase-mcp endpoints, comma-separated, best first. Env: CODEBASE_URL.")
    var codebaseURL: String = environment["CODEBASE_URL"] ?? "http://127.0.0.1:8020"

    @Option(help: "SQLite durability: 'normal' survives a killed process, 'full' also power loss. Env: WORKFLOW_MCP_SYNC.")
    var sync: String = environment["WORKFLOW_MCP_SYNC"] ?? "normal"

    @Flag(help: "Also serve MCP on standard input and output (for assistants that start the server); logs go to standard error.")
    var stdio = false

    @Option(help: "A browser origin allowed to call /mcp besides loopback ones; repeatable. Env: WORKFLOW_MCP_ALLOWED_ORIGINS (comma-separated).")
    var allowedOrigin: [String] = (environment["WORKFLOW_MCP_ALLOWED_ORIGINS"] ?? "").split(separator: ",").map(String.init)

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Env: WORKFLOW_MCP_LOG_LEVEL.")
    var logLevel: String = environment["WORKFLOW_MCP_LOG_LEVEL"] ?? "info"

    func validate() throws {
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard ["normal", "full"].contains(self.sync) else { throw ValidationError("--sync must be 'normal' or 'full'") }
        guard Logger.Level(rawValue: self.logLevel) != nil else { throw ValidationError("unknown --log-level '\(self.logLevel)'") }
    }

    func run() async throws {
        var configuration = WorkflowConfiguration(host: self.host, port: self.port, databasePath: self.database, codebaseURL: self.codebaseURL)
        configuration.logLevel = Logger.Level(rawValue: self.logLevel) ?? .info
        configuration.synchronousFull = self.sync == "full"
        configuration.stdio = self.stdio
        configuration.allowedOrigins = self.allowedOrigin
        let app = try await buildApplication(configuration)
        try await app.runService()
    }
}
