import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ServiceClient

/// The sample work items of `fixtures/work-items.json`, created over HTTP against a running pair: each entry's `code`
/// searches are sent to codebase-mcp and the best chunk of each becomes an entity reference, so the samples point at
/// real code whatever the chunk ids of the moment are.
public struct SampleWorkItems: Sendable {
    /// One item of the file: its create body, the searches whose best chunks it references, and its children.
    public struct Entry: Sendable, Decodable {
        /// A `POST /mcp/work_items` body without `entity_references` and `parent_id`, which are filled in.
        public var body: [String: JSONValue]
        public var code: [String]
        public var children: [Entry]

        private enum LoaderKeys: String, CodingKey {
            case code, children
        }

        public init(from decoder: any Decoder) throws {
            let loader = try decoder.container(keyedBy: LoaderKeys.self)
            self.code = try loader.decodeIfPresent([String].self, forKey: .code) ?? []
            self.children = try loader.decodeIfPresent([Entry].self, forKey: .children) ?? []
            var body = try [String: JSONValue](from: decoder)
            body[LoaderKeys.code.rawValue] = nil
            body[LoaderKeys.children.rawValue] = nil
            self.body = body
        }
    }

    /// A work item the loader created.
    public struct Created: Sendable {
        public let id: String
        public let title: String
        public let entityReferences: [String]
        /// `code` searches that found nothing, so referenced nothing.
        public let unresolvedSearches: [String]
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private struct File: Decodable {
        let items: [Entry]
    }

    public let items: [Entry]

    public init(contentsOf url: URL) throws {
        self.items = try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).items
    }

    /// `fixtures/work-items.json` under a package root.
    public static func fixtureURL(root: URL) -> URL {
        root.appendingPathComponent("fixtures/work-items.json")
    }

    /// How many items the file describes, children included.
    public var count: Int {
        func count(_ entries: [Entry]) -> Int { entries.reduce(entries.count) { $0 + count($1.children) } }
        return count(self.items)
    }

    /// Creates every item, each parent before its children, in file order, once codebase-mcp's index reflects its
    /// repositories (the searches need it).
    public func create(workflowURL: String, codebaseURL: String, client: HTTPClient = .shared) async throws -> [Created] {
        _ = try await Self.post("\(codebaseURL)/mcp/index", ["wait": .bool(true)], expecting: 200, as: JSONValue.self, client: client)
        var created: [Created] = []
        func create(_ entries: [Entry], parentID: String?) async throws {
            for entry in entries {
                var references: [String] = []
                var unresolved: [String] = []
                for query in entry.code {
                    let search = try await Self.post(
                        "\(codebaseURL)/mcp/search",
                        ["query": .string(query), "limit": .int(1)],
                        expecting: 200,
                        as: SearchResponse.self,
                        client: client
                    )
                    if let best = search.results.first { references.append(best.chunkID) } else { unresolved.append(query) }
                }
                var body = entry.body
                body["entity_references"] = .array(references.map(JSONValue.string))
                if let parentID { body["parent_id"] = .string(parentID) }
                let item = try await Self.post("\(workflowURL)/mcp/work_items", body, expecting: 201, as: WorkItem.self, client: client)
                created.append(Created(id: item.id, title: item.title, entityReferences: item.entityReferences, unresolvedSearches: unresolved))
                try await create(entry.children, parentID: item.id)
            }
        }
        try await create(self.items, parentID: nil)
        return created
    }

    /// Whether workflow-mcp holds no work item at all, deleted ones included (so deleted samples are not made again).
    public static func workflowIsEmpty(workflowURL: String, client: HTTPClient = .shared) async throws -> Bool {
        let request = HTTPClientRequest(url: "\(workflowURL)/mcp/work_items?limit=1&include_deleted=true")
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw Failure(description: "GET /mcp/work_items answered \(response.status.code)") }
        return try ContractCoding.makeDecoder().decode(WorkItemPage.self, from: Data(body.readableBytesView)).items.isEmpty
    }

    private struct WorkItemPage: Decodable {
        let items: [WorkItem]
    }

    private static func post<T: Decodable>(
        _ url: String,
        _ body: [String: JSONValue],
        expecting status: UInt,
        as type: T.Type,
        client: HTTPClient
    ) async throws -> T {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        let response = try await client.execute(request, timeout: .seconds(10))
        let data = try await response.body.collect(upTo: 16 << 20)
        guard response.status.code == status else {
            throw Failure(description: "POST \(url) answered \(response.status.code): \(String(buffer: data).prefix(300))")
        }
        return try ContractCoding.makeDecoder().decode(type, from: Data(data.readableBytesView))
    }
}
