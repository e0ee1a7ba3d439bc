import Foundation
import ServiceClient
import ServiceHarness
import Testing

extension Resilience {
    /// Issue 11, defect 5, on a real full file system: a 1 MiB tmpfs under the real workflow-mcp binary.
    @Suite("A full disk")
    struct DiskFull {
        static func run(_ command: String) -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            do { try process.run() } catch { return -1 }
            process.waitUntilExit()
            return process.terminationStatus
        }

        @Test("writes answer 503 storage_unavailable, reads and health go on, and it recovers when space returns", .enabled(if: getuid() == 0, "mounting a tmpfs needs root (CI runs as root)"))
        func fullDisk() async throws {
            let mount = FileManager.default.temporaryDirectory.appendingPathComponent("full-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
            try #require(Self.run("mount -t tmpfs -o size=1m tmpfs '\(mount.path)'") == 0, "could not mount a tmpfs at \(mount.path)")
            defer {
                _ = Self.run("umount -l '\(mount.path)'")
                try? FileManager.default.removeItem(at: mount)
            }
            let server = ServerProcess(
                ServerSpec(
                    name: "workflow-mcp",
                    executable: Binaries.workflow,
                    arguments: ["--database", mount.appendingPathComponent("workflow.sqlite").path, "--codebase-url", "http://127.0.0.1:1"],
                    logURL: FileManager.default.temporaryDirectory.appendingPathComponent("full-\(UUID().uuidString.prefix(8)).log")
                )
            )
            try await server.start()
            defer { Task { await server.kill() } }

            var acknowledged: [String] = []
            var refusal: Reply?
            let filler = String(repeating: "x", count: 20_000)
            for index in 0..<200 {
                let reply = try await HTTP.post("\(server.url)/mcp/work_items", try json(CreateWorkItemRequest(title: "item \(index)", description: filler)))
                if reply.status == 201, let id = reply.item?.id {
                    acknowledged.append(id)
                } else {
                    refusal = reply
                    break
                }
            }
            let refused = try #require(refusal, "the 1 MiB disk never filled")
            #expect(refused.status == 503, "\(refused)")
            #expect((try? refused.decode(ErrorBody.self))?.error == "storage_unavailable", "\(refused)")
            #expect(!acknowledged.isEmpty)

            let read = try await HTTP.get("\(server.url)/mcp/work_items/\(try #require(acknowledged.first))")
            #expect(read.status == 200, "reads go on")
            let health = try await HTTP.get("\(server.url)/health")
            #expect(health.status == 200)
            let report = try health.decode(HealthResponse.self)
            #expect(report.status == "degraded" && report.database.status == "full", "\(health)")

            // Space returns: the health check's probe notices, and writes succeed again without a restart.
            try #require(Self.run("mount -o remount,size=16m '\(mount.path)'") == 0)
            let recovered = try await eventually(timeout: .seconds(10)) {
                (try? await HTTP.get("\(server.url)/health").decode(HealthResponse.self))?.database.status == "ok"
            }
            #expect(recovered, "health back to ok")
            let after = try await HTTP.post("\(server.url)/mcp/work_items", try json(CreateWorkItemRequest(title: "after")))
            #expect(after.status == 201, "\(after)")
            for id in acknowledged {
                #expect(try await HTTP.get("\(server.url)/mcp/work_items/\(id)").status == 200, "acknowledged \(id) is there")
            }
            await server.kill()
        }
    }
}
