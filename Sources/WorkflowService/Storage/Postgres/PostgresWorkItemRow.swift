import Foundation
import PostgresNIO
import ServiceClient
import WorkflowCore

/// Conversions between PostgreSQL rows and `StoredWorkItem`, by column name; the text forms are those of `WorkItemRow`.
enum PostgresWorkItemRow {
    static let columns = "seq, id, title, description, item_type, status, parent_id, metadata, version, created_at, updated_at, deleted_at"

    /// Decodes one `work_item` row selected with `columns`; references are filled in by the caller.
    static func decode(_ row: PostgresRow) throws -> StoredWorkItem {
        let columns = row.makeRandomAccess()
        let metadataText = try columns["metadata"].decode(String.self)
        let metadata = try ContractCoding.decode([String: JSONValue].self, from: Data(metadataText.utf8))
        return StoredWorkItem(
            id: try columns["id"].decode(String.self),
            title: try columns["title"].decode(String.self),
            description: try columns["description"].decode(String.self),
            itemType: try StoredEnumValue.itemType(columns["item_type"].decode(String.self)),
            status: try StoredEnumValue.status(columns["status"].decode(String.self)),
            parentID: try columns["parent_id"].decode(String?.self),
            entityReferences: [],
            metadata: metadata,
            version: try columns["version"].decode(Int.self),
            createdAt: Date(timeIntervalSince1970: try columns["created_at"].decode(Double.self)),
            updatedAt: Date(timeIntervalSince1970: try columns["updated_at"].decode(Double.self)),
            deletedAt: try columns["deleted_at"].decode(Double?.self).map(Date.init(timeIntervalSince1970:))
        )
    }

    /// The listing position of a row selected with `columns`.
    static func position(_ row: PostgresRow) throws -> Int64 {
        try row.makeRandomAccess()["seq"].decode(Int64.self)
    }

    /// The references of each item in `ids`, in their stored order.
    static func references(_ connection: PostgresConnection, of ids: [String]) async throws -> [String: [String]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query(
            "SELECT work_item_id, chunk_id FROM work_item_reference WHERE work_item_id = ANY(\(ids)) ORDER BY work_item_id, position",
            logger: PostgresWorkItemStore.queryLogger
        ).collect()
        var references: [String: [String]] = [:]
        for row in rows {
            let columns = row.makeRandomAccess()
            references[try columns["work_item_id"].decode(String.self), default: []].append(try columns["chunk_id"].decode(String.self))
        }
        return references
    }

    /// Replaces the references of `itemID` with `references`, in order, in one statement.
    static func replaceReferences(_ connection: PostgresConnection, itemID: String, references: [String], replacing: Bool) async throws {
        if replacing {
            try await connection.run("DELETE FROM work_item_reference WHERE work_item_id = \(itemID)", logger: PostgresWorkItemStore.queryLogger)
        }
        guard !references.isEmpty else { return }
        try await connection.run(
            """
            INSERT INTO work_item_reference (work_item_id, position, chunk_id)
            SELECT \(itemID), ordinality - 1, chunk_id FROM unnest(\(references)::text[]) WITH ORDINALITY AS r(chunk_id, ordinality)
            """,
            logger: PostgresWorkItemStore.queryLogger
        )
    }
}
