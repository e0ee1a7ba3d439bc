import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import ServiceClient
import Testing

@testable import WorkflowCore
@testable import WorkflowService

/// NUL and control characters: SQLite cuts text at a NUL, so such text is refused rather than acknowledged and then
/// stored cut short; and a control character in an id would break the one-line warnings built from it.
@Suite("workflow-mcp text input: NUL and control characters")
struct TextInputTests {
    /// The stored rows, read straight from the database file: (id, title, description, metadata).
    func storedItems(_ directory: TemporaryDirectory) throws -> [(id: String, title: String, description: String, metadata: String)] {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: directory.path("workflow.sqlite"), configuration: configuration)
        defer { try? database.close() }
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, title, description, metadata FROM work_item ORDER BY seq").map {
                ($0["id"], $0["title"], $0["description"], $0["metadata"])
            }
        }
    }

    func storedReferences(_ directory: TemporaryDirectory) throws -> [String] {
        var configuration = Configuration()
        configuration.readonly = true
        let database = try DatabaseQueue(path: directory.path("workflow.sqlite"), configuration: configuration)
        defer { try? database.close() }
        return try database.read { db in try String.fetchAll(db, sql: "SELECT chunk_id FROM work_item_reference ORDER BY chunk_id") }
    }

    @Test("a NUL in any text field of a create is refused with 400 naming the field, and nothing is stored")
    func nulOnCreate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cases: [(body: String, field: String)] = [
            (#"{"title": "a\u0000b"}"#, "title"),
            (#"{"title": "\u0000hidden"}"#, "title"),
            (#"{"title": "t", "description": "before\u0000after"}"#, "description"),
            (#"{"title": "t", "entity_references": ["c_\u0000x"]}"#, "entity_references"),
            (#"{"title": "t", "parent_id": "wi_\u0000x"}"#, "parent_id"),
            (#"{"title": "t", "metadata": {"k\u0000ey": 1}}"#, "metadata"),
            (#"{"title": "t", "metadata": {"key": "v\u0000alue"}}"#, "metadata"),
            (#"{"title": "t", "metadata": {"key": {"nested": ["x", "y\u0000"]}}}"#, "metadata"),
        ]
        try await withWorkflow(directory: directory) { client in
            for (body, field) in cases {
                let response = try await client.send(.post, "/mcp/work_items", json: body)
                #expect(response.status == .badRequest, "\(body) → \(response.status) \(response.text)")
                let error = try? response.decode(ErrorBody.self)
                #expect(error?.error == "invalid_request", "\(body)")
                #expect(error?.details["field"] == .string(field), "\(body) → \(String(describing: error))")
            }
        }
        let stored = try self.storedItems(directory)
        #expect(stored.isEmpty, "stored: \(stored.map(\.title))")
        #expect(try self.storedReferences(directory).isEmpty)
    }

    @Test("control characters in references and parent ids are refused; in titles and descriptions other than NUL they are kept")
    func controlCharacters() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await withWorkflow(directory: directory) { client in
            for (body, field) in [
                (#"{"title": "t", "entity_references": ["c_1\nInjected: line"]}"#, "entity_references"),
                (#"{"title": "t", "entity_references": ["c_1\u007f"]}"#, "entity_references"),
                (#"{"title": "t", "entity_references": ["c_1\t"]}"#, "entity_references"),
                (#"{"title": "t", "parent_id": "wi_1\r\n"}"#, "parent_id"),
            ] {
                let response = try await client.send(.post, "/mcp/work_items", json: body)
                #expect(response.status == .badRequest, "\(body) → \(response.status) \(response.text)")
                #expect((try? response.decode(ErrorBody.self))?.details["field"] == .string(field), "\(body)")
            }
            let item = try await client.create(#"{"title": "tab\there", "description": "line one\nline two\r\n\u0001", "metadata": {"k": "é ✓"}}"#)
            #expect(item.title == "tab\there")
            #expect(item.description == "line one\nline two\r\n\u{01}")
        }
        let stored = try self.storedItems(directory)
        #expect(stored.map(\.title) == ["tab\there"])
        #expect(stored.map(\.description) == ["line one\nline two\r\n\u{01}"])
        #expect(stored.first?.metadata == #"{"k":"é ✓"}"#)
    }

    @Test("a NUL in a patch is refused and the stored item is unchanged")
    func nulOnPatch() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await withWorkflow(directory: directory) { client in
            let item = try await client.create(#"{"title": "kept", "entity_references": ["c_1"]}"#)
            for (body, field) in [
                (#"{"expected_version": 1, "title": "cut\u0000short"}"#, "title"),
                (#"{"expected_version": 1, "description": "\u0000"}"#, "description"),
                (#"{"expected_version": 1, "entity_references": ["c_2\u0000"]}"#, "entity_references"),
                (#"{"expected_version": 1, "metadata": {"\u0000": true}}"#, "metadata"),
            ] {
                let response = try await client.send(.patch, "/mcp/work_items/\(item.id)", json: body)
                #expect(response.status == .badRequest, "\(body) → \(response.status) \(response.text)")
                #expect((try? response.decode(ErrorBody.self))?.details["field"] == .string(field), "\(body)")
            }
            #expect(try await client.item(item.id).version == 1)
        }
        #expect(try self.storedItems(directory).map(\.title) == ["kept"])
        #expect(try self.storedReferences(directory) == ["c_1"])
    }

    @Test("list filters by id or reference refuse control characters, naming the parameter", arguments: StoreKind.allCases)
    func listFilters(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            _ = try await client.create(#"{"title": "t", "entity_references": ["c_1"]}"#)
            for (query, field) in [("entity_reference=c_1%00x", "entity_reference"), ("parent_id=wi_1%0A", "parent_id")] {
                let response = try await client.send(.get, "/mcp/work_items?\(query)")
                #expect(response.status == .badRequest, "\(query) → \(response.status) \(response.text)")
                #expect((try? response.decode(ErrorBody.self))?.details["field"] == .string(field), "\(query)")
            }
        }
    }

    @Test("by_references refuses chunk ids with NUL or control characters, naming chunk_ids", arguments: StoreKind.allCases)
    func lookupChunkIDs(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            for body in [#"{"chunk_ids": ["c_\u0000x"]}"#, #"{"chunk_ids": ["c_1", "c_2\n"]}"#] {
                let response = try await client.send(.post, "/mcp/work_items/by_references", json: body)
                #expect(response.status == .badRequest, "\(body) → \(response.status) \(response.text)")
                #expect((try? response.decode(ErrorBody.self))?.details["field"] == .string("chunk_ids"), "\(body)")
            }
        }
    }
}
