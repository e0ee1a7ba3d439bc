#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Newline-delimited messages read from a file descriptor (standard input for MCP over stdio), in time linear in the
/// input: each byte is looked at once for its newline (the SDK's own reader searched its whole buffer again after
/// every 4 KiB read, so one 4 MB line took a minute of CPU). A line longer than `maxLineBytes` is not kept: its bytes
/// are skipped up to its newline and it is reported as `tooLong`, to be answered with an error. A last line without a
/// newline is delivered at end of input. Blocking reads run on a thread of their own, never on a thread of Swift's
/// concurrency pool or an event loop.
public enum StdioLines {
    /// One line of input.
    public enum Line: Sendable, Equatable {
        case message(Data)
        /// A line of this many bytes, over the cap, skipped.
        case tooLong(bytes: Int)
    }

    /// The same cap as a request body over HTTP.
    public static let maxLineBytes = 1 << 20

    /// The lines of `descriptor` until end of input (or a read error), read on a new thread.
    public static func read(from descriptor: Int32, maxLineBytes: Int = Self.maxLineBytes) -> AsyncStream<Line> {
        let (stream, continuation) = AsyncStream<Line>.makeStream(bufferingPolicy: .unbounded)
        let thread = Thread {
            var splitter = LineSplitter(maxLineBytes: maxLineBytes)
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                for line in splitter.feed(buffer[0..<count]) { continuation.yield(line) }
            }
            if let last = splitter.finish() { continuation.yield(last) }
            continuation.finish()
        }
        thread.name = "stdio-reader"
        thread.start()
        return stream
    }
}

/// Splits bytes into lines, keeping at most one partial line of at most the cap.
public struct LineSplitter: Sendable {
    let maxLineBytes: Int
    private var partial: [UInt8] = []
    /// Bytes of the current line skipped because it passed the cap; nil while it is kept.
    private var skipped: Int?

    public init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    /// The lines that `bytes` completes.
    public mutating func feed(_ bytes: ArraySlice<UInt8>) -> [StdioLines.Line] {
        var lines: [StdioLines.Line] = []
        var rest = bytes
        while !rest.isEmpty {
            guard let newline = rest.firstIndex(of: 0x0A) else {
                self.keep(rest)
                break
            }
            self.keep(rest[rest.startIndex..<newline])
            if let line = self.endLine() { lines.append(line) }
            rest = rest[(newline + 1)...]
        }
        return lines
    }

    /// The last line, at end of input, when it had no newline.
    public mutating func finish() -> StdioLines.Line? {
        self.endLine()
    }

    private mutating func keep(_ bytes: ArraySlice<UInt8>) {
        if let skipped = self.skipped {
            self.skipped = skipped + bytes.count
        } else if self.partial.count + bytes.count > self.maxLineBytes {
            self.skipped = self.partial.count + bytes.count
            self.partial = []
        } else {
            self.partial += bytes
        }
    }

    private mutating func endLine() -> StdioLines.Line? {
        defer {
            self.partial = []
            self.skipped = nil
        }
        if let skipped = self.skipped { return .tooLong(bytes: skipped) }
        // A line with a carriage return before its newline is the same message; blank lines are not messages.
        var line = self.partial[...]
        if line.last == 0x0D { line = line.dropLast() }
        guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return nil }
        return .message(Data(line))
    }
}
