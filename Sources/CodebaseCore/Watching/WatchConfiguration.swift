/// How codebase-mcp follows the files of its repositories (`--no-watch`, `--scan-changes`, `--watch-debounce`,
/// `--scan-interval`).
public struct WatchConfiguration: Sendable {
    /// How changes are found.
    public enum Mode: String, Sendable {
        /// inotify, falling back to periodic scans for a repository whose directories cannot all be watched.
        case watch
        /// Periodic scans only, comparing sizes and modification times (network and FUSE file systems, which send
        /// no events).
        case scan
        /// Not at all: the index changes only at start-up and on `POST /mcp/index`.
        case off
    }

    public var mode: Mode = .watch
    /// Changes are indexed once a repository has been quiet this long: an editor's save or a formatter's run is
    /// one job, not one per event.
    public var debounce: Duration = .milliseconds(50)
    /// ...or this long after the first change, so a steady stream of events is still indexed as it goes.
    public var maxDelay: Duration = .seconds(1)
    /// Time between two fallback scans of a repository.
    public var scanInterval: Duration = .seconds(2)

    public init() {}
}
