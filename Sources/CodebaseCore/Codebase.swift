import Foundation
import ServiceClient

/// The one place where code is searched, chunks are read and index jobs are started, each answer carrying the work
/// items linked from workflow-mcp (or a warning that it could not be asked). The REST controllers and the MCP tools
/// both call it; neither adds behaviour.
package struct Codebase: Sendable {
    package static let maxLookupIDs = ContractLimits.chunkIDsPerLookup
    /// How often a waiting index request reports progress.
    package static let progressInterval: Duration = .milliseconds(250)

    package let search: SearchService
    package let store: any ChunkStore
    package let linkedWorkItems: LinkedWorkItemsProvider
    package let jobs: IndexJobQueue
    package let indexStatus: IndexStatus
    package let corpus: GrepCorpus
    /// How long a grep may run before it is stopped.
    package let grepDeadline: Duration
    package let repositories: [ConfiguredRepository]
    package let contextLines: Int

    package init(
        search: SearchService,
        store: any ChunkStore,
        linkedWorkItems: LinkedWorkItemsProvider,
        jobs: IndexJobQueue,
        indexStatus: IndexStatus,
        corpus: GrepCorpus,
        grepDeadline: Duration,
        repositories: [ConfiguredRepository],
        contextLines: Int
    ) {
        self.search = search
        self.store = store
        self.linkedWorkItems = linkedWorkItems
        self.jobs = jobs
        self.indexStatus = indexStatus
        self.corpus = corpus
        self.grepDeadline = grepDeadline
        self.repositories = repositories
        self.contextLines = contextLines
    }

    /// Ranked search: the best `limit` chunks, best first, the number of all matches, and each hit's linked work items
    /// (`null` with a `workflow_unavailable` warning when workflow-mcp cannot be asked in time).
    package func search(_ request: SearchRequest) async throws -> SearchResponse {
        let started = ContinuousClock.now
        let search = try SearchValidation.validate(request)
        if let repository = search.filter.repository { _ = try self.resolve(repository) }
        let page = try await self.search.search(search)
        let linked = await self.linkedWorkItems.fetch(chunkIDs: page.hits.map(\.chunk.id.string))
        let best = page.hits.first?.bm25 ?? 0
        let results = page.hits.map { hit in
            let id = hit.chunk.id.string
            return SearchResult(
                chunkID: id,
                filePath: hit.chunk.filePath,
                repository: hit.chunk.repository,
                language: hit.chunk.language,
                content: hit.chunk.content,
                startLine: hit.chunk.startLine,
                endLine: hit.chunk.endLine,
                similarityScore: SearchRanking.similarity(bm25: hit.bm25, best: best),
                contextBefore: hit.chunk.contextBefore,
                contextAfter: hit.chunk.contextAfter,
                linkedWorkItems: linked.items(for: id)
            )
        }
        let latency = (started.duration(to: .now).inMilliseconds * 100).rounded() / 100
        return SearchResponse(results: results, totalCount: page.totalCount, latencyMS: latency, warnings: linked.warnings)
    }

    /// One chunk with its context lines and linked work items; `chunk_not_found` when no chunk has that id now.
    package func chunk(id rawID: String) async throws -> ChunkDetail {
        // An id that is not even well-formed names no chunk: the same answer as a deleted one.
        guard let id = ChunkID(rawID), let chunk = try await self.store.chunk(id: id, contextLines: self.contextLines) else {
            throw CodebaseError.chunkNotFound(rawID)
        }
        let linked = await self.linkedWorkItems.fetch(chunkIDs: [rawID])
        return ChunkDetail(
            chunkID: rawID,
            filePath: chunk.filePath,
            repository: chunk.repository,
            language: chunk.language,
            content: chunk.content,
            startLine: chunk.startLine,
            endLine: chunk.endLine,
            contextBefore: chunk.contextBefore,
            contextAfter: chunk.contextAfter,
            indexedAt: chunk.indexedAt,
            linkedWorkItems: linked.items(for: rawID),
            warnings: linked.warnings
        )
    }

    /// Which of up to 1000 ids exist now, in one query: `found` and `missing`, each in the order asked, without repeats.
    package func lookup(_ request: ChunkLookupRequest) async throws -> ChunkLookupResponse {
        guard (1...Self.maxLookupIDs).contains(request.chunkIDs.count) else {
            throw CodebaseError.invalid(
                field: "chunk_ids",
                "'chunk_ids' must hold 1 to \(Self.maxLookupIDs) ids; it holds \(request.chunkIDs.count)."
            )
        }
        var seen = Set<String>()
        let parsed = request.chunkIDs.filter { seen.insert($0).inserted }.map { ($0, ChunkID($0)) }
        let existing = try await self.store.existingChunkIDs(parsed.compactMap(\.1))
        var found: [String] = []
        var missing: [String] = []
        for (raw, id) in parsed {
            if let id, existing.contains(id) { found.append(raw) } else { missing.append(raw) }
        }
        return ChunkLookupResponse(found: found, missing: missing)
    }

    /// Queues (or joins) an index job over one configured repository or all of them. Without `wait`, the job as
    /// queued; with it, the finished job once the index reflects the files as they were on arrival, reporting the job
    /// as it runs to `progress` every quarter second.
    package func index(_ request: IndexRequest, progress: (@Sendable (IndexJob) async -> Void)? = nil) async throws -> IndexJob {
        let names = try self.resolveScope(request.repository)
        let job = await self.jobs.submit(IndexScope(repositories: names, force: request.force ?? false))
        guard request.wait ?? false else { return job }
        let finished = try await self.waitForCompletion(job.jobID, progress: progress)
        if finished.status == .failed {
            // A job that failed because the index could not be written is the service's storage, not the job.
            if self.store.storageCondition != .ok { throw CodebaseError.storageUnavailable(self.store.storageCondition) }
            throw CodebaseError(
                .failed,
                "index_failed",
                "Index job '\(finished.jobID)' failed: \(finished.errorMessage ?? "unknown error"). Fix the cause and retry.",
                details: ["job_id": .string(finished.jobID)]
            )
        }
        return finished
    }

    /// The job's status and counters; `job_not_found` for an unknown (or long finished) job.
    package func job(id: String) async throws -> IndexJob {
        guard let job = await self.jobs.job(id) else { throw CodebaseError.jobNotFound(id) }
        return job
    }

    /// Every configured repository's index: files, chunks, when it was last brought up to date, how its changes are
    /// followed, and how many changed paths it does not reflect yet.
    package func indexStatus() async throws -> IndexStatusResponse {
        IndexStatusResponse(repositories: try await self.indexStatus.repositoryStates())
    }

    private func waitForCompletion(_ id: String, progress: (@Sendable (IndexJob) async -> Void)?) async throws -> IndexJob {
        let jobs = self.jobs
        guard let progress else {
            guard let finished = await jobs.waitForCompletion(id) else { throw CodebaseError.jobNotFound(id) }
            return finished
        }
        return try await withThrowingTaskGroup(of: IndexJob?.self) { group in
            group.addTask {
                guard let finished = await jobs.waitForCompletion(id) else { throw CodebaseError.jobNotFound(id) }
                return finished
            }
            group.addTask {
                while !Task.isCancelled {
                    if let job = await jobs.job(id) { await progress(job) }
                    try? await Task.sleep(for: Self.progressInterval)
                }
                return nil
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let finished = next { return finished }
            }
            throw CancellationError()
        }
    }

    /// The repository names a request covers: all when none is named; a name or a directory path that matches a
    /// configured repository; anything else is refused.
    private func resolveScope(_ repository: String?) throws(CodebaseError) -> [String] {
        guard !self.repositories.isEmpty else {
            throw .invalid(field: "repository", "No repository is configured; start codebase-mcp with --repo DIR to index one.")
        }
        guard let repository else { return self.repositories.map(\.name).sorted() }
        // No repository name or directory holds a control character, and the system calls that resolve a path would
        // cut it at a NUL, matching a repository the request did not name.
        guard !repository.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw .invalid(field: "repository", "repository must not contain control characters (U+0000 to U+001F, U+007F).")
        }
        return [try self.resolve(repository)]
    }

    /// The configured repository named `repository`, by name or by its directory path.
    package func resolve(_ repository: String) throws(CodebaseError) -> String {
        if let match = self.repositories.first(where: { $0.name == repository }) { return match.name }
        let trimmed = repository.count > 1 && repository.hasSuffix("/") ? String(repository.dropLast()) : repository
        let canonical = RepositoryScanner.realPath(trimmed)
        if let match = self.repositories.first(where: { $0.root == trimmed || $0.root == canonical }) { return match.name }
        let configured = self.repositories.map(\.name).sorted().joined(separator: ", ")
        throw .invalid(
            field: "repository",
            "'\(repository)' is not a configured repository. Configured: \(configured.isEmpty ? "none" : configured); others are refused."
        )
    }
}
