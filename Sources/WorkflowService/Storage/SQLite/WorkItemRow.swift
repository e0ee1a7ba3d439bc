import Foundation
import GRDB
import ServiceClient
import WorkflowCore

/// Conversions between database rows and `StoredWorkItem`.
enum WorkItemRow {
    static let columns = "seq, id, title, description, item_type, status, parent_id, metadata, version, created_at, updated_at, deleted_at"

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// Decodes one `work_item` row selected with `columns`; references are filled in by the caller.
    static func decode(_ row: Row) throws -> StoredWorkItem {
        let metadataText: String = row["metadata"]
        let metadata = try ContractCoding.decode([String: JSONValue].self, from: Data(metadataText.utf8))
        return StoredWorkItem(
            id: row["id"],
            title: row["title"],
            description: row["description"],
            itemType: try StoredEnumValue.itemType(row["item_type"]),
            status: try StoredEnumValue.status(row["status"]),
            parentID: row["parent_id"],
            entityReferences: [],
            metadata: metadata,
            version: row["version"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]),
            deletedAt: (row["deleted_at"] as Double?).map(Date.init(timeIntervalSince1970:))
        )
    }

    static func encodeMetadata(_ metadata: [String: JSONValue]) throws -> String {
        String(decoding: try self.encoder.encode(metadata), as: UTF8.self)
    }

    /// The references of each item in `ids`, in their stored order.
    static func references(_ db: Database, of ids: [String]) throws -> [String: [String]] {
        guard !ids.isEmpty else { return [:] }
        let placeholders = databaseQuestionMarks(count: ids.count)
        let rows = try Row.fetchAll(
            db,
            sql: "SELECT work_item_id, chunk_id FROM work_item_reference WHERE work_item_id IN (\(placeholders)) ORDER BY work_item_id, position",
            arguments: StatementArguments(ids)
        )
        var references: [String: [String]] = [:]
        for row in rows { references[row["work_item_id"], default: []].append(row["chunk_id"]) }
        return references
    }

    static func replaceReferences(_ db: Database, itemID: String, references: [String]) throws {
        try db.execute(sql: "DELETE FROM work_item_reference WHERE work_item_id = ?", arguments: [itemID])
        let statement = try db.cachedStatement(sql: "INSERT INTO work_item_reference (work_item_id, position, chunk_id) VALUES (?, ?, ?)")
        for (position, chunkID) in references.enumerated() {
            try statement.execute(arguments: [itemID, position, chunkID])
        }
    }
}
