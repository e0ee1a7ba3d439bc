import Foundation
import HTTPTypes
import HummingbirdTesting
import ServiceClient
import Synchronization
import Testing

@testable import WorkflowCore
@testable import WorkflowService

@Suite("workflow-mcp persistence")
struct PersistenceTests {
    @Test("a restart on the same database file keeps every item, version, reference, deletion and idempotency key", arguments: StoreKind.allCases)
    func restartKeepsEverything(store: StoreKind) async throws {
        let directory = try TemporaryDirectory(store: store)
        defer { directory.remove() }
        let key = HTTPField.Name("Idempotency-Key")!
        let before = TestBox<[WorkItem]>([])
        try await withWorkflow(directory: directory) { client in
            let parent = try await client.create(#"{"title": "parent", "item_type": "project", "metadata": {"k": [1, "two"]}}"#, headers: [key: "k1"])
            let child = try await client.create("{\"title\": \"child\", \"parent_id\": \"\(parent.id)\", \"entity_references\": [\"c_2\", \"c_1\"]}")
            try await client.send(.patch, "/mcp/work_items/\(child.id)", json: #"{"expected_version": 1, "status": "active"}"#)
            let gone = try await client.create(#"{"title": "gone"}"#)
            try await client.send(.delete, "/mcp/work_items/\(gone.id)")
            let page = try await client.send(.get, "/mcp/work_items?include_deleted=true").decode(WorkItemPage.self)
            before.mutate { $0 = page.items }
        }
        try await withWorkflow(directory: directory) { client in
            let page = try await client.send(.get, "/mcp/work_items?include_deleted=true").decode(WorkItemPage.self)
            let stored = { (items: [WorkItem]) in
                items.map {
                    [
                        $0.id, $0.title, $0.status.rawValue, $0.parentID ?? "-", "\($0.version)", $0.entityReferences.joined(separator: ","),
                        "\($0.metadata)", "\($0.createdAt.timeIntervalSince1970)", "\($0.updatedAt.timeIntervalSince1970)", "\($0.deletedAt != nil)",
                    ]
                }
            }
            #expect(stored(page.items) == stored(before.value))
            let replay = try await client.send(
                .post,
                "/mcp/work_items",
                json: #"{"title": "parent", "item_type": "project", "metadata": {"k": [1, "two"]}}"#,
                headers: [key: "k1"]
            )
            #expect(try replay.decode(WorkItem.self).id == before.value[0].id)
        }
    }
}

/// A thread-safe box for values tests collect from concurrent code.
final class TestBox<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) { self.storage = Mutex(value) }

    var value: Value { self.storage.withLock { $0 } }

    func mutate(_ body: (inout Value) -> Void) { self.storage.withLock { body(&$0) } }
}
