import Foundation
import ServiceClient
import ServiceHarness
import Synchronization
import Testing

extension Resilience {
    @Suite("Load during an outage, and durability")
    struct Load {
        @Test("500 creates at concurrency 16 while codebase-mcp is down: all 201, all present afterwards")
        func loadDuringOutage() async throws {
            try await Scenario.run("load during an outage", withRepository: false) { scenario, _ in
                await scenario.pair.codebase.kill()
                let counter = Box(0)
                let ids = try await withThrowingTaskGroup(of: [String].self) { group in
                    for _ in 0..<16 {
                        group.addTask {
                            var ids: [String] = []
                            while true {
                                let index = counter.mutate { value -> Int in
                                    defer { value += 1 }
                                    return value
                                }
                                guard index < 500 else { return ids }
                                let created = try await scenario.create(title: "outage \(index)", references: ["c_\(index % 7)"])
                                scenario.expect(created.status == 201, "create \(index) answered 201", [created])
                                scenario.expect(created.item?.unverifiedReferences == ["c_\(index % 7)"], "unverified", [created])
                                if let id = created.item?.id { ids.append(id) }
                            }
                        }
                    }
                    var all: [String] = []
                    for try await ids in group { all += ids }
                    return all
                }
                scenario.expect(ids.count == 500 && Set(ids).count == 500, "500 distinct items created (\(ids.count))")
                var listed = Set<String>()
                var cursor: String?
                repeat {
                    let page = try await HTTP.get("\(scenario.workflow)/mcp/work_items?limit=100" + (cursor.map { "&cursor=\($0)" } ?? ""))
                        .decode(WorkItemPage.self)
                    listed.formUnion(page.items.map(\.id))
                    cursor = page.nextCursor
                } while cursor != nil
                scenario.expect(listed == Set(ids), "every created item is listed afterwards (\(listed.count))")
            }
        }

        @Test("kill -9 of workflow-mcp mid-burst: after a restart every create answered 201 is there")
        func durability() async throws {
            try await Scenario.run("durability under kill -9", withRepository: false) { scenario, _ in
                let acknowledged = Box<[String]>([])
                let burstReached = try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            for round in 0..<10_000 {
                                guard let created = try? await scenario.create(title: "burst \(worker)-\(round)") else { return }
                                guard created.status == 201, let id = created.item?.id else { return }
                                acknowledged.mutate { $0.append(id) }
                            }
                        }
                    }
                    // Kill even when the burst never got going, so the workers end; the test then fails below.
                    let reached = await eventually(timeout: .seconds(30)) { acknowledged.mutate { $0.count } >= 300 }
                    await scenario.pair.workflow.kill()
                    try await group.waitForAll()
                    return reached
                }
                let ids = acknowledged.value
                // Without acknowledged creates there is nothing to lose, and the check below would pass on nothing.
                scenario.expect(burstReached && ids.count >= 300, "at least 300 creates acknowledged before the kill (\(ids.count))")
                scenario.expect(scenario.pair.workflow.lastExit == .signalled(SIGKILL), "workflow-mcp was killed with SIGKILL")
                try await scenario.pair.workflow.restart()
                var missing: [String] = []
                for id in ids where try await scenario.getItem(id).status != 200 { missing.append(id) }
                scenario.expect(missing.isEmpty, "all \(ids.count) acknowledged creates survive; missing: \(missing.prefix(5))")
            }
        }
    }
}
