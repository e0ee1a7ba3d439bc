import Foundation
import Logging

/// Both real servers as child processes on temporary databases, with a fault proxy in each direction:
/// workflow-mcp → `codebaseProxy` → codebase-mcp, and codebase-mcp → `workflowProxy` → workflow-mcp.
public struct ServicePair: Sendable {
    /// How to set the pair up.
    public struct Options: Sendable {
        /// Repositories codebase-mcp indexes.
        public var repositories: [URL] = []
        /// Whether workflow-mcp reaches codebase-mcp through `codebaseProxy` (else directly).
        public var codebaseThroughProxy = true
        /// Start workflow-mcp (a scenario may run codebase-mcp alone).
        public var startWorkflow = true
        /// Start codebase-mcp (a scenario may run workflow-mcp alone).
        public var startCodebase = true

        public init() {}
    }

    public let directory: URL
    public let workflow: ServerProcess
    public let codebase: ServerProcess
    public let codebaseProxy: FaultProxy
    public let workflowProxy: FaultProxy

    /// Runs `body` with both servers up; always stops them and the proxies afterwards, also when `body` throws.
    public static func with<T: Sendable>(
        _ options: Options = .init(),
        _ body: @Sendable (ServicePair) async throws -> T
    ) async throws -> T {
        try Binaries.check()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pair-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "fault-proxy")
        logger.logLevel = .error
        let codebaseProxy = FaultProxy(upstreamPort: 1, logger: logger)
        let workflowProxy = FaultProxy(upstreamPort: 1, logger: logger)

        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await codebaseProxy.run()
                return nil
            }
            group.addTask {
                try await workflowProxy.run()
                return nil
            }
            try await codebaseProxy.waitUntilListening()
            try await workflowProxy.waitUntilListening()

            let codebase = ServerProcess(
                ServerSpec(
                    name: "codebase-mcp",
                    executable: Binaries.codebase,
                    arguments: ["--database", directory.appendingPathComponent("codebase.sqlite").path, "--workflow-url", workflowProxy.url]
                        + options.repositories.flatMap { ["--repo", $0.path] },
                    logURL: directory.appendingPathComponent("codebase.log")
                )
            )
            var workflowLog = "(not started)"
            do {
                if options.startCodebase {
                    try await codebase.start()
                    codebaseProxy.setUpstream(port: codebase.port)
                }
                // Direct means the proxy keeps listening but workflow-mcp does not use it.
                let direct = !options.codebaseThroughProxy && options.startCodebase
                let workflow = ServerProcess(
                    ServerSpec(
                        name: "workflow-mcp",
                        executable: Binaries.workflow,
                        arguments: [
                            "--database", directory.appendingPathComponent("workflow.sqlite").path,
                            "--codebase-url", direct ? codebase.url : codebaseProxy.url,
                        ],
                        logURL: directory.appendingPathComponent("workflow.log")
                    )
                )
                let pair = ServicePair(
                    directory: directory,
                    workflow: workflow,
                    codebase: codebase,
                    codebaseProxy: codebaseProxy,
                    workflowProxy: workflowProxy
                )
                defer { workflowLog = workflow.logTail() }
                do {
                    if options.startWorkflow {
                        try await workflow.start()
                        workflowProxy.setUpstream(port: workflow.port)
                    }
                    let result = try await body(pair)
                    await pair.stop()
                    group.cancelAll()
                    try? FileManager.default.removeItem(at: directory)
                    return result
                } catch {
                    await pair.stop()
                    throw error
                }
            } catch {
                await codebase.kill()
                group.cancelAll()
                throw PairFailure(underlying: error, workflowLog: workflowLog, codebaseLog: codebase.logTail())
            }
        }
    }

    /// Kills both servers.
    public func stop() async {
        await self.workflow.kill()
        await self.codebase.kill()
    }
}

/// A scenario's failure with the tail of both servers' logs.
public struct PairFailure: Error, CustomStringConvertible {
    public let underlying: any Error
    public let workflowLog: String
    public let codebaseLog: String

    public var description: String {
        "\(self.underlying)\n--- workflow-mcp log (tail) ---\n\(self.workflowLog)\n--- codebase-mcp log (tail) ---\n\(self.codebaseLog)"
    }
}
