import ServiceClient

/// A `POST /mcp/work_items` body as the tests send it: a title and, optionally, a description and references. Neither service creates
/// work items of its peer; workflow-mcp reads the body strictly as `WorkItemCreation`.
public struct CreateWorkItemRequest: Encodable, Sendable, Hashable {
    public var title: String
    public var description: String?
    public var entityReferences: [String]?

    public init(title: String, description: String? = nil, entityReferences: [String]? = nil) {
        self.title = title
        self.description = description
        self.entityReferences = entityReferences
    }

    enum CodingKeys: String, CodingKey {
        case title, description
        case entityReferences = "entity_references"
    }
}
