import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ServerTesting
import ServiceClient
import Testing

@testable import CodebaseCore
@testable import CodebaseService

@Suite("codebase-mcp over MCP (Streamable HTTP at /mcp)")
struct MCPTests {
    static let toolNames: Set<String> = ["search_code", "get_chunk", "index_repository", "get_indexing_status", "grep_code", "find_symbol"]

    @Test("tools/list names the tools of docs/mcp.md, each with typed input and output schemas, in at most 8 KiB")
    func listing() async throws {
        try await withFixtureApp { client, _, _ in
            let (result, tools) = try await client.listTools()
            #expect(Set(tools.compactMap { $0["name"]?.string }) == Self.toolNames)
            for tool in tools {
                #expect(tool["inputSchema"]?["type"] == "object")
                #expect(tool["outputSchema"]?["type"] == "object")
            }
            let search = tools.first { $0["name"] == "search_code" }
            #expect(search?["inputSchema"]?["required"] == .array(["query"]))
            #expect(search?["inputSchema"]?["properties"]?["limit"]?["maximum"] == 50)
            let size = try ContractCoding.makeEncoder().encode(result).count
            #expect(size <= 8192, "tools/list is \(size) bytes")
        }
    }

    @Test("every tool answers the REST body as structured content and a compact text, warnings first")
    func eachTool() async throws {
        try await withFixtureApp { client, _, _ in
            let found = try await client.callTool("search_code", ["query": "authenticate user", "limit": 3])
            #expect(!found.isError)
            let rest = try await client.search("authenticate user", limit: 3)
            guard case .array(let results)? = found.structured["results"] else { throw MCPTestError("no results") }
            #expect(results.compactMap { $0["chunk_id"]?.string } == rest.results.map(\.chunkID))
            #expect(found.structured["total_count"] == .int(Int64(rest.totalCount)))
            // workflow-mcp is not running in these tests: the warning leads the text.
            #expect(found.text.hasPrefix("warning: workflow_unavailable: "))
            let first = try #require(rest.results.first)
            // One repository: named once in the heading, the paths bare, each chunk id in brackets.
            #expect(found.text.contains("matching chunks in repository sample-repo:"), "\(found.text)")
            #expect(found.text.contains("\n\(first.filePath):\(first.startLine)-\(first.endLine) [\(first.chunkID)]"), "\(found.text)")

            let chunk = try await client.callTool("get_chunk", ["chunk_id": .string(first.chunkID)])
            #expect(chunk.structured["content"] == .string(first.content))
            #expect(chunk.structured["linked_work_items"] == .null)

            let filtered = try await client.callTool("search_code", ["query": "authenticate user", "repository": "sample-repo", "file_type": "py"])
            #expect(!filtered.isError)

            let queued = try await client.callTool("index_repository", ["wait": false])
            let jobID = try #require(queued.structured["job_id"]?.string)
            let status = try await client.callTool("get_indexing_status", ["job_id": .string(jobID)])
            #expect(status.structured["job_id"] == .string(jobID))
            #expect(status.text.hasPrefix("Index job \(jobID): "))
            // Without a job id: each repository's index and how it follows the files.
            let state = try await client.callTool("get_indexing_status", [:])
            #expect(!state.isError)
            guard case .array(let repositories)? = state.structured["repositories"] else { throw MCPTestError("no repositories: \(state.structured)") }
            #expect(repositories.first?["name"] == "sample-repo", "\(state.structured)")
            #expect(state.text.hasPrefix("sample-repo: "), "\(state.text)")

            let waited = try await client.callTool("index_repository", ["wait": true, "repository": "sample-repo"])
            #expect(waited.structured["status"] == "completed")
        }
    }

    @Test("errors a model can fix are tool errors whose text starts with the docs/api.md code")
    func toolErrors() async throws {
        try await withFixtureApp { client, _, _ in
            let missing = try await client.callTool("get_chunk", ["chunk_id": "c_does_not_exist"])
            #expect(missing.isError)
            #expect(missing.text.hasPrefix("chunk_not_found: "))
            #expect(missing.structured["error"] == "chunk_not_found")
            let job = try await client.callTool("get_indexing_status", ["job_id": "job_nope"])
            #expect(job.text.hasPrefix("job_not_found: "))
            for (arguments, field) in [
                (["query": JSONValue.string("x"), "limit": 0], "limit"),
                (["query": ""], "query"),
                (["limit": 3], "query"),
                (["query": "x", "filetype": "py"], "filetype"),
                (["query": "x", "repository": "elsewhere"], "repository"),
                (["query": "x", "limit": "three"], "limit"),
            ] as [([String: JSONValue], String)] {
                let invalid = try await client.callTool("search_code", arguments)
                #expect(invalid.isError)
                #expect(invalid.text.hasPrefix("invalid_request: "), "\(invalid.text)")
                #expect(invalid.structured["details"]?["field"] == .string(field))
            }
            let outside = try await client.callTool("index_repository", ["repository": "/etc"])
            #expect(outside.text.hasPrefix("invalid_request: "))
        }
    }

    @Test("index_repository with wait and a progress token streams progress notifications, then the result, as events")
    func progress() async throws {
        try await withFixtureApp(.live) { client, _, _ in
            let message = #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"index_repository","arguments":{"wait":true,"force":true},"_meta":{"progressToken":"p1"}}}"#
            let response = try await client.execute(
                uri: "/mcp",
                method: .post,
                headers: [.contentType: "application/json", .accept: "application/json, text/event-stream"],
                body: ByteBuffer(string: message)
            )
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/event-stream")
            let events = String(buffer: response.body).components(separatedBy: "\n\n").filter { !$0.isEmpty }
            let messages = try events.map { event -> JSONValue in
                let data = try #require(event.split(separator: "\n").first { $0.hasPrefix("data: ") }?.dropFirst(6))
                return try JSONDecoder().decode(JSONValue.self, from: Data(data.utf8))
            }
            let progress = messages.dropLast()
            #expect(!progress.isEmpty)
            #expect(progress.allSatisfy { $0["method"] == "notifications/progress" && $0["params"]?["progressToken"] == "p1" })
            #expect(messages.last?["id"] == 7)
            #expect(messages.last?["result"]?["structuredContent"]?["status"] == "completed")

            // Without a progress token the same call is plain JSON.
            let plain = try await client.callTool("index_repository", ["wait": true])
            #expect(plain.structured["status"] == "completed")
        }
    }

    @Test("24 concurrent MCP sessions, all with JSON-RPC id 1, each get their own answers")
    func concurrentSessions() async throws {
        try await withFixtureApp(.live) { client, _, _ in
            let queries = ["authenticate user", "invoice total tax", "token", "config", "parse", "user"]
            let expected = try await withThrowingTaskGroup(of: (String, [String]).self) { group in
                for query in queries { group.addTask { (query, try await client.search(query, limit: 5).results.map(\.chunkID)) } }
                return try await group.reduce(into: [String: [String]]()) { $0[$1.0] = $1.1 }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for session in 0..<24 {
                    group.addTask {
                        for round in 0..<3 {
                            let query = queries[(session + round) % queries.count]
                            let found = try await client.callTool("search_code", ["query": .string(query), "limit": 5], id: 1)
                            guard case .array(let results)? = found.structured["results"] else { throw MCPTestError("no results for \(query)") }
                            #expect(results.compactMap { $0["chunk_id"]?.string } == expected[query], "\(query)")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
