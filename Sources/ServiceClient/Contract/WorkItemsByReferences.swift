/// `POST /mcp/work_items/by_references` body: 1 to `ContractLimits.chunkIDsPerLookup` chunk ids. codebase-mcp sends
/// it; workflow-mcp reads it with this decoder, which checks the contract's rules and names the field at fault.
public struct WorkItemsByReferencesRequest: Codable, Sendable, Hashable {
    public var chunkIDs: [String]

    public init(chunkIDs: [String]) { self.chunkIDs = chunkIDs }

    enum CodingKeys: String, CodingKey, CaseIterable { case chunkIDs = "chunk_ids" }

    /// Strict: the body, an unknown field, then the list, its length and each id in turn, each rejection in its own
    /// words (`InvalidRequestField`).
    public init(from decoder: any Decoder) throws {
        let fields: RequestFields
        do {
            fields = try RequestFields(decoder, allowed: CodingKeys.self)
        } catch {
            throw InvalidRequestField(field: "body", "The body must be a JSON object.")
        }
        if let unknown = fields.unknownField {
            throw InvalidRequestField(field: unknown, "Unknown field '\(unknown)'. Allowed: \(fields.allowed.sorted().joined(separator: ", ")).")
        }
        let rule = "chunk_ids must be a list of 1 to \(ContractLimits.chunkIDsPerLookup) chunk ids."
        let field: BodyField<[JSONValue]>
        do {
            field = try fields.field([JSONValue].self, CodingKeys.chunkIDs)
        } catch {
            // A number beyond any Double, anywhere in the value: not JSON a service can read at all.
            guard fields.isReadable(CodingKeys.chunkIDs) else { throw InvalidRequestField(field: "body", "The body is not valid JSON.") }
            throw InvalidRequestField(field: "chunk_ids", rule)
        }
        guard case .value(let values) = field, (1...ContractLimits.chunkIDsPerLookup).contains(values.count) else {
            throw InvalidRequestField(field: "chunk_ids", rule)
        }
        var ids: [String] = []
        for value in values {
            guard case .string(let id) = value, RequestText.length(of: id, isIn: ContractLimits.referenceLength) else {
                throw InvalidRequestField(
                    field: "chunk_ids",
                    "every chunk id must be a non-empty string of at most \(ContractLimits.referenceLength.upperBound) \(RequestText.unit)."
                )
            }
            guard !RequestText.containsControlCharacter(id) else {
                throw InvalidRequestField(field: "chunk_ids", "chunk ids must not contain control characters (U+0000 to U+001F, U+007F).")
            }
            ids.append(id)
        }
        self.chunkIDs = ids
    }
}

/// `POST /mcp/work_items/by_references` answer: the live work items that reference each chunk.
public struct WorkItemsByReferencesResponse: Codable, Sendable, Hashable {
    public var items: [String: [WorkItemSummary]]

    public init(items: [String: [WorkItemSummary]]) { self.items = items }
}
