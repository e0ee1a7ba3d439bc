import Testing

@testable import CodebaseCore
@testable import CodebaseService

/// The byte-level helpers under grep and search context, against plain reference versions over seeded random text.
@Suite("Text scanning")
struct TextScanningTests {
    /// A small deterministic generator (SplitMix64), so a failure names a reproducible case.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    /// The first `needle` in `text[from..<end]`, comparing bytes one by one (the needle lowercased when case does not matter).
    static func reference(_ needle: [UInt8], _ text: [UInt8], from: Int, to end: Int, caseSensitive: Bool) -> Range<Int>? {
        guard !needle.isEmpty, needle.count <= end - from else { return nil }
        for start in from...(end - needle.count) {
            let candidate = text[start..<(start + needle.count)].map { caseSensitive ? $0 : asciiLowercased($0) }
            if candidate == needle { return start..<(start + needle.count) }
        }
        return nil
    }

    @Test("the rarest-byte literal finder agrees with a byte-by-byte search, in both case modes")
    func literalFinderAgrees() {
        var generator = Generator(state: 42)
        // Few distinct bytes, both cases and a rare `_` or `Q`, so matches and near misses are frequent.
        let alphabet = Array("aAbBsS_Qe \n".utf8)
        for round in 0..<3000 {
            let text = (0..<generator.next(60)).map { _ in alphabet[generator.next(alphabet.count)] }
            var needle = (0..<(1 + generator.next(4))).map { _ in alphabet[generator.next(alphabet.count)] }
            if !text.isEmpty, generator.next(2) == 0 {
                // Often a needle taken from the text itself.
                let start = generator.next(text.count)
                needle = Array(text[start..<min(text.count, start + 1 + generator.next(5))])
            }
            let caseSensitive = generator.next(2) == 0
            if !caseSensitive { needle = needle.map(asciiLowercased) }
            let from = text.isEmpty ? 0 : generator.next(text.count)
            let end = from + generator.next(text.count - from + 1)
            let expected = Self.reference(needle, text, from: from, to: end, caseSensitive: caseSensitive)
            let found = text.withUnsafeBufferPointer { LiteralSearch.find(needle, in: $0, from: from, to: end, caseSensitive: caseSensitive) }
            #expect(found == expected, "round \(round): \(String(decoding: needle, as: UTF8.self)) in \(String(decoding: text, as: UTF8.self))")
        }
    }

    @Test("a trigram filter never rules out a text that holds the literal, in either case, and rules out most that do not")
    func trigramFilterHasNoFalseNegatives() {
        var generator = Generator(state: 7)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCXYZ_0123456789 .(\n".utf8)
        var ruledOut = 0
        var absent = 0
        for round in 0..<500 {
            let text = (0..<(3 + generator.next(3000))).map { _ in alphabet[generator.next(alphabet.count)] }
            let filter = TrigramFilter(text)
            let start = generator.next(text.count - 2)
            let present = Array(text[start..<min(text.count, start + 3 + generator.next(8))])
            // The filter is case-blind: the literal as found, and with its letters' case flipped.
            let flipped = present.map { asciiLowercased($0) == $0 ? asciiUppercased($0) : asciiLowercased($0) }
            #expect(filter.mayContain(TrigramProbe(present)!), "round \(round)")
            #expect(filter.mayContain(TrigramProbe(flipped)!), "round \(round)")
            let other = (0..<8).map { _ in alphabet[generator.next(alphabet.count)] }
            let reference = text.withUnsafeBufferPointer { LiteralSearch.find(other.map(asciiLowercased), in: $0, from: 0, to: $0.count, caseSensitive: false) }
            if reference == nil {
                absent += 1
                if !filter.mayContain(TrigramProbe(other)!) { ruledOut += 1 }
            }
        }
        #expect(TrigramProbe(Array("ab".utf8)) == nil)
        // Not a bound on the false-positive rate, which depends on the text; only that the filter does its work.
        #expect(ruledOut * 2 > absent, "\(ruledOut) of \(absent) absent literals ruled out")
    }

    @Test("context lines are cut at newline bytes, the last line without one included, only the lines asked")
    func contextLines() {
        let content = "one\r\ntwo\n\nfour\nfive"
        #expect(GRDBChunkStore.lines(of: content, firstLine: 10, in: 10..<12) == ["one\r", "two"])
        #expect(GRDBChunkStore.lines(of: content, firstLine: 10, in: 12..<20) == ["", "four", "five"])
        #expect(GRDBChunkStore.lines(of: content, firstLine: 10, in: 14..<15) == ["five"])
        #expect(GRDBChunkStore.lines(of: content, firstLine: 10, in: 15..<18) == [])
        #expect(GRDBChunkStore.lines(of: content, firstLine: 10, in: 5..<10) == [])
        #expect(GRDBChunkStore.lines(of: "a\n", firstLine: 1, in: 1..<3) == ["a", ""])
        #expect(GRDBChunkStore.lines(of: "", firstLine: 1, in: 1..<3) == [""])
    }
}
