import HTTPTypes
import HummingbirdTesting
import ServiceClient
import Testing

@testable import WorkflowCore
@testable import WorkflowService

@Suite("workflow-mcp under concurrent writes")
struct ConcurrencyTests {
    @Test("8 concurrent patches at one version give one 200 and seven 409s", arguments: StoreKind.allCases)
    func racingPatches(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let item = try await client.create(#"{"title": "contended"}"#)
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, Int).self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let response = try await client.send(
                            .patch,
                            "/mcp/work_items/\(item.id)",
                            json: "{\"expected_version\": 1, \"title\": \"writer \(index)\"}"
                        )
                        return (response.status, index)
                    }
                }
                var statuses: [(HTTPResponse.Status, Int)] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            let winners = statuses.filter { $0.0 == .ok }
            #expect(winners.count == 1)
            #expect(statuses.filter { $0.0 == .conflict }.count == 7)
            let final = try await client.item(item.id)
            #expect(final.version == 2)
            #expect(final.title == "writer \(winners[0].1)")
        }
    }

    @Test("200 concurrent creates all persist", arguments: StoreKind.allCases)
    func concurrentCreates(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<200 {
                    group.addTask { try await client.create("{\"title\": \"item \(index)\"}").id }
                }
                var ids: [String] = []
                for try await id in group { ids.append(id) }
                return ids
            }
            #expect(Set(ids).count == 200)
            var listed: [String] = []
            var cursor: String?
            repeat {
                let page = try await client.send(.get, "/mcp/work_items?limit=100" + (cursor.map { "&cursor=\($0)" } ?? ""))
                    .decode(WorkItemPage.self)
                listed += page.items.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(Set(listed) == Set(ids))
            #expect(listed.count == 200)
        }
    }
}
