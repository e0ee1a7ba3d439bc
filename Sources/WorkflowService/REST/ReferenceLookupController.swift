import Hummingbird
import ServerKit
import ServiceClient
import WorkflowCore

/// `POST /mcp/work_items/by_references`: the reverse lookup codebase-mcp makes once per request.
struct ReferenceLookupController<Context: RequestContext> {
    let workItems: WorkItems

    func addRoutes(to router: Router<Context>) {
        router.post("/mcp/work_items/by_references", use: self.lookup)
        router.refuseOtherMethods(on: "/mcp/work_items/by_references", allowing: [.post])
    }

    /// The live work items that reference each chunk id asked (an empty list for none).
    @Sendable func lookup(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.make(try await self.workItems.itemsReferencing(try await request.decodeBody(as: WorkItemsByReferencesRequest.self, context: context)))
    }
}
