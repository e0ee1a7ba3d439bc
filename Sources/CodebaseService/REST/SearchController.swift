import CodebaseCore
import Hummingbird
import ServerKit
import ServiceClient

/// `POST /mcp/search`: the REST door to ranked search.
struct SearchController<Context: RequestContext> {
    let codebase: Codebase

    func addRoutes(to router: Router<Context>) {
        router.post("/mcp/search", use: self.create)
        router.refuseOtherMethods(on: "/mcp/search", allowing: [.post])
    }

    /// Runs a search (see `Codebase.search`).
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.make(try await self.codebase.search(try await request.decodeBody(as: SearchRequest.self, context: context)))
    }
}
