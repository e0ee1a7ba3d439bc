/// A set of bytes, as one item of a POSIX regular expression matches them in the C locale: a literal, `.`, a bracket
/// expression, `\w` and the like. Used only to rule text out (`ClassSequence`), so where it cannot tell exactly it
/// gives up (nil) rather than guess.
package struct ByteSet: Sendable, Equatable {
    private var words: [UInt64] = [0, 0, 0, 0]

    package init() {}

    package init(_ byte: UInt8) {
        self.insert(byte)
    }

    package init(_ bytes: ClosedRange<UInt8>) {
        for byte in bytes { self.insert(byte) }
    }

    package static let all = ByteSet(0...255)

    package func contains(_ byte: UInt8) -> Bool {
        self.words[Int(byte >> 6)] & (1 << UInt64(byte & 63)) != 0
    }

    package var count: Int { self.words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The smallest byte in the set.
    package var first: UInt8? { (0...255).first { self.contains(UInt8($0)) }.map(UInt8.init) }

    package mutating func insert(_ byte: UInt8) {
        self.words[Int(byte >> 6)] |= 1 << UInt64(byte & 63)
    }

    package mutating func formUnion(_ other: ByteSet) {
        for index in 0..<4 { self.words[index] |= other.words[index] }
    }

    package func removing(_ byte: UInt8) -> ByteSet {
        var set = self
        set.words[Int(byte >> 6)] &= ~(1 << UInt64(byte & 63))
        return set
    }

    /// Every byte not in the set but the newline, which with `REG_NEWLINE` no non-matching list matches.
    package func inverted() -> ByteSet {
        var set = self
        for index in 0..<4 { set.words[index] = ~set.words[index] }
        return set.removing(0x0A)
    }

    /// The set with the other case of each ASCII letter in it, as `REG_ICASE` matches.
    package func foldingCase() -> ByteSet {
        var set = self
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") where self.contains(byte) || self.contains(byte + 32) {
            set.insert(byte)
            set.insert(byte + 32)
        }
        return set
    }

    /// What `\c` matches: a class for `w`, `W`, `s`, `S`, the character itself for punctuation; nil for an anchor
    /// (`\b`, `\<`, ...) or a letter or digit whose meaning this reading does not follow.
    package init?(escaped byte: UInt8) {
        switch byte {
        case UInt8(ascii: "w"): self = Self.named("alnum")!.union(ByteSet(UInt8(ascii: "_")))
        case UInt8(ascii: "W"): self = Self.named("alnum")!.union(ByteSet(UInt8(ascii: "_"))).inverted()
        case UInt8(ascii: "s"): self = Self.named("space")!
        case UInt8(ascii: "S"): self = Self.named("space")!.inverted()
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "`"), UInt8(ascii: "'"): return nil
        default:
            guard byte < 0x80, !isIdentifierByte(byte) else { return nil }
            self.init(byte)
        }
    }

    /// The bytes a bracket expression (`[` to its `]`, both included) matches; nil for one with a collating element
    /// (`[.x.]`, `[=x=]`), a class this reading does not know, or a non-ASCII byte.
    package init?(bracket: ArraySlice<UInt8>) {
        let bytes = Array(bracket)
        guard bytes.count >= 3, bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return nil }
        let close = bytes.count - 1
        var index = 1
        let negated = bytes[index] == UInt8(ascii: "^")
        if negated { index += 1 }
        var set = ByteSet()
        // A `]` first in the list is a member; the loop stops only at the last one, which closes the list.
        while index < close {
            let byte = bytes[index]
            if byte == UInt8(ascii: "["), index + 1 < close, [UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "=")].contains(bytes[index + 1]) {
                guard bytes[index + 1] == UInt8(ascii: ":"),
                    let end = (index + 2..<close).first(where: { bytes[$0] == UInt8(ascii: ":") && bytes[$0 + 1] == UInt8(ascii: "]") }),
                    let named = Self.named(String(decoding: bytes[(index + 2)..<end], as: UTF8.self))
                else { return nil }
                set.formUnion(named)
                index = end + 2
                continue
            }
            guard byte < 0x80 else { return nil }
            // `a-z`, unless the `-` is the last member (then it is itself); a `]` first in the list is itself.
            if index + 2 < close, bytes[index + 1] == UInt8(ascii: "-") {
                let upper = bytes[index + 2]
                guard upper < 0x80, upper != UInt8(ascii: "["), upper >= byte else { return nil }
                set.formUnion(ByteSet(byte...upper))
                index += 3
                continue
            }
            set.insert(byte)
            index += 1
        }
        self = negated ? set.inverted() : set
    }

    package func union(_ other: ByteSet) -> ByteSet {
        var set = self
        set.formUnion(other)
        return set
    }

    /// A POSIX character class in the C locale.
    package static func named(_ name: String) -> ByteSet? {
        let upper = ByteSet(UInt8(ascii: "A")...UInt8(ascii: "Z"))
        let lower = ByteSet(UInt8(ascii: "a")...UInt8(ascii: "z"))
        let digit = ByteSet(UInt8(ascii: "0")...UInt8(ascii: "9"))
        switch name {
        case "upper": return upper
        case "lower": return lower
        case "digit": return digit
        case "alpha": return upper.union(lower)
        case "alnum": return upper.union(lower).union(digit)
        case "xdigit": return digit.union(ByteSet(UInt8(ascii: "A")...UInt8(ascii: "F"))).union(ByteSet(UInt8(ascii: "a")...UInt8(ascii: "f")))
        case "space": return ByteSet(0x09...0x0D).union(ByteSet(0x20))
        case "blank": return ByteSet(0x09).union(ByteSet(0x20))
        case "cntrl": return ByteSet(0x00...0x1F).union(ByteSet(0x7F))
        case "print": return ByteSet(0x20...0x7E)
        case "graph": return ByteSet(0x21...0x7E)
        case "punct": return ByteSet(0x21...0x7E).subtracting(upper.union(lower).union(digit))
        default: return nil
        }
    }

    package func subtracting(_ other: ByteSet) -> ByteSet {
        var set = self
        for index in 0..<4 { set.words[index] &= ~other.words[index] }
        return set
    }
}
