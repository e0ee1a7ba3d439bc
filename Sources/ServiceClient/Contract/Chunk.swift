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
    /// `nil` (sent as `null`) when workflow-mcp could not be asked.
    @Nullable public var linkedWorkItems: [WorkItemSummary]?
    @OrEmpty public var warnings: [String]

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
}
