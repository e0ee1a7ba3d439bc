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

@Suite("GET /mcp/chunks/{id} and POST /mcp/chunks/lookup")
struct ChunkAPITests {
    @Test("a chunk answers with its fields, indexed_at and linked work items")
    func getChunk() async throws {
        try await withFixtureApp { client, _, _ in
            let hit = try #require(try await client.search("TokenStore").results.first)
            let raw = try await client.send(.get, "/mcp/chunks/\(hit.chunkID)")
            #expect(raw.status == .ok)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(raw.body.readableBytesView)) as? [String: Any])
            #expect(
                Set(object.keys) == [
                    "chunk_id", "file_path", "repository", "language", "content", "start_line", "end_line", "context_before",
                    "context_after", "indexed_at", "linked_work_items", "warnings",
                ]
            )
            #expect((object["indexed_at"] as? String)?.hasSuffix("Z") == true)
            let chunk = try raw.decode(ChunkDetail.self)
            #expect(chunk.chunkID == hit.chunkID)
            #expect(chunk.content == hit.content)
            #expect(chunk.filePath == hit.filePath)
            #expect(chunk.startLine == hit.startLine && chunk.endLine == hit.endLine)
            #expect(chunk.contextBefore == hit.contextBefore && chunk.contextAfter == hit.contextAfter)
            #expect(chunk.linkedWorkItems == nil)
            #expect(chunk.warnings.contains { WarningCode.workflowUnavailable.matches($0) })
            #expect(abs(chunk.indexedAt.timeIntervalSinceNow) < 600)
        }
    }

    @Test(
        "an unknown or malformed id answers 404 chunk_not_found",
        arguments: [
            "c_" + String(repeating: "0", count: 64), "c_nothex", "not-an-id", "C_" + String(repeating: "A", count: 64),
        ]
    )
    func notFound(id: String) async throws {
        try await withFixtureApp { client, _, _ in
            let error = try await client.send(.get, "/mcp/chunks/\(id)").errorBody(.notFound)
            #expect(error.error == "chunk_not_found")
            #expect(error.message.hasPrefix("Chunk '\(id)' not found"))
        }
    }

    @Test("lookup answers found and missing in the order asked, without repeats")
    func lookup() async throws {
        try await withFixtureApp { client, _, _ in
            let ids = try await client.search("self", limit: 3).results.map(\.chunkID)
            #expect(ids.count == 3)
            let unknown = "c_" + String(repeating: "a", count: 64)
            let answer = try await client.lookup([ids[2], unknown, ids[0], "junk", ids[2], ids[1]])
            #expect(answer.found == [ids[2], ids[0], ids[1]])
            #expect(answer.missing == [unknown, "junk"])
        }
    }

    @Test("lookup takes 1 to 1000 ids")
    func lookupLimits() async throws {
        try await withFixtureApp { client, _, _ in
            let thousand = (0..<1000).map { String(format: "c_%064x", $0) }
            let answer = try await client.lookup(thousand)
            #expect(answer.missing.count == 1000)
            for body in [#"{"chunk_ids": []}"#, try json(ChunkLookupRequest(chunkIDs: thousand + ["one more"]))] {
                let error = try await client.send(.post, "/mcp/chunks/lookup", json: body).errorBody(.badRequest)
                #expect(error.details["field"] == "chunk_ids")
            }
        }
    }

    @Test(
        "lookup refuses bad bodies naming the field",
        arguments: [
            (#"{}"#, "chunk_ids"), (#"{"chunk_ids": "c_1"}"#, "chunk_ids"), (#"{"chunk_ids": [1, 2]}"#, "chunk_ids"),
            (#"{"chunk_ids": null}"#, "chunk_ids"), (#"{"#, "body"),
        ]
    )
    func lookupValidation(body: String, field: String) async throws {
        try await withFixtureApp { client, _, _ in
            let error = try await client.send(.post, "/mcp/chunks/lookup", json: body).errorBody(.badRequest)
            #expect(error.error == "invalid_request")
            #expect(error.details["field"] == .string(field))
        }
    }
}
