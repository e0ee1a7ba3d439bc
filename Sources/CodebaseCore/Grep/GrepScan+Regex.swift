/// How a regex finds its next matching line. Matching one line per call would pay PCRE2's per-call cost on every line,
/// so a pattern that cannot see past its line is given many whole lines per call (`regexWindowBytes` at most), with
/// `^` and `$` at each line (multiline mode). A match found so that crosses a newline (`\s`, `[^x]` may) or that has
/// to pass the whole-word test is matched again on its own line, whose answer is the one kept: the result is exactly
/// what matching each line alone gives. A pattern with lookaround or subject anchors is matched line by line.
extension GrepScan {
    /// The next line of `text[from..<to]` (`from` a line start) holding a match, and the line's first match.
    func nextRegexLine(
        _ matcher: PCREMatcher,
        _ text: UnsafeBufferPointer<UInt8>,
        from: Int,
        to end: Int,
        cut: Bool,
        nextHits: inout [Int]
    ) throws(PCRELimitError) -> (line: Range<Int>, match: Range<Int>)? {
        var position = from
        while position < end {
            if !self.pattern.required.isEmpty {
                // Only lines holding a literal every match contains (one of them, for an alternation) are matched.
                guard let hit = self.findRequired(in: text, from: position, to: end, nextHits: &nextHits) else { return nil }
                let lineStart = self.lineStart(text, before: hit.lowerBound, floor: position)
                let lineEnd = self.lineEnd(text, from: hit.lowerBound, to: end)
                if let match = try self.matchInLine(matcher, text, from: lineStart, to: lineEnd) { return (lineStart..<lineEnd, match) }
                position = lineEnd + 1
                continue
            }
            if cut || self.pattern.linewise {
                if ContinuousClock.now >= self.deadline { return nil }
                let lineEnd = self.lineEnd(text, from: position, to: end)
                if let match = try self.matchInLine(matcher, text, from: position, to: lineEnd) { return (position..<lineEnd, match) }
                position = lineEnd + 1
                continue
            }
            let windowEnd = self.windowEnd(text, from: position, to: end)
            guard let found = try (matcher.window ?? matcher).firstMatch(in: text, subjectStart: position, from: position, to: windowEnd) else {
                position = windowEnd + 1
                if ContinuousClock.now >= self.deadline { return nil }
                continue
            }
            let lineStart = self.lineStart(text, before: found.lowerBound, floor: position)
            let lineEnd = self.lineEnd(text, from: found.lowerBound, to: end)
            if found.upperBound <= lineEnd, !self.pattern.wholeWord { return (lineStart..<lineEnd, found) }
            if let match = try self.matchInLine(matcher, text, from: lineStart, to: lineEnd) { return (lineStart..<lineEnd, match) }
            position = lineEnd + 1
        }
        return nil
    }

    /// The first match within the line `text[lineStart..<lineEnd]` alone (its first `regexLineBytes`), passing the
    /// whole-word test when asked.
    func matchInLine(
        _ matcher: PCREMatcher,
        _ text: UnsafeBufferPointer<UInt8>,
        from lineStart: Int,
        to lineEnd: Int
    ) throws(PCRELimitError) -> Range<Int>? {
        var end = min(lineEnd, lineStart + Self.regexLineBytes)
        // A cut line ends before a whole character: PCRE2 is told the text is valid UTF-8.
        while end < lineEnd, end > lineStart, text[end] & 0xC0 == 0x80 { end -= 1 }
        var position = lineStart
        while position <= end {
            guard let found = try matcher.firstMatch(in: text, subjectStart: lineStart, from: position, to: end) else { return nil }
            if !self.pattern.wholeWord || self.isWholeWord(found, in: text) { return found }
            // Past the start of the match, to the next character (a UTF-8 continuation byte is not one).
            position = found.lowerBound + 1
            while position < end, text[position] & 0xC0 == 0x80 { position += 1 }
        }
        return nil
    }

    /// The end of the last whole line that keeps `text[from..<end]` within `regexWindowBytes` (at least one line).
    private func windowEnd(_ text: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Int {
        guard end - from > Self.regexWindowBytes else { return end }
        let limit = from + Self.regexWindowBytes
        var cut = limit
        while cut > from, text[cut] != 0x0A { cut -= 1 }
        return cut > from ? cut : self.lineEnd(text, from: from, to: end)
    }
}
