import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServerKit
import ServiceClient
import ServiceHarness
import Testing

@testable import WorkflowCore
@testable import WorkflowService

/// The two stores every store and API test runs on, so neither can drift from the other.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { self.rawValue }
}

/// A temporary directory removed when the test ends, and the test's own database: a SQLite file in the directory,
/// or a new database on the test process's PostgreSQL cluster (`PostgresCluster.shared()`).
struct TemporaryDirectory {
    let url: URL
    /// What `--database` is set to: the SQLite file's path or the PostgreSQL database's URL.
    let database: String

    init(store: StoreKind = .sqlite) throws {
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent("workflow-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
        switch store {
        case .sqlite: self.database = self.url.appendingPathComponent("workflow.sqlite").path
        // Throws with the reason when PostgreSQL cannot start, failing the test: it never passes on SQLite alone.
        case .postgres: self.database = try PostgresCluster.shared().createDatabase()
        }
    }

    func path(_ name: String) -> String { self.url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: self.url) }
}

/// A configuration on a fresh database, talking to `codebaseURL` (a closed port by default).
func testConfiguration(_ directory: TemporaryDirectory, codebaseURL: String = "http://127.0.0.1:1") -> WorkflowConfiguration {
    var configuration = WorkflowConfiguration(port: 0, databasePath: directory.database, codebaseURL: codebaseURL)
    configuration.server.logLevel = .critical
    return configuration
}

/// Runs `body` against a live workflow-mcp on a fresh database of `store` (or `directory`'s database).
func withWorkflow(
    store: StoreKind = .sqlite,
    codebaseURL: String = "http://127.0.0.1:1",
    directory: TemporaryDirectory? = nil,
    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
) async throws {
    let owned = directory == nil
    let directory = try directory ?? TemporaryDirectory(store: store)
    defer { if owned { directory.remove() } }
    let configuration = testConfiguration(directory, codebaseURL: codebaseURL)
    let app = try await buildApplication(configuration)
    try await app.test(.live) { client in try await body(client) }
}

let decoder = ContractCoding.makeDecoder()

extension TestResponse {
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try ContractCoding.decode(type, from: Data(self.body.readableBytesView))
    }

    var text: String { String(buffer: self.body) }
}

extension TestClientProtocol {
    /// Sends `json` (a string, sent as is) and returns the response.
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if json != nil { headers[.contentType] = "application/json" }
        return try await self.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Creates an item from `json` and returns it, expecting 201.
    func create(_ json: String, headers: HTTPFields = [:]) async throws -> WorkItem {
        let response = try await self.send(.post, "/mcp/work_items", json: json, headers: headers)
        #expect(response.status == .created, "\(response.text)")
        return try response.decode(WorkItem.self)
    }

    func item(_ id: String) async throws -> WorkItem {
        let response = try await self.send(.get, "/mcp/work_items/\(id)")
        #expect(response.status == .ok, "\(response.text)")
        return try response.decode(WorkItem.self)
    }
}
