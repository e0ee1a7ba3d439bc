import Foundation
import NIOHTTP1
import ServiceClient
import ServiceClientTesting
import ServiceHarness
import Testing

/// The whole resilience suite runs one scenario at a time: each starts real processes and some measure time.
@Suite("Resilience (real processes)", .serialized)
enum Resilience {}

/// A running pair plus the calls scenarios make, and failure messages that carry the servers' logs.
struct Scenario: Sendable {
    let name: String
    let pair: ServicePair

    var workflow: String { self.pair.workflow.url }
    var codebase: String { self.pair.codebase.url }

    /// Runs `body` against a fresh pair indexing a fresh sample repository.
    static func run(
        _ name: String,
        options: ServicePair.Options = .init(),
        withRepository: Bool = true,
        _ body: @Sendable (Scenario, SampleRepository?) async throws -> Void
    ) async throws {
        let repository = withRepository ? try SampleRepository() : nil
        defer { repository?.remove() }
        var options = options
        if let repository { options.repositories = [repository.url] }
        try await ServicePair.with(options) { pair in
            try await body(Scenario(name: name, pair: pair), repository)
        }
    }

    /// Records a failure naming the scenario, with the responses involved and the tail of both logs.
    func expect(
        _ condition: Bool,
        _ what: @autoclosure () -> String,
        _ replies: [Reply] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard !condition else { return }
        let answers = replies.map { "  \($0)" }.joined(separator: "\n")
        Issue.record(
            """
            [\(self.name)] \(what())
            responses:
            \(answers)
            --- workflow-mcp log (tail) ---
            \(self.pair.workflow.logTail(25))
            --- codebase-mcp log (tail) ---
            \(self.pair.codebase.logTail(25))
            """,
            sourceLocation: sourceLocation
        )
    }

    // MARK: - Calls

    func create(title: String, references: [String] = []) async throws -> Reply {
        let body = try json(CreateWorkItemRequest(title: title, entityReferences: references))
        return try await HTTP.post("\(self.workflow)/mcp/work_items", body)
    }

    func getItem(_ id: String) async throws -> Reply {
        try await HTTP.get("\(self.workflow)/mcp/work_items/\(id)")
    }

    func search(_ query: String, limit: Int = 10) async throws -> Reply {
        try await HTTP.post("\(self.codebase)/mcp/search", try json(SearchRequest(query: query, limit: limit)))
    }

    /// Re-indexes and waits for the index to reflect the files as they are now.
    func reindex() async throws -> Reply {
        try await HTTP.send(.POST, "\(self.codebase)/mcp/index", json: #"{"wait": true}"#, timeout: .seconds(60))
    }

    /// Waits until the start-up index has chunks for `query`, and returns their ids. Fails the test and throws when
    /// they do not come: an empty list would let later comparisons pass on nothing.
    func chunkIDs(for query: String, count: Int = 1) async throws -> [String] {
        var ids: [String] = []
        let indexed = try await eventually {
            ids = (try? await self.search(query).decode(SearchResponse.self).results.map(\.chunkID)) ?? []
            return ids.count >= count
        }
        try #require(indexed, "[\(self.name)] search for '\(query)' found \(ids.count) of \(count) chunks before the wait ran out")
        return Array(ids.prefix(count))
    }

    /// Waits until workflow-mcp reports codebase-mcp with `status`.
    func waitForCodebase(_ status: DependencyStatus, timeout: Duration = .seconds(15)) async throws -> Bool {
        try await eventually(timeout: timeout) {
            let health = try? await HTTP.get("\(self.workflow)/health").decode(HealthResponse.self)
            return health?.dependencies["codebase-mcp"]?.status == status
        }
    }
}

func json(_ value: some Encodable) throws -> String {
    String(decoding: try ContractCoding.makeEncoder().encode(value), as: UTF8.self)
}

extension Reply {
    var item: WorkItem? { try? self.decode(WorkItem.self) }
    var warnings: [String] { self.item?.warnings ?? (try? self.decode(SearchResponse.self).warnings) ?? [] }

    func hasWarning(_ code: WarningCode) -> Bool { self.warnings.contains { code.matches($0) } }
}
