import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import ServerTesting
import ServiceClient
import Synchronization
import Testing

@testable import CodebaseCore
@testable import CodebaseService

@Suite("POST /mcp/search")
struct SearchAPITests {
    @Test("a result has every contract field; total_count counts all matches")
    func shape() async throws {
        try await withFixtureApp { client, _, _ in
            let raw = try await client.send(.post, "/mcp/search", json: #"{"query": "token", "limit": 2}"#)
            #expect(raw.status == .ok)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(raw.body.readableBytesView)) as? [String: Any])
            #expect(Set(object.keys) == ["results", "total_count", "latency_ms", "warnings"])
            let results = try #require(object["results"] as? [[String: Any]])
            #expect(results.count == 2)
            #expect(
                Set(results[0].keys) == [
                    "chunk_id", "file_path", "repository", "language", "content", "start_line", "end_line", "similarity_score",
                    "context_before", "context_after", "linked_work_items",
                ]
            )
            #expect(results[0]["linked_work_items"] is NSNull)

            let response = try raw.decode(SearchResponse.self)
            #expect(response.totalCount > 2)
            #expect(response.latencyMS >= 0)
            #expect(response.results[0].repository == "sample-repo")
            #expect(response.results[0].similarityScore == 1)
            #expect(response.results.allSatisfy { $0.similarityScore > 0 && $0.similarityScore <= 1 && $0.chunkID.hasPrefix("c_") })
            #expect(zip(response.results, response.results.dropFirst()).allSatisfy { $0.similarityScore >= $1.similarityScore })
            // workflow-mcp is not running: null work items and the warning, never a failure.
            #expect(response.warnings.contains { WarningCode.workflowUnavailable.matches($0) })
        }
    }

    @Test(
        "the file that defines an identifier ranks first for it",
        arguments: [
            ("ThreadingHTTPServer", "src/http/server.py", "class ThreadingHTTPServer"),
            ("authenticate_user", "src/auth/users.py", "def authenticate_user"),
            ("TokenStore", "src/auth/tokens.py", "class TokenStore"),
            ("InventoryStore", "swift/Sources/Inventory/InventoryStore.swift", "actor InventoryStore"),
            ("ApiClient", "web/src/api.js", "class ApiClient"),
            ("debounce", "web/src/debounce.js", "function debounce"),
            ("PriceFormatter", "swift/Sources/Inventory/PriceFormatter.swift", "enum PriceFormatter"),
            ("Router", "src/http/routing.py", "class Router"),
        ]
    )
    func relevance(identifier: String, path: String, definition: String) async throws {
        try await withFixtureApp { client, _, _ in
            let response = try await client.search(identifier)
            let first = try #require(response.results.first)
            #expect(first.filePath == path)
            #expect(first.content.contains(definition))
        }
    }

    @Test("code-aware tokens: split parts find whole identifiers and the reverse")
    func codeAwareTokens() async throws {
        try await withFixtureApp { client, _, _ in
            let threading = try await client.search("threading http server")
            #expect(threading.results.first?.content.contains("class ThreadingHTTPServer") == true)
            let scan = try await client.search("scanstring")
            #expect(scan.results.first?.content.contains("def py_scanstring") == true)
            let stock = try await client.search("stock value cents")
            #expect(stock.results.contains { $0.content.contains("stockValueCents") })
            let snake = try await client.search("password hash")
            #expect(snake.results.contains { $0.content.contains("derive_password_hash") })
            let camel = try await client.search("lowStockItems")
            #expect(camel.results.first?.content.contains("func lowStockItems") == true)
        }
    }

    @Test("file_type, directory and limit filter the results; total_count stays true")
    func filters() async throws {
        try await withFixtureApp { client, _, _ in
            let python = try await client.search(SearchRequest(query: "return", fileType: "py"))
            #expect(!python.results.isEmpty && python.results.allSatisfy { $0.filePath.hasSuffix(".py") && $0.language == "python" })
            let byLanguage = try await client.search(SearchRequest(query: "return", fileType: "python"))
            #expect(byLanguage.totalCount == python.totalCount)
            let swift = try await client.search(SearchRequest(query: "sku", fileType: "swift"))
            #expect(!swift.results.isEmpty && swift.results.allSatisfy { $0.language == "swift" })
            for directory in ["web/", "web", "./web/", "/web"] {
                let web = try await client.search(SearchRequest(query: "function", directory: directory))
                #expect(!web.results.isEmpty && web.results.allSatisfy { $0.filePath.hasPrefix("web/") }, "\(directory)")
            }
            let none = try await client.search(SearchRequest(query: "function", directory: "nowhere/"))
            #expect(none.results.isEmpty && none.totalCount == 0)
            let all = try await client.search(SearchRequest(query: "self", limit: 50))
            let one = try await client.search(SearchRequest(query: "self", limit: 1))
            #expect(one.results.count == 1)
            #expect(one.totalCount == all.totalCount)
            #expect(all.totalCount > 1)
            #expect((try await client.search(SearchRequest(query: "self"))).results.count == min(10, all.totalCount))
        }
    }

    @Test("context lines come from the stored neighbours and match the file")
    func context() async throws {
        try await withFixtureApp { client, _, repository in
            let response = try await client.search("authenticate_user")
            let hit = try #require(response.results.first { $0.filePath == "src/auth/users.py" })
            let lines = try String(contentsOfFile: repository + "/src/auth/users.py", encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false)
            let before = lines[max(0, hit.startLine - 4)..<(hit.startLine - 1)].joined(separator: "\n")
            let after = lines[hit.endLine..<min(lines.count, hit.endLine + 3)].joined(separator: "\n")
            #expect(hit.contextBefore == before)
            #expect(hit.contextAfter == after)
            #expect(hit.content == lines[(hit.startLine - 1)..<hit.endLine].joined(separator: "\n"))
        }
    }

    @Test("a query full of FTS5 syntax answers 200 or 400, never 500")
    func ftsSyntax() async throws {
        let queries = [
            "\"", "\"\"\"", "*", "foo*", "NEAR(a b, 3)", "NEAR(", "a AND", "OR", "NOT token", "AND OR NOT", "title:foo",
            "{path content}: token", "^start", "a + b", "(unbalanced", "unbalanced)", "-token", "'single'", "col:\"x y\"*",
            "token\u{0}", "😀 emoji", "ünïcödé", "a\"b\"c", "[brackets]", "\\backslash", "%_like", "'; DROP TABLE chunks; --",
        ]
        try await withFixtureApp { client, _, _ in
            for query in queries {
                let response = try await client.send(.post, "/mcp/search", json: try json(SearchRequest(query: query)))
                #expect(response.status == .ok || response.status == .badRequest, "\(query): \(response.status) \(response.text)")
            }
        }
    }

    @Test(
        "every bad input answers 400 invalid_request naming the field",
        arguments: [
            (#"{"limit": 5}"#, "query"),
            (#"{"query": ""}"#, "query"),
            (#"{"query": "   "}"#, "query"),
            (#"{"query": 42}"#, "query"),
            (#"{"query": null}"#, "query"),
            (#"{"query": "x", "limit": 0}"#, "limit"),
            (#"{"query": "x", "limit": 51}"#, "limit"),
            (#"{"query": "x", "limit": "ten"}"#, "limit"),
            (#"{"query": "x", "limit": 2.5}"#, "limit"),
            (#"{"query": "x", "file_type": ".py"}"#, "file_type"),
            (#"{"query": "x", "file_type": ""}"#, "file_type"),
            (#"{"query": "x", "file_type": "p/y"}"#, "file_type"),
            (#"{"query": "x", "directory": "../etc"}"#, "directory"),
            (#"{"query": "x", "directory": ""}"#, "directory"),
            (#"{"query": "x", "directory": 3}"#, "directory"),
            (#"{"query": "x", "fileType": "py"}"#, "fileType"),
            (#"{"query": "x""#, "body"),
            (#"[1, 2]"#, "body"),
            (#""#, "body"),
            (#"not json"#, "body"),
        ]
    )
    func validation(body: String, field: String) async throws {
        try await withFixtureApp { client, _, _ in
            let error = try await client.send(.post, "/mcp/search", json: body).errorBody(.badRequest)
            #expect(error.error == "invalid_request")
            #expect(error.details["field"] == .string(field))
            #expect(!error.message.isEmpty)
        }
    }

    @Test("a query of 1000 characters is accepted, 1001 refused")
    func queryLength() async throws {
        try await withFixtureApp { client, _, _ in
            _ = try await client.search(String(repeating: "a", count: 1000))
            let error = try await client.send(.post, "/mcp/search", json: try json(SearchRequest(query: String(repeating: "a", count: 1001))))
                .errorBody(.badRequest)
            #expect(error.details["field"] == "query")
        }
    }

    @Test("a 3 MiB body answers 413 payload_too_large", arguments: [TestingSetup.router, .live])
    func payloadTooLarge(setup: TestingSetup) async throws {
        try await withFixtureApp(setup) { client, _, _ in
            let big = "{\"query\": \"" + String(repeating: "a", count: 3 * 1024 * 1024) + "\"}"
            let error = try await client.send(.post, "/mcp/search", json: big).errorBody(.contentTooLarge)
            #expect(error.error == "payload_too_large")
        }
    }

    @Test("a search for ignored, binary and dependency files finds nothing; a re-included file is found")
    func ignoredFiles() async throws {
        try await withFixtureApp { client, directory, _ in
            for word in ["ignoredBuildArtefact", "ignoredLogLine", "ignoredDotenvSecret", "nodeModulesLeftPad", "binaryMarkerWord"] {
                let response = try await client.search(word)
                #expect(response.totalCount == 0, "\(word) was indexed")
            }
            #expect(try await client.search("despite").results.first?.filePath == "keep.log")
            let paths = try SQLiteInspector(path: directory.path("codebase.sqlite")).filePaths()
            #expect(!paths.contains { $0.hasPrefix("build/") || $0.hasPrefix("node_modules/") || $0 == ".env" || $0 == "web/blob.dat2" })
        }
    }
}
