/// The indexed text of every file, in memory, for exact and regex search: one buffer per file (its chunks in line
/// order, each followed by a newline), in repository and path order. It is read from the index, not from disk, so
/// grep sees exactly what search sees. Built on the first grep, then kept up to date when the index generation moves,
/// re-reading only the files whose content hash changed. It costs about as much memory as the indexed text.
actor GrepCorpus {
    /// One file's text and where its chunks start.
    struct File: Sendable {
        let digest: StoredFileDigest
        let text: [UInt8]
        /// Byte offset in `text` of each chunk, in line order.
        let chunkOffsets: [Int]
        /// 1-based first line of each chunk.
        let chunkLines: [Int]
        let chunkIDs: [ChunkID]
    }

    private let store: any ChunkStore
    private var files: [Int64: File] = [:]
    private var ordered: [File] = []
    private var generation: Int64 = -1

    init(store: any ChunkStore) {
        self.store = store
    }

    /// Every indexed file as the index holds it now.
    func snapshot() async throws -> [File] {
        let current = try await self.store.indexGeneration()
        if current == self.generation { return self.ordered }
        var next: [Int64: File] = [:]
        var stale: [StoredFileDigest] = []
        for digest in try await self.store.fileDigests() {
            if let held = self.files[digest.fileID], held.digest == digest { next[digest.fileID] = held } else { stale.append(digest) }
        }
        let texts = try await self.store.chunkTexts(fileIDs: stale.map(\.fileID))
        for digest in stale {
            next[digest.fileID] = Self.file(digest, chunks: texts[digest.fileID] ?? [])
        }
        // A commit between the reads above is caught next time: the generation read first is older than it.
        self.files = next
        self.ordered = next.values.sorted { first, second in
            if first.digest.repository != second.digest.repository { return first.digest.repository < second.digest.repository }
            return first.digest.path.utf8.lexicographicallyPrecedes(second.digest.path.utf8)
        }
        self.generation = current
        return self.ordered
    }

    private static func file(_ digest: StoredFileDigest, chunks: [StoredChunkText]) -> File {
        var text: [UInt8] = []
        text.reserveCapacity(chunks.reduce(0) { $0 + $1.content.utf8.count + 1 })
        var offsets: [Int] = []
        for chunk in chunks {
            offsets.append(text.count)
            text.append(contentsOf: chunk.content.utf8)
            text.append(0x0A)
        }
        return File(digest: digest, text: text, chunkOffsets: offsets, chunkLines: chunks.map(\.startLine), chunkIDs: chunks.map(\.id))
    }
}
