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
    /// `nil` when workflow-mcp could not be asked.
    public var linkedWorkItems: [WorkItemSummary]?

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

    // Written by hand so that `linked_work_items` is sent as `null` when workflow-mcp could not be asked; the
    // synthesized decoding reads it back the same way.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(self.chunkID, forKey: .chunkID)
        try c.encode(self.filePath, forKey: .filePath)
        try c.encode(self.repository, forKey: .repository)
        try c.encode(self.language, forKey: .language)
        try c.encode(self.content, forKey: .content)
        try c.encode(self.startLine, forKey: .startLine)
        try c.encode(self.endLine, forKey: .endLine)
        try c.encode(self.similarityScore, forKey: .similarityScore)
        try c.encode(self.contextBefore, forKey: .contextBefore)
        try c.encode(self.contextAfter, forKey: .contextAfter)
        try c.encode(self.linkedWorkItems, forKey: .linkedWorkItems)
    }
}

/// `POST /mcp/search` answer.
public struct SearchResponse: Codable, Sendable, Hashable {
    public var results: [SearchResult]
    /// Every matching chunk, not only those returned.
    public var totalCount: Int
    public var latencyMS: Double
    public var warnings: [String]

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

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.results = try c.decode([SearchResult].self, forKey: .results)
        self.totalCount = try c.decode(Int.self, forKey: .totalCount)
        self.latencyMS = try c.decode(Double.self, forKey: .latencyMS)
        self.warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
    }
}

/// `GET /mcp/chunks/{chunk_id}` answer.
public struct ChunkDetail: Codable, Sendable, Hashable {
    public var chunkID: String
    public var filePath: String
    public var repository: String
    public var language: String
    public var content: String
    public var startLine: Int
    public var endLine: Int
    public var contextBefore: String
    public var contextAfter: String
    public var indexedAt: Date
    /// `nil` when workflow-mcp could not be asked.
    public var linkedWorkItems: [WorkItemSummary]?
    public var warnings: [String]

    public init(
        chunkID: String,
        filePath: String,
        repository: String,
        language: String,
        content: String,
        startLine: Int,
        endLine: Int,
        contextBefore: String,
        contextAfter: String,
        indexedAt: Date,
        linkedWorkItems: [WorkItemSummary]?,
        warnings: [String] = []
    ) {
        self.chunkID = chunkID
        self.filePath = filePath
        self.repository = repository
        self.language = language
        self.content = content
        self.startLine = startLine
        self.endLine = endLine
        self.contextBefore = contextBefore
        self.contextAfter = contextAfter
        self.indexedAt = indexedAt
        self.linkedWorkItems = linkedWorkItems
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case repository, language, content, warnings
        case chunkID = "chunk_id"
        case filePath = "file_path"
        case startLine = "start_line"
        case endLine = "end_line"
        case contextBefore = "context_before"
        case contextAfter = "context_after"
        case indexedAt = "indexed_at"
        case linkedWorkItems = "linked_work_items"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.chunkID = try c.decode(String.self, forKey: .chunkID)
        self.filePath = try c.decode(String.self, forKey: .filePath)
        self.repository = try c.decode(String.self, forKey: .repository)
        self.language = try c.decode(String.self, forKey: .language)
        self.content = try c.decode(String.self, forKey: .content)
        self.startLine = try c.decode(Int.self, forKey: .startLine)
        self.endLine = try c.decode(Int.self, forKey: .endLine)
        self.contextBefore = try c.decode(String.self, forKey: .contextBefore)
        self.contextAfter = try c.decode(String.self, forKey: .contextAfter)
        self.indexedAt = try c.decode(Date.self, forKey: .indexedAt)
        self.linkedWorkItems = try c.decodeIfPresent([WorkItemSummary].self, forKey: .linkedWorkItems)
        self.warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(self.chunkID, forKey: .chunkID)
        try c.encode(self.filePath, forKey: .filePath)
        try c.encode(self.repository, forKey: .repository)
        try c.encode(self.language, forKey: .language)
        try c.encode(self.content, forKey: .content)
        try c.encode(self.startLine, forKey: .startLine)
        try c.encode(self.endLine, forKey: .endLine)
        try c.encode(self.contextBefore, forKey: .contextBefore)
        try c.encode(self.contextAfter, forKey: .contextAfter)
        try c.encode(self.indexedAt, forKey: .indexedAt)
        try c.encode(self.linkedWorkItems, forKey: .linkedWorkItems)
        try c.encode(self.warnings, forKey: .warnings)
    }
}

/// `POST /mcp/chunks/lookup` body.
public struct ChunkLookupRequest: Codable, Sendable, Hashable {
    public var chunkIDs: [String]

    public init(chunkIDs: [String]) { self.chunkIDs = chunkIDs }

    enum CodingKeys: String, CodingKey, CaseIterable { case chunkIDs = "chunk_ids" }

    /// Strict, as every request body: a field the contract does not have is refused.
    public init(from decoder: any Decoder) throws {
        let fields = try RequestFields(decoder, allowed: CodingKeys.self)
        self.chunkIDs = try fields.required([String].self, CodingKeys.chunkIDs)
        try fields.refuseUnknownFields()
    }
}

/// `POST /mcp/chunks/lookup` answer: which ids exist now.
public struct ChunkLookupResponse: Codable, Sendable, Hashable {
    public var found: [String]
    public var missing: [String]

    public init(found: [String], missing: [String]) {
        self.found = found
        self.missing = missing
    }
}

/// `POST /mcp/index` body.
public struct IndexRequest: Codable, Sendable, Hashable {
    public var repository: String?
    public var force: Bool?
    public var wait: Bool?

    public init(repository: String? = nil, force: Bool? = nil, wait: Bool? = nil) {
        self.repository = repository
        self.force = force
        self.wait = wait
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case repository, force, wait }

    /// Strict, as every request body: a field the contract does not have is refused.
    public init(from decoder: any Decoder) throws {
        let fields = try RequestFields(decoder, allowed: CodingKeys.self)
        self.repository = try fields.optional(String.self, CodingKeys.repository)
        self.force = try fields.optional(Bool.self, CodingKeys.force)
        self.wait = try fields.optional(Bool.self, CodingKeys.wait)
        try fields.refuseUnknownFields()
    }
}

/// The state of an index job.
public enum IndexJobStatus: String, Codable, Sendable {
    case pending, running, completed, failed
}

/// An index job as `POST /mcp/index` and `GET /mcp/index/jobs/{job_id}` report it.
public struct IndexJob: Codable, Sendable, Hashable {
    public var jobID: String
    public var status: IndexJobStatus
    public var repository: String?
    public var filesScanned: Int
    public var filesChanged: Int
    /// Files found and not indexed for a reason other than the ignore rules: too large, binary, unreadable, secret, a
    /// link not followed, or a name that is not UTF-8. Absent from an older server's answer: read as 0.
    public var filesSkipped: Int
    public var chunksAdded: Int
    public var chunksRemoved: Int
    public var durationMS: Double
    public var errorMessage: String?

    public init(
        jobID: String,
        status: IndexJobStatus,
        repository: String? = nil,
        filesScanned: Int = 0,
        filesChanged: Int = 0,
        filesSkipped: Int = 0,
        chunksAdded: Int = 0,
        chunksRemoved: Int = 0,
        durationMS: Double = 0,
        errorMessage: String? = nil
    ) {
        self.jobID = jobID
        self.status = status
        self.repository = repository
        self.filesScanned = filesScanned
        self.filesChanged = filesChanged
        self.filesSkipped = filesSkipped
        self.chunksAdded = chunksAdded
        self.chunksRemoved = chunksRemoved
        self.durationMS = durationMS
        self.errorMessage = errorMessage
    }

    enum CodingKeys: String, CodingKey {
        case status, repository
        case jobID = "job_id"
        case filesScanned = "files_scanned"
        case filesChanged = "files_changed"
        case filesSkipped = "files_skipped"
        case chunksAdded = "chunks_added"
        case chunksRemoved = "chunks_removed"
        case durationMS = "duration_ms"
        case errorMessage = "error_message"
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            jobID: try c.decode(String.self, forKey: .jobID),
            status: try c.decode(IndexJobStatus.self, forKey: .status),
            repository: try c.decodeIfPresent(String.self, forKey: .repository),
            filesScanned: try c.decode(Int.self, forKey: .filesScanned),
            filesChanged: try c.decode(Int.self, forKey: .filesChanged),
            filesSkipped: try c.decodeIfPresent(Int.self, forKey: .filesSkipped) ?? 0,
            chunksAdded: try c.decode(Int.self, forKey: .chunksAdded),
            chunksRemoved: try c.decode(Int.self, forKey: .chunksRemoved),
            durationMS: try c.decode(Double.self, forKey: .durationMS),
            errorMessage: try c.decodeIfPresent(String.self, forKey: .errorMessage)
        )
    }
}
