import Foundation
import HTTPTypes
import Hummingbird
import ServiceClient

/// The work-item routes: create, get, list, update and delete, with references checked on every read.
struct WorkItemController<Context: RequestContext> {
    let store: any WorkItemStore
    let references: ReferenceChecker

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
        let body = try await request.jsonBody(context: context)
        let item = try WorkItemInput.parseCreate(body)
        let key = try Self.idempotencyKey(request)
        // Only a keyed create needs the canonical body, to tell a repeat from a different request.
        let canonical = key == nil ? "" : String(decoding: try JSONResponse.encoder.encode(body), as: UTF8.self)
        let outcome = try await self.store.create(item, idempotencyKey: key, canonicalRequest: canonical)
        let check = try await self.references.check(outcome.item.entityReferences)
        var headers = HTTPFields()
        headers[.location] = "/mcp/work_items/\(outcome.item.id)"
        if case .replayed = outcome { headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return try JSONResponse.make(outcome.item.response(check), status: .created, headers: headers)
    }

    /// `GET /mcp/work_items/{id}` → 200 with references checked now; 404 `work_item_not_found`.
    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let includeDeleted = try WorkItemQuery.parseItemParameters(request.queryDictionary)
        guard let item = try await self.store.item(id: id, includeDeleted: includeDeleted) else { throw APIError.workItemNotFound(id) }
        let check = try await self.references.check(item.entityReferences)
        return try JSONResponse.make(item.response(check))
    }

    /// `GET /mcp/work_items?status=&item_type=&parent_id=&entity_reference=&include_deleted=&limit=&cursor=`.
    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let query = try WorkItemQuery.parse(request.queryDictionary)
        let listing = try await self.store.list(query)
        let checks = try await self.references.check(listing.items.map(\.entityReferences))
        let items = zip(listing.items, checks).map { $0.response($1) }
        let pageWarning = checks.pageWarning ?? self.references.peerWarning
        let page = WorkItemPage(items: items, nextCursor: listing.nextPosition.map(PageCursor.encode), warnings: pageWarning.map { [$0] } ?? [])
        return try JSONResponse.make(page)
    }

    /// `PATCH /mcp/work_items/{id}` with `expected_version` → 200, or 409 `version_conflict`.
    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let changes = try WorkItemInput.parsePatch(try await request.jsonBody(context: context))
        let item = try await self.store.update(id: id, changes)
        let check = try await self.references.check(item.entityReferences)
        return try JSONResponse.make(item.response(check))
    }

    /// `DELETE /mcp/work_items/{id}` → 204; the item is kept, marked deleted.
    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await self.store.delete(id: id) else { throw APIError.workItemNotFound(id) }
        return Response(status: .noContent)
    }

    private static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard (1...255).contains(key.count) else {
            throw APIError.invalid(field: "Idempotency-Key", "The Idempotency-Key header must have 1 to 255 characters.")
        }
        return key
    }
}
