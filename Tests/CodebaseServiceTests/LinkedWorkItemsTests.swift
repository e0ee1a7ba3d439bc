import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import ServiceClient
import Synchronization
import Testing

@testable import CodebaseCore
@testable import CodebaseService

/// Linked work items against a stand-in workflow-mcp on a real local socket: up, refused, hanging.
@Suite("Linked work items")
struct LinkedWorkItemsTests {
    @Test("up: each result carries its work items, fetched in one batched call per request")
    func up() async throws {
        let standIn = StandInWorkflow()
        try await standIn.run { url in
            try await withFixtureApp(.live, workflowURL: url) { client, _, _ in
                let first = try await client.search("TokenStore", limit: 5)
                let linkedID = try #require(first.results.first?.chunkID)
                let item = WorkItemSummary(id: "wi_1", title: "Expire tokens", status: .active, itemType: .task)
                standIn.items.withLock { $0[linkedID] = [item] }

                let callsBefore = standIn.requestLog.count
                let response = try await client.search("TokenStore", limit: 5)
                #expect(standIn.requestLog.count == callsBefore + 1)
                #expect(standIn.requestLog.last == response.results.map(\.chunkID))
                #expect(response.warnings.isEmpty)
                #expect(response.results.first { $0.chunkID == linkedID }?.linkedWorkItems == [item])
                #expect(response.results.filter { $0.chunkID != linkedID }.allSatisfy { $0.linkedWorkItems == [] })

                let chunk = try #require(try await client.chunk(linkedID))
                #expect(chunk.linkedWorkItems == [item])
                #expect(chunk.warnings.isEmpty)
            }
        }
    }

    @Test("refused: null work items and a workflow_unavailable warning naming the URL; the search still answers")
    func refused() async throws {
        try await withFixtureApp(.live, workflowURL: closedPortURL) { client, _, _ in
            let response = try await client.search("TokenStore")
            #expect(!response.results.isEmpty)
            #expect(response.results.allSatisfy { $0.linkedWorkItems == nil })
            let warning = try #require(response.warnings.first)
            #expect(WarningCode.workflowUnavailable.matches(warning))
            #expect(warning.contains("workflow-mcp server not reachable"))
            #expect(warning.contains(closedPortURL))
            #expect(warning.contains("linked work items are omitted"))
            // A response that needed no call still says so while workflow-mcp is unreachable.
            let empty = try await client.search("zzzNoSuchWordAnywhere")
            #expect(empty.results.isEmpty)
            #expect(empty.warnings.contains { WarningCode.workflowUnavailable.matches($0) })
        }
    }

    @Test("hanging: the search answers within the budget with null work items and the warning")
    func hanging() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        try await withFixtureApp(.live, workflowURL: silent.url) { client, _, _ in
            for _ in 0..<3 {
                let started = ContinuousClock.now
                let response = try await client.search("TokenStore")
                let elapsed = started.duration(to: .now)
                // The lookup's budget is 200 ms; allow a generous margin for a loaded test machine.
                #expect(elapsed < .seconds(2), "search took \(elapsed)")
                #expect(!response.results.isEmpty)
                #expect(response.results.allSatisfy { $0.linkedWorkItems == nil })
                #expect(response.warnings.contains { WarningCode.workflowUnavailable.matches($0) && $0.contains(silent.url) })
            }
            let id = try #require(try await client.search("TokenStore").results.first?.chunkID)
            let started = ContinuousClock.now
            let chunk = try #require(try await client.chunk(id))
            #expect(started.duration(to: .now) < .seconds(2))
            #expect(chunk.linkedWorkItems == nil)
            #expect(chunk.warnings.contains { WarningCode.workflowUnavailable.matches($0) })
        }
    }
}
