/// An LRU map with O(1) lookup, promotion and eviction: a dictionary of nodes linked most recent first.
/// Not thread-safe; `SingleFlightCache` guards it.
struct LRUStore<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var value: Value
        var storedAt: ContinuousClock.Instant
        var newer: Key?
        var older: Key?
    }

    private var nodes: [Key: Node] = [:]
    private var newest: Key?
    private var oldest: Key?

    var count: Int { self.nodes.count }

    /// Keys from most to least recently used.
    var keysByRecency: [Key] {
        var keys: [Key] = []
        var cursor = self.newest
        while let key = cursor {
            keys.append(key)
            cursor = self.nodes[key]?.older
        }
        return keys
    }

    /// The value and when it was stored, without promoting it.
    func peek(_ key: Key) -> (value: Value, storedAt: ContinuousClock.Instant)? {
        self.nodes[key].map { ($0.value, $0.storedAt) }
    }

    /// Marks `key` as most recently used.
    mutating func promote(_ key: Key) {
        guard self.newest != key, self.nodes[key] != nil else { return }
        self.unlink(key)
        self.linkAsNewest(key)
    }

    /// Stores `value` as most recent; returns the replaced value, if any.
    mutating func insert(_ key: Key, _ value: Value, at now: ContinuousClock.Instant) -> Value? {
        let replaced = self.remove(key)
        self.nodes[key] = Node(value: value, storedAt: now, newer: nil, older: nil)
        self.linkAsNewest(key)
        return replaced
    }

    /// Removes and returns the least recently used value.
    mutating func removeOldest() -> (key: Key, value: Value)? {
        guard let key = self.oldest, let value = self.remove(key) else { return nil }
        return (key, value)
    }

    @discardableResult
    mutating func remove(_ key: Key) -> Value? {
        guard self.nodes[key] != nil else { return nil }
        self.unlink(key)
        return self.nodes.removeValue(forKey: key)?.value
    }

    mutating func removeAll() -> [Value] {
        let values = self.nodes.values.map(\.value)
        self.nodes = [:]
        self.newest = nil
        self.oldest = nil
        return values
    }

    private mutating func unlink(_ key: Key) {
        guard let node = self.nodes[key] else { return }
        if let newer = node.newer { self.nodes[newer]?.older = node.older } else { self.newest = node.older }
        if let older = node.older { self.nodes[older]?.newer = node.newer } else { self.oldest = node.newer }
        self.nodes[key]?.newer = nil
        self.nodes[key]?.older = nil
    }

    private mutating func linkAsNewest(_ key: Key) {
        self.nodes[key]?.older = self.newest
        self.nodes[key]?.newer = nil
        if let newest = self.newest { self.nodes[newest]?.newer = key }
        self.newest = key
        if self.oldest == nil { self.oldest = key }
    }
}
