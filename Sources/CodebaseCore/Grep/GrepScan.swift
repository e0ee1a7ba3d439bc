#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ServiceClient

/// Runs a grep over the corpus: files in repository and path order, lines in order, one result per matching line
/// (its first match gives the column). Counting goes on past `limit` up to `countCap` lines. The deadline is checked
/// between chunks, and between lines in a chunk longer than `regexLineBytes`; a regex sees at most the first
/// `regexLineBytes` of any line, so no single call of the matcher (which cannot be interrupted, and costs up to the
/// square of what it sees for `a.*b`) runs long: no pattern holds a worker much past the deadline.
package struct GrepScan {
    /// Matching lines counted at most; beyond, `truncated` is set and `total_count` is a lower bound.
    package static let countCap = 100_000
    /// Bytes of a line returned at most.
    package static let lineBytes = 500
    /// Bytes of a line a regex is matched against at most (a minified file's one line of a megabyte is matched on
    /// its first 4 KiB); literals see whole lines. The answer says how many lines were cut (docs/codebase.md).
    package static let regexLineBytes = 4096

    package let pattern: GrepPattern
    package let filter: SearchFilter
    package let limit: Int
    package let deadline: ContinuousClock.Instant

    package struct Outcome {
        package var matches: [GrepMatch] = []
        package var totalCount = 0
        package var truncated = false
        /// The deadline passed before the scan ended.
        package var timedOut = false
        /// Lines longer than `regexLineBytes` that a regex saw only the start of.
        package var cutLines = 0
    }

    /// Scans `files` on `workers` threads, each over a contiguous run of files of about the same size, and joins their
    /// results in order. Matches after a part that stopped at the deadline are dropped, so the answer is always a
    /// prefix of the full result in file and line order. The threads are the scan's own: a scan never occupies the
    /// threads of Swift's concurrency pool, which answer `/health` and every other request meanwhile.
    package func run(_ files: [GrepCorpus.File], workers: Int) async -> Outcome {
        let parts = Self.split(files, into: max(1, workers))
        let outcomes = await withTaskGroup(of: (Int, Outcome).self) { group in
            for (index, part) in parts.enumerated() {
                let scan = parts.count == 1 ? self : GrepScan(pattern: self.pattern.forAnotherThread(), filter: self.filter, limit: self.limit, deadline: self.deadline)
                group.addTask { (index, await onOwnThread { scan.run(part) }) }
            }
            var outcomes: [Outcome] = Array(repeating: Outcome(), count: parts.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
        var joined = Outcome()
        for outcome in outcomes {
            joined.matches += outcome.matches.prefix(self.limit - joined.matches.count)
            joined.totalCount += outcome.totalCount
            joined.truncated = joined.truncated || outcome.truncated
            joined.cutLines += outcome.cutLines
            if outcome.timedOut {
                joined.timedOut = true
                break
            }
        }
        // Each part counts up to the cap on its own: the sum is cut back to it, as one part would have stopped there.
        if joined.totalCount >= Self.countCap {
            joined.totalCount = Self.countCap
            joined.truncated = true
        }
        return joined
    }

    /// Contiguous runs of files holding about the same number of bytes each.
    package static func split(_ files: [GrepCorpus.File], into count: Int) -> [ArraySlice<GrepCorpus.File>] {
        let total = files.reduce(0) { $0 + $1.text.count }
        guard count > 1, total > 1 << 20 else { return [files[...]] }
        var parts: [ArraySlice<GrepCorpus.File>] = []
        var start = 0
        var bytes = 0
        for (index, file) in files.enumerated() {
            bytes += file.text.count
            if bytes >= total * (parts.count + 1) / count, parts.count < count - 1 {
                parts.append(files[start...index])
                start = index + 1
            }
        }
        if start < files.count { parts.append(files[start...]) }
        return parts
    }

    package func run(_ files: some Collection<GrepCorpus.File>) -> Outcome {
        var outcome = Outcome()
        // The literal every match holds: files whose trigrams rule it out are not read.
        let probe: TrigramProbe? =
            switch self.pattern.matcher {
            case .literal(let needle): TrigramProbe(needle)
            case .regex: self.pattern.required.count == 1 ? TrigramProbe(self.pattern.required[0]) : nil
            }
        // For an alternation, a probe per branch: a file that may hold any of them is read.
        let branchProbes = self.pattern.required.count > 1 ? self.pattern.required.map(TrigramProbe.init) : []
        for file in files where self.accepts(file.digest) {
            if let probe, !file.trigrams.mayContain(probe) { continue }
            if !branchProbes.isEmpty, !branchProbes.contains(where: { $0.map(file.trigrams.mayContain) ?? true }) { continue }
            if !self.pattern.required.isEmpty,
                !self.pattern.required.contains(where: { Self.contains(file.text, $0, caseSensitive: self.pattern.caseSensitive) })
            {
                continue
            }
            file.text.withUnsafeBufferPointer { buffer in
                self.scan(file, buffer, into: &outcome)
            }
            if outcome.timedOut || outcome.totalCount >= Self.countCap {
                outcome.truncated = true
                break
            }
        }
        return outcome
    }

    private func accepts(_ file: StoredFileDigest) -> Bool {
        if let repository = self.filter.repository, file.repository != repository { return false }
        if let directory = self.filter.directory, !file.path.hasPrefix(directory) { return false }
        if let fileType = self.filter.fileType, file.fileExtension != fileType, file.language != fileType { return false }
        return true
    }

    private func scan(_ file: GrepCorpus.File, _ text: UnsafeBufferPointer<UInt8>, into outcome: inout Outcome) {
        for chunk in file.chunkOffsets.indices {
            if ContinuousClock.now >= self.deadline {
                outcome.timedOut = true
                return
            }
            let start = file.chunkOffsets[chunk]
            let end = chunk + 1 < file.chunkOffsets.count ? file.chunkOffsets[chunk + 1] : text.count
            if case .regex = self.pattern.matcher, end - start > Self.regexLineBytes {
                outcome.cutLines += self.longLines(text, from: start, to: end)
            }
            defer { if ContinuousClock.now >= self.deadline { outcome.timedOut = true } }
            var line = file.chunkLines[chunk]
            var nextHits = [Int](repeating: -1, count: self.pattern.required.count)
            var counted = start
            var position = start
            while position < end {
                let found: Range<Int>
                let lineStart: Int
                let lineEnd: Int
                if case .regex = self.pattern.matcher, !self.pattern.required.isEmpty || self.pattern.classes != nil {
                    // Only lines holding a literal every match contains (one of them, for an alternation), or else the
                    // byte classes every match holds in a row, are given to the regex matcher.
                    let candidate =
                        self.pattern.required.isEmpty
                        ? self.pattern.classes?.find(in: text, from: position, to: end).map { $0..<($0 + 1) }
                        : self.findRequired(in: text, from: position, to: end, nextHits: &nextHits)
                    guard let hit = candidate else { break }
                    lineStart = self.lineStart(text, before: hit.lowerBound, floor: start)
                    lineEnd = self.lineEnd(text, from: hit.lowerBound, to: end)
                    guard let match = self.find(text, from: lineStart, to: lineEnd, lineStart: lineStart) else {
                        position = lineEnd + 1
                        continue
                    }
                    found = match
                } else {
                    guard let match = self.find(text, from: position, to: end, lineStart: position) else { break }
                    found = match
                    lineStart = self.lineStart(text, before: found.lowerBound, floor: start)
                    lineEnd = self.lineEnd(text, from: found.lowerBound, to: end)
                }
                line += Self.newlines(text, from: counted, to: lineStart)
                counted = lineStart
                outcome.totalCount += 1
                if outcome.matches.count < self.limit {
                    let bytes = UnsafeBufferPointer(rebasing: text[lineStart..<min(lineEnd, lineStart + Self.lineBytes)])
                    outcome.matches.append(
                        GrepMatch(
                            filePath: file.digest.path,
                            repository: file.digest.repository,
                            line: line,
                            column: found.lowerBound - lineStart + 1,
                            text: String(decoding: bytes, as: UTF8.self),
                            chunkID: file.chunkIDs[chunk].string
                        )
                    )
                }
                if outcome.totalCount >= Self.countCap { return }
                position = lineEnd + 1
            }
        }
    }

    /// The earliest hit at or after `from` of a literal of `pattern.required`. `nextHits` holds each literal's next hit
    /// in the chunk (-1: not looked for yet; `Int.max`: none before `end`), so that no literal's text is searched twice.
    private func findRequired(in text: UnsafeBufferPointer<UInt8>, from: Int, to end: Int, nextHits: inout [Int]) -> Range<Int>? {
        var best: Range<Int>?
        for (index, literal) in self.pattern.required.enumerated() {
            if nextHits[index] != Int.max, nextHits[index] < from {
                nextHits[index] = Self.find(literal, in: text, from: from, to: end, caseSensitive: self.pattern.caseSensitive)?.lowerBound ?? Int.max
            }
            let at = nextHits[index]
            if at != Int.max, best.map({ at < $0.lowerBound }) ?? true { best = at..<(at + literal.count) }
        }
        return best
    }

    /// The first match in `text[from..<to]` that passes the whole-word test.
    private func find(_ text: UnsafeBufferPointer<UInt8>, from: Int, to end: Int, lineStart: Int) -> Range<Int>? {
        var position = from
        while position < end {
            let found: Range<Int>?
            switch self.pattern.matcher {
            case .literal(let needle):
                found = Self.find(needle, in: text, from: position, to: end, caseSensitive: self.pattern.caseSensitive)
            case .regex(let regex):
                found = self.regexMatch(regex, text, from: position, to: end, atLineStart: position == lineStart || text[position - 1] == 0x0A)
            }
            guard let found else { return nil }
            guard self.pattern.wholeWord else { return found }
            let before = found.lowerBound > 0 ? text[found.lowerBound - 1] : 0x20
            let after = found.upperBound < text.count ? text[found.upperBound] : 0x20
            if !found.isEmpty, !isIdentifierByte(before), !isIdentifierByte(after) { return found }
            position = found.lowerBound + 1
        }
        return nil
    }

    /// The first regex match in `text[from..<to]`. Text that may hold a line longer than `regexLineBytes` is matched line by
    /// line, each line on its first `regexLineBytes` only, with the deadline checked between lines (nil once it passed:
    /// the scan then reports the time out).
    private func regexMatch(_ regex: PosixRegex, _ text: UnsafeBufferPointer<UInt8>, from: Int, to end: Int, atLineStart: Bool) -> Range<Int>? {
        guard end - from > Self.regexLineBytes else {
            return Self.firstMatchInOneLine(regex, text, from: from, to: end, atLineStart: atLineStart)
        }
        var lineStart = from
        var startsLine = atLineStart
        while lineStart < end {
            if ContinuousClock.now >= self.deadline { return nil }
            let lineEnd = self.lineEnd(text, from: lineStart, to: end)
            let window = min(lineEnd, lineStart + Self.regexLineBytes)
            if let found = Self.firstMatchInOneLine(regex, text, from: lineStart, to: window, atLineStart: startsLine) { return found }
            lineStart = lineEnd + 1
            startsLine = true
        }
        return nil
    }

    /// Lines of `text[from..<to]` longer than `regexLineBytes`.
    private func longLines(_ text: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Int {
        var count = 0
        var lineStart = from
        while lineStart < end {
            let lineEnd = self.lineEnd(text, from: lineStart, to: end)
            if lineEnd - lineStart > Self.regexLineBytes { count += 1 }
            lineStart = lineEnd + 1
        }
        return count
    }

    /// The first match that lies within one line. The matcher runs over the whole chunk (one call, not one per line),
    /// and a bracket expression such as `[[:space:]]` can match a newline; such a match is tried again within the
    /// line it starts on, and the search goes on from the next line when it does not hold there.
    private static func firstMatchInOneLine(
        _ regex: PosixRegex,
        _ text: UnsafeBufferPointer<UInt8>,
        from: Int,
        to end: Int,
        atLineStart: Bool
    ) -> Range<Int>? {
        var position = from
        var lineStart = atLineStart
        while position < end, let found = regex.firstMatch(in: text, from: position, to: end, atLineStart: lineStart) {
            guard let base = text.baseAddress, found.count > 0, memchr(base + found.lowerBound, 0x0A, found.count) != nil else { return found }
            var start = found.lowerBound
            while start > position, text[start - 1] != 0x0A { start -= 1 }
            let startsLine = start > position || lineStart
            let lineEnd = memchr(base + found.lowerBound, 0x0A, end - found.lowerBound).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? end
            if let inLine = regex.firstMatch(in: text, from: found.lowerBound, to: lineEnd, atLineStart: found.lowerBound == start && startsLine) {
                return inLine
            }
            position = lineEnd + 1
            lineStart = true
        }
        return nil
    }

    private func lineStart(_ text: UnsafeBufferPointer<UInt8>, before offset: Int, floor: Int) -> Int {
        var index = offset
        while index > floor, text[index - 1] != 0x0A { index -= 1 }
        return index
    }

    private func lineEnd(_ text: UnsafeBufferPointer<UInt8>, from offset: Int, to end: Int) -> Int {
        guard offset < end, let base = text.baseAddress, let newline = memchr(base + offset, 0x0A, end - offset) else { return end }
        return base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
    }

    private static func newlines(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        var count = 0
        for index in from..<max(from, to) where text[index] == 0x0A { count += 1 }
        return count
    }

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

/// Runs `work` on a new thread and waits for it without holding a thread of the concurrency pool.
private func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: work()) }
        thread.name = "grep"
        thread.start()
    }
}
