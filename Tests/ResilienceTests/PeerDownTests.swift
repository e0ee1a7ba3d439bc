import Foundation
import NIOHTTP1
import ServiceClient
import ServiceHarness
import Testing

extension Resilience {
    @Suite("A peer killed or never started")
    struct PeerDown {
        @Test("codebase-mcp killed: creates and reads answer fast, references kept and unverified, never stale")
        func codebaseKilled() async throws {
            try await Scenario.run(
                "codebase-mcp killed",
                options: {
                    var options = ServicePair.Options()
                    options.codebaseThroughProxy = false
                    return options
                }()
            ) { scenario, _ in
                let ids = try await scenario.chunkIDs(for: "authenticate user", count: 1)
                let older = try await scenario.create(title: "before the outage", references: ids + ["c_unknown"])
                scenario.expect(older.status == 201, "create before the outage", [older])
                let olderID = try #require(older.item?.id)

                await scenario.pair.codebase.kill()

                let plain = try await scenario.create(title: "no references")
                scenario.expect(plain.status == 201, "create without references answers 201", [plain])
                scenario.expect(plain.elapsed < .seconds(1), "create without references answers in under 1 s", [plain])
                // The warning on a response that needed no check comes from the failed health check or call.
                scenario.expect(try await scenario.waitForCodebase(.unreachable), "workflow-mcp notices codebase-mcp is down")
                let plainAgain = try await scenario.create(title: "no references, after the check")
                scenario.expect(plainAgain.hasWarning(.codeSearchUnavailable), "code_search_unavailable on a create without references", [plainAgain])

                let withRefs = try await scenario.create(title: "with references", references: ids + ["c_x"])
                let created = withRefs.item
                scenario.expect(withRefs.status == 201, "create with references answers 201", [withRefs])
                scenario.expect(withRefs.elapsed < .seconds(1), "create with references answers in under 1 s", [withRefs])
                scenario.expect(created?.entityReferences == ids + ["c_x"], "references kept as given", [withRefs])
                scenario.expect(created?.unverifiedReferences == ids + ["c_x"], "all references unverified", [withRefs])
                scenario.expect(created?.staleReferences == [] && created?.validReferences == [], "none stale, none valid", [withRefs])
                scenario.expect(withRefs.hasWarning(.codeSearchUnavailable), "code_search_unavailable attached", [withRefs])
                scenario.expect(withRefs.warnings.first?.contains(scenario.codebase) == true, "the warning names the URL tried", [withRefs])

                let read = try await scenario.getItem(olderID)
                scenario.expect(read.status == 200, "GET of an older item answers 200", [read])
                scenario.expect(read.elapsed < .seconds(1), "GET answers in under 1 s", [read])
                scenario.expect(
                    read.item?.unverifiedReferences.count == 2 && read.item?.staleReferences == [],
                    "older item unverified, not stale",
                    [read]
                )
                scenario.expect(read.hasWarning(.codeSearchUnavailable), "GET carries code_search_unavailable", [read])
            }
        }

        @Test("workflow-mcp killed: search answers 200 with results and workflow_unavailable")
        func workflowKilled() async throws {
            try await Scenario.run("workflow-mcp killed") { scenario, _ in
                _ = try await scenario.chunkIDs(for: "invoice total tax")
                await scenario.pair.workflow.kill()
                let search = try await scenario.search("invoice total tax")
                let response = try? search.decode(SearchResponse.self)
                scenario.expect(search.status == 200, "search answers 200", [search])
                scenario.expect((response?.results.count ?? 0) > 0, "search still has results", [search])
                scenario.expect(response?.results.allSatisfy { $0.linkedWorkItems == nil } == true, "linked_work_items is null", [search])
                scenario.expect(search.hasWarning(.workflowUnavailable), "workflow_unavailable attached", [search])
                scenario.expect(search.elapsed < .seconds(1), "search answers in under 1 s", [search])
            }
        }

        @Test("workflow-mcp alone, codebase-mcp never started, serves fully with warnings")
        func workflowAlone() async throws {
            var options = ServicePair.Options()
            options.startCodebase = false
            try await Scenario.run("workflow-mcp alone", options: options, withRepository: false) { scenario, _ in
                let created = try await scenario.create(title: "alone", references: ["c_1"])
                scenario.expect(created.status == 201 && created.item?.unverifiedReferences == ["c_1"], "create works, unverified", [created])
                scenario.expect(created.hasWarning(.codeSearchUnavailable), "with the warning", [created])
                let id = try #require(created.item?.id)
                let patched = try await HTTP.send(
                    .PATCH,
                    "\(scenario.workflow)/mcp/work_items/\(id)",
                    json: #"{"expected_version": 1, "status": "active"}"#
                )
                scenario.expect(patched.status == 200 && patched.item?.status == .active, "patch works", [patched])
                let list = try await HTTP.get("\(scenario.workflow)/mcp/work_items")
                scenario.expect(list.status == 200 && ((try? list.decode(WorkItemPage.self).items.count) ?? 0) == 1, "list works", [list])
                let health = try await HTTP.get("\(scenario.workflow)/health")
                scenario.expect(health.status == 200, "health answers 200", [health])
                scenario.expect(try await scenario.waitForCodebase(.unreachable), "health reports codebase-mcp unreachable")
                let degraded = try await HTTP.get("\(scenario.workflow)/health").decode(HealthResponse.self)
                scenario.expect(degraded.status == "degraded", "health says degraded")
            }
        }

        @Test("codebase-mcp alone, workflow-mcp never started, serves fully with warnings")
        func codebaseAlone() async throws {
            var options = ServicePair.Options()
            options.startWorkflow = false
            try await Scenario.run("codebase-mcp alone", options: options) { scenario, _ in
                let ids = try await scenario.chunkIDs(for: "authenticate user")
                let search = try await scenario.search("authenticate user")
                scenario.expect(search.status == 200 && search.hasWarning(.workflowUnavailable), "search works with the warning", [search])
                let chunk = try await HTTP.get("\(scenario.codebase)/mcp/chunks/\(ids[0])")
                scenario.expect(chunk.status == 200, "chunk lookup works", [chunk])
                scenario.expect(
                    ((try? chunk.decode(ChunkDetail.self))?.warnings ?? []).contains { WarningCode.workflowUnavailable.matches($0) },
                    "chunk carries the warning",
                    [chunk]
                )
                let lookup = try await HTTP.post("\(scenario.codebase)/mcp/chunks/lookup", #"{"chunk_ids": ["\#(ids[0])", "c_nope"]}"#)
                scenario.expect(lookup.status == 200, "lookup works", [lookup])
                let health = try await HTTP.get("\(scenario.codebase)/health")
                scenario.expect(health.status == 200 && health.text.contains("degraded"), "health answers 200 degraded", [health])
            }
        }
    }
}
