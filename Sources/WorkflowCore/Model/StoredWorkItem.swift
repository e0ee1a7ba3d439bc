import Foundation
import ServiceClient

/// A work item as the store keeps it, before its references are checked.
package struct StoredWorkItem: Sendable, Hashable {
    package var id: String
    package var title: String
    package var description: String
    package var itemType: WorkItemType
    package var status: WorkItemStatus
    package var parentID: String?
    package var entityReferences: [String]
    package var metadata: [String: JSONValue]
    package var version: Int
    package var createdAt: Date
    package var updatedAt: Date
    package var deletedAt: Date?

    package init(
        id: String,
        title: String,
        description: String,
        itemType: WorkItemType,
        status: WorkItemStatus,
        parentID: String? = nil,
        entityReferences: [String],
        metadata: [String: JSONValue],
        version: Int,
        createdAt: Date,
        updatedAt: Date,
        deletedAt: Date? = nil
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.itemType = itemType
        self.status = status
        self.parentID = parentID
        self.entityReferences = entityReferences
        self.metadata = metadata
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
    }

    /// The item as the contract shows it, with the outcome of a reference check.
    package func response(_ check: ReferenceCheck) -> WorkItem {
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

    package var summary: WorkItemSummary {
        WorkItemSummary(id: self.id, title: self.title, status: self.status, itemType: self.itemType)
    }
}

extension StoredWorkItem {
    /// A new item, as either store writes it: a fresh `wi_` id, version 1, created and updated `now`.
    package init(new item: NewWorkItem, at now: Date) {
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

extension StoredWorkItem {
    /// Refuses changes made against another version of the item: `version_conflict`, with both versions.
    package func requireVersion(_ expected: Int) throws {
        guard self.version == expected else {
            throw WorkflowError(
                .conflict,
                ErrorCode.versionConflict,
                "Work item '\(self.id)' is at version \(self.version), not \(expected). Read it again and retry.",
                details: ["expected_version": .int(Int64(expected)), "current_version": .int(Int64(self.version))]
            )
        }
    }

    /// The item with the fields `changes` sets, its version advanced and updated `now`, as either store writes it. The
    /// parent (checked against the hierarchy first) and the reference rows are the store's to handle.
    package mutating func apply(_ changes: WorkItemChanges, at now: Date) {
        if let title = changes.title { self.title = title }
        if let description = changes.description { self.description = description }
        if let itemType = changes.itemType { self.itemType = itemType }
        if let status = changes.status { self.status = status }
        if let metadata = changes.metadata { self.metadata = metadata }
        if let references = changes.entityReferences { self.entityReferences = references }
        self.version += 1
        self.updatedAt = now
    }
}
