import Foundation
import Logging
import ServiceLifecycle

/// MCP on standard input and output (`--stdio`), beside the HTTP listener. When input ends the client is gone: the
/// calls in flight are answered, then the whole server shuts down gracefully (as on SIGTERM) and exits 0.
public struct StdioService<Tools: ToolProvider>: Service {
    let mcp: MCPProtocol<Tools>
    let logger: Logger

    public init(mcp: MCPProtocol<Tools>, logger: Logger) {
        self.mcp = mcp
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.mcp.serveStandardIO() }
        } catch is CancellationError {
            return
        }
        guard !Task.isShuttingDownGracefully else { return }
        self.logger.info("standard input ended; shutting down")
        // The same path as SIGTERM: every service drains, and the process exits 0.
        kill(getpid(), SIGTERM)
        try? await gracefulShutdown()
    }
}
