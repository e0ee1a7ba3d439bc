import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import ServerKit
import ServiceClient
import ServiceHarness
import Testing

@testable import WorkflowCore
@testable import WorkflowService

/// Issue 27, defect 3: on PostgreSQL one row held by another session (`SELECT ... FOR UPDATE` in `psql`) took the
/// whole service down (every pooled connection waiting on the row, every request 503 `unreachable`), and a patch
/// answered 503 committed once the row was released.
@Suite("workflow-mcp on PostgreSQL: a row held by another session, a write over the time limit")
struct PostgresLockTests {
    static let logger = Logger(label: "postgres-lock-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// One answer, sent over a connection of its own: the live test client pipelines every request on one
    /// connection, which the server answers one after the other, so it cannot make requests concurrent.
    struct Answer: Sendable, CustomStringConvertible {
        let label: String
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let text: String
        let elapsed: Duration

        var error: ErrorBody? { try? decoder.decode(ErrorBody.self, from: Data(self.text.utf8)) }
        var reason: String? {
            if case .string(let reason)? = self.error?.details["reason"] { return reason }
            return nil
        }
        var description: String { "\(self.label): \(self.status.code) in \(self.elapsed) \(self.text.prefix(300))" }
    }

    static func send(
        port: Int,
        _ label: String,
        _ method: HTTPRequest.Method,
        _ uri: String,
        json: String? = nil,
        headers: HTTPFields = [:]
    )
        async throws -> Answer
    {
        var headers = headers
        if json != nil { headers[.contentType] = "application/json" }
        let request = TestClient.Request(uri, method: method, authority: "localhost", headers: headers, body: json.map { ByteBuffer(string: $0) })
        let started = ContinuousClock.now
        let response = try await TestClient.withClient(host: "localhost", port: port, configuration: .init(timeout: .seconds(60))) { client in
            try await client.execute(request)
        }
        return Answer(
            label: label,
            status: response.status,
            headers: response.headers,
            text: response.body.map { String(buffer: $0) } ?? "",
            elapsed: started.duration(to: .now)
        )
    }

    /// A connection of the test's own to the test's database, outside the service's pool.
    static func connect(_ directory: TemporaryDirectory, id: Int) async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            configuration: PostgresLocation(directory.database).connectionConfiguration(),
            id: id,
            logger: self.logger
        )
    }

    /// The one integer a query answers.
    static func integer(_ connection: PostgresConnection, _ sql: String) async throws -> Int {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: self.logger).collect()
        return try #require(rows.first).decode(Int.self)
    }

    /// Polls `condition` every 20 ms until it holds or `within` has passed; whether it held.
    static func poll(within: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: within)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    /// The service's backends on the test database, as `pg_stat_activity` filters them: every client backend but
    /// the observer's own and `excluding`.
    static func serviceBackends(excluding pid: Int) -> String {
        "datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND pid <> \(pid)"
    }

    @Test(
        "a row held FOR UPDATE by another session: its patches answer 503 lock_timeout within seconds, other requests succeed meanwhile, no refused patch commits"
    )
    func heldRow() async throws {
        let directory = try TemporaryDirectory(store: .postgres)
        defer { directory.remove() }
        var configuration = testConfiguration(directory)
        configuration.databasePoolSize = 8  // as in the probe; --database-timeout stays at its default, 5 s
        let app = try await buildApplication(configuration)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let held = try await client.create(#"{"title": "held"}"#)
            var others: [WorkItem] = []
            for index in 0..<5 { others.append(try await client.create(#"{"title": "other \#(index)"}"#)) }

            let observer = try await Self.connect(directory, id: 1)
            let holder = try await Self.connect(directory, id: 2)
            let holderPID = try await Self.integer(holder, "SELECT pg_backend_pid()")
            let service = Self.serviceBackends(excluding: holderPID)
            try await holder.run("BEGIN")
            try await holder.run("SELECT id FROM work_item WHERE id = \(held.id) FOR UPDATE")
            let heldAt = ContinuousClock.now
            // How many of the service's connections wait on the row at most, sampled while it is held.
            let sampler = try await Self.connect(directory, id: 3)
            let sampling = Task { () -> Int in
                var most = 0
                while !Task.isCancelled {
                    let waiting = try? await Self.integer(
                        sampler,
                        "SELECT count(*) FROM pg_stat_activity WHERE \(service) AND wait_event_type = 'Lock'"
                    )
                    most = max(most, waiting ?? 0)
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return most
            }

            // Two waves while the row stays held, each of 15 patches of it at once (as the probe sent) and, once they
            // wait on the row, reads, creates and patches of other items and /health at once: the second wave shows
            // the service is as good as new after the first lock timeout, not only until it.
            var refused: [Answer] = []
            var otherAnswers: [Answer] = []
            var patchesWait = true
            for wave in 0..<2 {
                async let patchAnswers = withThrowingTaskGroup(of: Answer.self) { group in
                    for index in 0..<15 {
                        group.addTask {
                            try await Self.send(
                                port: port,
                                "wave \(wave) patch held \(index)",
                                .patch,
                                "/mcp/work_items/\(held.id)",
                                json: #"{"expected_version": 1, "title": "refused \#(index)"}"#
                            )
                        }
                    }
                    return try await group.reduce(into: [Answer]()) { $0.append($1) }
                }
                patchesWait =
                    try await Self.poll(within: .seconds(5)) {
                        try await Self.integer(observer, "SELECT count(*) FROM pg_stat_activity WHERE \(service) AND wait_event_type = 'Lock'") > 0
                    } && patchesWait
                otherAnswers += try await withThrowingTaskGroup(of: Answer.self) { group in
                    for (index, item) in others.enumerated() {
                        group.addTask { try await Self.send(port: port, "wave \(wave) get other \(index)", .get, "/mcp/work_items/\(item.id)") }
                        group.addTask {
                            try await Self.send(
                                port: port,
                                "wave \(wave) patch other \(index)",
                                .patch,
                                "/mcp/work_items/\(item.id)",
                                json: #"{"expected_version": \#(wave + 1), "title": "changed \#(index)"}"#
                            )
                        }
                        group.addTask {
                            try await Self.send(
                                port: port,
                                "wave \(wave) create \(index)",
                                .post,
                                "/mcp/work_items",
                                json: #"{"title": "new \#(index)"}"#
                            )
                        }
                    }
                    group.addTask { try await Self.send(port: port, "wave \(wave) get held", .get, "/mcp/work_items/\(held.id)") }
                    group.addTask { try await Self.send(port: port, "wave \(wave) list", .get, "/mcp/work_items?limit=100") }
                    group.addTask { try await Self.send(port: port, "wave \(wave) health", .get, "/health") }
                    return try await group.reduce(into: [Answer]()) { $0.append($1) }
                }
                refused += try await patchAnswers
            }
            // Every patch has been answered and the row is still held: no backend of the service may still wait on
            // it (a wait the client gave up on but the server did not would hold its pooled connection for as long
            // as the row is held, and would commit once it is released).
            let noneWaiting = try await Self.poll(within: .seconds(3)) {
                try await Self.integer(observer, "SELECT count(*) FROM pg_stat_activity WHERE \(service) AND wait_event_type = 'Lock'") == 0
            }
            sampling.cancel()
            let mostWaiting = await sampling.value
            let lockHeld = heldAt.duration(to: .now)

            try await holder.run("ROLLBACK")
            // Quiet: nothing of the service runs any more, so whatever could still commit has.
            let quiet = try await Self.poll(within: .seconds(15)) {
                try await Self.integer(observer, "SELECT count(*) FROM pg_stat_activity WHERE \(service) AND state = 'active'") == 0
            }
            let storedVersion = try await Self.integer(observer, "SELECT version FROM work_item WHERE id = '\(held.id)'")
            let stored = try await client.item(held.id)
            let retry = try await Self.send(
                port: port,
                "patch after release",
                .patch,
                "/mcp/work_items/\(held.id)",
                json: #"{"expected_version": 1, "title": "after"}"#
            )
            try? await observer.close()
            try? await holder.close()
            try? await sampler.close()

            let slowestPatch = refused.map(\.elapsed).max() ?? .zero
            let failedOthers = otherAnswers.filter { !(200..<300).contains($0.status.code) }
            print(
                "[PostgresLockTests.heldRow] row held \(lockHeld); patches of it: \(refused.count), statuses "
                    + "\(Dictionary(grouping: refused, by: { "\($0.status.code) \($0.reason ?? "-")" }).mapValues(\.count)), slowest answered in "
                    + "\(slowestPatch); other requests failed: \(failedOthers.count) of \(otherAnswers.count), slowest "
                    + "\(otherAnswers.map(\.elapsed).max() ?? .zero); service connections waiting on the row at most: \(mostWaiting); lock waits cleared while held: \(noneWaiting); "
                    + "stored version after release: \(storedVersion)"
            )

            #expect(patchesWait, "the patches of each wave were seen waiting on the held row")
            #expect(refused.count == 30)
            for answer in refused {
                #expect(answer.status == .serviceUnavailable, "\(answer)")
                #expect(answer.error?.error == "storage_unavailable", "\(answer)")
                #expect(answer.reason == "lock_timeout", "the reason says the row is locked, not that the server is unreachable: \(answer)")
                #expect(answer.error?.message.contains("held by another transaction") == true, "\(answer)")
                #expect(answer.headers[.retryAfter] != nil, "\(answer)")
                // About the lock timeout (1 s), well under the 5 s client-side limit (whose answers take 5 s and say
                // `unreachable`).
                #expect(answer.elapsed < .seconds(3), "\(answer)")
            }
            #expect(failedOthers.isEmpty, "every other request succeeds while the row is held: \(failedOthers)")
            for answer in otherAnswers {
                // Nothing of theirs waits on the row: well under the lock timeout but for a slow machine.
                #expect(answer.elapsed < .seconds(2), "answered promptly while the row is held: \(answer)")
            }
            let healthAnswers = otherAnswers.filter { $0.label.hasSuffix("health") }
            #expect(healthAnswers.count == 2)
            for health in healthAnswers {
                let body = try? decoder.decode(HealthResponse.self, from: Data(health.text.utf8))
                #expect(body?.database.status == "ok", "/health does not call the database unreachable: \(health)")
            }
            #expect(mostWaiting <= 1, "one held row costs the service at most one pooled connection, not the pool (\(mostWaiting) waited)")
            #expect(noneWaiting, "no backend of the service still waits on the row after its patches were answered")
            #expect(quiet, "the service's backends went quiet after the release")
            #expect(storedVersion == 1, "no patch answered 503 committed after the row was released")
            #expect(stored.version == 1 && stored.title == "held", "\(stored)")
            #expect(retry.status == .ok, "a patch at the original version succeeds once the row is free: \(retry)")
            #expect(retry.text.contains(#""version":2"#), "\(retry)")
        }
    }

    @Test("a write still running when --database-timeout answers 503 is rolled back, never committed afterwards")
    func writeOverTheLimitDoesNotCommit() async throws {
        let directory = try TemporaryDirectory(store: .postgres)
        defer { directory.remove() }
        var configuration = testConfiguration(directory)
        configuration.databaseTimeout = .seconds(4)
        let app = try await buildApplication(configuration)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let name = URL(string: directory.database)!.lastPathComponent
            // Each statement of a create with a key and a reference sleeps 1.2 s: each is under any statement bound
            // the server sets (the service's are a fraction of 4 s), all four together (4.8 s) are over the 4 s limit.
            try PostgresCluster.shared().psql(
                """
                CREATE FUNCTION slow_statement() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(1.2); RETURN NULL; END $$;
                CREATE TRIGGER slow_item AFTER INSERT ON work_item FOR EACH STATEMENT EXECUTE FUNCTION slow_statement();
                CREATE TRIGGER slow_reference AFTER INSERT ON work_item_reference FOR EACH STATEMENT EXECUTE FUNCTION slow_statement();
                CREATE TRIGGER slow_key AFTER INSERT OR DELETE ON idempotency_key FOR EACH STATEMENT EXECUTE FUNCTION slow_statement();
                """,
                database: name
            )
            let body = #"{"title": "slow create", "entity_references": ["c_1"]}"#
            var headers = HTTPFields()
            headers[HTTPField.Name("Idempotency-Key")!] = "slow-create"
            let answer = try await Self.send(port: port, "slow create", .post, "/mcp/work_items", json: body, headers: headers)

            let observer = try await Self.connect(directory, id: 1)
            let quiet = try await Self.poll(within: .seconds(15)) {
                try await Self.integer(
                    observer,
                    "SELECT count(*) FROM pg_stat_activity WHERE \(Self.serviceBackends(excluding: 0)) AND state = 'active'"
                ) == 0
            }
            let storedItems = try await Self.integer(observer, "SELECT count(*) FROM work_item WHERE title = 'slow create'")
            let storedKeys = try await Self.integer(observer, "SELECT count(*) FROM idempotency_key WHERE key = 'slow-create'")
            try? await observer.close()
            print(
                "[PostgresLockTests.writeOverTheLimitDoesNotCommit] answered \(answer.status.code) \(answer.reason ?? "-") in \(answer.elapsed); items stored afterwards: \(storedItems)"
            )

            #expect(answer.status == .serviceUnavailable, "\(answer)")
            #expect(answer.error?.error == "storage_unavailable", "\(answer)")
            #expect(quiet, "the service's backends went quiet")
            #expect(storedItems == 0, "the create answered 503 was not stored")
            #expect(storedKeys == 0, "nor its idempotency key")

            // Once the database is quick again, the same request with the same key makes the item, once.
            try PostgresCluster.shared().psql("DROP FUNCTION slow_statement() CASCADE", database: name)
            let again = try await Self.send(port: port, "create again", .post, "/mcp/work_items", json: body, headers: headers)
            #expect(again.status == .created, "\(again)")
            let observerAfter = try await Self.connect(directory, id: 3)
            #expect(try await Self.integer(observerAfter, "SELECT count(*) FROM work_item WHERE title = 'slow create'") == 1)
            try? await observerAfter.close()
        }
    }

    @Test("PostgreSQL's lock and statement timeouts are 503 lock_timeout and busy, never unreachable, with the contract's body")
    func contentionIsNotUnreachable() async throws {
        let directory = try TemporaryDirectory(store: .postgres)
        defer { directory.remove() }
        try PostgresCluster.shared().psql(
            "CREATE TABLE held (id INT PRIMARY KEY); INSERT INTO held VALUES (1)",
            database: URL(string: directory.database)!.lastPathComponent
        )
        let holder = try await Self.connect(directory, id: 1)
        let waiter = try await Self.connect(directory, id: 2)
        try await holder.run("BEGIN")
        try await holder.run("SELECT id FROM held WHERE id = 1 FOR UPDATE")

        try await waiter.run("SET lock_timeout = '50ms'")
        let lockError = await #expect(throws: PSQLError.self) { try await waiter.run("SELECT id FROM held WHERE id = 1 FOR UPDATE") }
        try await waiter.run("SET lock_timeout = 0")
        try await waiter.run("SET statement_timeout = '50ms'")
        let statementError = await #expect(throws: PSQLError.self) { try await waiter.run("SELECT pg_sleep(2)") }
        try await holder.run("ROLLBACK")
        try? await holder.close()
        try? await waiter.close()

        let lock = try #require(lockError)
        #expect(lock.serverInfo?[.sqlState] == "55P03")
        #expect(PostgresFailure.contention(after: lock) == .lockTimeout)
        #expect(PostgresFailure.state(after: lock) == nil, "a held lock says nothing about the database's state")
        let statement = try #require(statementError)
        #expect(statement.serverInfo?[.sqlState] == "57014")
        #expect(PostgresFailure.contention(after: statement) == .busy)
        #expect(PostgresFailure.state(after: statement) == nil, "57014 is class 57 but not 57P: not unreachable")

        let bounds = PostgresSessionBounds(timeLimit: .seconds(5))
        for (contention, reason) in [(PostgresFailure.Contention.lockTimeout, "lock_timeout"), (.busy, "busy")] {
            let error = APIError(WorkflowError.storageContention(contention, bounds: bounds))
            #expect(error.status == .serviceUnavailable)
            #expect(error.headers[.retryAfter] == "5")
            #expect(error.body.error == "storage_unavailable")
            #expect(error.body.details == ["reason": .string(reason)])
            #expect(error.body.message.hasPrefix("Nothing was changed"))
        }
    }
}
