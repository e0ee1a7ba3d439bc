import GRDB
import WorkflowCore

/// The schema of workflow-mcp, only ever changed by appending named migrations.
enum WorkflowMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: work items, references, idempotency keys") { db in
            try db.execute(
                sql: """
                    CREATE TABLE work_item (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        title TEXT NOT NULL,
                        description TEXT NOT NULL DEFAULT '',
                        item_type TEXT NOT NULL,
                        status TEXT NOT NULL,
                        parent_id TEXT REFERENCES work_item(id),
                        metadata TEXT NOT NULL DEFAULT '{}',
                        version INTEGER NOT NULL,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        deleted_at REAL
                    );
                    CREATE INDEX work_item_parent ON work_item(parent_id);
                    CREATE INDEX work_item_status ON work_item(status, seq);
                    CREATE TABLE work_item_reference (
                        work_item_id TEXT NOT NULL REFERENCES work_item(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        chunk_id TEXT NOT NULL,
                        PRIMARY KEY (work_item_id, position)
                    ) WITHOUT ROWID;
                    CREATE INDEX work_item_reference_chunk ON work_item_reference(chunk_id, work_item_id);
                    CREATE TABLE idempotency_key (
                        key TEXT PRIMARY KEY,
                        request TEXT NOT NULL,
                        work_item_id TEXT NOT NULL REFERENCES work_item(id),
                        created_at REAL NOT NULL
                    );
                    CREATE INDEX idempotency_key_created ON idempotency_key(created_at);
                    """
            )
        }
        // Where the health check writes, while writes fail, to see when there is room again.
        migrator.registerMigration("v2: storage probe") { db in
            try db.execute(sql: "CREATE TABLE storage_probe (room BLOB NOT NULL)")
        }
        return migrator
    }
}
