import Foundation
import ServiceClient

/// A work item as the store keeps it, before its references are checked.
struct StoredWorkItem: Sendable, Hashable {
    var id: String
    var title: String
    var description: String
    var itemType: WorkItemType
    var status: WorkItemStatus
    var parentID: String?
    var entityReferences: [String]
    var metadata: [String: JSONValue]
    var version: Int
    var createdAt: Date
    var updatedAt: Date
    var deletedAt: Date?

    /// The item as the contract shows it, with the outcome of a reference check.
    func response(_ check: ReferenceCheck) -> WorkItem {
        WorkItem(
            id: self.id,
            title: self.title,
            description: self.description,
            itemType: self.itemType,
            status: self.status,
            parentID: self.parentID,
            entityReferences: self.entityReferences,
            metadata: self.metadata,
            version: self.version,
            createdAt: self.createdAt,
            updatedAt: self.updatedAt,
            deletedAt: self.deletedAt,
            validReferences: check.valid,
            staleReferences: check.stale,
            unverifiedReferences: check.unverified,
            referencesCheckedAt: check.checkedAt,
            warnings: check.warnings
        )
    }

    var summary: WorkItemSummary {
        WorkItemSummary(id: self.id, title: self.title, status: self.status, itemType: self.itemType)
    }
}

extension StoredWorkItem {
    /// A new item, as either store writes it: a fresh `wi_` id, version 1, created and updated `now`.
    init(new item: NewWorkItem, at now: Date) {
        self.init(
            id: "wi_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
            title: item.title,
            description: item.description,
            itemType: item.itemType,
            status: item.status,
            parentID: item.parentID,
            entityReferences: item.entityReferences,
            metadata: item.metadata,
            version: 1,
            createdAt: now,
            updatedAt: now,
            deletedAt: nil
        )
    }
}
