import GRDB

/// The schema of codebase-mcp's database, only ever changed through named migrations.
package enum DatabaseSchema {
    /// Bump when `CodeTokens` or `SearchDocument` change how columns are derived: the FTS table is then rebuilt
    /// from the stored chunks at start-up, because FTS5 deletes need the exact column values that were inserted.
    package static let analyzerVersion = "1"

    package static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 repositories, files and chunks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE repositories (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        root_path TEXT NOT NULL
                    );
                    CREATE TABLE files (
                        id INTEGER PRIMARY KEY,
                        repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
                        path TEXT NOT NULL,
                        language TEXT NOT NULL,
                        extension TEXT NOT NULL,
                        content_hash BLOB NOT NULL,
                        size INTEGER NOT NULL,
                        line_count INTEGER NOT NULL,
                        indexed_at REAL NOT NULL,
                        UNIQUE (repository_id, path)
                    );
                    -- AUTOINCREMENT: a row id is never reused, so an FTS entry can never point at the wrong chunk.
                    CREATE TABLE chunks (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        chunk_id BLOB NOT NULL UNIQUE,
                        file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                        start_line INTEGER NOT NULL,
                        end_line INTEGER NOT NULL,
                        content TEXT NOT NULL,
                        symbols TEXT NOT NULL,
                        indexed_at REAL NOT NULL
                    );
                    CREATE INDEX chunks_by_file ON chunks (file_id, start_line);
                    """
            )
        }
        migrator.registerMigration("v1 chunk full-text index") { db in
            // Contentless: the text lives once, in `chunks`. `_` is a token character so `py_scanstring` is one
            // token; its parts go to `subwords`.
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE chunk_fts USING fts5(
                        path, symbols, content, subwords,
                        content = '',
                        tokenize = "unicode61 remove_diacritics 2 tokenchars '_'"
                    )
                    """
            )
        }
        migrator.registerMigration("v1 settings") { db in
            try db.execute(sql: "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('analyzer_version', ?)", arguments: [analyzerVersion])
        }
        migrator.registerMigration("v2 full-text index merges after jobs") { db in
            // Merging segments while a job inserts thousands of chunks costs more than the inserts themselves;
            // the indexer merges once at the end of each job instead (`compactSearchIndex`).
            try db.execute(sql: "INSERT INTO chunk_fts (chunk_fts, rank) VALUES ('automerge', 0)")
        }
        // Where the health check writes, while writes fail, to see when there is room again.
        migrator.registerMigration("v3 storage probe") { db in
            try db.execute(sql: "CREATE TABLE storage_probe (room BLOB NOT NULL)")
        }
        // The generation search answers are cached under; in the database, so that two processes sharing it never
        // serve each other's stale answers.
        migrator.registerMigration("v4 index generation") { db in
            try db.execute(
                sql: """
                    CREATE TABLE index_state (id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL);
                    INSERT INTO index_state (id, generation) VALUES (1, 0);
                    """
            )
        }
        // Declarations for `GET /mcp/symbols`. Files indexed before have none: their hashes are cleared so the next
        // pass re-reads and re-chunks them (chunk ids do not change; only the symbols are new).
        migrator.registerMigration("v5 symbols") { db in
            try db.execute(
                sql: """
                    CREATE TABLE symbols (
                        id INTEGER PRIMARY KEY,
                        file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        container TEXT,
                        start_line INTEGER NOT NULL,
                        end_line INTEGER NOT NULL,
                        chunk_id BLOB NOT NULL
                    );
                    CREATE INDEX symbols_by_name ON symbols (name);
                    CREATE INDEX symbols_by_file ON symbols (file_id, start_line);
                    UPDATE files SET content_hash = x'';
                    """
            )
        }
        // Ranked search looks declarations up by name in any case, as its own index is case-blind.
        migrator.registerMigration("v6 symbols by name in any case") { db in
            try db.execute(sql: "CREATE INDEX symbols_by_name_nocase ON symbols (name COLLATE NOCASE)")
        }
        // Bindings that only import or alias a name are listed after its definitions. Files indexed before have no
        // such mark: their hashes are cleared so the next pass re-reads them (chunk ids do not change).
        migrator.registerMigration("v7 symbol bindings") { db in
            try db.execute(
                sql: """
                    ALTER TABLE symbols ADD COLUMN binding INTEGER NOT NULL DEFAULT 0 CHECK (binding IN (0, 1));
                    UPDATE files SET content_hash = x'';
                    """
            )
        }
        return migrator
    }
}
