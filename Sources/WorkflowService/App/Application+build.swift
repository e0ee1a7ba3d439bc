import Foundation
import GRDB
import Hummingbird
import Logging
import PostgresNIO
import Prometheus
import ServerKit
import ServiceClient
import ServiceLifecycle
import WorkflowCore

/// The composition root of workflow-mcp: opens the database, connects to codebase-mcp, and wires the routes.
/// The `workflow-mcp` executable and the tests both call it.
public func buildApplication(_ configuration: WorkflowConfiguration) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "workflow-mcp")
    logger.logLevel = configuration.logLevel
    let startedAt = ContinuousClock.now

    // First, before anything that must be shut down is made: a refused setting stops here.
    let access = try accessPolicy(configuration.host, configuration)
    let registry = PrometheusCollectorRegistry()
    let metricsFactory = PrometheusMetricsFactory(registry: registry)
    var services: [any Service] = []
    let store = try await openStore(configuration, logger: logger, services: &services)
    let peer = PeerConnection(peerName: "codebase-mcp", configuration: configuration.peer, logger: logger, metricsFactory: metricsFactory)
    let references = ReferenceChecker(client: CodebaseClient(connection: peer, deadlines: configuration.deadlines), logger: logger)

    let router = Router(context: WorkflowRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.middlewares.add(RequestMetricsMiddleware(factory: metricsFactory))
    router.middlewares.add(ErrorMiddleware())
    router.middlewares.add(AccessMiddleware(policy: access))
    HealthController(store: store, databaseName: databaseName(configuration.databasePath), peer: peer, startedAt: startedAt).addRoutes(to: router)
    MetricsController(registry: registry).addRoutes(to: router)
    let workItems = WorkItems(store: store, references: references)
    WorkItemController(workItems: workItems).addRoutes(to: router)
    ReferenceLookupController(workItems: workItems).addRoutes(to: router)
    let mcp = MCPProtocol(tools: WorkflowTools(workItems: workItems), logger: logger)
    MCPController(mcp: mcp).addRoutes(to: router)

    services.insert(peer, at: 0)
    if ParentWatchdog.isRequested { services.append(ParentWatchdog(logger: logger)) }
    if configuration.stdio { services.append(StdioService(mcp: mcp, logger: logger)) }
    // With --stdio, standard output carries MCP messages only.
    let announce = configuration.stdio ? FileHandle.standardError : FileHandle.standardOutput

    let host = configuration.host
    var port = configuration.port
    if configuration.stdio, port != 0, !(await PortProbe.isFree(host: host, port: port)) {
        logger.warning("port \(port) is taken (another copy of this server?); with --stdio, HTTP is served on a free port instead")
        port = 0
    }
    let requestedPort = port
    return Application(
        router: router,
        server: .guardedHTTP1(idleTimeout: .seconds(75), limits: configuration.connectionLimits),
        configuration: .init(address: .hostname(host, port: requestedPort), serverName: "workflow-mcp"),
        services: services,
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? requestedPort
            // One line that launchers and tests wait for.
            announce.write(Data("listening on http://\(host):\(port)\n".utf8))
        },
        logger: logger
    )
}

/// The store `configuration.databasePath` names: PostgreSQL for a `postgres://` or `postgresql://` URL (its
/// migrations applied, its connection pool added to `services` to run with the server), else the SQLite file.
func openStore(_ configuration: WorkflowConfiguration, logger: Logger, services: inout [any Service]) async throws -> any WorkItemStore {
    guard PostgresLocation.isPostgres(configuration.databasePath) else {
        let database = try openDatabase(path: configuration.databasePath, synchronousFull: configuration.synchronousFull)
        return try SQLiteWorkItemStore(database: database)
    }
    let location = try PostgresLocation(configuration.databasePath)
    try await PostgresWorkItemStore.migrate(location, wait: configuration.databaseStartupWait, logger: logger)
    // The pool waits for a connection at most `connectTimeout`; the store bounds every operation by `databaseTimeout`.
    let client = PostgresClient(
        configuration: location.clientConfiguration(
            maxConnections: configuration.databasePoolSize,
            connectTimeout: min(configuration.databaseTimeout, .seconds(3))
        ),
        backgroundLogger: logger
    )
    services.append(client)
    return PostgresWorkItemStore(client: client, timeLimit: configuration.databaseTimeout, logger: logger)
}

/// What `/health` names the database by: the SQLite file's name, or the PostgreSQL database's name (never the
/// absolute path, the host or a password: an unauthenticated caller may read it).
func databaseName(_ location: String) -> String {
    guard PostgresLocation.isPostgres(location) else { return URL(fileURLWithPath: location).lastPathComponent }
    return (try? PostgresLocation(location).displayName) ?? "postgres"
}

/// Opens the SQLite file in WAL mode, creating its directory when missing.
///
/// WAL with `synchronous = NORMAL` loses no committed transaction when the process is killed; `FULL` also survives
/// power loss, at the price of an fsync per commit.
func openDatabase(path: String, synchronousFull: Bool) throws -> DatabasePool {
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var configuration = Configuration()
    configuration.foreignKeysEnabled = true
    configuration.busyMode = .timeout(5)
    configuration.prepareDatabase { db in
        try db.execute(sql: synchronousFull ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
    }
    return try DatabasePool(path: path, configuration: configuration)
}

/// The access rules of `configuration`; refuses a non-loopback bind without a token unless told it is wanted.
func accessPolicy(_ host: String, _ configuration: WorkflowConfiguration) throws -> AccessPolicy {
    let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
    if !loopback, (configuration.authToken ?? "").isEmpty, !configuration.insecureNoAuth {
        throw ConfigurationError(
            "binding \(host) exposes every route to the network: set a token with --auth-token (or its environment variable), or pass --insecure-no-auth"
        )
    }
    return AccessPolicy(
        token: configuration.authToken,
        boundHost: host,
        allowedHosts: configuration.allowedHosts,
        allowedOrigins: configuration.allowedOrigins
    )
}

