import ServiceClient

/// The validated fields of a create request, with the contract's defaults applied.
struct NewWorkItem: Sendable, Hashable {
    var title: String
    var description = ""
    var itemType = WorkItemType.task
    var status = WorkItemStatus.planned
    var parentID: String?
    var entityReferences: [String] = []
    var metadata: [String: JSONValue] = [:]
}

/// The validated fields of a patch; `nil` leaves a field as it is.
struct WorkItemChanges: Sendable, Hashable {
    var title: String?
    var description: String?
    var itemType: WorkItemType?
    var status: WorkItemStatus?
    /// `.some(nil)` moves the item to the top level.
    var parentID: String??
    var entityReferences: [String]?
    var metadata: [String: JSONValue]?
    var expectedVersion: Int
}

/// Parses request bodies field by field, so every rejection names its field.
enum WorkItemInput {
    static let maxTitleLength = 200
    static let maxDescriptionLength = 100_000
    static let maxReferences = 100
    static let maxReferenceLength = 256

    static let createFields: Set<String> = ["title", "description", "item_type", "status", "parent_id", "entity_references", "metadata"]

    /// Parses a `POST /mcp/work_items` body.
    static func parseCreate(_ body: JSONValue) throws(WorkflowError) -> NewWorkItem {
        let fields = try self.object(body)
        try self.rejectUnknown(fields, allowed: self.createFields)
        guard let title = fields["title"] else { throw WorkflowError.invalid(field: "title", "title is required (1 to 200 characters).") }
        var item = NewWorkItem(title: try self.title(title))
        if let value = fields["description"] { item.description = try self.description(value) }
        if let value = fields["item_type"] { item.itemType = try self.itemType(value) }
        if let value = fields["status"] { item.status = try self.status(value) }
        if let value = fields["parent_id"] { item.parentID = try self.parentID(value) }
        if let value = fields["entity_references"] { item.entityReferences = try self.references(value) }
        if let value = fields["metadata"] { item.metadata = try self.metadata(value) }
        return item
    }

    /// Parses a `PATCH /mcp/work_items/{id}` body.
    static func parsePatch(_ body: JSONValue) throws(WorkflowError) -> WorkItemChanges {
        let fields = try self.object(body)
        try self.rejectUnknown(fields, allowed: self.createFields.union(["expected_version"]))
        guard let versionValue = fields["expected_version"] else {
            throw WorkflowError.invalid(field: "expected_version", "expected_version is required: send the version you last read.")
        }
        guard case .int(let version) = versionValue, version >= 1, version <= Int64(Int32.max) else {
            throw WorkflowError.invalid(field: "expected_version", "expected_version must be a positive integer.")
        }
        var changes = WorkItemChanges(expectedVersion: Int(version))
        if let value = fields["title"] { changes.title = try self.title(value) }
        if let value = fields["description"] { changes.description = try self.description(value) }
        if let value = fields["item_type"] { changes.itemType = try self.itemType(value) }
        if let value = fields["status"] { changes.status = try self.status(value) }
        if let value = fields["parent_id"] { changes.parentID = .some(try self.parentID(value)) }
        if let value = fields["entity_references"] { changes.entityReferences = try self.references(value) }
        if let value = fields["metadata"] { changes.metadata = try self.metadata(value) }
        return changes
    }

    /// Parses a `chunk_ids` list of 1 to 1000 non-empty strings.
    static func chunkIDs(_ body: JSONValue) throws(WorkflowError) -> [String] {
        let fields = try self.object(body)
        try self.rejectUnknown(fields, allowed: ["chunk_ids"])
        guard case .array(let values)? = fields["chunk_ids"], (1...1000).contains(values.count) else {
            throw WorkflowError.invalid(field: "chunk_ids", "chunk_ids must be a list of 1 to 1000 chunk ids.")
        }
        var ids: [String] = []
        for value in values {
            guard case .string(let id) = value, !id.isEmpty, id.count <= self.maxReferenceLength else {
                throw WorkflowError.invalid(field: "chunk_ids", "every chunk id must be a non-empty string of at most 256 characters.")
            }
            guard !TextRules.containsControlCharacter(id) else {
                throw WorkflowError.invalid(field: "chunk_ids", "chunk ids must not contain control characters (U+0000 to U+001F, U+007F).")
            }
            ids.append(id)
        }
        return ids
    }

    private static func object(_ body: JSONValue) throws(WorkflowError) -> [String: JSONValue] {
        guard case .object(let fields) = body else { throw WorkflowError.invalid(field: "body", "The body must be a JSON object.") }
        return fields
    }

    private static func rejectUnknown(_ fields: [String: JSONValue], allowed: Set<String>) throws(WorkflowError) {
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw WorkflowError.invalid(field: unknown, "Unknown field '\(unknown)'. Allowed: \(allowed.sorted().joined(separator: ", ")).")
        }
    }

    private static func title(_ value: JSONValue) throws(WorkflowError) -> String {
        guard case .string(let title) = value else { throw WorkflowError.invalid(field: "title", "title must be a string.") }
        guard !title.allSatisfy(\.isWhitespace), title.count <= self.maxTitleLength else {
            throw WorkflowError.invalid(field: "title", "title must have 1 to 200 characters and not be blank.")
        }
        guard !TextRules.containsNUL(title) else { throw WorkflowError.invalid(field: "title", "title must not contain NUL characters (U+0000).") }
        return title
    }

    private static func description(_ value: JSONValue) throws(WorkflowError) -> String {
        guard case .string(let description) = value, description.count <= self.maxDescriptionLength else {
            throw WorkflowError.invalid(field: "description", "description must be a string of at most 100000 characters.")
        }
        guard !TextRules.containsNUL(description) else {
            throw WorkflowError.invalid(field: "description", "description must not contain NUL characters (U+0000).")
        }
        return description
    }

    private static func itemType(_ value: JSONValue) throws(WorkflowError) -> WorkItemType {
        guard case .string(let raw) = value, let type = WorkItemType(rawValue: raw) else {
            let allowed = WorkItemType.allCases.map(\.rawValue).joined(separator: ", ")
            throw WorkflowError.invalid(field: "item_type", "item_type must be one of: \(allowed).")
        }
        return type
    }

    private static func status(_ value: JSONValue) throws(WorkflowError) -> WorkItemStatus {
        guard case .string(let raw) = value, let status = WorkItemStatus(rawValue: raw) else {
            let allowed = WorkItemStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw WorkflowError.invalid(field: "status", "status must be one of: \(allowed).")
        }
        return status
    }

    private static func parentID(_ value: JSONValue) throws(WorkflowError) -> String? {
        switch value {
        case .null: return nil
        case .string(let id) where !id.isEmpty && !TextRules.containsControlCharacter(id): return id
        default: throw WorkflowError.invalid(field: "parent_id", "parent_id must be the id of an existing work item, or null.")
        }
    }

    /// Up to 100 non-empty ids; duplicates removed, first occurrence kept.
    private static func references(_ value: JSONValue) throws(WorkflowError) -> [String] {
        guard case .array(let values) = value else {
            throw WorkflowError.invalid(field: "entity_references", "entity_references must be a list of chunk ids.")
        }
        var seen = Set<String>()
        var references: [String] = []
        for value in values {
            guard case .string(let id) = value, !id.isEmpty, id.count <= self.maxReferenceLength else {
                throw WorkflowError.invalid(field: "entity_references", "every entity reference must be a non-empty string of at most 256 characters.")
            }
            guard !TextRules.containsControlCharacter(id) else {
                throw WorkflowError.invalid(
                    field: "entity_references",
                    "entity references must not contain control characters (U+0000 to U+001F, U+007F)."
                )
            }
            if seen.insert(id).inserted { references.append(id) }
        }
        guard references.count <= self.maxReferences else {
            throw WorkflowError.invalid(field: "entity_references", "at most 100 distinct entity references are allowed; got \(references.count).")
        }
        return references
    }

    private static func metadata(_ value: JSONValue) throws(WorkflowError) -> [String: JSONValue] {
        guard case .object(let metadata) = value else { throw WorkflowError.invalid(field: "metadata", "metadata must be a JSON object.") }
        guard !TextRules.containsNUL(value) else {
            throw WorkflowError.invalid(field: "metadata", "metadata keys and strings must not contain NUL characters (U+0000).")
        }
        return metadata
    }
}
