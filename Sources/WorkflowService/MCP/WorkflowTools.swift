import ServerKit
import ServiceClient
import WorkflowCore

/// The MCP tools of workflow-mcp (docs/mcp.md): each one REST operation of `WorkItems`, its structured content the REST body.
struct WorkflowTools: ToolProvider {
    static let serverName = "workflow-mcp"

    /// What the server is for, sent with `initialize` (a client may show it to the model).
    static let instructions = "Work items (tasks, projects, research notes, sessions) whose references to code chunks are checked against codebase-mcp on every read."

    let workItems: WorkItems

    /// A work item's essentials, as every item-returning tool declares them.
    private static let item = JSONSchema.object(
        [
            "id": ["type": "string"], "title": ["type": "string"], "item_type": ["type": "string"], "status": ["type": "string"],
            "parent_id": ["type": ["string", "null"]], "version": ["type": "integer"], "entity_references": ["type": "array"],
            "valid_references": ["type": "array"], "stale_references": ["type": "array"], "unverified_references": ["type": "array"],
            "warnings": ["type": "array", "items": ["type": "string"]],
        ],
        required: [
            "id", "title", "item_type", "status", "version", "entity_references", "valid_references", "stale_references",
            "unverified_references", "warnings",
        ],
        closed: false
    )

    /// The fields a create and an update take.
    private static let fields: [String: JSONValue] = [
        "title": JSONSchema.string(length: ContractLimits.titleLength),
        "description": JSONSchema.string(maxLength: ContractLimits.maxDescriptionLength),
        "item_type": JSONSchema.oneOf(WorkItemType.self),
        "status": JSONSchema.oneOf(WorkItemStatus.self),
        "parent_id": ["type": ["string", "null"]],
        "entity_references": [
            "type": "array", "items": ["type": "string"], "maxItems": .int(Int64(ContractLimits.maxReferences)),
            "description": "chunk_id values from codebase-mcp",
        ],
        "metadata": ["type": "object"],
    ]

    static let definitions: [ToolDefinition] = [
        ToolDefinition(
            "create_work_item",
            "Create a work item (task, project, research note, session), optionally referencing code chunks by the chunk_id values that codebase-mcp search returns. Returns the item with each reference checked: valid, stale or unverified.",
            input: JSONSchema.object(
                fields.merging(["idempotency_key": JSONSchema.string(length: ContractLimits.idempotencyKeyLength, description: "repeat a create safely")]) { $1 },
                required: ["title"]
            ),
            output: item,
            readOnly: false,
            idempotent: false
        ),
        ToolDefinition(
            "get_work_item",
            "Read one work item by id, with its code references checked now: valid, stale (the code changed or was deleted) or unverified (codebase-mcp unreachable).",
            input: JSONSchema.object(["id": ["type": "string"], "include_deleted": ["type": "boolean"]], required: ["id"]),
            output: item,
            readOnly: true,
            idempotent: true
        ),
        ToolDefinition(
            "list_work_items",
            "List work items, newest first, filtered by status, type, parent or a referenced chunk_id. Pass next_cursor back as cursor for the next page.",
            input: JSONSchema.object([
                "status": JSONSchema.oneOf(WorkItemStatus.self), "item_type": JSONSchema.oneOf(WorkItemType.self),
                "parent_id": ["type": "string"], "entity_reference": ["type": "string"], "include_deleted": ["type": "boolean"],
                "limit": JSONSchema.integer(ContractLimits.workItemPage), "cursor": ["type": "string"],
            ]),
            output: JSONSchema.object(
                [
                    "items": ["type": "array", "items": item], "next_cursor": ["type": ["string", "null"]],
                    "warnings": ["type": "array", "items": ["type": "string"]],
                ],
                required: ["items", "next_cursor", "warnings"],
                closed: false
            ),
            readOnly: true,
            idempotent: true
        ),
        ToolDefinition(
            "update_work_item",
            "Change fields of a work item. expected_version must be the version you last read; if the item changed since, the call fails with version_conflict: read it again and retry.",
            input: JSONSchema.object(
                fields.merging(["id": ["type": "string"], "expected_version": JSONSchema.integer(minimum: 1)]) { $1 },
                required: ["id", "expected_version"]
            ),
            output: item,
            readOnly: false,
            idempotent: false
        ),
        ToolDefinition(
            "delete_work_item",
            "Delete a work item (soft: get_work_item with include_deleted still reads it).",
            input: JSONSchema.object(["id": ["type": "string"]], required: ["id"]),
            output: JSONSchema.object(["id": ["type": "string"], "deleted": ["type": "boolean"]], required: ["id", "deleted"], closed: false),
            readOnly: false,
            destructive: true,
            idempotent: true
        ),
    ]

    /// Runs the tool `name`; `nil` when there is no such tool. Domain errors become error results. No work-item tool
    /// runs long enough to report progress.
    func call(_ name: String, arguments: [String: JSONValue], progress: ToolProgress? = nil) async throws -> ToolResult? {
        do {
            let arguments = try ToolArguments(values: arguments).typed(by: Self.definitions.first { $0.name == name })
            switch name {
            case "create_work_item":
                let key = try arguments.optionalString("idempotency_key")
                let body = try WorkItemInput.decode(WorkItemCreation.self, from: arguments.body(removing: ["idempotency_key"]))
                let created = try await self.workItems.create(body, idempotencyKey: key)
                return try Self.result(created.item)
            case "get_work_item":
                let parameters = try arguments.refuseUnknown(["id", "include_deleted"]).queryParameters().filter { $0.key != "id" }
                let includeDeleted = try WorkItemQuery.parseItemParameters(parameters)
                return try Self.result(try await self.workItems.get(id: try arguments.string("id"), includeDeleted: includeDeleted))
            case "list_work_items":
                let page = try await self.workItems.list(try WorkItemQuery.parse(try arguments.queryParameters()))
                return ToolResult(structured: try ToolArguments.encode(page), text: WorkItemText.render(page))
            case "update_work_item":
                let id = try arguments.string("id")
                let changes = try WorkItemInput.decode(WorkItemChanges.self, from: arguments.body(removing: ["id"]))
                return try Self.result(try await self.workItems.update(id: id, changes))
            case "delete_work_item":
                let id = try arguments.refuseUnknown(["id"]).string("id")
                try await self.workItems.delete(id: id)
                return ToolResult(structured: .object(["id": .string(id), "deleted": .bool(true)]), text: "Deleted work item \(id).")
            default:
                return nil
            }
        } catch let error as WorkflowError {
            return ToolResult(error: error.body)
        } catch let error as InvalidToolArgument {
            return ToolResult(error: error.body)
        }
    }

    private static func result(_ item: WorkItem) throws -> ToolResult {
        ToolResult(structured: try ToolArguments.encode(item), text: WorkItemText.render(item))
    }
}
