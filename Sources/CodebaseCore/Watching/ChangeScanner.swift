import ServiceClient
import Synchronization

/// The fallback for repositories that cannot be watched: every scan interval, each repository in `scanning` mode is
/// walked with the same rules as an index pass, and only the files whose size or modification time changed (or that
/// appeared or went) are handed on; the indexer then reads those and keeps the ones whose hash changed. A walk costs
/// a `stat` per file, no reads.
package final class ChangeScanner: Sendable {
    private struct Stamp: Hashable {
        package let size: Int
        package let modified: Int64
    }

    private let repositories: [ConfiguredRepository]
    private let scanner: RepositoryScanner
    private let collector: ChangeCollector
    private let status: WatchStatus
    private let interval: Duration
    /// The last scan of each repository: path → size and modification time.
    private let snapshots = Mutex<[String: [String: Stamp]]>([:])

    package init(repositories: [ConfiguredRepository], scanner: RepositoryScanner, collector: ChangeCollector, status: WatchStatus, interval: Duration) {
        self.repositories = repositories
        self.scanner = scanner
        self.collector = collector
        self.status = status
        self.interval = interval
    }

    /// Scans until the task is cancelled.
    package func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: self.interval)
            self.scanOnce()
        }
    }

    /// Scans every repository in `scanning` mode once; the first scan of a repository only takes its snapshot.
    package func scanOnce() {
        for repository in self.repositories where self.status.entry(repository.name).mode == .scanning {
            var current: [String: Stamp] = [:]
            for file in self.scanner.scan(root: repository.root, under: "").files {
                current[file.path] = Stamp(size: file.size, modified: file.modified)
            }
            let previous = self.snapshots.withLock { snapshots in
                defer { snapshots[repository.name] = current }
                return snapshots[repository.name]
            }
            guard let previous else { continue }
            var changes = ChangeSet()
            for (path, stamp) in current where previous[path] != stamp { changes.files.insert(path) }
            for path in previous.keys where current[path] == nil { changes.files.insert(path) }
            self.collector.record(changes, repository: repository.name)
        }
    }
}
