import Foundation
import ServiceClient
import ServiceHarness
import Testing

extension Resilience {
    @Suite("A paused peer (SIGSTOP)")
    struct PausedPeer {
        @Test("GETs answer within the deadline, then in milliseconds once the breaker opens; after SIGCONT the warnings clear")
        func pausedCodebase() async throws {
            var options = ServicePair.Options()
            options.codebaseThroughProxy = false
            try await Scenario.run("codebase-mcp paused", options: options) { scenario, _ in
                let ids = try await scenario.chunkIDs(for: "authenticate user")
                let created = try await scenario.create(title: "paused", references: ids)
                let itemID = try #require(created.item?.id)

                scenario.pair.codebase.pause()
                var replies: [Reply] = []
                var fastAfter: Int?
                for attempt in 0..<12 {
                    let read = try await scenario.getItem(itemID)
                    replies.append(read)
                    scenario.expect(read.status == 200, "GET answers 200 while paused", [read])
                    scenario.expect(read.elapsed < .milliseconds(1_200), "GET answers within the 500 ms deadline plus a margin", [read])
                    scenario.expect(
                        read.item?.unverifiedReferences == ids && read.hasWarning(.codeSearchUnavailable),
                        "unverified with the warning",
                        [read]
                    )
                    if read.elapsed < .milliseconds(100) {
                        fastAfter = attempt
                        break
                    }
                }
                scenario.expect(fastAfter != nil, "the breaker opened and GETs answered in milliseconds", replies)
                for _ in 0..<5 {
                    let fast = try await scenario.getItem(itemID)
                    scenario.expect(fast.elapsed < .milliseconds(100), "fails fast while open", [fast])
                }

                scenario.pair.codebase.resume()
                let resumed = ContinuousClock.now
                var last: Reply?
                let cleared = try await eventually(timeout: .seconds(20)) {
                    last = try await scenario.getItem(itemID)
                    return last?.item?.validReferences == ids && last?.warnings == []
                }
                let took = resumed.duration(to: .now)
                scenario.expect(cleared, "warnings clear after SIGCONT", last.map { [$0] } ?? [])
                // Cooldown 5 s (at most 6.25 s with jitter), plus one health interval of 2 s, plus a margin.
                scenario.expect(took < .seconds(9.5), "cleared within the cooldown plus one health interval (took \(took))")
            }
        }
    }
}
