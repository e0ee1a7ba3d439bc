import ServiceClient

/// What creating a work item did.
package enum CreateOutcome: Sendable, Hashable {
    case created(StoredWorkItem)
    /// An earlier create with the same `Idempotency-Key` and body; nothing new was written.
    case replayed(StoredWorkItem)

    package var item: StoredWorkItem {
        switch self {
        case .created(let item), .replayed(let item): item
        }
    }
}

/// One page of a listing.
package struct WorkItemListing: Sendable, Hashable {
    package var items: [StoredWorkItem]
    /// The position to continue after, when more items match.
    package var nextPosition: Int64?

    package init(items: [StoredWorkItem], nextPosition: Int64? = nil) {
        self.items = items
        self.nextPosition = nextPosition
    }
}

/// Durable storage of work items. Every method is atomic; errors meant for the client are `WorkflowError`.
package protocol WorkItemStore: Sendable {
    /// Creates an item; with an idempotency key, a repeat of the same body returns the first result.
    func create(_ item: NewWorkItem, idempotencyKey: String?, canonicalRequest: String) async throws -> CreateOutcome
    /// The item with `id`; deleted items only when `includeDeleted`.
    func item(id: String, includeDeleted: Bool) async throws -> StoredWorkItem?
    /// One page of items matching `query`, in a stable order.
    func list(_ query: WorkItemQuery) async throws -> WorkItemListing
    /// Applies `changes` if the item is still at `changes.expectedVersion`; the check and the write are one transaction.
    func update(id: String, _ changes: WorkItemChanges) async throws -> StoredWorkItem
    /// Soft-deletes the item; false when no such item exists.
    func delete(id: String) async throws -> Bool
    /// The live items that reference each of `chunkIDs`.
    func itemsReferencing(_ chunkIDs: [String]) async throws -> [String: [WorkItemSummary]]
    /// Whether the database takes writes now (`ok`, `full`, `read_only`); throws when it cannot even be read.
    func checkHealth() async throws -> StorageState
}
