import HTTPTypes
import HummingbirdTesting
import ServiceClient
import Testing

@testable import WorkflowCore
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

    @Test("racing moves cannot make a cycle, nor together a hierarchy deeper than 5 that neither makes alone", arguments: StoreKind.allCases)
    func racingMoves(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            for round in 0..<5 {
                // Each under the other at once: one move wins, the other would close a cycle.
                let a = try await client.create(#"{"title": "a"}"#).id
                let b = try await client.create(#"{"title": "b"}"#).id
                let cycle = try await self.race(client, [(a, b), (b, a)])
                #expect(cycle.filter { $0 == .ok }.count == 1, "round \(round): \(cycle)")
                let parentOfA = try await client.item(a).parentID
                let parentOfB = try await client.item(b).parentID
                #expect(!(parentOfA == b && parentOfB == a), "round \(round): a cycle")

                // Two 2-level chains under a 3-level one: either move alone reaches level 4, both together level 6.
                let first = try await self.chain(client, depth: 2)
                let second = try await self.chain(client, depth: 2)
                let third = try await self.chain(client, depth: 3)
                let depth = try await self.race(client, [(first[0], second[1]), (second[0], third[1])])
                #expect(depth.filter { $0 == .ok }.count == 1, "round \(round): \(depth)")
                var level = 1
                var id = first[1]
                while let parent = try await client.item(id).parentID {
                    level += 1
                    id = parent
                }
                #expect(level <= 5, "round \(round): the deepest item is at level \(level)")
            }
        }
    }

    /// Sends the moves (item under parent, each at version 1) at once; returns their statuses.
    func race(_ client: some TestClientProtocol, _ moves: [(String, String)]) async throws -> [HTTPResponse.Status] {
        try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
            for (item, parent) in moves {
                group.addTask {
                    try await client.send(.patch, "/mcp/work_items/\(item)", json: "{\"expected_version\": 1, \"parent_id\": \"\(parent)\"}").status
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }
}
