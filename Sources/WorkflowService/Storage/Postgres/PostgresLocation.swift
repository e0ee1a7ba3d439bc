import Foundation
import PostgresNIO
import ServerKit

/// A `--database` value of the form `postgres://user[:password]@host[:port]/database[?sslmode=...]`.
///
/// Any other value is a SQLite path, so the PostgreSQL form is recognised by its scheme only.
struct PostgresLocation: Sendable {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String?
    /// libpq's `sslmode`, of which these are understood: `disable`; `prefer` (the default: TLS when the server
    /// offers it, certificate not checked); `require` (TLS or no connection, certificate not checked); `verify-full`
    /// (TLS with the certificate checked against the system's roots and the host name).
    var sslMode: String

    /// Whether `location` names a PostgreSQL database rather than a SQLite file.
    static func isPostgres(_ location: String) -> Bool {
        let lower = location.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    init(_ location: String) throws {
        guard Self.isPostgres(location), let components = URLComponents(string: location), let host = components.host, !host.isEmpty else {
            throw ConfigurationError("--database '\(Self.redacted(location))' is not a PostgreSQL URL of the form postgres://user@host:port/database")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        self.password = components.password.flatMap { $0.removingPercentEncoding }
        let name = components.path.drop { $0 == "/" }
        self.database = name.isEmpty ? nil : String(name).removingPercentEncoding
        self.sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "prefer", "require", "verify-full"].contains(self.sslMode) else {
            throw ConfigurationError("--database: sslmode '\(self.sslMode)' is not one of disable, prefer, require, verify-full")
        }
    }

    /// The client configuration with the pool's bounds: `maxConnections` at most, `timeout` to open one.
    func clientConfiguration(maxConnections: Int, connectTimeout: Duration) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: self.host,
            port: self.port,
            username: self.username,
            password: self.password,
            database: self.database,
            tls: .disable
        )
        switch self.sslMode {
        case "prefer": configuration.tls = .prefer(self.tlsConfiguration)
        case "require", "verify-full": configuration.tls = .require(self.tlsConfiguration)
        default: break
        }
        configuration.options.maximumConnections = maxConnections
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }

    /// TLS settings for `prefer` and `require`, which (as in libpq) do not check the certificate, and `verify-full`.
    var tlsConfiguration: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if self.sslMode != "verify-full" { tls.certificateVerification = .none }
        return tls
    }

    /// The connection settings of the one connection that applies migrations at start-up.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch self.sslMode {
            case "prefer": .prefer(try NIOSSLContext(configuration: self.tlsConfiguration))
            case "require", "verify-full": .require(try NIOSSLContext(configuration: self.tlsConfiguration))
            default: .disable
            }
        var configuration = PostgresConnection.Configuration(
            host: self.host,
            port: self.port,
            username: self.username,
            password: self.password,
            database: self.database,
            tls: tls
        )
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// The database's name, for `/health`: never the password or the host's layout.
    var displayName: String { self.database ?? self.username }

    /// `location` with any password replaced, for messages and logs.
    static func redacted(_ location: String) -> String {
        guard var components = URLComponents(string: location), components.password != nil else { return location }
        components.password = "***"
        return components.string ?? "postgres://***"
    }
}
