import CodebaseCore
import Foundation
import GRDB
import Hummingbird
import ServerKit
import ServiceClient
import StorageKit

/// The composition root of codebase-mcp: opens the database, connects to workflow-mcp, wires the routes, and adds
/// the background indexer. The `codebase-mcp` executable and the tests both call it.
public func buildApplication(_ configuration: CodebaseConfiguration) async throws -> some ApplicationProtocol {
    let server = try ServiceServer<CodebaseRequestContext>(name: "codebase-mcp", configuration: configuration.server)
    let logger = server.logger
    let repositories = try resolveRepositories(configuration.repositories)
    let database = try openDatabase(path: configuration.databasePath)
    // Another process on the same database may be migrating it or indexing: the schema is changed under its lock.
    let lock = try IndexLock(databasePath: configuration.databasePath)
    try lock.lockBlocking(timeout: .seconds(60))
    let store: GRDBChunkStore
    let repositoryIDs: [String: Int64]
    do {
        defer { lock.unlock() }
        store = try GRDBChunkStore(writer: database)
        repositoryIDs = try await store.registerRepositories(repositories)
    }

    let peer = PeerConnection(peerName: "workflow-mcp", configuration: configuration.peer, logger: logger, metricsFactory: server.metricsFactory)
    let linkedWorkItems = LinkedWorkItemsProvider(client: WorkflowClient(connection: peer, deadlines: configuration.deadlines))

    let search = SearchService(
        store: store,
        cache: SingleFlightCache(configuration: configuration.searchCache, logger: logger),
        contextLines: configuration.contextLines
    )
    let jobs = IndexJobQueue()
    let indexer = RepositoryIndexer(store: store, configuration: configuration.indexer, logger: logger)
    let watchStatus = WatchStatus()
    let changeDetection =
        configuration.watch.mode == .off || repositories.isEmpty
        ? nil
        : ChangeDetection(
            configuration: configuration.watch,
            repositories: repositories,
            scanner: indexer.scanner,
            queue: jobs,
            status: watchStatus,
            databasePath: configuration.databasePath,
            logger: logger
        )
    let indexing = IndexingService(
        queue: jobs,
        indexer: indexer,
        repositories: repositories,
        repositoryIDs: repositoryIDs,
        indexOnStartup: configuration.indexOnStartup,
        changeDetection: changeDetection,
        status: watchStatus,
        lock: lock,
        logger: logger
    )
    let indexStatus = IndexStatus(
        store: store,
        repositories: repositories,
        repositoryIDs: repositoryIDs,
        queue: jobs,
        changeDetection: changeDetection,
        status: watchStatus
    )

    HealthController(
        service: server.name,
        // The file name only: the absolute path tells an unauthenticated caller about the host's layout.
        databaseName: URL(fileURLWithPath: configuration.databasePath).lastPathComponent,
        peer: peer,
        startedAt: server.startedAt,
        source: CodebaseHealth(store: store, indexStatus: indexStatus)
    ).addRoutes(to: server.router)
    let codebase = Codebase(
        search: search,
        store: store,
        linkedWorkItems: linkedWorkItems,
        jobs: jobs,
        indexStatus: indexStatus,
        corpus: GrepCorpus(store: store),
        grepDeadline: configuration.grepDeadline,
        repositories: repositories,
        contextLines: configuration.contextLines
    )
    SearchController(codebase: codebase).addRoutes(to: server.router)
    ChunkController(codebase: codebase).addRoutes(to: server.router)
    IndexController(codebase: codebase).addRoutes(to: server.router)
    GrepController(codebase: codebase).addRoutes(to: server.router)
    return await server.serve(tools: CodebaseTools(codebase: codebase), services: [peer, indexing])
}

/// Opens the SQLite file in WAL mode, with codebase-mcp's pragmas on each connection.
func openDatabase(path: String) throws -> DatabasePool {
    try SQLitePool.open(path: path) { db in
        if db.configuration.readonly {
            // Readers take pages straight from the OS page cache instead of a `pread` each: a tenth of a search's
            // time on the standard library (docs/benchmarks.md). The mapped pages count in the resident set.
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
        } else {
            // The writer builds FTS segments: a larger page cache saves re-reading them.
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
    }
}

/// Each `--repo` directory as a configured repository named after its last path component. Two repositories with the
/// same name would make `file_path` and chunk ids ambiguous, so that is refused at start-up.
func resolveRepositories(_ paths: [String]) throws -> [ConfiguredRepository] {
    var repositories: [ConfiguredRepository] = []
    for path in paths where !path.isEmpty {
        guard let root = RepositoryScanner.realPath(path) else { throw ConfigurationError("repository directory '\(path)' does not exist") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError("repository path '\(path)' is not a directory")
        }
        guard root != "/" else { throw ConfigurationError("the file system root cannot be a repository") }
        let name = URL(fileURLWithPath: root).lastPathComponent
        if repositories.contains(where: { $0.root == root }) { continue }
        if let clash = repositories.first(where: { $0.name == name }) {
            throw ConfigurationError("repositories '\(clash.root)' and '\(root)' share the name '\(name)'; rename or link one of them")
        }
        repositories.append(ConfiguredRepository(name: name, root: root))
    }
    return repositories
}
