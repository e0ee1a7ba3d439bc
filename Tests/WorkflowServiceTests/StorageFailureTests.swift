import Foundation
import GRDB
import HTTPTypes
import ServerKit
import ServiceClient
import Testing

@testable import WorkflowCore
@testable import WorkflowService

/// Issue 11, defect 5: a write refused by SQLite for lack of space or write access is `storage_unavailable`, reads
/// keep working, the condition shows in the health check, and it clears by itself once writes can succeed.
@Suite("Storage failures (real SQLite errors)")
struct StorageFailureTests {
    static func store(at path: String) throws -> (SQLiteWorkItemStore, DatabaseQueue) {
        let queue = try DatabaseQueue(path: path)
        return (try SQLiteWorkItemStore(database: queue), queue)
    }

    @Test("a full database refuses creates with storage_unavailable, keeps serving reads, and recovers by itself")
    func full() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (store, queue) = try Self.store(at: directory.path("full.sqlite"))
        let first = try await store.create(NewWorkItem(title: "before"), idempotencyKey: nil, canonicalRequest: "")
        // SQLite answers SQLITE_FULL once the file would grow past max_page_count, exactly as on a full disk.
        try await queue.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        var refused: WorkflowError?
        for index in 0..<200 where refused == nil {
            do {
                _ = try await store.create(NewWorkItem(title: "filler \(index)", description: String(repeating: "x", count: 2000)), idempotencyKey: nil, canonicalRequest: "")
            } catch let error as WorkflowError {
                refused = error
            }
        }
        let error = try #require(refused, "no write was refused")
        #expect(error.kind == .storageUnavailable)
        #expect(error.body.error == "storage_unavailable")
        #expect(error.body.details["reason"] == "full")
        #expect(try await store.checkHealth() == .full)
        #expect(try await store.item(id: first.item.id, includeDeleted: false)?.title == "before")

        try await queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        #expect(try await store.checkHealth() == .ok, "the probe write clears the condition")
        _ = try await store.create(NewWorkItem(title: "after"), idempotencyKey: nil, canonicalRequest: "")
    }

    @Test("a read-only database refuses writes with storage_unavailable (read_only) and still serves reads")
    func readOnly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A pool, as in production: its writer keeps `query_only` (a queue's reads would reset it).
        let queue = try DatabasePool(path: directory.path("ro.sqlite"))
        let store = try SQLiteWorkItemStore(database: queue)
        let first = try await store.create(NewWorkItem(title: "before"), idempotencyKey: nil, canonicalRequest: "")
        try await queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = ON") }
        await #expect(throws: WorkflowError.storageUnavailable(.readOnly)) {
            _ = try await store.update(id: first.item.id, WorkItemChanges(title: "changed", expectedVersion: 1))
        }
        #expect(try await store.checkHealth() == .readOnly)
        #expect(try await store.item(id: first.item.id, includeDeleted: false)?.title == "before")
        try await queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = OFF") }
        #expect(try await store.checkHealth() == .ok)
    }
}

@Suite("storage_unavailable over REST")
struct StorageUnavailableRenderingTests {
    @Test("storage_unavailable is 503 with Retry-After")
    func rendering() {
        let error = APIError(WorkflowError.storageUnavailable(.full))
        #expect(error.status == .serviceUnavailable)
        #expect(error.headers[.retryAfter] == "5")
        #expect(error.body.error == "storage_unavailable")
    }
}
