import ServiceClient

/// A validated `POST /mcp/grep` pattern, ready to run: a literal byte string or a compiled regular expression, and a
/// literal every match must contain (when one can be told), which rules files out with a plain substring search.
package struct GrepPattern: Sendable {
    package enum Matcher: Sendable {
        /// Bytes to find; ASCII-lowercased when the search ignores case.
        case literal([UInt8])
        case regex(PosixRegex)
    }

    package static let lengths = 1...1000
    /// The largest product of nested `{m,n}` bounds a regex may have: the matcher's work per byte grows with it.
    package static let maxRepetition = 256

    package let matcher: Matcher
    package let caseSensitive: Bool
    package let wholeWord: Bool
    /// Literals one of which every match contains (ASCII-lowercased when the search ignores case): one for most
    /// patterns, one per branch for an alternation (`TODO|FIXME`); empty when none is known.
    package let required: [[UInt8]]
    /// For a regex with no such literal: byte classes every match holds in a row (`[0-9]\.[0-9]`), or nil.
    package let classes: ClassSequence?

    package init(pattern: String, regex: Bool, caseSensitive: Bool, wholeWord: Bool) throws(CodebaseError) {
        let length = RequestText.length(pattern)
        guard Self.lengths.contains(length) else {
            throw .invalid(field: "pattern", "'pattern' must be 1 to 1000 \(RequestText.unit) long; it has \(length).")
        }
        guard !pattern.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else {
            throw .invalid(field: "pattern", "'pattern' must be one line: matches are found line by line (no newline, carriage return or NUL).")
        }
        self.caseSensitive = caseSensitive
        self.wholeWord = wholeWord
        let fold: ([UInt8]) -> [UInt8] = { caseSensitive ? $0 : $0.map(asciiLowercased) }
        guard regex else {
            self.matcher = .literal(fold(Array(pattern.utf8)))
            self.required = []
            self.classes = nil
            return
        }
        if let reference = Self.backreference(in: pattern) {
            throw .invalid(field: "pattern", "'pattern' uses the backreference '\(reference)', which is not supported (it needs a backtracking engine).")
        }
        let repetition = Self.repetitionProduct(of: pattern)
        guard repetition <= Self.maxRepetition else {
            throw .invalid(
                field: "pattern",
                "'pattern' nests counted repetitions ({m,n}) whose bounds multiply to \(repetition); at most \(Self.maxRepetition) are allowed, since each one multiplies the cost of matching every line."
            )
        }
        do {
            self.matcher = .regex(try PosixRegex(pattern, caseSensitive: caseSensitive))
        } catch {
            throw .invalid(field: "pattern", "'pattern' is not a valid POSIX extended regular expression: \(error.message).")
        }
        self.required = Self.requiredLiterals(of: pattern).map(fold)
        self.classes = self.required.isEmpty ? ClassSequence(pattern: pattern, caseSensitive: caseSensitive) : nil
    }

    private init(matcher: Matcher, caseSensitive: Bool, wholeWord: Bool, required: [[UInt8]], classes: ClassSequence?) {
        self.matcher = matcher
        self.caseSensitive = caseSensitive
        self.wholeWord = wholeWord
        self.required = required
        self.classes = classes
    }

    /// The same pattern with a regex of its own, for another thread of a scan: glibc's matcher locks its program, so
    /// threads sharing one would take turns.
    package func forAnotherThread() -> GrepPattern {
        guard case .regex(let regex) = self.matcher else { return self }
        return GrepPattern(
            matcher: .regex(regex.recompiled()),
            caseSensitive: self.caseSensitive,
            wholeWord: self.wholeWord,
            required: self.required,
            classes: self.classes
        )
    }

    /// The largest product of nested interval bounds (`{m}`, `{m,}`, `{m,n}`: the larger bound) in `pattern`, 1 when
    /// it has none. `(.{0,60}){20}` is 1200.
    package static func repetitionProduct(of pattern: String) -> Int {
        let bytes = Array(pattern.utf8)
        // The largest product inside each open group, innermost last.
        var frames: [Int] = [1]
        var index = 0
        func interval(at start: Int) -> (bound: Int, end: Int)? {
            guard start < bytes.count, bytes[start] == UInt8(ascii: "{"), let close = bytes[start...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
            let numbers = String(decoding: bytes[(start + 1)..<close], as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
            let bound = numbers.compactMap { Int($0.trimmingPrefix(" ")) }.max() ?? 1
            return (max(bound, 1), close + 1)
        }
        func record(_ cost: Int) { frames[frames.count - 1] = max(frames[frames.count - 1], min(cost, Int(Int32.max))) }
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"):
                index += 2
                if let (bound, end) = interval(at: index) {
                    record(bound)
                    index = end
                }
            case UInt8(ascii: "["):
                index = Self.endOfBracket(bytes, from: index)
                if let (bound, end) = interval(at: index) {
                    record(bound)
                    index = end
                }
            case UInt8(ascii: "("):
                frames.append(1)
                index += 1
            case UInt8(ascii: ")"):
                let inner = frames.count > 1 ? frames.removeLast() : 1
                index += 1
                if let (bound, end) = interval(at: index) {
                    record(inner * bound)
                    index = end
                } else {
                    record(inner)
                }
            default:
                index += 1
                if let (bound, end) = interval(at: index) {
                    record(bound)
                    index = end
                }
            }
        }
        return frames.max() ?? 1
    }

    /// The index just past the bracket expression that opens at `start`: a `]` right after `[` or `[^` is a member,
    /// and `[:alpha:]`, `[.x.]` and `[=x=]` inside it hold a `]` of their own.
    package static func endOfBracket(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "^") { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1 }
        while index < bytes.count, bytes[index] != UInt8(ascii: "]") {
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            if bytes[index] == UInt8(ascii: "["), next == UInt8(ascii: ":") || next == UInt8(ascii: ".") || next == UInt8(ascii: "=") {
                index += 2
                while index + 1 < bytes.count, !(bytes[index] == next && bytes[index + 1] == UInt8(ascii: "]")) { index += 1 }
                index += 2
                continue
            }
            index += 1
        }
        return min(index + 1, bytes.count)
    }

    /// `\1` to `\9` outside a bracket expression.
    private static func backreference(in pattern: String) -> String? {
        let bytes = Array(pattern.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "[") {
                index = Self.endOfBracket(bytes, from: index)
                continue
            } else if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[index + 1]) {
                    return "\\" + String(UnicodeScalar(bytes[index + 1]))
                }
                index += 1
            }
            index += 1
        }
        return nil
    }

    /// Literals one of which every match of `pattern` contains: its `requiredLiteral`, or for an alternation at the top
    /// level (`TODO|FIXME|XXX`) each branch's, when every branch has one; empty otherwise.
    package static func requiredLiterals(of pattern: String) -> [[UInt8]] {
        let branches = Self.topLevelBranches(of: Array(pattern.utf8))
        guard branches.count > 1 else { return Self.requiredLiteral(of: pattern).map { [$0] } ?? [] }
        var literals: [[UInt8]] = []
        for branch in branches {
            guard let literal = Self.requiredLiteral(of: String(decoding: branch, as: UTF8.self)) else { return [] }
            literals.append(literal)
        }
        return literals
    }

    /// `pattern` cut at each `|` outside parentheses and bracket expressions (not escaped).
    package static func topLevelBranches(of bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var branches: [ArraySlice<UInt8>] = []
        var start = 0
        Self.walkSyntax(bytes) { index, depth in
            if bytes[index] == UInt8(ascii: "|"), depth == 0 {
                branches.append(bytes[start..<index])
                start = index + 1
            }
            return true
        }
        branches.append(bytes[min(start, bytes.count)...])
        return branches
    }

    /// The index of the `)` that closes the group opened at `start`.
    package static func groupEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var end: Int?
        Self.walkSyntax(bytes, from: start) { index, depth in
            guard bytes[index] == UInt8(ascii: ")"), depth == 0 else { return true }
            end = index
            return false
        }
        return end
    }

    /// Calls `body` with each byte from `start` that is the pattern's own (not escaped, not in a bracket expression)
    /// and the group depth there (counting the `(` itself, not the `)`), until `body` returns false.
    package static func walkSyntax(_ bytes: [UInt8], from start: Int = 0, _ body: (_ index: Int, _ depth: Int) -> Bool) {
        var depth = 0
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"):
                index += 2
                continue
            case UInt8(ascii: "["):
                index = Self.endOfBracket(bytes, from: index)
                continue
            case UInt8(ascii: "("): depth += 1
            case UInt8(ascii: ")"): depth = max(0, depth - 1)
            default: break
            }
            guard body(index, depth) else { return }
            index += 1
        }
    }

    /// The longest run of plain characters (3 bytes or more) that every match of `pattern` contains; `nil` when the
    /// pattern has an alternation at the top level, or no such run. Conservative: a character followed by `?`, `*` or `{` is
    /// optional and ends the run without being part of it.
    package static func requiredLiteral(of pattern: String) -> [UInt8]? {
        let bytes = Array(pattern.utf8)
        // An alternation inside parentheses leaves the runs outside them required; one at the top level does not.
        guard Self.topLevelBranches(of: bytes).count == 1 else { return nil }
        var best: [UInt8] = []
        var run: [UInt8] = []
        // Inside parentheses a run may belong to an optional or repeated group: only runs outside count.
        var depth = 0
        var index = 0
        func endRun() {
            if run.count > best.count { best = run }
            run = []
        }
        while index < bytes.count {
            let byte = bytes[index]
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            let optionalNext = next == UInt8(ascii: "?") || next == UInt8(ascii: "*") || next == UInt8(ascii: "{")
            switch byte {
            case UInt8(ascii: "\\"):
                // An escaped punctuation character is itself; `\w`, `\b`, `\<` and the like are classes or anchors.
                guard index + 1 < bytes.count, !isIdentifierByte(next), next != UInt8(ascii: "<"), next != UInt8(ascii: ">"),
                    next != UInt8(ascii: "`"), next != UInt8(ascii: "'")
                else {
                    endRun()
                    index += 2
                    continue
                }
                let afterNext = index + 2 < bytes.count ? bytes[index + 2] : 0
                if afterNext == UInt8(ascii: "?") || afterNext == UInt8(ascii: "*") || afterNext == UInt8(ascii: "{") || depth > 0 {
                    endRun()
                } else {
                    run.append(next)
                }
                index += 2
                continue
            case UInt8(ascii: "["):
                endRun()
                index = Self.endOfBracket(bytes, from: index)
                continue
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"), UInt8(ascii: "+"),
                UInt8(ascii: "?"), UInt8(ascii: "*"), UInt8(ascii: "{"), UInt8(ascii: "}"):
                endRun()
                if byte == UInt8(ascii: "(") { depth += 1 }
                if byte == UInt8(ascii: ")") { depth = max(0, depth - 1) }
                if byte == UInt8(ascii: "{") {
                    while index < bytes.count, bytes[index] != UInt8(ascii: "}") { index += 1 }
                }
            default:
                if optionalNext || depth > 0 {
                    endRun()
                } else {
                    run.append(byte)
                }
            }
            index += 1
        }
        endRun()
        return best.count >= 3 ? best : nil
    }
}

@inline(__always) package func asciiLowercased(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
}

@inline(__always) package func asciiUppercased(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
}
