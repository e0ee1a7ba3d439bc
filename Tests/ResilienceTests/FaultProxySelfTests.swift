import AsyncHTTPClient
import Foundation
import NIOHTTP1
import ServiceClient
import ServiceHarness
import Testing

extension Resilience {
    /// The fault proxy itself, in front of a real workflow-mcp, checked fault by fault from a plain HTTP client.
    @Suite("Fault proxy")
    struct FaultProxyBehaviour {
        func call(_ proxy: FaultProxy, timeout: Duration = .seconds(2)) async -> (Result<Reply, any Error>, Duration) {
            let started = ContinuousClock.now
            do {
                return (.success(try await HTTP.send(.GET, "\(proxy.url)/health", timeout: timeout, fresh: true)), started.duration(to: .now))
            } catch {
                return (.failure(error), started.duration(to: .now))
            }
        }

        @Test("each fault does what it says")
        func faults() async throws {
            var options = ServicePair.Options()
            options.startCodebase = false
            try await Scenario.run("fault proxy self-test", options: options, withRepository: false) { scenario, _ in
                let proxy = scenario.pair.workflowProxy

                let (plain, _) = await self.call(proxy)
                scenario.expect((try? plain.get().status) == 200, "pass-through answers as the upstream does")

                proxy.setFault(.latency(.milliseconds(300)))
                let (slow, slowTook) = await self.call(proxy, timeout: .seconds(10))
                scenario.expect((try? slow.get().status) == 200 && slowTook >= .milliseconds(300), "latency delays the answer (\(slowTook)): \(slow)")

                proxy.setFault(.blackhole)
                let (hole, holeTook) = await self.call(proxy, timeout: .milliseconds(400))
                scenario.expect((try? hole.get()) == nil && holeTook >= .milliseconds(400), "blackhole never answers")

                proxy.setFault(.reset)
                let (reset, resetTook) = await self.call(proxy)
                scenario.expect((try? reset.get()) == nil && resetTook < .milliseconds(500), "reset fails fast")

                proxy.setFault(.refuse)
                let refusedQuickly = await eventually(timeout: .seconds(5)) {
                    let (refused, took) = await self.call(proxy)
                    return (try? refused.get()) == nil && took < .milliseconds(100)
                }
                scenario.expect(refusedQuickly, "refuse closes the port: connections fail at once")

                proxy.setFault(.notJSON)
                try await proxy.waitUntilListening()
                let (garbage, _) = await self.call(proxy)
                let garbageReply = try? garbage.get()
                scenario.expect(garbageReply?.status == 200 && (try? garbageReply?.decode(HealthResponse.self)) == nil, "not-JSON body")

                proxy.setFault(.truncatedBody)
                let (truncated, _) = await self.call(proxy)
                scenario.expect((try? truncated.get()) == nil, "a truncated body fails the read")

                proxy.setFault(.serverError)
                let (failing, _) = await self.call(proxy)
                scenario.expect((try? failing.get().status) == 500, "500: \(failing)")

                proxy.setFault(.drip(.milliseconds(2)))
                let (dripped, dripTook) = await self.call(proxy, timeout: .seconds(10))
                let dripReply = try? dripped.get()
                scenario.expect(dripReply?.status == 200 && (try? dripReply?.decode(HealthResponse.self)) != nil, "drip delivers the whole answer")
                scenario.expect(dripTook >= .milliseconds(200), "drip is slow (\(dripTook))")

                proxy.setFault(.passThrough)
                try await proxy.waitUntilListening()
                let (back, _) = await self.call(proxy)
                scenario.expect((try? back.get().status) == 200, "pass-through again on the same port")
            }
        }
    }
}
