import Synchronization

/// A counter bumped after every committed index change. Cached search answers are keyed by it, so a cached answer
/// is never older than the index: the first search after a change misses the cache.
final class IndexGeneration: Sendable {
    private let value = Mutex<UInt64>(0)

    var current: UInt64 { self.value.withLock { $0 } }

    /// Called after a transaction that changed chunks has committed.
    func advance() {
        self.value.withLock { $0 += 1 }
    }
}
