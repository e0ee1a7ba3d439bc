import CodebaseService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServerKit
import ServiceClient
import Testing
import WorkflowService

/// docs/security.md on both services alike: Host and Origin checks, JSON bodies only, the bearer token, and no open
/// bind beyond loopback. Each case runs against both services.
@Suite("Who may call the services")
struct SecurityTests {
    enum Service: String, CaseIterable, Sendable {
        case workflow, codebase

        /// A JSON route that writes: what a hostile page would aim at.
        var writePath: String { self == .workflow ? "/mcp/work_items" : "/mcp/index" }
        var writeBody: String { self == .workflow ? #"{"title": "from a page"}"# : #"{}"# }
        var readPath: String { self == .workflow ? "/mcp/work_items" : "/mcp/chunks/c_none" }
    }

    struct Settings: Sendable {
        var host = "127.0.0.1"
        var token: String?
        var peerToken: String?
        var peerURL = "http://127.0.0.1:1"
        var allowedHosts: [String] = []
        var insecureNoAuth = false
    }

    static func build(_ service: Service, _ settings: Settings, directory: URL) async throws -> any ApplicationProtocol {
        switch service {
        case .workflow:
            var configuration = WorkflowConfiguration(host: settings.host, port: 0, databasePath: directory.appendingPathComponent("w.sqlite").path, codebaseURL: settings.peerURL)
            configuration.server.logLevel = .critical
            configuration.server.authToken = settings.token
            configuration.peerToken = settings.peerToken
            configuration.server.allowedHosts = settings.allowedHosts
            configuration.server.insecureNoAuth = settings.insecureNoAuth
            return try await WorkflowService.buildApplication(configuration)
        case .codebase:
            var configuration = CodebaseConfiguration(host: settings.host, port: 0, databasePath: directory.appendingPathComponent("c.sqlite").path, workflowURL: settings.peerURL)
            configuration.server.logLevel = .critical
            configuration.server.authToken = settings.token
            configuration.peerToken = settings.peerToken
            configuration.server.allowedHosts = settings.allowedHosts
            configuration.server.insecureNoAuth = settings.insecureNoAuth
            configuration.repositories = [OpenAPIDocument.packageRoot.appendingPathComponent("fixtures/sample-repo").path]
            configuration.indexOnStartup = false
            return try await CodebaseService.buildApplication(configuration)
        }
    }

    static func with(_ service: Service, _ settings: Settings = .init(), _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("security-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await self.build(service, settings, directory: directory).test(.live, body)
    }

    /// Sends one request naming `authority` as its host, which the framework's test client cannot.
    static func send(
        to client: any TestClientProtocol,
        authority: String,
        _ method: HTTPRequest.Method,
        _ path: String,
        headers: HTTPFields = [:],
        body: String? = nil
    ) async throws -> (status: HTTPResponse.Status, body: ByteBuffer) {
        let port = try #require(client.port)
        return try await TestClient.withClient(host: "127.0.0.1", port: port) { raw in
            let response = try await raw.execute(.init(path, method: method, authority: authority, headers: headers, body: body.map { ByteBuffer(string: $0) }))
            return (response.head.status, response.body ?? ByteBuffer())
        }
    }

    static func errorCode(_ response: TestResponse) -> String? {
        (try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body.readableBytesView)))?.error
    }

    @Test("a text/plain body from a foreign page, naming a foreign host, writes nothing", arguments: Service.allCases)
    func hostilePage(service: Service) async throws {
        try await Self.with(service) { client in
            let cases: [(HTTPFields, HTTPResponse.Status, String)] = [
                ([.contentType: "text/plain", .origin: "http://evil.example"], .forbidden, "forbidden_origin"),
                ([.contentType: "text/plain"], .unsupportedMediaType, "unsupported_media_type"),
                ([.contentType: "application/x-www-form-urlencoded"], .unsupportedMediaType, "unsupported_media_type"),
                ([.contentType: "application/json", .origin: "null"], .forbidden, "forbidden_origin"),
            ]
            for (headers, status, code) in cases {
                let response = try await client.execute(uri: service.writePath, method: .post, headers: headers, body: ByteBuffer(string: service.writeBody))
                #expect(response.status == status, "\(headers)")
                #expect(Self.errorCode(response) == code, "\(headers)")
            }
            // DNS rebinding: a page of evil.example whose name now points at 127.0.0.1.
            let rebound = try await Self.send(
                to: client,
                authority: "evil.example:8010",
                .post,
                service.writePath,
                headers: [.contentType: "application/json"],
                body: service.writeBody
            )
            #expect(rebound.status == .forbidden)
            #expect((try? JSONDecoder().decode(ErrorBody.self, from: Data(rebound.body.readableBytesView)))?.error == "forbidden_host")
            // The same request from a loopback page, with a JSON body, is served.
            let allowed = try await client.execute(
                uri: service.writePath,
                method: .post,
                headers: [.contentType: "application/json; charset=utf-8", .origin: "http://localhost:5173"],
                body: ByteBuffer(string: service.writeBody)
            )
            #expect(allowed.status.code < 300, "\(String(buffer: allowed.body))")
        }
    }

    @Test("a host listed with --allowed-host is served; any other name is refused", arguments: Service.allCases)
    func allowedHosts(service: Service) async throws {
        var settings = Settings()
        settings.allowedHosts = ["workflow", "codebase"]
        try await Self.with(service, settings) { client in
            for (authority, status) in [("codebase:8020", HTTPResponse.Status.ok), ("workflow", .ok), ("localhost:1", .ok), ("[::1]:8010", .ok), ("127.0.0.2:8010", .ok), ("codebase.evil:1", .forbidden), ("127.evil.example", .forbidden), ("127.0.0.1.nip.io", .forbidden)] {
                let response = try await Self.send(to: client, authority: authority, .get, "/health")
                #expect(response.status == status, "\(authority)")
            }
        }
    }

    @Test("with a token, every route but /health needs it; /health tells only its status without it", arguments: Service.allCases)
    func token(service: Service) async throws {
        var settings = Settings()
        settings.token = "s3cret-token"
        try await Self.with(service, settings) { client in
            for authorization in [nil, "Bearer wrong", "Bearer s3cret-toke", "Bearer s3cret-token-and-more", "s3cret-token", "Basic s3cret-token"] as [String?] {
                var headers: HTTPFields = [:]
                if let authorization { headers[.authorization] = authorization }
                let read = try await client.execute(uri: service.readPath, method: .get, headers: headers)
                #expect(read.status == .unauthorized, "\(authorization ?? "none")")
                #expect(Self.errorCode(read) == "unauthorized")
                let mcp = try await client.execute(
                    uri: "/mcp",
                    method: .post,
                    headers: headers.merging([.contentType: "application/json"]),
                    body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
                )
                #expect(mcp.status == .unauthorized)
            }
            let trusted = try await client.execute(uri: service.readPath, method: .get, headers: [.authorization: "Bearer s3cret-token"])
            #expect(trusted.status != .unauthorized)
            let anonymous = try await client.execute(uri: "/health", method: .get)
            #expect(anonymous.status == .ok)
            #expect(String(buffer: anonymous.body) == #"{"status":"degraded"}"#)
            let full = try await client.execute(uri: "/health", method: .get, headers: [.authorization: "bearer s3cret-token"])
            #expect(String(buffer: full.body).contains(#""database""#))
        }
    }

    @Test("binding beyond loopback needs a token or --insecure-no-auth", arguments: Service.allCases)
    func openBind(service: Service) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("security-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var settings = Settings()
        settings.host = "0.0.0.0"
        await #expect(throws: (any Error).self) { _ = try await Self.build(service, settings, directory: directory) }
        settings.insecureNoAuth = true
        try await Self.build(service, settings, directory: directory).test(.live) { client in let health = try await client.execute(uri: "/health", method: .get); #expect(health.status == .ok) }
        settings.insecureNoAuth = false
        settings.token = "t"
        try await Self.build(service, settings, directory: directory).test(.live) { client in let health = try await client.execute(uri: "/health", method: .get); #expect(health.status == .ok) }
    }

    @Test("each service sends its peer's token: with it references are checked, without it they stay unverified")
    func peerToken() async throws {
        var codebase = Settings()
        codebase.token = "codebase-token"
        try await Self.with(.codebase, codebase) { codebaseClient in
            let codebaseURL = "http://127.0.0.1:\(try #require(codebaseClient.port))"
            for (token, checked) in [("codebase-token", true), (nil, false), ("wrong", false)] as [(String?, Bool)] {
                var workflow = Settings()
                workflow.peerURL = codebaseURL
                workflow.peerToken = token
                try await Self.with(.workflow, workflow) { client in
                    let response = try await client.execute(
                        uri: "/mcp/work_items",
                        method: .post,
                        headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: #"{"title": "t", "entity_references": ["c_x"]}"#)
                    )
                    let item = try ContractCoding.makeDecoder().decode(WorkItem.self, from: Data(response.body.readableBytesView))
                    #expect(item.staleReferences == (checked ? ["c_x"] : []), "token \(token ?? "none")")
                    #expect(item.unverifiedReferences == (checked ? [] : ["c_x"]), "token \(token ?? "none")")
                }
            }
        }
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged[field.name] = field.value }
        return merged
    }
}
