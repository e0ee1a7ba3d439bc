import Foundation
import ServiceClient

/// What one index job covers.
package struct IndexScope: Sendable, Hashable {
    /// Repository names, sorted.
    package let repositories: [String]
    package let force: Bool
    /// Set for a job the watcher queued: only these paths of the one repository are looked at. `nil` for a whole pass.
    package var changes: ChangeSet?

    package init(repositories: [String], force: Bool, changes: ChangeSet? = nil) {
        self.repositories = repositories
        self.force = force
        self.changes = changes
    }
}

/// The index jobs: at most one runs at a time, the others wait in order. A request joins a job that has not started
/// yet and covers the same scope, because that job will read the files after the request arrived. It never joins a
/// running job, which may have read some files before: it queues behind it. So a job's completion always reflects
/// the files as they were when every request it answers arrived.
package actor IndexJobQueue {
    private struct Record {
        package var job: IndexJob
        package var scope: IndexScope
        package var waiters: [CheckedContinuation<IndexJob, Never>] = []
        package var startedAt: ContinuousClock.Instant?
    }

    private var records: [String: Record] = [:]
    private var pending: [String] = []
    private var running: String?
    /// Finished job ids, oldest first, for retention.
    private var finished: [String] = []
    private let retention: Int
    private let wakeUp: AsyncStream<Void>.Continuation
    /// Yields whenever a job is queued; the worker drains the queue on each.
    package nonisolated let signals: AsyncStream<Void>

    package init(retention: Int = 500) {
        self.retention = retention
        (self.signals, self.wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues a job for `scope`, or joins a queued one with the same scope.
    package func submit(_ scope: IndexScope) -> IndexJob {
        if let joined = self.pending.first(where: { self.records[$0]?.scope == scope }), let record = self.records[joined] {
            return record.job
        }
        let id = Self.newJobID()
        let job = IndexJob(jobID: id, status: .pending, repository: scope.repositories.count == 1 ? scope.repositories[0] : nil)
        self.records[id] = Record(job: job, scope: scope)
        self.pending.append(id)
        self.wakeUp.yield()
        return job
    }

    /// Queues the changes the watcher saw in `repository`. They join a queued job of the same repository that has not
    /// started (a whole pass reads every file after now; a change job takes the union), so a burst of events becomes a
    /// few jobs, not thousands.
    package func submitChanges(_ changes: ChangeSet, repository: String) {
        guard !changes.isEmpty else { return }
        for id in self.pending {
            guard let scope = self.records[id]?.scope, scope.repositories.contains(repository) else { continue }
            if scope.changes == nil { return }
            if scope.repositories == [repository] {
                self.records[id]?.scope.changes?.formUnion(changes)
                return
            }
        }
        let id = Self.newJobID()
        self.records[id] = Record(
            job: IndexJob(jobID: id, status: .pending, repository: repository),
            scope: IndexScope(repositories: [repository], force: false, changes: changes)
        )
        self.pending.append(id)
        self.wakeUp.yield()
    }

    /// Paths of `repository` that queued or running jobs will look at again: whole passes count as one.
    package func pendingChanges(repository: String) -> Int {
        var count = 0
        for id in self.pending + (self.running.map { [$0] } ?? []) {
            guard let scope = self.records[id]?.scope, scope.repositories.contains(repository) else { continue }
            count += scope.changes?.count ?? 1
        }
        return count
    }

    private static func newJobID() -> String {
        "job_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    /// The job as it stands, with the time it has run so far.
    package func job(_ id: String) -> IndexJob? {
        guard let record = self.records[id] else { return nil }
        var job = record.job
        if job.status == .running, let startedAt = record.startedAt {
            job.durationMS = startedAt.duration(to: .now).inMilliseconds.rounded()
        }
        return job
    }

    /// Suspends until the job has completed or failed.
    package func waitForCompletion(_ id: String) async -> IndexJob? {
        guard let record = self.records[id] else { return nil }
        if record.job.status == .completed || record.job.status == .failed { return record.job }
        return await withCheckedContinuation { continuation in
            self.records[id]?.waiters.append(continuation)
        }
    }

    /// Marks the next queued job running and hands it to the worker.
    package func startNext() -> (id: String, scope: IndexScope)? {
        guard self.running == nil, !self.pending.isEmpty else { return nil }
        let id = self.pending.removeFirst()
        guard var record = self.records[id] else { return nil }
        record.job.status = .running
        record.startedAt = .now
        self.records[id] = record
        self.running = id
        return (id, record.scope)
    }

    /// Records the running job's counters.
    package func update(_ id: String, counters: IndexCounters) {
        guard var record = self.records[id] else { return }
        record.job.filesScanned = counters.filesScanned
        record.job.filesChanged = counters.filesChanged
        record.job.filesSkipped = counters.filesSkipped
        record.job.chunksAdded = counters.chunksAdded
        record.job.chunksRemoved = counters.chunksRemoved
        self.records[id] = record
    }

    /// Ends the running job and wakes whoever waits on it.
    package func finish(_ id: String, counters: IndexCounters, error: String?) {
        self.update(id, counters: counters)
        guard var record = self.records[id] else { return }
        record.job.status = error == nil ? .completed : .failed
        record.job.errorMessage = error
        record.job.durationMS = (record.startedAt?.duration(to: .now).inMilliseconds ?? 0).rounded()
        let waiters = record.waiters
        record.waiters = []
        self.records[id] = record
        if self.running == id { self.running = nil }
        self.retire(id)
        for waiter in waiters { waiter.resume(returning: record.job) }
    }

    /// Fails every queued job, when the worker stops for good.
    package func failPending(reason: String) {
        for id in self.pending {
            self.finish(id, counters: IndexCounters(), error: reason)
        }
        self.pending.removeAll()
    }

    private func retire(_ id: String) {
        self.finished.append(id)
        while self.finished.count > self.retention {
            self.records.removeValue(forKey: self.finished.removeFirst())
        }
    }
}
