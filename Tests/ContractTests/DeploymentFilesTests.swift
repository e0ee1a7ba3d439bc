import ArgumentParser
import Foundation
import Testing
import Yams

@testable import CodebaseServer
@testable import WorkflowServer

/// Keeps docker/ true without a Docker engine: the compose file parses, and every service's command line (the
/// Dockerfile's `ENTRYPOINT` followed by the compose `command`) passes the binary's own argument parser.
@Suite("docker/ files")
struct DeploymentFilesTests {
    private let compose: ComposeFile

    init() throws {
        self.compose = try ComposeFile(contentsOf: DeploymentFiles.url("docker/compose.yaml"))
    }

    @Test("the compose file runs both services, each from its own Dockerfile")
    func bothServices() throws {
        #expect(Set(self.compose.services.keys) == ["codebase", "workflow"])
        for (name, service) in self.compose.services {
            let dockerfile = try Dockerfile(contentsOf: DeploymentFiles.url(service.dockerfile))
            #expect(dockerfile.entrypoint.first == "\(name)-mcp", "\(service.dockerfile) starts \(dockerfile.entrypoint)")
            #expect(dockerfile.stages >= 2, "\(service.dockerfile) is not a multi-stage build")
        }
    }

    @Test("codebase-mcp accepts its command line, listens beyond loopback and finds workflow-mcp by service name")
    func codebaseCommandLine() throws {
        let service = try #require(self.compose.services["codebase"])
        let arguments = try DeploymentFiles.commandLine(of: service)
        let parsed = try CodebaseMCP.parse(arguments)
        self.expectServesFromContainer(service, host: parsed.host, port: parsed.port, database: parsed.database)
        #expect(parsed.repo.allSatisfy { repo in service.volumes.contains { $0.hasSuffix(":\(repo):ro") } }, "every --repo is mounted")
        let workflow = try #require(self.compose.services["workflow"])
        let workflowPort = try WorkflowMCP.parse(DeploymentFiles.commandLine(of: workflow)).port
        #expect(parsed.workflowURL == "http://workflow:\(workflowPort)")
        try self.expectKnownEnvironment(service, help: CodebaseMCP.helpMessage())
        self.expectTokens(service, name: "codebase", allowedHosts: parsed.allowedHost)
    }

    @Test("workflow-mcp accepts its command line, listens beyond loopback and finds codebase-mcp by service name")
    func workflowCommandLine() throws {
        let service = try #require(self.compose.services["workflow"])
        let parsed = try WorkflowMCP.parse(DeploymentFiles.commandLine(of: service))
        self.expectServesFromContainer(service, host: parsed.host, port: parsed.port, database: parsed.database)
        let codebase = try #require(self.compose.services["codebase"])
        let codebasePort = try CodebaseMCP.parse(DeploymentFiles.commandLine(of: codebase)).port
        #expect(parsed.codebaseURL == "http://codebase:\(codebasePort)")
        try self.expectKnownEnvironment(service, help: WorkflowMCP.helpMessage())
        self.expectTokens(service, name: "workflow", allowedHosts: parsed.allowedHost)
    }

    @Test("the check can fail: a flag the binary does not know is refused")
    func unknownFlagIsRefused() {
        #expect(throws: (any Error).self) { try CodebaseMCP.parse(["--repos", "/src"]) }
        #expect(throws: (any Error).self) { try WorkflowMCP.parse(["--sync", "sometimes"]) }
    }

    /// Listens beyond the container's loopback, on the published port the health check asks, with its database on a
    /// volume.
    private func expectServesFromContainer(_ service: ComposeFile.Service, host: String, port: Int, database: String) {
        #expect(host == "0.0.0.0")
        #expect(service.volumes.contains { database.hasPrefix(Self.mountPoint(of: $0) + "/") }, "the database is on a volume")
        #expect(service.ports.contains { $0.hasSuffix(":\(port)") })
        #expect(service.healthcheck.contains("http://127.0.0.1:\(port)/health"))
    }

    /// Beyond loopback a service needs its token (docs/security.md), its peer's token to call it, and its service
    /// name among its allowed hosts, since its peer calls it by that name.
    private func expectTokens(_ service: ComposeFile.Service, name: String, allowedHosts: [String]) {
        #expect(service.environment["WORKFLOW_MCP_TOKEN"] != nil && service.environment["CODEBASE_MCP_TOKEN"] != nil, "\(name): both tokens")
        #expect(allowedHosts.contains(name), "\(name): --allowed-host \(name)")
    }

    /// Environment variables a service sets must be ones its binary reads; each is named in its `--help`.
    private func expectKnownEnvironment(_ service: ComposeFile.Service, help: String) throws {
        let dockerfile = try Dockerfile(contentsOf: DeploymentFiles.url(service.dockerfile))
        for name in Array(service.environment.keys) + dockerfile.environment {
            #expect(help.contains(name), "\(name) is not read by the binary")
        }
    }

    /// `/data` of `name:/data` or `../dir:/data:ro`.
    private static func mountPoint(of volume: String) -> String {
        let parts = volume.split(separator: ":")
        return parts.count >= 2 ? String(parts[1]) : volume
    }
}

/// Paths of the repository's deployment files and the command line a container runs.
enum DeploymentFiles {
    /// A path relative to the repository root (the compose file's build context).
    static func url(_ relativePath: String) -> URL {
        // Tests/ContractTests/<this file> → repository root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(relativePath)
    }

    /// The Dockerfile's `ENTRYPOINT` arguments after the binary, then the compose `command`.
    static func commandLine(of service: ComposeFile.Service) throws -> [String] {
        let dockerfile = try Dockerfile(contentsOf: self.url(service.dockerfile))
        return Array(dockerfile.entrypoint.dropFirst()) + service.command
    }
}
