import Logging

/// How a service is served, the same for both: where it listens, who may call it, the connection limits, stdio and the
/// log level. `ServerOptions` sets it from the command line; tests set it directly.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port; the bound port is printed as `listening on http://HOST:PORT`.
    public var port: Int
    public var logLevel: Logger.Level = .info
    /// Browser origins allowed to call `/mcp` besides loopback ones (`--allowed-origin`).
    public var allowedOrigins: [String] = []
    /// The bearer token every route but `/health` requires (`--auth-token`); `nil` leaves the routes open, which is
    /// allowed only on a loopback address unless `insecureNoAuth`.
    public var authToken: String?
    /// Host names (without port) this server answers to besides loopback names and its bound address (`--allowed-host`).
    public var allowedHosts: [String] = []
    /// The request read deadline, the connection cap and the body memory cap (`--request-timeout`, `--max-connections`,
    /// `--max-body-memory`).
    public var connectionLimits = ConnectionLimits()
    /// Bind a non-loopback address without a token (`--insecure-no-auth`).
    public var insecureNoAuth = false
    /// Serve MCP on standard input and output too; the `listening on` line then goes to standard error.
    public var stdio = false
    /// How long an idle keep-alive connection stays open.
    public var idleTimeout: Duration = .seconds(75)

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }

    /// The access rules; refuses a non-loopback bind without a token unless told it is wanted.
    public func accessPolicy() throws -> AccessPolicy {
        let loopback = self.host == "localhost" || self.host == "::1" || self.host.hasPrefix("127.")
        if !loopback, (self.authToken ?? "").isEmpty, !self.insecureNoAuth {
            throw ConfigurationError(
                "binding \(self.host) exposes every route to the network: set a token with --auth-token (or its environment variable), or pass --insecure-no-auth"
            )
        }
        return AccessPolicy(token: self.authToken, boundHost: self.host, allowedHosts: self.allowedHosts, allowedOrigins: self.allowedOrigins)
    }
}
