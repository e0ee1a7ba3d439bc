import Foundation
import ServiceClient
import StorageKit

/// Where indexed chunks live. The GRDB implementation is the only one in production; the protocol keeps the
/// indexer and the routes independent of SQL.
package protocol ChunkStore: Sendable {
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
package struct SymbolQuery: Sendable, Hashable {
    package var name: String?
    /// `name` is a prefix.
    package var prefix = false
    /// `name` matches in any case (ASCII): what ranked search uses, its index being case-blind.
    package var ignoreCase = false
    package var kind: String?
    package var filePath: String?
    package var repository: String?
    package var fileType: String?
    package var limit = 100
}

/// An indexed file as the grep corpus sees it.
package struct StoredFileDigest: Sendable, Hashable {
    package let fileID: Int64
    package let repository: String
    package let path: String
    package let language: String
    package let fileExtension: String
    package let contentHash: [UInt8]
}

/// One file's indexed text: its chunks in line order, each followed by a newline, and where each starts.
package struct StoredFileText: Sendable, Hashable {
    package var text: [UInt8] = []
    /// Byte offset in `text` of each chunk.
    package var chunkOffsets: [Int] = []
    /// 1-based first line of each chunk.
    package var chunkLines: [Int] = []
    package var chunkIDs: [ChunkID] = []
}

/// What the index holds of one repository.
package struct RepositoryStatistics: Sendable, Hashable {
    package var files = 0
    package var chunks = 0
    package var lastIndexedAt: Date?
}

/// One transaction's worth of index changes for one repository.
package struct IndexBatch: Sendable {
    package let repositoryID: Int64
    package var changed: [PreparedFile] = []
    package var removedPaths: [String] = []
    package var indexedAt = Date()

    package var isEmpty: Bool { self.changed.isEmpty && self.removedPaths.isEmpty }
}

/// What a batch changed.
package struct IndexBatchOutcome: Sendable, Equatable {
    package var chunksAdded = 0
    package var chunksRemoved = 0
    /// Chunks whose text stayed but whose lines or symbols moved.
    package var chunksUpdated = 0
    /// CPU time of the transaction.
    package var cpuTime: Duration = .zero

    package var changedAnything: Bool { self.chunksAdded + self.chunksRemoved + self.chunksUpdated > 0 }

    package static func == (lhs: IndexBatchOutcome, rhs: IndexBatchOutcome) -> Bool {
        lhs.chunksAdded == rhs.chunksAdded && lhs.chunksRemoved == rhs.chunksRemoved && lhs.chunksUpdated == rhs.chunksUpdated
    }
}

/// Search filters, already validated.
package struct SearchFilter: Sendable, Hashable {
    /// An extension without its dot, or a language name; lowercased.
    package var fileType: String?
    /// A path prefix ending in `/`; `nil` for the whole repository.
    package var directory: String?
    /// A configured repository's name; `nil` for all of them.
    package var repository: String?
}

/// A stored chunk with its file, repository and context.
package struct StoredChunk: Sendable, Hashable {
    package let id: ChunkID
    package let filePath: String
    package let repository: String
    package let language: String
    package let content: String
    package let startLine: Int
    package let endLine: Int
    package let indexedAt: Date
    package var contextBefore: String = ""
    package var contextAfter: String = ""
}

/// One search hit: the chunk and its raw `bm25` score (negative; lower is better).
package struct StoredSearchHit: Sendable, Hashable {
    package let chunk: StoredChunk
    package let bm25: Double
}

/// The best hits of a search and the number of all matches.
package struct StoredSearchPage: Sendable, Hashable {
    package let hits: [StoredSearchHit]
    package let totalCount: Int
}
