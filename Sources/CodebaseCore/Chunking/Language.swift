/// How the chunker reads a language's lines.
package enum SyntaxFamily: Sendable {
    /// Indentation-scoped, `#` comments, `"""`/`'''` strings, `@decorators`: Python.
    case python
    /// Braces, `//` and `/* */` comments: Swift, JavaScript/TypeScript, Go, Rust, C/C++, Java, Kotlin, C#, ...
    case cLike
    /// `#` comments, keyword-delimited blocks: Ruby, shell, Perl.
    case hashComment
    /// Headings start sections: Markdown.
    case markdown
    /// Everything else: windows cut at blank lines.
    case text
}

/// A file's language, reported as `SearchResult.language` and usable as a `file_type` filter.
package struct Language: Sendable, Hashable {
    package let name: String
    package let family: SyntaxFamily

    package static let text = Language(name: "text", family: .text)

    /// The language of a file from its name, else from a `#!` line.
    package static func detect(fileName: String, firstLine: Substring?) -> Language {
        let lower = fileName.lowercased()
        if let language = byFileName[lower] { return language }
        if let dot = lower.lastIndex(of: "."), dot != lower.startIndex {
            let ext = String(lower[lower.index(after: dot)...])
            if let language = byExtension[ext] { return language }
            return .text
        }
        if let firstLine, firstLine.hasPrefix("#!") {
            for (marker, language) in shebangs where firstLine.contains(marker) { return language }
        }
        return .text
    }

    /// The extension without its dot, lowercased; `""` for none. This is what `file_type` matches.
    package static func fileExtension(of fileName: String) -> String {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return "" }
        return String(fileName[fileName.index(after: dot)...]).lowercased()
    }

    private static let byExtension: [String: Language] = {
        var table: [String: Language] = [:]
        func add(_ name: String, _ family: SyntaxFamily, _ extensions: String...) {
            for ext in extensions { table[ext] = Language(name: name, family: family) }
        }
        add("python", .python, "py", "pyi", "pyw")
        add("swift", .cLike, "swift")
        add("javascript", .cLike, "js", "mjs", "cjs", "jsx")
        add("typescript", .cLike, "ts", "tsx", "mts", "cts")
        add("go", .cLike, "go")
        add("rust", .cLike, "rs")
        add("c", .cLike, "c", "h")
        add("cpp", .cLike, "cc", "cpp", "cxx", "c++", "hh", "hpp", "hxx", "h++", "ipp", "inl")
        add("objective-c", .cLike, "m", "mm")
        add("java", .cLike, "java")
        add("kotlin", .cLike, "kt", "kts")
        add("scala", .cLike, "scala", "sc")
        add("csharp", .cLike, "cs")
        add("php", .cLike, "php")
        add("dart", .cLike, "dart")
        add("css", .cLike, "css", "scss", "less")
        add("protobuf", .cLike, "proto")
        add("ruby", .hashComment, "rb", "rake", "gemspec")
        add("shell", .hashComment, "sh", "bash", "zsh", "fish", "ksh")
        add("perl", .hashComment, "pl", "pm")
        add("r", .hashComment, "r")
        add("yaml", .hashComment, "yml", "yaml")
        add("toml", .hashComment, "toml")
        add("ini", .hashComment, "ini", "cfg", "conf")
        add("makefile", .hashComment, "mk")
        add("cmake", .hashComment, "cmake")
        add("markdown", .markdown, "md", "markdown", "mdx")
        add("restructuredtext", .text, "rst")
        add("json", .text, "json", "jsonl")
        add("html", .text, "html", "htm", "xhtml", "vue", "svelte")
        add("xml", .text, "xml", "xsd", "xsl", "plist", "svg")
        add("sql", .text, "sql")
        add("lua", .text, "lua")
        return table
    }()

    private static let byFileName: [String: Language] = [
        "makefile": Language(name: "makefile", family: .hashComment),
        "gnumakefile": Language(name: "makefile", family: .hashComment),
        "dockerfile": Language(name: "dockerfile", family: .hashComment),
        "cmakelists.txt": Language(name: "cmake", family: .hashComment),
        "gemfile": Language(name: "ruby", family: .hashComment),
        "rakefile": Language(name: "ruby", family: .hashComment),
        "podfile": Language(name: "ruby", family: .hashComment),
    ]

    private static let shebangs: [(String, Language)] = [
        ("python", Language(name: "python", family: .python)),
        ("node", Language(name: "javascript", family: .cLike)),
        ("ruby", Language(name: "ruby", family: .hashComment)),
        ("perl", Language(name: "perl", family: .hashComment)),
        ("swift", Language(name: "swift", family: .cLike)),
        ("bash", Language(name: "shell", family: .hashComment)),
        ("sh", Language(name: "shell", family: .hashComment)),
    ]
}
