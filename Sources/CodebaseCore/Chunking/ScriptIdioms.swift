/// The definitions JavaScript and TypeScript write as assignments, which no keyword starts, for the file outline and
/// `GET /mcp/symbols` (API.md): `exports.name = function`, `module.exports.name = function`, `module.exports = function
/// name`, `X.prototype.name = function` and `X.name = function` (a method of `X`). The value must define something (a
/// `function`, an arrow function or a `class`): `exports.Router = Router` only re-exports. They do not start chunks:
/// the chunk boundaries, and so the chunk ids, stay as the keyword declarations make them.
package enum ScriptIdioms {
    package static func declaration(_ line: ArraySlice<UInt8>) -> Declaration? {
        var rest = line.drop { isSpace($0) }
        guard let target = self.dottedName(&rest) else { return nil }
        rest = rest.drop { isSpace($0) }
        guard rest.first == UInt8(ascii: "="), rest.dropFirst().first != UInt8(ascii: "=") else { return nil }
        var value = rest.dropFirst().drop { isSpace($0) }
        if value.starts(with: "async ".utf8) { value = value.dropFirst(6).drop { isSpace($0) } }
        let isFunction = value.starts(with: "function".utf8) && value.dropFirst(8).first.map { !isIdentifierByte($0) } ?? false
        let isClass = value.starts(with: "class".utf8) && value.dropFirst(5).first.map { !isIdentifierByte($0) } ?? false
        guard isFunction || isClass || self.isArrow(value) else { return nil }
        let kind: Declaration.Kind = isClass ? .type : .function
        let keyword = isClass ? "class" : nil
        if target == ["module", "exports"] || target == ["exports"] {
            // `module.exports = function query(...)`: the function's own name, if it has one.
            var named = value.dropFirst(isClass ? 5 : 8).drop { isSpace($0) || $0 == UInt8(ascii: "*") }
            guard isFunction || isClass, let name = self.dottedName(&named), name.count == 1 else { return nil }
            return Declaration(name: name[0], kind: kind, keyword: keyword)
        }
        if target.count == 2, target[0] == "exports" { return Declaration(name: target[1], kind: kind, keyword: keyword) }
        if target.count == 3, target[0] == "module", target[1] == "exports" {
            return Declaration(name: target[2], kind: kind, keyword: keyword)
        }
        if target.count == 3, target[1] == "prototype" {
            return Declaration(name: target[2], kind: kind, keyword: keyword, container: target[0])
        }
        if target.count == 2, target[0] != "this", target[0] != "module" {
            return Declaration(name: target[1], kind: kind, keyword: keyword, container: target[0])
        }
        return nil
    }

    /// `a.b.c` at the start of `text`, its parts; `text` is left after it.
    private static func dottedName(_ text: inout ArraySlice<UInt8>) -> [String]? {
        var parts: [String] = []
        while let first = text.first, isIdentifierStart(first) {
            let end = text.firstIndex { !isIdentifierByte($0) } ?? text.endIndex
            parts.append(String(decoding: text[text.startIndex..<end], as: UTF8.self))
            text = text[end...]
            guard text.first == UInt8(ascii: "."), text.dropFirst().first.map(isIdentifierStart) == true else { break }
            text = text.dropFirst()
        }
        return parts.isEmpty ? nil : parts
    }

    /// `(args) =>` or `arg =>`.
    private static func isArrow(_ value: ArraySlice<UInt8>) -> Bool {
        var rest = value
        if rest.first == UInt8(ascii: "(") {
            var depth = 0
            guard let close = rest.firstIndex(where: { byte in
                if byte == UInt8(ascii: "(") { depth += 1 }
                if byte == UInt8(ascii: ")") { depth -= 1 }
                return depth == 0
            }) else { return false }
            rest = rest[(close + 1)...]
        } else {
            guard let first = rest.first, isIdentifierStart(first) else { return false }
            rest = rest.drop(while: isIdentifierByte)
        }
        return rest.drop { isSpace($0) }.starts(with: "=>".utf8)
    }
}
