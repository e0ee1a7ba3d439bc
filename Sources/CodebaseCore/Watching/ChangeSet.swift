/// What changed in one repository since it was last indexed, as the watcher or the fallback scanner saw it. Merging
/// two change sets is a union, so any number of events for one file costs one look at it.
package struct ChangeSet: Sendable, Hashable {
    /// Files to look at again, by path relative to the repository root: each is re-read (and re-chunked when its hash
    /// changed), or leaves the index when it is gone or now excluded.
    package var files: Set<String> = []
    /// Directories whose subtree is reconciled with the index, `""` for the whole repository: files on disk that are
    /// not indexed enter, indexed files no longer on disk (or now excluded) leave. `true` re-reads the indexed files
    /// too (after lost events); `false` leaves them to their own events (a `.gitignore` edit).
    package var directories: [String: Bool] = [:]

    package var isEmpty: Bool { self.files.isEmpty && self.directories.isEmpty }

    /// How many paths are waiting: what `/health` reports as `pending_changes`.
    package var count: Int { self.files.count + self.directories.count }

    package mutating func formUnion(_ other: ChangeSet) {
        self.files.formUnion(other.files)
        for (directory, reread) in other.directories {
            self.directories[directory] = (self.directories[directory] ?? false) || reread
        }
    }

    package static func file(_ path: String) -> ChangeSet { ChangeSet(files: [path]) }

    package static func directory(_ path: String, reread: Bool) -> ChangeSet { ChangeSet(directories: [path: reread]) }
}
