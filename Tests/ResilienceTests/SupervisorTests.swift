import Foundation
import Logging
import ServiceClient
import ServiceHarness
import Synchronization
import Testing

extension Resilience {
    @Suite("Supervisor")
    struct SupervisorScenario {
        @Test("a killed server is restarted with backoff and serves its data again; it gives up after the maximum")
        func supervisor() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("supervised-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let server = ServerProcess(
                ServerSpec(
                    name: "workflow-mcp",
                    executable: Binaries.workflow,
                    arguments: ["--database", directory.appendingPathComponent("w.sqlite").path, "--codebase-url", "http://127.0.0.1:1"],
                    logURL: directory.appendingPathComponent("w.log")
                )
            )
            var backoff = RestartBackoffConfiguration()
            backoff.base = .milliseconds(200)
            backoff.minimum = .milliseconds(200)
            backoff.jitter = 0
            backoff.maxAttempts = 2
            var logger = Logger(label: "supervisor")
            logger.logLevel = .critical
            let supervisor = Supervisor(server: server, configuration: backoff, logger: logger)
            try await supervisor.start()
            defer { Task { await server.kill() } }
            let created = try await HTTP.post("\(server.url)/mcp/work_items", #"{"title": "survives restarts"}"#)
            let id = try #require(try created.decode(WorkItem.self).id)

            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await supervisor.supervise() }
                for expectedRestarts in 1...2 {
                    let before = server.pid
                    let killedAt = ContinuousClock.now
                    await server.kill()
                    let restarted = try await eventually(timeout: .seconds(20)) {
                        supervisor.state == .running(restarts: expectedRestarts) && server.pid != before
                    }
                    #expect(restarted, "restart \(expectedRestarts): \(supervisor.state)\n\(server.logTail())")
                    // Backoff: 200 ms before the first restart, 400 ms before the second.
                    #expect(killedAt.duration(to: .now) >= .milliseconds(200 << (expectedRestarts - 1)))
                    #expect(supervisor.attempts == expectedRestarts)
                    let read = try await HTTP.get("\(server.url)/mcp/work_items/\(id)")
                    #expect(read.status == 200, "the restarted server serves its data: \(read)")
                }
                await server.kill()
                let gaveUp = await eventually(timeout: .seconds(10)) {
                    if case .gaveUp = supervisor.state { return true }
                    return false
                }
                #expect(gaveUp, "gives up after the maximum attempts: \(supervisor.state)")
                #expect(!server.isRunning)
                try await group.waitForAll()
            }
        }

    }
}
