import ServiceClient
import Testing

@testable import CodebaseCore
@testable import CodebaseService

/// What a regex scan may skip before the C library's matcher sees a line (`ClassSequence`, `ByteSet`), checked
/// against that matcher itself: a prefilter may only ever skip lines that hold no match.
@Suite("Regex prefilters")
struct RegexPrefilterTests {
    @Test("the byte classes every match holds in a row are found, and nothing is claimed where the reading gives up")
    func classSequences() {
        func classes(_ pattern: String) -> [Int]? { ClassSequence(pattern: pattern, caseSensitive: true)?.classes.map(\.count) }
        #expect(classes("[0-9]+\\.[0-9]+\\.[0-9]+") == [10, 1, 10])
        #expect(ClassSequence(pattern: "[0-9]+\\.[0-9]+", caseSensitive: true)?.anchor == 1)
        // No class of the run is small enough to look for first.
        #expect(classes("[[:upper:]][a-z]+") == nil)
        #expect(classes("[[:upper:]]_[a-z]") == [26, 1, 26])
        #expect(classes("x*y") == nil)
        #expect(classes("a|bc") == nil)
        #expect(classes("(ab)+c") == nil)
        #expect(classes("^[0-9]") == nil)
        #expect(classes("[0-9]{2,4}-[0-9]") == [10, 1, 10])
        #expect(classes("[0-9]+?x") == nil)
        #expect(classes("\\bq[0-9]") == [1, 10])
        // Case-blind: the letter class holds both cases.
        #expect(ClassSequence(pattern: "q[0-9]", caseSensitive: false)?.classes.map(\.count) == [2, 10])
    }

    @Test("bracket expressions and escapes admit exactly the bytes glibc's matcher does, one byte at a time")
    func byteSetsAgreeWithGlibc() throws {
        let expressions = [
            "[0-9]", "[^0-9]", "[a-fA-F0-9_]", "[]a]", "[^]a]", "[a-]", "[-a]", "[[:alpha:]]", "[[:digit:][:space:]]",
            "[[:punct:]]", "[^[:alnum:]_]", "[[:xdigit:]]", "[[:upper:][:lower:]]", "[[:blank:]]", "[[:cntrl:]]",
            "[[:graph:]]", "[[:print:]]", "[.]", "[\\\\]", "\\w", "\\W", "\\s", "\\S", "\\.", "\\(", ".",
        ]
        for expression in expressions {
            let bytes = Array(expression.utf8)
            let set: ByteSet? =
                switch bytes[0] {
                case UInt8(ascii: "["): ByteSet(bracket: bytes[...])
                case UInt8(ascii: "\\"): ByteSet(escaped: bytes[1])
                default: ByteSet.all.removing(0x0A)
                }
            let known = try #require(set, "\(expression)")
            let regex = try PosixRegex("^" + expression + "$", caseSensitive: true)
            for byte in UInt8(1)...UInt8(127) where byte != 0x0A {
                let matched = [byte].withUnsafeBufferPointer { regex.firstMatch(in: $0, from: 0, to: 1, atLineStart: true) != nil }
                #expect(known.contains(byte) == matched, "\(expression) and byte \(byte)")
            }
        }
    }

    @Test("a scan with the prefilters finds every line the matcher alone finds, over seeded random patterns and texts")
    func prefiltersLoseNoLine() throws {
        var generator = TextScanningTests.Generator(state: 99)
        let pieces = ["[0-9]", "[0-9]+", "\\.", "a", "b+", "[ab]", "[^a\\n]", ".", "x?", "[[:digit:]]", "\\w", "-", "(a|b)", "[A-Z]"]
        let alphabet = Array("ab1.2-Ax \n".utf8)
        var withClasses = 0
        for round in 0..<400 {
            let pattern = (0..<(2 + generator.next(3))).map { _ in pieces[generator.next(pieces.count)] }.joined()
            let caseSensitive = generator.next(2) == 0
            let compiled = try GrepPattern(pattern: pattern, regex: true, caseSensitive: caseSensitive, wholeWord: false)
            if compiled.classes != nil { withClasses += 1 }
            // As in the corpus, every line ends with a newline.
            let text = (0..<(20 + generator.next(200))).map { _ in alphabet[generator.next(alphabet.count)] } + [0x0A]
            let file = GrepCorpus.File(
                digest: StoredFileDigest(fileID: 1, repository: "r", path: "f.txt", language: "text", fileExtension: "txt", contentHash: []),
                text: text,
                chunkOffsets: [0],
                chunkLines: [1],
                chunkIDs: [ChunkID(digest: Array(repeating: 1, count: 32))]
            )
            let scan = GrepScan(pattern: compiled, filter: SearchFilter(), limit: 1000, deadline: .now + .seconds(30))
            let found = scan.run([file]).matches.map(\.line)
            let regex = try PosixRegex(pattern, caseSensitive: caseSensitive)
            var expected: [Int] = []
            var lineStart = 0
            for (number, index) in text.indices.filter({ text[$0] == 0x0A }).enumerated() {
                let hit = text.withUnsafeBufferPointer { regex.firstMatch(in: $0, from: lineStart, to: index, atLineStart: true) }
                if hit != nil { expected.append(number + 1) }
                lineStart = index + 1
            }
            #expect(found == expected, "round \(round): /\(pattern)/ case-sensitive \(caseSensitive)")
        }
        // The generator makes patterns the prefilter serves, so the comparison covers it.
        #expect(withClasses > 50, "\(withClasses) of 400 patterns had a class sequence")
    }
}
