import ServiceClient

extension SearchService {
    /// A search for one identifier puts the chunks that declare it first (with the best score): bm25 ranks a chunk
    /// that uses a name often above the one that defines it, and "where is X defined" is what such a search asks.
    /// Declarations come from the symbols table (the same name in any case, types before functions), filtered as the
    /// search is; one that the page did not hold is read and added. Part of the cached answer, so a repeated search
    /// does not ask again.
    package static func declarationsFirst(_ page: StoredSearchPage, search: ValidatedSearch, store: any ChunkStore, contextLines: Int) async throws
        -> StoredSearchPage
    {
        guard let identifier = search.query.identifier else { return page }
        var query = SymbolQuery(name: identifier, limit: search.limit)
        query.ignoreCase = true
        query.repository = search.filter.repository
        query.fileType = search.filter.fileType
        var declared = try await store.symbols(query)
        if let directory = search.filter.directory { declared = declared.filter { $0.filePath.hasPrefix(directory) } }
        // The name as typed before other spellings of it.
        declared.sort { ($0.name == identifier ? 0 : 1) < ($1.name == identifier ? 0 : 1) }
        guard !declared.isEmpty else { return page }
        let best = page.hits.first?.bm25 ?? -1
        var promoted: [StoredSearchHit] = []
        var seen = Set<ChunkID>()
        for declaration in declared {
            guard let id = ChunkID(declaration.chunkID), seen.insert(id).inserted else { continue }
            if let hit = page.hits.first(where: { $0.chunk.id == id }) {
                promoted.append(StoredSearchHit(chunk: hit.chunk, bm25: best))
            } else if let chunk = try await store.chunk(id: id, contextLines: contextLines) {
                promoted.append(StoredSearchHit(chunk: chunk, bm25: best))
            }
        }
        let rest = page.hits.filter { !seen.contains($0.chunk.id) }
        let hits = Array((promoted + rest).prefix(search.limit))
        return StoredSearchPage(hits: hits, totalCount: max(page.totalCount, hits.count))
    }
}
