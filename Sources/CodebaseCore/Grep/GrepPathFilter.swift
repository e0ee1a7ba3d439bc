import ServiceClient

/// The `path` and `exclude` filters of a grep, as in `.gitignore`: a glob without `/` matches a file or directory name at
/// any depth (`*.min.js`, `tests`), one with `/` is relative to the repository root (`src/**/*.py`, `dist/**`), and a
/// glob that matches a directory takes everything under it. A `path` without glob characters names one file (or every
/// file under that directory), from the root.
package struct GrepPathFilter: Sendable {
    /// One validated glob.
    package struct Rule: Sendable {
        let glob: GlobPattern
        /// Compared with each component alone, at any depth.
        let anyDepth: Bool
        /// Only a directory matches (a trailing `/`): never the file's own name.
        var directoryOnly = false
        /// No glob characters: the path itself, or a directory of it.
        let plain: String?

        /// True when `path`, or one of the directories it is in, matches.
        func matches(_ path: String) -> Bool {
            if let plain { return path == plain || (path.hasPrefix(plain) && path.utf8.dropFirst(plain.utf8.count).first == UInt8(ascii: "/")) }
            let bytes = Array(path.utf8)
            var start = 0
            for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "/") {
                if self.test(bytes, from: start, to: index) { return true }
                if self.anyDepth { start = index + 1 }
            }
            return !self.directoryOnly && self.test(bytes, from: start, to: bytes.count)
        }

        private func test(_ bytes: [UInt8], from start: Int, to end: Int) -> Bool {
            self.glob.matches(bytes[(self.anyDepth ? start : 0)..<end])
        }
    }

    package static let maxExcludes = ContractLimits.maxExcludes

    package let include: Rule?
    package let exclude: [Rule]

    package init(include: Rule? = nil, exclude: [Rule] = []) {
        self.include = include
        self.exclude = exclude
    }

    /// Validates `path` and `exclude`; a glob that is malformed (an unclosed `[`, a trailing `\`, `..`, empty) is an
    /// `invalid_request` naming its field, never a filter that silently matches nothing.
    package init(path: String?, exclude: [String]?) throws(CodebaseError) {
        self.include = try path.map { text throws(CodebaseError) in try Self.rule(text, field: "path", plainIsPath: true) }
        let excludes = exclude ?? []
        guard excludes.count <= Self.maxExcludes else {
            throw .invalid(field: "exclude", "'exclude' holds at most \(Self.maxExcludes) globs; it has \(excludes.count).")
        }
        var rules: [Rule] = []
        for text in excludes { rules.append(try Self.rule(text, field: "exclude", plainIsPath: false)) }
        self.exclude = rules
    }

    package var isEmpty: Bool { self.include == nil && self.exclude.isEmpty }

    /// True when the file at `path` is searched.
    package func accepts(_ path: String) -> Bool {
        if let include, !include.matches(path) { return false }
        return !self.exclude.contains { $0.matches(path) }
    }

    private static func rule(_ text: String, field: String, plainIsPath: Bool) throws(CodebaseError) -> Rule {
        let example = field == "path" ? "\"lib/express.js\", \"src/**/*.py\" or \"*.go\"" : "\"dist/**\", \"vendor\" or \"*_test.go\""
        func refuse(_ why: String) -> CodebaseError {
            .invalid(field: field, "'\(field)' \(why): got \"\(text)\". Give a glob relative to the repository root, such as \(example).")
        }
        guard RequestText.length(of: text, isIn: 1...1000), !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw refuse("must be 1 to 1000 characters without control characters")
        }
        var body = text
        if body.hasPrefix("/") { body.removeFirst() }
        let directoryOnly = body.hasSuffix("/")
        while body.hasSuffix("/") { body.removeLast() }
        guard !body.isEmpty else { throw refuse("names no file") }
        if body.hasPrefix("!") { throw refuse("cannot be negated with '!'; list what to leave out in 'exclude'") }
        let segments = body.split(separator: "/", omittingEmptySubsequences: false)
        if segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) { throw refuse("must not hold empty, '.' or '..' segments") }
        let bytes = Array(body.utf8)
        if let problem = Self.syntaxProblem(bytes) { throw refuse(problem) }
        let hasGlob = bytes.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") || $0 == UInt8(ascii: "\\") }
        let anchored = text.hasPrefix("/") || segments.count > 1
        if !hasGlob, plainIsPath || anchored {
            return Rule(glob: GlobPattern(body), anyDepth: false, plain: body)
        }
        // A trailing `/` asks for a directory: at any depth (`build/`), or under the root (`src/gen/*/`).
        if directoryOnly, !anchored { return Rule(glob: GlobPattern(body), anyDepth: true, directoryOnly: true, plain: nil) }
        return Rule(glob: GlobPattern(directoryOnly ? body + "/**" : body), anyDepth: !anchored, plain: nil)
    }

    /// Why `bytes` is not a well-formed glob, or nil: every `[` closed, no `\` at the end.
    private static func syntaxProblem(_ bytes: [UInt8]) -> String? {
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"):
                if index + 1 == bytes.count { return "ends with a lone '\\'" }
                index += 2
                continue
            case UInt8(ascii: "["):
                var close = index + 1
                if close < bytes.count, bytes[close] == UInt8(ascii: "!") || bytes[close] == UInt8(ascii: "^") { close += 1 }
                if close < bytes.count, bytes[close] == UInt8(ascii: "]") { close += 1 }
                while close < bytes.count, bytes[close] != UInt8(ascii: "]") {
                    if bytes[close] == UInt8(ascii: "/") { return "has a '[' class that holds '/' or is not closed" }
                    close += bytes[close] == UInt8(ascii: "\\") ? 2 : 1
                }
                if close >= bytes.count { return "has a '[' that is not closed" }
                index = close + 1
                continue
            default:
                index += 1
            }
        }
        return nil
    }
}
