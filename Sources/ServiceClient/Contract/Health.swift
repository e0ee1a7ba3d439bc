import Foundation

/// Whether a peer answered its most recent check.
public enum DependencyStatus: String, Codable, Sendable {
    case reachable, unreachable, unknown
}

/// The state of a circuit breaker, as `/health` reports it.
public enum CircuitState: String, Codable, Sendable {
    case closed, open
    case halfOpen = "half_open"
}

/// One peer's entry in `/health`'s `dependencies`.
public struct DependencyHealth: Codable, Sendable, Hashable {
    public var status: DependencyStatus
    public var circuit: CircuitState
    @Nullable public var lastCheckedAt: Date?
    @Nullable public var lastError: String?
    /// The endpoint URL(s) this service calls the peer at.
    public var url: String?

    public init(status: DependencyStatus, circuit: CircuitState, lastCheckedAt: Date?, lastError: String?, url: String? = nil) {
        self.status = status
        self.circuit = circuit
        self.lastCheckedAt = lastCheckedAt
        self.lastError = lastError
        self.url = url
    }

    enum CodingKeys: String, CodingKey {
        case status, circuit, url
        case lastCheckedAt = "last_checked_at"
        case lastError = "last_error"
    }
}

/// Whether a service's own database takes writes: `/health`'s `database.status` (besides `error`) and the `reason` of a
/// 503 `storage_unavailable`.
public enum StorageState: String, Codable, Sendable {
    case ok
    case full
    case readOnly = "read_only"
    /// The database server cannot be reached (PostgreSQL down, restarting or not answering in time).
    case unreachable
}

/// The state of a service's own database in `/health`.
public struct DatabaseHealth: Codable, Sendable, Hashable {
    public var status: String
    public var path: String?
    public var error: String?

    public init(status: String, path: String? = nil, error: String? = nil) {
        self.status = status
        self.path = path
        self.error = error
    }
}

/// `GET /health` answer.
public struct HealthResponse: Codable, Sendable, Hashable {
    /// `healthy`, `degraded` (a peer is unreachable) or `unhealthy` (own database unusable, with a 503).
    public var status: String
    public var service: String
    public var version: String
    public var uptimeSeconds: Double
    public var database: DatabaseHealth
    public var dependencies: [String: DependencyHealth]
    /// codebase-mcp only: each configured repository's index and how its changes are followed.
    public var repositories: [RepositoryIndexState]?

    public init(
        status: String,
        service: String,
        version: String,
        uptimeSeconds: Double,
        database: DatabaseHealth,
        dependencies: [String: DependencyHealth],
        repositories: [RepositoryIndexState]? = nil
    ) {
        self.status = status
        self.service = service
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.database = database
        self.dependencies = dependencies
        self.repositories = repositories
    }

    enum CodingKeys: String, CodingKey {
        case status, service, version, database, dependencies, repositories
        case uptimeSeconds = "uptime_seconds"
    }
}

/// The version both services report in `/health`.
public enum ServiceVersion {
    public static let current = "0.1.0"
}
