import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceClient
import Testing

@testable import WorkflowService

@Suite("workflow-mcp health")
struct HealthTests {
    @Test("GET /health answers 200 degraded with codebase-mcp down, naming the dependency")
    func degradedWithPeerDown() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wf-health-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = WorkflowConfiguration(
            port: 0,
            databasePath: directory.appendingPathComponent("w.sqlite").path,
            codebaseURL: "http://127.0.0.1:1"
        )
        configuration.logLevel = .error
        let app = try await buildApplication(configuration)
        try await app.test(.live) { client in
            // The background check runs at start-up; poll until it has an answer.
            var health: HealthResponse?
            for _ in 0..<200 {
                let response = try await client.execute(uri: "/health", method: .get)
                #expect(response.status == .ok)
                health = try ContractCoding.makeDecoder().decode(HealthResponse.self, from: Data(response.body.readableBytesView))
                if health?.dependencies["codebase-mcp"]?.status == .unreachable { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            let answer = try #require(health)
            #expect(answer.service == "workflow-mcp")
            #expect(answer.status == "degraded")
            #expect(answer.database.status == "ok")
            #expect(answer.dependencies["codebase-mcp"]?.status == .unreachable)
            #expect(answer.dependencies["codebase-mcp"]?.lastError == "connection refused")
        }
    }
}
