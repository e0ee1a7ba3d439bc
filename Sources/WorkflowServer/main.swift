import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServerKit
import WorkflowService

/// `workflow-mcp`: stores work items and checks their code references against codebase-mcp.
@main
struct WorkflowMCP: AsyncParsableCommand, ServerIdentity {
    static let environmentPrefix = "WORKFLOW_MCP"
    static let defaultPort = 8010

    static let configuration = CommandConfiguration(
        commandName: "workflow-mcp",
        abstract: "Work items in SQLite or PostgreSQL, with references to code checked against codebase-mcp."
    )

    private static let environment = ProcessInfo.processInfo.environment

    /// Where to listen, who may call, the connection limits, stdio and the log level: the same in both servers.
    @OptionGroup var server: ServerOptions<WorkflowMCP>

    @Option(help: "SQLite database file, or a PostgreSQL URL postgres://user[:password]@host[:port]/database. Env: WORKFLOW_MCP_DATABASE.")
    var database: String = environment["WORKFLOW_MCP_DATABASE"] ?? "data/workflow.sqlite"

    @Option(help: "codebase-mcp endpoints, comma-separated, best first. Env: CODEBASE_URL.")
    var codebaseURL: String = environment["CODEBASE_URL"] ?? "http://127.0.0.1:8020"

    @Option(help: "PostgreSQL only: most connections the pool opens. Env: WORKFLOW_MCP_DATABASE_POOL_SIZE.")
    var databasePoolSize: Int = Int(environment["WORKFLOW_MCP_DATABASE_POOL_SIZE"] ?? "") ?? 16

    @Option(help: "PostgreSQL only: seconds a store operation may take, pool wait included, before 503. Env: WORKFLOW_MCP_DATABASE_TIMEOUT.")
    var databaseTimeout: Double = Double(environment["WORKFLOW_MCP_DATABASE_TIMEOUT"] ?? "") ?? 5

    @Option(help: "SQLite durability: 'normal' survives a killed process, 'full' also power loss. Env: WORKFLOW_MCP_SYNC.")
    var sync: String = environment["WORKFLOW_MCP_SYNC"] ?? "normal"

    @Option(help: "codebase-mcp's bearer token, sent on every call to it. Env: CODEBASE_MCP_TOKEN.")
    var codebaseToken: String? = environment["CODEBASE_MCP_TOKEN"]

    func validate() throws {
        guard self.databasePoolSize >= 1, self.databaseTimeout > 0 else {
            throw ValidationError("--database-pool-size and --database-timeout must be positive")
        }
        guard ["normal", "full"].contains(self.sync) else { throw ValidationError("--sync must be 'normal' or 'full'") }
    }

    func run() async throws {
        var configuration = WorkflowConfiguration(host: self.server.host, port: self.server.port, databasePath: self.database, codebaseURL: self.codebaseURL)
        configuration.synchronousFull = self.sync == "full"
        configuration.databasePoolSize = self.databasePoolSize
        configuration.databaseTimeout = .milliseconds(Int64(self.databaseTimeout * 1000))
        try self.server.apply(to: &configuration.server)
        configuration.peerToken = self.codebaseToken
        let app = try await buildApplication(configuration)
        try await app.runService()
    }

    /// The shared options a caller of the parsed command reads (the deployment tests).
    var host: String { self.server.host }
    var port: Int { self.server.port }
    var allowedHost: [String] { self.server.allowedHost }
}
