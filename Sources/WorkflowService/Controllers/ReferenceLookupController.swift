import Hummingbird
import ServiceClient

/// `POST /mcp/work_items/by_references`: the reverse lookup codebase-mcp makes once per request.
struct ReferenceLookupController<Context: RequestContext> {
    let store: any WorkItemStore

    func addRoutes(to router: Router<Context>) {
        router.post("/mcp/work_items/by_references", use: self.lookup)
        router.refuseOtherMethods(on: "/mcp/work_items/by_references", allowing: [.post])
    }

    /// The live work items that reference each chunk id asked (an empty list for none).
    @Sendable func lookup(_ request: Request, context: Context) async throws -> Response {
        let ids = try WorkItemInput.chunkIDs(try await request.jsonBody(context: context))
        let items = try await self.store.itemsReferencing(ids)
        return try JSONResponse.make(WorkItemsByReferencesResponse(items: items))
    }
}
