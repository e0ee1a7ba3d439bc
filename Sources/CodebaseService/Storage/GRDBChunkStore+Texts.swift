import Foundation
import GRDB

extension GRDBChunkStore {
    func fileDigests() async throws -> [StoredFileDigest] {
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

    func chunkTexts(fileIDs: [Int64]) async throws -> [Int64: [StoredChunkText]] {
        guard !fileIDs.isEmpty else { return [:] }
        return try await self.writer.read { db in
            var texts: [Int64: [StoredChunkText]] = [:]
            let statement = try db.cachedStatement(sql: "SELECT chunk_id, start_line, content FROM chunks WHERE file_id = ? ORDER BY start_line")
            for fileID in fileIDs {
                let rows = try Row.fetchCursor(statement, arguments: [fileID])
                while let row = try rows.next() {
                    let digest: Data = row["chunk_id"]
                    texts[fileID, default: []].append(
                        StoredChunkText(id: ChunkID(digest: Array(digest)), startLine: row["start_line"], content: row["content"])
                    )
                }
            }
            return texts
        }
    }
}
