import Foundation
import GRDB
import ServiceClient
import StorageKit

/// The SQLite store: `repositories`, `files`, `chunks`, and the contentless FTS5 table `chunk_fts` whose row ids are
/// the chunks' row ids.
package struct GRDBChunkStore: ChunkStore {
    package let writer: any DatabaseWriter
    package let storage = StorageCondition()

    /// Migrates the schema and rebuilds the FTS table when the analyzer changed since it was built.
    package init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try DatabaseSchema.migrator.migrate(writer)
        try writer.write { db in try Self.reconcileAnalyzer(db) }
    }

    package func registerRepositories(_ repositories: [ConfiguredRepository]) async throws -> [String: Int64] {
        try await self.writer.write { db in
            var ids: [String: Int64] = [:]
            for repository in repositories {
                try db.execute(
                    sql: """
                        INSERT INTO repositories (name, root_path) VALUES (?, ?)
                        ON CONFLICT (name) DO UPDATE SET root_path = excluded.root_path
                        """,
                    arguments: [repository.name, repository.root]
                )
                ids[repository.name] = try Int64.fetchOne(db, sql: "SELECT id FROM repositories WHERE name = ?", arguments: [repository.name])
            }
            return ids
        }
    }

    package func fileHashes(repositoryID: Int64) async throws -> [String: [UInt8]] {
        try await self.writer.read { db in
            var hashes: [String: [UInt8]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT path, content_hash FROM files WHERE repository_id = ?", arguments: [repositoryID])
            while let row = try rows.next() {
                let hash: Data = row["content_hash"]
                hashes[row["path"]] = Array(hash)
            }
            return hashes
        }
    }

    package func fileHashes(repositoryID: Int64, paths: [String]) async throws -> [String: [UInt8]] {
        guard !paths.isEmpty else { return [:] }
        return try await self.writer.read { db in
            var hashes: [String: [UInt8]] = [:]
            let statement = try db.cachedStatement(sql: "SELECT content_hash FROM files WHERE repository_id = ? AND path = ?")
            for path in paths {
                if let hash = try Data.fetchOne(statement, arguments: [repositoryID, path]) { hashes[path] = Array(hash) }
            }
            return hashes
        }
    }

    package func fileHashes(repositoryID: Int64, under directory: String) async throws -> [String: [UInt8]] {
        guard !directory.isEmpty else { return try await self.fileHashes(repositoryID: repositoryID) }
        return try await self.writer.read { db in
            // From `dir/` up to `dir0` ('0' is the byte after '/'): exactly the paths below the directory, read from
            // the (repository_id, path) index.
            var hashes: [String: [UInt8]] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT path, content_hash FROM files WHERE repository_id = ? AND path >= ? AND path < ?",
                arguments: [repositoryID, directory + "/", directory + "0"]
            )
            while let row = try rows.next() {
                let hash: Data = row["content_hash"]
                hashes[row["path"]] = Array(hash)
            }
            return hashes
        }
    }

    package func indexGeneration() async throws -> Int64 {
        try await self.writer.read { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT generation FROM index_state WHERE id = 1")) ?? 0
        }
    }

    package func repositoryStatistics() async throws -> [Int64: RepositoryStatistics] {
        try await self.writer.read { db in
            var statistics: [Int64: RepositoryStatistics] = [:]
            let files = try Row.fetchCursor(
                db,
                sql: "SELECT repository_id, COUNT(*) AS files, MAX(indexed_at) AS last_indexed_at FROM files GROUP BY repository_id"
            )
            while let row = try files.next() {
                let lastIndexedAt: Double? = row["last_indexed_at"]
                statistics[row["repository_id"]] = RepositoryStatistics(
                    files: row["files"],
                    lastIndexedAt: lastIndexedAt.map { Date(timeIntervalSince1970: $0) }
                )
            }
            let chunks = try Row.fetchCursor(
                db,
                sql: """
                    SELECT f.repository_id AS repository_id, COUNT(*) AS chunks
                    FROM chunks c JOIN files f ON f.id = c.file_id GROUP BY f.repository_id
                    """
            )
            while let row = try chunks.next() {
                statistics[row["repository_id"], default: RepositoryStatistics()].chunks = row["chunks"]
            }
            return statistics
        }
    }

    package func search(match: String, filter: SearchFilter, limit: Int, contextLines: Int) async throws -> StoredSearchPage {
        try await self.writer.read { db in
            var conditions = ["chunk_fts MATCH ?"]
            var arguments: StatementArguments = [match]
            if let fileType = filter.fileType {
                conditions.append("(f.extension = ? OR f.language = ?)")
                arguments += [fileType, fileType]
            }
            if let directory = filter.directory {
                // A range on the path: every path starting with `directory`, which ends in `/`.
                conditions.append("f.path >= ? AND f.path < ?")
                arguments += [directory, String(directory.dropLast()) + "0"]
            }
            if let repository = filter.repository {
                conditions.append("f.repository_id = (SELECT id FROM repositories WHERE name = ?)")
                arguments += [repository]
            }
            arguments += [limit]
            // The chunk and file rows are joined only to filter: an unfiltered search ranks the FTS rows alone.
            let joins = conditions.count > 1 ? "JOIN chunks c ON c.id = chunk_fts.rowid JOIN files f ON f.id = c.file_id" : ""
            // One pass over the matches ranks them and counts them: `bm25` is computed in the inner query, as it cannot
            // be used under a window function itself.
            let ranked = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT id, score, count(*) OVER () AS total FROM (
                            SELECT chunk_fts.rowid AS id, \(SearchRanking.scoreExpression) AS score
                            FROM chunk_fts \(joins)
                            WHERE \(conditions.joined(separator: " AND "))
                        )
                        ORDER BY score, id
                        LIMIT ?
                        """
                ),
                arguments: arguments
            )
            guard let first = ranked.first else { return StoredSearchPage(hits: [], totalCount: 0) }
            let totalCount: Int = first["total"]
            let rowIDs: [Int64] = ranked.map { $0["id"] }
            var chunks = try Self.fetchChunks(db, rowIDs: rowIDs)
            var hits: [StoredSearchHit] = []
            for row in ranked {
                let rowID: Int64 = row["id"]
                guard var chunk = chunks.removeValue(forKey: rowID) else { continue }
                try Self.addContext(db, to: &chunk.chunk, fileID: chunk.fileID, lines: contextLines)
                hits.append(StoredSearchHit(chunk: chunk.chunk, bm25: row["score"]))
            }
            return StoredSearchPage(hits: hits, totalCount: totalCount)
        }
    }

    package func chunk(id: ChunkID, contextLines: Int) async throws -> StoredChunk? {
        try await self.writer.read { db in
            guard let rowID = try Int64.fetchOne(db, sql: "SELECT id FROM chunks WHERE chunk_id = ?", arguments: [Data(id.digest)]),
                var found = try Self.fetchChunks(db, rowIDs: [rowID])[rowID]
            else { return nil }
            try Self.addContext(db, to: &found.chunk, fileID: found.fileID, lines: contextLines)
            return found.chunk
        }
    }

    package func existingChunkIDs(_ ids: [ChunkID]) async throws -> Set<ChunkID> {
        guard !ids.isEmpty else { return [] }
        return try await self.writer.read { db in
            let placeholders = databaseQuestionMarks(count: ids.count)
            let found = try Data.fetchAll(
                db,
                sql: "SELECT chunk_id FROM chunks WHERE chunk_id IN (\(placeholders))",
                arguments: StatementArguments(ids.map { Data($0.digest) })
            )
            return Set(found.map { ChunkID(digest: Array($0)) })
        }
    }

    package var storageCondition: StorageCondition.State { self.storage.current }

    package func checkStorage() async throws -> StorageCondition.State {
        _ = try await self.writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
        // While writes fail, probe with a commit that needs room (1 MiB: an index batch writes about that much), then
        // give the room back, so the answer clears as soon as indexing could go on again.
        if self.storage.current != .ok {
            _ = try? await self.guardingStorage { try await self.writer.write { db in try db.execute(sql: "INSERT INTO storage_probe VALUES (zeroblob(1048576))") } }
            _ = try? await self.writer.write { db in try db.execute(sql: "DELETE FROM storage_probe") }
        }
        return self.storage.current
    }

    /// Runs a write, keeping `storage` up to date: a write refused for lack of space or write access is
    /// `storage_unavailable`.
    package func guardingStorage<T>(_ write: () async throws -> T) async throws -> T {
        do {
            let value = try await write()
            self.storage.record(.ok)
            return value
        } catch {
            guard let state = StorageCondition.state(after: error) else { throw error }
            self.storage.record(state)
            throw CodebaseError.storageUnavailable(state)
        }
    }

    // MARK: - Reading helpers

    private static func fetchChunks(_ db: Database, rowIDs: [Int64]) throws -> [Int64: (chunk: StoredChunk, fileID: Int64)] {
        let placeholders = databaseQuestionMarks(count: rowIDs.count)
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT c.id, c.chunk_id, c.file_id, c.start_line, c.end_line, c.content, c.indexed_at, f.path, f.language, r.name AS repository
                FROM chunks c
                JOIN files f ON f.id = c.file_id
                JOIN repositories r ON r.id = f.repository_id
                WHERE c.id IN (\(placeholders))
                """,
            arguments: StatementArguments(rowIDs)
        )
        var chunks: [Int64: (chunk: StoredChunk, fileID: Int64)] = [:]
        while let row = try rows.next() {
            let digest: Data = row["chunk_id"]
            let chunk = StoredChunk(
                id: ChunkID(digest: Array(digest)),
                filePath: row["path"],
                repository: row["repository"],
                language: row["language"],
                content: row["content"],
                startLine: row["start_line"],
                endLine: row["end_line"],
                indexedAt: Date(timeIntervalSince1970: row["indexed_at"])
            )
            chunks[row["id"]] = (chunk, row["file_id"])
        }
        return chunks
    }

    /// Fills in up to `lines` lines before and after the chunk, read from its neighbours in the same file. Every line
    /// of a file is in exactly one chunk, so the neighbours hold exactly those lines.
    private static func addContext(_ db: Database, to chunk: inout StoredChunk, fileID: Int64, lines: Int) throws {
        guard lines > 0 else { return }
        let before = max(1, chunk.startLine - lines)
        let after = chunk.endLine + lines
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT start_line, content FROM chunks
                    WHERE file_id = ? AND ((end_line >= ? AND start_line < ?) OR (start_line <= ? AND end_line > ?))
                    ORDER BY start_line
                    """
            ),
            arguments: [fileID, before, chunk.startLine, after, chunk.endLine]
        )
        var beforeLines: [Substring] = []
        var afterLines: [Substring] = []
        while let row = try rows.next() {
            let start: Int = row["start_line"]
            let content: String = row["content"]
            beforeLines += Self.lines(of: content, firstLine: start, in: before..<chunk.startLine)
            afterLines += Self.lines(of: content, firstLine: start, in: (chunk.endLine + 1)..<(after + 1))
        }
        chunk.contextBefore = beforeLines.joined(separator: "\n")
        chunk.contextAfter = afterLines.joined(separator: "\n")
    }

    /// The lines of `content`, whose first line is numbered `firstLine`, that are numbered within `wanted`. Lines end
    /// at `\n` bytes, as the chunker counts them; the scan stops after the last line wanted.
    package static func lines(of content: String, firstLine: Int, in wanted: Range<Int>) -> [Substring] {
        guard !wanted.isEmpty, wanted.upperBound > firstLine else { return [] }
        var lines: [Substring] = []
        let utf8 = content.utf8
        var lineStart = utf8.startIndex
        var number = firstLine
        var index = utf8.startIndex
        while index < utf8.endIndex, number < wanted.upperBound {
            if utf8[index] == UInt8(ascii: "\n") {
                if wanted.contains(number) { lines.append(content[lineStart..<index]) }
                number += 1
                lineStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if index == utf8.endIndex, number < wanted.upperBound, wanted.contains(number) { lines.append(content[lineStart...]) }
        return lines
    }
}
