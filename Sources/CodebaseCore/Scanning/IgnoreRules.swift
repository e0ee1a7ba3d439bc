/// One line of a `.gitignore` file.
package struct IgnoreRule: Sendable, Hashable {
    package let glob: GlobPattern
    /// `!pattern`: re-includes what an earlier rule excluded.
    package let negated: Bool
    /// `pattern/`: matches directories only.
    package let directoryOnly: Bool
    /// A pattern with a `/` before its end matches the path relative to its `.gitignore`; otherwise the name alone.
    package let anchored: Bool

    /// Parses one line; `nil` for blank lines and comments.
    package init?(line: Substring) {
        var text = Substring(line)
        if text.hasSuffix("\r") { text = text.dropLast() }
        // Trailing spaces are ignored unless escaped with a backslash.
        while text.hasSuffix(" "), !text.hasSuffix("\\ ") { text = text.dropLast() }
        guard !text.isEmpty, !text.hasPrefix("#") else { return nil }
        var negated = false
        if text.hasPrefix("!") {
            negated = true
            text = text.dropFirst()
        } else if text.hasPrefix("\\!") || text.hasPrefix("\\#") {
            text = text.dropFirst()
        }
        var directoryOnly = false
        while text.hasSuffix("/") {
            directoryOnly = true
            text = text.dropLast()
        }
        guard !text.isEmpty else { return nil }
        let anchored = text.contains("/")
        if text.hasPrefix("/") { text = text.dropFirst() }
        guard !text.isEmpty else { return nil }
        self.glob = GlobPattern(String(text))
        self.negated = negated
        self.directoryOnly = directoryOnly
        self.anchored = anchored
    }

    /// True when the rule matches `relativePath` (relative to the rule's `.gitignore` directory) named `name`.
    package func matches(relativePath: some Collection<UInt8>, name: some Collection<UInt8>, isDirectory: Bool) -> Bool {
        if self.directoryOnly, !isDirectory { return false }
        return self.anchored ? self.glob.matches(relativePath) : self.glob.matches(name)
    }
}

/// The rules of one `.gitignore` file, with the directory (relative to the repository root) that holds it.
package struct IgnoreFile: Sendable {
    /// `""` for the root, else `dir/sub` without a trailing slash.
    package let directory: String
    package let rules: [IgnoreRule]

    package init(directory: String, text: String) {
        self.directory = directory
        self.rules = text.split(separator: "\n", omittingEmptySubsequences: true).compactMap(IgnoreRule.init(line:))
    }

    /// The verdict of this file for `path` (relative to the repository root): `true` ignored, `false` re-included,
    /// `nil` no rule matched. The last matching rule wins, as in git.
    package func verdict(path: String, name: String, isDirectory: Bool) -> Bool? {
        // Paths below this file's directory start with `directory/`.
        let relativeBytes = path.utf8.dropFirst(self.directory.isEmpty ? 0 : self.directory.utf8.count + 1)
        let nameBytes = name.utf8
        for rule in self.rules.reversed() where rule.matches(relativePath: relativeBytes, name: nameBytes, isDirectory: isDirectory) {
            return !rule.negated
        }
        return nil
    }
}

/// The `.gitignore` files in force for one directory: its own and those of every ancestor up to the root.
package struct IgnoreStack: Sendable {
    private(set) var files: [IgnoreFile] = []

    /// The stack for a subdirectory: this one plus `file` when the subdirectory has a `.gitignore`.
    package func adding(_ file: IgnoreFile?) -> IgnoreStack {
        guard let file, !file.rules.isEmpty else { return self }
        var copy = self
        copy.files.append(file)
        return copy
    }

    /// True when `path` is ignored. A deeper `.gitignore` overrides a shallower one.
    package func isIgnored(path: String, name: String, isDirectory: Bool) -> Bool {
        for file in self.files.reversed() {
            if let verdict = file.verdict(path: path, name: name, isDirectory: isDirectory) { return verdict }
        }
        return false
    }
}

/// Files that hold credentials by convention. They are not indexed unless the configuration says so: search serves
/// every indexed line to whoever can reach it, and such files are often present but not committed (nor ignored).
package enum SecretFiles {
    /// `.gitignore` syntax, matched against file names (and paths) wherever they are in the repository.
    package static let patterns = [
        ".env", ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519",
        ".npmrc", ".pypirc", ".netrc", "_netrc", ".git-credentials", ".pgpass", ".htpasswd", "credentials.json",
    ]

    private static let rules = IgnoreFile(directory: "", text: patterns.joined(separator: "\n"))

    /// True when the file at `path` (relative to the repository root) is a secret file by name.
    package static func matches(path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return self.rules.verdict(path: path, name: name, isDirectory: false) == true
    }
}
