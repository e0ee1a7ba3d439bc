import HTTPTypes
import HummingbirdTesting
import ServiceClient
import Testing

@testable import WorkflowCore
@testable import WorkflowService

@Suite("workflow-mcp pagination")
struct PaginationTests {
    func collect(_ client: some TestClientProtocol, query: String, limit: Int) async throws -> (ids: [String], pages: Int) {
        var ids: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let uri = "/mcp/work_items?limit=\(limit)&\(query)" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try await client.send(.get, uri).decode(WorkItemPage.self)
            #expect(page.items.count <= limit)
            ids += page.items.map(\.id)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 1000
        return (ids, pages)
    }

    @Test("paging returns every item exactly once, in creation order, with filters too", arguments: StoreKind.allCases)
    func everyItemOnce(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            var created: [WorkItem] = []
            for index in 0..<47 {
                let status = index % 3 == 0 ? "active" : "planned"
                created.append(try await client.create("{\"title\": \"item \(index)\", \"status\": \"\(status)\"}"))
            }
            let all = try await self.collect(client, query: "", limit: 7)
            #expect(all.ids == created.map(\.id))
            #expect(all.pages == 7)
            let active = try await self.collect(client, query: "status=active", limit: 4)
            #expect(active.ids == created.filter { $0.status == .active }.map(\.id))
            let exact = try await self.collect(client, query: "", limit: 47)
            #expect(exact.pages == 1)
        }
    }

    @Test("items created while paging appear once, at the end; none is skipped or repeated", arguments: StoreKind.allCases)
    func stableUnderInserts(store: StoreKind) async throws {
        try await withWorkflow(store: store) { client in
            for index in 0..<10 { _ = try await client.create("{\"title\": \"before \(index)\"}") }
            let first = try await client.send(.get, "/mcp/work_items?limit=4").decode(WorkItemPage.self)
            let late = try await client.create(#"{"title": "late"}"#)
            var ids = first.items.map(\.id)
            var cursor = first.nextCursor
            while let next = cursor {
                let page = try await client.send(.get, "/mcp/work_items?limit=4&cursor=\(next)").decode(WorkItemPage.self)
                ids += page.items.map(\.id)
                cursor = page.nextCursor
            }
            #expect(ids.count == 11)
            #expect(Set(ids).count == 11)
            #expect(ids.last == late.id)
        }
    }

    @Test("the cursor round-trips and rejects what it did not issue")
    func cursorCodec() {
        for position: Int64 in [0, 1, 42, 1 << 40] {
            #expect(PageCursor.decode(PageCursor.encode(position)) == position)
        }
        for bad in ["", "v1:5", "!!!", "djI6NQ", "djE6YWJj"] {
            #expect(PageCursor.decode(bad) == nil, "\(bad)")
        }
    }
}
