import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServerKit
import ServerTesting
import ServiceClient
import Synchronization
import Testing

@testable import CodebaseCore
@testable import CodebaseService

/// A temporary directory, removed by `remove()`.
struct TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent("codebase-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
    }

    var path: String { self.url.path }

    func path(_ relative: String) -> String { self.url.appendingPathComponent(relative).path }

    /// Writes `text` at `relative`, creating folders.
    func write(_ relative: String, _ text: String) throws {
        try self.write(relative, Data(text.utf8))
    }

    func write(_ relative: String, _ data: Data) throws {
        let url = self.url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func remove(_ relative: String) throws {
        try FileManager.default.removeItem(at: self.url.appendingPathComponent(relative))
    }

    func remove() { try? FileManager.default.removeItem(at: self.url) }
}

/// The fixture repository checked into the project.
let fixtureRepository: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("fixtures/sample-repo")

/// A copy of the fixture repository in a temporary folder named `sample-repo`, with the files its `.gitignore`
/// excludes and a binary file added (git does not keep ignored files, so the fixture cannot hold them).
func makeFixtureCopy() throws -> (directory: TemporaryDirectory, repository: String) {
    let directory = try TemporaryDirectory()
    let repository = directory.path("sample-repo")
    try FileManager.default.copyItem(atPath: fixtureRepository.path, toPath: repository)
    try directory.write("sample-repo/build/output.txt", "ignoredBuildArtefact should never be indexed\n")
    try directory.write("sample-repo/server.log", "ignoredLogLine from a log file\n")
    try directory.write("sample-repo/.env", "SECRET_KEY=ignoredDotenvSecret\n")
    try directory.write("sample-repo/node_modules/left-pad/index.js", "function nodeModulesLeftPad() {}\n")
    var binary = Data("binaryMarkerWord inside a binary file\n".utf8)
    binary.append(contentsOf: [0, 1, 2, 3, 0, 0xFF])
    try directory.write("sample-repo/web/blob.dat2", binary)
    return (directory, repository)
}

/// A configuration on a fresh database in `directory`, indexing `repositories`, talking to `workflowURL` (a closed
/// port by default: linked work items then come back `null` with a warning).
func testConfiguration(
    _ directory: TemporaryDirectory,
    repositories: [String],
    workflowURL: String = closedPortURL,
    indexOnStartup: Bool = true
) -> CodebaseConfiguration {
    var configuration = CodebaseConfiguration(port: 0, databasePath: directory.path("codebase.sqlite"), workflowURL: workflowURL)
    configuration.repositories = repositories
    configuration.server.logLevel = .critical
    configuration.indexOnStartup = indexOnStartup
    return configuration
}

/// Nothing listens on port 1 of the loopback interface.
let closedPortURL = "http://127.0.0.1:1"

/// Runs `body` against codebase-mcp serving a fresh copy of the fixture, after the start-up index finished. Without
/// `watching`, only `POST /mcp/index` changes the index: a test that counts what one job changed after editing the
/// files does not race the live index (which LiveIndexTests covers).
func withFixtureApp(
    _ kind: TestingSetup = .router,
    workflowURL: String = closedPortURL,
    watching: Bool = true,
    _ body: @escaping @Sendable (any TestClientProtocol, TemporaryDirectory, String) async throws -> Void
) async throws {
    let (directory, repository) = try makeFixtureCopy()
    defer { directory.remove() }
    var configuration = testConfiguration(directory, repositories: [repository], workflowURL: workflowURL)
    if !watching { configuration.watch.mode = .off }
    let app = try await buildApplication(configuration)
    try await app.test(kind) { client in
        try await client.reindex()
        try await body(client, directory, repository)
    }
}

let decoder = ContractCoding.makeDecoder()

extension TestResponse {
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try ContractCoding.decode(type, from: Data(self.body.readableBytesView))
    }

    var text: String { String(buffer: self.body) }

    /// The error body, checking the status and that it has the contract's shape.
    func errorBody(_ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation) throws -> ErrorBody {
        #expect(self.status == status, "\(self.text)", sourceLocation: sourceLocation)
        #expect(self.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        return try self.decode(ErrorBody.self)
    }
}

extension TestClientProtocol {
    /// Sends `json` (sent as is) and returns the response.
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if json != nil { headers[.contentType] = "application/json" }
        return try await self.execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// `POST /mcp/search` with `request`, expecting 200.
    func search(_ request: SearchRequest, sourceLocation: SourceLocation = #_sourceLocation) async throws -> SearchResponse {
        let response = try await self.send(.post, "/mcp/search", json: try json(request))
        #expect(response.status == .ok, "\(response.text)", sourceLocation: sourceLocation)
        return try response.decode(SearchResponse.self)
    }

    func search(_ query: String, limit: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> SearchResponse {
        try await self.search(SearchRequest(query: query, limit: limit), sourceLocation: sourceLocation)
    }

    /// `POST /mcp/grep` with `body` (sent as is), expecting 200.
    func grep(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> GrepResponse {
        let response = try await self.send(.post, "/mcp/grep", json: body)
        #expect(response.status == .ok, "\(body): \(response.text)", sourceLocation: sourceLocation)
        return try response.decode(GrepResponse.self)
    }

    /// Re-indexes and waits until the index reflects the files now on disk.
    @discardableResult
    func reindex(force: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) async throws -> IndexJob {
        let response = try await self.send(.post, "/mcp/index", json: "{\"wait\": true, \"force\": \(force)}")
        #expect(response.status == .ok, "\(response.text)", sourceLocation: sourceLocation)
        let job = try response.decode(IndexJob.self)
        #expect(job.status == .completed, sourceLocation: sourceLocation)
        return job
    }

    /// The chunk, or `nil` on 404.
    func chunk(_ id: String) async throws -> ChunkDetail? {
        let response = try await self.send(.get, "/mcp/chunks/\(id)")
        if response.status == .notFound { return nil }
        #expect(response.status == .ok, "\(response.text)")
        return try response.decode(ChunkDetail.self)
    }

    /// `POST /mcp/chunks/lookup`, expecting 200.
    func lookup(_ ids: [String]) async throws -> ChunkLookupResponse {
        let response = try await self.send(.post, "/mcp/chunks/lookup", json: try json(ChunkLookupRequest(chunkIDs: ids)))
        #expect(response.status == .ok, "\(response.text)")
        return try response.decode(ChunkLookupResponse.self)
    }
}

/// Every chunk of the index, read straight from the SQLite file: (id, path, start line, content).
func storedChunks(databasePath: String) throws -> [(id: String, path: String, startLine: Int, content: String)] {
    try SQLiteInspector(path: databasePath).chunks()
}
