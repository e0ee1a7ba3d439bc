import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import ServiceClient
import Testing

/// The SQLite twin of `PostgresStoreTests.unknownEnumValue`: a row is read as it is or refused, never guessed.
@Suite("workflow-mcp stored values on SQLite")
struct StoredValueTests {
    @Test("a stored status or type this version does not know is an error (500), never shown as planned or task", arguments: ["status", "item_type"])
    func unknownEnumValue(column: String) async throws {
        let directory = try TemporaryDirectory(store: .sqlite)
        defer { directory.remove() }
        try await withWorkflow(directory: directory) { client in
            let item = try await client.create(#"{"title": "t"}"#)
            let database = try DatabaseQueue(path: directory.path("workflow.sqlite"))
            try await database.write { db in
                try db.execute(sql: "UPDATE work_item SET \(column) = 'someday' WHERE id = ?", arguments: [item.id])
            }
            try database.close()
            let response = try await client.send(.get, "/mcp/work_items/\(item.id)")
            #expect(response.status == .internalServerError, "\(response.text)")
            #expect(!response.text.contains("\"status\":\"planned\"") && !response.text.contains("\"item_type\":\"task\""))
        }
    }
}
