import Foundation
import NIOHTTP1
import ServiceClient
import ServiceClientTesting
import ServiceHarness
import Testing

extension Resilience {
    @Suite("Two workflow-mcp replicas on one PostgreSQL store")
    struct PostgresReplicas {
        @Test("one Idempotency-Key sent to both replicas at once makes one item; racing patches across both give one 200")
        func idempotencyAndRacingPatches() async throws {
            try await ReplicaSet.run("replicas: idempotency and patches") { replicas in
                for round in 0..<5 {
                    let key = "replica-key-\(round)"
                    let body = #"{"title": "one item \#(round)"}"#
                    let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                        for index in 0..<8 {
                            let url = replicas.workflow[index % 2].url
                            group.addTask { try await HTTP.send(.POST, "\(url)/mcp/work_items", json: body, headers: [("Idempotency-Key", key)]) }
                        }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                    replicas.expect(replies.allSatisfy { $0.status == 201 }, "every create with one key answers 201", replies)
                    let ids = Set(replies.compactMap { $0.item?.id })
                    replicas.expect(ids.count == 1, "round \(round): one item for one key, got \(ids.count)", replies)
                    let listing = try await HTTP.get("\(replicas.workflow[1].url)/mcp/work_items?limit=100").decode(WorkItemPage.self)
                    let titled = listing.items.filter { $0.title == "one item \(round)" }
                    replicas.expect(titled.count == 1, "round \(round): \(titled.count) stored items with the title")
                }

                for round in 0..<5 {
                    let created = try await HTTP.post("\(replicas.workflow[0].url)/mcp/work_items", #"{"title": "contended"}"#)
                    let id = try #require(created.item?.id, "create answered \(created)")
                    let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                        for index in 0..<8 {
                            let url = replicas.workflow[index % 2].url
                            group.addTask {
                                let body = #"{"expected_version": 1, "title": "writer \#(index)"}"#
                                return try await HTTP.send(.PATCH, "\(url)/mcp/work_items/\(id)", json: body)
                            }
                        }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                    let winners = replies.filter { $0.status == 200 }
                    replicas.expect(winners.count == 1, "round \(round): exactly one patch wins", replies)
                    replicas.expect(replies.filter { $0.status == 409 }.count == 7, "round \(round): the other seven answer 409", replies)
                    let final = try await HTTP.get("\(replicas.workflow[1].url)/mcp/work_items/\(id)").item
                    replicas.expect(final?.version == 2 && final?.title == winners.first?.item?.title, "round \(round): the winner's write is stored")
                }
            }
        }

        @Test("codebase-mcp with both replicas as endpoints keeps linked_work_items while one replica is killed")
        func linkedItemsSurviveAKilledReplica() async throws {
            try await ReplicaSet.run("replicas: one killed", withCodebase: true) { replicas in
                let codebase = try #require(replicas.codebase)
                var chunkIDs: [String] = []
                let indexed = try await eventually(timeout: .seconds(60)) {
                    let reply = try? await HTTP.post("\(codebase.url)/mcp/search", #"{"query": "authenticate user", "limit": 5}"#)
                    chunkIDs = (try? reply?.decode(SearchResponse.self).results.map(\.chunkID)) ?? []
                    return !chunkIDs.isEmpty
                }
                try #require(indexed, "codebase-mcp indexed the sample repository")
                let body = try json(CreateWorkItemRequest(title: "linked", entityReferences: [chunkIDs[0]]))
                let created = try await HTTP.post("\(replicas.workflow[0].url)/mcp/work_items", body)
                let id = try #require(created.item?.id, "create answered \(created)")

                func linkedOnFirstResult() async throws -> (Reply, Bool) {
                    let reply = try await HTTP.post("\(codebase.url)/mcp/search", #"{"query": "authenticate user", "limit": 5}"#)
                    let result = try? reply.decode(SearchResponse.self).results.first { $0.chunkID == chunkIDs[0] }
                    return (reply, result?.linkedWorkItems?.contains { $0.id == id } == true)
                }
                let before = try await eventually { try await linkedOnFirstResult().1 }
                replicas.expect(before, "linked_work_items names the item with both replicas up")

                await replicas.workflow[0].kill()
                for attempt in 0..<20 {
                    let (reply, linked) = try await linkedOnFirstResult()
                    let warnings = (try? reply.decode(SearchResponse.self).warnings) ?? []
                    replicas.expect(
                        reply.status == 200 && linked,
                        "search \(attempt) after the kill still has linked_work_items; warnings: \(warnings)"
                    )
                }
            }
        }

        @Test("PostgreSQL stopped (immediate) during a burst of creates: 503 storage_unavailable while down, every 201 kept, recovery on its own")
        func postgresRestartDuringBurst() async throws {
            try await ReplicaSet.run("PostgreSQL restarted", replicas: 1) { replicas in
                let workflow = replicas.workflow[0].url
                let acknowledged = Box<[String]>([])
                let refused = Box<[Reply]>([])
                let unexpected = Box<[Reply]>([])
                let stop = Box(false)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<4 {
                        group.addTask {
                            var index = 0
                            while !stop.value {
                                index += 1
                                let reply: Reply
                                do {
                                    let body = #"{"title": "burst \#(worker)-\#(index)"}"#
                                    reply = try await HTTP.send(.POST, "\(workflow)/mcp/work_items", json: body, timeout: .seconds(15))
                                } catch {
                                    unexpected.mutate { $0.append(Reply(status: 0, body: Data("\(error)".utf8), elapsed: .zero)) }
                                    continue
                                }
                                if reply.status == 201, let id = reply.item?.id {
                                    acknowledged.mutate { $0.append(id) }
                                } else if reply.status == 503 {
                                    refused.mutate { $0.append(reply) }
                                } else {
                                    unexpected.mutate { $0.append(reply) }
                                }
                            }
                        }
                    }
                    // Let the burst get going, then crash the database under it.
                    let burstGoing = await eventually(timeout: .seconds(30)) { acknowledged.value.count >= 50 }
                    replicas.expect(burstGoing, "50 creates were acknowledged before PostgreSQL was stopped (\(acknowledged.value.count) were)")
                    try replicas.cluster.stopServer(mode: "immediate")
                    let refusedWhileDown = await eventually(timeout: .seconds(30)) { refused.value.count >= 4 }
                    replicas.expect(refusedWhileDown, "creates are refused with 503 while PostgreSQL is down")
                    let health = try await HTTP.get("\(workflow)/health")
                    replicas.expect(
                        health.status == 503 && health.text.contains("unhealthy"),
                        "/health is 503 unhealthy while PostgreSQL is down",
                        [health]
                    )
                    replicas.expect(health.elapsed < .seconds(4), "/health answers within its bound while PostgreSQL is down", [health])
                    try replicas.cluster.startServer()
                    let countAtRestart = acknowledged.value.count
                    let recovered = await eventually(timeout: .seconds(60)) { acknowledged.value.count >= countAtRestart + 20 }
                    replicas.expect(recovered, "creates succeed again after PostgreSQL returns, with no restart of workflow-mcp")
                    stop.mutate { $0 = true }
                    try await group.waitForAll()
                }
                let refusals = refused.value
                for reply in refusals.prefix(20) {
                    let error = try? reply.decode(ErrorBody.self)
                    replicas.expect(error?.error == "storage_unavailable", "a refusal is storage_unavailable", [reply])
                    replicas.expect(reply.headers.first(name: "Retry-After") != nil, "a refusal carries Retry-After", [reply])
                    replicas.expect(reply.elapsed < .seconds(10), "a refusal comes within the store's time bound", [reply])
                }
                let others = unexpected.value
                replicas.expect(others.isEmpty, "no create answered anything but 201 or 503 (\(others.count) did)", Array(others.prefix(5)))
                let health = try await HTTP.get("\(workflow)/health")
                replicas.expect(health.status == 200, "/health is 200 again", [health])
                let ids = acknowledged.value
                var missing: [String] = []
                for id in ids where try await HTTP.get("\(workflow)/mcp/work_items/\(id)").status != 200 { missing.append(id) }
                replicas.expect(missing.isEmpty, "every create answered 201 is there after the restart: \(missing.count) of \(ids.count) missing")
            }
        }

        @Test("PostgreSQL paused (SIGSTOP): /health and writes answer 503 within their bounds instead of hanging; all resumes on SIGCONT")
        func postgresPaused() async throws {
            try await ReplicaSet.run("PostgreSQL paused", replicas: 1) { replicas in
                let workflow = replicas.workflow[0].url
                let before = try await HTTP.post("\(workflow)/mcp/work_items", #"{"title": "before the pause"}"#)
                replicas.expect(before.status == 201, "a create before the pause", [before])
                let pids = replicas.cluster.serverPIDs()
                try #require(!pids.isEmpty, "the server's processes are found")
                for pid in pids { kill(pid, SIGSTOP) }
                defer { for pid in pids { kill(pid, SIGCONT) } }

                let health = try await HTTP.send(.GET, "\(workflow)/health", timeout: .seconds(15))
                replicas.expect(health.status == 503 && health.text.contains("unhealthy"), "/health is 503 unhealthy while paused", [health])
                replicas.expect(health.elapsed < .seconds(4), "/health answers within its 2 s bound, not when the server resumes", [health])
                let create = try await HTTP.send(.POST, "\(workflow)/mcp/work_items", json: #"{"title": "while paused"}"#, timeout: .seconds(15))
                replicas.expect(create.status == 503, "a create while paused answers 503", [create])
                replicas.expect((try? create.decode(ErrorBody.self))?.error == "storage_unavailable", "storage_unavailable", [create])
                replicas.expect(create.elapsed < .seconds(6), "within --database-timeout (3 s), not when the server resumes", [create])
                let read = try await HTTP.send(.GET, "\(workflow)/mcp/work_items", timeout: .seconds(15))
                replicas.expect(read.status == 503 && read.elapsed < .seconds(6), "a listing while paused answers 503 in time", [read])

                for pid in pids { kill(pid, SIGCONT) }
                let recovered = await eventually(timeout: .seconds(30)) {
                    (try? await HTTP.post("\(workflow)/mcp/work_items", #"{"title": "after the pause"}"#).status) == 201
                }
                replicas.expect(recovered, "creates succeed again once the server resumes")
                let healthAfter = try await HTTP.get("\(workflow)/health")
                replicas.expect(healthAfter.status == 200, "/health is 200 again", [healthAfter])
            }
        }
    }
}

/// One private PostgreSQL cluster, workflow-mcp replicas on one database of it, and optionally codebase-mcp with
/// every replica as a workflow endpoint.
struct ReplicaSet: Sendable {
    let name: String
    let cluster: PostgresCluster
    let workflow: [ServerProcess]
    let codebase: ServerProcess?

    static func run(
        _ name: String,
        replicas count: Int = 2,
        withCodebase: Bool = false,
        _ body: @Sendable (ReplicaSet) async throws -> Void
    ) async throws {
        try Binaries.check()
        let cluster = try PostgresCluster.start()
        defer { cluster.destroy() }
        let database = try cluster.createDatabase()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("replicas-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let repository = withCodebase ? try SampleRepository() : nil
        defer { repository?.remove() }
        let workflow = (0..<count).map { index in
            ServerProcess(
                ServerSpec(
                    name: "workflow-mcp \(index)",
                    executable: Binaries.workflow,
                    arguments: ["--database", database, "--codebase-url", "http://127.0.0.1:1", "--database-timeout", "3"],
                    logURL: directory.appendingPathComponent("workflow-\(index).log")
                )
            )
        }
        var codebase: ServerProcess?
        do {
            // Started one after the other would hide a migration race: start them together.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for replica in workflow { group.addTask { try await replica.start() } }
                try await group.waitForAll()
            }
            if let repository {
                let process = ServerProcess(
                    ServerSpec(
                        name: "codebase-mcp",
                        executable: Binaries.codebase,
                        arguments: [
                            "--database", directory.appendingPathComponent("codebase.sqlite").path, "--repo", repository.url.path,
                            "--workflow-url", workflow.map(\.url).joined(separator: ","),
                        ],
                        logURL: directory.appendingPathComponent("codebase.log")
                    )
                )
                codebase = process
                try await process.start()
            }
            try await body(ReplicaSet(name: name, cluster: cluster, workflow: workflow, codebase: codebase))
        } catch {
            for replica in workflow { await replica.kill() }
            await codebase?.kill()
            throw error
        }
        for replica in workflow { await replica.kill() }
        await codebase?.kill()
    }

    /// Records a failure naming the scenario, with the replies and the tail of every log.
    func expect(_ condition: Bool, _ what: @autoclosure () -> String, _ replies: [Reply] = [], sourceLocation: SourceLocation = #_sourceLocation) {
        guard !condition else { return }
        let logs = self.workflow.map { "--- \($0.spec.name) log (tail) ---\n\($0.logTail(15))" }.joined(separator: "\n")
        let serverText = (try? String(contentsOf: self.cluster.logURL, encoding: .utf8)) ?? ""
        let serverLog = serverText.split(separator: "\n").suffix(10).joined(separator: "\n")
        Issue.record(
            """
            [\(self.name)] \(what())
            responses:
            \(replies.map { "  \($0)" }.joined(separator: "\n"))
            \(logs)
            --- PostgreSQL log (tail) ---
            \(serverLog)
            """,
            sourceLocation: sourceLocation
        )
    }
}
