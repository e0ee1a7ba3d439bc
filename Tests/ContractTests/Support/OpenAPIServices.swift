import CodebaseService
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ServerKit
import WorkflowService

/// A temporary folder for one conformance run: the databases, a copy of fixtures/sample-repo, and an empty
/// repository that the test deletes to make an index job fail. `remove()` deletes it all.
struct OpenAPIWorkspace: Sendable {
    let url: URL

    init() throws {
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: OpenAPIDocument.packageRoot.appendingPathComponent("fixtures/sample-repo"),
            to: self.url.appendingPathComponent("sample-repo")
        )
        try FileManager.default.createDirectory(atPath: self.vanishingRepository, withIntermediateDirectories: true)
        // Long lines of one letter, where a nested repetition costs the regex matcher tens of milliseconds each: what
        // makes the run's costly grep pattern overrun its deadline on any machine.
        let costly = String(repeating: String(repeating: "x", count: 4000) + "\n", count: 40)
        try Data(costly.utf8).write(to: self.url.appendingPathComponent("sample-repo/generated-costly.txt"))
    }

    /// The copy of the fixture, known to codebase-mcp as `sample-repo`.
    var sampleRepository: String { self.path("sample-repo") }

    /// An empty repository, known as `vanishing-repo`.
    var vanishingRepository: String { self.path("vanishing-repo") }

    func path(_ name: String) -> String { self.url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: self.url) }
}

/// Starts each service in-process on a live loopback socket (port 0) for the length of a closure, then stops it.
enum OpenAPIServices {
    /// Nothing listens on port 1 of the loopback interface: a peer there is refused at once.
    static let closedPortURL = "http://127.0.0.1:1"

    static func withWorkflow(
        _ workspace: OpenAPIWorkspace,
        database: String,
        codebaseURL: String,
        document: OpenAPIDocument,
        log: OpenAPIConformanceLog,
        _ body: @escaping @Sendable (OpenAPIClient) async throws -> Void
    ) async throws {
        var configuration = WorkflowConfiguration(port: 0, databasePath: workspace.path(database), codebaseURL: codebaseURL)
        configuration.server.logLevel = .critical
        let app = try await WorkflowService.buildApplication(configuration)
        try await app.test(.live) { client in
            try await body(OpenAPIClient(service: "workflow", client: client, document: document, log: log))
        }
    }

    /// codebase-mcp without start-up indexing: the test indexes with `POST /mcp/index`, which it checks too.
    static func withCodebase(
        _ workspace: OpenAPIWorkspace,
        database: String,
        repositories: [String],
        workflowURL: String,
        document: OpenAPIDocument,
        log: OpenAPIConformanceLog,
        _ body: @escaping @Sendable (OpenAPIClient) async throws -> Void
    ) async throws {
        var configuration = CodebaseConfiguration(port: 0, databasePath: workspace.path(database), workflowURL: workflowURL)
        // Far shorter than the costly pattern needs (seconds), far longer than any other grep of the run (milliseconds).
        configuration.grepDeadline = .milliseconds(300)
        configuration.repositories = repositories
        configuration.indexOnStartup = false
        configuration.server.logLevel = .critical
        let app = try await CodebaseService.buildApplication(configuration)
        try await app.test(.live) { client in
            try await body(OpenAPIClient(service: "codebase", client: client, document: document, log: log))
        }
    }
}
