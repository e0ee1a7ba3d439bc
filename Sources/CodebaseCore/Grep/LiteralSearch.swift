#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds a literal in bytes at memory speed: `memchr` for its rarest byte, then a comparison around it.
package enum LiteralSearch {
    /// `needle` (lowercased when case does not matter) in `text[from..<to]`. `memchr` finds the needle's rarest byte
    /// (in both cases when case does not matter) at memory speed; the bytes around it are then compared.
    package static func find(_ needle: [UInt8], in text: UnsafeBufferPointer<UInt8>, from: Int, to end: Int, caseSensitive: Bool) -> Range<Int>? {
        guard let base = text.baseAddress, !needle.isEmpty, needle.count <= end - from else { return nil }
        let rare = ByteFrequency.rarestIndex(of: needle)
        let byte = needle[rare]
        let otherCase = caseSensitive ? byte : asciiUppercased(byte)
        // A match starting at `start` has its rare byte at `start + rare`; the last possible start is `last`.
        let last = end - needle.count
        var start = from
        while start <= last {
            guard let at = Self.next(byte, otherCase, base, from: start + rare, through: last + rare) else { return nil }
            start = at - rare
            if Self.matches(needle, at: base + start, caseSensitive: caseSensitive) { return start..<(start + needle.count) }
            start += 1
        }
        return nil
    }

    /// The offset of the first `byte` or `otherCase` in `base[from...through]`.
    private static func next(_ byte: UInt8, _ otherCase: UInt8, _ base: UnsafePointer<UInt8>, from: Int, through: Int) -> Int? {
        let count = through - from + 1
        let first = memchr(base + from, Int32(byte), count).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
        guard otherCase != byte else { return first }
        // Only as far as the first hit of `byte`: the other case matters only before it.
        let otherCount = first.map { $0 - from } ?? count
        let second = memchr(base + from, Int32(otherCase), otherCount).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
        return second ?? first
    }

    private static func matches(_ needle: [UInt8], at text: UnsafePointer<UInt8>, caseSensitive: Bool) -> Bool {
        needle.withUnsafeBufferPointer { needle in
            if caseSensitive { return memcmp(text, needle.baseAddress!, needle.count) == 0 }
            for index in needle.indices where asciiLowercased(text[index]) != needle[index] { return false }
            return true
        }
    }

    package static func contains(_ text: [UInt8], _ needle: [UInt8], caseSensitive: Bool) -> Bool {
        text.withUnsafeBufferPointer { Self.find(needle, in: $0, from: 0, to: $0.count, caseSensitive: caseSensitive) != nil }
    }
}
