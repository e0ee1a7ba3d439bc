/// A declaration found at the start of a line.
package struct Declaration: Sendable, Hashable {
    package enum Kind: Sendable {
        case type, function, variable, heading
    }

    package let name: String
    package let kind: Kind
    /// The keyword that declared it (`class`, `struct`, `impl`, `def`, ...); `nil` when found by its shape alone.
    package var keyword: String?
    /// The type it is a member of when the line itself says so (`Router.prototype.route = function`).
    package var container: String? = nil
}

/// Finds the declaration a line starts, if any, from its language's `DeclarationGrammar`. Heuristic by design: a
/// miss only makes chunks follow blank lines instead, and costs the name its place in the `symbols` column.
package struct DeclarationDetector: Sendable {
    package let grammar: DeclarationGrammar
    package let family: SyntaxFamily

    package init(language: Language) {
        self.grammar = DeclarationGrammar.forLanguage(language.name)
        self.family = language.family
    }

    package func detect(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to rawEnd: Int, indent: Int) -> Declaration? {
        var end = rawEnd
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        guard start < end else { return nil }
        if self.family == .markdown {
            guard bytes[start] == UInt8(ascii: "#"), indent < 4 else { return nil }
            var index = start
            while index < end, bytes[index] == UInt8(ascii: "#") { index += 1 }
            guard index < end, isSpace(bytes[index]) else { return nil }
            let title = text(bytes, skipSpaces(bytes, index, end), end)
            return title.isEmpty ? nil : Declaration(name: title, kind: .heading)
        }
        let first = bytes[start]
        guard isIdentifierStart(first) || first == UInt8(ascii: "@") || first == UInt8(ascii: "#") else { return nil }

        var index = start
        var previousWasModifier = false
        while index < end {
            let wordStart = index
            index = wordEnd(bytes, index, end)
            guard index > wordStart else { break }
            if index < end, bytes[index] == UInt8(ascii: "!") || bytes[index] == UInt8(ascii: "*"),
                self.grammar.isWord(bytes, wordStart, index + 1)
            {
                index += 1  // `macro_rules!`, `function*`
            }
            let afterWord = skipSpaces(bytes, index, end)
            // Most lines start with a word that is no keyword: tell without building a string.
            guard self.grammar.isWord(bytes, wordStart, index) else {
                if bytes[wordStart] == UInt8(ascii: "@"), index - wordStart > 1 {
                    // An inline attribute such as `@MainActor` or `@available(...)`.
                    index = skipSpaces(bytes, skipBalanced(bytes, afterWord, end, open: UInt8(ascii: "("), close: UInt8(ascii: ")")), end)
                    previousWasModifier = true
                    continue
                }
                if !previousWasModifier, indent == 0, self.grammar.topLevelAssignments, isIdentifierStart(bytes[wordStart]) {
                    // `NAME = value` or `NAME: Type = value`; not `x == y`, and not `else:` (nothing after the colon).
                    let isAssignment =
                        afterWord + 1 < end && bytes[afterWord] == UInt8(ascii: "=") && bytes[afterWord + 1] != UInt8(ascii: "=")
                    let isAnnotation = afterWord + 1 < end && bytes[afterWord] == UInt8(ascii: ":")
                    if isAssignment || isAnnotation { return Declaration(name: text(bytes, wordStart, index), kind: .variable) }
                }
                break
            }
            let word = text(bytes, wordStart, index)
            let nextEnd = wordEnd(bytes, afterWord, end)
            let nextIsKeyword = self.grammar.isWord(bytes, afterWord, nextEnd)
            let nextWord = nextIsKeyword ? text(bytes, afterWord, nextEnd) : ""

            if self.grammar.modifiers.contains(word) && (nextIsKeyword || !isKeyword(word)) {
                // `pub(crate)`, `private(set)`.
                index = skipBalanced(bytes, afterWord, end, open: UInt8(ascii: "("), close: UInt8(ascii: ")"))
                index = skipSpaces(bytes, index, end)
                previousWasModifier = true
                continue
            }
            if self.grammar.typeKeywords.contains(word) {
                if nextIsKeyword, self.grammar.functionKeywords.contains(nextWord) || self.grammar.variableKeywords.contains(nextWord) {
                    // Swift's `class func`: a modifier here.
                    index = afterWord
                    continue
                }
                return self.typeName(bytes, keyword: word, from: afterWord, to: end).map { Declaration(name: $0, kind: .type, keyword: word) }
            }
            if self.grammar.functionKeywords.contains(word) {
                if word == "init" || word == "deinit" || word == "subscript" { return Declaration(name: word, kind: .function) }
                var nameStart = afterWord
                if nameStart < end, bytes[nameStart] == UInt8(ascii: "(") {
                    // Go's method receiver: `func (s *Server) Serve(`.
                    nameStart = skipSpaces(bytes, skipBalanced(bytes, nameStart, end, open: UInt8(ascii: "("), close: UInt8(ascii: ")")), end)
                }
                let name = identifier(bytes, nameStart, end)
                return name.isEmpty ? nil : Declaration(name: name, kind: .function, keyword: word)
            }
            if self.grammar.variableKeywords.contains(word) {
                guard indent == 0 else { return nil }
                let name = identifier(bytes, afterWord, end)
                return name.isEmpty ? nil : Declaration(name: name, kind: .variable)
            }
            break
        }
        return self.grammar.signatureHeuristic ? self.signature(bytes, start, end) : nil
    }

    private func isKeyword(_ word: String) -> Bool {
        self.grammar.typeKeywords.contains(word) || self.grammar.functionKeywords.contains(word)
            || self.grammar.variableKeywords.contains(word)
    }

    /// The declared type's name; for Rust's `impl<T> Trait for Type`, the type.
    private func typeName(_ bytes: UnsafeBufferPointer<UInt8>, keyword: String, from: Int, to end: Int) -> String? {
        var index = skipBalanced(bytes, from, end, open: UInt8(ascii: "<"), close: UInt8(ascii: ">"))
        index = skipSpaces(bytes, index, end)
        var name = identifier(bytes, index, end)
        if keyword == "impl" {
            var cursor = wordEnd(bytes, index, end)
            while cursor < end {
                cursor = skipSpaces(bytes, cursor, end)
                let wordStart = cursor
                cursor = wordEnd(bytes, cursor, end)
                if cursor == wordStart {
                    cursor += 1
                    continue
                }
                if text(bytes, wordStart, cursor) == "for" {
                    let target = identifier(bytes, skipSpaces(bytes, cursor, end), end)
                    if !target.isEmpty { name = target }
                    break
                }
            }
        }
        return name.isEmpty ? nil : name
    }

    /// `type name(args) {` or, with `bareMethods`, `name(args) {`: a function by its shape.
    private func signature(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Declaration? {
        let last = bytes[end - 1]
        guard last == UInt8(ascii: "{") || last == UInt8(ascii: ")") || last == UInt8(ascii: "(") else { return nil }
        var paren = start
        while paren < end, bytes[paren] != UInt8(ascii: "(") { paren += 1 }
        guard paren < end else { return nil }
        var nameEnd = paren
        while nameEnd > start, isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
        var nameStart = nameEnd
        while nameStart > start, isIdentifierByte(bytes[nameStart - 1]) { nameStart -= 1 }
        guard nameStart < nameEnd, isIdentifierStart(bytes[nameStart]) else { return nil }
        let name = text(bytes, nameStart, nameEnd)
        guard !DeclarationGrammar.controlWords.contains(name) else { return nil }
        if nameStart == start {
            guard self.grammar.bareMethods, last == UInt8(ascii: "{") else { return nil }
            return Declaration(name: name, kind: .function)
        }
        for index in start..<nameStart {
            let byte = bytes[index]
            guard isIdentifierByte(byte) || isSpace(byte) || Self.typePunctuation.contains(byte) else { return nil }
        }
        let firstWord = text(bytes, start, wordEnd(bytes, start, nameStart))
        guard !DeclarationGrammar.controlWords.contains(firstWord) else { return nil }
        return Declaration(name: name, kind: .function)
    }

    private static let typePunctuation: Set<UInt8> = Set("*&<>:,[]~?".utf8)
}

@inline(__always) package func isSpace(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
}

@inline(__always) package func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
        || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$") || byte >= 0x80
}

@inline(__always) package func isIdentifierByte(_ byte: UInt8) -> Bool {
    isIdentifierStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
}

private func skipSpaces(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int {
    var index = from
    while index < end, isSpace(bytes[index]) { index += 1 }
    return index
}

/// The end of the word at `from`: identifier bytes, with a leading `@` or `#` allowed.
private func wordEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> Int {
    var index = from
    if index < end, bytes[index] == UInt8(ascii: "@") || bytes[index] == UInt8(ascii: "#") { index += 1 }
    while index < end, isIdentifierByte(bytes[index]) { index += 1 }
    return index
}

private func identifier(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int) -> String {
    guard from < end, isIdentifierStart(bytes[from]) else { return "" }
    var index = from
    while index < end, isIdentifierByte(bytes[index]) { index += 1 }
    return text(bytes, from, index)
}

/// Skips one balanced `open ... close` group starting at `from`, if there is one there.
private func skipBalanced(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ end: Int, open: UInt8, close: UInt8) -> Int {
    guard from < end, bytes[from] == open else { return from }
    var depth = 0
    var index = from
    while index < end {
        if bytes[index] == open { depth += 1 }
        if bytes[index] == close {
            depth -= 1
            if depth == 0 { return index + 1 }
        }
        index += 1
    }
    return end
}

private func text(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
    guard from < to else { return "" }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
}
