import Synchronization

/// A thread-safe box for values scenarios collect from concurrent tasks.
final class Box<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) { self.storage = Mutex(value) }

    var value: Value { self.storage.withLock { $0 } }

    @discardableResult
    func mutate<T>(_ body: (inout Value) -> T) -> T { self.storage.withLock { body(&$0) } }
}
