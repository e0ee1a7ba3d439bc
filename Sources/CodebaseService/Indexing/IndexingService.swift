import Logging
import ServiceClient
import ServiceLifecycle

/// The background worker that runs index jobs one at a time, starting with the start-up job over every configured
/// repository. It runs as a `Service` of the application, so the server answers at once, and it stops with graceful
/// shutdown: a running job is cancelled between batches (what it committed stays, consistent per file) and queued
/// jobs fail with a message saying why.
struct IndexingService: Service {
    let queue: IndexJobQueue
    let indexer: RepositoryIndexer
    let repositories: [ConfiguredRepository]
    let repositoryIDs: [String: Int64]
    let indexOnStartup: Bool
    let logger: Logger

    func run() async throws {
        if self.indexOnStartup, !self.repositories.isEmpty {
            let job = await self.queue.submit(IndexScope(repositories: self.repositories.map(\.name).sorted(), force: false))
            self.logger.info("start-up indexing queued", metadata: ["job_id": "\(job.jobID)", "repositories": "\(self.repositories.count)"])
        }
        await cancelWhenGracefulShutdown {
            for await _ in self.queue.signals {
                while !Task.isCancelled, let next = await self.queue.startNext() {
                    await self.run(jobID: next.id, scope: next.scope)
                }
            }
        }
        await self.queue.failPending(reason: "the server is shutting down; the job did not run")
    }

    private func run(jobID: String, scope: IndexScope) async {
        var total = IndexCounters()
        var failure: String?
        for name in scope.repositories {
            guard let repository = self.repositories.first(where: { $0.name == name }), let repositoryID = self.repositoryIDs[name] else {
                failure = "repository '\(name)' is not configured"
                break
            }
            let before = total
            do {
                let counters = try await self.indexer.index(repository, repositoryID: repositoryID, force: scope.force) { counters in
                    await self.queue.update(jobID, counters: before + counters)
                }
                total = before + counters
            } catch is CancellationError {
                failure = "cancelled: the server is shutting down"
                break
            } catch {
                self.logger.error("indexing failed", metadata: ["job_id": "\(jobID)", "repository": "\(name)", "error": "\(error)"])
                failure = "indexing '\(name)' failed: \(error)"
                break
            }
        }
        if total.chunksAdded + total.chunksRemoved > 0 {
            do {
                try await self.indexer.store.compactSearchIndex()
            } catch {
                // The index stays correct, only slower to search until the next job merges it.
                self.logger.warning("merging the search index failed", metadata: ["job_id": "\(jobID)", "error": "\(error)"])
            }
        }
        await self.queue.finish(jobID, counters: total, error: failure)
    }
}
