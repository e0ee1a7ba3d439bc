import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import ServerKit
import ServerTesting
import ServiceClient
import Testing

@testable import CodebaseCore
@testable import CodebaseService

@Suite("codebase-mcp starts alone")
struct StartupSmokeTests {
    @Test("GET /health answers 200 degraded with workflow-mcp down, naming the dependency")
    func degradedWithPeerDown() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cb-smoke-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = CodebaseConfiguration(
            port: 0,
            databasePath: directory.appendingPathComponent("c.sqlite").path,
            workflowURL: "http://127.0.0.1:1"
        )
        configuration.server.logLevel = .error
        let app = try await buildApplication(configuration)
        try await app.test(.live) { client in
            let answer = try #require(try await client.health(untilUnreachable: "workflow-mcp"))
            #expect(answer.service == "codebase-mcp")
            #expect(answer.status == "degraded")
            #expect(answer.dependencies["workflow-mcp"]?.status == .unreachable)
        }
    }
}
