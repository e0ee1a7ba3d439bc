import Foundation
import ServiceClient
import ServiceHarness
import Testing

extension Resilience {
    /// The MCP door answers like the REST door when the peer is down or frozen: the degraded body with its warnings
    /// first in the text, never an error result, never past the REST deadlines.
    @Suite("MCP tools with the peer killed or paused")
    struct MCPPeerFaults {
        static var direct: ServicePair.Options {
            var options = ServicePair.Options()
            options.codebaseThroughProxy = false
            return options
        }

        @Test("codebase-mcp killed: create_work_item and get_work_item answer fast with references unverified")
        func codebaseKilled() async throws {
            try await Scenario.run("MCP, codebase-mcp killed", options: Self.direct) { scenario, _ in
                let ids = try await scenario.chunkIDs(for: "authenticate user")
                try #require(ids.count == 1)
                let before = try await scenario.callTool(scenario.workflow, "create_work_item", ["title": "before", "entity_references": .array(ids.map { .string($0) })])
                scenario.expect(!before.isError && before.item?.validReferences == ids, "valid before the outage", [before.reply])
                let itemID = try #require(before.item?.id)

                await scenario.pair.codebase.kill()

                let created = try await scenario.callTool(scenario.workflow, "create_work_item", ["title": "during", "entity_references": .array(ids.map { .string($0) })])
                scenario.expect(!created.isError, "create_work_item is not an error result", [created.reply])
                scenario.expect(created.reply.elapsed < .seconds(1), "create_work_item answers in under 1 s", [created.reply])
                scenario.expect(created.item?.unverifiedReferences == ids && created.item?.staleReferences == [], "unverified, never stale", [created.reply])
                scenario.expect(created.text.hasPrefix("warning: code_search_unavailable: codebase-mcp server not reachable"), "warning first in the text", [created.reply])

                let read = try await scenario.callTool(scenario.workflow, "get_work_item", ["id": .string(itemID)])
                scenario.expect(!read.isError && read.reply.elapsed < .seconds(1), "get_work_item answers in under 1 s", [read.reply])
                scenario.expect(read.item?.unverifiedReferences == ids, "the older item's reference is unverified", [read.reply])
                scenario.expect(read.item?.warnings.first.map { WarningCode.codeSearchUnavailable.matches($0) } == true, "warning in structured content", [read.reply])
            }
        }

        @Test("codebase-mcp paused: get_work_item answers within the deadline with references unverified")
        func codebasePaused() async throws {
            try await Scenario.run("MCP, codebase-mcp paused", options: Self.direct) { scenario, _ in
                let ids = try await scenario.chunkIDs(for: "authenticate user")
                try #require(ids.count == 1)
                let created = try await scenario.callTool(scenario.workflow, "create_work_item", ["title": "paused", "entity_references": .array(ids.map { .string($0) })])
                let itemID = try #require(created.item?.id)

                scenario.pair.codebase.pause()
                defer { scenario.pair.codebase.resume() }
                for _ in 0..<3 {
                    let read = try await scenario.callTool(scenario.workflow, "get_work_item", ["id": .string(itemID)])
                    scenario.expect(!read.isError, "not an error result while paused", [read.reply])
                    scenario.expect(read.reply.elapsed < .milliseconds(1_200), "answers within the 500 ms deadline plus a margin", [read.reply])
                    scenario.expect(read.item?.unverifiedReferences == ids, "unverified while paused", [read.reply])
                    scenario.expect(read.text.hasPrefix("warning: code_search_unavailable: "), "warning first in the text", [read.reply])
                }
            }
        }

        @Test("workflow-mcp killed: search_code answers results with linked_work_items null and workflow_unavailable")
        func workflowKilled() async throws {
            try await Scenario.run("MCP, workflow-mcp killed") { scenario, _ in
                try #require(try await scenario.chunkIDs(for: "invoice total tax").count == 1)
                await scenario.pair.workflow.kill()
                let found = try await scenario.callTool(scenario.codebase, "search_code", ["query": "invoice total tax", "limit": 3])
                scenario.expect(!found.isError, "search_code is not an error result", [found.reply])
                scenario.expect(found.reply.elapsed < .seconds(1), "search_code answers in under 1 s", [found.reply])
                scenario.expect(found.search?.results.isEmpty == false, "results are served", [found.reply])
                scenario.expect(found.search?.results.allSatisfy { $0.linkedWorkItems == nil } == true, "linked_work_items null", [found.reply])
                scenario.expect(found.text.hasPrefix("warning: workflow_unavailable: workflow-mcp server not reachable"), "warning first in the text", [found.reply])
            }
        }

        @Test("workflow-mcp paused: search_code answers within its small budget with workflow_unavailable")
        func workflowPaused() async throws {
            try await Scenario.run("MCP, workflow-mcp paused") { scenario, _ in
                try #require(try await scenario.chunkIDs(for: "invoice total tax").count == 1)
                scenario.pair.workflow.pause()
                defer { scenario.pair.workflow.resume() }
                for _ in 0..<3 {
                    let found = try await scenario.callTool(scenario.codebase, "search_code", ["query": "invoice total tax", "limit": 3])
                    scenario.expect(!found.isError, "not an error result while paused", [found.reply])
                    scenario.expect(found.reply.elapsed < .milliseconds(1_000), "answers within the 200 ms budget plus a margin", [found.reply])
                    scenario.expect(found.search?.results.isEmpty == false, "results are served", [found.reply])
                    scenario.expect(found.search?.warnings.contains { WarningCode.workflowUnavailable.matches($0) } == true, "the warning", [found.reply])
                }
            }
        }
    }
}
