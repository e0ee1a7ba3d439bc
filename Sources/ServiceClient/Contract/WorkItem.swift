import Foundation

/// The kind of a work item.
public enum WorkItemType: String, Codable, Sendable, CaseIterable {
    case project, session, task, research
}

/// The lifecycle state of a work item.
public enum WorkItemStatus: String, Codable, Sendable, CaseIterable {
    case planned, active, completed, blocked
}

/// A work item as workflow-mcp returns it, with the result of its reference check.
public struct WorkItem: Codable, Sendable, Hashable {
    public var id: String
    public var title: String
    @OrEmpty public var description: String
    public var itemType: WorkItemType
    public var status: WorkItemStatus
    @Nullable public var parentID: String?
    @OrEmpty public var entityReferences: [String]
    @OrEmpty public var metadata: [String: JSONValue]
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    @Nullable public var deletedAt: Date?
    @OrEmpty public var validReferences: [String]
    @OrEmpty public var staleReferences: [String]
    @OrEmpty public var unverifiedReferences: [String]
    @Nullable public var referencesCheckedAt: Date?
    @OrEmpty public var warnings: [String]

    public init(
        id: String,
        title: String,
        description: String = "",
        itemType: WorkItemType = .task,
        status: WorkItemStatus = .planned,
        parentID: String? = nil,
        entityReferences: [String] = [],
        metadata: [String: JSONValue] = [:],
        version: Int = 1,
        createdAt: Date,
        updatedAt: Date,
        deletedAt: Date? = nil,
        validReferences: [String] = [],
        staleReferences: [String] = [],
        unverifiedReferences: [String] = [],
        referencesCheckedAt: Date? = nil,
        warnings: [String] = []
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
        self.validReferences = validReferences
        self.staleReferences = staleReferences
        self.unverifiedReferences = unverifiedReferences
        self.referencesCheckedAt = referencesCheckedAt
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case id, title, description, status, metadata, version, warnings
        case itemType = "item_type"
        case parentID = "parent_id"
        case entityReferences = "entity_references"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case deletedAt = "deleted_at"
        case validReferences = "valid_references"
        case staleReferences = "stale_references"
        case unverifiedReferences = "unverified_references"
        case referencesCheckedAt = "references_checked_at"
    }
}

/// The short form of a work item that codebase-mcp attaches to search results.
public struct WorkItemSummary: Codable, Sendable, Hashable {
    public var id: String
    public var title: String
    public var status: WorkItemStatus
    public var itemType: WorkItemType

    public init(id: String, title: String, status: WorkItemStatus, itemType: WorkItemType) {
        self.id = id
        self.title = title
        self.status = status
        self.itemType = itemType
    }

    enum CodingKeys: String, CodingKey {
        case id, title, status
        case itemType = "item_type"
    }
}

/// `GET /mcp/work_items` answer: one page and the cursor of the next.
public struct WorkItemPage: Codable, Sendable, Hashable {
    public var items: [WorkItem]
    @Nullable public var nextCursor: String?
    @OrEmpty public var warnings: [String]

    public init(items: [WorkItem], nextCursor: String?, warnings: [String] = []) {
        self.items = items
        self.nextCursor = nextCursor
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case items, warnings
        case nextCursor = "next_cursor"
    }
}
