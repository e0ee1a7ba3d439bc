import Foundation
import ServiceClient

/// The one place where work items are created, read, listed, changed and deleted, each answer carrying its references
/// checked against codebase-mcp now. The REST controllers and the MCP tools both call it; neither adds behaviour.
package struct WorkItems: Sendable {
    package let store: any WorkItemStore
    package let references: ReferenceChecker

    package init(store: any WorkItemStore, references: ReferenceChecker) {
        self.store = store
        self.references = references
    }

    /// What a create returned, and whether it repeated an earlier create with the same idempotency key.
    package struct Created: Sendable {
        package var item: WorkItem
        package var replayed: Bool
    }

    /// Creates an item from a create body; a repeat with the same `idempotencyKey` and body returns the first item.
    package func create(_ body: WorkItemCreation, idempotencyKey: String?) async throws -> Created {
        if let idempotencyKey { try Self.validateIdempotencyKey(idempotencyKey) }
        // Only a keyed create needs the canonical body, to tell a repeat from a different request.
        let canonical = idempotencyKey == nil ? "" : String(decoding: try Self.canonicalEncoder.encode(body.asSent), as: UTF8.self)
        let outcome = try await self.store.create(body.item, idempotencyKey: idempotencyKey, canonicalRequest: canonical)
        let check = try await self.references.check(outcome.item.entityReferences)
        var replayed = false
        if case .replayed = outcome { replayed = true }
        return Created(item: outcome.item.response(check), replayed: replayed)
    }

    /// The item with its references checked now; `work_item_not_found` when there is none.
    package func get(id: String, includeDeleted: Bool) async throws -> WorkItem {
        guard let item = try await self.store.item(id: id, includeDeleted: includeDeleted) else { throw WorkflowError.workItemNotFound(id) }
        return item.response(try await self.references.check(item.entityReferences))
    }

    /// One page of items, every item's references checked in one lookup.
    package func list(_ query: WorkItemQuery) async throws -> WorkItemPage {
        let listing = try await self.store.list(query)
        let checks = try await self.references.check(listing.items.map(\.entityReferences))
        let items = zip(listing.items, checks).map { $0.response($1) }
        let pageWarning = checks.pageWarning ?? self.references.peerWarning
        return WorkItemPage(items: items, nextCursor: listing.nextPosition.map(PageCursor.encode), warnings: pageWarning.map { [$0] } ?? [])
    }

    /// Applies a patch body (with `expected_version`); `version_conflict` when the item moved on.
    package func update(id: String, _ changes: WorkItemChanges) async throws -> WorkItem {
        let item = try await self.store.update(id: id, changes)
        return item.response(try await self.references.check(item.entityReferences))
    }

    /// Marks the item deleted; it stays readable with `include_deleted`.
    package func delete(id: String) async throws {
        guard try await self.store.delete(id: id) else { throw WorkflowError.workItemNotFound(id) }
    }

    /// The live items that reference each chunk id of a `{"chunk_ids": [...]}` body.
    package func itemsReferencing(_ body: WorkItemsByReferencesRequest) async throws -> WorkItemsByReferencesResponse {
        WorkItemsByReferencesResponse(items: try await self.store.itemsReferencing(body.chunkIDs))
    }

    /// Sorted keys, so the same body always has the same canonical text.
    private static let canonicalEncoder = ContractCoding.makeEncoder()

    private static func validateIdempotencyKey(_ key: String) throws(WorkflowError) {
        guard RequestText.length(of: key, isIn: ContractLimits.idempotencyKeyLength) else {
            throw .invalid(
                field: "Idempotency-Key",
                "The idempotency key (Idempotency-Key header, idempotency_key argument) must have \(ContractLimits.idempotencyKeyLength.lowerBound) to \(ContractLimits.idempotencyKeyLength.upperBound) \(RequestText.unit)."
            )
        }
    }
}
