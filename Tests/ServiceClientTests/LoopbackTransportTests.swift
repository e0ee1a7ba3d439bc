import Foundation
import Logging
import NIOHTTP1
import ServiceClientTesting
import Testing

@testable import ServiceClient
import ServiceClientTesting

/// Calls over real loopback sockets: refused, hanging, oversized, and the breaker and retries around them.
@Suite("Peer calls over loopback sockets", .serialized)
struct LoopbackTransportTests {
    func makeConnection(_ url: String, configure: (inout PeerConnectionConfiguration) -> Void = { _ in }) -> PeerConnection {
        var configuration = PeerConnectionConfiguration(urls: url)
        configure(&configuration)
        return PeerConnection(peerName: "stub", configuration: configuration, logger: .quiet)
    }

    func elapsed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
        let start = ContinuousClock.now
        let value = try await body()
        return (value, start.duration(to: .now))
    }

    @Test("a call to a closed port fails in well under 100 ms: no hidden connect retries")
    func closedPortFailsFast() async throws {
        let port = try await StubHTTPServer.closedPort()
        let transport = HTTPTransport()
        // The best of three, so that a scheduling hiccup on a loaded machine is not mistaken for a retry loop
        // (which would take the 1 s connect timeout).
        var fastest = Duration.seconds(60)
        for _ in 0..<3 {
            let (result, took) = await self.elapsed {
                await Result.capture {
                    try await transport.send(
                        to: "http://127.0.0.1:\(port)",
                        PeerRequest(method: .GET, path: "/health"),
                        deadline: .now.advanced(by: .seconds(5)),
                        timeout: .seconds(5),
                        maxBodyBytes: 1024
                    )
                }
            }
            #expect(throws: PeerError.connectionRefused(url: "http://127.0.0.1:\(port)")) { try result.get() }
            fastest = min(fastest, took)
        }
        #expect(fastest < .milliseconds(100), "fastest of three took \(fastest)")
        try await transport.shutdown()
    }

    @Test("a call to a port that accepts and never answers fails at its deadline, within 100 ms of it")
    func hangingPeerTimesOut() async throws {
        let server = try await StubHTTPServer.start { head in head.uri == "/warm" ? .respond(status: 200, body: "{}") : .hang }
        let transport = HTTPTransport()
        // Warm the client up first, so that what is timed is the deadline alone.
        _ = try await transport.send(
            to: server.url,
            PeerRequest(method: .GET, path: "/warm"),
            deadline: .now.advanced(by: .seconds(5)),
            timeout: .seconds(5),
            maxBodyBytes: 1024
        )
        let (result, took) = await self.elapsed {
            await Result.capture {
                try await transport.send(
                    to: server.url,
                    PeerRequest(method: .GET, path: "/slow"),
                    deadline: .now.advanced(by: .milliseconds(300)),
                    timeout: .milliseconds(300),
                    maxBodyBytes: 1024
                )
            }
        }
        #expect(throws: PeerError.timeout(url: server.url, after: .milliseconds(300))) { try result.get() }
        #expect(took >= .milliseconds(300) && took < .milliseconds(400), "took \(took)")
        try await transport.shutdown()
        try await server.stop()
    }

    @Test("a body over the cap fails cleanly")
    func bodyOverCap() async throws {
        let big = String(repeating: "x", count: 2 * 1024 * 1024)
        let server = try await StubHTTPServer.start { _ in .respond(status: 200, body: big) }
        let transport = HTTPTransport()
        let result = await Result.capture {
            try await transport.send(
                to: server.url,
                PeerRequest(method: .GET, path: "/big"),
                deadline: .now.advanced(by: .seconds(5)),
                timeout: .seconds(5),
                maxBodyBytes: 1024 * 1024
            )
        }
        #expect(throws: PeerError.bodyTooLarge(url: server.url, limit: 1024 * 1024)) { try result.get() }
        // The transport is still usable afterwards.
        let small = try await StubHTTPServer.start { _ in .respond(status: 200, body: "{}") }
        let ok = try await transport.send(
            to: small.url,
            PeerRequest(method: .GET, path: "/"),
            deadline: .now.advanced(by: .seconds(5)),
            timeout: .seconds(5),
            maxBodyBytes: 1024
        )
        #expect(ok.status == 200)
        try await transport.shutdown()
        try await server.stop()
        try await small.stop()
    }

    @Test("a 404 on a lookup is an answer, not a failure: the breaker stays closed")
    func notFoundIsAnAnswer() async throws {
        let server = try await StubHTTPServer.start { _ in
            .respond(status: 404, body: #"{"error":"chunk_not_found","message":"Chunk 'c_1' not found","details":{}}"#)
        }
        let connection = self.makeConnection(server.url)
        let client = CodebaseClient(connection: connection)
        for _ in 0..<8 {
            #expect(try await client.chunk(id: "c_1") == nil)
        }
        #expect(connection.pool.breaker(for: server.url)?.circuitState == .closed)
        #expect(connection.pool.breaker(for: server.url)?.consecutiveFailures == 0)
        #expect(server.requestPaths.count == 8)
        try await connection.shutdown()
        try await server.stop()
    }

    @Test("a 5xx is retried up to 3 attempts for a read-only lookup, and counts as a failure")
    func serverErrorRetried() async throws {
        let server = try await StubHTTPServer.start { _ in .respond(status: 500, body: "oops") }
        let connection = self.makeConnection(server.url)
        // What is tested is the number of attempts, so the deadline is generous enough for a loaded machine.
        var deadlines = PeerDeadlines()
        deadlines.referenceCheck = .seconds(5)
        let client = CodebaseClient(connection: connection, deadlines: deadlines)
        await #expect(throws: PeerError.serverError(url: server.url, status: 500)) {
            try await client.lookup(chunkIDs: ["c_1"])
        }
        #expect(server.requestPaths == ["/mcp/chunks/lookup", "/mcp/chunks/lookup", "/mcp/chunks/lookup"])
        #expect(connection.pool.breaker(for: server.url)?.consecutiveFailures == 3)
        #expect(connection.isUnreachable)
        try await connection.shutdown()
        try await server.stop()
    }

    @Test("a refused endpoint fails over to the next at once, for a create too, with no retry taken from the budget")
    func refusedFailsOver() async throws {
        let closed = try await StubHTTPServer.closedPort()
        let server = try await StubHTTPServer.start { _ in .respond(status: 201, body: Self.createdItem) }
        let connection = self.makeConnection("http://127.0.0.1:\(closed),\(server.url)") { $0.retryBudget.minimumRetries = 0 }
        let client = WorkflowClient(connection: connection)
        for _ in 0..<3 {
            // Not idempotent (no key), and no retry allowed: only a fail-over can make this succeed.
            _ = try await client.createWorkItem(.init(title: "t"))
        }
        #expect(server.requestPaths.count == 3)
        try await connection.shutdown()
        try await server.stop()
    }

    static let createdItem = """
        {"id": "wi_1", "title": "t", "description": "", "item_type": "task", "status": "planned", "parent_id": null,
         "entity_references": [], "metadata": {}, "version": 1, "created_at": "2026-11-29T00:00:00.000Z",
         "updated_at": "2026-11-29T00:00:00.000Z", "deleted_at": null, "valid_references": [], "stale_references": [],
         "unverified_references": [], "references_checked_at": null, "warnings": []}
        """

    @Test("a create without an idempotency key is sent once, even when it fails")
    func createNotRetried() async throws {
        let server = try await StubHTTPServer.start { _ in .respond(status: 503, body: "busy") }
        let connection = self.makeConnection(server.url)
        let client = WorkflowClient(connection: connection)
        await #expect(throws: PeerError.self) { try await client.createWorkItem(.init(title: "t")) }
        #expect(server.requestPaths.count == 1)
        await #expect(throws: PeerError.self) { try await client.createWorkItem(.init(title: "t"), idempotencyKey: "k") }
        #expect(server.requestPaths.count == 4)
        try await connection.shutdown()
        try await server.stop()
    }

    @Test("a body that is not the expected JSON is a failure, and is not retried")
    func garbageBody() async throws {
        let server = try await StubHTTPServer.start { _ in .respond(status: 200, body: "<html>not json</html>") }
        let connection = self.makeConnection(server.url)
        let client = CodebaseClient(connection: connection)
        let result = await Result.capture { try await client.lookup(chunkIDs: ["c_1"]) }
        guard case .failure(PeerError.invalidResponse) = result else {
            Issue.record("expected invalidResponse, got \(result)")
            return
        }
        #expect(server.requestPaths.count == 1)
        #expect(connection.pool.breaker(for: server.url)?.consecutiveFailures == 1)
        try await connection.shutdown()
        try await server.stop()
    }

    @Test("after 5 failed calls the breaker opens and calls fail fast without touching the network")
    func breakerOpensAndFailsFast() async throws {
        let port = try await StubHTTPServer.closedPort()
        let url = "http://127.0.0.1:\(port)"
        let connection = self.makeConnection(url) { $0.retry.maxAttempts = 1 }
        let client = CodebaseClient(connection: connection)
        for _ in 0..<5 {
            await #expect(throws: PeerError.connectionRefused(url: url)) { try await client.lookup(chunkIDs: ["c"]) }
        }
        #expect(connection.pool.breaker(for: url)?.circuitState == .open)
        let (result, took) = await self.elapsed { await Result.capture { try await client.lookup(chunkIDs: ["c"]) } }
        guard case .failure(PeerError.circuitOpen(let wait)) = result else {
            Issue.record("expected circuitOpen, got \(result)")
            return
        }
        #expect(wait > .zero)
        #expect(took < .milliseconds(10), "took \(took)")
        #expect(connection.dependencyHealth.circuit == .open)
        try await connection.shutdown()
    }

    @Test("an open breaker fails the call at once even when retries and budget are left: no backoff sleep")
    func openBreakerIsNotRetried() async throws {
        let port = try await StubHTTPServer.closedPort()
        let url = "http://127.0.0.1:\(port)"
        var configuration = PeerConnectionConfiguration(urls: url)
        configuration.retryBudget.minimumRetries = 1000
        // The longest backoff the policy allows (just under 25 ms for a first retry), were the open breaker retried.
        let connection = PeerConnection(peerName: "stub", configuration: configuration, random: FixedRandomSource(0.99), logger: .quiet)
        let client = CodebaseClient(connection: connection)
        for _ in 0..<5 {
            await #expect(throws: PeerError.self) { try await client.lookup(chunkIDs: ["c"]) }
        }
        #expect(connection.pool.breaker(for: url)?.circuitState == .open)
        let (result, took) = await self.elapsed { await Result.capture { try await client.lookup(chunkIDs: ["c"]) } }
        guard case .failure(PeerError.circuitOpen) = result else {
            Issue.record("expected circuitOpen, got \(result)")
            return
        }
        #expect(took < .milliseconds(10), "took \(took)")
        try await connection.shutdown()
    }

    @Test("the caller's cancellation is not a failure")
    func cancellationNotAFailure() async throws {
        let server = try await StubHTTPServer.start { _ in .hang }
        let connection = self.makeConnection(server.url)
        let client = CodebaseClient(connection: connection)
        let call = Task { try await client.lookup(chunkIDs: ["c"]) }
        await yieldUntil("the request reaches the server") { !server.requestPaths.isEmpty }
        call.cancel()
        await #expect(throws: PeerError.cancelled) { try await call.value }
        #expect(connection.pool.breaker(for: server.url)?.consecutiveFailures == 0)
        #expect(!connection.isUnreachable)
        try await connection.shutdown()
        try await server.stop()
    }

    @Test("a hanging peer costs one deadline, not one per attempt")
    func hangingPeerOneDeadline() async throws {
        let server = try await StubHTTPServer.start { _ in .hang }
        let connection = self.makeConnection(server.url)
        let client = CodebaseClient(connection: connection)
        let (result, took) = await self.elapsed { await Result.capture { try await client.lookup(chunkIDs: ["c"]) } }
        #expect(throws: PeerError.timeout(url: server.url, after: .milliseconds(500))) { try result.get() }
        #expect(took >= .milliseconds(500) && took < .milliseconds(600), "took \(took)")
        #expect(server.requestPaths.count == 1)
        try await connection.shutdown()
        try await server.stop()
    }

    @Test("the typed clients decode real answers")
    func decodesAnswers() async throws {
        let server = try await StubHTTPServer.start { head in
            switch head.uri {
            case "/mcp/chunks/lookup": .respond(status: 200, body: #"{"found":["c_1"],"missing":["c_2"]}"#)
            case "/health":
                .respond(
                    status: 200,
                    body:
                        #"{"status":"healthy","service":"codebase-mcp","version":"0.1.0","uptime_seconds":1.5,"database":{"status":"ok"},"dependencies":{}}"#
                )
            default: .respond(status: 404, body: #"{"error":"not_found","message":"no","details":{}}"#)
            }
        }
        let connection = self.makeConnection(server.url)
        let answer = try await CodebaseClient(connection: connection).lookup(chunkIDs: ["c_1", "c_2"])
        #expect(answer == ChunkLookupResponse(found: ["c_1"], missing: ["c_2"]))
        await connection.health.checkAll()
        #expect(connection.dependencyHealth.status == .reachable)
        try await connection.shutdown()
        try await server.stop()
    }
}

extension Result where Failure == any Error {
    /// The value or error of an async throwing body.
    static func capture(_ body: () async throws -> Success) async -> Result {
        do {
            return .success(try await body())
        } catch {
            return .failure(error)
        }
    }
}
