import Foundation
import HTTPTypes
import NIOCore
import Testing

/// The codebase-mcp requests of the conformance run.
extension OpenAPIConformanceTests {
    static let codebasePaths: [(template: String, parameters: [String: String])] = [
        ("/mcp/search", [:]), ("/mcp/chunks/lookup", [:]), ("/mcp/chunks/{chunk_id}", ["chunk_id": unknownChunkID]), ("/mcp/index", [:]),
        ("/mcp/index/jobs/{job_id}", ["job_id": "job_unknown"]), ("/health", [:]), ("/metrics", [:]), ("/mcp/grep", [:]), ("/mcp/symbols", [:]),
    ]
    static let searchForStore = #"{"query": "InventoryStore", "limit": 5, "file_type": "swift", "directory": "swift/"}"#

    /// codebase-mcp with workflow-mcp up: every status of every operation but the failed index job. Returns a chunk id
    /// that exists, after making a work item in `workflow` that links to it.
    static func exerciseCodebase(_ codebase: OpenAPIClient, linkingFrom workflow: OpenAPIClient) async throws -> String {
        try await codebase.call(.get, "/health")
        let indexed = try await codebase.call(.post, "/mcp/index", json: #"{"wait": true}"#)
        #expect(indexed.json?["status"] == .string("completed"), "\(indexed.text)")
        let state = try await codebase.call(.get, "/mcp/index")
        #expect(state.json?["repositories"]?.array?.first?["files"] != .int(0), "\(state.text)")
        Self.expectInvalid(try await codebase.call(.get, "/mcp/index", query: "repository=x"), field: "repository")
        try await self.exerciseIndexJobs(codebase)

        let found = try await codebase.call(.post, "/mcp/search", json: Self.searchForStore)
        let chunkID = try #require(found.json?["results"]?.array?.first?["chunk_id"]?.string, "\(found.text)")
        let nothing = try await codebase.call(.post, "/mcp/search", json: #"{"query": "zzqqxxnothingmatches"}"#)
        #expect(nothing.json?["results"] == .array([]))
        for (body, field) in [
            (#"{"query": ""}"#, "query"), (#"{"query": "x", "limit": 51}"#, "limit"), (#"{"query": "x", "file_type": ".py"}"#, "file_type"),
            (#"{"query": 5}"#, "query"), (#"{"query": "x", "directory": "../etc"}"#, "directory"), ("[", "body"),
            (#"{"query": "x", "fileType": "py"}"#, "fileType"),
        ] {
            Self.expectInvalid(try await codebase.call(.post, "/mcp/search", json: body), field: field)
        }
        #expect(try await codebase.call(.post, "/mcp/search", rawJSON: Self.body(over: Self.codebaseBodyCap, field: "query")).status == 413)

        try await Self.exerciseGrepAndSymbols(codebase)

        let lookup = try await codebase.call(.post, "/mcp/chunks/lookup", json: #"{"chunk_ids": ["\#(chunkID)", "c_bad", "\#(chunkID)"]}"#)
        #expect(lookup.json == .object(["found": .array([.string(chunkID)]), "missing": .array([.string("c_bad")])]), "\(lookup.text)")
        Self.expectInvalid(try await codebase.call(.post, "/mcp/chunks/lookup", json: #"{"chunk_ids": []}"#), field: "chunk_ids")
        Self.expectInvalid(try await codebase.call(.post, "/mcp/chunks/lookup", json: #"{"chunk_ids": "c_1"}"#), field: "chunk_ids")
        Self.expectInvalid(try await codebase.call(.post, "/mcp/chunks/lookup", json: #"{"chunk_ids": ["c_1"], "ids": []}"#), field: "ids")
        let lookupTooLarge = try await codebase.call(.post, "/mcp/chunks/lookup", rawJSON: Self.body(over: Self.codebaseBodyCap, field: "padding"))
        #expect(lookupTooLarge.status == 413)

        #expect(try await codebase.call(.get, "/mcp/chunks/{chunk_id}", ["chunk_id": chunkID]).status == 200)
        #expect(try await codebase.call(.get, "/mcp/chunks/{chunk_id}", ["chunk_id": unknownChunkID]).status == 404)
        #expect(try await codebase.call(.get, "/mcp/chunks/{chunk_id}", ["chunk_id": "not-a-chunk-id"]).status == 404)

        // Linked work items come from workflow-mcp, within 200 ms: on a loaded machine a call can miss, so ask again.
        let item = try await workflow.call(.post, "/mcp/work_items", json: #"{"title": "Linked to a chunk", "entity_references": ["\#(chunkID)"]}"#)
        let itemID = try #require(item.string("id"))
        var linked: [OpenAPIJSON]?
        for _ in 0..<20 where linked == nil {
            let search = try await codebase.call(.post, "/mcp/search", json: Self.searchForStore)
            linked = search.json?["results"]?.array?.first { $0["chunk_id"]?.string == chunkID }?["linked_work_items"]?.array
        }
        #expect(linked?.compactMap { $0["id"]?.string } == [itemID])
        var chunk = try await codebase.call(.get, "/mcp/chunks/{chunk_id}", ["chunk_id": chunkID])
        for _ in 0..<20 where chunk.json?["linked_work_items"] == .null {
            chunk = try await codebase.call(.get, "/mcp/chunks/{chunk_id}", ["chunk_id": chunkID])
        }
        #expect(chunk.json?["linked_work_items"]?.array?.count == 1, "\(chunk.text)")

        #expect(try await codebase.call(.get, "/metrics").status == 200)
        for (template, parameters) in Self.codebasePaths { try await codebase.callOtherMethod(.put, template, parameters) }
        #expect(try await codebase.callHead("/health").status == 200)
        #expect(try await codebase.callHead("/mcp/chunks/{chunk_id}", ["chunk_id": chunkID]).status == 200)
        #expect(try await codebase.callHead("/mcp/search").status == 405)
        try await codebase.callUnknownRoute(.get, "/mcp/nothing_here")
        return chunkID
    }

    /// 202 and a pending job, followed to its end without polling: jobs run one at a time in arrival order, so once a
    /// later `wait: true` request returns, the earlier job has finished.
    private static func exerciseIndexJobs(_ codebase: OpenAPIClient) async throws {
        let pending = try await codebase.call(.post, "/mcp/index", json: #"{"repository": "sample-repo", "force": true}"#)
        #expect(pending.status == 202)
        let jobID = try #require(pending.string("job_id"))
        #expect(try await codebase.call(.get, "/mcp/index/jobs/{job_id}", ["job_id": jobID]).status == 200)
        #expect(try await codebase.call(.post, "/mcp/index").status == 202, "an empty body is {}")
        #expect(try await codebase.call(.post, "/mcp/index", json: #"{"wait": true, "repository": null}"#).status == 200)
        let finished = try await codebase.call(.get, "/mcp/index/jobs/{job_id}", ["job_id": jobID])
        #expect(finished.json?["status"] == .string("completed"), "\(finished.text)")
        #expect(try await codebase.call(.get, "/mcp/index/jobs/{job_id}", ["job_id": "job_unknown"]).status == 404)
        Self.expectInvalid(try await codebase.call(.post, "/mcp/index", json: #"{"repository": "/etc"}"#), field: "repository")
        Self.expectInvalid(try await codebase.call(.post, "/mcp/index", json: #"{"wait": "yes"}"#), field: "wait")
        Self.expectInvalid(try await codebase.call(.post, "/mcp/index", json: #"{"wait": true, "forced": true}"#), field: "forced")
        #expect(try await codebase.call(.post, "/mcp/index", rawJSON: Self.body(over: Self.codebaseBodyCap, field: "repository")).status == 413)
    }

    /// An index job over a repository whose directory is gone: 500 `index_failed` when waited for, and a `failed` job.
    static func exerciseFailedIndexJob(_ codebase: OpenAPIClient, workspace: OpenAPIWorkspace) async throws {
        try FileManager.default.removeItem(atPath: workspace.vanishingRepository)
        let failed = try await codebase.call(.post, "/mcp/index", json: #"{"repository": "vanishing-repo", "wait": true}"#)
        #expect(failed.status == 500)
        #expect(failed.json?["error"] == .string("index_failed"))
        let jobID = try #require(failed.json?["details"]?["job_id"]?.string)
        let job = try await codebase.call(.get, "/mcp/index/jobs/{job_id}", ["job_id": jobID])
        #expect(job.json?["status"] == .string("failed"))
        #expect(job.json?["error_message"]?.string != nil)
    }

    /// `POST /mcp/grep` and `GET /mcp/symbols`: every documented status.
    static func exerciseGrepAndSymbols(_ codebase: OpenAPIClient) async throws {
        let grep = try await codebase.call(.post, "/mcp/grep", json: #"{"pattern": "actor InventoryStore", "file_type": "swift", "limit": 5}"#)
        let match = try #require(grep.json?["matches"]?.array?.first, "\(grep.text)")
        #expect(match["file_path"]?.string?.hasPrefix("swift/") == true, "\(grep.text)")
        let regex = try await codebase.call(.post, "/mcp/grep", json: #"{"pattern": "^(class|struct) [A-Z]", "regex": true, "case_sensitive": false}"#)
        #expect(regex.status == 200, "\(regex.text)")
        for (body, field) in [(#"{"pattern": "[a-", "regex": true}"#, "pattern"), (#"{"pattern": "x", "limit": 0}"#, "limit"), (#"{"pattern": "x", "regexp": true}"#, "regexp")] {
            Self.expectInvalid(try await codebase.call(.post, "/mcp/grep", json: body), field: field)
        }
        #expect(try await codebase.call(.post, "/mcp/grep", rawJSON: Self.body(over: Self.codebaseBodyCap, field: "pattern")).status == 413)
        let costly = try await codebase.call(.post, "/mcp/grep", json: #"{"pattern": "(x+x+)+[yz]", "regex": true}"#)
        #expect(costly.status == 422 && costly.json?["error"]?.string == "pattern_too_costly", "\(costly.status) \(costly.text)")

        let symbols = try await codebase.call(.get, "/mcp/symbols", query: "name=InventoryStore")
        #expect(symbols.json?["symbols"]?.array?.isEmpty == false, "\(symbols.text)")
        let path = try #require(symbols.json?["symbols"]?.array?.first?["file_path"]?.string)
        #expect(try await codebase.call(.get, "/mcp/symbols", query: "file_path=\(path)").status == 200)
        Self.expectInvalid(try await codebase.call(.get, "/mcp/symbols", query: "kind=class"), field: "name")
        Self.expectInvalid(try await codebase.call(.get, "/mcp/symbols", query: "name=x&limit=0"), field: "limit")
    }

    /// codebase-mcp with workflow-mcp refused: linked work items are `null` with a `workflow_unavailable` warning.
    static func exerciseCodebaseWithoutPeer(_ codebase: OpenAPIClient) async throws {
        #expect(try await codebase.call(.post, "/mcp/index", json: #"{"wait": true, "force": false}"#).status == 200)
        let search = try await codebase.call(.post, "/mcp/search", json: Self.searchForStore)
        let results = try #require(search.json?["results"]?.array)
        #expect(!results.isEmpty && results.allSatisfy { $0["linked_work_items"] == .null }, "\(search.text)")
        #expect(Self.warnings(search).count == 1 && Self.warnings(search).allSatisfy { $0.hasPrefix("workflow_unavailable: ") })
        let chunkID = try #require(results.first?["chunk_id"]?.string)
        let chunk = try await codebase.call(.get, "/mcp/chunks/{chunk_id}", ["chunk_id": chunkID])
        #expect(chunk.json?["linked_work_items"] == .null)
        #expect(Self.warnings(chunk).contains { $0.hasPrefix("workflow_unavailable: ") })
        try await codebase.call(.get, "/health")
        Self.expectInvalid(try await codebase.call(.get, "/health", query: "verbose=true"), field: "verbose")
    }
}

/// Shared by the requests of both services.
extension OpenAPIConformanceTests {
    /// The body caps of `WorkflowRequestContext` and `CodebaseRequestContext`.
    static let workflowBodyCap = 1024 * 1024
    static let codebaseBodyCap = 2 * 1024 * 1024

    /// A JSON object one byte over `cap`, most of it the string value of `field`.
    static func body(over cap: Int, field: String) -> ByteBuffer {
        let head = "{\"\(field)\": \""
        return ByteBuffer(string: head + String(repeating: "x", count: cap + 1 - head.utf8.count - 2) + "\"}")
    }

    static func warnings(_ answer: OpenAPIClient.Answer) -> [String] {
        answer.json?["warnings"]?.array?.compactMap(\.string) ?? []
    }

    /// A 400 `invalid_request` naming `field` in `details.field`.
    static func expectInvalid(_ answer: OpenAPIClient.Answer, field: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer.status == 400, "\(answer.text)", sourceLocation: sourceLocation)
        #expect(answer.json?["details"]?["field"] == .string(field), "\(answer.text)", sourceLocation: sourceLocation)
    }
}
