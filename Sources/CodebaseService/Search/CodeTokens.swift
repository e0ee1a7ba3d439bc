/// Code-aware tokens: an identifier is searchable whole (FTS5's `unicode61` tokenizer with `_` as a token character
/// indexes `py_scanstring` as one token) and by its parts, split at camelCase, snake_case and digit boundaries
/// (`ThreadingHTTPServer` → `threading http server`). The parts go to a column of their own, so the split never
/// disturbs the whole-token statistics.
enum CodeTokens {
    /// The parts of one identifier, lowercased: `ThreadingHTTPServer` → `["threading", "http", "server"]`,
    /// `py_scanstring` → `["py", "scanstring"]`, `utf8Decode` → `["utf", "8", "decode"]`, `__init__` → `["init"]`.
    static func parts(of identifier: some Collection<UInt8>) -> [String] {
        var result: [String] = []
        self.forEachPart(of: Array(identifier)) { part in result.append(String(decoding: part, as: UTF8.self)) }
        return result
    }

    /// The parts of every distinct identifier in `text` whose parts differ from the identifier itself, lowercased and
    /// separated by spaces. Pure digits and identifiers without boundaries add nothing.
    static func splitDocument(_ text: some StringProtocol) -> String {
        self.splitDocument(Array(text.utf8)[...])
    }

    /// `splitDocument` over UTF-8 bytes.
    static func splitDocument(_ utf8: ArraySlice<UInt8>) -> String {
        var output: [UInt8] = []
        // Identifiers already added, by an FNV-1a hash computed while scanning, with where each one was seen: a hit
        // is confirmed by comparing bytes, so a collision never drops an identifier.
        var seen: [UInt64: Range<Int>] = [:]
        var index = utf8.startIndex
        let count = utf8.endIndex
        while index < count {
            guard isIdentifierByte(utf8[index]) && utf8[index] != UInt8(ascii: "$") else {
                index += 1
                continue
            }
            let start = index
            var hasBoundary = false
            var previous: UInt8 = 0
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            while index < count, isIdentifierByte(utf8[index]), utf8[index] != UInt8(ascii: "$") {
                let byte = utf8[index]
                if byte == UInt8(ascii: "_") || (isUpper(byte) && index > start) || (isDigit(byte) != isDigit(previous) && index > start) {
                    hasBoundary = true
                }
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
                previous = byte
                index += 1
            }
            guard hasBoundary else { continue }
            let word = utf8[start..<index]
            if let earlier = seen[hash] {
                if utf8[earlier].elementsEqual(word) { continue }
            } else {
                seen[hash] = start..<index
            }
            let mark = output.count
            if !output.isEmpty { output.append(UInt8(ascii: " ")) }
            let (partCount, partBytes) = self.appendParts(of: word, to: &output)
            // `HTTP` splits into itself: nothing to add.
            if partCount == 0 || (partCount == 1 && partBytes == word.count) { output.removeLast(output.count - mark) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Calls `body` with each lowercased part of `word`, in order; a word made only of digits yields nothing.
    static func forEachPart(of word: ArraySlice<UInt8>, _ body: ([UInt8]) -> Void) {
        let bytes = word
        if bytes.allSatisfy(isDigit) { return }
        var part: [UInt8] = []
        var index = bytes.startIndex
        // The previous byte as written: `part` holds it lowercased.
        var previous: UInt8 = 0
        func flush() {
            if !part.isEmpty { body(part) }
            part.removeAll(keepingCapacity: true)
        }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "_") {
                flush()
                previous = byte
                index += 1
                continue
            }
            if !part.isEmpty {
                let next: UInt8 = index + 1 < bytes.endIndex ? bytes[index + 1] : 0
                let lowerToUpper = isUpper(byte) && !isUpper(previous) && !isDigit(previous)
                // `HTTPServer`: the `S` starts a new part because a lowercase letter follows it.
                let acronymEnd = isUpper(byte) && isUpper(previous) && isLower(next)
                let digitEdge = isDigit(byte) != isDigit(previous)
                if lowerToUpper || acronymEnd || digitEdge { flush() }
            }
            part.append(isUpper(byte) ? byte + 32 : byte)
            previous = byte
            index += 1
        }
        flush()
    }

    /// Appends the lowercased parts of `word` to `output`, separated by spaces, without allocating; answers how many
    /// parts and how many bytes of parts it wrote. The same rules as `forEachPart`.
    static func appendParts(of word: ArraySlice<UInt8>, to output: inout [UInt8]) -> (parts: Int, bytes: Int) {
        if word.allSatisfy(isDigit) { return (0, 0) }
        var parts = 0
        var bytes = 0
        var inPart = false
        var previous: UInt8 = 0
        var index = word.startIndex
        while index < word.endIndex {
            let byte = word[index]
            if byte == UInt8(ascii: "_") {
                inPart = false
                previous = byte
                index += 1
                continue
            }
            if inPart {
                let next: UInt8 = index + 1 < word.endIndex ? word[index + 1] : 0
                let lowerToUpper = isUpper(byte) && !isUpper(previous) && !isDigit(previous)
                let acronymEnd = isUpper(byte) && isUpper(previous) && isLower(next)
                if lowerToUpper || acronymEnd || isDigit(byte) != isDigit(previous) { inPart = false }
            }
            if !inPart {
                if parts > 0 { output.append(UInt8(ascii: " ")) }
                parts += 1
                inPart = true
            }
            output.append(isUpper(byte) ? byte + 32 : byte)
            bytes += 1
            previous = byte
            index += 1
        }
        return (parts, bytes)
    }

    static func forEachPart(of word: [UInt8], _ body: ([UInt8]) -> Void) {
        self.forEachPart(of: word[...], body)
    }

    @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") }
    @inline(__always) static func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
