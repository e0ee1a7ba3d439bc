import Foundation
import Logging
import ServiceClient
import ServiceLifecycle

/// The background worker that runs index jobs one at a time, starting with the start-up job over every configured
/// repository, and the change detection that queues a job for what changes on disk afterwards. It runs as a `Service`
/// of the application, so the server answers at once, and it stops with graceful shutdown: a running job is
/// cancelled between batches (what it committed stays, consistent per file) and queued jobs fail with a message
/// saying why. Each job holds the database's index lock, so two processes sharing the database never index at once.
package struct IndexingService: Service {
    package let queue: IndexJobQueue
    package let indexer: RepositoryIndexer
    package let repositories: [ConfiguredRepository]
    package let repositoryIDs: [String: Int64]
    package let indexOnStartup: Bool
    package let changeDetection: ChangeDetection?
    package let status: WatchStatus
    package let lock: IndexLock
    package let logger: Logger

    package init(
        queue: IndexJobQueue,
        indexer: RepositoryIndexer,
        repositories: [ConfiguredRepository],
        repositoryIDs: [String: Int64],
        indexOnStartup: Bool,
        changeDetection: ChangeDetection? = nil,
        status: WatchStatus,
        lock: IndexLock,
        logger: Logger
    ) {
        self.queue = queue
        self.indexer = indexer
        self.repositories = repositories
        self.repositoryIDs = repositoryIDs
        self.indexOnStartup = indexOnStartup
        self.changeDetection = changeDetection
        self.status = status
        self.lock = lock
        self.logger = logger
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                if let changeDetection = self.changeDetection {
                    // Watches first: a file changed while the start-up job runs is then indexed again after it.
                    await changeDetection.start()
                    group.addTask { await changeDetection.run() }
                }
                if self.indexOnStartup, !self.repositories.isEmpty {
                    let job = await self.queue.submit(IndexScope(repositories: self.repositories.map(\.name).sorted(), force: false))
                    self.logger.info("start-up indexing queued", metadata: ["job_id": "\(job.jobID)", "repositories": "\(self.repositories.count)"])
                }
                group.addTask {
                    for await _ in self.queue.signals {
                        while !Task.isCancelled, let next = await self.queue.startNext() {
                            await self.run(jobID: next.id, scope: next.scope)
                        }
                    }
                }
            }
        }
        await self.queue.failPending(reason: "the server is shutting down; the job did not run")
    }

    private func run(jobID: String, scope: IndexScope) async {
        var total = IndexCounters()
        var failure: String?
        do {
            try await self.lock.withLock {
                failure = await self.runLocked(jobID: jobID, scope: scope, total: &total)
            }
        } catch {
            failure = "cancelled: the server is shutting down"
        }
        await self.queue.finish(jobID, counters: total, error: failure)
    }

    /// Runs the job with the index lock held; answers why it failed, or `nil`.
    private func runLocked(jobID: String, scope: IndexScope, total: inout IndexCounters) async -> String? {
        var failure: String?
        for name in scope.repositories {
            guard let repository = self.repositories.first(where: { $0.name == name }), let repositoryID = self.repositoryIDs[name] else {
                failure = "repository '\(name)' is not configured"
                break
            }
            let before = total
            let report: @Sendable (IndexCounters) async -> Void = { counters in await self.queue.update(jobID, counters: before + counters) }
            do {
                let counters =
                    if let changes = scope.changes {
                        try await self.indexer.index(changes, in: repository, repositoryID: repositoryID, progress: report)
                    } else {
                        try await self.indexer.index(repository, repositoryID: repositoryID, force: scope.force, progress: report)
                    }
                total = before + counters
                self.status.indexed(name, at: Date())
            } catch is CancellationError {
                failure = "cancelled: the server is shutting down"
                break
            } catch {
                self.logger.error("indexing failed", metadata: ["job_id": "\(jobID)", "repository": "\(name)", "error": "\(error)"])
                failure = "indexing '\(name)' failed: \(error)"
                break
            }
        }
        // A change job writes a few chunks; merging segments is left to whole passes, which write many.
        if scope.changes == nil, total.chunksAdded + total.chunksRemoved > 0 {
            do {
                try await self.indexer.store.compactSearchIndex()
            } catch {
                // The index stays correct, only slower to search until the next job merges it.
                self.logger.warning("merging the search index failed", metadata: ["job_id": "\(jobID)", "error": "\(error)"])
            }
        }
        return failure
    }
}
