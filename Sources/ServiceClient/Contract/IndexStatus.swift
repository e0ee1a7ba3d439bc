import Foundation

/// How a repository's changes are followed: `watching` (inotify), `scanning` (periodic scans, the fallback) or `off`.
public enum WatchMode: String, Codable, Sendable {
    case watching, scanning, off
}

/// One repository's index as `/health`, `GET /mcp/index` and `get_indexing_status` report it.
public struct RepositoryIndexState: Codable, Sendable, Hashable {
    public var name: String
    public var files: Int
    public var chunks: Int
    /// When the index of this repository was last brought up to date; `null` before anything was indexed.
    @Nullable public var lastIndexedAt: Date?
    public var watch: WatchMode
    /// Why `watch` is not what was asked for (the inotify watch limit, say); absent otherwise.
    public var watchNote: String?
    /// Paths changed on disk that the index does not reflect yet (noted, queued or being indexed).
    public var pendingChanges: Int

    public init(name: String, files: Int, chunks: Int, lastIndexedAt: Date?, watch: WatchMode, watchNote: String? = nil, pendingChanges: Int) {
        self.name = name
        self.files = files
        self.chunks = chunks
        self.lastIndexedAt = lastIndexedAt
        self.watch = watch
        self.watchNote = watchNote
        self.pendingChanges = pendingChanges
    }

    enum CodingKeys: String, CodingKey {
        case name, files, chunks, watch
        case lastIndexedAt = "last_indexed_at"
        case watchNote = "watch_note"
        case pendingChanges = "pending_changes"
    }
}

/// `GET /mcp/index` answer: every configured repository's index, by name.
public struct IndexStatusResponse: Codable, Sendable, Hashable {
    public var repositories: [RepositoryIndexState]

    public init(repositories: [RepositoryIndexState]) { self.repositories = repositories }
}
