/// The form of a regex given to PCRE2 over many lines at once: the same matches within any one line, but `\s`, `\D`,
/// `\W` and negated classes made unable to match the newline between lines. Without it `\s+$` or `"[^"]*"` would
/// find a match across nearly every line end, each to be tried again on its own line: two calls per line. Within a
/// line there is no newline, so the two forms agree there; a match that still crosses lines (`\n`, `\R`, a positive
/// class holding a newline) is tried again on its line as before.
extension GrepPattern {
    /// `pattern` with the newline taken out of what can match across lines; nil when it holds nothing to change, or a
    /// construct under which the rewrite would not be plain text (`\Q…\E`, comments, verbs, inline options but `i`).
    package static func windowForm(of pattern: String) -> String? {
        let bytes = Array(pattern.utf8)
        guard !pattern.contains("\\Q"), !pattern.contains("(?#"), !pattern.contains("(*") else { return nil }
        var index = 0
        var out: [UInt8] = []
        var changed = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                let replacement: String? =
                    switch bytes[index + 1] {
                    case UInt8(ascii: "s"): #"[\t\x0B\f\r ]"#
                    case UInt8(ascii: "D"): #"[^0-9\n]"#
                    case UInt8(ascii: "W"): #"[^0-9A-Za-z_\n]"#
                    default: nil
                    }
                if let replacement {
                    out += Array(replacement.utf8)
                    changed = true
                } else {
                    out += bytes[index...(index + 1)]
                }
                index += 2
                continue
            }
            if byte == UInt8(ascii: "("), index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "?"), !Self.plainGroup(bytes, at: index) {
                return nil
            }
            if byte == UInt8(ascii: "[") {
                let end = Self.endOfBracket(bytes, from: index)
                guard end <= bytes.count, bytes[end - 1] == UInt8(ascii: "]"), end - index >= 3 else { return nil }
                if bytes[index + 1] == UInt8(ascii: "^") {
                    out += bytes[index..<(end - 1)] + Array(#"\n]"#.utf8)
                    changed = true
                } else {
                    out += bytes[index..<end]
                }
                index = end
                continue
            }
            out.append(byte)
            index += 1
        }
        return changed ? String(decoding: out, as: UTF8.self) : nil
    }

    /// A `(?` that opens a group with no effect on `\s` and friends: non-capturing, lookaround, named, atomic, branch
    /// reset, or case options only.
    private static func plainGroup(_ bytes: [UInt8], at index: Int) -> Bool {
        let rest = String(decoding: bytes[(index + 2)...].prefix(4), as: UTF8.self)
        return [":", "=", "!", "<=", "<!", ">", "|", "i)", "i:", "-i)", "-i:"].contains { rest.hasPrefix($0) }
            || (rest.hasPrefix("<") && rest.dropFirst().first.map { $0.isLetter || $0 == "_" } == true)
    }
}
