import Logging
import PostgresNIO

/// The PostgreSQL schema of workflow-mcp, the same tables as `WorkflowMigrations` (SQLite), only ever changed by
/// appending named migrations.
///
/// Several replicas may start at once: each takes a session-level advisory lock before reading the list of applied
/// migrations, so exactly one applies each migration, and the others find it recorded when they get the lock.
enum PostgresMigrations {
    /// The advisory lock key pair of migrations (`pg_advisory_lock(int4, int4)`); see `PostgresLocks`.
    static let lockKey: (Int32, Int32) = (PostgresLocks.namespace, 0)

    static let migrations: [(name: String, sql: [String])] = [
        (
            "v1: work items, references, idempotency keys",
            [
                """
                CREATE TABLE work_item (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    title TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    item_type TEXT NOT NULL,
                    status TEXT NOT NULL,
                    parent_id TEXT REFERENCES work_item(id),
                    metadata TEXT NOT NULL DEFAULT '{}',
                    version INTEGER NOT NULL,
                    created_at DOUBLE PRECISION NOT NULL,
                    updated_at DOUBLE PRECISION NOT NULL,
                    deleted_at DOUBLE PRECISION
                )
                """,
                "CREATE INDEX work_item_parent ON work_item(parent_id)",
                "CREATE INDEX work_item_status ON work_item(status, seq)",
                """
                CREATE TABLE work_item_reference (
                    work_item_id TEXT NOT NULL REFERENCES work_item(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    chunk_id TEXT NOT NULL,
                    PRIMARY KEY (work_item_id, position)
                )
                """,
                "CREATE INDEX work_item_reference_chunk ON work_item_reference(chunk_id, work_item_id)",
                """
                CREATE TABLE idempotency_key (
                    key TEXT PRIMARY KEY,
                    request TEXT NOT NULL,
                    work_item_id TEXT NOT NULL REFERENCES work_item(id),
                    created_at DOUBLE PRECISION NOT NULL
                )
                """,
                "CREATE INDEX idempotency_key_created ON idempotency_key(created_at)",
            ]
        )
    ]

    /// Applies every migration not yet recorded in `schema_migration`, each in its own transaction, under the lock.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("SELECT pg_advisory_lock(\(lockKey.0), \(lockKey.1))", logger: logger)
        do {
            try await connection.run(
                "CREATE TABLE IF NOT EXISTS schema_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger
            )
            var applied = Set<String>()
            for try await name in try await connection.query("SELECT name FROM schema_migration", logger: logger).decode(String.self) {
                applied.insert(name)
            }
            for migration in self.migrations where !applied.contains(migration.name) {
                try await connection.run("BEGIN", logger: logger)
                do {
                    for statement in migration.sql {
                        try await connection.run(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.run("INSERT INTO schema_migration (name) VALUES (\(migration.name))", logger: logger)
                    try await connection.run("COMMIT", logger: logger)
                } catch {
                    try? await connection.run("ROLLBACK", logger: logger)
                    throw error
                }
                logger.info("applied PostgreSQL migration '\(migration.name)'")
            }
        } catch {
            try? await connection.run("SELECT pg_advisory_unlock(\(lockKey.0), \(lockKey.1))", logger: logger)
            throw error
        }
        try await connection.run("SELECT pg_advisory_unlock(\(lockKey.0), \(lockKey.1))", logger: logger)
    }
}
