/// The words that start declarations in one language, for chunk boundaries and the `symbols` search column.
package struct DeclarationGrammar: Sendable {
    /// Words declaring a type-like thing: class, struct, enum, impl, ...
    package var typeKeywords: Set<String> = []
    /// Words declaring a function.
    package var functionKeywords: Set<String> = []
    /// Words declaring a variable or constant; only top-level ones (indent 0) count.
    package var variableKeywords: Set<String> = []
    /// Words skipped before a declaration keyword (visibility, `static`, `async`, ...).
    package var modifiers: Set<String> = []
    /// Python-style `NAME = value` at indent 0 declares `NAME`.
    package var topLevelAssignments = false
    /// C-style `type name(args) {` declares a function without a keyword.
    package var signatureHeuristic = false
    /// With `signatureHeuristic`: JavaScript-style methods `name(args) {` need no type before the name.
    package var bareMethods = false

    /// For each ASCII first byte, a bit per word length (1 to 31) that some keyword or modifier has: most words are
    /// ruled out without building a string or hashing.
    private(set) var lengthsByFirstByte = [UInt32](repeating: 0, count: 128)

    package static func forLanguage(_ name: String) -> DeclarationGrammar {
        table[name] ?? DeclarationGrammar()
    }

    /// True when the bytes `start..<end` are a keyword or modifier of this grammar.
    package func isWord(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let length = end - start
        guard length > 0, length < 32, bytes[start] < 128, self.lengthsByFirstByte[Int(bytes[start])] & (1 << UInt32(length)) != 0 else {
            return false
        }
        let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        return self.typeKeywords.contains(word) || self.functionKeywords.contains(word) || self.variableKeywords.contains(word)
            || self.modifiers.contains(word)
    }

    private mutating func indexLengths() {
        for word in self.typeKeywords.union(self.functionKeywords).union(self.variableKeywords).union(self.modifiers) {
            let utf8 = Array(word.utf8)
            guard let first = utf8.first, first < 128, utf8.count < 32 else { continue }
            self.lengthsByFirstByte[Int(first)] |= 1 << UInt32(utf8.count)
        }
    }

    private static let table: [String: DeclarationGrammar] = {
        let jvmModifiers: Set<String> = [
            "public", "private", "protected", "internal", "static", "final", "abstract", "sealed", "open", "data", "inline",
            "override", "suspend", "partial", "async", "virtual", "readonly", "unsafe", "extern", "synchronized", "native",
            "default", "lateinit", "inner", "enum", "annotation", "companion", "value", "new", "implicit", "lazy", "case",
        ]
        let cModifiers: Set<String> = [
            "static", "inline", "extern", "const", "constexpr", "virtual", "explicit", "friend", "template", "typename",
            "public", "private", "protected", "unsigned", "signed", "volatile", "export",
        ]
        var table: [String: DeclarationGrammar] = [:]
        table["python"] = DeclarationGrammar(
            typeKeywords: ["class"],
            functionKeywords: ["def"],
            modifiers: ["async"],
            topLevelAssignments: true
        )
        table["swift"] = DeclarationGrammar(
            typeKeywords: ["class", "struct", "enum", "protocol", "extension", "actor", "typealias", "macro"],
            functionKeywords: ["func", "init", "deinit", "subscript"],
            variableKeywords: ["var", "let"],
            modifiers: [
                "public", "private", "fileprivate", "internal", "open", "package", "final", "static", "override", "mutating",
                "nonmutating", "nonisolated", "convenience", "required", "dynamic", "lazy", "weak", "unowned", "indirect",
                "optional", "isolated", "consuming", "borrowing", "distributed",
            ]
        )
        let script = DeclarationGrammar(
            typeKeywords: ["class", "interface", "enum", "namespace", "type", "module"],
            functionKeywords: ["function", "function*"],
            variableKeywords: ["const", "let", "var"],
            modifiers: [
                "export", "default", "async", "declare", "abstract", "public", "private", "protected", "static", "readonly",
                "override", "get", "set",
            ],
            signatureHeuristic: true,
            bareMethods: true
        )
        table["javascript"] = script
        table["typescript"] = script
        table["go"] = DeclarationGrammar(typeKeywords: ["type"], functionKeywords: ["func"], variableKeywords: ["var", "const"])
        table["rust"] = DeclarationGrammar(
            typeKeywords: ["struct", "enum", "trait", "impl", "mod", "type", "union", "macro_rules!"],
            functionKeywords: ["fn"],
            variableKeywords: ["const", "static"],
            modifiers: ["pub", "async", "unsafe", "extern", "default", "const"]
        )
        for language in ["c", "cpp", "objective-c"] {
            table[language] = DeclarationGrammar(
                typeKeywords: ["struct", "class", "union", "enum", "namespace", "typedef", "@interface", "@implementation", "@protocol"],
                variableKeywords: ["#define"],
                modifiers: cModifiers,
                signatureHeuristic: true
            )
        }
        for language in ["java", "kotlin", "scala", "csharp", "dart", "php"] {
            table[language] = DeclarationGrammar(
                typeKeywords: ["class", "interface", "enum", "record", "struct", "object", "trait", "namespace", "@interface", "mixin", "extension"],
                functionKeywords: ["fun", "def", "function"],
                variableKeywords: ["val", "var", "const"],
                modifiers: jvmModifiers,
                signatureHeuristic: true,
                bareMethods: language == "php" || language == "dart"
            )
        }
        table["css"] = DeclarationGrammar()
        table["ruby"] = DeclarationGrammar(
            typeKeywords: ["class", "module"],
            functionKeywords: ["def"],
            modifiers: ["private", "protected", "public"]
        )
        table["shell"] = DeclarationGrammar(
            functionKeywords: ["function"],
            variableKeywords: ["export", "readonly", "declare"],
            signatureHeuristic: true,
            bareMethods: true
        )
        table["perl"] = DeclarationGrammar(typeKeywords: ["package"], functionKeywords: ["sub"])
        for name in table.keys { table[name]?.indexLengths() }
        return table
    }()

    /// Words that are never a function's name, for `signatureHeuristic`.
    package static let controlWords: Set<String> = [
        "if", "for", "while", "switch", "catch", "return", "sizeof", "new", "else", "do", "case", "throw", "await", "typeof",
        "delete", "synchronized", "using", "lock", "foreach", "elif", "with", "assert", "yield", "when", "guard", "defer",
        "super", "this", "self", "print", "println", "printf", "require", "import", "from", "fi", "then", "until", "select",
        "alignof", "decltype", "static_assert", "defined", "__attribute__",
    ]
}
