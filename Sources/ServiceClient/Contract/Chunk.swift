import Foundation

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
