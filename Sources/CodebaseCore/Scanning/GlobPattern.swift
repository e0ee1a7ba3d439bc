/// A `.gitignore` glob: `*` and `?` stop at `/`, `[...]` classes (with ranges and `!`/`^` negation), `\` escapes,
/// and `**` as a whole path segment matching any number of directories.
package struct GlobPattern: Sendable, Hashable {
    package let bytes: [UInt8]

    package init(_ pattern: String) {
        self.bytes = Array(pattern.utf8)
    }

    /// True when the whole of `text` (a `/`-separated relative path) matches.
    package func matches(_ text: some Collection<UInt8>) -> Bool {
        let text = Array(text)
        return Self.match(self.bytes, 0, text, 0)
    }

    private static let slash = UInt8(ascii: "/")
    private static let star = UInt8(ascii: "*")

    private static func match(_ p: [UInt8], _ pStart: Int, _ t: [UInt8], _ tStart: Int) -> Bool {
        var pi = pStart
        var ti = tStart
        while pi < p.count {
            let c = p[pi]
            switch c {
            case star:
                if pi + 1 < p.count, p[pi + 1] == star, pi == 0 || p[pi - 1] == slash, pi + 2 == p.count || p[pi + 2] == slash {
                    // `**` as a whole segment.
                    if pi + 2 == p.count { return true }
                    // `**/rest`: the rest matches here or after any `/` further on.
                    let rest = pi + 3
                    if match(p, rest, t, ti) { return true }
                    var k = ti
                    while k < t.count {
                        if t[k] == slash, match(p, rest, t, k + 1) { return true }
                        k += 1
                    }
                    return false
                }
                // A plain `*` (a `**` inside a segment counts as one): any run without `/`.
                var next = pi + 1
                while next < p.count, p[next] == star { next += 1 }
                if next == p.count { return !t[ti...].contains(slash) }
                var k = ti
                while true {
                    if match(p, next, t, k) { return true }
                    if k == t.count || t[k] == slash { return false }
                    k += 1
                }
            case UInt8(ascii: "?"):
                guard ti < t.count, t[ti] != slash else { return false }
                pi += 1
                ti += 1
            case UInt8(ascii: "["):
                guard ti < t.count, t[ti] != slash else { return false }
                guard let (matched, end) = matchClass(p, pi, t[ti]) else {
                    // An unclosed `[` is a literal.
                    guard t[ti] == c else { return false }
                    pi += 1
                    ti += 1
                    continue
                }
                guard matched else { return false }
                pi = end
                ti += 1
            case UInt8(ascii: "\\") where pi + 1 < p.count:
                guard ti < t.count, t[ti] == p[pi + 1] else { return false }
                pi += 2
                ti += 1
            default:
                guard ti < t.count, t[ti] == c else { return false }
                pi += 1
                ti += 1
            }
        }
        return ti == t.count
    }

    /// Matches one byte against the class starting at `p[start] == "["`; `nil` when the class is not closed.
    private static func matchClass(_ p: [UInt8], _ start: Int, _ byte: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negated = false
        if i < p.count, p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^") {
            negated = true
            i += 1
        }
        var matched = false
        var first = true
        while i < p.count {
            var c = p[i]
            if c == UInt8(ascii: "]"), !first { return (matched != negated, i + 1) }
            first = false
            if c == UInt8(ascii: "\\"), i + 1 < p.count {
                i += 1
                c = p[i]
            }
            if i + 2 < p.count, p[i + 1] == UInt8(ascii: "-"), p[i + 2] != UInt8(ascii: "]") {
                let upper = p[i + 2]
                if c <= byte, byte <= upper { matched = true }
                i += 3
            } else {
                if c == byte { matched = true }
                i += 1
            }
        }
        return nil
    }
}
