#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(CDispatch)
// In optimized builds the C types of <sys/stat.h> and <time.h> can be attributed to CDispatch, whose headers
// include them first; without this import, member import visibility rejects their fields.
import CDispatch
#endif

/// A file's text as UTF-8 bytes with its line boundaries. Lines end at `\n`; a `\r\n` file is read as `\n`.
package struct SourceText: Sendable {
    /// Valid UTF-8, with `\r\n` already turned into `\n`.
    package let bytes: [UInt8]
    /// The byte offset where each line starts.
    package let lineStarts: [Int]
    /// The byte offset just past each line's last byte, excluding its `\n`.
    package let lineEnds: [Int]

    package var lineCount: Int { self.lineStarts.count }

    /// Reads raw file bytes: invalid UTF-8 is replaced (U+FFFD), `\r\n` becomes `\n`.
    package init(fileBytes: [UInt8]) {
        // ASCII is valid UTF-8 as it is; anything else is decoded, which repairs what is not UTF-8, so every later
        // slice is valid text.
        var bytes = Self.isASCII(fileBytes) ? fileBytes : Array(String(decoding: fileBytes, as: UTF8.self).utf8)
        if bytes.contains(UInt8(ascii: "\r")) { bytes = Self.normalizingLineEnds(bytes) }
        self.init(normalized: bytes)
    }

    /// `bytes` must be valid UTF-8 with `\n` line ends.
    package init(normalized bytes: [UInt8]) {
        self.bytes = bytes
        var starts: [Int] = []
        var ends: [Int] = []
        starts.reserveCapacity(bytes.count / 32 + 1)
        ends.reserveCapacity(bytes.count / 32 + 1)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start < buffer.count, let found = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start) {
                let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                starts.append(start)
                ends.append(index)
                start = index + 1
            }
            // The last line has no `\n`; an empty remainder after a final `\n` is no line.
            if start < buffer.count {
                starts.append(start)
                ends.append(buffer.count)
            }
        }
        self.lineStarts = starts
        self.lineEnds = ends
    }

    /// The bytes of lines `first...last`, joined by their `\n`s, without the last one's `\n`.
    package func byteRange(lines first: Int, _ last: Int) -> Range<Int> {
        self.lineStarts[first]..<self.lineEnds[last]
    }

    /// The text of lines `first...last`.
    package func text(lines first: Int, _ last: Int) -> String {
        let range = self.byteRange(lines: first, last)
        return self.bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// The size in bytes of lines `first...last` including the `\n`s between them.
    package func byteCount(lines first: Int, _ last: Int) -> Int {
        self.lineEnds[last] - self.lineStarts[first]
    }

    private static func isASCII(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var index = 0
            let count = raw.count
            while index + 8 <= count {
                if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                index += 8
            }
            while index < count {
                if raw[index] & 0x80 != 0 { return false }
                index += 1
            }
            return true
        }
    }

    private static func normalizingLineEnds(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") {
                index += 1
                continue
            }
            output.append(byte)
            index += 1
        }
        return output
    }
}
