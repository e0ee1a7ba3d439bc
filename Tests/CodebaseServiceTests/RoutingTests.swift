import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import ServiceClient
import Synchronization
import ServerKit
import Testing

@testable import CodebaseCore
@testable import CodebaseService

@Suite("Routes, health and metrics")
struct RoutingTests {
    @Test("an unknown route answers 404 not_found with the error body")
    func unknownRoute() async throws {
        try await withFixtureApp { client, _, _ in
            // `/mcp` itself is the MCP endpoint (GET answers 405 there; see MCPTests).
            for path in ["/nope", "/mcp/nothing", "/mcp/chunks", "/mcp/index/jobs"] {
                let error = try await client.send(.get, path).errorBody(.notFound)
                #expect(error.error == "not_found", "\(path)")
            }
        }
    }

    @Test(
        "a known route with another method answers 405 method_not_allowed",
        arguments: [
            (HTTPRequest.Method.get, "/mcp/search"), (.delete, "/mcp/search"), (.put, "/mcp/chunks/lookup"), (.post, "/mcp/chunks/c_1"),
            (.put, "/mcp/index"), (.delete, "/mcp/index/jobs/job_1"), (.post, "/health"), (.post, "/metrics"),
        ]
    )
    func wrongMethod(method: HTTPRequest.Method, path: String) async throws {
        try await withFixtureApp { client, _, _ in
            let error = try await client.send(method, path).errorBody(.methodNotAllowed)
            #expect(error.error == "method_not_allowed")
        }
    }

    @Test("health reports the database and workflow-mcp as a dependency")
    func health() async throws {
        try await withFixtureApp { client, _, _ in
            let response = try await client.send(.get, "/health")
            #expect(response.status == .ok)
            let health = try response.decode(HealthResponse.self)
            #expect(health.service == "codebase-mcp")
            #expect(health.database.status == "ok")
            #expect(health.dependencies["workflow-mcp"] != nil)
            #expect(health.status == "healthy" || health.status == "degraded")
        }
    }

    @Test("metrics expose request counts and latency per route, and peer-call outcomes")
    func metrics() async throws {
        try await withFixtureApp { client, _, _ in
            _ = try await client.search("token")
            _ = try await client.send(.get, "/nope")
            let text = try await client.send(.get, "/metrics").text
            #expect(text.contains("http_requests_total{route=\"/mcp/search\",method=\"POST\",status=\"200\"}"))
            #expect(text.contains("http_request_duration_seconds_bucket{route=\"/mcp/search\",method=\"POST\""))
            #expect(text.contains("http_requests_total{route=\"NotFound\",method=\"GET\",status=\"404\"}"))
            #expect(text.contains("peer_calls_total{peer=\"workflow-mcp\""))
        }
    }

    @Test("start-up indexing runs in the background; the server answers meanwhile")
    func startupIndexing() async throws {
        let (directory, repository) = try makeFixtureCopy()
        defer { directory.remove() }
        let app = try await buildApplication(testConfiguration(directory, repositories: [repository]))
        try await app.test(.router) { client in
            #expect(try await client.send(.get, "/health").status == .ok)
            // Joins or queues behind the start-up job; answers once the index is complete.
            _ = try await client.reindex()
            #expect(try await client.search("ThreadingHTTPServer").totalCount > 0)
        }
    }

    @Test("the index survives a restart: same ids, nothing re-added")
    func restart() async throws {
        let (directory, repository) = try makeFixtureCopy()
        defer { directory.remove() }
        let configuration = testConfiguration(directory, repositories: [repository], indexOnStartup: false)
        let first = try await buildApplication(configuration)
        let ids = try await first.test(.router) { client in
            _ = try await client.reindex()
            return try await client.search("self", limit: 50).results.map(\.chunkID)
        }
        let second = try await buildApplication(configuration)
        try await second.test(.router) { client in
            #expect(try await client.lookup(ids).found == ids)
            let job = try await client.reindex()
            #expect(job.chunksAdded == 0 && job.filesChanged == 0)
        }
    }

    @Test("configuration errors: a missing repository directory, two repositories with one name")
    func configurationErrors() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: ConfigurationError.self) { try resolveRepositories([directory.path("missing")]) }
        try directory.write("a/same/x.py", "x = 1\n")
        try directory.write("b/same/y.py", "y = 1\n")
        #expect(throws: ConfigurationError.self) { try resolveRepositories([directory.path("a/same"), directory.path("b/same")]) }
        let one = try resolveRepositories([directory.path("a/same"), directory.path("a/same/")])
        #expect(one.count == 1 && one[0].name == "same")
    }
}
