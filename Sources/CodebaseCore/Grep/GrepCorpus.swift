/// The indexed text of every file, in memory, for exact and regex search: one buffer per file (its chunks in line
/// order, each followed by a newline), in repository and path order. It is read from the index, not from disk, so
/// grep sees exactly what search sees. Built on the first grep, then kept up to date when the index generation moves,
/// re-reading only the files whose content hash changed. It costs about as much memory as the indexed text, plus
/// 1 to 2 bits per byte for each file's `TrigramFilter`.
package actor GrepCorpus {
    /// One file's text and where its chunks start.
    package struct File: Sendable {
        package let digest: StoredFileDigest
        package let text: [UInt8]
        /// Byte offset in `text` of each chunk, in line order.
        package let chunkOffsets: [Int]
        /// 1-based first line of each chunk.
        package let chunkLines: [Int]
        package let chunkIDs: [ChunkID]
        /// What the text may contain, to skip it for a literal it cannot hold.
        package let trigrams: TrigramFilter

        package init(digest: StoredFileDigest, text: [UInt8], chunkOffsets: [Int], chunkLines: [Int], chunkIDs: [ChunkID]) {
            self.digest = digest
            // The indexer stores valid UTF-8 (it replaces invalid bytes), and regex matching relies on it; a text
            // that is not (a database written otherwise) is repaired chunk by chunk, so its offsets stay right.
            if String(validating: text, as: UTF8.self) == nil {
                var repaired: [UInt8] = []
                var offsets: [Int] = []
                for (index, start) in chunkOffsets.enumerated() {
                    let end = index + 1 < chunkOffsets.count ? chunkOffsets[index + 1] : text.count
                    offsets.append(repaired.count)
                    repaired += Array(String(decoding: text[start..<end], as: UTF8.self).utf8)
                }
                self.text = repaired
                self.chunkOffsets = offsets
            } else {
                self.text = text
                self.chunkOffsets = chunkOffsets
            }
            self.chunkLines = chunkLines
            self.chunkIDs = chunkIDs
            self.trigrams = TrigramFilter(self.text)
        }
    }

    private let store: any ChunkStore
    private var files: [Int64: File] = [:]
    private var ordered: [File] = []
    private var generation: Int64 = -1

    package init(store: any ChunkStore) {
        self.store = store
    }

    /// Every indexed file as the index holds it now.
    package func snapshot() async throws -> [File] {
        let current = try await self.store.indexGeneration()
        if current == self.generation { return self.ordered }
        var next: [Int64: File] = [:]
        var stale: [StoredFileDigest] = []
        for digest in try await self.store.fileDigests() {
            if let held = self.files[digest.fileID], held.digest == digest { next[digest.fileID] = held } else { stale.append(digest) }
        }
        var texts = try await self.store.fileTexts(fileIDs: stale.map(\.fileID))
        for digest in stale {
            let text = texts.removeValue(forKey: digest.fileID) ?? StoredFileText()
            next[digest.fileID] = File(digest: digest, text: text.text, chunkOffsets: text.chunkOffsets, chunkLines: text.chunkLines, chunkIDs: text.chunkIDs)
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
}
