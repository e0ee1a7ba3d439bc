import Foundation

/// `POST /mcp/search` body.
public struct SearchRequest: Codable, Sendable, Hashable {
    public var query: String
    public var limit: Int?
    public var fileType: String?
    public var directory: String?
    /// A configured repository's name; `nil` searches them all.
    public var repository: String?

    public init(query: String, limit: Int? = nil, fileType: String? = nil, directory: String? = nil, repository: String? = nil) {
        self.query = query
        self.limit = limit
        self.fileType = fileType
        self.directory = directory
        self.repository = repository
    }

    /// In the contract's order, which the unknown-field error lists.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case query, limit
        case fileType = "file_type"
        case directory, repository
    }

    /// Strict, as every request body: a field the contract does not have is refused.
    public init(from decoder: any Decoder) throws {
        let fields = try RequestFields(decoder, allowed: CodingKeys.self)
        self.query = try fields.required(String.self, CodingKeys.query)
        self.limit = try fields.optional(Int.self, CodingKeys.limit)
        self.fileType = try fields.optional(String.self, CodingKeys.fileType)
        self.directory = try fields.optional(String.self, CodingKeys.directory)
        self.repository = try fields.optional(String.self, CodingKeys.repository)
        try fields.refuseUnknownFields()
    }
}

/// One search hit.
public struct SearchResult: Codable, Sendable, Hashable {
    public var chunkID: String
    public var filePath: String
    public var repository: String
    public var language: String
    public var content: String
    public var startLine: Int
    public var endLine: Int
    public var similarityScore: Double
    public var contextBefore: String
    public var contextAfter: String
    /// `nil` (sent as `null`) when workflow-mcp could not be asked.
    @Nullable public var linkedWorkItems: [WorkItemSummary]?

    public init(
        chunkID: String,
        filePath: String,
        repository: String,
        language: String,
        content: String,
        startLine: Int,
        endLine: Int,
        similarityScore: Double,
        contextBefore: String,
        contextAfter: String,
        linkedWorkItems: [WorkItemSummary]?
    ) {
        self.chunkID = chunkID
        self.filePath = filePath
        self.repository = repository
        self.language = language
        self.content = content
        self.startLine = startLine
        self.endLine = endLine
        self.similarityScore = similarityScore
        self.contextBefore = contextBefore
        self.contextAfter = contextAfter
        self.linkedWorkItems = linkedWorkItems
    }

    enum CodingKeys: String, CodingKey {
        case repository, language, content
        case chunkID = "chunk_id"
        case filePath = "file_path"
        case startLine = "start_line"
        case endLine = "end_line"
        case similarityScore = "similarity_score"
        case contextBefore = "context_before"
        case contextAfter = "context_after"
        case linkedWorkItems = "linked_work_items"
    }
}

/// `POST /mcp/search` answer.
public struct SearchResponse: Codable, Sendable, Hashable {
    public var results: [SearchResult]
    /// Every matching chunk, not only those returned.
    public var totalCount: Int
    public var latencyMS: Double
    @OrEmpty public var warnings: [String]

    public init(results: [SearchResult], totalCount: Int, latencyMS: Double, warnings: [String] = []) {
        self.results = results
        self.totalCount = totalCount
        self.latencyMS = latencyMS
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case results, warnings
        case totalCount = "total_count"
        case latencyMS = "latency_ms"
    }
}
