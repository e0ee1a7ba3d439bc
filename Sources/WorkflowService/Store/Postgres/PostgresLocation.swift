import Foundation
import PostgresNIO

/// A `--database` value of the form `postgres://user[:password]@host[:port]/database[?sslmode=...]`.
///
/// Any other value is a SQLite path, so the PostgreSQL form is recognised by its scheme only.
struct PostgresLocation: Sendable {
    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String?
    /// `sslmode=disable` turns TLS off; otherwise TLS is used when the server offers it (libpq's `prefer`).
    var tlsDisabled: Bool

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
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value
        self.tlsDisabled = sslMode == "disable"
    }

    /// The client configuration with the pool's bounds: `maxConnections` at most, `timeout` to open one.
    func clientConfiguration(maxConnections: Int, connectTimeout: Duration) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: self.host,
            port: self.port,
            username: self.username,
            password: self.password,
            database: self.database,
            tls: self.tlsDisabled ? .disable : .prefer(.makeClientConfiguration())
        )
        configuration.options.maximumConnections = maxConnections
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = connectTimeout
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
