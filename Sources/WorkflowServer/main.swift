import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServerKit
import WorkflowService

/// `workflow-mcp`: stores work items and checks their code references against codebase-mcp.
@main
struct WorkflowMCP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow-mcp",
        abstract: "Work items in SQLite or PostgreSQL, with references to code checked against codebase-mcp."
    )

    private static let environment = ProcessInfo.processInfo.environment

    @Option(help: "Address to bind; 0.0.0.0 for every interface. Env: WORKFLOW_MCP_HOST.")
    var host: String = environment["WORKFLOW_MCP_HOST"] ?? "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one. Env: WORKFLOW_MCP_PORT.")
    var port: Int = Int(environment["WORKFLOW_MCP_PORT"] ?? "") ?? 8010

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

    @Option(help: "Bearer token every route but /health requires. Env: WORKFLOW_MCP_TOKEN.")
    var authToken: String? = environment["WORKFLOW_MCP_TOKEN"]

    @Option(help: "A file whose first line is the bearer token (instead of --auth-token).")
    var authTokenFile: String?

    @Option(help: "codebase-mcp's bearer token, sent on every call to it. Env: CODEBASE_MCP_TOKEN.")
    var codebaseToken: String? = environment["CODEBASE_MCP_TOKEN"]

    @Option(help: "A host name this server answers to besides loopback names and --host; repeatable. Env: WORKFLOW_MCP_ALLOWED_HOSTS (comma-separated).")
    var allowedHost: [String] = (environment["WORKFLOW_MCP_ALLOWED_HOSTS"] ?? "").split(separator: ",").map(String.init)

    @Option(help: "Seconds a request may take to arrive whole, from its first byte. Env: WORKFLOW_MCP_REQUEST_TIMEOUT.")
    var requestTimeout: Double = Double(environment["WORKFLOW_MCP_REQUEST_TIMEOUT"] ?? "") ?? 5

    @Option(help: "Connections open at once; more are answered 503 and closed. Env: WORKFLOW_MCP_MAX_CONNECTIONS.")
    var maxConnections: Int = Int(environment["WORKFLOW_MCP_MAX_CONNECTIONS"] ?? "") ?? 4096

    @Option(help: "MiB of request bodies held at once by all connections; beyond it a connection is closed. Env: WORKFLOW_MCP_MAX_BODY_MEMORY.")
    var maxBodyMemory: Int = Int(environment["WORKFLOW_MCP_MAX_BODY_MEMORY"] ?? "") ?? 256

    @Flag(help: "Allow binding a non-loopback --host without a token.")
    var insecureNoAuth = false

    @Flag(help: "Also serve MCP on standard input and output (for assistants that start the server); logs go to standard error.")
    var stdio = false

    @Option(help: "A browser origin allowed to call /mcp besides loopback ones; repeatable. Env: WORKFLOW_MCP_ALLOWED_ORIGINS (comma-separated).")
    var allowedOrigin: [String] = (environment["WORKFLOW_MCP_ALLOWED_ORIGINS"] ?? "").split(separator: ",").map(String.init)

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Env: WORKFLOW_MCP_LOG_LEVEL.")
    var logLevel: String = environment["WORKFLOW_MCP_LOG_LEVEL"] ?? "info"

    func validate() throws {
        guard self.requestTimeout > 0, self.maxConnections >= 1, self.maxBodyMemory >= 1 else {
            throw ValidationError("--request-timeout, --max-connections and --max-body-memory must be positive")
        }
        guard self.databasePoolSize >= 1, self.databaseTimeout > 0 else {
            throw ValidationError("--database-pool-size and --database-timeout must be positive")
        }
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard ["normal", "full"].contains(self.sync) else { throw ValidationError("--sync must be 'normal' or 'full'") }
        guard Logger.Level(rawValue: self.logLevel) != nil else { throw ValidationError("unknown --log-level '\(self.logLevel)'") }
    }

    func run() async throws {
        var configuration = WorkflowConfiguration(host: self.host, port: self.port, databasePath: self.database, codebaseURL: self.codebaseURL)
        configuration.logLevel = Logger.Level(rawValue: self.logLevel) ?? .info
        configuration.synchronousFull = self.sync == "full"
        configuration.databasePoolSize = self.databasePoolSize
        configuration.databaseTimeout = .milliseconds(Int64(self.databaseTimeout * 1000))
        configuration.stdio = self.stdio
        configuration.allowedOrigins = self.allowedOrigin
        configuration.allowedHosts = self.allowedHost
        configuration.insecureNoAuth = self.insecureNoAuth
        configuration.connectionLimits.requestReadTimeout = .milliseconds(Int64(self.requestTimeout * 1000))
        configuration.connectionLimits.maxConnections = self.maxConnections
        configuration.connectionLimits.maxBufferedBodyBytes = self.maxBodyMemory * 1024 * 1024
        configuration.authToken = try self.authTokenFile.map(Self.readToken) ?? self.authToken
        configuration.peerToken = self.codebaseToken
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
