import Foundation
import NIOHTTP1
import ServiceClient
import ServiceClientTesting
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
    
        @Test("codebase-mcp: an index job that cannot write answers 503 storage_unavailable, search goes on, and it recovers", .enabled(if: getuid() == 0, "mounting a tmpfs needs root (CI runs as root)"))
        func fullDiskIndex() async throws {
            let mount = FileManager.default.temporaryDirectory.appendingPathComponent("full-\(UUID().uuidString.prefix(8))")
            let repository = FileManager.default.temporaryDirectory.appendingPathComponent("bigrepo-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: repository, withIntermediateDirectories: true)
            // About 2 MB of distinct text: its index does not fit in 1 MiB.
            for file in 0..<400 {
                let lines = (0..<100).map { "def function_\(file)_\($0)(argument): return argument * \(file * 1000 + $0)  # zebra\(file)" }
                try lines.joined(separator: "\n").write(to: repository.appendingPathComponent("module_\(file).py"), atomically: true, encoding: .utf8)
            }
            try #require(Self.run("mount -t tmpfs -o size=1m tmpfs '\(mount.path)'") == 0, "could not mount a tmpfs at \(mount.path)")
            defer {
                _ = Self.run("umount -l '\(mount.path)'")
                try? FileManager.default.removeItem(at: mount)
                try? FileManager.default.removeItem(at: repository)
            }
            let server = ServerProcess(
                ServerSpec(
                    name: "codebase-mcp",
                    executable: Binaries.codebase,
                    arguments: [
                        "--database", mount.appendingPathComponent("codebase.sqlite").path, "--repo", repository.path,
                        "--workflow-url", "http://127.0.0.1:1", "--no-startup-index",
                    ],
                    logURL: FileManager.default.temporaryDirectory.appendingPathComponent("full-\(UUID().uuidString.prefix(8)).log")
                )
            )
            try await server.start()
            defer { Task { await server.kill() } }

            let index = try await HTTP.send(.POST, "\(server.url)/mcp/index", json: #"{"wait": true}"#, timeout: .seconds(60))
            #expect(index.status == 503, "\(index)")
            #expect((try? index.decode(ErrorBody.self))?.error == "storage_unavailable", "\(index)")
            let search = try await HTTP.post("\(server.url)/mcp/search", #"{"query": "zebra7"}"#)
            #expect(search.status == 200, "search goes on: \(search)")
            let health = try await HTTP.get("\(server.url)/health").decode(HealthResponse.self)
            #expect(health.status == "degraded" && health.database.status == "full", "\(health)")

            try #require(Self.run("mount -o remount,size=64m '\(mount.path)'") == 0)
            let recovered = try await eventually(timeout: .seconds(10)) {
                (try? await HTTP.get("\(server.url)/health").decode(HealthResponse.self))?.database.status == "ok"
            }
            #expect(recovered, "health back to ok")
            let again = try await HTTP.send(.POST, "\(server.url)/mcp/index", json: #"{"wait": true}"#, timeout: .seconds(60))
            #expect(again.status == 200, "\(again)")
            let found = try await HTTP.post("\(server.url)/mcp/search", #"{"query": "zebra7"}"#).decode(SearchResponse.self)
            #expect(found.totalCount >= 1)
            await server.kill()
        }
    }
}
