import Foundation
import GRDB
import HTTPTypes
import ServiceClient
import StorageKit
import WorkflowCore

/// The GRDB implementation of `WorkItemStore`: a `DatabasePool` (WAL) in production, any writer in tests.
struct SQLiteWorkItemStore: WorkItemStore {
    /// How long an idempotency key is remembered.
    static let idempotencyWindow: TimeInterval = 24 * 60 * 60

    let database: any DatabaseWriter
    let storage = StorageCondition()

    init(database: any DatabaseWriter) throws {
        self.database = database
        try WorkflowMigrations.migrator.migrate(database)
    }

    /// Every write goes through here: a write refused for lack of space or write access is `storage_unavailable`
    /// (nothing was committed, so nothing acknowledged is lost), and the condition is kept for `/health`.
    private func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            let value = try await self.database.write(updates)
            self.storage.record(.ok)
            return value
        } catch {
            guard let state = StorageCondition.state(after: error) else { throw error }
            self.storage.record(state)
            throw WorkflowError.storageUnavailable(state)
        }
    }

    func create(_ item: NewWorkItem, idempotencyKey: String?, canonicalRequest: String) async throws -> CreateOutcome {
        try await self.write { db in
            let now = Self.now()
            if let idempotencyKey {
                try db.execute(
                    sql: "DELETE FROM idempotency_key WHERE created_at < ?",
                    arguments: [now.timeIntervalSince1970 - Self.idempotencyWindow]
                )
                if let row = try Row.fetchOne(db, sql: "SELECT request, work_item_id FROM idempotency_key WHERE key = ?", arguments: [idempotencyKey])
                {
                    guard row["request"] == canonicalRequest else {
                        throw WorkflowError(
                            .conflict,
                            "idempotency_key_reused",
                            "Idempotency-Key '\(idempotencyKey)' was already used with a different body. Use a new key for a new request.",
                            details: ["work_item_id": .string(row["work_item_id"])]
                        )
                    }
                    guard let existing = try Self.fetch(db, id: row["work_item_id"], includeDeleted: true) else {
                        throw WorkflowError.workItemNotFound(row["work_item_id"])
                    }
                    return .replayed(existing)
                }
            }
            if let parentID = item.parentID {
                try WorkItemHierarchy.checkNewChild(parentID: parentID, parentDepth: try Self.depth(db, of: parentID))
            }
            let stored = StoredWorkItem(new: item, at: now)
            try db.execute(
                sql: """
                    INSERT INTO work_item (id, title, description, item_type, status, parent_id, metadata, version, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)
                    """,
                arguments: [
                    stored.id, stored.title, stored.description, stored.itemType.rawValue, stored.status.rawValue, stored.parentID,
                    try WorkItemRow.encodeMetadata(stored.metadata), now.timeIntervalSince1970, now.timeIntervalSince1970,
                ]
            )
            try WorkItemRow.replaceReferences(db, itemID: stored.id, references: stored.entityReferences)
            if let idempotencyKey {
                try db.execute(
                    sql: "INSERT INTO idempotency_key (key, request, work_item_id, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [idempotencyKey, canonicalRequest, stored.id, now.timeIntervalSince1970]
                )
            }
            return .created(stored)
        }
    }

    func item(id: String, includeDeleted: Bool) async throws -> StoredWorkItem? {
        try await self.database.read { db in try Self.fetch(db, id: id, includeDeleted: includeDeleted) }
    }

    func list(_ query: WorkItemQuery) async throws -> WorkItemListing {
        try await self.database.read { db in
            var conditions = ["seq > ?"]
            var arguments: StatementArguments = [query.after ?? 0]
            if let status = query.status {
                conditions.append("status = ?")
                _ = arguments.append(contentsOf: [status.rawValue])
            }
            if let itemType = query.itemType {
                conditions.append("item_type = ?")
                _ = arguments.append(contentsOf: [itemType.rawValue])
            }
            if let parentID = query.parentID {
                conditions.append("parent_id = ?")
                _ = arguments.append(contentsOf: [parentID])
            }
            if let reference = query.entityReference {
                conditions.append("id IN (SELECT work_item_id FROM work_item_reference WHERE chunk_id = ?)")
                _ = arguments.append(contentsOf: [reference])
            }
            if !query.includeDeleted { conditions.append("deleted_at IS NULL") }
            _ = arguments.append(contentsOf: [query.limit + 1])
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(WorkItemRow.columns) FROM work_item WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq LIMIT ?",
                arguments: arguments
            )
            let page = rows.prefix(query.limit)
            var items = try page.map(WorkItemRow.decode)
            let references = try WorkItemRow.references(db, of: items.map(\.id))
            for index in items.indices { items[index].entityReferences = references[items[index].id] ?? [] }
            let nextPosition: Int64? = rows.count > query.limit ? page.last?["seq"] : nil
            return WorkItemListing(items: items, nextPosition: nextPosition)
        }
    }

    func update(id: String, _ changes: WorkItemChanges) async throws -> StoredWorkItem {
        try await self.write { db in
            guard var item = try Self.fetch(db, id: id, includeDeleted: false) else { throw WorkflowError.workItemNotFound(id) }
            try item.requireVersion(changes.expectedVersion)
            if let newParent = changes.parentID, newParent != item.parentID {
                if let parentID = newParent { try Self.checkMove(db, item: id, under: parentID) }
                item.parentID = newParent
            }
            item.apply(changes, at: Self.now())
            if let references = changes.entityReferences { try WorkItemRow.replaceReferences(db, itemID: id, references: references) }
            try db.execute(
                sql: """
                    UPDATE work_item SET title = ?, description = ?, item_type = ?, status = ?, parent_id = ?, metadata = ?,
                        version = ?, updated_at = ?
                    WHERE id = ? AND version = ?
                    """,
                arguments: [
                    item.title, item.description, item.itemType.rawValue, item.status.rawValue, item.parentID,
                    try WorkItemRow.encodeMetadata(item.metadata), item.version, item.updatedAt.timeIntervalSince1970, id,
                    changes.expectedVersion,
                ]
            )
            return item
        }
    }

    func delete(id: String) async throws -> Bool {
        try await self.write { db in
            guard let item = try Self.fetch(db, id: id, includeDeleted: true) else { return false }
            guard item.deletedAt == nil else { return true }
            let now = Self.now().timeIntervalSince1970
            try db.execute(
                sql: "UPDATE work_item SET deleted_at = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                arguments: [now, now, id]
            )
            return true
        }
    }

    func itemsReferencing(_ chunkIDs: [String]) async throws -> [String: [WorkItemSummary]] {
        try await self.database.read { db in
            let unique = Array(Set(chunkIDs))
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.chunk_id, w.id, w.title, w.status, w.item_type
                    FROM work_item_reference r JOIN work_item w ON w.id = r.work_item_id
                    WHERE r.chunk_id IN (\(databaseQuestionMarks(count: unique.count))) AND w.deleted_at IS NULL
                    ORDER BY w.seq
                    """,
                arguments: StatementArguments(unique)
            )
            var items: [String: [WorkItemSummary]] = [:]
            for id in chunkIDs { items[id] = [] }
            for row in rows {
                let summary = WorkItemSummary(
                    id: row["id"],
                    title: row["title"],
                    status: try StoredEnumValue.status(row["status"]),
                    itemType: try StoredEnumValue.itemType(row["item_type"])
                )
                items[row["chunk_id"], default: []].append(summary)
            }
            return items
        }
    }

    func checkHealth() async throws -> StorageCondition.State {
        _ = try await self.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM work_item WHERE seq < 0") }
        // While writes fail, probe with a commit that needs room (64 KiB), then give the room back: the health answer
        // clears as soon as a write could succeed again, with no client having to try one.
        if self.storage.current != .ok {
            _ = try? await self.write { db in try db.execute(sql: "INSERT INTO storage_probe VALUES (zeroblob(65536))") }
            _ = try? await self.database.write { db in try db.execute(sql: "DELETE FROM storage_probe") }
        }
        return self.storage.current
    }

    // MARK: - Inside a transaction

    /// Now, to the millisecond, so that what is stored round-trips exactly through JSON.
    static func now() -> Date {
        Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    static func fetch(_ db: Database, id: String, includeDeleted: Bool) throws -> StoredWorkItem? {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(WorkItemRow.columns) FROM work_item WHERE id = ?", arguments: [id]) else {
            return nil
        }
        var item = try WorkItemRow.decode(row)
        if item.deletedAt != nil, !includeDeleted { return nil }
        item.entityReferences = try WorkItemRow.references(db, of: [id])[id] ?? []
        return item
    }

    /// The ids from `id` up to the top of its hierarchy, `id` first; its level is their count.
    static func ancestry(_ db: Database, of id: String) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                WITH RECURSIVE chain(id, parent_id, level) AS (
                    SELECT id, parent_id, 1 FROM work_item WHERE id = ?
                    UNION ALL
                    SELECT w.id, w.parent_id, chain.level + 1 FROM work_item w JOIN chain ON w.id = chain.parent_id
                    WHERE chain.level <= 64
                )
                SELECT id FROM chain ORDER BY level
                """,
            arguments: [id]
        )
    }

    /// The level of a live parent; a missing or deleted parent is the client's error.
    static func depth(_ db: Database, of parentID: String) throws -> Int {
        guard try Self.fetch(db, id: parentID, includeDeleted: false) != nil else {
            throw WorkflowError.invalid(field: "parent_id", "Parent work item '\(parentID)' not found.")
        }
        return try Self.ancestry(db, of: parentID).count
    }

    /// Refuses a move that would make a cycle or a hierarchy deeper than the maximum.
    static func checkMove(_ db: Database, item id: String, under parentID: String) throws {
        let parentDepth = try Self.depth(db, of: parentID)
        if try Self.ancestry(db, of: parentID).contains(id) {
            throw WorkflowError.invalid(
                field: "parent_id",
                "Moving '\(id)' under '\(parentID)' would make a cycle: '\(parentID)' is '\(id)' or inside it."
            )
        }
        let height =
            try Int.fetchOne(
                db,
                sql: """
                    WITH RECURSIVE subtree(id, level) AS (
                        SELECT id, 1 FROM work_item WHERE id = ?
                        UNION ALL
                        SELECT w.id, subtree.level + 1 FROM work_item w JOIN subtree ON w.parent_id = subtree.id
                        WHERE w.deleted_at IS NULL AND subtree.level <= 64
                    )
                    SELECT MAX(level) FROM subtree
                    """,
                arguments: [id]
            ) ?? 1
        try WorkItemHierarchy.checkMove(parentID: parentID, parentDepth: parentDepth, height: height)
    }
}
