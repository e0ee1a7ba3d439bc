import Foundation
import ServiceClient

/// Where indexed chunks live. The GRDB implementation is the only one in production; the protocol keeps the
/// indexer and the routes independent of SQL.
protocol ChunkStore: Sendable {
    /// Records the configured repositories (name and root) and answers each one's id.
    func registerRepositories(_ repositories: [ConfiguredRepository]) async throws -> [String: Int64]
    /// The content hash of every indexed file of a repository, by path.
    func fileHashes(repositoryID: Int64) async throws -> [String: [UInt8]]
    /// The content hashes of the indexed files among `paths`.
    func fileHashes(repositoryID: Int64, paths: [String]) async throws -> [String: [UInt8]]
    /// The content hashes of the indexed files below `directory` (`""` for every file).
    func fileHashes(repositoryID: Int64, under directory: String) async throws -> [String: [UInt8]]
    /// A number that grows with every committed change to the chunks, by this process or another one on the same
    /// database: search answers are cached under it.
    func indexGeneration() async throws -> Int64
    /// Files, chunks and the time of the last file write of each repository, by repository id.
    func repositoryStatistics() async throws -> [Int64: RepositoryStatistics]
    /// Stores changed files and removes deleted ones, in one transaction.
    func apply(_ batch: IndexBatch) async throws -> IndexBatchOutcome
    /// Merges the FTS index's segments after a burst of writes (index jobs write with automatic merging off).
    func compactSearchIndex() async throws
    /// The best `limit` chunks for an FTS5 `MATCH` expression, every match counted, with context lines.
    func search(match: String, filter: SearchFilter, limit: Int, contextLines: Int) async throws -> StoredSearchPage
    /// One chunk with context lines, or `nil`.
    func chunk(id: ChunkID, contextLines: Int) async throws -> StoredChunk?
    /// Which of `ids` exist, in one query.
    func existingChunkIDs(_ ids: [ChunkID]) async throws -> Set<ChunkID>
    /// Declarations matching `query` (`GET /mcp/symbols`).
    func symbols(_ query: SymbolQuery) async throws -> [SymbolDeclaration]
    /// Every indexed file with its content hash: what the grep corpus compares with what it holds.
    func fileDigests() async throws -> [StoredFileDigest]
    /// The text of each file as its chunks hold it, in line order, each chunk followed by a newline.
    func fileTexts(fileIDs: [Int64]) async throws -> [Int64: StoredFileText]
    /// Whether the database takes writes now (`ok`, `full`, `read_only`), as the last write found it.
    var storageCondition: StorageCondition.State { get }
    /// The same, probed now while writes have been failing; throws when the database cannot even be read.
    func checkStorage() async throws -> StorageCondition.State
}

/// A repository given on the command line: its name (the directory's last component) and canonical root.
public struct ConfiguredRepository: Sendable, Hashable {
    public let name: String
    public let root: String

    public init(name: String, root: String) {
        self.name = name
        self.root = root
    }
}

/// A `GET /mcp/symbols` query, validated.
struct SymbolQuery: Sendable, Hashable {
    var name: String?
    /// `name` is a prefix.
    var prefix = false
    /// `name` matches in any case (ASCII): what ranked search uses, its index being case-blind.
    var ignoreCase = false
    var kind: String?
    var filePath: String?
    var repository: String?
    var fileType: String?
    var limit = 100
}

/// An indexed file as the grep corpus sees it.
struct StoredFileDigest: Sendable, Hashable {
    let fileID: Int64
    let repository: String
    let path: String
    let language: String
    let fileExtension: String
    let contentHash: [UInt8]
}

/// One file's indexed text: its chunks in line order, each followed by a newline, and where each starts.
struct StoredFileText: Sendable, Hashable {
    var text: [UInt8] = []
    /// Byte offset in `text` of each chunk.
    var chunkOffsets: [Int] = []
    /// 1-based first line of each chunk.
    var chunkLines: [Int] = []
    var chunkIDs: [ChunkID] = []
}

/// What the index holds of one repository.
struct RepositoryStatistics: Sendable, Hashable {
    var files = 0
    var chunks = 0
    var lastIndexedAt: Date?
}

/// One transaction's worth of index changes for one repository.
struct IndexBatch: Sendable {
    let repositoryID: Int64
    var changed: [PreparedFile] = []
    var removedPaths: [String] = []
    var indexedAt = Date()

    var isEmpty: Bool { self.changed.isEmpty && self.removedPaths.isEmpty }
}

/// What a batch changed.
struct IndexBatchOutcome: Sendable, Equatable {
    var chunksAdded = 0
    var chunksRemoved = 0
    /// Chunks whose text stayed but whose lines or symbols moved.
    var chunksUpdated = 0
    /// CPU time of the transaction.
    var cpuTime: Duration = .zero

    var changedAnything: Bool { self.chunksAdded + self.chunksRemoved + self.chunksUpdated > 0 }

    static func == (lhs: IndexBatchOutcome, rhs: IndexBatchOutcome) -> Bool {
        lhs.chunksAdded == rhs.chunksAdded && lhs.chunksRemoved == rhs.chunksRemoved && lhs.chunksUpdated == rhs.chunksUpdated
    }
}

/// Search filters, already validated.
struct SearchFilter: Sendable, Hashable {
    /// An extension without its dot, or a language name; lowercased.
    var fileType: String?
    /// A path prefix ending in `/`; `nil` for the whole repository.
    var directory: String?
    /// A configured repository's name; `nil` for all of them.
    var repository: String?
}

/// A stored chunk with its file, repository and context.
struct StoredChunk: Sendable, Hashable {
    let id: ChunkID
    let filePath: String
    let repository: String
    let language: String
    let content: String
    let startLine: Int
    let endLine: Int
    let indexedAt: Date
    var contextBefore: String = ""
    var contextAfter: String = ""
}

/// One search hit: the chunk and its raw `bm25` score (negative; lower is better).
struct StoredSearchHit: Sendable, Hashable {
    let chunk: StoredChunk
    let bm25: Double
}

/// The best hits of a search and the number of all matches.
struct StoredSearchPage: Sendable, Hashable {
    let hits: [StoredSearchHit]
    let totalCount: Int
}
