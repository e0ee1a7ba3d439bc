import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import ServiceClient
import ServiceHarness
import ServerKit
import Testing

@testable import WorkflowCore
@testable import WorkflowService

/// What only the PostgreSQL store has: named migrations under a lock, rows read strictly.
@Suite("workflow-mcp on PostgreSQL")
struct PostgresStoreTests {
    /// The database name of a test database URL.
    func name(_ directory: TemporaryDirectory) -> String { URL(string: directory.database)!.lastPathComponent }

    @Test("four start-ups at once on a new database all succeed; each migration is applied and recorded once")
    func concurrentMigrations() async throws {
        let directory = try TemporaryDirectory(store: .postgres)
        defer { directory.remove() }
        // Without `sslmode`: the default (`prefer`) must also reach a server that offers no TLS, as the test cluster.
        let location = try PostgresLocation(String(directory.database.prefix { $0 != "?" }))
        #expect(location.sslMode == "prefer")
        let logger = Logger(label: "migrations")
        // What each replica's start-up does first, four at once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresWorkItemStore.migrate(location, wait: .seconds(10), logger: logger) } }
            try await group.waitForAll()
        }
        let applied = try PostgresCluster.shared().psql("SELECT name FROM schema_migration ORDER BY name", database: self.name(directory))
        #expect(applied.split(separator: "\n") == PostgresMigrations.migrations.map { Substring($0.name) })
    }

    @Test("--database: postgres:// and postgresql:// URLs select PostgreSQL, with their parts; anything else is a SQLite path")
    func locations() throws {
        #expect(PostgresLocation.isPostgres("postgres://h/db") && PostgresLocation.isPostgres("POSTGRESQL://h/db"))
        #expect(!PostgresLocation.isPostgres("data/workflow.sqlite") && !PostgresLocation.isPostgres("postgres.sqlite"))
        let location = try PostgresLocation("postgresql://me:p%40ss@db.internal:6543/work?sslmode=require")
        #expect(location.host == "db.internal" && location.port == 6543 && location.username == "me")
        #expect(location.password == "p@ss" && location.database == "work" && location.sslMode == "require")
        #expect(location.displayName == "work")
        #expect(PostgresLocation.redacted("postgres://me:secret@h/db").contains("secret") == false)
        #expect(throws: ConfigurationError.self) { try PostgresLocation("postgres://h/db?sslmode=sometimes") }
        #expect(throws: ConfigurationError.self) { try PostgresLocation("postgres:///db") }
        #expect(databaseName("postgres://me:secret@db.internal/work") == "work")
    }

    @Test("a stored value this version does not know is an error (500), never shown as something else")
    func unknownEnumValue() async throws {
        let directory = try TemporaryDirectory(store: .postgres)
        defer { directory.remove() }
        try await withWorkflow(directory: directory) { client in
            let item = try await client.create(#"{"title": "t"}"#)
            try PostgresCluster.shared().psql("UPDATE work_item SET status = 'someday' WHERE id = '\(item.id)'", database: self.name(directory))
            let response = try await client.send(.get, "/mcp/work_items/\(item.id)")
            #expect(response.status == .internalServerError, "\(response.text)")
            #expect(!response.text.contains("\"status\":\"planned\""))
        }
    }

    @Test("metadata comes back as the same JSON text it was stored as, keys sorted as on SQLite")
    func metadataText() async throws {
        let directory = try TemporaryDirectory(store: .postgres)
        defer { directory.remove() }
        try await withWorkflow(directory: directory) { client in
            let item = try await client.create(#"{"title": "t", "metadata": {"z": 1, "a": {"y": [1.5, "x", null, true], "b": "é\n"}}}"#)
            let stored = try PostgresCluster.shared().psql("SELECT metadata FROM work_item WHERE id = '\(item.id)'", database: self.name(directory))
            #expect(stored == #"{"a":{"b":"é\n","y":[1.5,"x",null,true]},"z":1}"# + "\n")
            #expect(try await client.item(item.id).metadata == item.metadata)
        }
    }
}
