import Foundation
import GRDB
import Hummingbird
import Logging
import ServiceClient

/// The composition root of codebase-mcp: opens the database, connects to workflow-mcp, and wires the routes.
/// The `codebase-mcp` executable and the tests both call it.
public func buildApplication(_ configuration: CodebaseConfiguration) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "codebase-mcp")
    logger.logLevel = configuration.logLevel
    let startedAt = ContinuousClock.now

    let database = try openDatabase(path: configuration.databasePath)
    let peer = PeerConnection(peerName: "workflow-mcp", configuration: configuration.peer, logger: logger)

    let router = Router(context: CodebaseRequestContext.self)
    HealthController(database: database, databasePath: configuration.databasePath, peer: peer, startedAt: startedAt)
        .addRoutes(to: router)

    let host = configuration.host
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(75))),
        configuration: .init(address: .hostname(host, port: configuration.port), serverName: "codebase-mcp"),
        services: [peer],
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? configuration.port
            // One line on stdout that launchers and tests wait for.
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
        },
        logger: logger
    )
}

/// Opens the SQLite file in WAL mode, creating its directory when missing.
func openDatabase(path: String) throws -> DatabasePool {
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var configuration = Configuration()
    configuration.foreignKeysEnabled = true
    configuration.busyMode = .timeout(5)
    return try DatabasePool(path: path, configuration: configuration)
}
