import CodebaseCore
import Hummingbird
import ServerKit
import ServiceClient

/// `GET /mcp/chunks/{chunk_id}` and `POST /mcp/chunks/lookup`: the REST door to chunks.
struct ChunkController<Context: RequestContext> {
    let codebase: Codebase

    func addRoutes(to router: Router<Context>) {
        router.post("/mcp/chunks/lookup", use: self.lookup)
        router.refuseOtherMethods(on: "/mcp/chunks/lookup", allowing: [.post])
        router.get("/mcp/chunks/{chunk_id}", use: self.get)
        router.refuseOtherMethods(on: "/mcp/chunks/{chunk_id}", allowing: [.get])
    }

    /// One chunk with its context lines and linked work items; 404 `chunk_not_found` when no chunk has that id now.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        // Like every route, a parameter it does not take is refused rather than ignored.
        if let name = request.uri.queryParameters.map({ String($0.key) }).filter({ !$0.isEmpty }).sorted().first {
            throw APIError.invalid(field: name, "GET /mcp/chunks/{chunk_id} takes no query parameters; got '\(name)'.")
        }
        return try JSONResponse.make(try await self.codebase.chunk(id: try context.parameters.require("chunk_id")))
    }

    /// Which of up to 1000 ids exist now: `found` and `missing`, each in the order asked, without repeats.
    @Sendable func lookup(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.make(try await self.codebase.lookup(try await request.decodeBody(as: ChunkLookupRequest.self, context: context)))
    }
}
