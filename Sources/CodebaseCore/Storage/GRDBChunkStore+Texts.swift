import Foundation
import GRDB

extension GRDBChunkStore {
    package func fileDigests() async throws -> [StoredFileDigest] {
        try await self.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT f.id, f.path, f.language, f.extension, f.content_hash, r.name AS repository
                    FROM files f JOIN repositories r ON r.id = f.repository_id
                    """
            ).map { row in
                let hash: Data = row["content_hash"]
                return StoredFileDigest(
                    fileID: row["id"],
                    repository: row["repository"],
                    path: row["path"],
                    language: row["language"],
                    fileExtension: row["extension"],
                    contentHash: Array(hash)
                )
            }
        }
    }

    package func fileTexts(fileIDs: [Int64]) async throws -> [Int64: StoredFileText] {
        guard !fileIDs.isEmpty else { return [:] }
        return try await self.writer.read { db in
            var texts: [Int64: StoredFileText] = [:]
            let statement = try db.cachedStatement(sql: "SELECT chunk_id, start_line, content FROM chunks WHERE file_id = ? ORDER BY start_line")
            for fileID in fileIDs {
                var file = StoredFileText()
                let rows = try Row.fetchCursor(statement, arguments: [fileID])
                while let row = try rows.next() {
                    let digest: Data = row["chunk_id"]
                    file.chunkIDs.append(ChunkID(digest: Array(digest)))
                    file.chunkLines.append(row["start_line"])
                    file.chunkOffsets.append(file.text.count)
                    // The text's bytes straight from SQLite into the file's buffer: no string per chunk, so building
                    // the corpus holds about one copy of the text, not two.
                    try row.withUnsafeData(named: "content") { data in
                        if let data { file.text.append(contentsOf: data) }
                    }
                    file.text.append(0x0A)
                }
                texts[fileID] = file
            }
            return texts
        }
    }
}
