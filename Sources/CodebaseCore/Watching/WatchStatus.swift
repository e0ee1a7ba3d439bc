import Foundation
import ServiceClient
import Synchronization

/// How each repository's changes are being followed now, and when its index was last brought up to date: what
/// `/health` and `GET /mcp/index` report beside the index's own counts.
package final class WatchStatus: Sendable {
    package init() {}

    /// One repository's state.
    package struct Entry: Sendable, Hashable {
        package var mode: WatchMode = .off
        /// Why the mode is not the one asked for (the watch limit, a file system without events).
        package var note: String?
        /// When the last index job over this repository finished, in this process.
        package var lastIndexedAt: Date?
    }

    private let entries = Mutex<[String: Entry]>([:])

    package func entry(_ repository: String) -> Entry {
        self.entries.withLock { $0[repository] ?? Entry() }
    }

    package func set(_ mode: WatchMode, note: String? = nil, repository: String) {
        self.entries.withLock { entries in
            entries[repository, default: Entry()].mode = mode
            entries[repository, default: Entry()].note = note
        }
    }

    package func indexed(_ repository: String, at date: Date) {
        self.entries.withLock { $0[repository, default: Entry()].lastIndexedAt = date }
    }
}
