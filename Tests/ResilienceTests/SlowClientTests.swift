import Foundation
import ServiceClient
import ServiceHarness
import Testing

extension Resilience {
    /// Issue 11, defect 1: slow clients are cut off at the request deadline, and connections beyond the cap are
    /// refused with a clear answer, on the real binaries.
    @Suite("Slow and numerous clients")
    struct SlowClients {
        static func withServer(_ name: String, _ arguments: [String], _ body: (ServerProcess) async throws -> Void) async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slow-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let executable = name == "workflow" ? Binaries.workflow : Binaries.codebase
            let peer = name == "workflow" ? "--codebase-url" : "--workflow-url"
            let server = ServerProcess(
                ServerSpec(
                    name: "\(name)-mcp",
                    executable: executable,
                    arguments: ["--database", directory.appendingPathComponent("db.sqlite").path, peer, "http://127.0.0.1:1"] + arguments,
                    logURL: directory.appendingPathComponent("log")
                )
            )
            try await server.start()
            defer { Task { await server.kill() } }
            try await body(server)
            await server.kill()
        }

        @Test("half a head, or a head and a trickle of body, is cut off at the request deadline", arguments: ["workflow", "codebase"])
        func slowRequests(service: String) async throws {
            try await Self.withServer(service, ["--request-timeout", "1"]) { server in
                let slowHead = try RawSocket(port: server.port)
                #expect(slowHead.send("POST /mcp/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: appl"))
                let slowBody = try RawSocket(port: server.port)
                #expect(slowBody.send("POST /mcp/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"q"))
                let started = ContinuousClock.now
                // One more byte a little later: the deadline runs from the first byte, not the last.
                try await Task.sleep(for: .milliseconds(600))
                _ = slowBody.send("u")
                let head = slowHead.readToEnd()
                let body = slowBody.readToEnd()
                let took = started.duration(to: .now)
                #expect(head.closed && body.closed, "both connections closed")
                #expect(took < .seconds(3), "closed at the 1 s deadline, not the idle timeout (took \(took))")
                // A prompt client on a fresh connection is served as ever.
                let health = try await HTTP.get("\(server.url)/health")
                #expect(health.status == 200)
            }
        }

        @Test("connections beyond --max-connections get 503 with the error body and are closed, but /health still answers", arguments: ["workflow", "codebase"])
        func connectionCap(service: String) async throws {
            try await Self.withServer(service, ["--max-connections", "4", "--request-timeout", "30"]) { server in
                let held = try (0..<4).map { _ in try RawSocket(port: server.port) }
                // Each has been answered once, so the server has counted each (connections are counted on the event
                // loop that accepted them, and a fifth could otherwise be counted before the fourth), and each stays
                // open: keep-alive, then a byte of a next request.
                for socket in held {
                    #expect(socket.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"))
                    let answer = socket.readSome()
                    #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
                    #expect(socket.send("G"))
                }
                let refused = try RawSocket(port: server.port)
                #expect(refused.send("POST /mcp/search HTTP/1.1\r\nHost: 127.0.0.1\r\n"))
                let answer = refused.readToEnd()
                #expect(answer.text.hasPrefix("HTTP/1.1 503"), "\(answer.text)")
                #expect(answer.text.contains(#""error":"too_many_connections""#))
                #expect(answer.text.contains("Retry-After: 1"))
                #expect(answer.closed)
                // /health still answers over the cap: a supervisor must not restart a server that is only busy.
                let probe = try RawSocket(port: server.port)
                #expect(probe.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
                let health = probe.readToEnd()
                #expect(health.text.hasPrefix("HTTP/1.1 200"), "\(health.text)")
                _ = held
            }
        }
    
        @Test("request bodies held at once stay within --max-body-memory: the body that would go beyond is not taken in", arguments: ["workflow"])
        func bodyBudget(service: String) async throws {
            try await Self.withServer(service, ["--max-body-memory", "1", "--request-timeout", "30"]) { server in
                let chunk = String(repeating: "x", count: 400_000)
                var sockets: [RawSocket] = []
                var closed = 0
                for _ in 0..<4 {
                    let socket = try RawSocket(port: server.port, readTimeout: .seconds(2))
                    _ = socket.send("POST /mcp/work_items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
                    _ = socket.send(chunk)
                    sockets.append(socket)
                }
                // 4 × 400 kB against a 1 MiB budget: at least one connection is closed before its body is taken in.
                for socket in sockets where socket.readToEnd().closed { closed += 1 }
                #expect(closed >= 1, "no connection was closed")
                #expect(closed < 4, "the first bodies within the budget are held")
                let health = try await HTTP.get("\(server.url)/health")
                #expect(health.status == 200)
            }
        }
    }
}
