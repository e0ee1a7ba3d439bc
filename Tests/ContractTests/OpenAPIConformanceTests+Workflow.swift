import Foundation
import HTTPTypes
import NIOCore
import Testing

/// The workflow-mcp requests of the conformance run.
extension OpenAPIConformanceTests {
    /// Well-formed, but no chunk has it.
    static let unknownChunkID = "c_" + String(repeating: "0", count: 64)
    static let unknownWorkItemID = "wi_" + String(repeating: "0", count: 32)
    static let workflowPaths: [(template: String, parameters: [String: String])] = [
        ("/mcp/work_items", [:]), ("/mcp/work_items/{id}", ["id": unknownWorkItemID]), ("/mcp/work_items/by_references", [:]),
        ("/health", [:]), ("/metrics", [:]),
    ]

    /// workflow-mcp with codebase-mcp refused: every status of every work-item operation, references left unverified.
    static func exerciseWorkflowWithoutPeer(_ workflow: OpenAPIClient) async throws {
        try await workflow.call(.get, "/health")
        let parent = try await workflow.call(
            .post,
            "/mcp/work_items",
            json: #"{"title": "Conformance project", "item_type": "project", "metadata": {"owner": "contract-tests", "size": 3}}"#
        )
        #expect(parent.status == 201)
        let parentID = try #require(parent.string("id"))
        let child = try await workflow.call(
            .post,
            "/mcp/work_items",
            json: #"{"title": "Fix authentication bug", "parent_id": "\#(parentID)", "entity_references": ["\#(unknownChunkID)"]}"#
        )
        #expect(child.status == 201)
        #expect(Self.warnings(child).contains { $0.hasPrefix("code_search_unavailable: ") }, "\(child.text)")
        let childID = try #require(child.string("id"))

        try await self.exerciseIdempotency(workflow)
        for (body, field) in [
            ("{}", "title"), (#"{"title": "x", "bogus": 1}"#, "bogus"), ("not json", "body"), (#"{"title": "x", "item_type": "epic"}"#, "item_type"),
            (#"{"title": "x", "parent_id": "\#(unknownWorkItemID)"}"#, "parent_id"),
            (#"{"title": "x", "entity_references": "c_1"}"#, "entity_references"),
        ] {
            Self.expectInvalid(try await workflow.call(.post, "/mcp/work_items", json: body), field: field)
        }
        let longKey: HTTPFields = [HTTPField.Name("Idempotency-Key")!: String(repeating: "k", count: 256)]
        Self.expectInvalid(try await workflow.call(.post, "/mcp/work_items", json: #"{"title": "x"}"#, headers: longKey), field: "Idempotency-Key")
        let tooLarge = try await workflow.call(.post, "/mcp/work_items", rawJSON: Self.body(over: Self.workflowBodyCap, field: "description"))
        #expect(tooLarge.status == 413)

        try await self.exerciseListing(workflow, parentID: parentID, childID: childID)

        let read = try await workflow.call(.get, "/mcp/work_items/{id}", ["id": childID])
        #expect(read.status == 200)
        #expect(Self.warnings(read).contains { $0.hasPrefix("code_search_unavailable: ") })
        #expect(try await workflow.call(.get, "/mcp/work_items/{id}", ["id": unknownWorkItemID]).status == 404)

        let patched = try await workflow.call(
            .patch,
            "/mcp/work_items/{id}",
            ["id": childID],
            json: #"{"expected_version": 1, "status": "active", "parent_id": null, "metadata": {"step": 2}}"#
        )
        #expect(patched.status == 200)
        let conflict = try await workflow.call(
            .patch,
            "/mcp/work_items/{id}",
            ["id": childID],
            json: #"{"expected_version": 1, "status": "blocked"}"#
        )
        #expect(conflict.status == 409)
        #expect(conflict.json?["details"]?["current_version"] == .int(2))
        Self.expectInvalid(try await workflow.call(.patch, "/mcp/work_items/{id}", ["id": childID], json: "{}"), field: "expected_version")
        Self.expectInvalid(
            try await workflow.call(.patch, "/mcp/work_items/{id}", ["id": childID], json: #"{"expected_version": 2, "title": "   "}"#),
            field: "title"
        )
        let patchMissing = try await workflow.call(.patch, "/mcp/work_items/{id}", ["id": unknownWorkItemID], json: #"{"expected_version": 1}"#)
        #expect(patchMissing.status == 404)
        let patchTooLarge = try await workflow.call(
            .patch,
            "/mcp/work_items/{id}",
            ["id": childID],
            rawJSON: Self.body(over: Self.workflowBodyCap, field: "description")
        )
        #expect(patchTooLarge.status == 413)

        let linked = try await workflow.call(
            .post,
            "/mcp/work_items/by_references",
            json: #"{"chunk_ids": ["\#(unknownChunkID)", "c_nobody_refers_to_this"]}"#
        )
        #expect(linked.json?["items"]?[unknownChunkID]?.array?.first?["id"] == .string(childID), "\(linked.text)")
        Self.expectInvalid(try await workflow.call(.post, "/mcp/work_items/by_references", json: #"{"chunk_ids": []}"#), field: "chunk_ids")
        let linkedTooLarge = try await workflow.call(
            .post,
            "/mcp/work_items/by_references",
            rawJSON: Self.body(over: Self.workflowBodyCap, field: "padding")
        )
        #expect(linkedTooLarge.status == 413)

        #expect(try await workflow.call(.delete, "/mcp/work_items/{id}", ["id": childID]).status == 204)
        #expect(try await workflow.call(.delete, "/mcp/work_items/{id}", ["id": childID]).status == 204, "a repeated DELETE answers 204")
        #expect(try await workflow.call(.delete, "/mcp/work_items/{id}", ["id": unknownWorkItemID]).status == 404)
        let deleted = try await workflow.call(.get, "/mcp/work_items/{id}", ["id": childID], query: "include_deleted=true")
        #expect(deleted.status == 200)
        #expect(deleted.json?["deleted_at"]?.string != nil)
        for (query, field) in [("include_deleted=maybe", "include_deleted"), ("verbose=true", "verbose")] {
            Self.expectInvalid(try await workflow.call(.get, "/mcp/work_items/{id}", ["id": childID], query: query), field: field)
        }

        Self.expectInvalid(try await workflow.call(.get, "/health", query: "verbose=true"), field: "verbose")
        #expect(try await workflow.call(.get, "/metrics").status == 200)
        for (template, parameters) in Self.workflowPaths { try await workflow.callOtherMethod(.put, template, parameters) }
        #expect(try await workflow.callHead("/health").status == 200)
        #expect(try await workflow.callHead("/metrics").status == 200)
        #expect(try await workflow.callHead("/mcp/work_items/by_references").status == 405)
        try await workflow.callUnknownRoute(.get, "/mcp/nothing_here")
    }

    /// workflow-mcp checking references against the live codebase-mcp: one valid, one stale.
    static func exerciseWorkflowWithPeer(_ workflow: OpenAPIClient, knownChunk: String) async throws {
        let created = try await workflow.call(
            .post,
            "/mcp/work_items",
            json: #"{"title": "Checked references", "entity_references": ["\#(knownChunk)", "\#(unknownChunkID)"]}"#
        )
        #expect(created.status == 201)
        let id = try #require(created.string("id"))
        // A check can miss its 500 ms deadline on a loaded machine (then the references are unverified); ask again.
        var read = created
        for _ in 0..<20 where read.json?["references_checked_at"] == .null {
            read = try await workflow.call(.get, "/mcp/work_items/{id}", ["id": id])
        }
        #expect(read.json?["valid_references"] == .array([.string(knownChunk)]), "\(read.text)")
        #expect(read.json?["stale_references"] == .array([.string(unknownChunkID)]))
        let stale =
            "stale_entity_reference: Entity reference '\(unknownChunkID)' not found in codebase-mcp. "
            + "Code may have been deleted or re-indexed. 1 of 2 entity references remain valid."
        #expect(Self.warnings(read) == [stale])
        let listed = try await workflow.call(.get, "/mcp/work_items", query: "entity_reference=\(knownChunk)")
        #expect(listed.json?["items"]?.array?.count == 1)
    }

    private static func exerciseIdempotency(_ workflow: OpenAPIClient) async throws {
        let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "conformance-key-1"]
        let first = try await workflow.call(.post, "/mcp/work_items", json: #"{"title": "Created once"}"#, headers: key)
        #expect(first.status == 201)
        let replay = try await workflow.call(.post, "/mcp/work_items", json: #"{ "title":"Created once" }"#, headers: key)
        #expect(replay.status == 201)
        #expect(replay.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
        #expect(replay.string("id") == first.string("id"))
        let reused = try await workflow.call(.post, "/mcp/work_items", json: #"{"title": "Something else"}"#, headers: key)
        #expect(reused.status == 409)
    }

    private static func exerciseListing(_ workflow: OpenAPIClient, parentID: String, childID: String) async throws {
        let all = try await workflow.call(.get, "/mcp/work_items")
        #expect(all.json?["items"]?.array?.count == 3)
        let first = try await workflow.call(.get, "/mcp/work_items", query: "limit=1")
        let cursor = try #require(first.string("next_cursor"))
        let second = try await workflow.call(.get, "/mcp/work_items", query: "limit=1&cursor=\(cursor)")
        #expect(second.status == 200)
        let filtered = try await workflow.call(
            .get,
            "/mcp/work_items",
            query: "status=planned&item_type=task&parent_id=\(parentID)&entity_reference=\(unknownChunkID)&include_deleted=false&limit=100"
        )
        #expect(filtered.json?["items"]?.array?.compactMap { $0["id"]?.string } == [childID])
        #expect(Self.warnings(filtered).contains { $0.hasPrefix("code_search_unavailable: ") })
        for (query, field) in [("limit=0", "limit"), ("status=done", "status"), ("bogus=1", "bogus"), ("cursor=zzz", "cursor")] {
            Self.expectInvalid(try await workflow.call(.get, "/mcp/work_items", query: query), field: field)
        }
    }
}
