// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// What both service libraries build on besides the client module and the server kit (which brings MCP and the
/// connection guard's NIO parts): the HTTP server, SQLite, logging, metrics and graceful shutdown.
let serviceDependencies: [Target.Dependency] = [
    "ServiceClient",
    "ServerKit",
    .product(name: "Hummingbird", package: "hummingbird"),
    .product(name: "GRDB", package: "GRDB.swift"),
    .product(name: "Logging", package: "swift-log"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
]

/// A thin executable: argument parsing over its library, which does the rest.
func executable(_ name: String, library: String, also: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.byName(name: library), .product(name: "ArgumentParser", package: "swift-argument-parser")] + also,
        swiftSettings: swiftSettings
    )
}

/// The libraries and executables.
let libraryTargets: [Target] = [
    // The one module both services share: wire types, typed clients, resilience parts.
    .target(
        name: "ServiceClient",
        dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "DequeModule", package: "swift-collections"),
        ],
        swiftSettings: swiftSettings
    ),
    // How both services are served, knowing no domain: the connection guard, access and origin policy, request
    // metrics, the API error and the error middleware, body reading, the MCP adapter (engine, exchange, stdio
    // transport), tool catalog, /mcp controller and stdio service, the /metrics route, the parent watchdog and
    // the port probe, the shared command-line options, strict reading of JSON text, the JSON-RPC envelope, stdio lines. It renders the contract's error body, from the client module's wire types.
    .target(
        name: "ServerKit",
        dependencies: [
            "ServiceClient",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "MCP", package: "swift-sdk"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ],
        swiftSettings: swiftSettings
    ),
    // Test doubles for ServiceClient's injected clock and random source; only test targets depend on it.
    .target(
        name: "ServiceClientTesting",
        dependencies: ["ServiceClient"],
        swiftSettings: swiftSettings
    ),
    // What the two services' in-process tests share: contract JSON text and an MCP client over HummingbirdTesting.
    .target(
        name: "ServerTesting",
        dependencies: [
            "ServiceClient",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
        ],
        swiftSettings: swiftSettings
    ),
    // PCRE2 from the system (Debian: libpcre2-dev; docs/codebase.md says how elsewhere), for regex grep.
    .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]),
    // How both services keep a SQLite file, knowing no domain: the WAL pool they open and whether it takes writes.
    .target(
        name: "StorageKit",
        dependencies: [
            "ServiceClient",
            .product(name: "GRDB", package: "GRDB.swift"),
        ],
        swiftSettings: swiftSettings
    ),
    // The index and what it answers: scanning, chunking, the SQLite FTS5 store, search, grep, symbols, the watcher.
    // No HTTP server, HTTP types or MCP: the package graph keeps it so (ArchitectureTests checks this list).
    .target(
        name: "CodebaseCore",
        dependencies: [
            "ServiceClient",
            "StorageKit",
            "CPCRE2",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Crypto", package: "swift-crypto"),
        ],
        swiftSettings: swiftSettings
    ),
    // Around the core: REST/, MCP/, App/ (buildApplication).
    .target(
        name: "CodebaseService",
        dependencies: serviceDependencies + [.target(name: "CodebaseCore"), .target(name: "StorageKit")],
        swiftSettings: swiftSettings
    ),
    executable("CodebaseServer", library: "CodebaseService", also: ["CodebaseCore", "ServerKit"]),
    // Work items: operations, rules, errors, validation, queries, reference checking, the store protocol. No
    // HTTP server, HTTP types or MCP: the package graph keeps it so (ArchitectureTests checks this list).
    .target(
        name: "WorkflowCore",
        dependencies: [
            "ServiceClient",
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
    // Around the core: REST/, MCP/, Storage/SQLite/, Storage/Postgres/, App/ (buildApplication).
    .target(
        name: "WorkflowService",
        dependencies: serviceDependencies + [
            .target(name: "WorkflowCore"),
            .target(name: "StorageKit"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            // For `ConnectionPoolError` only: what PostgresClient throws when its pool cannot connect.
            .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
        ],
        swiftSettings: swiftSettings
    ),
    executable("WorkflowServer", library: "WorkflowService", also: ["ServerKit"]),
    // Starts, stops, kills, pauses and restarts the real binaries; the fault proxy; the supervisor.
    .target(
        name: "ServiceHarness",
        dependencies: [
            "ServiceClient",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ],
        swiftSettings: swiftSettings
    ),
    // `harness up`: argument parsing only; `LocalPair` in ServiceHarness does the rest.
    executable("Harness", library: "ServiceHarness"),
]

/// The in-process tests per module, and the suites over real processes.
let testTargets: [Target] = [
    .testTarget(
        name: "ResilienceTests",
        dependencies: [
            "ServiceHarness",
            "ServiceClient",
            "ServiceClientTesting",
            // Not imported: listed so that `swift test` builds both binaries the suite runs.
            "WorkflowServer",
            "CodebaseServer",
        ],
        swiftSettings: swiftSettings
    ),
    // Keeps docs/openapi.yaml and docker/ true: real responses against the OpenAPI document, and the
    // compose file's flags against the binaries' own argument parsers.
    .testTarget(
        name: "ContractTests",
        dependencies: [
            "CodebaseService",
            "WorkflowService",
            "ServerKit",
            "CodebaseServer",
            "WorkflowServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Yams", package: "Yams"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "ServiceClientTests",
        dependencies: [
            "ServiceClient",
            "ServiceClientTesting",
            .product(name: "NIOPosix", package: "swift-nio"),
        ],
        swiftSettings: swiftSettings
    ),
    // The supervisor's restart backoff, driven by the test clock and random source.
    .testTarget(
        name: "ServerKitTests",
        dependencies: ["ServerKit"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "ServiceHarnessTests",
        dependencies: [
            "ServiceHarness",
            "ServiceClient",
            "ServiceClientTesting",
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "CodebaseServiceTests",
        dependencies: [
            "CodebaseService",
            "CodebaseCore",
            "ServerKit",
            "ServerTesting",
            "ServiceClientTesting",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "WorkflowServiceTests",
        dependencies: [
            "WorkflowService",
            "WorkflowCore",
            "ServerKit",
            "ServerTesting",
            "ServiceClientTesting",
            // The private PostgreSQL cluster the store tests run on.
            "ServiceHarness",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ],
        swiftSettings: swiftSettings
    ),
]

let package = Package(
    name: "workflow-codebase",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "codebase-mcp", targets: ["CodebaseServer"]),
        .executable(name: "workflow-mcp", targets: ["WorkflowServer"]),
        .executable(name: "harness", targets: ["Harness"]),
        .library(name: "ServiceClient", targets: ["ServiceClient"]),
        .library(name: "ServiceHarness", targets: ["ServiceHarness"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: libraryTargets + testTargets,
    swiftLanguageModes: [.v6]
)
