import Logging
import ServiceClient

/// Follows the files of every configured repository so the index keeps up without an index call: the inotify watcher
/// (or the fallback scanner) notes what changed, and the collector turns it into index jobs once the repository has
/// been quiet for a moment.
package struct ChangeDetection: Sendable {
    package let collector: ChangeCollector
    package let watcher: InotifyWatcher?
    package let scanner: ChangeScanner

    package init(
        configuration: WatchConfiguration,
        repositories: [ConfiguredRepository],
        scanner: RepositoryScanner,
        queue: IndexJobQueue,
        status: WatchStatus,
        databasePath: String,
        logger: Logger
    ) {
        self.collector = ChangeCollector(queue: queue, configuration: configuration)
        for repository in repositories {
            status.set(configuration.mode == .watch ? .watching : .scanning, repository: repository.name)
        }
        self.watcher =
            configuration.mode == .watch
            ? InotifyWatcher(
                repositories: repositories,
                scanner: scanner,
                collector: self.collector,
                status: status,
                databasePath: databasePath,
                logger: logger
            ) : nil
        self.scanner = ChangeScanner(
            repositories: repositories,
            scanner: scanner,
            collector: self.collector,
            status: status,
            interval: configuration.scanInterval
        )
    }

    /// Sets up the watches and takes the first snapshots. Called before the start-up index job reads any file, so a
    /// change made while it runs is still seen.
    package func start() async {
        await self.watcher?.start()
        self.scanner.scanOnce()
    }

    /// Runs until the task is cancelled.
    package func run() async {
        await withDiscardingTaskGroup { group in
            if let watcher = self.watcher { group.addTask { await watcher.run() } }
            group.addTask { await self.scanner.run() }
            group.addTask { await self.collector.run() }
        }
    }

    /// Paths noted and not yet handed to the job queue.
    package func pendingChanges(repository: String) -> Int {
        self.collector.pendingChanges(repository: repository)
    }
}
