import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServerKit
import ServerTesting
import ServiceClient
import Testing

@testable import WorkflowCore
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
        configuration.server.logLevel = .error
        let app = try await buildApplication(configuration)
        try await app.test(.live) { client in
            let answer = try #require(try await client.health(untilUnreachable: "codebase-mcp"))
            #expect(answer.service == "workflow-mcp")
            #expect(answer.status == "degraded")
            #expect(answer.database.status == "ok")
            #expect(answer.dependencies["codebase-mcp"]?.status == .unreachable)
            #expect(answer.dependencies["codebase-mcp"]?.lastError == "connection refused")
        }
    }

    @Test("/health refuses query parameters with 400 naming them, and names only the database file, not its path", arguments: StoreKind.allCases)
    func healthQueryAndPath(store: StoreKind) async throws {
        let directory = try TemporaryDirectory(store: store)
        defer { directory.remove() }
        try await withWorkflow(directory: directory) { client in
            for query in ["verbose=1", "x", "status=healthy&y=2"] {
                let response = try await client.send(.get, "/health?\(query)")
                #expect(response.status == .badRequest, "\(query) → \(response.status)")
                let error = try? response.decode(ErrorBody.self)
                #expect(error?.error == "invalid_request", "\(query)")
                let field = query.split(separator: "&").first.map { String($0.split(separator: "=")[0]) }
                #expect(error?.details["field"] == field.map { .string($0) }, "\(query)")
            }
            let health = try await client.send(.get, "/health").decode(HealthResponse.self)
            // On PostgreSQL, the database's name: never the host, the port or a password.
            let name = store == .sqlite ? "workflow.sqlite" : String(URL(string: directory.database)!.lastPathComponent)
            #expect(health.database.path == name)
        }
    }

    @Test("include_deleted= (empty) is refused like any value other than true or false", arguments: StoreKind.allCases)
    func emptyIncludeDeleted(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let item = try await client.create(#"{"title": "t"}"#)
            for uri in ["/mcp/work_items?include_deleted=", "/mcp/work_items/\(item.id)?include_deleted=", "/mcp/work_items?include_deleted"] {
                let response = try await client.send(.get, uri)
                #expect(response.status == .badRequest, "\(uri) → \(response.status)")
                #expect((try? response.decode(ErrorBody.self))?.details["field"] == "include_deleted", "\(uri)")
            }
        }
    }

    @Test("details.field is never empty: a body field with an empty name is reported as body", arguments: StoreKind.allCases)
    func emptyFieldName(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            for (method, uri, body) in [
                (HTTPRequest.Method.post, "/mcp/work_items", #"{"title": "t", "": 1}"#),
                (.post, "/mcp/work_items/by_references", #"{"chunk_ids": ["c_1"], "": 1}"#),
            ] {
                let response = try await client.send(method, uri, json: body)
                #expect(response.status == .badRequest, "\(uri)")
                #expect((try? response.decode(ErrorBody.self))?.details["field"] == "body", "\(uri): \(response.text)")
            }
        }
    }
}
