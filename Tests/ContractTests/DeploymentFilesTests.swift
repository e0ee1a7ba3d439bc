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
        #expect(Set(self.compose.services.filter { $0.value.profiles.isEmpty }.keys) == ["codebase", "workflow"])
        for (name, service) in self.compose.services {
            let dockerfile = try Dockerfile(contentsOf: DeploymentFiles.url(service.dockerfile))
            let binary = name.split(separator: "-")[0]
            #expect(dockerfile.entrypoint.first == "\(binary)-mcp", "\(service.dockerfile) starts \(dockerfile.entrypoint)")
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

    @Test("the postgres profile runs PostgreSQL and a workflow-mcp whose --database is a URL naming that service")
    func postgresProfile() throws {
        let postgres = try #require(self.compose.images["postgres"])
        #expect(postgres.profiles == ["postgres"] && postgres.image.hasPrefix("postgres:"))
        #expect(postgres.healthcheck.contains("pg_isready"))
        let service = try #require(self.compose.services["workflow-pg"])
        #expect(service.profiles == ["postgres"])
        #expect(service.entrypoint?.first == "workflow-mcp")
        let arguments = try DeploymentFiles.commandLine(of: service)
        // The database comes from WORKFLOW_MCP_DATABASE; a --database flag would win over it.
        #expect(!arguments.contains("--database"), "\(arguments)")
        let parsed = try WorkflowMCP.parse(arguments)
        #expect(parsed.host == "0.0.0.0")
        #expect(service.ports.contains { $0.hasSuffix(":\(parsed.port)") })
        #expect(service.healthcheck.contains("http://127.0.0.1:\(parsed.port)/health"))
        try self.expectKnownEnvironment(service, help: WorkflowMCP.helpMessage())
        self.expectTokens(service, name: "workflow-pg", allowedHosts: parsed.allowedHost)
        // The URL, with compose's `${...}` left in the password, names the postgres service and its database.
        let url = try #require(service.environment["WORKFLOW_MCP_DATABASE"])
        #expect(url.hasPrefix("postgres://"))
        let afterAt = try #require(url.split(separator: "@").last)
        #expect(afterAt.hasPrefix("postgres:5432/\(postgres.environment["POSTGRES_DB"] ?? "?")"), "\(afterAt)")
        #expect(url.hasPrefix("postgres://\(postgres.environment["POSTGRES_USER"] ?? "?"):"))
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

    /// The entrypoint's arguments after the binary (compose's `entrypoint` if set, else the Dockerfile's
    /// `ENTRYPOINT`), then the compose `command`.
    static func commandLine(of service: ComposeFile.Service) throws -> [String] {
        let entrypoint = try service.entrypoint ?? Dockerfile(contentsOf: self.url(service.dockerfile)).entrypoint
        return Array(entrypoint.dropFirst()) + service.command
    }
}
