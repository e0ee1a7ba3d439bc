import Hummingbird
import ServiceClient

/// `GET /mcp/chunks/{chunk_id}` and `POST /mcp/chunks/lookup`.
struct ChunkController<Context: RequestContext> {
    let store: any ChunkStore
    let linkedWorkItems: LinkedWorkItemsProvider
    let contextLines: Int

    static var maxLookupIDs: Int { 1000 }

    func addRoutes(to router: Router<Context>) {
        router.post("/mcp/chunks/lookup", use: self.lookup)
        router.refuseOtherMethods(on: "/mcp/chunks/lookup", allowing: [.post])
        router.get("/mcp/chunks/:chunk_id", use: self.get)
        router.refuseOtherMethods(on: "/mcp/chunks/:chunk_id", allowing: [.get])
    }

    /// One chunk with its context lines and linked work items; 404 `chunk_not_found` when no chunk has that id now.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let rawID = try context.parameters.require("chunk_id")
        // An id that is not even well-formed names no chunk: the same answer as a deleted one.
        guard let id = ChunkID(rawID), let chunk = try await self.store.chunk(id: id, contextLines: self.contextLines) else {
            throw APIError.chunkNotFound(rawID)
        }
        let linked = await self.linkedWorkItems.fetch(chunkIDs: [rawID])
        let detail = ChunkDetail(
            chunkID: rawID,
            filePath: chunk.filePath,
            repository: chunk.repository,
            language: chunk.language,
            content: chunk.content,
            startLine: chunk.startLine,
            endLine: chunk.endLine,
            contextBefore: chunk.contextBefore,
            contextAfter: chunk.contextAfter,
            indexedAt: chunk.indexedAt,
            linkedWorkItems: linked.items(for: rawID),
            warnings: linked.warnings
        )
        return try JSONResponse.make(detail)
    }

    /// Which of up to 1000 ids exist now, in one query: `found` and `missing`, each in the order asked, without repeats.
    @Sendable func lookup(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeBody(as: ChunkLookupRequest.self, context: context)
        guard (1...Self.maxLookupIDs).contains(body.chunkIDs.count) else {
            throw APIError.invalid(field: "chunk_ids", "'chunk_ids' must hold 1 to \(Self.maxLookupIDs) ids; it holds \(body.chunkIDs.count).")
        }
        var seen = Set<String>()
        let unique = body.chunkIDs.filter { seen.insert($0).inserted }
        let parsed = unique.map { ($0, ChunkID($0)) }
        let existing = try await self.store.existingChunkIDs(parsed.compactMap(\.1))
        var found: [String] = []
        var missing: [String] = []
        for (raw, id) in parsed {
            if let id, existing.contains(id) { found.append(raw) } else { missing.append(raw) }
        }
        return try JSONResponse.make(ChunkLookupResponse(found: found, missing: missing))
    }
}
