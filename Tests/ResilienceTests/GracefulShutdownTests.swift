import Foundation
import Logging
import ServiceClient
import ServiceHarness
import Synchronization
import Testing

extension Resilience {
    @Suite("Graceful shutdown")
    struct GracefulShutdown {
        @Test("SIGTERM with requests in flight: they complete, then the process exits 0")
        func gracefulShutdown() async throws {
            try await Scenario.run("SIGTERM with requests in flight") { scenario, _ in
                let ids = try await scenario.chunkIDs(for: "authenticate user")
                // Distinct references per item, so that each GET makes its own lookup (identical ones would share one).
                var items: [String] = []
                for index in 0..<8 {
                    let created = try await scenario.create(title: "in flight \(index)", references: ids + ["c_gone_\(index)"])
                    items.append(try #require(created.item?.id))
                }
                // Each GET now waits 300 ms for its lookup: long enough to be in flight, short of the 500 ms deadline.
                scenario.pair.codebaseProxy.setFault(.latency(.milliseconds(300)))
                let acceptedBefore = scenario.pair.codebaseProxy.acceptedConnections
                let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                    for itemID in items {
                        group.addTask { try await scenario.getItem(itemID) }
                    }
                    // All eight lookups reached the proxy: all eight GETs are inside workflow-mcp.
                    let allInFlight = await eventually(timeout: .seconds(5)) {
                        scenario.pair.codebaseProxy.acceptedConnections >= acceptedBefore + 8
                    }
                    // Otherwise SIGTERM may land before the GETs and the test would not test draining.
                    scenario.expect(allInFlight, "all eight lookups reached the proxy before SIGTERM")
                    let exit = await scenario.pair.workflow.terminate()
                    scenario.expect(exit == .exited(0), "workflow-mcp exits 0 after SIGTERM (\(exit.map(String.init(describing:)) ?? "?"))")
                    var replies: [Reply] = []
                    for try await reply in group { replies.append(reply) }
                    return replies
                }
                scenario.expect(
                    replies.count == 8
                        && replies.allSatisfy { $0.status == 200 && $0.item?.validReferences == ids && $0.item?.staleReferences.count == 1 },
                    "every in-flight GET completed with its references checked",
                    replies
                )
            }
        }
    }
}
