import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ServiceClient
import Testing

@testable import WorkflowCore
@testable import WorkflowService

/// What a JSON decoder lets pass silently is refused before anything is stored, on both stores and both doors: a
/// number that would be stored as another number, a key given twice, nesting past the limit (issue 27, defects 5, 10).
@Suite("workflow-mcp strict JSON bodies")
struct StrictJSONTests {
    /// How many items a list shows: a refused create must have stored nothing.
    func count(_ client: any TestClientProtocol) async throws -> Int {
        try await client.send(.get, "/mcp/work_items?limit=100").decode(WorkItemPage.self).items.count
    }

    func expectInvalid(_ response: TestResponse, field: String, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.status == .badRequest, "\(response.text)", sourceLocation: sourceLocation)
        let body = try response.decode(ErrorBody.self)
        #expect(body.error == "invalid_request" && body.details["field"] == .string(field), "\(response.text)", sourceLocation: sourceLocation)
        #expect(body.message.contains(fragment), "\(body.message)", sourceLocation: sourceLocation)
    }

    @Test("a metadata number that cannot be kept exactly is refused naming metadata; nothing is stored", arguments: StoreKind.allCases)
    func inexactNumbers(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            for literal in ["123456789012345678901234567890", "18446744073709551615", "-0.0", "1e-400", "1e309", "0.1000000000000000055511"] {
                let response = try await client.send(.post, "/mcp/work_items", json: #"{"title": "n", "metadata": {"big": \#(literal)}}"#)
                try self.expectInvalid(response, field: "metadata", "cannot be stored exactly")
            }
            #expect(try await self.count(client) == 0)
        }
    }

    @Test("metadata numbers that fit are stored and read back exactly", arguments: StoreKind.allCases)
    func exactNumbers(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let item = try await client.create(
                #"{"title": "n", "metadata": {"a": 9007199254740993, "b": -9223372036854775808, "c": 0.1, "d": 1e300, "e": 2.5e-8}}"#
            )
            let read = try await client.item(item.id)
            #expect(read.metadata["a"] == .int(9_007_199_254_740_993))
            #expect(read.metadata["b"] == .int(Int64.min))
            #expect(read.metadata["c"] == .double(0.1))
            #expect(read.metadata["d"] == .double(1e300))
            #expect(read.metadata["e"] == .double(2.5e-8))
        }
    }

    @Test("a key given twice is refused naming it, on create and patch; nothing changes", arguments: StoreKind.allCases)
    func duplicateKeys(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            try self.expectInvalid(try await client.send(.post, "/mcp/work_items", json: #"{"title": "first", "title": "second"}"#), field: "title", "given twice")
            try self.expectInvalid(
                try await client.send(.post, "/mcp/work_items", json: #"{"title": "x", "status": "active", "status": "bogus"}"#),
                field: "status",
                "given twice"
            )
            try self.expectInvalid(
                try await client.send(.post, "/mcp/work_items", json: #"{"title": "x", "metadata": {"k": 1, "\u006b": 2}}"#),
                field: "metadata",
                "'metadata.k' is given twice"
            )
            #expect(try await self.count(client) == 0)
            let item = try await client.create(#"{"title": "kept"}"#)
            let patch = try await client.send(.patch, "/mcp/work_items/\(item.id)", json: #"{"expected_version": 1, "title": "a", "title": "b"}"#)
            try self.expectInvalid(patch, field: "title", "given twice")
            let read = try await client.item(item.id)
            #expect(read.title == "kept" && read.version == 1)
        }
    }

    /// `depth` levels of arrays around `1`.
    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
    }

    @Test("nesting past 32 levels is refused before anything is stored; what is accepted reads back quickly on every route", arguments: StoreKind.allCases)
    func nesting(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            // The body is level 1 and metadata level 2: 30 arrays inside it reach the limit exactly.
            let atLimit = try await client.create(#"{"title": "deep", "metadata": {"a": \#(Self.nested(30))}}"#)
            for depth in [31, 508, 510, 100_000] {
                let response = try await client.send(.post, "/mcp/work_items", json: #"{"title": "too deep", "metadata": {"a": \#(Self.nested(depth))}}"#)
                try self.expectInvalid(response, field: "metadata", "deeper than 32 levels")
            }
            // 40 arrays each 400 deep in 32 KB: refused at once (it took 30 s to store and 29 s a read).
            let many = (0..<40).map { "\"k\($0)\": \(Self.nested(400))" }.joined(separator: ", ")
            let started = ContinuousClock.now
            try self.expectInvalid(try await client.send(.post, "/mcp/work_items", json: #"{"title": "many", "metadata": {\#(many)}}"#), field: "metadata", "deeper")
            #expect(started.duration(to: .now) < .seconds(2))
            // The largest shape accepted: many values at the limit in about 900 KB, written and read in bounded time.
            let wide = (0..<7_000).map { "\"k\($0)\": \(Self.nested(30))" }.joined(separator: ", ")
            let wideStarted = ContinuousClock.now
            let big = try await client.create(#"{"title": "wide", "metadata": {\#(wide)}}"#)
            #expect(try await client.item(big.id).metadata.count == 7_000)
            #expect(try await self.count(client) == 2)
            #expect(try await client.item(atLimit.id).metadata["a"] != nil)
            #expect(wideStarted.duration(to: .now) < .seconds(20), "took \(wideStarted.duration(to: .now))")
        }
    }

    @Test("over MCP, the same bodies are the tool's invalid_request, naming the argument; JSON-RPC errors for the envelope")
    func overMCP() async throws {
        try await withWorkflow { client in
            func call(_ arguments: String) async throws -> [String: Any] {
                let message = #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"create_work_item","arguments":\#(arguments)}}"#
                let response = try await client.send(.post, "/mcp", json: message, headers: [.accept: "application/json, text/event-stream"])
                #expect(response.status == .ok, "\(response.text)")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                return try #require(object["result"] as? [String: Any], "\(response.text)")
            }
            for (arguments, field) in [
                (#"{"title": "a", "title": "b"}"#, "title"), (#"{"title": "a", "metadata": {"n": 1e-400}}"#, "metadata"),
                (#"{"title": "a", "metadata": {"n": \#(Self.nested(40))}}"#, "metadata"),
            ] {
                let result = try await call(arguments)
                #expect(result["isError"] as? Bool == true)
                let structured = try #require(result["structuredContent"] as? [String: Any])
                #expect(structured["error"] as? String == "invalid_request")
                #expect((structured["details"] as? [String: Any])?["field"] as? String == field, "\(structured)")
            }
            // A string where the schema says integer is refused, as codebase-mcp refuses it.
            let list = #"{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"list_work_items","arguments":{"limit":"5"}}}"#
            let listed = try await client.send(.post, "/mcp", json: list, headers: [.accept: "application/json, text/event-stream"])
            #expect(listed.text.contains(#""isError":true"#) && listed.text.contains("'limit' must be an integer"), "\(listed.text)")
            let get = #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_work_item","arguments":{"id":"x","include_deleted":"true"}}}"#
            let got = try await client.send(.post, "/mcp", json: get, headers: [.accept: "application/json, text/event-stream"])
            #expect(got.text.contains(#""isError":true"#) && got.text.contains("'include_deleted' must be a boolean"), "\(got.text)")
            #expect(try await self.count(client) == 0)
        }
    }
}
