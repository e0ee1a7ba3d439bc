import Foundation
import GRDB
import Hummingbird
import Logging
import PostgresNIO
import ServerKit
import ServiceClient
import ServiceLifecycle
import StorageKit
import WorkflowCore

/// The composition root of workflow-mcp: opens the database, connects to codebase-mcp, and wires the routes.
/// The `workflow-mcp` executable and the tests both call it.
public func buildApplication(_ configuration: WorkflowConfiguration) async throws -> some ApplicationProtocol {
    let server = try ServiceServer<WorkflowRequestContext>(name: "workflow-mcp", configuration: configuration.server)
    var services: [any Service] = []
    let store = try await openStore(configuration, logger: server.logger, services: &services)
    let peer = PeerConnection(peerName: "codebase-mcp", configuration: configuration.peer, logger: server.logger, metricsFactory: server.metricsFactory)
    let references = ReferenceChecker(client: CodebaseClient(connection: peer, deadlines: configuration.deadlines), logger: server.logger)
    services.insert(peer, at: 0)

    HealthController(
        service: server.name,
        databaseName: databaseName(configuration.databasePath),
        peer: peer,
        startedAt: server.startedAt,
        source: WorkflowHealth(store: store)
    ).addRoutes(to: server.router)
    let workItems = WorkItems(store: store, references: references)
    WorkItemController(workItems: workItems).addRoutes(to: server.router)
    ReferenceLookupController(workItems: workItems).addRoutes(to: server.router)
    return await server.serve(tools: WorkflowTools(workItems: workItems), services: services)
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

/// Opens the SQLite file in WAL mode.
///
/// WAL with `synchronous = NORMAL` loses no committed transaction when the process is killed; `FULL` also survives
/// power loss, at the price of an fsync per commit.
func openDatabase(path: String, synchronousFull: Bool) throws -> DatabasePool {
    try SQLitePool.open(path: path) { db in
        try db.execute(sql: synchronousFull ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
    }
}
