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
    public var description: String
    public var itemType: WorkItemType
    public var status: WorkItemStatus
    public var parentID: String?
    public var entityReferences: [String]
    public var metadata: [String: JSONValue]
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    public var deletedAt: Date?
    public var validReferences: [String]
    public var staleReferences: [String]
    public var unverifiedReferences: [String]
    public var referencesCheckedAt: Date?
    public var warnings: [String]

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

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try c.decode(String.self, forKey: .id)
        self.title = try c.decode(String.self, forKey: .title)
        self.description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        self.itemType = try c.decode(WorkItemType.self, forKey: .itemType)
        self.status = try c.decode(WorkItemStatus.self, forKey: .status)
        self.parentID = try c.decodeIfPresent(String.self, forKey: .parentID)
        self.entityReferences = try c.decodeIfPresent([String].self, forKey: .entityReferences) ?? []
        self.metadata = try c.decodeIfPresent([String: JSONValue].self, forKey: .metadata) ?? [:]
        self.version = try c.decode(Int.self, forKey: .version)
        self.createdAt = try c.decode(Date.self, forKey: .createdAt)
        self.updatedAt = try c.decode(Date.self, forKey: .updatedAt)
        self.deletedAt = try c.decodeIfPresent(Date.self, forKey: .deletedAt)
        self.validReferences = try c.decodeIfPresent([String].self, forKey: .validReferences) ?? []
        self.staleReferences = try c.decodeIfPresent([String].self, forKey: .staleReferences) ?? []
        self.unverifiedReferences = try c.decodeIfPresent([String].self, forKey: .unverifiedReferences) ?? []
        self.referencesCheckedAt = try c.decodeIfPresent(Date.self, forKey: .referencesCheckedAt)
        self.warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
    }

    // Written by hand so that absent optionals are sent as `null`, as the contract shows them.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(self.id, forKey: .id)
        try c.encode(self.title, forKey: .title)
        try c.encode(self.description, forKey: .description)
        try c.encode(self.itemType, forKey: .itemType)
        try c.encode(self.status, forKey: .status)
        try c.encode(self.parentID, forKey: .parentID)
        try c.encode(self.entityReferences, forKey: .entityReferences)
        try c.encode(self.metadata, forKey: .metadata)
        try c.encode(self.version, forKey: .version)
        try c.encode(self.createdAt, forKey: .createdAt)
        try c.encode(self.updatedAt, forKey: .updatedAt)
        try c.encode(self.deletedAt, forKey: .deletedAt)
        try c.encode(self.validReferences, forKey: .validReferences)
        try c.encode(self.staleReferences, forKey: .staleReferences)
        try c.encode(self.unverifiedReferences, forKey: .unverifiedReferences)
        try c.encode(self.referencesCheckedAt, forKey: .referencesCheckedAt)
        try c.encode(self.warnings, forKey: .warnings)
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

/// `POST /mcp/work_items` body.
public struct CreateWorkItemRequest: Codable, Sendable, Hashable {
    public var title: String
    public var description: String?
    public var itemType: WorkItemType?
    public var status: WorkItemStatus?
    public var parentID: String?
    public var entityReferences: [String]?
    public var metadata: [String: JSONValue]?

    public init(
        title: String,
        description: String? = nil,
        itemType: WorkItemType? = nil,
        status: WorkItemStatus? = nil,
        parentID: String? = nil,
        entityReferences: [String]? = nil,
        metadata: [String: JSONValue]? = nil
    ) {
        self.title = title
        self.description = description
        self.itemType = itemType
        self.status = status
        self.parentID = parentID
        self.entityReferences = entityReferences
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case title, description, status, metadata
        case itemType = "item_type"
        case parentID = "parent_id"
        case entityReferences = "entity_references"
    }
}

/// `GET /mcp/work_items` answer: one page and the cursor of the next.
public struct WorkItemPage: Codable, Sendable, Hashable {
    public var items: [WorkItem]
    public var nextCursor: String?
    public var warnings: [String]

    public init(items: [WorkItem], nextCursor: String?, warnings: [String] = []) {
        self.items = items
        self.nextCursor = nextCursor
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case items, warnings
        case nextCursor = "next_cursor"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.items = try c.decode([WorkItem].self, forKey: .items)
        self.nextCursor = try c.decodeIfPresent(String.self, forKey: .nextCursor)
        self.warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(self.items, forKey: .items)
        try c.encode(self.nextCursor, forKey: .nextCursor)
        try c.encode(self.warnings, forKey: .warnings)
    }
}

/// `POST /mcp/work_items/by_references` body.
public struct WorkItemsByReferencesRequest: Codable, Sendable, Hashable {
    public var chunkIDs: [String]

    public init(chunkIDs: [String]) { self.chunkIDs = chunkIDs }

    enum CodingKeys: String, CodingKey { case chunkIDs = "chunk_ids" }
}

/// `POST /mcp/work_items/by_references` answer: the live work items that reference each chunk.
public struct WorkItemsByReferencesResponse: Codable, Sendable, Hashable {
    public var items: [String: [WorkItemSummary]]

    public init(items: [String: [WorkItemSummary]]) { self.items = items }
}
