import ServiceClient

/// A `POST /mcp/work_items` body as the tests send it: a title and, optionally, references. Neither service creates
/// work items of its peer; workflow-mcp reads the body strictly as `WorkItemCreation`.
public struct CreateWorkItemRequest: Encodable, Sendable, Hashable {
    public var title: String
    public var entityReferences: [String]?

    public init(title: String, entityReferences: [String]? = nil) {
        self.title = title
        self.entityReferences = entityReferences
    }

    enum CodingKeys: String, CodingKey {
        case title
        case entityReferences = "entity_references"
    }
}
