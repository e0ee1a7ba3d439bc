import Foundation
import Logging
import ServiceClient

/// Settings of the indexer.
public struct IndexerConfiguration: Sendable {
    /// Files larger than this are not indexed.
    public var maxFileBytes: Int = 1024 * 1024
    /// Index files that usually hold credentials (`.env`, `*.pem`, `id_rsa`, ...; `SecretFiles`). Off by default:
    /// search serves every indexed line to whoever can reach it.
    public var indexSecrets = false
    public var chunker = ChunkerConfiguration()
    /// Text bytes per write transaction. Batches start small, so the first results are searchable at once and the
    /// writer starts early, and double up to this size: large transactions are what make SQLite fast.
    public var batchBytes: Int = 8 * 1024 * 1024
    /// Files per write transaction at most.
    public var batchFiles: Int = 4096
    /// How often a running job logs its progress.
    public var progressInterval: Duration = .seconds(2)
    /// Parallel file readers and chunkers. SQLite's writer thread is the bottleneck and needs a core of its own, so
    /// one core is left to it.
    public var workers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)

    public init() {}
}

/// The counters of an index run.
package struct IndexCounters: Sendable, Equatable {
    package var filesScanned = 0
    package var filesChanged = 0
    package var chunksAdded = 0
    package var chunksRemoved = 0
    package var bytesRead = 0
    /// Files found and not indexed, for any reason but the ignore rules: too large, binary (by name or content),
    /// unreadable, secret, a link not followed, or a name that is not UTF-8 (`ScanResult.skipped`, and the files
    /// found binary or unreadable on reading).
    package var filesSkipped = 0
    /// Time spent in write transactions.
    package var writeTime: Duration = .zero
    /// Time the writer waited for files to be read and chunked: zero when writing is the bottleneck.
    package var readWaitTime: Duration = .zero
    /// CPU time of the write transactions and of reading and chunking files: what the work costs, however busy the
    /// machine is.
    package var writeCPUTime: Duration = .zero
    package var readCPUTime: Duration = .zero

    package static func + (lhs: IndexCounters, rhs: IndexCounters) -> IndexCounters {
        IndexCounters(
            filesScanned: lhs.filesScanned + rhs.filesScanned,
            filesChanged: lhs.filesChanged + rhs.filesChanged,
            chunksAdded: lhs.chunksAdded + rhs.chunksAdded,
            chunksRemoved: lhs.chunksRemoved + rhs.chunksRemoved,
            bytesRead: lhs.bytesRead + rhs.bytesRead,
            filesSkipped: lhs.filesSkipped + rhs.filesSkipped,
            writeTime: lhs.writeTime + rhs.writeTime,
            readWaitTime: lhs.readWaitTime + rhs.readWaitTime,
            writeCPUTime: lhs.writeCPUTime + rhs.writeCPUTime,
            readCPUTime: lhs.readCPUTime + rhs.readCPUTime
        )
    }
}

/// Brings one repository's index up to date with its files: scan, then read, hash and chunk files in parallel while
/// the previous batch is written, then drop what is gone. Only files whose content hash changed are re-chunked
/// (all of them with `force`), and only chunks whose id changed are written.
package struct RepositoryIndexer: Sendable {
    package let store: any ChunkStore
    package let configuration: IndexerConfiguration
    package let logger: Logger

    package init(store: any ChunkStore, configuration: IndexerConfiguration, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    package var scanner: RepositoryScanner {
        RepositoryScanner(maxFileBytes: self.configuration.maxFileBytes, indexSecrets: self.configuration.indexSecrets)
    }

    /// A whole pass over the repository: every file on disk is looked at, and every indexed file not found leaves.
    package func index(
        _ repository: ConfiguredRepository,
        repositoryID: Int64,
        force: Bool,
        progress: @escaping @Sendable (IndexCounters) async -> Void
    ) async throws -> IndexCounters {
        let started = ContinuousClock.now
        let scan = try self.scanner.scan(root: repository.root)
        let stored = try await self.store.fileHashes(repositoryID: repositoryID)
        self.logger.info(
            "indexing started",
            metadata: [
                "repository": "\(repository.name)", "files": "\(scan.files.count)", "ignored": "\(scan.ignored)",
                "too_large": "\(scan.tooLarge)", "binary_by_name": "\(scan.binaryByName)", "links_skipped": "\(scan.linksSkipped)",
                "secrets_skipped": "\(scan.secrets)", "unreadable": "\(scan.unreadable)", "names_not_utf8": "\(scan.notUTF8)",
                "force": "\(force)",
            ]
        )
        self.logNamesNotUTF8(repository, scan)
        var counters = IndexCounters()
        counters.filesSkipped = scan.skipped
        let indexedPaths = try await self.write(
            scan.files,
            stored: stored,
            force: force,
            repository: repository,
            repositoryID: repositoryID,
            counters: &counters,
            progress: progress
        )
        // Files gone from disk, now ignored, too large or binary leave the index.
        let gone = stored.keys.filter { !indexedPaths.contains($0) }.sorted()
        try await self.remove(gone, repositoryID: repositoryID, counters: &counters, progress: progress)
        self.logSummary(repository, counters, since: started)
        return counters
    }

    /// Reads, chunks and writes `files` in batches (the next batch is read while one is written); answers the paths
    /// that are indexed afterwards.
    package func write(
        _ files: [ScannedFile],
        stored: [String: [UInt8]],
        force: Bool,
        repository: ConfiguredRepository,
        repositoryID: Int64,
        counters: inout IndexCounters,
        progress: @escaping @Sendable (IndexCounters) async -> Void
    ) async throws -> Set<String> {
        let started = ContinuousClock.now
        let preparer = FilePreparer(
            repository: repository.name,
            chunker: Chunker(configuration: self.configuration.chunker),
            maxFileBytes: self.configuration.maxFileBytes
        )
        var indexedPaths = Set<String>()
        var lastReport = started
        let batches = self.batches(files)
        var prepared =
            batches.isEmpty ? nil : await self.prepare(batches[0], preparer: preparer, stored: stored, force: force, repositoryID: repositoryID)
        var position = 0
        while let current = prepared {
            try Task.checkCancellation()
            position += 1
            // Read and chunk the next batch while this one is written.
            async let upcoming =
                position < batches.count
                ? self.prepare(batches[position], preparer: preparer, stored: stored, force: force, repositoryID: repositoryID) : nil
            let writeStarted = ContinuousClock.now
            let outcome = try await self.store.apply(current.batch)
            counters.writeTime += writeStarted.duration(to: .now)
            counters.writeCPUTime += outcome.cpuTime
            counters.filesScanned += current.files
            counters.filesChanged += current.batch.changed.count + current.batch.removedPaths.count
            counters.chunksAdded += outcome.chunksAdded
            counters.chunksRemoved += outcome.chunksRemoved
            counters.bytesRead += current.bytes
            counters.filesSkipped += current.skipped
            counters.readCPUTime += current.cpuTime
            indexedPaths.formUnion(current.indexedPaths)
            await progress(counters)
            let now = ContinuousClock.now
            if lastReport.duration(to: now) >= self.configuration.progressInterval {
                lastReport = now
                self.logProgress(repository, counters, total: files.count, since: started)
            }
            let waitStarted = ContinuousClock.now
            prepared = await upcoming
            counters.readWaitTime += waitStarted.duration(to: .now)
        }
        return indexedPaths
    }

    /// Removes `paths` from the index in one transaction.
    package func remove(
        _ paths: [String],
        repositoryID: Int64,
        counters: inout IndexCounters,
        progress: @escaping @Sendable (IndexCounters) async -> Void
    ) async throws {
        guard !paths.isEmpty else { return }
        try Task.checkCancellation()
        let outcome = try await self.store.apply(IndexBatch(repositoryID: repositoryID, removedPaths: paths))
        counters.filesChanged += paths.count
        counters.chunksRemoved += outcome.chunksRemoved
        await progress(counters)
    }

    /// Cuts the file list into batches of growing size: 256 KiB of text, then twice as much each time, up to
    /// `batchBytes` (and `batchFiles`).
    package func batches(_ files: [ScannedFile]) -> [[ScannedFile]] {
        var batches: [[ScannedFile]] = []
        var current: [ScannedFile] = []
        var bytes = 0
        var target = min(256 * 1024, self.configuration.batchBytes)
        for file in files {
            current.append(file)
            bytes += file.size
            if bytes >= target || current.count >= self.configuration.batchFiles {
                batches.append(current)
                current = []
                bytes = 0
                target = min(target * 2, self.configuration.batchBytes)
            }
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    private struct PreparedBatch: Sendable {
        package var batch: IndexBatch
        package var files = 0
        package var bytes = 0
        package var skipped = 0
        package var indexedPaths: [String] = []
        package var cpuTime: Duration = .zero
    }

    /// Reads, hashes and chunks `files` on the worker tasks. Paths that turned binary or unreadable are removed.
    private func prepare(
        _ files: [ScannedFile],
        preparer: FilePreparer,
        stored: [String: [UInt8]],
        force: Bool,
        repositoryID: Int64
    ) async -> PreparedBatch {
        let workers = max(1, min(self.configuration.workers, files.count))
        let (outcomes, cpuTime) = await withTaskGroup(of: ([FileOutcome], Duration).self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var outcomes: [FileOutcome] = []
                    var cpuTime: Duration = .zero
                    for index in stride(from: worker, to: files.count, by: workers) {
                        let file = files[index]
                        let cpuStarted = threadCPUTime()
                        outcomes.append(preparer.prepare(file, storedHash: stored[file.path], force: force))
                        cpuTime += threadCPUTime() - cpuStarted
                        // Indexing shares the cooperative pool with request handlers: let them in between files.
                        await Task.yield()
                    }
                    return (outcomes, cpuTime)
                }
            }
            var all: [FileOutcome] = []
            var cpuTime: Duration = .zero
            for await (outcomes, time) in group {
                all.append(contentsOf: outcomes)
                cpuTime += time
            }
            return (all, cpuTime)
        }
        var result = PreparedBatch(batch: IndexBatch(repositoryID: repositoryID))
        result.files = files.count
        result.cpuTime = cpuTime
        for outcome in outcomes {
            switch outcome {
            case .changed(let file):
                result.batch.changed.append(file)
                result.bytes += file.size
                result.indexedPaths.append(file.path)
            case .unchanged(let path):
                result.indexedPaths.append(path)
            case .skipped(let path, _):
                result.skipped += 1
                if stored[path] != nil { result.batch.removedPaths.append(path) }
            }
        }
        return result
    }

    /// One line naming (escaped) the entries passed over because their name is not UTF-8: no path can name them.
    package func logNamesNotUTF8(_ repository: ConfiguredRepository, _ scan: ScanResult) {
        guard scan.notUTF8 > 0 else { return }
        self.logger.info(
            "names not UTF-8 skipped",
            metadata: [
                "repository": "\(repository.name)", "count": "\(scan.notUTF8)",
                "names": "\(scan.notUTF8Names.joined(separator: " "))\(scan.notUTF8 > scan.notUTF8Names.count ? " ..." : "")",
            ]
        )
    }

    private func logProgress(_ repository: ConfiguredRepository, _ counters: IndexCounters, total: Int, since started: ContinuousClock.Instant) {
        let seconds = max(started.duration(to: .now).inSeconds, 0.001)
        self.logger.info(
            "indexing progress",
            metadata: [
                "repository": "\(repository.name)", "files_done": "\(counters.filesScanned)", "files_total": "\(total)",
                "files_per_second": "\(Int((Double(counters.filesScanned) / seconds).rounded()))",
            ]
        )
    }

    private func logSummary(_ repository: ConfiguredRepository, _ counters: IndexCounters, since started: ContinuousClock.Instant) {
        let seconds = max(started.duration(to: .now).inSeconds, 0.001)
        let megabytes = Double(counters.bytesRead) / 1_000_000
        self.logger.info(
            "indexing finished",
            metadata: [
                "repository": "\(repository.name)", "files_scanned": "\(counters.filesScanned)", "files_changed": "\(counters.filesChanged)",
                "files_skipped": "\(counters.filesSkipped)", "chunks_added": "\(counters.chunksAdded)",
                "chunks_removed": "\(counters.chunksRemoved)", "seconds": "\(String(format: "%.2f", seconds))",
                "files_per_second": "\(Int((Double(counters.filesScanned) / seconds).rounded()))",
                "megabytes_per_second": "\(String(format: "%.1f", megabytes / seconds))",
                "seconds_writing": "\(String(format: "%.2f", counters.writeTime.inSeconds))",
                "seconds_waiting_for_reads": "\(String(format: "%.2f", counters.readWaitTime.inSeconds))",
                "cpu_seconds_writing": "\(String(format: "%.2f", counters.writeCPUTime.inSeconds))",
                "cpu_seconds_reading": "\(String(format: "%.2f", counters.readCPUTime.inSeconds))",
            ]
        )
    }
}
