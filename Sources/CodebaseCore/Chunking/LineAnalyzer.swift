/// What the chunker knows about one line.
package struct LineInfo: Sendable {
    package enum Start: Sendable {
        /// The line starts in code (or prose).
        case code
        /// The line starts inside a block comment.
        case comment
        /// The line starts inside a multi-line string (or a fenced code block in Markdown).
        case string
    }

    /// Leading whitespace in columns (a tab counts 4).
    package var indent: Int
    package var isBlank: Bool
    package var start: Start
    /// The first non-blank byte, 0 for a blank line.
    package var firstByte: UInt8
    /// The offset of the first non-blank byte.
    package var contentStart: Int
}

/// Computes `LineInfo` for every line with a small lexer per syntax family: enough to tell code from the inside of
/// multi-line strings and comments, which must never start a chunk.
package enum LineAnalyzer {
    package static func analyze(_ source: SourceText, family: SyntaxFamily, language: String) -> [LineInfo] {
        var infos: [LineInfo] = []
        infos.reserveCapacity(source.lineCount)
        var state = LexState.code
        let tripleQuotes = family == .python || ["swift", "java", "kotlin", "scala", "csharp", "dart"].contains(language)
        let backticks = ["javascript", "typescript", "go"].contains(language)
        source.bytes.withUnsafeBufferPointer { bytes in
            for line in 0..<source.lineCount {
                let lineStart = source.lineStarts[line]
                let lineEnd = source.lineEnds[line]
                var indent = 0
                var index = lineStart
                while index < lineEnd {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: " ") {
                        indent += 1
                    } else if byte == UInt8(ascii: "\t") {
                        indent += 4
                    } else if byte != UInt8(ascii: "\r") && byte != 0x0C {
                        break
                    }
                    index += 1
                }
                let isBlank = index == lineEnd
                let start: LineInfo.Start =
                    switch state {
                    case .code: .code
                    case .blockComment: .comment
                    case .string, .template, .fence: .string
                    }
                infos.append(
                    LineInfo(indent: indent, isBlank: isBlank, start: start, firstByte: isBlank ? 0 : bytes[index], contentStart: index)
                )
                switch family {
                case .python, .hashComment:
                    state = scanHashLine(bytes, index, lineEnd, state, tripleQuotes: tripleQuotes)
                case .cLike:
                    state = scanCLine(bytes, index, lineEnd, state, tripleQuotes: tripleQuotes, backticks: backticks)
                case .markdown:
                    if lineEnd - index >= 3, bytes[index] == UInt8(ascii: "`"), bytes[index + 1] == UInt8(ascii: "`"),
                        bytes[index + 2] == UInt8(ascii: "`")
                    {
                        state = state == .fence ? .code : .fence
                    }
                case .text:
                    break
                }
            }
        }
        return infos
    }

    package enum LexState: Equatable {
        case code
        case blockComment
        /// Inside a multi-line string closed by `quote` (three times when `triple`).
        case string(quote: UInt8, triple: Bool)
        /// Inside a backtick string (JavaScript templates, Go raw strings).
        case template
        case fence
    }

    private static func isTriple(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ end: Int, _ quote: UInt8) -> Bool {
        index + 2 < end && bytes[index + 1] == quote && bytes[index + 2] == quote
    }

    /// Inside a string: an escape skips the next byte, and the closing quote (three when `triple`) returns to code.
    /// The bytes consumed, or `nil` when the byte at `index` is neither.
    @inline(__always)
    private static func stepInString(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ index: Int,
        _ end: Int,
        quote: UInt8,
        triple: Bool,
        state: inout LexState
    ) -> Int? {
        if bytes[index] == UInt8(ascii: "\\") { return 2 }
        guard bytes[index] == quote, !triple || isTriple(bytes, index, end, quote) else { return nil }
        state = .code
        return triple ? 3 : 1
    }

    /// Opens a string at the quote at `index`, one that spans lines when `tripleQuotes` allows and the quote is
    /// tripled; the bytes consumed.
    @inline(__always)
    private static func openString(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ index: Int,
        _ end: Int,
        tripleQuotes: Bool,
        state: inout LexState
    ) -> Int {
        let quote = bytes[index]
        let triple = tripleQuotes && isTriple(bytes, index, end, quote)
        state = .string(quote: quote, triple: triple)
        return triple ? 3 : 1
    }

    /// `#` comments; `'`/`"` strings; with `tripleQuotes`, `'''`/`"""` strings that span lines.
    private static func scanHashLine(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ from: Int,
        _ end: Int,
        _ initial: LexState,
        tripleQuotes: Bool
    ) -> LexState {
        var state = initial
        var index = from
        while index < end {
            let byte = bytes[index]
            switch state {
            case .string(let quote, let triple):
                if let step = stepInString(bytes, index, end, quote: quote, triple: triple, state: &state) {
                    index += step
                    continue
                }
            case .code:
                if byte == UInt8(ascii: "#") { return .code }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    index += openString(bytes, index, end, tripleQuotes: tripleQuotes, state: &state)
                    continue
                }
            case .blockComment, .template, .fence:
                return state
            }
            index += 1
        }
        // A one-line string left open ends with its line.
        if case .string(_, false) = state { return .code }
        return state
    }

    /// `//` and `/* */` comments; `"` and `'` strings; optionally `"""` and backtick strings that span lines.
    private static func scanCLine(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ from: Int,
        _ end: Int,
        _ initial: LexState,
        tripleQuotes: Bool,
        backticks: Bool
    ) -> LexState {
        var state = initial
        var index = from
        while index < end {
            let byte = bytes[index]
            switch state {
            case .blockComment:
                if byte == UInt8(ascii: "*"), index + 1 < end, bytes[index + 1] == UInt8(ascii: "/") {
                    state = .code
                    index += 2
                    continue
                }
            case .string(let quote, let triple):
                if let step = stepInString(bytes, index, end, quote: quote, triple: triple, state: &state) {
                    index += step
                    continue
                }
            case .code:
                if byte == UInt8(ascii: "/"), index + 1 < end {
                    let next = bytes[index + 1]
                    if next == UInt8(ascii: "/") { return .code }
                    if next == UInt8(ascii: "*") {
                        state = .blockComment
                        index += 2
                        continue
                    }
                }
                if byte == UInt8(ascii: "\"") {
                    index += openString(bytes, index, end, tripleQuotes: tripleQuotes, state: &state)
                    continue
                }
                if byte == UInt8(ascii: "`"), backticks {
                    // Template literals and Go raw strings span lines.
                    state = .template
                    index += 1
                    continue
                }
            case .template:
                if byte == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if byte == UInt8(ascii: "`") { state = .code }
            case .fence:
                return state
            }
            index += 1
        }
        if case .string(_, false) = state { return .code }
        return state
    }
}
