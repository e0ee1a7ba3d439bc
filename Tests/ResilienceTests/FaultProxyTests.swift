import Foundation
import ServiceClient
import ServiceHarness
import Testing

extension Resilience {
    @Suite("Faults injected between workflow-mcp and codebase-mcp")
    struct Faults {
        @Test(
            "every fault gives unverified references and the warning: never a 5xx, a hang or a stale claim",
            arguments: [
                FaultProxy.Fault.latency(.milliseconds(800)), .blackhole, .reset, .notJSON, .truncatedBody, .serverError,
                .drip(.milliseconds(50)),
            ]
        )
        func fault(_ fault: FaultProxy.Fault) async throws {
            try await Scenario.run("fault: \(fault)") { scenario, _ in
                let ids = try await scenario.chunkIDs(for: "authenticate user")
                let baseline = try await scenario.create(title: "baseline", references: ids)
                scenario.expect(baseline.item?.validReferences == ids, "valid through the pass-through proxy", [baseline])
                let itemID = try #require(baseline.item?.id)

                scenario.pair.codebaseProxy.setFault(fault)
                var replies: [Reply] = []
                for round in 0..<3 {
                    let created = try await scenario.create(title: "under \(fault) \(round)", references: ids + ["c_missing"])
                    let read = try await scenario.getItem(itemID)
                    replies += [created, read]
                    for reply in [created, read] {
                        scenario.expect(reply.status < 500, "never a 5xx", [reply])
                        scenario.expect(reply.elapsed < .milliseconds(1_500), "never a hang: answered within the deadline plus a margin", [reply])
                        scenario.expect(reply.item?.staleReferences == [], "never a stale claim", [reply])
                        scenario.expect(reply.item?.validReferences == [], "nothing claimed valid", [reply])
                        scenario.expect(reply.hasWarning(.codeSearchUnavailable), "code_search_unavailable attached", [reply])
                    }
                    scenario.expect(
                        created.status == 201 && created.item?.unverifiedReferences == ids + ["c_missing"],
                        "create: all unverified",
                        [created]
                    )
                    scenario.expect(read.status == 200 && read.item?.unverifiedReferences == ids, "GET: all unverified", [read])
                }

                // The fault lifted, the references are checked again (after the breaker's cooldown at most).
                scenario.pair.codebaseProxy.setFault(.passThrough)
                var last: Reply?
                let recovered = try await eventually(timeout: .seconds(20)) {
                    last = try await scenario.getItem(itemID)
                    return last?.item?.validReferences == ids
                }
                scenario.expect(recovered, "references valid again once the fault is lifted", last.map { [$0] } ?? [])
            }
        }
    }
}
