import ServiceClient

/// A validated search: the query, the filters and the number of results wanted.
package struct ValidatedSearch: Sendable, Hashable {
    package let query: SearchQuery
    package let filter: SearchFilter
    package let limit: Int
}

/// The key of a cached search answer: the index generation it was read at and everything that shapes the answer.
package struct SearchCacheKey: Sendable, Hashable {
    package let generation: Int64
    package let search: ValidatedSearch
}

/// Runs searches against the store through the single-flight cache: concurrent identical searches cost one query,
/// and every committed index change (which advances the database's generation, whoever wrote it) makes every older
/// entry unreachable.
package struct SearchService: Sendable {
    package let store: any ChunkStore
    package let cache: SingleFlightCache<SearchCacheKey, StoredSearchPage>
    package let contextLines: Int

    package init(store: any ChunkStore, cache: SingleFlightCache<SearchCacheKey, StoredSearchPage>, contextLines: Int) {
        self.store = store
        self.cache = cache
        self.contextLines = contextLines
    }

    package func search(_ search: ValidatedSearch) async throws -> StoredSearchPage {
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
