/// How both services measure and judge the text a request brings. Every length limit of the contract counts Unicode
/// code points (scalars): the unit JSON Schema's `maxLength` counts, and one that bounds what is stored, at most 4
/// UTF-8 bytes each. `String.count` would count grapheme clusters instead, and one cluster can hold any number of
/// combining marks: `a` and 300,000 of them are one `Character` but 600 KB. "Not blank" means visible text.
public enum RequestText {
    /// The unit of every text limit, as error messages and the docs name it.
    public static let unit = "characters (Unicode code points)"

    /// True when `text` holds a control character (U+0000 to U+001F, U+007F), which ids and references may not: they
    /// are echoed inside one-line warnings, which a newline would break.
    public static func containsControlCharacter(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 == 0x7F }
    }

    /// The length of `text` in the contract's unit: Unicode code points.
    public static func length(_ text: String) -> Int {
        text.unicodeScalars.count
    }

    /// Whether the length of `text` is in `range`, without counting past its upper bound.
    public static func length(of text: String, isIn range: ClosedRange<Int>) -> Bool {
        var count = 0
        for _ in text.unicodeScalars {
            count += 1
            if count > range.upperBound { return false }
        }
        return range.contains(count)
    }

    /// True when nothing in `text` would show: it is empty, or made only of whitespace, zero-width and other format
    /// characters, combining marks without a base, control characters and the like (`isVisible`).
    public static func isBlank(_ text: String) -> Bool {
        !text.unicodeScalars.contains(where: self.isVisible)
    }

    /// Whether `scalar` shows something on its own. Not visible: whitespace (Unicode's White_Space), the default
    /// ignorable code points (zero-width space U+200B, joiners U+200C and U+200D, word joiner U+2060, byte order mark
    /// U+FEFF, variation selectors, Hangul fillers, tags, ...), noncharacters, and the general categories of marks
    /// (Mn, Mc, Me), format (Cf), control (Cc), separators (Zs, Zl, Zp) and surrogates; also U+2800 BRAILLE PATTERN
    /// BLANK, a symbol that draws nothing and a known way to make a name look empty. Unassigned code points count
    /// as visible: a newer Unicode than this runtime's may have given them a glyph (an emoji, say).
    public static func isVisible(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isWhitespace || properties.isDefaultIgnorableCodePoint || properties.isNoncharacterCodePoint {
            return false
        }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .format, .control, .spaceSeparator, .lineSeparator, .paragraphSeparator, .surrogate:
            return false
        default:
            return scalar != "\u{2800}"
        }
    }
}
