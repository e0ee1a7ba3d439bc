/// Code-aware tokens: an identifier is searchable whole (FTS5's `unicode61` tokenizer with `_` as a token character
/// indexes `py_scanstring` as one token) and by its parts, split at camelCase, snake_case and digit boundaries
/// (`ThreadingHTTPServer` → `threading http server`). The parts go to a column of their own, so the split never
/// disturbs the whole-token statistics.
package enum CodeTokens {
    /// The parts of one identifier, lowercased: `ThreadingHTTPServer` → `["threading", "http", "server"]`,
    /// `py_scanstring` → `["py", "scanstring"]`, `utf8Decode` → `["utf", "8", "decode"]`, `__init__` → `["init"]`.
    package static func parts(of identifier: some Collection<UInt8>) -> [String] {
        var result: [String] = []
        self.forEachPart(of: Array(identifier)) { part in result.append(String(decoding: part, as: UTF8.self)) }
        return result
    }

    /// The parts of the identifiers in `text`, lowercased and separated by spaces, each part once, leaving out parts
    /// that the text already holds as a whole word (the `content` column indexes those). Pure digits and
    /// identifiers without boundaries add nothing.
    ///
    /// Parts and words are compared by a 64-bit FNV-1a hash: deterministic, so the same text always gives the same
    /// column (FTS5 deletes depend on it); a collision could at worst leave out one part.
    package static func splitDocument(_ text: some StringProtocol) -> String {
        self.splitDocument(Array(text.utf8)[...])
    }

    /// `splitDocument` over UTF-8 bytes.
    package static func splitDocument(_ utf8: ArraySlice<UInt8>) -> String {
        var output: [UInt8] = []
        utf8.withUnsafeBufferPointer { buffer in
            // Every whole word of the text, lowercased: the parts not to repeat.
            var words = HashSet64(expectedCount: buffer.count / 6)
            var splittable: [Range<Int>] = []
            var index = 0
            let count = buffer.count
            while index < count {
                let first = buffer[index]
                guard isIdentifierByte(first), first != UInt8(ascii: "$") else {
                    index += 1
                    continue
                }
                let start = index
                var hasBoundary = first == UInt8(ascii: "_")
                var previous = first
                var hash = fnvStart
                while index < count {
                    let byte = buffer[index]
                    guard isIdentifierByte(byte), byte != UInt8(ascii: "$") else { break }
                    if index > start, byte == UInt8(ascii: "_") || isUpper(byte) || isDigit(byte) != isDigit(previous) {
                        hasBoundary = true
                    }
                    hash = fnvStep(hash, isUpper(byte) ? byte + 32 : byte)
                    previous = byte
                    index += 1
                }
                words.insert(hash)
                if hasBoundary { splittable.append(start..<index) }
            }
            guard !splittable.isEmpty else { return }
            var emitted = HashSet64(expectedCount: splittable.count * 2)
            output.reserveCapacity(splittable.count * 8)
            for range in splittable {
                self.forEachPartRange(of: UnsafeBufferPointer(rebasing: buffer[range])) { part in
                    var hash = fnvStart
                    for byte in part { hash = fnvStep(hash, isUpper(byte) ? byte + 32 : byte) }
                    guard !words.contains(hash), emitted.insert(hash) else { return }
                    if !output.isEmpty { output.append(UInt8(ascii: " ")) }
                    for byte in part { output.append(isUpper(byte) ? byte + 32 : byte) }
                }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Calls `body` with each part of `word` as written (not lowercased), by the rules of `forEachPart`.
    package static func forEachPartRange(of word: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if word.allSatisfy(isDigit) { return }
        var partStart = -1
        var previous: UInt8 = 0
        for index in 0..<word.count {
            let byte = word[index]
            if byte == UInt8(ascii: "_") {
                if partStart >= 0 { body(UnsafeBufferPointer(rebasing: word[partStart..<index])) }
                partStart = -1
                previous = byte
                continue
            }
            if partStart >= 0 {
                let next: UInt8 = index + 1 < word.count ? word[index + 1] : 0
                let lowerToUpper = isUpper(byte) && !isUpper(previous) && !isDigit(previous)
                let acronymEnd = isUpper(byte) && isUpper(previous) && isLower(next)
                if lowerToUpper || acronymEnd || isDigit(byte) != isDigit(previous) {
                    body(UnsafeBufferPointer(rebasing: word[partStart..<index]))
                    partStart = index
                }
            } else {
                partStart = index
            }
            previous = byte
        }
        if partStart >= 0 { body(UnsafeBufferPointer(rebasing: word[partStart..<word.count])) }
    }

    /// Calls `body` with each lowercased part of `word`, in order; a word made only of digits yields nothing.
    package static func forEachPart(of word: ArraySlice<UInt8>, _ body: ([UInt8]) -> Void) {
        let bytes = word
        if bytes.allSatisfy(isDigit) { return }
        var part: [UInt8] = []
        var index = bytes.startIndex
        // The previous byte as written: `part` holds it lowercased.
        var previous: UInt8 = 0
        func flush() {
            if !part.isEmpty { body(part) }
            part.removeAll(keepingCapacity: true)
        }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "_") {
                flush()
                previous = byte
                index += 1
                continue
            }
            if !part.isEmpty {
                let next: UInt8 = index + 1 < bytes.endIndex ? bytes[index + 1] : 0
                let lowerToUpper = isUpper(byte) && !isUpper(previous) && !isDigit(previous)
                // `HTTPServer`: the `S` starts a new part because a lowercase letter follows it.
                let acronymEnd = isUpper(byte) && isUpper(previous) && isLower(next)
                let digitEdge = isDigit(byte) != isDigit(previous)
                if lowerToUpper || acronymEnd || digitEdge { flush() }
            }
            part.append(isUpper(byte) ? byte + 32 : byte)
            previous = byte
            index += 1
        }
        flush()
    }

    package static func forEachPart(of word: [UInt8], _ body: ([UInt8]) -> Void) {
        self.forEachPart(of: word[...], body)
    }

    @inline(__always) package static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    @inline(__always) package static func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    @inline(__always) package static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

private let fnvStart: UInt64 = 0xcbf2_9ce4_8422_2325

@inline(__always) private func fnvStep(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
    (hash ^ UInt64(byte)) &* 0x100_0000_01b3
}

/// A set of 64-bit hashes with open addressing: no per-lookup hashing of its own, unlike `Set<UInt64>`.
package struct HashSet64 {
    private var slots: [UInt64]
    private var count = 0

    package init(expectedCount: Int) {
        var capacity = 16
        while capacity < expectedCount * 2 { capacity <<= 1 }
        self.slots = [UInt64](repeating: 0, count: capacity)
    }

    package func contains(_ value: UInt64) -> Bool {
        let key = value == 0 ? 1 : value
        let mask = self.slots.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let stored = self.slots[slot]
            if stored == key { return true }
            if stored == 0 { return false }
            slot = (slot + 1) & mask
        }
    }

    /// Inserts `value`; false when it was already there.
    @discardableResult
    package mutating func insert(_ value: UInt64) -> Bool {
        if (self.count + 1) * 2 > self.slots.count { self.grow() }
        let key = value == 0 ? 1 : value
        let mask = self.slots.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let stored = self.slots[slot]
            if stored == key { return false }
            if stored == 0 {
                self.slots[slot] = key
                self.count += 1
                return true
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let old = self.slots
        self.slots = [UInt64](repeating: 0, count: old.count * 2)
        self.count = 0
        for key in old where key != 0 { self.insert(key) }
    }
}
