import Foundation

/// A user's search text turned into an FTS5 `MATCH` expression that uses none of the user's characters as syntax.
///
/// The text is cut into words (letters, digits and `_`); everything else, quotes, `*`, `:`, parentheses and the like,
/// only separates words. Each word becomes a quoted FTS5 string, so `AND`, `NEAR` or `OR` typed by a user are plain
/// words too. A word with camelCase, snake_case or digit boundaries matches either whole or by all its parts:
/// `ThreadingHTTPServer` → `("threadinghttpserver" OR ("threading" AND "http" AND "server"))`.
package struct SearchQuery: Sendable, Hashable {
    /// One FTS5 term per distinct word, in the order typed.
    package let terms: [String]
    /// The one word typed, as typed, when the query is a single identifier (`HTTPConnection`, `parse_config`): its
    /// declarations are ranked first.
    package let identifier: String?

    /// At most this many words are used; the rest of a very long query is ignored.
    package static let maxTerms = 32

    package init(_ text: String) {
        var terms: [String] = []
        var seen = Set<String>()
        for word in Self.words(in: text) {
            let lower = word.lowercased()
            guard seen.insert(lower).inserted else { continue }
            terms.append(Self.term(word: word, lower: lower))
            if terms.count == Self.maxTerms { break }
        }
        self.terms = terms
        let words = Self.words(in: text)
        self.identifier = words.count == 1 && words[0].first.map { $0 == "_" || $0.isLetter } == true ? String(words[0]) : nil
    }

    package var isEmpty: Bool { self.terms.isEmpty }

    /// Every word must match: the first try.
    package var matchAll: String { self.terms.joined(separator: " AND ") }

    /// Any word may match: the fallback when no chunk has them all.
    package var matchAny: String { self.terms.joined(separator: " OR ") }

    /// Runs of letters, digits and `_`, the characters FTS5's `unicode61` tokenizer (with `_` added) keeps in tokens.
    package static func words(in text: String) -> [Substring] {
        var words: [Substring] = []
        var start: String.Index?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if Self.isWordCharacter(character) {
                if start == nil { start = index }
            } else if let wordStart = start {
                words.append(text[wordStart..<index])
                start = nil
            }
            index = text.index(after: index)
        }
        if let start { words.append(text[start...]) }
        return words
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character == "_" || character.isLetter || character.isNumber
    }

    private static func term(word: Substring, lower: String) -> String {
        let parts = CodeTokens.parts(of: Array(word.utf8))
        var unique: [String] = []
        for part in parts where !unique.contains(part) { unique.append(part) }
        guard !unique.isEmpty, unique != [lower] else { return quoted(lower) }
        let split = unique.count == 1 ? quoted(unique[0]) : "(" + unique.map(quoted).joined(separator: " AND ") + ")"
        return "(" + quoted(lower) + " OR " + split + ")"
    }

    /// An FTS5 string: double quotes, with any `"` inside doubled.
    package static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
