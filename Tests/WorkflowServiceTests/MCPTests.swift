import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ServerKit
import ServerTesting
import ServiceClient
import Testing

@testable import WorkflowCore
@testable import WorkflowService

@Suite("workflow-mcp over MCP (Streamable HTTP at /mcp)")
struct MCPTests {
    static let toolNames: Set<String> = ["create_work_item", "get_work_item", "list_work_items", "update_work_item", "delete_work_item"]

    @Test(
        "initialize negotiates a protocol version; server/discover is 'method not found', as a handshake-era server answers",
        arguments: StoreKind.allCases
    )
    func handshake(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let initialize = try await client.mcp(
                "initialize",
                .object(["protocolVersion": "2025-06-18", "capabilities": .object([:]), "clientInfo": .object(["name": "test", "version": "1"])])
            )
            #expect(initialize["result"]?["protocolVersion"] == "2025-06-18")
            #expect(initialize["result"]?["serverInfo"]?["name"] == "workflow-mcp")
            #expect(initialize["result"]?["capabilities"]?["tools"] != nil)
            let discover = try await client.mcp("server/discover", id: 2)
            #expect(discover["error"]?["code"] == .int(-32601))
        }
    }

    @Test("tools/list names the five tools of docs/mcp.md, each with typed input and output schemas, in at most 8 KiB", arguments: StoreKind.allCases)
    func listing(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let (result, tools) = try await client.listTools()
            #expect(Set(tools.compactMap { $0["name"]?.string }) == Self.toolNames)
            for tool in tools {
                #expect(tool["inputSchema"]?["type"] == "object")
                #expect(tool["outputSchema"]?["type"] == "object")
                #expect((tool["description"]?.string?.count ?? 0) > 40)
            }
            #expect(tools.first { $0["name"] == "create_work_item" }?["inputSchema"]?["required"] == .array(["title"]))
            #expect(tools.first { $0["name"] == "update_work_item" }?["inputSchema"]?["required"] == .array(["id", "expected_version"]))
            let size = try ContractCoding.makeEncoder().encode(result).count
            #expect(size <= 8192, "tools/list is \(size) bytes")
        }
    }

    @Test("every tool answers the REST body as structured content and a compact text", arguments: StoreKind.allCases)
    func eachTool(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            // The warning of an item without references comes from the background check of the peer: wait for its
            // first verdict, or the create may race it.
            let health = try await client.health(untilUnreachable: "codebase-mcp")
            #expect(health?.dependencies["codebase-mcp"]?.status == .unreachable)
            let created = try await client.callTool("create_work_item", ["title": "Harden login", "item_type": "task", "metadata": .object(["n": 1])])
            #expect(!created.isError)
            let id = try #require(created.structured["id"]?.string)
            // The peer is down in these tests: its warning comes first, then the item.
            #expect(created.text.hasPrefix("warning: code_search_unavailable: "))
            #expect(created.text.contains("\n\(id) [task, planned, v1] Harden login"))
            let rest = try await client.item(id)
            let fetched = try await client.callTool("get_work_item", ["id": .string(id)])
            #expect(fetched.structured["title"] == .string(rest.title))
            #expect(fetched.structured["version"] == 1)
            #expect(fetched.structured["metadata"] == .object(["n": 1]))

            let listed = try await client.callTool("list_work_items", ["limit": 5, "item_type": "task"])
            guard case .array(let items)? = listed.structured["items"] else { throw MCPTestError("no items") }
            #expect(items.compactMap { $0["id"]?.string } == [id])
            #expect(listed.structured["next_cursor"] == .null)

            let updated = try await client.callTool("update_work_item", ["id": .string(id), "expected_version": 1, "status": "active"])
            #expect(updated.structured["status"] == "active")
            #expect(updated.structured["version"] == 2)

            let deleted = try await client.callTool("delete_work_item", ["id": .string(id)])
            #expect(deleted.structured == .object(["id": .string(id), "deleted": true]))
            let gone = try await client.send(.get, "/mcp/work_items/\(id)")
            #expect(gone.status == .notFound)
            let kept = try await client.callTool("get_work_item", ["id": .string(id), "include_deleted": true])
            #expect(!kept.isError)
        }
    }

    @Test(
        "errors a model can fix are tool errors whose text starts with the docs/api.md code and whose structured content is the error body",
        arguments: StoreKind.allCases
    )
    func toolErrors(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let missing = try await client.callTool("get_work_item", ["id": "wi_nope"])
            #expect(missing.isError)
            #expect(missing.text.hasPrefix("work_item_not_found: "))
            #expect(missing.structured["error"] == "work_item_not_found")
            #expect(missing.structured["details"]?["work_item_id"] == "wi_nope")

            let item = try await client.callTool("create_work_item", ["title": "x"])
            let id = try #require(item.structured["id"]?.string)
            let conflict = try await client.callTool("update_work_item", ["id": .string(id), "expected_version": 7, "title": "y"])
            #expect(conflict.isError)
            #expect(conflict.text.hasPrefix("version_conflict: "))
            #expect(conflict.structured["details"]?["current_version"] == 1)

            for (arguments, field) in [
                (["title": JSONValue.string("")], "title"),
                (["title": "ok", "item_type": "epic"], "item_type"),
                (["title": "ok", "colour": "red"], "colour"),
                (["description": "no title"], "title"),
            ] as [([String: JSONValue], String)] {
                let invalid = try await client.callTool("create_work_item", arguments)
                #expect(invalid.isError)
                #expect(invalid.text.hasPrefix("invalid_request: "), "\(invalid.text)")
                #expect(invalid.structured["details"]?["field"] == .string(field))
            }
            let badLimit = try await client.callTool("list_work_items", ["limit": 0])
            #expect(badLimit.structured["details"]?["field"] == "limit")

            // An unknown tool is a protocol error: no call with other arguments can fix it.
            let unknown = try await client.mcp("tools/call", .object(["name": "drop_database", "arguments": .object([:])]))
            #expect(unknown["error"]?["code"] == .int(-32602))
        }
    }

    @Test(
        "with codebase-mcp unreachable, a tool answers the degraded body: warnings in structured content and first in the text",
        arguments: StoreKind.allCases
    )
    func degraded(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let created = try await client.callTool("create_work_item", ["title": "Refs", "entity_references": .array(["c_1", "c_2"])])
            #expect(!created.isError)
            #expect(created.structured["unverified_references"] == .array(["c_1", "c_2"]))
            #expect(created.structured["stale_references"] == .array([]))
            guard case .array(let warnings)? = created.structured["warnings"], let warning = warnings.first?.string else {
                throw MCPTestError("no warning")
            }
            #expect(warning.hasPrefix("code_search_unavailable: codebase-mcp server not reachable"))
            #expect(created.text.hasPrefix("warning: \(warning)"))
            #expect(created.text.contains("unverified c_1, c_2"))
        }
    }

    @Test("a page's Origin must be loopback or allowed; GET /mcp answers 405", arguments: StoreKind.allCases)
    func origins(store: StoreKind) async throws {
        let directory = try TemporaryDirectory(store: store)
        defer { directory.remove() }
        var configuration = testConfiguration(directory)
        configuration.server.allowedOrigins = ["https://app.example.com"]
        let app = try await buildApplication(configuration)
        try await app.test(.live) { client in
            let body = ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
            for (origin, status) in [
                ("http://evil.example", HTTPResponse.Status.forbidden), ("null", .forbidden), ("http://localhost:3000", .ok),
                ("http://127.0.0.1:8010", .ok), ("https://app.example.com", .ok),
            ] {
                let response = try await client.execute(
                    uri: "/mcp",
                    method: .post,
                    headers: [.contentType: "application/json", .accept: "application/json", .origin: origin],
                    body: body
                )
                #expect(response.status == status, "\(origin)")
                if status == .forbidden { #expect(String(buffer: response.body).contains(#""error":"forbidden_origin""#)) }
            }
            let get = try await client.execute(uri: "/mcp", method: .get, headers: [.accept: "text/event-stream"])
            #expect(get.status == .methodNotAllowed)
            let notification = try await client.execute(
                uri: "/mcp",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
            )
            #expect(notification.status == .accepted)
            let garbage = try await client.execute(uri: "/mcp", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{"))
            #expect(garbage.status == .badRequest)
        }
    }

    @Test("24 concurrent MCP sessions, all with JSON-RPC id 1, each get their own answers", arguments: StoreKind.allCases)
    func concurrentSessions(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for session in 0..<24 {
                    group.addTask {
                        for round in 0..<3 {
                            let title = "session \(session) round \(round)"
                            let created = try await client.callTool("create_work_item", ["title": .string(title)], id: 1)
                            #expect(created.structured["title"] == .string(title))
                            let id = try #require(created.structured["id"]?.string)
                            let fetched = try await client.callTool("get_work_item", ["id": .string(id)], id: 1)
                            #expect(fetched.structured["title"] == .string(title))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
