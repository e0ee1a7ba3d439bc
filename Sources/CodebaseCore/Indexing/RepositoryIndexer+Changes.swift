import Logging
import ServiceClient

extension RepositoryIndexer {
    /// Brings the index up to date with `changes` alone: only the files named, and the subtrees of the directories
    /// named, are looked at, with the same rules as a whole pass (ignore files, secret files, size and binary checks).
    /// A file whose hash did not change costs a read and nothing else.
    package func index(
        _ changes: ChangeSet,
        in repository: ConfiguredRepository,
        repositoryID: Int64,
        progress: @escaping @Sendable (IndexCounters) async -> Void
    ) async throws -> IndexCounters {
        let started = ContinuousClock.now
        let scanner = self.scanner
        var candidates: [String: ScannedFile] = [:]
        var stored: [String: [UInt8]] = [:]
        var gone = Set<String>()
        // What was passed over, counted once where one changed folder lies inside another or holds a changed file.
        var skipped = 0
        let changedDirectories = Array(changes.directories.keys)
        for (directory, reread) in changes.directories.sorted(by: { $0.key < $1.key }) {
            let indexed = try await self.store.fileHashes(repositoryID: repositoryID, under: directory)
            let scan = scanner.scan(root: repository.root, under: directory)
            if !Self.isInside(directory, changedDirectories.filter { $0 != directory }) {
                skipped += scan.skipped
                self.logNamesNotUTF8(repository, scan)
            }
            var onDisk = Set<String>()
            for file in scan.files {
                onDisk.insert(file.path)
                if reread || indexed[file.path] == nil { candidates[file.path] = file }
            }
            for (path, hash) in indexed {
                stored[path] = hash
                if !onDisk.contains(path) { gone.insert(path) }
            }
        }
        let unknown = changes.files.filter { stored[$0] == nil }
        for (path, hash) in try await self.store.fileHashes(repositoryID: repositoryID, paths: unknown.sorted()) {
            stored[path] = hash
        }
        for path in changes.files {
            let entry = scanner.entry(root: repository.root, path: path)
            if let file = entry.files.first {
                candidates[path] = file
                gone.remove(path)
            } else {
                if !Self.isInside(path, changedDirectories) { skipped += entry.skipped }
                if stored[path] != nil { gone.insert(path) }
            }
        }

        var counters = IndexCounters()
        counters.filesSkipped = skipped
        _ = try await self.write(
            candidates.values.sorted { $0.path < $1.path },
            stored: stored,
            force: false,
            repository: repository,
            repositoryID: repositoryID,
            counters: &counters,
            progress: progress
        )
        try await self.remove(gone.sorted(), repositoryID: repositoryID, counters: &counters, progress: progress)
        self.logger.debug(
            "changes indexed",
            metadata: [
                "repository": "\(repository.name)", "paths": "\(changes.count)", "files_read": "\(candidates.count)",
                "files_changed": "\(counters.filesChanged)", "chunks_added": "\(counters.chunksAdded)",
                "chunks_removed": "\(counters.chunksRemoved)", "milliseconds": "\(Int(started.duration(to: .now).inMilliseconds))",
            ]
        )
        return counters
    }

    /// Whether `path` lies inside one of `directories` (`""` is the whole repository).
    package static func isInside(_ path: String, _ directories: [String]) -> Bool {
        directories.contains { $0.isEmpty || path.hasPrefix($0 + "/") }
    }
}
