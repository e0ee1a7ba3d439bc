#if canImport(Glibc)
import Glibc
#endif
#if canImport(CDispatch)
// `struct stat` is seen through Dispatch's C module on Linux (as in RepositoryScanner).
import CDispatch
#endif
import Foundation
import Logging
import ServiceClient
import Synchronization
#if canImport(CDispatch)
// The C types of <sys/stat.h> can be attributed to CDispatch, whose headers include them first, depending on which
// files share a compiler job; without this import, member import visibility then rejects `RootIdentity`'s fields.
import CDispatch
#endif

/// Follows the configured repositories with inotify: a watch on every directory a scan would walk (ignored and
/// skipped folders are not watched), new directories watched as they appear, and each event turned into a change
/// set for the collector. One thread of its own reads the events, so nothing here waits on the cooperative pool.
///
/// A repository root that is deleted (or moved away) empties that repository's index, and is looked for twice a
/// second until it is back: then its tree is watched again and read whole. The same check notices a root that was
/// replaced without an event this watcher saw (another directory now at the same path). Meanwhile `/health` and
/// `GET /mcp/index` carry a note saying the root is missing.
///
/// A repository whose directories cannot all be watched (`fs.inotify.max_user_watches` used up) falls back to the
/// periodic scanner, once, with a log line and a note in `/health`.
package final class InotifyWatcher: Sendable {
    private struct Control {
        package var stopRequested = false
        package var exited = false
        package var onExit: CheckedContinuation<Void, Never>?
    }

    private let repositories: [ConfiguredRepository]
    private let scanner: RepositoryScanner
    private let collector: ChangeCollector
    private let status: WatchStatus
    /// Absolute path prefix of the database's files (`.sqlite`, `-wal`, `-shm`, `.index-lock`): writing the index must
    /// not look like a change to index when the database lives inside a repository.
    private let databasePrefix: String
    private let logger: Logger
    private let control = Mutex(Control())

    package init(
        repositories: [ConfiguredRepository],
        scanner: RepositoryScanner,
        collector: ChangeCollector,
        status: WatchStatus,
        databasePath: String,
        logger: Logger
    ) {
        self.repositories = repositories
        self.scanner = scanner
        self.collector = collector
        self.status = status
        let url = URL(fileURLWithPath: databasePath)
        let directory = RepositoryScanner.realPath(url.deletingLastPathComponent().path) ?? url.deletingLastPathComponent().path
        self.databasePrefix = directory + "/" + url.lastPathComponent
        self.logger = logger
    }

    /// Starts the reader thread and returns once every repository is watched or has fallen back to scanning.
    package func start() async {
        await withCheckedContinuation { (ready: CheckedContinuation<Void, Never>) in
            let thread = Thread { [self] in self.readEvents(ready: ready) }
            thread.name = "codebase-mcp inotify"
            thread.start()
        }
    }

    /// Waits until the task is cancelled, then stops the thread.
    package func run() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (exit: CheckedContinuation<Void, Never>) in
                let exited = self.control.withLock { control in
                    if !control.exited { control.onExit = exit }
                    return control.exited
                }
                if exited { exit.resume() }
            }
        } onCancel: {
            self.control.withLock { $0.stopRequested = true }
        }
    }

    private func readEvents(ready: CheckedContinuation<Void, Never>) {
        defer {
            let onExit = self.control.withLock { control in
                control.exited = true
                defer { control.onExit = nil }
                return control.onExit
            }
            onExit?.resume()
        }
        let table: WatchTable
        do {
            table = WatchTable(inotify: try Inotify())
        } catch {
            for repository in self.repositories { self.fallBack(repository, reason: "\(error)") }
            ready.resume()
            return
        }
        for (index, repository) in self.repositories.enumerated() {
            self.watchTree(index, directory: "", table: table)
        }
        ready.resume()
        var lastRootCheck = ContinuousClock.now
        while !self.control.withLock({ $0.stopRequested }) {
            // A bounded wait, so a stop request is seen within a quarter second.
            if table.inotify.wait(milliseconds: 250) {
                for event in table.inotify.readEvents() { self.handle(event, table: table) }
            }
            if lastRootCheck.duration(to: .now) >= Self.rootCheckInterval {
                lastRootCheck = .now
                for index in self.repositories.indices { self.checkRoot(index, table: table) }
            }
        }
    }

    /// How often each root's presence and identity are checked.
    package static let rootCheckInterval = Duration.milliseconds(500)

    /// Notices a root that went missing (marks it, empties its index) or came back or was replaced (watches it again,
    /// reads it whole).
    private func checkRoot(_ index: Int, table: WatchTable) {
        let repository = self.repositories[index]
        guard self.status.entry(repository.name).mode == .watching else { return }
        let now = RootIdentity(path: repository.root)
        if now == nil {
            if !table.missingRoots.contains(index) { self.rootGone(index, table: table) }
            return
        }
        guard table.missingRoots.contains(index) || now != table.rootIdentities[index] else { return }
        self.unwatch(index, table: table)
        table.missingRoots.remove(index)
        self.watchTree(index, directory: "", table: table)
        self.status.set(.watching, repository: repository.name)
        self.logger.info("repository root is back; following it again", metadata: ["repository": "\(repository.name)", "root": "\(repository.root)"])
        self.collector.record(.directory("", reread: true), repository: repository.name)
    }

    /// The root was deleted or moved away: its index empties, and `checkRoot` waits for it to return.
    private func rootGone(_ index: Int, table: WatchTable) {
        let repository = self.repositories[index]
        self.unwatch(index, table: table)
        table.missingRoots.insert(index)
        table.rootIdentities[index] = nil
        let note = "the repository root \(repository.root) is missing; its index is empty until the folder is back, then it is read again"
        self.status.set(.watching, note: note, repository: repository.name)
        self.logger.warning("repository root is missing", metadata: ["repository": "\(repository.name)", "root": "\(repository.root)"])
        self.collector.record(.directory("", reread: false), repository: repository.name)
    }

    private func unwatch(_ index: Int, table: WatchTable) {
        for (watch, entry) in table.watched where entry.repository == index {
            table.inotify.remove(watch: watch)
            table.watched[watch] = nil
        }
    }

    /// Watches `directory` of repository `index` and every directory below it that a scan would walk; a directory
    /// that a scan would not walk (ignored, skipped) is not watched.
    private func watchTree(_ index: Int, directory: String, table: WatchTable) {
        let repository = self.repositories[index]
        guard self.status.entry(repository.name).mode == .watching else { return }
        for path in self.scanner.scan(root: repository.root, under: directory).directories {
            do {
                let watch = try table.inotify.watch(directory: path.isEmpty ? repository.root : repository.root + "/" + path)
                table.watched[watch] = (index, path)
                if path.isEmpty { table.rootIdentities[index] = RootIdentity(path: repository.root) }
            } catch .watchLimit {
                self.fallBack(repository, reason: "\(InotifyError.watchLimit) after \(table.watched.count) directories")
                return
            } catch {
                // Gone or unreadable since the scan: its parent's events cover what happens to it.
                self.logger.debug("directory not watched", metadata: ["repository": "\(repository.name)", "error": "\(error)"])
            }
        }
    }

    private func fallBack(_ repository: ConfiguredRepository, reason: String) {
        let note = "\(reason); changes are found by scanning instead"
        self.logger.warning("watching stopped; scanning for changes instead", metadata: ["repository": "\(repository.name)", "reason": "\(reason)"])
        self.status.set(.scanning, note: note, repository: repository.name)
    }

    private func handle(_ event: InotifyEvent, table: WatchTable) {
        if event.has(IN_Q_OVERFLOW) {
            // Events were lost: look at everything again, hashes decide what changed.
            for repository in self.repositories where self.status.entry(repository.name).mode == .watching {
                self.collector.record(.directory("", reread: true), repository: repository.name)
            }
            return
        }
        guard let (index, directory) = table.watched[event.watch] else { return }
        let repository = self.repositories[index]
        if event.has(IN_IGNORED) {
            table.watched[event.watch] = nil
            return
        }
        if event.has(IN_DELETE_SELF) || event.has(IN_MOVE_SELF) {
            // The parent's event covers a subdirectory; the root itself gone takes the whole index of it along.
            if directory.isEmpty { self.rootGone(index, table: table) }
            return
        }
        guard !event.name.isEmpty else { return }
        let path = directory.isEmpty ? event.name : directory + "/" + event.name
        guard !(repository.root + "/" + path).hasPrefix(self.databasePrefix) else { return }
        if event.has(IN_ISDIR) {
            if event.has(IN_CREATE) || event.has(IN_MOVED_TO) {
                self.watchTree(index, directory: path, table: table)
                self.collector.record(.directory(path, reread: true), repository: repository.name)
            } else if event.has(IN_DELETE) || event.has(IN_MOVED_FROM) {
                // A directory moved elsewhere keeps its watches, which would report under the old path: drop them.
                for (watch, entry) in table.watched
                where entry.repository == index && (entry.directory == path || entry.directory.hasPrefix(path + "/")) {
                    table.inotify.remove(watch: watch)
                    table.watched[watch] = nil
                }
                self.collector.record(.directory(path, reread: false), repository: repository.name)
            }
        } else if event.name == ".gitignore" {
            // The rules changed: files they now exclude leave, files they stop excluding enter, and folders they stop
            // excluding are watched from now on.
            self.watchTree(index, directory: directory, table: table)
            self.collector.record(.directory(directory, reread: false), repository: repository.name)
        } else {
            self.collector.record(.file(path), repository: repository.name)
        }
    }
}

/// The watches of one inotify instance, owned by the watcher's thread.
private final class WatchTable {
    package let inotify: Inotify
    /// Watch descriptor → repository index and directory (relative to its root, `""` for the root).
    package var watched: [Int32: (repository: Int, directory: String)] = [:]
    /// The directory each watched root was when its watch was set.
    package var rootIdentities: [Int: RootIdentity] = [:]
    /// Repositories whose root is gone, waiting for it to return.
    package var missingRoots: Set<Int> = []

    package init(inotify: Inotify) {
        self.inotify = inotify
    }
}

/// Which directory a path names now: its device and inode; nil when nothing, or no directory, is there.
private struct RootIdentity: Equatable {
    package let device: UInt64
    package let inode: UInt64

    package init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
        self.device = UInt64(info.st_dev)
        self.inode = UInt64(info.st_ino)
    }
}
