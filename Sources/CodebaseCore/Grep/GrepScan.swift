#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ServiceClient

/// Runs a grep over the corpus: files in repository and path order, lines in order, one result per matching line
/// (its first match gives the column). Counting goes on past `limit` up to `countCap` lines after the cursor. The
/// deadline is checked between chunks and between the stretches a regex is given; a regex sees at most
/// `regexWindowBytes` per call and the first `regexLineBytes` of any line, and PCRE2's match limit bounds what one call
/// may do, so no pattern holds a worker much past the deadline (a JIT match cannot be interrupted mid-call).
package struct GrepScan {
    /// Matching lines counted at most after the cursor; beyond, `truncated` is set and `total_count` is a lower bound.
    package static let countCap = 100_000
    /// Bytes of a line returned at most.
    package static let lineBytes = 500
    /// Bytes of a line a regex is matched against at most (a minified file's one line of a megabyte is matched on
    /// its first 4 KiB); literals see whole lines. The answer says how many lines were cut (docs/codebase.md).
    package static let regexLineBytes = 4096
    /// Bytes of whole lines one regex call is given at most: few enough calls that their fixed cost does not show, few
    /// enough start positions that a call stays short even when each start costs the whole match limit.
    package static let regexWindowBytes = 4096

    package let pattern: GrepPattern
    package let filter: SearchFilter
    package let paths: GrepPathFilter
    package let cursor: GrepCursor?
    package let limit: Int
    package let deadline: ContinuousClock.Instant

    package init(
        pattern: GrepPattern,
        filter: SearchFilter,
        paths: GrepPathFilter = GrepPathFilter(),
        cursor: GrepCursor? = nil,
        limit: Int,
        deadline: ContinuousClock.Instant
    ) {
        self.pattern = pattern
        self.filter = filter
        self.paths = paths
        self.cursor = cursor
        self.limit = limit
        self.deadline = deadline
    }

    package struct Outcome {
        package var matches: [GrepMatch] = []
        /// Matching lines, those before the cursor included.
        package var totalCount = 0
        /// Matching lines at or before the cursor (counted, not returned).
        package var skipped = 0
        package var truncated = false
        /// The deadline passed before the scan ended.
        package var timedOut = false
        /// A regex call ran into PCRE2's match or depth limit: PCRE2's message.
        package var limitHit: String?
        /// Lines longer than `regexLineBytes` that a regex saw only the start of.
        package var cutLines = 0
        /// Files the filters let through.
        package var filesSearched = 0
    }

    /// Scans `files` on `workers` threads, each over a contiguous run of files of about the same size, and joins their
    /// results in order. Matches after a part that stopped at the deadline are dropped, so the answer is always a
    /// prefix of the full result in file and line order. The threads are the scan's own: a scan never occupies the
    /// threads of Swift's concurrency pool, which answer `/health` and every other request meanwhile.
    package func run(_ files: [GrepCorpus.File], workers: Int) async -> Outcome {
        let parts = Self.split(files, into: max(1, workers))
        let outcomes = await withTaskGroup(of: (Int, Outcome).self) { group in
            for (index, part) in parts.enumerated() {
                group.addTask { (index, await onOwnThread { self.run(part) }) }
            }
            var outcomes: [Outcome] = Array(repeating: Outcome(), count: parts.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
        var joined = Outcome()
        for outcome in outcomes {
            joined.matches += outcome.matches.prefix(self.limit - joined.matches.count)
            joined.totalCount += outcome.totalCount
            joined.skipped += outcome.skipped
            joined.truncated = joined.truncated || outcome.truncated
            joined.cutLines += outcome.cutLines
            joined.filesSearched += outcome.filesSearched
            joined.limitHit = joined.limitHit ?? outcome.limitHit
            if outcome.timedOut || outcome.limitHit != nil {
                joined.timedOut = outcome.timedOut
                break
            }
        }
        // Each part counts up to the cap on its own: the sum is cut back to it, as one part would have stopped there.
        if joined.totalCount - joined.skipped >= Self.countCap {
            joined.totalCount = joined.skipped + Self.countCap
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
        // Each worker its own match data, limits and JIT stack.
        let matcher: PCREMatcher? =
            switch self.pattern.matcher {
            case .literal: nil
            case .regex(let regex): regex.makeMatcher()
            }
        for file in files where self.accepts(file.digest) {
            outcome.filesSearched += 1
            if let probe, !file.trigrams.mayContain(probe) { continue }
            if !branchProbes.isEmpty, !branchProbes.contains(where: { $0.map(file.trigrams.mayContain) ?? true }) { continue }
            if !self.pattern.required.isEmpty,
                !self.pattern.required.contains(where: { LiteralSearch.contains(file.text, $0, caseSensitive: self.pattern.caseSensitive) })
            {
                continue
            }
            file.text.withUnsafeBufferPointer { buffer in
                do throws(PCRELimitError) {
                    try self.scan(file, buffer, matcher: matcher, into: &outcome)
                } catch {
                    outcome.limitHit = error.message
                }
            }
            if outcome.timedOut || outcome.limitHit != nil || outcome.totalCount - outcome.skipped >= Self.countCap {
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
        return self.paths.isEmpty || self.paths.accepts(file.path)
    }

    private func scan(
        _ file: GrepCorpus.File,
        _ text: UnsafeBufferPointer<UInt8>,
        matcher: PCREMatcher?,
        into outcome: inout Outcome
    ) throws(PCRELimitError) {
        let wholeFileSkipped = self.cursor?.coversWholeFile(repository: file.digest.repository, path: file.digest.path) ?? false
        for chunk in file.chunkOffsets.indices {
            if ContinuousClock.now >= self.deadline {
                outcome.timedOut = true
                return
            }
            let start = file.chunkOffsets[chunk]
            let end = chunk + 1 < file.chunkOffsets.count ? file.chunkOffsets[chunk + 1] : text.count
            // A chunk with a line longer than a regex may see is matched line by line, each cut.
            var cut = false
            if matcher != nil, end - start > Self.regexLineBytes {
                let long = self.longLines(text, from: start, to: end)
                outcome.cutLines += long
                cut = long > 0
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
                if let matcher {
                    guard let hit = try self.nextRegexLine(matcher, text, from: position, to: end, cut: cut, nextHits: &nextHits) else { break }
                    (lineStart, lineEnd, found) = (hit.line.lowerBound, hit.line.upperBound, hit.match)
                } else {
                    guard let match = self.findLiteral(text, from: position, to: end) else { break }
                    found = match
                    lineStart = self.lineStart(text, before: found.lowerBound, floor: start)
                    lineEnd = self.lineEnd(text, from: found.lowerBound, to: end)
                }
                line += Self.newlines(text, from: counted, to: lineStart)
                counted = lineStart
                outcome.totalCount += 1
                if wholeFileSkipped || !(self.cursor?.isBefore(repository: file.digest.repository, path: file.digest.path, line: line) ?? true) {
                    outcome.skipped += 1
                } else if outcome.matches.count < self.limit {
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
                if outcome.totalCount - outcome.skipped >= Self.countCap { return }
                position = lineEnd + 1
            }
        }
    }

    /// The first match of the literal in `text[from..<to]` that passes the whole-word test.
    private func findLiteral(_ text: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Range<Int>? {
        guard case .literal(let needle) = self.pattern.matcher else { return nil }
        var position = from
        while position < end {
            let found = LiteralSearch.find(needle, in: text, from: position, to: end, caseSensitive: self.pattern.caseSensitive)
            guard let found else { return nil }
            if !self.pattern.wholeWord || self.isWholeWord(found, in: text) { return found }
            position = found.lowerBound + 1
        }
        return nil
    }

    func isWholeWord(_ found: Range<Int>, in text: UnsafeBufferPointer<UInt8>) -> Bool {
        let before = found.lowerBound > 0 ? text[found.lowerBound - 1] : 0x20
        let after = found.upperBound < text.count ? text[found.upperBound] : 0x20
        return !found.isEmpty && !isIdentifierByte(before) && !isIdentifierByte(after)
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

    func lineStart(_ text: UnsafeBufferPointer<UInt8>, before offset: Int, floor: Int) -> Int {
        var index = offset
        while index > floor, text[index - 1] != 0x0A { index -= 1 }
        return index
    }

    func lineEnd(_ text: UnsafeBufferPointer<UInt8>, from offset: Int, to end: Int) -> Int {
        guard offset < end, let base = text.baseAddress, let newline = memchr(base + offset, 0x0A, end - offset) else { return end }
        return base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
    }

    private static func newlines(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int {
        var count = 0
        for index in from..<max(from, to) where text[index] == 0x0A { count += 1 }
        return count
    }

    /// The earliest hit at or after `from` of a literal of `pattern.required`. `nextHits` holds each literal's next hit
    /// in the chunk (-1: not looked for yet; `Int.max`: none before `end`), so that no literal's text is searched twice.
    func findRequired(in text: UnsafeBufferPointer<UInt8>, from: Int, to end: Int, nextHits: inout [Int]) -> Range<Int>? {
        var best: Range<Int>?
        for (index, literal) in self.pattern.required.enumerated() {
            if nextHits[index] != Int.max, nextHits[index] < from {
                let hit = LiteralSearch.find(literal, in: text, from: from, to: end, caseSensitive: self.pattern.caseSensitive)
                nextHits[index] = hit?.lowerBound ?? Int.max
            }
            let at = nextHits[index]
            if at != Int.max, best.map({ at < $0.lowerBound }) ?? true { best = at..<(at + literal.count) }
        }
        return best
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
