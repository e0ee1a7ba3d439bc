import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import ServerTesting
import ServiceClient
import Synchronization
import Testing

@testable import CodebaseCore
@testable import CodebaseService

@Suite("POST /mcp/index, jobs, and id stability")
struct IndexAPITests {
    /// Polls a job until it is finished.
    func finished(_ client: some TestClientProtocol, _ id: String) async throws -> IndexJob {
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ContinuousClock.now < deadline {
            let job = try await client.send(.get, "/mcp/index/jobs/\(id)").decode(IndexJob.self)
            if job.status == .completed || job.status == .failed { return job }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("job \(id) did not finish")
        throw CancellationError()
    }

    @Test("without wait: 202 with a pending job, then the job reports its counters")
    func backgroundJob() async throws {
        try await withFixtureApp { client, _, _ in
            let response = try await client.send(.post, "/mcp/index", json: #"{"repository": "sample-repo", "force": true}"#)
            #expect(response.status == .accepted)
            let job = try response.decode(IndexJob.self)
            #expect(job.status == .pending)
            #expect(job.jobID.hasPrefix("job_"))
            let done = try await self.finished(client, job.jobID)
            #expect(done.status == .completed)
            #expect(done.repository == "sample-repo")
            #expect(done.filesScanned > 15)
            #expect(done.durationMS >= 0)
        }
    }

    @Test("with wait: 200 with the completed job; the first index adds every chunk")
    func waitedJob() async throws {
        let (directory, repository) = try makeFixtureCopy()
        defer { directory.remove() }
        let app = try await buildApplication(testConfiguration(directory, repositories: [repository], indexOnStartup: false))
        try await app.test(.router) { client in
            #expect(try await client.search("TokenStore").totalCount == 0)
            let job = try await client.reindex()
            // Every text file is new; the binary one is scanned but not indexed.
            #expect(job.filesChanged == job.filesScanned - 1)
            #expect(job.chunksAdded > 15)
            #expect(job.chunksRemoved == 0)
            #expect(try await client.search("TokenStore").totalCount > 0)
            // Nothing changed: nothing to do.
            let again = try await client.reindex()
            #expect(again.filesChanged == 0 && again.chunksAdded == 0 && again.chunksRemoved == 0)
        }
    }

    @Test("a repository may be named by name or by its directory; anything else is a 400")
    func repositoryChoice() async throws {
        try await withFixtureApp { client, _, repository in
            for name in ["sample-repo", repository, repository + "/"] {
                let response = try await client.send(.post, "/mcp/index", json: try json(IndexRequest(repository: name, wait: true)))
                #expect(response.status == .ok, "\(name): \(response.text)")
            }
            for bad in ["other-repo", "/etc", "../sample-repo", ""] {
                let error = try await client.send(.post, "/mcp/index", json: try json(IndexRequest(repository: bad))).errorBody(.badRequest)
                #expect(error.details["field"] == "repository", "\(bad)")
            }
            for (body, field) in [(#"{"force": "yes"}"#, "force"), (#"{"wait": 1}"#, "wait"), (#"{"repository": 7}"#, "repository"), ("[", "body")] {
                let error = try await client.send(.post, "/mcp/index", json: body).errorBody(.badRequest)
                #expect(error.details["field"] == .string(field))
            }
            // An empty body means every repository.
            #expect(try await client.send(.post, "/mcp/index").status == .accepted)
        }
    }

    @Test("an unknown job answers 404 job_not_found")
    func unknownJob() async throws {
        try await withFixtureApp { client, _, _ in
            let error = try await client.send(.get, "/mcp/index/jobs/job_nope").errorBody(.notFound)
            #expect(error.error == "job_not_found")
        }
    }

    @Test("a forced re-index keeps every chunk id")
    func forcedReindexKeepsIDs() async throws {
        try await withFixtureApp { client, directory, _ in
            let database = directory.path("codebase.sqlite")
            let before = try SQLiteInspector(path: database).chunks().map(\.id)
            let job = try await client.reindex(force: true)
            #expect(job.chunksAdded == 0 && job.chunksRemoved == 0)
            #expect(try SQLiteInspector(path: database).chunks().map(\.id) == before)
        }
    }

    @Test("touching a file changes no id and no file")
    func touchChangesNothing() async throws {
        try await withFixtureApp(watching: false) { client, directory, repository in
            let database = directory.path("codebase.sqlite")
            let before = try SQLiteInspector(path: database).chunks().map(\.id)
            let path = repository + "/src/auth/users.py"
            let text = try Data(contentsOf: URL(fileURLWithPath: path))
            try text.write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(3600)], ofItemAtPath: path)
            let job = try await client.reindex()
            #expect(job.filesChanged == 0)
            #expect(try SQLiteInspector(path: database).chunks().map(\.id) == before)
        }
    }

    @Test("a deleted file's chunks answer 404 and are missing from lookups")
    func deletedFile() async throws {
        try await withFixtureApp(watching: false) { client, directory, repository in
            let ids = try SQLiteInspector(path: directory.path("codebase.sqlite")).chunkIDs(path: "src/auth/tokens.py")
            #expect(!ids.isEmpty)
            try FileManager.default.removeItem(atPath: repository + "/src/auth/tokens.py")
            let job = try await client.reindex()
            #expect(job.filesChanged == 1 && job.chunksRemoved == ids.count)
            for id in ids { #expect(try await client.chunk(id) == nil) }
            #expect(try await client.lookup(ids).missing == ids)
            #expect(try await client.search("issue_token").results.allSatisfy { $0.filePath != "src/auth/tokens.py" })
        }
    }

    @Test("editing one function replaces only its chunk; chunks below keep their ids and move their lines")
    func editedFile() async throws {
        try await withFixtureApp(watching: false) { client, directory, repository in
            let inspector = SQLiteInspector(path: directory.path("codebase.sqlite"))
            let path = repository + "/src/auth/users.py"
            let before = try inspector.chunks().filter { $0.path == "src/auth/users.py" }
            #expect(before.count >= 3)
            let original = try String(contentsOfFile: path, encoding: .utf8)
            let edited = original.replacingOccurrences(
                of: "    return hashlib.pbkdf2_hmac(",
                with: "    # A freshlyAddedComment line.\n    return hashlib.pbkdf2_hmac("
            )
            #expect(edited != original)
            try edited.write(toFile: path, atomically: true, encoding: .utf8)
            let job = try await client.reindex()
            #expect(job.filesChanged == 1)
            #expect(job.chunksAdded == 1 && job.chunksRemoved == 1)
            let after = try inspector.chunks().filter { $0.path == "src/auth/users.py" }
            let changed = try #require(before.first { $0.content.contains("def derive_password_hash") })
            #expect(try await client.chunk(changed.id) == nil)
            for old in before where old.id != changed.id {
                let new = try #require(after.first { $0.id == old.id })
                #expect(new.startLine == old.startLine + (old.startLine > changed.startLine ? 1 : 0))
                #expect(try await client.chunk(old.id)?.startLine == new.startLine)
            }
            #expect(try await client.search("freshlyAddedComment").results.first?.filePath == "src/auth/users.py")
        }
    }

    @Test("a file that turns binary or becomes ignored leaves the index")
    func fileLeavesIndex() async throws {
        try await withFixtureApp { client, directory, repository in
            #expect(try await client.search("PriceFormatter").totalCount > 0)
            #expect(try await client.search("throttle").totalCount > 0)
            var binary = Data("enum PriceFormatter {}\n".utf8)
            binary.append(0)
            try binary.write(to: URL(fileURLWithPath: repository + "/swift/Sources/Inventory/PriceFormatter.swift"))
            try "web/src/debounce.js\n".write(toFile: repository + "/.gitignore", atomically: true, encoding: .utf8)
            _ = try await client.reindex()
            #expect(try await client.search("PriceFormatter").results.allSatisfy { !$0.filePath.hasSuffix("PriceFormatter.swift") })
            #expect(try await client.search("throttle").totalCount == 0)
            #expect(!(try SQLiteInspector(path: directory.path("codebase.sqlite")).filePaths().contains("web/src/debounce.js")))
        }
    }

    @Test("wait answers only when the index reflects the files as they were when the request arrived")
    func waitReflectsArrival() async throws {
        try await withFixtureApp { client, _, repository in
            // A long job runs; then a file changes; then a waiting request arrives: it must see the change.
            let running = try await client.send(.post, "/mcp/index", json: #"{"force": true}"#).decode(IndexJob.self)
            try "def brandNewFunctionName():\n    return 1\n".write(toFile: repository + "/src/new_module.py", atomically: true, encoding: .utf8)
            let waited = try await client.reindex()
            #expect(waited.jobID != running.jobID)
            #expect(try await client.search("brandNewFunctionName").results.first?.filePath == "src/new_module.py")
        }
    }
}

@Suite("Index job queue")
struct IndexJobQueueTests {
    @Test("a request joins a queued job of the same scope, never a running one")
    func joinAndQueue() async throws {
        let queue = IndexJobQueue()
        let all = IndexScope(repositories: ["a", "b"], force: false)
        let first = await queue.submit(all)
        #expect(await queue.submit(all).jobID == first.jobID)
        let forced = await queue.submit(IndexScope(repositories: ["a", "b"], force: true))
        #expect(forced.jobID != first.jobID)
        let started = try #require(await queue.startNext())
        #expect(started.id == first.jobID)
        #expect(await queue.job(first.jobID)?.status == .running)
        // The first job runs: a new request of its scope queues behind it.
        let behind = await queue.submit(all)
        #expect(behind.jobID != first.jobID)
        #expect(await queue.startNext() == nil)
        await queue.finish(first.jobID, counters: IndexCounters(filesScanned: 3), error: nil)
        let completed = await queue.waitForCompletion(first.jobID)
        #expect(completed?.status == .completed && completed?.filesScanned == 3)
        #expect(await queue.startNext()?.id == forced.jobID)
    }

    @Test("waiters wake when the job finishes; pending jobs fail when the worker stops")
    func waiters() async throws {
        let queue = IndexJobQueue()
        let job = await queue.submit(IndexScope(repositories: ["a"], force: false))
        async let waited = queue.waitForCompletion(job.jobID)
        _ = await queue.startNext()
        await queue.finish(job.jobID, counters: IndexCounters(), error: "boom")
        #expect(await waited?.status == .failed)
        #expect(await waited?.errorMessage == "boom")
        let pending = await queue.submit(IndexScope(repositories: ["a"], force: true))
        await queue.failPending(reason: "shutting down")
        #expect(await queue.job(pending.jobID)?.status == .failed)
    }
}
