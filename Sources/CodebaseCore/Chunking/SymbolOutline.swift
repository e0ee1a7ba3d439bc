/// One declaration of a file, as `GET /mcp/symbols` serves it.
package struct PreparedSymbol: Sendable, Hashable {
    package let name: String
    package let kind: String
    package let container: String?
    /// 1-based, inclusive.
    package let startLine: Int
    package let endLine: Int
    /// The index, in the file's chunks, of the chunk that holds `startLine`.
    package let chunkIndex: Int
    /// A variable that only imports or aliases a name (`var Route = require('./route')`, `parse = _parse`): listed
    /// after the definitions of the same name.
    package var isBinding = false
}

/// A file's outline: its top-level declarations and the members one level down (methods of classes, structs, enums,
/// extensions, impls), from the declarations the chunker found line by line. Like them it is heuristic: a
/// declaration ends before the next line of code at its own indentation or less, or at that line when it closes a
/// block (`}`, `)`, `]`, `end`), which fits code formatted as its language's tools format it.
package enum SymbolOutline {
    package static func symbols(lines: [LineInfo], declarations: [Declaration?], spans: [LineSpan], source: SourceText) -> [PreparedSymbol] {
        var symbols: [PreparedSymbol] = []
        /// Open declarations: indent, end line (0-based), name, and whether it is a type that can hold members.
        var open: [(indent: Int, end: Int, name: String, isType: Bool)] = []
        var chunk = 0
        for (index, found) in declarations.enumerated() {
            guard let declaration = found, declaration.kind != .heading else { continue }
            let indent = lines[index].indent
            while let top = open.last, top.end < index || top.indent >= indent { open.removeLast() }
            let end = self.end(of: index, indent: indent, lines: lines, source: source)
            let container: String?
            switch open.count {
            case _ where declaration.container != nil:
                // A member that names its type (`X.prototype.name = function`), wherever it is written.
                container = declaration.container
            case 0: container = nil
            case 1 where open[0].isType: container = open[0].name
            default:
                // Deeper than one level, or inside a function: not part of the outline.
                open.append((indent, end, declaration.name, false))
                continue
            }
            if declaration.container == nil { open.append((indent, end, declaration.name, declaration.kind == .type)) }
            while chunk + 1 < spans.count, spans[chunk].last < index { chunk += 1 }
            symbols.append(
                PreparedSymbol(
                    name: declaration.name,
                    kind: self.kind(declaration, isMember: container != nil),
                    container: container,
                    startLine: index + 1,
                    endLine: end + 1,
                    chunkIndex: chunk,
                    isBinding: declaration.kind == .variable && self.isBinding(line: index, source: source)
                )
            )
        }
        return symbols
    }

    /// Whether the value assigned on line `index` only brings in a name from elsewhere: `require(...)`, `import(...)`
    /// (awaited or not), or a bare, possibly dotted, name.
    static func isBinding(line index: Int, source: SourceText) -> Bool {
        let bytes = source.bytes[source.lineStarts[index]..<source.lineEnds[index]]
        guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")), equals + 1 < bytes.endIndex, bytes[equals + 1] != UInt8(ascii: "=") else {
            return false
        }
        var value = bytes[(equals + 1)...].drop { isSpace($0) }
        while let last = value.last, isSpace(last) || last == UInt8(ascii: ";") { value = value.dropLast() }
        if value.starts(with: "await ".utf8) { value = value.dropFirst(6).drop { isSpace($0) } }
        if value.starts(with: "require(".utf8) || value.starts(with: "import(".utf8) { return true }
        guard let first = value.first, isIdentifierStart(first) else { return false }
        return value.allSatisfy { isIdentifierByte($0) || $0 == UInt8(ascii: ".") }
    }

    /// The 0-based last line of the declaration that starts at `start`.
    private static func end(of start: Int, indent: Int, lines: [LineInfo], source: SourceText) -> Int {
        var lastContent = start
        var index = start + 1
        while index < lines.count {
            let line = lines[index]
            if !line.isBlank {
                // Comments and preprocessor lines at column 0 do not end a body.
                let commentLike = line.firstByte == UInt8(ascii: "#") || line.firstByte == UInt8(ascii: "/") || line.firstByte == UInt8(ascii: "*")
                if line.start == .code, !commentLike, line.indent <= indent {
                    return self.closesBlock(line, source: source) ? index : lastContent
                }
                lastContent = index
            }
            index += 1
        }
        return lastContent
    }

    private static func closesBlock(_ line: LineInfo, source: SourceText) -> Bool {
        switch line.firstByte {
        case UInt8(ascii: "}"), UInt8(ascii: ")"), UInt8(ascii: "]"): return true
        case UInt8(ascii: "e"):
            let rest = source.bytes[line.contentStart...].prefix(4)
            return rest.starts(with: "end".utf8) && (rest.count == 3 || !isIdentifierByte(rest[rest.startIndex + 3]))
        default: return false
        }
    }

    /// The kind as the contract names it: the declaring keyword for types, `function` or `method`, `variable`.
    private static func kind(_ declaration: Declaration, isMember: Bool) -> String {
        switch declaration.kind {
        case .function: return isMember ? "method" : "function"
        case .variable: return "variable"
        case .heading: return "heading"
        case .type:
            let keyword = (declaration.keyword ?? "type").trimmingPrefix("@")
            switch keyword {
            case "typealias", "typedef": return "type"
            case "mod": return "module"
            case "macro_rules!": return "macro"
            default: return String(keyword)
            }
        }
    }
}
