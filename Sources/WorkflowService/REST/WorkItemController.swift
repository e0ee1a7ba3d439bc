import Foundation
import HTTPTypes
import Hummingbird
import ServerKit
import ServiceClient
import WorkflowCore

/// The REST door to work items: create, get, list, update and delete, each a call into `WorkItems`.
struct WorkItemController<Context: RequestContext> {
    let workItems: WorkItems

    func addRoutes(to router: Router<Context>) {
        router.post("/mcp/work_items", use: self.create)
        router.get("/mcp/work_items", use: self.list)
        router.get("/mcp/work_items/{id}", use: self.get)
        router.patch("/mcp/work_items/{id}", use: self.update)
        router.delete("/mcp/work_items/{id}", use: self.delete)
        router.refuseOtherMethods(on: "/mcp/work_items", allowing: [.get, .post])
        router.refuseOtherMethods(on: "/mcp/work_items/{id}", allowing: [.get, .patch, .delete])
    }

    /// `POST /mcp/work_items` → 201; a repeat with the same `Idempotency-Key` and body returns the first result.
    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let key = request.headers[HTTPField.Name("Idempotency-Key")!]
        let body = try await request.decodeBody(as: WorkItemCreation.self, context: context)
        let created = try await self.workItems.create(body, idempotencyKey: key)
        var headers = HTTPFields()
        headers[.location] = "/mcp/work_items/\(created.item.id)"
        if created.replayed { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return try JSONResponse.make(created.item, status: .created, headers: headers)
    }

    /// `GET /mcp/work_items/{id}` → 200 with references checked now; 404 `work_item_not_found`.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let includeDeleted = try WorkItemQuery.parseItemParameters(request.queryDictionary)
        return try JSONResponse.make(try await self.workItems.get(id: try context.parameters.require("id"), includeDeleted: includeDeleted))
    }

    /// `GET /mcp/work_items?status=&item_type=&parent_id=&entity_reference=&include_deleted=&limit=&cursor=`.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try JSONResponse.make(try await self.workItems.list(try WorkItemQuery.parse(request.queryDictionary)))
    }

    /// `PATCH /mcp/work_items/{id}` with `expected_version` → 200, or 409 `version_conflict`.
    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let changes = try await request.decodeBody(as: WorkItemChanges.self, context: context)
        return try JSONResponse.make(try await self.workItems.update(id: id, changes))
    }

    /// `DELETE /mcp/work_items/{id}` → 204; the item is kept, marked deleted.
    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try await self.workItems.delete(id: try context.parameters.require("id"))
        return Response(status: .noContent)
    }
}
