import Foundation
import ServiceClient
import Synchronization

/// How each repository's changes are being followed now, and when its index was last brought up to date: what
/// `/health` and `GET /mcp/index` report beside the index's own counts.
final class WatchStatus: Sendable {
    /// One repository's state.
    struct Entry: Sendable, Hashable {
        var mode: WatchMode = .off
        /// Why the mode is not the one asked for (the watch limit, a file system without events).
        var note: String?
        /// When the last index job over this repository finished, in this process.
        var lastIndexedAt: Date?
    }

    private let entries = Mutex<[String: Entry]>([:])

    func entry(_ repository: String) -> Entry {
        self.entries.withLock { $0[repository] ?? Entry() }
    }

    func set(_ mode: WatchMode, note: String? = nil, repository: String) {
        self.entries.withLock { entries in
            entries[repository, default: Entry()].mode = mode
            entries[repository, default: Entry()].note = note
        }
    }

    func indexed(_ repository: String, at date: Date) {
        self.entries.withLock { $0[repository, default: Entry()].lastIndexedAt = date }
    }
}
