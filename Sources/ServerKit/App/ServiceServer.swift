import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle

/// What both services are served with, made once: the logger, the router with the kit's middleware (request metrics,
/// errors, access) and `/metrics`, the metrics factory their peer connection reports to, and in `serve` the `/mcp`
/// route, stdio, the parent watchdog and the `listening on` line. Each service's `buildApplication` makes one, adds
/// its own routes and services, and returns `serve`'s application.
public struct ServiceServer<Context: TrustingRequestContext> where Context.Source == ApplicationRequestContextSource {
    /// The executable's name (`x-mcp`), the logger's label and the server name.
    public let name: String
    public let configuration: ServerConfiguration
    public let logger: Logger
    public let router: Router<Context>
    /// One registry per application: tests build many applications in one process.
    public let metricsFactory: PrometheusMetricsFactory
    public let startedAt: ContinuousClock.Instant

    /// Refuses a setting that cannot work before anything that must be shut down is made.
    public init(name: String, configuration: ServerConfiguration) throws {
        var logger = Logger(label: name)
        logger.logLevel = configuration.logLevel
        self.startedAt = .now
        let access = try configuration.accessPolicy()
        let registry = PrometheusCollectorRegistry()
        self.metricsFactory = PrometheusMetricsFactory(registry: registry)
        let router = Router(context: Context.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: RequestMetricsMiddleware(factory: self.metricsFactory))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AccessMiddleware(policy: access))
        MetricsController(registry: registry).addRoutes(to: router)
        self.name = name
        self.configuration = configuration
        self.logger = logger
        self.router = router
    }

    /// The application: the routes added so far, `/mcp` (and stdio, with `--stdio`) over `tools`, `services` run
    /// with the server, and the one `listening on http://HOST:PORT` line launchers and tests wait for.
    public func serve<Tools: ToolProvider>(tools: Tools, services: [any Service]) async -> some ApplicationProtocol {
        let mcp = MCPProtocol(tools: tools, logger: self.logger)
        MCPController(mcp: mcp).addRoutes(to: self.router)
        var services = services
        if ParentWatchdog.isRequested { services.append(ParentWatchdog(logger: self.logger)) }
        if self.configuration.stdio { services.append(StdioService(mcp: mcp, logger: self.logger)) }
        // With --stdio, standard output carries MCP messages only.
        let announce = self.configuration.stdio ? FileHandle.standardError : FileHandle.standardOutput
        let host = self.configuration.host
        var port = self.configuration.port
        if self.configuration.stdio, port != 0, !(await PortProbe.isFree(host: host, port: port)) {
            self.logger.warning("port \(port) is taken (another copy of this server?); with --stdio, HTTP is served on a free port instead")
            port = 0
        }
        let requestedPort = port
        return Application(
            router: self.router,
            server: .guardedHTTP1(idleTimeout: self.configuration.idleTimeout, limits: self.configuration.connectionLimits),
            configuration: .init(address: .hostname(host, port: requestedPort), serverName: self.name),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? requestedPort
                announce.write(Data("listening on http://\(host):\(port)\n".utf8))
            },
            logger: self.logger
        )
    }
}
