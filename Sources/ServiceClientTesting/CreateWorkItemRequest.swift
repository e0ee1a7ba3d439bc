import Foundation
import ServiceClient

/// A `POST /mcp/work_items` body as the tests send it (neither service creates work items of its peer; workflow-mcp
/// reads this body strictly as `WorkItemCreation`).
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

    public enum CodingKeys: String, CodingKey {
        case title, description, status, metadata
        case itemType = "item_type"
        case parentID = "parent_id"
        case entityReferences = "entity_references"
    }
}
