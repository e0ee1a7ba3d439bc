import Foundation
import GRDB

extension GRDBChunkStore {
    package func apply(_ batch: IndexBatch) async throws -> IndexBatchOutcome {
        guard !batch.isEmpty else { return IndexBatchOutcome() }
        return try await self.guardingStorage { try await self.applyUnguarded(batch) }
    }

    private func applyUnguarded(_ batch: IndexBatch) async throws -> IndexBatchOutcome {
        try await self.writer.writeWithoutTransaction { db in
            let cpuStarted = threadCPUTime()
            var outcome = IndexBatchOutcome()
            try db.inTransaction {
                let indexedAt = batch.indexedAt.timeIntervalSince1970
                // New FTS rows are written after all chunk rows: one B-tree at a time is kinder to the page cache.
                var documents: [PendingDocument] = []
                for file in batch.changed {
                    try Self.store(file, repositoryID: batch.repositoryID, indexedAt: indexedAt, db: db, outcome: &outcome, documents: &documents)
                }
                for path in batch.removedPaths {
                    try Self.removeFile(path: path, repositoryID: batch.repositoryID, db: db, outcome: &outcome)
                }
                let insertDocument = try db.cachedStatement(
                    sql: "INSERT INTO chunk_fts (rowid, path, symbols, content, subwords) VALUES (?, ?, ?, ?, ?)"
                )
                for document in documents {
                    try insertDocument.execute(arguments: [document.rowID, document.path, document.symbols, document.content, document.subwords])
                }
                if outcome.changedAnything {
                    // In the same transaction: no reader, in this process or another, sees the new chunks under the
                    // old generation.
                    try db.cachedStatement(sql: "UPDATE index_state SET generation = generation + 1 WHERE id = 1").execute()
                }
                return .commit
            }
            // Measured around the commit too: writing the pages is part of the cost.
            outcome.cpuTime = threadCPUTime() - cpuStarted
            return outcome
        }
    }

    /// Stores one file's chunks by difference with what is stored: a chunk whose id is already there keeps its row
    /// (and its FTS entry); only its lines are updated when text above it moved.
    private static func store(
        _ file: PreparedFile,
        repositoryID: Int64,
        indexedAt: Double,
        db: Database,
        outcome: inout IndexBatchOutcome,
        documents: inout [PendingDocument]
    ) throws {
        let hash = Data(file.contentHash)
        let existingFileID = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM files WHERE repository_id = ? AND path = ?"),
            arguments: [repositoryID, file.path]
        )
        let fileID: Int64
        var existing: [ChunkID: (rowID: Int64, startLine: Int, endLine: Int, symbols: String)] = [:]
        if let existingFileID {
            fileID = existingFileID
            try db.cachedStatement(
                sql: "UPDATE files SET language = ?, extension = ?, content_hash = ?, size = ?, line_count = ?, indexed_at = ? WHERE id = ?"
            ).execute(arguments: [file.language, file.fileExtension, hash, file.size, file.lineCount, indexedAt, fileID])
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: "SELECT id, chunk_id, start_line, end_line, symbols FROM chunks WHERE file_id = ?"),
                arguments: [fileID]
            )
            while let row = try rows.next() {
                let digest: Data = row["chunk_id"]
                existing[ChunkID(digest: Array(digest))] = (row["id"], row["start_line"], row["end_line"], row["symbols"])
            }
        } else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO files (repository_id, path, language, extension, content_hash, size, line_count, indexed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [repositoryID, file.path, file.language, file.fileExtension, hash, file.size, file.lineCount, indexedAt])
            fileID = db.lastInsertedRowID
        }

        let keptIDs = Set(file.chunks.map(\.id))
        for (id, stored) in existing where !keptIDs.contains(id) {
            try self.deleteChunk(rowID: stored.rowID, pathColumn: file.pathColumn, db: db)
            outcome.chunksRemoved += 1
        }
        let insertChunk = try db.cachedStatement(
            sql: "INSERT INTO chunks (chunk_id, file_id, start_line, end_line, content, symbols, indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        for chunk in file.chunks {
            if let stored = existing[chunk.id] {
                if stored.symbols != chunk.symbols {
                    // Same text, new symbol detection: refresh the FTS entry so the `symbols` column is current.
                    try self.deleteChunkDocument(rowID: stored.rowID, pathColumn: file.pathColumn, db: db)
                    try db.cachedStatement(sql: "UPDATE chunks SET symbols = ? WHERE id = ?").execute(arguments: [chunk.symbols, stored.rowID])
                    documents.append(PendingDocument(rowID: stored.rowID, path: file.pathColumn, chunk: chunk))
                }
                if stored.startLine != chunk.startLine || stored.endLine != chunk.endLine {
                    try db.cachedStatement(sql: "UPDATE chunks SET start_line = ?, end_line = ? WHERE id = ?")
                        .execute(arguments: [chunk.startLine, chunk.endLine, stored.rowID])
                    outcome.chunksUpdated += 1
                }
                continue
            }
            try insertChunk.execute(arguments: [
                Data(chunk.id.digest), fileID, chunk.startLine, chunk.endLine, chunk.content, chunk.symbols, indexedAt,
            ])
            documents.append(PendingDocument(rowID: db.lastInsertedRowID, path: file.pathColumn, chunk: chunk))
            outcome.chunksAdded += 1
        }
        try db.cachedStatement(sql: "DELETE FROM symbols WHERE file_id = ?").execute(arguments: [fileID])
        let insertSymbol = try db.cachedStatement(
            sql: "INSERT INTO symbols (file_id, name, kind, container, start_line, end_line, chunk_id, binding) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        for symbol in file.symbols where file.chunks.indices.contains(symbol.chunkIndex) {
            try insertSymbol.execute(arguments: [
                fileID, symbol.name, symbol.kind, symbol.container, symbol.startLine, symbol.endLine, Data(file.chunks[symbol.chunkIndex].id.digest),
                symbol.isBinding,
            ])
        }
    }

    private static func removeFile(path: String, repositoryID: Int64, db: Database, outcome: inout IndexBatchOutcome) throws {
        guard
            let fileID = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM files WHERE repository_id = ? AND path = ?"),
                arguments: [repositoryID, path]
            )
        else { return }
        let pathColumn = SearchDocument.pathColumn(path)
        let rowIDs = try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM chunks WHERE file_id = ?"), arguments: [fileID])
        for rowID in rowIDs {
            try self.deleteChunk(rowID: rowID, pathColumn: pathColumn, db: db)
            outcome.chunksRemoved += 1
        }
        try db.cachedStatement(sql: "DELETE FROM files WHERE id = ?").execute(arguments: [fileID])
    }

    private static func deleteChunk(rowID: Int64, pathColumn: String, db: Database) throws {
        try self.deleteChunkDocument(rowID: rowID, pathColumn: pathColumn, db: db)
        try db.cachedStatement(sql: "DELETE FROM chunks WHERE id = ?").execute(arguments: [rowID])
    }

    /// Removes a chunk's FTS entry. A contentless FTS5 table forgets a row only when told the exact values it was
    /// given, so they are derived again: the path column from the path, `subwords` from the text.
    private static func deleteChunkDocument(rowID: Int64, pathColumn: String, db: Database) throws {
        guard
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT content, symbols FROM chunks WHERE id = ?"), arguments: [rowID])
        else { return }
        let content: String = row["content"]
        let symbols: String = row["symbols"]
        try db.cachedStatement(
            sql: "INSERT INTO chunk_fts (chunk_fts, rowid, path, symbols, content, subwords) VALUES ('delete', ?, ?, ?, ?, ?)"
        ).execute(arguments: [rowID, pathColumn, symbols, content, CodeTokens.splitDocument(content)])
    }

    package func compactSearchIndex() async throws {
        // Each `merge` step writes about 500 pages; it is a no-op (fewer than 2 changes) once no level holds enough
        // segments to merge. Bounded, so a huge index is compacted over several jobs rather than all at once.
        for _ in 0..<200 {
            let changed = try await self.writer.write { db in
                let before = db.totalChangesCount
                try db.execute(sql: "INSERT INTO chunk_fts (chunk_fts, rank) VALUES ('merge', 500)")
                return db.totalChangesCount - before
            }
            if changed < 2 { break }
        }
    }

    /// Rebuilds `chunk_fts` from the stored chunks when it was built by another analyzer version.
    package static func reconcileAnalyzer(_ db: Database) throws {
        let stored = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'analyzer_version'")
        guard stored != DatabaseSchema.analyzerVersion else { return }
        try db.execute(sql: "INSERT INTO chunk_fts (chunk_fts) VALUES ('delete-all')")
        let rows = try Row.fetchCursor(db, sql: "SELECT c.id, f.path, c.symbols, c.content FROM chunks c JOIN files f ON f.id = c.file_id")
        let insert = try db.makeStatement(sql: "INSERT INTO chunk_fts (rowid, path, symbols, content, subwords) VALUES (?, ?, ?, ?, ?)")
        while let row = try rows.next() {
            let content: String = row["content"]
            let path: String = row["path"]
            let symbols: String = row["symbols"]
            let rowID: Int64 = row["id"]
            try insert.execute(arguments: [rowID, SearchDocument.pathColumn(path), symbols, content, CodeTokens.splitDocument(content)])
        }
        try db.execute(
            sql: "INSERT INTO settings (key, value) VALUES ('analyzer_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            arguments: [DatabaseSchema.analyzerVersion]
        )
    }
}

/// An FTS row to insert once the batch's chunk rows are written.
private struct PendingDocument {
    package let rowID: Int64
    package let path: String
    package let symbols: String
    package let content: String
    package let subwords: String

    package init(rowID: Int64, path: String, chunk: PreparedChunk) {
        self.rowID = rowID
        self.path = path
        self.symbols = chunk.symbols
        self.content = chunk.content
        self.subwords = chunk.subwords
    }
}
