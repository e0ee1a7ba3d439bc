import Foundation

/// `POST /mcp/chunks/lookup` body.
public struct ChunkLookupRequest: Codable, Sendable, Hashable {
    public var chunkIDs: [String]

    public init(chunkIDs: [String]) { self.chunkIDs = chunkIDs }

    enum CodingKeys: String, CodingKey, CaseIterable { case chunkIDs = "chunk_ids" }

    /// Strict, as every request body: a field the contract does not have is refused.
    public init(from decoder: any Decoder) throws {
        let fields = try RequestFields(decoder, allowed: CodingKeys.self)
        self.chunkIDs = try fields.required([String].self, CodingKeys.chunkIDs)
        try fields.refuseUnknownFields()
    }
}

/// `POST /mcp/chunks/lookup` answer: which ids exist now.
public struct ChunkLookupResponse: Codable, Sendable, Hashable {
    public var found: [String]
    public var missing: [String]

    public init(found: [String], missing: [String]) {
        self.found = found
        self.missing = missing
    }
}
