import Foundation

/// Reads a JSON text once, before any decoder, for what decoders let pass silently: nesting deeper than both services
/// accept, an object with the same key twice (Foundation keeps one of them without a word), and a number that would be
/// stored as another number (`123456789012345678901234567890` as `1.2345678901234568e+29`, `1e-400` as `0`, `-0` as
/// `0`). One pass, no allocation per value but for object keys; the first problem is reported with where it is, and
/// the scan goes on to the end so that the top-level members (a JSON-RPC envelope's `id`) are still known.
public enum JSONTextCheck {
    /// Levels of arrays and objects at most in any JSON document a service reads (a request body, a JSON-RPC message),
    /// the outermost object counting as one. docs/security.md gives the figure.
    public static let maxDepth = 32

    /// What a top-level member holds, as far as an envelope check needs to know.
    public enum Kind: Sendable, Equatable {
        case string(String)
        /// A number written as an integer (no fraction, no exponent) that fits in 64 bits.
        case integer
        /// Any other number.
        case number
        case bool
        case null
        case object
        case array
    }

    /// One step into a document: an object's key or an array's index.
    public enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    /// What was found wrong, and where.
    public enum Problem: Error, Sendable, Equatable {
        /// Not JSON at all, at this byte offset.
        case malformed(offset: Int)
        case tooDeep(path: [Step])
        case duplicateKey(path: [Step], key: String)
        case inexactNumber(path: [Step], text: String)

        /// Where the problem is: the object or array for a depth or duplicate, the number's own place otherwise.
        public var path: [Step] {
            switch self {
            case .malformed: []
            case .tooDeep(let path), .inexactNumber(let path, _): path
            case .duplicateKey(let path, let key): path + [.key(key)]
            }
        }

        /// The request field at fault: the first key of the path (`metadata` for `metadata.a[3]`), `body` for the whole.
        public var field: String {
            if case .key(let key)? = self.path.first { return key }
            return "body"
        }

        /// What a client reads in an error body.
        public func message(dropping prefix: Int = 0) -> String {
            let place = Self.name(Array(self.path.dropFirst(prefix)))
            switch self {
            case .malformed(let offset):
                return "The body is not valid JSON (at byte \(offset))."
            case .tooDeep:
                return "'\(place)' nests arrays and objects deeper than \(JSONTextCheck.maxDepth) levels; send a flatter value."
            case .duplicateKey:
                return "'\(place)' is given twice; each key may appear once in an object."
            case .inexactNumber(_, let text):
                return "'\(place)' is \(text.prefix(40)), which cannot be stored exactly as a 64-bit integer or a double; send it as a string."
            }
        }

        /// `metadata.a[3].b` style names.
        static func name(_ path: [Step]) -> String {
            var name = ""
            for step in path {
                switch step {
                case .index(let index): name += "[\(index)]"
                case .key(let key): name += name.isEmpty ? key : "." + key
                }
            }
            return name.isEmpty ? "body" : name
        }
    }

    /// The result of a scan: the first problem, if any, and the top-level object's members (empty for any other value).
    public struct Summary: Sendable {
        public var problem: Problem?
        public var members: [String: Kind] = [:]
        /// Whether the document is an object.
        public var isObject = false
    }

    /// The first problem of `bytes` that a body reader refuses itself: nil for a body that passes, and for text that is
    /// not JSON, which the decoder answers in its own words.
    public static func refusal(_ bytes: some Collection<UInt8>) -> Problem? {
        switch self.scan(bytes).problem {
        case nil, .malformed?: nil
        case let problem?: problem
        }
    }

    /// Throws the first problem of `bytes`.
    public static func check(_ bytes: some Collection<UInt8>) throws(Problem) {
        if let problem = self.scan(bytes).problem { throw problem }
    }

    /// Scans `bytes` to the end (or to where it stops being JSON).
    public static func scan(_ bytes: some Collection<UInt8>) -> Summary {
        let copy = Array(bytes)
        return copy.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(bytes: buffer)
            return scanner.document()
        }
    }
}

/// The recursive-descent reader behind `JSONTextCheck`. Depth is bounded before recursing, so a hostile document
/// cannot exhaust the stack: past `maxDepth` the remaining nesting is skipped with a counter, not with recursion.
private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0
    var path: [JSONTextCheck.Step] = []
    var summary = JSONTextCheck.Summary()

    struct Malformed: Error {}

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func document() -> JSONTextCheck.Summary {
        do {
            self.skipSpace()
            self.summary.isObject = self.peek() == UInt8(ascii: "{")
            _ = try self.value(depth: 1, topLevel: true)
            self.skipSpace()
            guard self.offset == self.bytes.count else { throw Malformed() }
        } catch {
            self.summary.problem = .malformed(offset: self.offset)
            self.summary.members = [:]
        }
        return self.summary
    }

    private func peek() -> UInt8? {
        self.offset < self.bytes.count ? self.bytes[self.offset] : nil
    }

    private mutating func skipSpace() {
        while let byte = self.peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { self.offset += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard self.peek() == byte else { throw Malformed() }
        self.offset += 1
    }

    private mutating func report(_ problem: JSONTextCheck.Problem) {
        if self.summary.problem == nil { self.summary.problem = problem }
    }

    /// Reads one value; `topLevel` records the members of the outermost object.
    private mutating func value(depth: Int, topLevel: Bool = false) throws -> JSONTextCheck.Kind {
        self.skipSpace()
        guard let byte = self.peek() else { throw Malformed() }
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth <= JSONTextCheck.maxDepth else {
                self.report(.tooDeep(path: self.path))
                try self.skipNested()
                return byte == UInt8(ascii: "{") ? .object : .array
            }
            if byte == UInt8(ascii: "{") {
                try self.object(depth: depth, topLevel: topLevel)
                return .object
            }
            try self.array(depth: depth)
            return .array
        case UInt8(ascii: "\""):
            return .string(try self.string())
        case UInt8(ascii: "t"):
            try self.word("true")
            return .bool
        case UInt8(ascii: "f"):
            try self.word("false")
            return .bool
        case UInt8(ascii: "n"):
            try self.word("null")
            return .null
        default:
            return try self.number()
        }
    }

    private mutating func object(depth: Int, topLevel: Bool) throws {
        try self.expect(UInt8(ascii: "{"))
        var keys = Set<String>()
        self.skipSpace()
        if self.peek() == UInt8(ascii: "}") {
            self.offset += 1
            return
        }
        while true {
            self.skipSpace()
            let key = try self.string()
            if !keys.insert(key).inserted { self.report(.duplicateKey(path: self.path, key: key)) }
            self.skipSpace()
            try self.expect(UInt8(ascii: ":"))
            self.path.append(.key(key))
            let kind = try self.value(depth: depth + 1)
            self.path.removeLast()
            if topLevel, self.summary.members[key] == nil { self.summary.members[key] = kind }
            self.skipSpace()
            if self.peek() == UInt8(ascii: ",") {
                self.offset += 1
                continue
            }
            try self.expect(UInt8(ascii: "}"))
            return
        }
    }

    private mutating func array(depth: Int) throws {
        try self.expect(UInt8(ascii: "["))
        self.skipSpace()
        if self.peek() == UInt8(ascii: "]") {
            self.offset += 1
            return
        }
        var index = 0
        while true {
            self.path.append(.index(index))
            _ = try self.value(depth: depth + 1)
            self.path.removeLast()
            index += 1
            self.skipSpace()
            if self.peek() == UInt8(ascii: ",") {
                self.offset += 1
                continue
            }
            try self.expect(UInt8(ascii: "]"))
            return
        }
    }

    /// Skips a value nested past the limit, brackets counted and strings stepped over, without recursion. Only its
    /// brackets are checked: the document is refused anyway.
    private mutating func skipNested() throws {
        var open = 0
        repeat {
            guard let byte = self.peek() else { throw Malformed() }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["): open += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): open -= 1
            case UInt8(ascii: "\""):
                _ = try self.string()
                continue
            default: break
            }
            self.offset += 1
        } while open > 0
    }

    private mutating func word(_ text: StaticString) throws {
        let count = text.utf8CodeUnitCount
        guard self.offset + count <= self.bytes.count else { throw Malformed() }
        for index in 0..<count where self.bytes[self.offset + index] != text.utf8Start[index] { throw Malformed() }
        self.offset += count
    }

    /// A string's text, escapes decoded (so that `"\u0074itle"` and `"title"` are one key).
    private mutating func string() throws -> String {
        try self.expect(UInt8(ascii: "\""))
        let start = self.offset
        var escaped = false
        while true {
            guard let byte = self.peek() else { throw Malformed() }
            if byte == UInt8(ascii: "\"") { break }
            guard byte >= 0x20 else { throw Malformed() }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                self.offset += 1
                guard let next = self.peek() else { throw Malformed() }
                if next == UInt8(ascii: "u") {
                    guard self.offset + 4 < self.bytes.count else { throw Malformed() }
                    for index in 1...4 where !isHexDigit(self.bytes[self.offset + index]) { throw Malformed() }
                    self.offset += 4
                } else if !"\"\\/bfnrt".utf8.contains(next) {
                    throw Malformed()
                }
            }
            self.offset += 1
        }
        let raw = UnsafeBufferPointer(rebasing: self.bytes[start..<self.offset])
        self.offset += 1
        guard escaped else { return String(decoding: raw, as: UTF8.self) }
        // Rare: let Foundation decode the escapes (surrogate pairs included) of this one string.
        let quoted = Data([UInt8(ascii: "\"")] + Array(raw) + [UInt8(ascii: "\"")])
        guard let text = try? JSONDecoder().decode(String.self, from: quoted) else { throw Malformed() }
        return text
    }

    /// A number, checked against what the services store: an integer literal within 64 bits, or a double whose
    /// shortest form has the same value as the literal.
    private mutating func number() throws -> JSONTextCheck.Kind {
        let start = self.offset
        var literal = DecimalLiteral()
        if self.peek() == UInt8(ascii: "-") {
            literal.negative = true
            self.offset += 1
        }
        guard let first = self.peek(), isDigit(first) else { throw Malformed() }
        var integral = true
        if first == UInt8(ascii: "0") {
            self.offset += 1
        } else {
            while let byte = self.peek(), isDigit(byte) {
                literal.append(digit: byte, fraction: false)
                self.offset += 1
            }
        }
        if self.peek() == UInt8(ascii: ".") {
            integral = false
            self.offset += 1
            guard let byte = self.peek(), isDigit(byte) else { throw Malformed() }
            while let byte = self.peek(), isDigit(byte) {
                literal.append(digit: byte, fraction: true)
                self.offset += 1
            }
        }
        if let byte = self.peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            integral = false
            self.offset += 1
            var negative = false
            if let sign = self.peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                negative = sign == UInt8(ascii: "-")
                self.offset += 1
            }
            guard let digit = self.peek(), isDigit(digit) else { throw Malformed() }
            var exponent = 0
            while let digit = self.peek(), isDigit(digit) {
                exponent = min(exponent * 10 + Int(digit - UInt8(ascii: "0")), 1_000_000)
                self.offset += 1
            }
            literal.exponent += negative ? -exponent : exponent
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.offset]), as: UTF8.self)
        let canonical = literal.canonical()
        if canonical.fitsInt64 {
            return integral ? .integer : .number
        }
        guard let double = Double(text), double.isFinite, !(double == 0 && literal.negative),
            DecimalLiteral(parsing: double.description)?.canonical() == canonical
        else {
            self.report(.inexactNumber(path: self.path, text: text))
            return .number
        }
        return .number
    }
}

/// A decimal number as digits and a power of ten, to compare a literal with the double it becomes.
private struct DecimalLiteral: Equatable {
    var negative = false
    /// Significant digits, without leading zeros.
    var digits: [UInt8] = []
    var exponent = 0

    init() {}

    /// Reads Swift's own `description` of a finite double (`1e-05`, `1.2345e+29`, `0.1`, `-3.0`).
    init?(parsing text: String) {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") {
            self.negative = true
            bytes = bytes.dropFirst()
        }
        var fraction = false
        while let byte = bytes.first {
            bytes = bytes.dropFirst()
            if byte == UInt8(ascii: ".") {
                fraction = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                guard let exponent = Int(String(decoding: bytes.drop { $0 == UInt8(ascii: "+") }, as: UTF8.self)) else { return nil }
                self.exponent += exponent
                return
            } else if isDigit(byte) {
                self.append(digit: byte, fraction: fraction)
            } else {
                return nil
            }
        }
    }

    mutating func append(digit: UInt8, fraction: Bool) {
        if !(self.digits.isEmpty && digit == UInt8(ascii: "0")) { self.digits.append(digit) }
        if fraction { self.exponent -= 1 }
    }

    /// The same value with no trailing zeros in `digits`; zero has no digits and exponent 0.
    func canonical() -> DecimalLiteral {
        var value = self
        while value.digits.last == UInt8(ascii: "0") {
            value.digits.removeLast()
            value.exponent += 1
        }
        if value.digits.isEmpty { value.exponent = 0 }
        return value
    }

    /// Whether this canonical value is an integer within `Int64` (and not a negative zero, which would lose its sign).
    var fitsInt64: Bool {
        guard !self.digits.isEmpty else { return !self.negative }
        guard self.exponent >= 0 else { return false }
        let length = self.digits.count + self.exponent
        guard length <= 19 else { return false }
        guard length == 19 else { return true }
        let written = self.digits + [UInt8](repeating: UInt8(ascii: "0"), count: self.exponent)
        let bound = Array((self.negative ? "9223372036854775808" : "9223372036854775807").utf8)
        return written.lexicographicallyPrecedes(bound) || written == bound
    }
}

private func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

private func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
}
