import HTTPTypes
import HummingbirdTesting
import ServiceClient
import Testing

@testable import WorkflowCore
@testable import WorkflowService

@Suite("workflow-mcp idempotent create")
struct IdempotencyTests {
    static let key = HTTPField.Name("Idempotency-Key")!

    @Test("a repeat with the same key and body returns the first result, never a second item", arguments: StoreKind.allCases)
    func repeatReturnsFirst(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let body = #"{"title": "once", "metadata": {"b": 1, "a": 2}}"#
            let first = try await client.create(body, headers: [Self.key: "key-1"])
            let repeatResponse = try await client.send(
                .post,
                "/mcp/work_items",
                json: #"{"metadata": {"a": 2, "b": 1}, "title": "once"}"#,
                headers: [Self.key: "key-1"]
            )
            #expect(repeatResponse.status == .created)
            #expect(repeatResponse.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try repeatResponse.decode(WorkItem.self).id == first.id)
            let page = try await client.send(.get, "/mcp/work_items").decode(WorkItemPage.self)
            #expect(page.items.count == 1)
            // Another key makes another item.
            let second = try await client.create(body, headers: [Self.key: "key-2"])
            #expect(second.id != first.id)
        }
    }

    @Test("concurrent repeats of one key make exactly one item", arguments: StoreKind.allCases)
    func concurrentRepeats(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<16 {
                    group.addTask { try await client.create(#"{"title": "racing"}"#, headers: [Self.key: "same"]).id }
                }
                var ids = Set<String>()
                for try await id in group { ids.insert(id) }
                return ids
            }
            #expect(ids.count == 1)
            #expect(try await client.send(.get, "/mcp/work_items").decode(WorkItemPage.self).items.count == 1)
        }
    }

    @Test("the same key with a different body is refused with 409", arguments: StoreKind.allCases)
    func differentBody(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let first = try await client.create(#"{"title": "one"}"#, headers: [Self.key: "k"])
            let response = try await client.send(.post, "/mcp/work_items", json: #"{"title": "two"}"#, headers: [Self.key: "k"])
            #expect(response.status == .conflict)
            let error = try response.decode(ErrorBody.self)
            #expect(error.error == "idempotency_key_reused")
            #expect(error.details["work_item_id"] == .string(first.id))
        }
    }

    @Test("an over-long key is a 400 naming the header", arguments: StoreKind.allCases)
    func badKey(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let response = try await client.send(
                .post,
                "/mcp/work_items",
                json: #"{"title": "t"}"#,
                headers: [Self.key: String(repeating: "k", count: 300)]
            )
            #expect(response.status == .badRequest)
            #expect(try response.decode(ErrorBody.self).details["field"] == "Idempotency-Key")
        }
    }
}
