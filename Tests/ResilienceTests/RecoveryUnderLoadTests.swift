import Foundation
import ServiceClient
import ServiceHarness
import Testing
import Synchronization

extension Resilience {
    /// Issue 11, defect 6: once the peer is back, the next call probes it (the health check saw it recover), so the
    /// breaker closes within about one health interval even while many requests keep failing fast.
    @Suite("Recovery under load")
    struct RecoveryUnderLoad {
        @Test("with 32 clients reading throughout, warnings clear within 5 s of SIGCONT")
        func recovery() async throws {
            var options = ServicePair.Options()
            options.codebaseThroughProxy = false
            try await Scenario.run("recovery under load", options: options) { scenario, _ in
                let ids = try await scenario.chunkIDs(for: "authenticate user")
                let created = try await scenario.create(title: "under load", references: ids)
                let itemID = try #require(created.item?.id)

                scenario.pair.codebase.pause()
                let load = LoadState()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<32 {
                        group.addTask {
                            while !load.stop.load(ordering: .relaxed) {
                                if (try? await scenario.getItem(itemID))?.status == 200 { load.served.add(1, ordering: .relaxed) }
                            }
                        }
                    }
                    // Let the breaker open under the load, then bring the peer back.
                    let opened = try await eventually(timeout: .seconds(15)) {
                        (try await scenario.getItem(itemID)).elapsed < .milliseconds(100)
                    }
                    scenario.expect(opened, "the breaker opened while codebase-mcp was paused")
                    scenario.pair.codebase.resume()
                    let resumed = ContinuousClock.now
                    let cleared = try await eventually(timeout: .seconds(20)) {
                        let read = try await scenario.getItem(itemID)
                        return read.item?.validReferences == ids && read.warnings == []
                    }
                    let took = resumed.duration(to: .now)
                    load.stop.store(true, ordering: .relaxed)
                    try await group.waitForAll()
                    scenario.expect(cleared, "references valid again after SIGCONT")
                    // Before the fix: 15 to 20 s under load (the doubled cooldown). Now about one health interval (2 s).
                    scenario.expect(took < .seconds(5), "cleared within 5 s of SIGCONT under load (took \(took))")
                }
                scenario.expect(load.served.load(ordering: .relaxed) > 100, "the load kept being served (\(load.served.load(ordering: .relaxed)) reads)")
            }
        }
    }
}

/// The load's stop signal and its count of answered reads, shared by the client tasks.
private final class LoadState: Sendable {
    let stop = Atomic<Bool>(false)
    let served = Atomic<Int>(0)
}
