/// The size settings of the chunker. Changing them changes chunk boundaries, and so the ids of the chunks that move.
public struct ChunkerConfiguration: Sendable, Hashable {
    /// A chunk longer than this is split (unless it is one line).
    public var maxLines: Int = 80
    /// A chunk larger than this, in bytes, is split (unless it is one line).
    public var maxBytes: Int = 4096
    /// Top-level units shorter than this are merged with their neighbours...
    public var smallUnitLines: Int = 8
    /// ...as long as the merged chunk stays within this many lines.
    public var mergedLines: Int = 40

    public init(maxLines: Int = 80, maxBytes: Int = 4096, smallUnitLines: Int = 8, mergedLines: Int = 40) {
        self.maxLines = max(1, maxLines)
        self.maxBytes = max(1, maxBytes)
        self.smallUnitLines = smallUnitLines
        self.mergedLines = max(1, min(mergedLines, self.maxLines))
    }
}

/// A run of whole lines, `first...last`, 0-based.
package struct LineSpan: Sendable, Hashable {
    package var first: Int
    package var last: Int
    package var count: Int { self.last - self.first + 1 }
}

/// Cuts a file into chunks: every line in exactly one chunk, in order, no overlap. Chunks follow top-level
/// declarations where the language is known; a unit over the size caps is split at the next indentation level's
/// declarations, then at blank lines, then hard at the cap. Other text is cut into windows ending at blank lines.
/// A pure function of the text and the settings, so it is deterministic.
package struct Chunker: Sendable {
    package let configuration: ChunkerConfiguration

    package func spans(_ source: SourceText, lines: [LineInfo], declarations: [Declaration?], language: Language) -> [LineSpan] {
        guard source.lineCount > 0 else { return [] }
        let whole = LineSpan(first: 0, last: source.lineCount - 1)
        let context = Context(source: source, lines: lines, declarations: declarations, family: language.family, configuration: self.configuration)
        if language.family == .text { return context.windows(whole) }
        let baseLevel = lines.lazy.filter { !$0.isBlank && $0.start == .code }.map(\.indent).min() ?? 0
        let units = context.segment(whole, level: baseLevel)
        return context.coalesce(units, limit: self.configuration.mergedLines, onlySmall: true).flatMap { context.split($0, level: baseLevel) }
    }

    private struct Context {
        package let source: SourceText
        package let lines: [LineInfo]
        package let declarations: [Declaration?]
        package let family: SyntaxFamily
        package let configuration: ChunkerConfiguration

        package func fits(_ span: LineSpan, lines limit: Int) -> Bool {
            span.count <= limit && self.source.byteCount(lines: span.first, span.last) <= self.configuration.maxBytes
        }

        /// Cuts `span` before each line at `level` that starts a new unit.
        package func segment(_ span: LineSpan, level: Int) -> [LineSpan] {
            var starts = [span.first]
            guard span.count > 1 else { return [span] }
            for index in (span.first + 1)...span.last where self.startsUnit(index, level: level) {
                var start = index
                // Comments, doc comments, decorators and attributes right above belong to what they describe.
                while start - 1 > starts[starts.count - 1], self.attaches(start - 1, level: level) { start -= 1 }
                if start > starts[starts.count - 1] { starts.append(start) }
            }
            return starts.indices.map { position in
                LineSpan(first: starts[position], last: position + 1 < starts.count ? starts[position + 1] - 1 : span.last)
            }
        }

        /// Splits a unit over the caps: at the next level's units, else into windows.
        package func split(_ span: LineSpan, level: Int) -> [LineSpan] {
            if span.count == 1 || self.fits(span, lines: self.configuration.maxLines) { return [span] }
            if self.family != .markdown {
                let inner = ((span.first + 1)...span.last).lazy
                    .filter { !self.lines[$0].isBlank && self.lines[$0].start == .code && self.lines[$0].indent > level }
                    .map { self.lines[$0].indent }.min()
                if let inner {
                    let parts = self.segment(span, level: inner)
                    if parts.count > 1 {
                        return self.coalesce(parts, limit: self.configuration.maxLines, onlySmall: false).flatMap { self.split($0, level: inner) }
                    }
                }
            }
            return self.windows(span)
        }

        /// Merges neighbours while the result fits `limit` lines; with `onlySmall`, only when one side is small.
        package func coalesce(_ spans: [LineSpan], limit: Int, onlySmall: Bool) -> [LineSpan] {
            var merged: [LineSpan] = []
            for span in spans {
                if var current = merged.last {
                    let small = current.count < self.configuration.smallUnitLines || span.count < self.configuration.smallUnitLines
                    let combined = LineSpan(first: current.first, last: span.last)
                    if (!onlySmall || small) && self.fits(combined, lines: limit) {
                        current.last = span.last
                        merged[merged.count - 1] = current
                        continue
                    }
                }
                merged.append(span)
            }
            return merged
        }

        /// Windows within the caps, each ending after a blank line in its second half where there is one.
        package func windows(_ span: LineSpan) -> [LineSpan] {
            var result: [LineSpan] = []
            var first = span.first
            let maxLines = self.configuration.maxLines
            let maxBytes = self.configuration.maxBytes
            while first <= span.last {
                var last = first
                while last < span.last, last + 1 - first + 1 <= maxLines, self.source.byteCount(lines: first, last + 1) <= maxBytes {
                    last += 1
                }
                if last < span.last {
                    let floor = first + max(1, (last - first + 1) / 2)
                    var cut = last
                    while cut >= floor, !self.lines[cut].isBlank { cut -= 1 }
                    if cut >= floor { last = cut }
                }
                result.append(LineSpan(first: first, last: last))
                first = last + 1
            }
            return result
        }

        private func startsUnit(_ index: Int, level: Int) -> Bool {
            let line = self.lines[index]
            guard !line.isBlank, line.start == .code, line.indent == level else { return false }
            if self.family == .markdown { return self.declarations[index]?.kind == .heading }
            // A comment or decorator never starts a unit by itself: it joins the code below it (see `attaches`).
            guard self.canStart(line, index: index), !self.attaches(index, level: level) else { return false }
            if let declaration = self.declarations[index], declaration.kind != .variable || level == 0 { return true }
            // After a blank line (above any comments that belong to this line), or after a deeper block has ended.
            var previous = index - 1
            var sawBlank = false
            while previous >= 0, self.lines[previous].isBlank || self.attaches(previous, level: level) {
                if self.lines[previous].isBlank { sawBlank = true }
                previous -= 1
            }
            guard previous >= 0 else { return false }
            if sawBlank { return true }
            let before = self.lines[previous]
            return before.start == .code && (before.indent > level || (before.indent == level && Self.closers.contains(before.firstByte)))
        }

        private func canStart(_ line: LineInfo, index: Int) -> Bool {
            let byte = line.firstByte
            guard isIdentifierStart(byte) || Self.openers.contains(byte) else { return false }
            guard isIdentifierStart(byte) else { return true }
            let start = line.contentStart
            let end = self.source.lineEnds[index]
            var wordEnd = start
            while wordEnd < end, wordEnd - start < 12, isIdentifierByte(self.source.bytes[wordEnd]) { wordEnd += 1 }
            let word = String(decoding: self.source.bytes[start..<wordEnd], as: UTF8.self)
            return !Self.continuations.contains(word)
        }

        /// Lines that belong with the declaration below them.
        private func attaches(_ index: Int, level: Int) -> Bool {
            let line = self.lines[index]
            guard !line.isBlank else { return false }
            if line.start == .comment { return true }
            guard line.start == .code, line.indent == level else { return false }
            let byte = line.firstByte
            if byte == UInt8(ascii: "@") { return true }
            let next = line.contentStart + 1 < self.source.lineEnds[index] ? self.source.bytes[line.contentStart + 1] : 0
            switch self.family {
            case .python, .hashComment:
                return byte == UInt8(ascii: "#")
            case .cLike:
                if byte == UInt8(ascii: "/") { return next == UInt8(ascii: "/") || next == UInt8(ascii: "*") }
                if byte == UInt8(ascii: "#") { return next == UInt8(ascii: "[") }
                return byte == UInt8(ascii: "*") || byte == UInt8(ascii: "[")
            case .markdown, .text:
                return false
            }
        }

        private static let closers: Set<UInt8> = Set("})]".utf8)
        private static let openers: Set<UInt8> = Set("@#/[\"'".utf8)
        private static let continuations: Set<String> = [
            "else", "elif", "except", "finally", "catch", "case", "default", "where", "then", "fi", "done", "esac", "end",
            "extends", "implements", "throws", "rescue", "ensure", "when", "in",
        ]
    }
}
