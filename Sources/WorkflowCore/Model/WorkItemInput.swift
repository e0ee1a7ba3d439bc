import Foundation
import ServiceClient

/// The validated fields of a create request, with the contract's defaults applied.
package struct NewWorkItem: Sendable, Hashable {
    package var title: String
    package var description = ""
    package var itemType = WorkItemType.task
    package var status = WorkItemStatus.planned
    package var parentID: String?
    package var entityReferences: [String] = []
    package var metadata: [String: JSONValue] = [:]
}

/// The validated fields of a patch; `nil` leaves a field as it is.
package struct WorkItemChanges: Sendable, Hashable {
    package var title: String?
    package var description: String?
    package var itemType: WorkItemType?
    package var status: WorkItemStatus?
    /// `.some(nil)` moves the item to the top level.
    package var parentID: String??
    package var entityReferences: [String]?
    package var metadata: [String: JSONValue]?
    package var expectedVersion: Int
}

private typealias Key = WorkItemInput.Key

/// A create body, read strictly: the validated item, and the fields as sent, whose canonical text tells a repeat of an
/// idempotent create from a different request.
package struct WorkItemCreation: Decodable, Sendable {
    package var item: NewWorkItem
    /// Every field of the body as sent (all of them known ones): encoded with sorted keys, the same text as the body.
    package var asSent: JSONValue

    package init(from decoder: any Decoder) throws {
        let fields = try WorkItemInput.fields(decoder, allowed: WorkItemInput.createFields)
        var asSent: [String: JSONValue] = [:]
        // A create reads the fields a patch does, the title required; it has no version to expect.
        let read = try WorkItemChanges(fields, titleRequired: true, expectedVersion: 0, asSent: &asSent)
        // `NewWorkItem` holds the contract's defaults for the fields left out.
        let defaults = NewWorkItem(title: read.title ?? "")
        self.item = NewWorkItem(
            title: defaults.title,
            description: read.description ?? defaults.description,
            itemType: read.itemType ?? defaults.itemType,
            status: read.status ?? defaults.status,
            parentID: read.parentID ?? defaults.parentID,
            entityReferences: read.entityReferences ?? defaults.entityReferences,
            metadata: read.metadata ?? defaults.metadata
        )
        self.asSent = .object(asSent)
    }
}

extension WorkItemChanges: Decodable {
    /// A `PATCH /mcp/work_items/{id}` body, read strictly: an absent field stays as it is, `parent_id: null` moves the
    /// item to the top level.
    package init(from decoder: any Decoder) throws {
        let fields = try WorkItemInput.fields(decoder, allowed: WorkItemInput.Key.allCases)
        let positive = "expected_version must be a positive integer."
        guard let version = try WorkItemInput.value(fields, Int64.self, Key.expectedVersion, else: positive) else {
            throw WorkflowError.invalid(field: "expected_version", "expected_version is required: send the version you last read.")
        }
        guard version >= 1, version <= Int64(Int32.max) else { throw WorkflowError.invalid(field: "expected_version", positive) }
        var asSent: [String: JSONValue] = [:]
        try self.init(fields, titleRequired: false, expectedVersion: Int(version), asSent: &asSent)
    }

    /// The fields a create and a patch share, each validated in the contract's order (`nil` when absent); `asSent`
    /// collects them as sent.
    fileprivate init(
        _ fields: RequestFields,
        titleRequired: Bool,
        expectedVersion: Int,
        asSent: inout [String: JSONValue]
    ) throws(WorkflowError) {
        typealias Input = WorkItemInput
        self.init(expectedVersion: expectedVersion)
        if let title = try Input.value(fields, String.self, Key.title, else: "title must be a string.") {
            self.title = try Input.title(title)
            asSent["title"] = .string(title)
        } else if titleRequired {
            throw WorkflowError.invalid(field: "title", "title is required (\(Input.titleLength.lowerBound) to \(Input.titleLength.upperBound) \(RequestText.unit)).")
        }
        if let description = try Input.value(fields, String.self, Key.description, else: Input.descriptionRule) {
            self.description = try Input.description(description)
            asSent["description"] = .string(description)
        }
        if let type = try Input.value(fields, String.self, Key.itemType, else: Input.itemTypeRule) {
            self.itemType = try Input.itemType(type)
            asSent["item_type"] = .string(type)
        }
        if let status = try Input.value(fields, String.self, Key.status, else: Input.statusRule) {
            self.status = try Input.status(status)
            asSent["status"] = .string(status)
        }
        switch try Input.read(fields, String.self, Key.parentID, else: Input.parentRule) {
        case .absent:
            break
        case .null:
            self.parentID = .some(nil)
            asSent["parent_id"] = .null
        case .value(let id):
            self.parentID = .some(try Input.parentID(id))
            asSent["parent_id"] = .string(id)
        }
        if let references = try Input.value(fields, [JSONValue].self, Key.entityReferences, else: Input.referencesRule) {
            self.entityReferences = try Input.references(references)
            asSent["entity_references"] = .array(references)
        }
        if let metadata = try Input.value(fields, [String: JSONValue].self, Key.metadata, else: Input.metadataRule) {
            self.metadata = try Input.metadata(metadata)
            asSent["metadata"] = .object(metadata)
        }
    }
}

/// The rules of work-item bodies, shared by the create, the patch and the MCP tools, so every rejection names its field
/// in the same words. Lengths are in Unicode code points (`RequestText`), never grapheme clusters.
package enum WorkItemInput {
    package static let titleLength = ContractLimits.titleLength
    package static let maxDescriptionLength = ContractLimits.maxDescriptionLength
    package static let maxReferences = ContractLimits.maxReferences
    package static let referenceLength = ContractLimits.referenceLength

    /// The fields of a work-item body; `expected_version` is a patch's only.
    package enum Key: String, CodingKey, CaseIterable {
        case title, description
        case itemType = "item_type"
        case status
        case parentID = "parent_id"
        case entityReferences = "entity_references"
        case metadata
        case expectedVersion = "expected_version"
    }

    package static let createFields = Key.allCases.filter { $0 != .expectedVersion }

    package static let descriptionRule = "description must be a string of at most \(maxDescriptionLength) \(RequestText.unit)."
    package static let itemTypeRule = "item_type must be one of: \(WorkItemType.allCases.map(\.rawValue).joined(separator: ", "))."
    package static let statusRule = "status must be one of: \(WorkItemStatus.allCases.map(\.rawValue).joined(separator: ", "))."
    package static let parentRule = "parent_id must be the id of an existing work item, or null."
    package static let referencesRule = "entity_references must be a list of chunk ids."
    package static let metadataRule = "metadata must be a JSON object."

    /// Decodes a body given as a JSON value (MCP arguments) the way a REST body is decoded.
    package static func decode<Body: Decodable>(_ type: Body.Type, from value: JSONValue) throws(WorkflowError) -> Body {
        do {
            return try ContractCoding.decode(Body.self, from: try JSONEncoder().encode(value), document: value)
        } catch let error as WorkflowError {
            throw error
        } catch {
            throw .invalid(field: "body", "The body is not valid JSON.")
        }
    }

    /// The body's fields: `body` is at fault when it is not a JSON object, an unknown field before any other.
    package static func fields(_ decoder: any Decoder, allowed: [some CodingKey]) throws(WorkflowError) -> RequestFields {
        let names = allowed.map(\.stringValue)
        let fields: RequestFields
        do {
            fields = try RequestFields(decoder, allowed: names)
        } catch {
            throw .invalid(field: "body", "The body must be a JSON object.")
        }
        if let unknown = fields.unknownField {
            throw .invalid(field: unknown, "Unknown field '\(unknown)'. Allowed: \(names.sorted().joined(separator: ", ")).")
        }
        return fields
    }

    /// The field as sent; a value of another kind answers `rule`.
    package static func read<Value: Decodable>(
        _ fields: RequestFields,
        _ type: Value.Type,
        _ key: some CodingKey,
        else rule: String
    ) throws(WorkflowError) -> BodyField<Value> {
        do {
            return try fields.field(type, key)
        } catch {
            // A number beyond any Double, anywhere in the value: not JSON this service can read at all.
            guard fields.isReadable(key) else { throw .invalid(field: "body", "The body is not valid JSON.") }
            throw .invalid(field: key.stringValue, rule)
        }
    }

    /// The field's value, `nil` when absent; `null` or a value of another kind answers `rule`.
    package static func value<Value: Decodable>(
        _ fields: RequestFields,
        _ type: Value.Type,
        _ key: some CodingKey,
        else rule: String
    ) throws(WorkflowError) -> Value? {
        switch try self.read(fields, type, key, else: rule) {
        case .absent: return nil
        case .null: throw .invalid(field: key.stringValue, rule)
        case .value(let value): return value
        }
    }

    package static func title(_ title: String) throws(WorkflowError) -> String {
        guard RequestText.length(of: title, isIn: self.titleLength), !RequestText.isBlank(title) else {
            throw WorkflowError.invalid(
                field: "title",
                "title must have \(self.titleLength.lowerBound) to \(self.titleLength.upperBound) \(RequestText.unit) and not be blank: at least one visible character, not only spaces, "
                    + "zero-width or other invisible characters, or combining marks."
            )
        }
        guard !TextRules.containsNUL(title) else { throw WorkflowError.invalid(field: "title", "title must not contain NUL characters (U+0000).") }
        return title
    }

    package static func description(_ description: String) throws(WorkflowError) -> String {
        guard RequestText.length(of: description, isIn: 0...self.maxDescriptionLength) else {
            throw WorkflowError.invalid(field: "description", self.descriptionRule)
        }
        guard !TextRules.containsNUL(description) else {
            throw WorkflowError.invalid(field: "description", "description must not contain NUL characters (U+0000).")
        }
        return description
    }

    package static func itemType(_ raw: String) throws(WorkflowError) -> WorkItemType {
        guard let type = WorkItemType(rawValue: raw) else { throw WorkflowError.invalid(field: "item_type", self.itemTypeRule) }
        return type
    }

    package static func status(_ raw: String) throws(WorkflowError) -> WorkItemStatus {
        guard let status = WorkItemStatus(rawValue: raw) else { throw WorkflowError.invalid(field: "status", self.statusRule) }
        return status
    }

    package static func parentID(_ id: String) throws(WorkflowError) -> String {
        guard !id.isEmpty, !RequestText.containsControlCharacter(id) else { throw WorkflowError.invalid(field: "parent_id", self.parentRule) }
        return id
    }

    /// Up to 100 non-empty ids; duplicates removed, first occurrence kept. Members are checked one by one, so each
    /// rejection keeps its own wording.
    package static func references(_ values: [JSONValue]) throws(WorkflowError) -> [String] {
        var seen = Set<String>()
        var references: [String] = []
        for value in values {
            guard case .string(let id) = value, RequestText.length(of: id, isIn: self.referenceLength) else {
                throw WorkflowError.invalid(
                    field: "entity_references",
                    "every entity reference must be a non-empty string of at most \(self.referenceLength.upperBound) \(RequestText.unit)."
                )
            }
            guard !RequestText.containsControlCharacter(id) else {
                throw WorkflowError.invalid(
                    field: "entity_references",
                    "entity references must not contain control characters (U+0000 to U+001F, U+007F)."
                )
            }
            if seen.insert(id).inserted { references.append(id) }
        }
        guard references.count <= self.maxReferences else {
            throw WorkflowError.invalid(field: "entity_references", "at most \(self.maxReferences) distinct entity references are allowed; got \(references.count).")
        }
        return references
    }

    package static func metadata(_ metadata: [String: JSONValue]) throws(WorkflowError) -> [String: JSONValue] {
        guard !TextRules.containsNUL(.object(metadata)) else {
            throw WorkflowError.invalid(field: "metadata", "metadata keys and strings must not contain NUL characters (U+0000).")
        }
        return metadata
    }
}
