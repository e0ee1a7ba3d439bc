import Foundation
import Logging
import PostgresNIO
import ServiceClient
import StorageKit
import WorkflowCore

/// The PostgreSQL implementation of `WorkItemStore`, for several replicas sharing one store.
///
/// The rules are SQLite's (`SQLiteWorkItemStore`); what differs is how they hold when several processes write at once.
/// Transactions run at READ COMMITTED, and the writes whose checks read more than one row take advisory locks first
/// (`PostgresLocks`): one per idempotency key, and one for the hierarchy. A patch locks its row (`SELECT ... FOR
/// UPDATE`) before comparing versions, so of racing patches at one version exactly one wins, on any replica.
///
/// Every transaction runs under server-side bounds (`PostgresSessionBounds`: lock and statement timeouts below the
/// client-side `timeLimit`), so a row held by another session costs a request at most the lock timeout, and its
/// pooled connection comes back; and behind a commit gate (`CommitGate`), so a write answered 503 never commits (the
/// one 503 that cannot promise it, a COMMIT the server stopped answering, says so in its message).
/// Patches and deletes also take their item's turn (`ItemWriteTurns`) before a connection, so writes queued on one
/// held row cost a replica one pooled connection, not the pool.
struct PostgresWorkItemStore: WorkItemStore {
    /// Queries are not logged one by one; failures reach the error middleware's log.
    static let queryLogger = Logger(label: "workflow-mcp.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    /// How many times a transaction is run again after a serialization failure or a deadlock.
    static let attempts = 3

    let client: PostgresClient
    /// The longest any store operation may take, waiting for a connection included; beyond it, 503.
    let timeLimit: Duration
    /// The longest `/health`'s database check may take.
    let healthTimeLimit: Duration
    /// The server-side bounds every transaction sets, derived from `timeLimit`.
    let bounds: PostgresSessionBounds
    let storage = StorageCondition()
    /// One patch or delete per item at a time in this process, before it takes a connection.
    let turns = ItemWriteTurns()
    let logger: Logger

    init(client: PostgresClient, timeLimit: Duration, healthTimeLimit: Duration = .seconds(2), logger: Logger) {
        self.client = client
        self.timeLimit = timeLimit
        self.healthTimeLimit = healthTimeLimit
        self.bounds = PostgresSessionBounds(timeLimit: timeLimit)
        self.logger = logger
    }

    /// Connects once, outside the pool, and applies the migrations; retries for `wait` while the server cannot be
    /// reached (a replica started with its database, as in compose), then gives up with the last error.
    static func migrate(_ location: PostgresLocation, wait: Duration, logger: Logger) async throws {
        let configuration = try location.connectionConfiguration()
        let deadline = ContinuousClock.now.advanced(by: wait)
        while true {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: self.queryLogger)
                do {
                    try await PostgresMigrations.migrate(connection, logger: logger)
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
                return
            } catch where PostgresFailure.state(after: error) == .unreachable && ContinuousClock.now < deadline {
                logger.warning("PostgreSQL not reachable yet, retrying: \(String(reflecting: error))")
                try await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    // MARK: - WorkItemStore

    func create(_ item: NewWorkItem, idempotencyKey: String?, canonicalRequest: String) async throws -> CreateOutcome {
        try await self.transaction(writes: true) { connection in
            let now = SQLiteWorkItemStore.now()
            if let idempotencyKey {
                let lock = PostgresQuery(unsafeSQL: PostgresLocks.idempotencyKeySQL, binds: Self.binds(idempotencyKey))
                try await connection.run(lock, logger: Self.queryLogger)
                try await connection.run(
                    "DELETE FROM idempotency_key WHERE created_at < \(now.timeIntervalSince1970 - SQLiteWorkItemStore.idempotencyWindow)",
                    logger: Self.queryLogger
                )
                let rows = try await connection.query(
                    "SELECT request, work_item_id FROM idempotency_key WHERE key = \(idempotencyKey)",
                    logger: Self.queryLogger
                ).collect()
                if let row = rows.first?.makeRandomAccess() {
                    let itemID = try row["work_item_id"].decode(String.self)
                    guard try row["request"].decode(String.self) == canonicalRequest else {
                        throw WorkflowError(
                            .conflict,
                            "idempotency_key_reused",
                            "Idempotency-Key '\(idempotencyKey)' was already used with a different body. Use a new key for a new request.",
                            details: ["work_item_id": .string(itemID)]
                        )
                    }
                    guard let existing = try await Self.fetch(connection, id: itemID, includeDeleted: true) else {
                        throw WorkflowError.workItemNotFound(itemID)
                    }
                    return .replayed(existing)
                }
            }
            if let parentID = item.parentID {
                try await Self.lockHierarchy(connection)
                try WorkItemHierarchy.checkNewChild(parentID: parentID, parentDepth: try await Self.depth(connection, of: parentID))
            }
            let stored = StoredWorkItem(new: item, at: now)
            let metadata = try WorkItemRow.encodeMetadata(stored.metadata)
            let time = now.timeIntervalSince1970
            try await connection.run(
                """
                INSERT INTO work_item (id, title, description, item_type, status, parent_id, metadata, version, created_at, updated_at)
                VALUES (\(stored.id), \(stored.title), \(stored.description), \(stored.itemType.rawValue), \(stored.status.rawValue),
                    \(stored.parentID), \(metadata), 1, \(time), \(time))
                """,
                logger: Self.queryLogger
            )
            try await PostgresWorkItemRow.replaceReferences(connection, itemID: stored.id, references: stored.entityReferences, replacing: false)
            if let idempotencyKey {
                try await connection.run(
                    """
                    INSERT INTO idempotency_key (key, request, work_item_id, created_at)
                    VALUES (\(idempotencyKey), \(canonicalRequest), \(stored.id), \(time))
                    """,
                    logger: Self.queryLogger
                )
            }
            return .created(stored)
        }
    }

    func item(id: String, includeDeleted: Bool) async throws -> StoredWorkItem? {
        try await self.withConnection { connection in try await Self.fetch(connection, id: id, includeDeleted: includeDeleted) }
    }

    func list(_ query: WorkItemQuery) async throws -> WorkItemListing {
        try await self.withConnection { connection in
            var binds = PostgresBindings()
            var conditions: [String] = []
            func condition(_ sql: String, _ value: some PostgresDynamicTypeEncodable) {
                binds.append(value)
                conditions.append(sql.replacingOccurrences(of: "?", with: "$\(binds.count)"))
            }
            condition("seq > ?", query.after ?? 0)
            if let status = query.status { condition("status = ?", status.rawValue) }
            if let itemType = query.itemType { condition("item_type = ?", itemType.rawValue) }
            if let parentID = query.parentID { condition("parent_id = ?", parentID) }
            if let reference = query.entityReference {
                condition("id IN (SELECT work_item_id FROM work_item_reference WHERE chunk_id = ?)", reference)
            }
            if !query.includeDeleted { conditions.append("deleted_at IS NULL") }
            binds.append(query.limit + 1)
            let filter = conditions.joined(separator: " AND ")
            let sql = "SELECT \(PostgresWorkItemRow.columns) FROM work_item WHERE \(filter) ORDER BY seq LIMIT $\(binds.count)"
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: Self.queryLogger).collect()
            let page = rows.prefix(query.limit)
            var items = try page.map(PostgresWorkItemRow.decode)
            let references = try await PostgresWorkItemRow.references(connection, of: items.map(\.id))
            for index in items.indices { items[index].entityReferences = references[items[index].id] ?? [] }
            let nextPosition: Int64? = rows.count > query.limit ? try page.last.map(PostgresWorkItemRow.position) : nil
            return WorkItemListing(items: items, nextPosition: nextPosition)
        }
    }

    func update(id: String, _ changes: WorkItemChanges) async throws -> StoredWorkItem {
        try await self.transaction(writes: true, turnOf: id) { connection in
            // The hierarchy lock comes before the row lock, the order every transaction takes them in.
            if changes.parentID != nil { try await Self.lockHierarchy(connection) }
            guard var item = try await Self.lockRow(connection, id: id, includeDeleted: false) else {
                throw WorkflowError.workItemNotFound(id)
            }
            try item.requireVersion(changes.expectedVersion)
            if let newParent = changes.parentID, newParent != item.parentID {
                if let parentID = newParent { try await Self.checkMove(connection, item: id, under: parentID) }
                item.parentID = newParent
            }
            item.apply(changes, at: SQLiteWorkItemStore.now())
            if let references = changes.entityReferences {
                try await PostgresWorkItemRow.replaceReferences(connection, itemID: id, references: references, replacing: true)
            }
            let metadata = try WorkItemRow.encodeMetadata(item.metadata)
            let rows = try await connection.query(
                """
                UPDATE work_item SET title = \(item.title), description = \(item.description), item_type = \(item.itemType.rawValue),
                    status = \(item.status.rawValue), parent_id = \(item.parentID), metadata = \(metadata), version = \(item.version),
                    updated_at = \(item.updatedAt.timeIntervalSince1970)
                WHERE id = \(id) AND version = \(changes.expectedVersion)
                RETURNING seq
                """,
                logger: Self.queryLogger
            ).collect()
            // The row is locked, so this cannot happen; if it ever did, the transaction must not commit.
            guard rows.count == 1 else { throw WorkflowError.workItemNotFound(id) }
            return item
        }
    }

    func delete(id: String) async throws -> Bool {
        try await self.transaction(writes: true, turnOf: id) { connection in
            // A create under this item, racing this delete, must see it either live or deleted, never both.
            try await Self.lockHierarchy(connection)
            guard let item = try await Self.lockRow(connection, id: id, includeDeleted: true) else { return false }
            guard item.deletedAt == nil else { return true }
            let now = SQLiteWorkItemStore.now().timeIntervalSince1970
            try await connection.run(
                "UPDATE work_item SET deleted_at = \(now), updated_at = \(now), version = version + 1 WHERE id = \(id)",
                logger: Self.queryLogger
            )
            return true
        }
    }

    func itemsReferencing(_ chunkIDs: [String]) async throws -> [String: [WorkItemSummary]] {
        try await self.withConnection { connection in
            let unique = Array(Set(chunkIDs))
            let rows = try await connection.query(
                """
                SELECT r.chunk_id, w.id, w.title, w.status, w.item_type
                FROM work_item_reference r JOIN work_item w ON w.id = r.work_item_id
                WHERE r.chunk_id = ANY(\(unique)) AND w.deleted_at IS NULL
                ORDER BY w.seq
                """,
                logger: Self.queryLogger
            ).collect()
            var items: [String: [WorkItemSummary]] = [:]
            for id in chunkIDs { items[id] = [] }
            for row in rows {
                let columns = row.makeRandomAccess()
                let summary = WorkItemSummary(
                    id: try columns["id"].decode(String.self),
                    title: try columns["title"].decode(String.self),
                    status: try StoredEnumValue.status(columns["status"].decode(String.self)),
                    itemType: try StoredEnumValue.itemType(columns["item_type"].decode(String.self))
                )
                items[try columns["chunk_id"].decode(String.self), default: []].append(summary)
            }
            return items
        }
    }

    func checkHealth() async throws -> StorageCondition.State {
        do {
            _ = try await withTimeLimit(self.healthTimeLimit) {
                try await self.client.query("SELECT 1", logger: Self.queryLogger).collect().count
            }
        } catch {
            throw Unreachable(reason: error)
        }
        // While writes fail for lack of space or on a standby, probe with a commit that writes, so the answer clears
        // as soon as a write could succeed again.
        if self.storage.current != .ok {
            _ = try? await self.transaction(writes: true) { connection in
                try await connection.run("SELECT txid_current()")
            }
        }
        return self.storage.current
    }

    /// What `/health` shows when the database cannot be reached: the kind of failure, never the server's address.
    struct Unreachable: Error, CustomStringConvertible {
        let reason: any Error
        var description: String {
            switch self.reason {
            case let error as PSQLError: "PostgreSQL cannot be reached (\(error.code))"
            case let error as PostgresFailure.TimedOut: error.description
            default: "PostgreSQL cannot be reached (\(type(of: self.reason)))"
            }
        }
    }

    // MARK: - Running operations

    /// Runs `body` on a pooled connection, outside a transaction, within the time limit.
    private func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await self.bounded(writes: false) { _ in
            try await self.client.withConnection { connection in try await body(connection) }
        }
    }

    /// Runs `body` in a transaction on a pooled connection, within the time limit and the server-side bounds; again
    /// after a serialization failure or a deadlock, which roll the whole transaction back.
    ///
    /// COMMIT is sent only through the gate: once the time limit has answered the caller (503), the transaction is
    /// rolled back instead, so a write answered with an error is never stored afterwards. With `turnOf`, the
    /// transaction first waits for that item's turn (`ItemWriteTurns`), within the same time limit.
    private func transaction<T: Sendable>(
        writes: Bool,
        turnOf item: String? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let setBounds = PostgresQuery(unsafeSQL: self.bounds.setLocalSQL)
        return try await self.bounded(writes: writes) { gate in
            guard let item else { return try await self.runAttempts(setBounds, gate, body) }
            return try await self.turns.withTurn(of: item) { try await self.runAttempts(setBounds, gate, body) }
        }
    }

    /// The transaction, run again after a serialization failure or a deadlock.
    private func runAttempts<T: Sendable>(
        _ setBounds: PostgresQuery,
        _ gate: CommitGate,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await self.client.withConnection { connection in
                    try await connection.run("BEGIN", logger: Self.queryLogger)
                    do {
                        try await connection.run(setBounds, logger: Self.queryLogger)
                        let value = try await body(connection)
                        guard gate.mayCommit() else { throw PostgresFailure.TimedOut(limit: self.timeLimit) }
                        defer { gate.commitEnded() }
                        try await connection.run("COMMIT", logger: Self.queryLogger)
                        return value
                    } catch {
                        try? await connection.run("ROLLBACK")
                        throw error
                    }
                }
            } catch where attempt < Self.attempts && PostgresFailure.isRetryable(error) {
                attempt += 1
            }
        }
    }

    /// The time limit and the error mapping every operation shares: domain errors pass through; a statement the
    /// server ended for waiting or running too long is 503 `storage_unavailable` with `reason` `lock_timeout` or
    /// `busy` (about this request only: nothing is recorded, `/health` is unaffected); a database that cannot be used
    /// now is 503 `storage_unavailable` (nothing acknowledged is lost: a commit that failed was not acknowledged);
    /// anything else is a bug and reaches the error middleware.
    private func bounded<T: Sendable>(writes: Bool, _ operation: @escaping @Sendable (CommitGate) async throws -> T) async throws -> T {
        do {
            let value = try await withTimeLimit(self.timeLimit, commitGrace: self.bounds.lockTimeout, operation)
            if writes { self.storage.record(.ok) }
            return value
        } catch let error as WorkflowError {
            if writes { self.storage.record(.ok) }
            throw error
        } catch {
            if let contention = PostgresFailure.contention(after: error) {
                self.logger.warning("PostgreSQL ended a statement (\(contention.rawValue)): \(String(reflecting: error))")
                throw WorkflowError.storageContention(contention, bounds: self.bounds)
            }
            if error is PostgresFailure.CommitUnconfirmed {
                self.logger.error("PostgreSQL did not confirm a COMMIT in time; the write may be stored: \(String(reflecting: error))")
                throw WorkflowError.commitUnconfirmed()
            }
            guard let state = PostgresFailure.state(after: error) else { throw error }
            if state != .unreachable { self.storage.record(state) }
            self.logger.warning("PostgreSQL unavailable (\(state.rawValue)): \(String(reflecting: error))")
            throw WorkflowError.storageUnavailable(state)
        }
    }

    static func binds(_ values: String...) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }

    // MARK: - Inside a transaction

    static func lockHierarchy(_ connection: PostgresConnection) async throws {
        try await connection.run(PostgresQuery(unsafeSQL: PostgresLocks.hierarchySQL), logger: self.queryLogger)
    }

    /// `fetch` with the row locked (`FOR UPDATE`): a lock timeout on the row itself is `RowLockTimedOut`, which the
    /// writes of this item waiting behind this one in `turns` are answered with too.
    static func lockRow(_ connection: PostgresConnection, id: String, includeDeleted: Bool) async throws -> StoredWorkItem? {
        do {
            return try await self.fetch(connection, id: id, includeDeleted: includeDeleted, forUpdate: true)
        } catch where PostgresFailure.contention(after: error) == .lockTimeout {
            throw ItemWriteTurns.RowLockTimedOut(underlying: error)
        }
    }

    static func fetch(_ connection: PostgresConnection, id: String, includeDeleted: Bool, forUpdate: Bool = false) async throws -> StoredWorkItem? {
        let sql = "SELECT \(PostgresWorkItemRow.columns) FROM work_item WHERE id = $1" + (forUpdate ? " FOR UPDATE" : "")
        guard let row = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: self.binds(id)), logger: self.queryLogger).collect().first
        else { return nil }
        var item = try PostgresWorkItemRow.decode(row)
        if item.deletedAt != nil, !includeDeleted { return nil }
        item.entityReferences = try await PostgresWorkItemRow.references(connection, of: [id])[id] ?? []
        return item
    }

    /// The ids from `id` up to the top of its hierarchy, `id` first; its level is their count.
    static func ancestry(_ connection: PostgresConnection, of id: String) async throws -> [String] {
        let rows = try await connection.query(
            """
            WITH RECURSIVE chain(id, parent_id, level) AS (
                SELECT id, parent_id, 1 FROM work_item WHERE id = \(id)
                UNION ALL
                SELECT w.id, w.parent_id, chain.level + 1 FROM work_item w JOIN chain ON w.id = chain.parent_id
                WHERE chain.level <= 64
            )
            SELECT id FROM chain ORDER BY level
            """,
            logger: self.queryLogger
        ).collect()
        return try rows.map { try $0.makeRandomAccess()["id"].decode(String.self) }
    }

    /// The level of a live parent; a missing or deleted parent is the client's error.
    static func depth(_ connection: PostgresConnection, of parentID: String) async throws -> Int {
        guard try await self.fetch(connection, id: parentID, includeDeleted: false) != nil else {
            throw WorkflowError.invalid(field: "parent_id", "Parent work item '\(parentID)' not found.")
        }
        return try await self.ancestry(connection, of: parentID).count
    }

    /// Refuses a move that would make a cycle or a hierarchy deeper than the maximum.
    static func checkMove(_ connection: PostgresConnection, item id: String, under parentID: String) async throws {
        let parentDepth = try await self.depth(connection, of: parentID)
        if try await self.ancestry(connection, of: parentID).contains(id) {
            throw WorkflowError.invalid(
                field: "parent_id",
                "Moving '\(id)' under '\(parentID)' would make a cycle: '\(parentID)' is '\(id)' or inside it."
            )
        }
        let rows = try await connection.query(
            """
            WITH RECURSIVE subtree(id, level) AS (
                SELECT id, 1 FROM work_item WHERE id = \(id)
                UNION ALL
                SELECT w.id, subtree.level + 1 FROM work_item w JOIN subtree ON w.parent_id = subtree.id
                WHERE w.deleted_at IS NULL AND subtree.level <= 64
            )
            SELECT MAX(level) AS height FROM subtree
            """,
            logger: self.queryLogger
        ).collect()
        let height = try rows.first.flatMap { try $0.makeRandomAccess()["height"].decode(Int?.self) } ?? 1
        try WorkItemHierarchy.checkMove(parentID: parentID, parentDepth: parentDepth, height: height)
    }
}
