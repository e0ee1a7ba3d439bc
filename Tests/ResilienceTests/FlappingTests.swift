import Foundation
import ServiceClient
import ServiceHarness
import Synchronization
import Testing

extension Resilience {
    @Suite("A flapping peer")
    struct Flapping {
        @Test("flapping peer (down and up every second for 10 s): no request fails, nothing crashes")
        func flapping() async throws {
            var options = ServicePair.Options()
            options.codebaseThroughProxy = false
            try await Scenario.run("flapping codebase-mcp", options: options) { scenario, _ in
                let ids = try await scenario.chunkIDs(for: "authenticate user")
                let failures = Box<[Reply]>([])
                let answered = Box(0)
                let stop = Box(false)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<4 {
                        group.addTask {
                            var round = 0
                            while !stop.value {
                                round += 1
                                let created = try await scenario.create(title: "flap \(worker)-\(round)", references: ids)
                                if created.status != 201 { failures.mutate { $0.append(created) } }
                                if let id = created.item?.id {
                                    let read = try await scenario.getItem(id)
                                    if read.status != 200 || read.item?.staleReferences != [] { failures.mutate { $0.append(read) } }
                                }
                                answered.mutate { $0 += 1 }
                            }
                        }
                    }
                    let started = ContinuousClock.now
                    while started.duration(to: .now) < .seconds(10) {
                        await scenario.pair.codebase.kill()
                        try await Task.sleep(for: .seconds(1))
                        try await scenario.pair.codebase.restart()
                        try await Task.sleep(for: .seconds(1))
                    }
                    stop.mutate { $0 = true }
                    try await group.waitForAll()
                }
                scenario.expect(failures.value.isEmpty, "no request failed", failures.mutate { Array($0.prefix(5)) })
                scenario.expect(answered.value > 20, "requests kept being answered throughout")
                scenario.expect(scenario.pair.workflow.isRunning, "workflow-mcp did not crash")
                scenario.expect(scenario.pair.codebase.isRunning, "codebase-mcp runs again")
            }
        }
    }
}
