import HTTPTypes
import HummingbirdTesting
import ServiceClient
import Testing

@testable import WorkflowService

@Suite("workflow-mcp hierarchy")
struct HierarchyTests {
    /// Creates a chain of `depth` items, each the child of the one before; returns their ids, top first.
    func chain(_ client: some TestClientProtocol, depth: Int) async throws -> [String] {
        var ids: [String] = []
        for level in 1...depth {
            let parent = ids.last.map { ", \"parent_id\": \"\($0)\"" } ?? ""
            ids.append(try await client.create("{\"title\": \"level \(level)\"\(parent)}").id)
        }
        return ids
    }

    @Test("a hierarchy is at most 5 levels deep on create", arguments: StoreKind.allCases)
    func depthOnCreate(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let ids = try await self.chain(client, depth: 5)
            let response = try await client.send(.post, "/mcp/work_items", json: "{\"title\": \"level 6\", \"parent_id\": \"\(ids[4])\"}")
            #expect(response.status == .badRequest)
            let error = try response.decode(ErrorBody.self)
            #expect(error.details["field"] == "parent_id")
            #expect(error.message.contains("5 levels"))
        }
    }

    @Test("a deleted parent cannot take children", arguments: StoreKind.allCases)
    func deletedParent(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let parent = try await client.create(#"{"title": "parent"}"#)
            try await client.send(.delete, "/mcp/work_items/\(parent.id)")
            let response = try await client.send(.post, "/mcp/work_items", json: "{\"title\": \"child\", \"parent_id\": \"\(parent.id)\"}")
            #expect(response.status == .badRequest)
        }
    }

    @Test("a patch that would make a cycle is refused, the item under itself included", arguments: StoreKind.allCases)
    func cycles(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let ids = try await self.chain(client, depth: 3)
            for target in [ids[0], ids[2]] {
                let response = try await client.send(
                    .patch,
                    "/mcp/work_items/\(ids[0])",
                    json: "{\"expected_version\": 1, \"parent_id\": \"\(target)\"}"
                )
                #expect(response.status == .badRequest)
                let error = try response.decode(ErrorBody.self)
                #expect(error.details["field"] == "parent_id")
                #expect(error.message.contains("cycle"))
            }
            #expect(try await client.item(ids[0]).parentID == nil)
        }
    }

    @Test("a patch that would make the moved subtree too deep is refused; a legal move and a move to the top succeed", arguments: StoreKind.allCases)
    func depthOnMove(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let tall = try await self.chain(client, depth: 3)
            let other = try await self.chain(client, depth: 3)
            // Moving a 3-level subtree under level 3 would reach level 6.
            let refused = try await client.send(
                .patch,
                "/mcp/work_items/\(tall[0])",
                json: "{\"expected_version\": 1, \"parent_id\": \"\(other[2])\"}"
            )
            #expect(refused.status == .badRequest)
            // Under level 2 it reaches level 5 exactly.
            let moved = try await client.send(.patch, "/mcp/work_items/\(tall[0])", json: "{\"expected_version\": 1, \"parent_id\": \"\(other[1])\"}")
            #expect(moved.status == .ok)
            #expect(try moved.decode(WorkItem.self).parentID == other[1])
            let top = try await client.send(.patch, "/mcp/work_items/\(tall[0])", json: #"{"expected_version": 2, "parent_id": null}"#)
            #expect(top.status == .ok)
            #expect(try top.decode(WorkItem.self).parentID == nil)
        }
    }
}
