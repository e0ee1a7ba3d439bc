import Synchronization
import ServiceClient

/// Each configured repository's index as `/health`, `GET /mcp/index` and `get_indexing_status` report it: counts from
/// the database (read again only when the index generation moved), how its changes are followed, and what is pending.
package final class IndexStatus: Sendable {
    private let store: any ChunkStore
    private let repositories: [ConfiguredRepository]
    private let repositoryIDs: [String: Int64]
    private let queue: IndexJobQueue
    private let changeDetection: ChangeDetection?
    private let status: WatchStatus
    private let cached = Mutex<(generation: Int64, statistics: [Int64: RepositoryStatistics])?>(nil)

    package init(
        store: any ChunkStore,
        repositories: [ConfiguredRepository],
        repositoryIDs: [String: Int64],
        queue: IndexJobQueue,
        changeDetection: ChangeDetection?,
        status: WatchStatus
    ) {
        self.store = store
        self.repositories = repositories
        self.repositoryIDs = repositoryIDs
        self.queue = queue
        self.changeDetection = changeDetection
        self.status = status
    }

    /// Every configured repository, by name.
    package func repositoryStates() async throws -> [RepositoryIndexState] {
        let statistics = try await self.statistics()
        var states: [RepositoryIndexState] = []
        for repository in self.repositories.sorted(by: { $0.name < $1.name }) {
            let counts = self.repositoryIDs[repository.name].flatMap { statistics[$0] } ?? RepositoryStatistics()
            let entry = self.status.entry(repository.name)
            let pending =
                (self.changeDetection?.pendingChanges(repository: repository.name) ?? 0)
                + (await self.queue.pendingChanges(repository: repository.name))
            states.append(
                RepositoryIndexState(
                    name: repository.name,
                    files: counts.files,
                    chunks: counts.chunks,
                    lastIndexedAt: entry.lastIndexedAt ?? counts.lastIndexedAt,
                    watch: entry.mode,
                    watchNote: entry.note,
                    pendingChanges: pending
                )
            )
        }
        return states
    }

    private func statistics() async throws -> [Int64: RepositoryStatistics] {
        let generation = try await self.store.indexGeneration()
        if let cached = self.cached.withLock({ $0 }), cached.generation == generation { return cached.statistics }
        let statistics = try await self.store.repositoryStatistics()
        self.cached.withLock { $0 = (generation, statistics) }
        return statistics
    }
}
