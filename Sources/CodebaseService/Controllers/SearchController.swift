import Hummingbird
import ServiceClient

/// `POST /mcp/search`: keyword and identifier search over the indexed chunks.
struct SearchController<Context: RequestContext> {
    let search: SearchService
    let linkedWorkItems: LinkedWorkItemsProvider

    func addRoutes(to router: Router<Context>) {
        router.post("/mcp/search", use: self.create)
        router.refuseOtherMethods(on: "/mcp/search", allowing: [.post])
    }

    /// Runs a search: the best `limit` chunks, best first, the number of all matches, and each hit's linked work items
    /// (`null` with a `workflow_unavailable` warning when workflow-mcp cannot be asked in time).
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let body = try await request.decodeBody(as: SearchRequest.self, context: context)
        let search = try SearchValidation.validate(body)
        let page = try await self.search.search(search)
        let linked = await self.linkedWorkItems.fetch(chunkIDs: page.hits.map(\.chunk.id.string))
        let best = page.hits.first?.bm25 ?? 0
        let results = page.hits.map { hit in
            let id = hit.chunk.id.string
            return SearchResult(
                chunkID: id,
                filePath: hit.chunk.filePath,
                repository: hit.chunk.repository,
                language: hit.chunk.language,
                content: hit.chunk.content,
                startLine: hit.chunk.startLine,
                endLine: hit.chunk.endLine,
                similarityScore: SearchRanking.similarity(bm25: hit.bm25, best: best),
                contextBefore: hit.chunk.contextBefore,
                contextAfter: hit.chunk.contextAfter,
                linkedWorkItems: linked.items(for: id)
            )
        }
        let latency = (started.duration(to: .now).inMilliseconds * 100).rounded() / 100
        return try JSONResponse.make(SearchResponse(results: results, totalCount: page.totalCount, latencyMS: latency, warnings: linked.warnings))
    }
}
