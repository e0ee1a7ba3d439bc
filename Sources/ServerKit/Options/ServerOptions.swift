import ArgumentParser
import Foundation
import Logging

/// What the shared command-line options need to know of the server they serve: the prefix of its environment
/// variables (`X` for `X_HOST`) and the port it binds by default.
public protocol ServerIdentity {
    static var environmentPrefix: String { get }
    static var defaultPort: Int { get }
}

/// The settings both services take from the command line (or the environment) to be served: where to listen, who may
/// call, the connection limits, stdio and the log level. Each executable adds them with `@OptionGroup`.
public struct ServerOptions<Server: ServerIdentity>: ParsableArguments {
    @Option(help: "Address to bind; 0.0.0.0 for every interface. Env: \(Server.environmentPrefix)_HOST.")
    public var host: String = Self.environment("HOST") ?? "127.0.0.1"

    @Option(help: "Port to bind; 0 picks a free one. Env: \(Server.environmentPrefix)_PORT.")
    public var port: Int = Int(Self.environment("PORT") ?? "") ?? Server.defaultPort

    @Option(help: "Bearer token every route but /health requires. Env: \(Server.environmentPrefix)_TOKEN.")
    public var authToken: String? = Self.environment("TOKEN")

    @Option(help: "A file whose first line is the bearer token (instead of --auth-token).")
    public var authTokenFile: String?

    @Option(
        help:
            "A host name this server answers to besides loopback names and --host; repeatable. Env: \(Server.environmentPrefix)_ALLOWED_HOSTS (comma-separated)."
    )
    public var allowedHost: [String] = (Self.environment("ALLOWED_HOSTS") ?? "").split(separator: ",").map(String.init)

    @Option(help: "Seconds a request may take to arrive whole, from its first byte. Env: \(Server.environmentPrefix)_REQUEST_TIMEOUT.")
    public var requestTimeout: Double = Double(Self.environment("REQUEST_TIMEOUT") ?? "") ?? 5

    @Option(help: "Connections open at once; more are answered 503 and closed. Env: \(Server.environmentPrefix)_MAX_CONNECTIONS.")
    public var maxConnections: Int = Int(Self.environment("MAX_CONNECTIONS") ?? "") ?? 4096

    @Option(
        help: "MiB of request bodies held at once by all connections; beyond it a connection is closed. Env: \(Server.environmentPrefix)_MAX_BODY_MEMORY."
    )
    public var maxBodyMemory: Int = Int(Self.environment("MAX_BODY_MEMORY") ?? "") ?? 256

    @Flag(help: "Allow binding a non-loopback --host without a token.")
    public var insecureNoAuth = false

    @Flag(help: "Also serve MCP on standard input and output (for assistants that start the server); logs go to standard error.")
    public var stdio = false

    @Option(
        help: "A browser origin allowed to call /mcp besides loopback ones; repeatable. Env: \(Server.environmentPrefix)_ALLOWED_ORIGINS (comma-separated)."
    )
    public var allowedOrigin: [String] = (Self.environment("ALLOWED_ORIGINS") ?? "").split(separator: ",").map(String.init)

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical. Env: \(Server.environmentPrefix)_LOG_LEVEL.")
    public var logLevel: String = Self.environment("LOG_LEVEL") ?? "info"

    public init() {}

    public func validate() throws {
        guard self.requestTimeout > 0, self.maxConnections >= 1, self.maxBodyMemory >= 1 else {
            throw ValidationError("--request-timeout, --max-connections and --max-body-memory must be positive")
        }
        guard (0...65535).contains(self.port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard Logger.Level(rawValue: self.logLevel) != nil else { throw ValidationError("unknown --log-level '\(self.logLevel)'") }
    }

    /// Sets what these options decide in a service's configuration; reads the token file if one is named.
    public func apply(to configuration: inout ServerConfiguration) throws {
        configuration.logLevel = Logger.Level(rawValue: self.logLevel) ?? .info
        configuration.stdio = self.stdio
        configuration.allowedOrigins = self.allowedOrigin
        configuration.allowedHosts = self.allowedHost
        configuration.insecureNoAuth = self.insecureNoAuth
        configuration.connectionLimits.requestReadTimeout = .milliseconds(Int64(self.requestTimeout * 1000))
        configuration.connectionLimits.maxConnections = self.maxConnections
        configuration.connectionLimits.maxBufferedBodyBytes = self.maxBodyMemory * 1024 * 1024
        configuration.authToken = try self.authTokenFile.map(Self.readToken) ?? self.authToken
    }

    /// The first line of a token file, without surrounding white space.
    public static func readToken(_ path: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let token = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !token.isEmpty else { throw ValidationError("--auth-token-file '\(path)' holds no token") }
        return token
    }

    /// The server's environment variable `<prefix>_<name>`.
    static func environment(_ name: String) -> String? {
        ProcessInfo.processInfo.environment["\(Server.environmentPrefix)_\(name)"]
    }
}
