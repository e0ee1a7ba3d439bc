import ServiceClient

/// A validated `POST /mcp/grep` pattern, ready to run: a literal byte string or a PCRE2 pattern, and literals one of
/// which every match must contain (when they can be told), which rule files and lines out with a plain substring search.
package struct GrepPattern: Sendable {
    package enum Matcher: Sendable {
        /// Bytes to find; ASCII-lowercased when the search ignores case.
        case literal([UInt8])
        case regex(PCRERegex)
    }

    package static let lengths = ContractLimits.grepPatternLength

    package let matcher: Matcher
    package let caseSensitive: Bool
    package let wholeWord: Bool
    /// Literals one of which every match contains (ASCII-lowercased when the search ignores case): one for most
    /// patterns, one per branch for an alternation (`TODO|FIXME`); empty when none is known.
    package let required: [[UInt8]]
    /// The regex may look past its own line (lookaround, `\A`, `\z`, a `(*VERB)`): it is then matched one line at a
    /// time; otherwise over many lines per call, each match checked again on its own line.
    package let linewise: Bool

    package init(pattern: String, regex: Bool, caseSensitive: Bool, wholeWord: Bool) throws(CodebaseError) {
        let length = RequestText.length(pattern)
        guard Self.lengths.contains(length) else {
            throw .invalid(field: "pattern", "'pattern' must be \(Self.lengths.lowerBound) to \(Self.lengths.upperBound) \(RequestText.unit) long; it has \(length).")
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
            self.linewise = false
            return
        }
        let linewise = Self.looksPastLine(pattern)
        do {
            self.matcher = .regex(try PCRERegex(pattern, caseSensitive: caseSensitive, window: linewise ? nil : Self.windowForm(of: pattern)))
        } catch {
            let bytes = Array(pattern.utf8)
            let offset = min(error.offset, bytes.count)
            let position = RequestText.length(String(decoding: bytes[..<offset], as: UTF8.self))
            throw .invalid(
                field: "pattern",
                "'pattern' is not a valid PCRE2 regular expression: \(error.message) at character \(position) (after \"\(String(decoding: bytes[..<offset], as: UTF8.self))\"). Escape a character meant literally with a backslash, or pass regex=false."
            )
        }
        self.required = Self.literalsAreSafe(pattern) ? Self.requiredLiterals(of: pattern).map(fold) : []
        self.linewise = linewise
    }

    /// Constructs under which the literal runs of the pattern text are not what it matches: inline options (`(?i)`,
    /// `(?x)`), escapes that take arguments (`\x41`, `\p{L}`, `\Q...\E`, `\g1`), backreferences and octal escapes.
    /// Such a pattern is matched without a literal prefilter.
    package static func literalsAreSafe(_ pattern: String) -> Bool {
        let bytes = Array(pattern.utf8)
        var index = 0
        while index + 1 < bytes.count {
            let byte = bytes[index]
            let next = bytes[index + 1]
            if byte == UInt8(ascii: "\\") {
                if Self.escapesWithArgument.contains(next) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(next) { return false }
                index += 2
                continue
            }
            if byte == UInt8(ascii: "("), next == UInt8(ascii: "?") || next == UInt8(ascii: "*") {
                let third = index + 2 < bytes.count ? bytes[index + 2] : 0
                // Groups that only group or assert: `(?:`, `(?=`, `(?!`, `(?<=`, `(?<!`, `(?<name>`, `(?|`, `(?>`.
                let plain: Set<UInt8> = Set(":=!<|>".utf8)
                if next == UInt8(ascii: "*") || !plain.contains(third) { return false }
            }
            index += 1
        }
        return true
    }

    private static let escapesWithArgument: Set<UInt8> = Set("xocpPNgkQEuUlL".utf8)

    /// True when a match may depend on text outside its own line: lookaround, subject anchors, `\K` or a verb.
    package static func looksPastLine(_ pattern: String) -> Bool {
        // `(*UCP)` and `(*UTF)` at the start only choose what the classes mean.
        var body = Substring(pattern)
        while let verb = ["(*UCP)", "(*UTF)"].first(where: { body.hasPrefix($0) }) { body = body.dropFirst(verb.count) }
        return ["(?=", "(?!", "(?<=", "(?<!", "(*", "\\A", "\\z", "\\Z", "\\G", "\\K"].contains { body.contains($0) }
    }

    /// The index just past the bracket expression that opens at `start`: a `]` right after `[` or `[^` is a member,
    /// a `\` escapes the byte after it, and `[:alpha:]`, `[.x.]` and `[=x=]` inside it hold a `]` of their own.
    package static func endOfBracket(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "^") { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1 }
        while index < bytes.count, bytes[index] != UInt8(ascii: "]") {
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            // PCRE2 escapes inside a class too: `[\]x]` holds `]` and `x`.
            if bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
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
