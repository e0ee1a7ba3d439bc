import Synchronization

/// A thread-safe box for values tests collect from concurrent code.
final class TestBox<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) {
        self.storage = Mutex(value)
    }

    var value: Value { self.storage.withLock { $0 } }

    func mutate<T>(_ body: (inout Value) -> T) -> T {
        self.storage.withLock { body(&$0) }
    }
}
