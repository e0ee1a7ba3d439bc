/// A file's byte trigrams in a one-hash Bloom filter, so that a grep skips the files that cannot hold its literal
/// without reading them. Trigrams are taken of the ASCII-lowercased text, so one filter serves both case modes (a
/// case-sensitive match is also a case-insensitive one). About 1 to 2 bits per byte of text; a file that holds the
/// literal always passes, another passes only by a collision on every one of the literal's trigrams.
package struct TrigramFilter: Sendable {
    private let words: [UInt64]

    package init(_ text: [UInt8]) {
        var bits = 64
        while bits < text.count { bits <<= 1 }
        var words = [UInt64](repeating: 0, count: bits / 64)
        let mask = UInt32(bits - 1)
        text.withUnsafeBufferPointer { text in
            words.withUnsafeMutableBufferPointer { words in
                var trigram: UInt32 = 0
                for (index, byte) in text.enumerated() {
                    trigram = (trigram << 8 | UInt32(asciiLowercased(byte))) & 0xFF_FFFF
                    guard index >= 2 else { continue }
                    let bit = Self.hash(trigram) & mask
                    words[Int(bit >> 6)] |= 1 << UInt64(bit & 63)
                }
            }
        }
        self.words = words
    }

    /// False when the text cannot contain a literal with these trigrams.
    package func mayContain(_ probe: TrigramProbe) -> Bool {
        let mask = UInt32(self.words.count * 64 - 1)
        return self.words.withUnsafeBufferPointer { words in
            for hash in probe.hashes {
                let bit = hash & mask
                if words[Int(bit >> 6)] & (1 << UInt64(bit & 63)) == 0 { return false }
            }
            return true
        }
    }

    /// Fibonacci hashing: the high bits of the product, so every filter size takes well-mixed low bits of it.
    @inline(__always) package static func hash(_ trigram: UInt32) -> UInt32 {
        UInt32(truncatingIfNeeded: (UInt64(trigram) &* 0x9E37_79B9_7F4A_7C15) >> 32)
    }
}

/// The trigram hashes of a literal that every match contains, to test against each file's `TrigramFilter`.
package struct TrigramProbe: Sendable {
    package let hashes: [UInt32]

    /// `nil` for a literal shorter than three bytes: it rules no file out.
    package init?(_ literal: [UInt8]) {
        guard literal.count >= 3 else { return nil }
        var hashes: [UInt32] = []
        var trigram: UInt32 = 0
        for (index, byte) in literal.enumerated() {
            trigram = (trigram << 8 | UInt32(asciiLowercased(byte))) & 0xFF_FFFF
            if index >= 2 { hashes.append(TrigramFilter.hash(trigram)) }
        }
        self.hashes = hashes
    }
}
