import ServiceClient

/// A validated search: the query, the filters and the number of results wanted.
struct ValidatedSearch: Sendable, Hashable {
    let query: SearchQuery
    let filter: SearchFilter
    let limit: Int
}

/// The key of a cached search answer: the index generation it was read at and everything that shapes the answer.
struct SearchCacheKey: Sendable, Hashable {
    let generation: Int64
    let search: ValidatedSearch
}

/// Runs searches against the store through the single-flight cache: concurrent identical searches cost one query,
/// and every committed index change (which advances the database's generation, whoever wrote it) makes every older
/// entry unreachable.
struct SearchService: Sendable {
    let store: any ChunkStore
    let cache: SingleFlightCache<SearchCacheKey, StoredSearchPage>
    let contextLines: Int

    func search(_ search: ValidatedSearch) async throws -> StoredSearchPage {
        guard !search.query.isEmpty else { return StoredSearchPage(hits: [], totalCount: 0) }
        let key = SearchCacheKey(generation: try await self.store.indexGeneration(), search: search)
        let store = self.store
        let contextLines = self.contextLines
        return try await self.cache.value(for: key) {
            var page = try await store.search(match: search.query.matchAll, filter: search.filter, limit: search.limit, contextLines: contextLines)
            if page.totalCount == 0, search.query.terms.count > 1 {
                // No chunk has every word: rank the chunks that have some of them.
                page = try await store.search(match: search.query.matchAny, filter: search.filter, limit: search.limit, contextLines: contextLines)
            }
            return try await Self.declarationsFirst(page, search: search, store: store, contextLines: contextLines)
        }
    }
}
