#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Two or three byte classes that every match of a regex holds at consecutive positions, for a regex with no literal
/// to look for: `[0-9]+\.[0-9]+` holds a digit, a dot and a digit in a row. The scan looks for the most selective class
/// (a single byte through `memchr`) and checks its neighbours, so only the lines that hold the sequence are given to
/// the C library's matcher, which would otherwise run over every byte. Derived conservatively: any construct it does
/// not understand (a group, an alternation, an anchor, a non-ASCII byte, `[=x=]`) breaks the sequence, so a line it
/// rules out can never hold a match.
package struct ClassSequence: Sendable {
    package let classes: [ByteSet]
    /// The index in `classes` of the class the scan looks for first.
    package let anchor: Int

    /// A class looked for first must be at most this large: a larger one stops the scan too often to pay.
    package static let anchorLimit = 16

    package init?(pattern: String, caseSensitive: Bool) {
        guard let atoms = Self.atoms(of: Array(pattern.utf8)) else { return nil }
        let folded = atoms.map { atom in Atom(set: caseSensitive ? atom.set : atom.set?.foldingCase(), min: atom.min, max: atom.max) }
        // The runs of 2 or 3 atoms that every match holds side by side: each at least once, the inner one exactly once.
        // Scored by the chance that random bytes hold the run: the lower, the fewer lines reach the matcher.
        var best: (classes: [ByteSet], score: Double)?
        for start in folded.indices {
            for length in 2...3 where start + length <= folded.count {
                let run = folded[start..<(start + length)]
                guard run.allSatisfy({ $0.set != nil && $0.min >= 1 }), run.dropFirst().dropLast().allSatisfy({ $0.min == 1 && $0.max == 1 })
                else { continue }
                let classes = run.map { $0.set! }
                let score = classes.reduce(1.0) { $0 * Double($1.count) / 256 }
                if best.map({ score < $0.score }) ?? true { best = (classes, score) }
            }
        }
        guard let best, let anchor = best.classes.indices.min(by: { best.classes[$0].count < best.classes[$1].count }),
            best.classes[anchor].count <= Self.anchorLimit
        else { return nil }
        self.classes = best.classes
        self.anchor = anchor
    }

    /// The start of the first occurrence of the sequence in `text[from..<end]`.
    package func find(in text: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> Int? {
        guard let base = text.baseAddress, end - from >= self.classes.count else { return nil }
        let anchorClass = self.classes[self.anchor]
        let single = anchorClass.count == 1 ? anchorClass.first : nil
        // The anchor of an occurrence starting at `start` is at `start + anchor`.
        var position = from + self.anchor
        let lastAnchor = end - self.classes.count + self.anchor
        while position <= lastAnchor {
            if let single {
                guard let hit = memchr(base + position, Int32(single), lastAnchor - position + 1) else { return nil }
                position = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            } else if !anchorClass.contains(text[position]) {
                position += 1
                continue
            }
            let start = position - self.anchor
            if self.classes.indices.allSatisfy({ self.classes[$0].contains(text[start + $0]) }) { return start }
            position += 1
        }
        return nil
    }

    /// One item of the pattern's top level: the bytes it matches (nil when not one byte from a known set) and how often.
    package struct Atom {
        package let set: ByteSet?
        package let min: Int
        package let max: Int
    }

    /// The pattern's top-level items with their repetition; nil for a pattern with an alternation or a quantifier the
    /// reading does not follow.
    package static func atoms(of bytes: [UInt8]) -> [Atom]? {
        var atoms: [Atom] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            var set: ByteSet?
            switch byte {
            case UInt8(ascii: "|"):
                return nil
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
                // A quantifier with nothing before it to repeat, or a second one: not followed.
                return nil
            case UInt8(ascii: "("):
                guard let close = GrepPattern.groupEnd(bytes, from: index) else { return nil }
                index = close + 1
            case UInt8(ascii: "["):
                let end = GrepPattern.endOfBracket(bytes, from: index)
                set = ByteSet(bracket: bytes[index..<end])
                index = end
            case UInt8(ascii: "\\"):
                guard index + 1 < bytes.count else { return nil }
                set = ByteSet(escaped: bytes[index + 1])
                index += 2
            case UInt8(ascii: "."):
                set = ByteSet.all.removing(0x0A)
                index += 1
            case UInt8(ascii: "^"), UInt8(ascii: "$"):
                index += 1
            default:
                set = byte < 0x80 ? ByteSet(byte) : nil
                index += 1
            }
            guard let (min, max, next) = Self.quantifier(bytes, at: index) else { return nil }
            atoms.append(Atom(set: set, min: min, max: max))
            index = next
        }
        return atoms
    }

    /// The repetition written at `index` (`*`, `+`, `?`, `{m}`, `{m,}`, `{m,n}`, or none) and the index after it; nil
    /// for one the reading does not follow (two in a row, a malformed interval).
    package static func quantifier(_ bytes: [UInt8], at index: Int) -> (min: Int, max: Int, next: Int)? {
        guard index < bytes.count else { return (1, 1, index) }
        let result: (Int, Int, Int)
        switch bytes[index] {
        case UInt8(ascii: "*"): result = (0, Int.max, index + 1)
        case UInt8(ascii: "+"): result = (1, Int.max, index + 1)
        case UInt8(ascii: "?"): result = (0, 1, index + 1)
        case UInt8(ascii: "{"):
            guard let close = bytes[index...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
            let bounds = String(decoding: bytes[(index + 1)..<close], as: UTF8.self).split(separator: ",", omittingEmptySubsequences: false)
            guard let low = Int(bounds[0]), bounds.count <= 2 else { return nil }
            let high = bounds.count == 1 ? low : (bounds[1].isEmpty ? Int.max : Int(bounds[1]) ?? -1)
            guard high >= low else { return nil }
            result = (low, high, close + 1)
        default: return (1, 1, index)
        }
        if result.2 < bytes.count, [UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{")].contains(bytes[result.2]) {
            return nil
        }
        return result
    }
}
