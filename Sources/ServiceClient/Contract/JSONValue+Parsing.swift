import Foundation

/// Reading a `JSONValue` in time linear in its text. Through `Decodable`, each value costs a failed decode per kind
/// tried before its own (an array four), and Foundation builds an error with its coding path for each: 7,000 arrays
/// 30 deep took 4 s to decode, once per read. `init(parsing:)` reads the text directly, and a decoder made by
/// `ContractCoding.decode` carries the parsed document so that every `JSONValue` inside a body is taken from it.
extension JSONValue {
    /// Where `ContractCoding.decode` leaves the parsed document for `init(from:)`.
    public static let documentKey = CodingUserInfoKey(rawValue: "contract.jsonValueDocument")!

    /// Parses JSON text: integers that fit in 64 bits as `.int`, other numbers as `.double`; throws on anything that is
    /// not JSON, a number beyond any `Double`, or nesting past 512 levels.
    public init(parsing bytes: some Collection<UInt8>) throws {
        let copy = Array(bytes)
        self = try copy.withUnsafeBufferPointer { buffer in
            var parser = JSONValueParser(bytes: buffer)
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.offset == buffer.count else { throw JSONValueParser.Failure() }
            return value
        }
    }

    /// The value at `path` inside this one (object keys by name, array elements by index), as a decoder's coding path
    /// names it; nil when the path does not lead anywhere here.
    func value(at path: [any CodingKey]) -> JSONValue? {
        var current = self
        for key in path {
            switch current {
            case .object(let fields):
                guard let next = fields[key.stringValue] else { return nil }
                current = next
            case .array(let values):
                guard let index = key.intValue, values.indices.contains(index) else { return nil }
                current = values[index]
            default:
                return nil
            }
        }
        return current
    }
}

private struct JSONValueParser {
    struct Failure: Error {}

    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func skipSpace() {
        while self.offset < self.bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(self.bytes[self.offset]) { self.offset += 1 }
    }

    private func peek() -> UInt8? {
        self.offset < self.bytes.count ? self.bytes[self.offset] : nil
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard self.peek() == byte else { throw Failure() }
        self.offset += 1
    }

    mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 512 else { throw Failure() }
        self.skipSpace()
        guard let byte = self.peek() else { throw Failure() }
        switch byte {
        case UInt8(ascii: "{"):
            self.offset += 1
            var fields: [String: JSONValue] = [:]
            self.skipSpace()
            if self.peek() == UInt8(ascii: "}") {
                self.offset += 1
                return .object(fields)
            }
            while true {
                self.skipSpace()
                let key = try self.string()
                self.skipSpace()
                try self.expect(UInt8(ascii: ":"))
                fields[key] = try self.value(depth: depth + 1)
                self.skipSpace()
                if self.peek() == UInt8(ascii: ",") {
                    self.offset += 1
                    continue
                }
                try self.expect(UInt8(ascii: "}"))
                return .object(fields)
            }
        case UInt8(ascii: "["):
            self.offset += 1
            var values: [JSONValue] = []
            self.skipSpace()
            if self.peek() == UInt8(ascii: "]") {
                self.offset += 1
                return .array(values)
            }
            while true {
                values.append(try self.value(depth: depth + 1))
                self.skipSpace()
                if self.peek() == UInt8(ascii: ",") {
                    self.offset += 1
                    continue
                }
                try self.expect(UInt8(ascii: "]"))
                return .array(values)
            }
        case UInt8(ascii: "\""):
            return .string(try self.string())
        case UInt8(ascii: "t"):
            try self.word("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try self.word("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try self.word("null")
            return .null
        default:
            return try self.number()
        }
    }

    private mutating func word(_ text: String) throws {
        for byte in text.utf8 { try self.expect(byte) }
    }

    private mutating func string() throws -> String {
        try self.expect(UInt8(ascii: "\""))
        var decoded: [UInt8] = []
        var runStart = self.offset
        while true {
            guard let byte = self.peek() else { throw Failure() }
            if byte == UInt8(ascii: "\"") { break }
            guard byte >= 0x20 else { throw Failure() }
            guard byte == UInt8(ascii: "\\") else {
                self.offset += 1
                continue
            }
            decoded += self.bytes[runStart..<self.offset]
            self.offset += 1
            guard let escape = self.peek() else { throw Failure() }
            self.offset += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try self.hex4()
                if (0xD800..<0xDC00).contains(scalar), self.peek() == UInt8(ascii: "\\"),
                    self.offset + 1 < self.bytes.count, self.bytes[self.offset + 1] == UInt8(ascii: "u")
                {
                    self.offset += 2
                    let low = try self.hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw Failure() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                // A lone surrogate has no UTF-8 form: the replacement character, as Foundation reads it.
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                decoded += Array(String(Character(character)).utf8)
            default:
                throw Failure()
            }
            runStart = self.offset
        }
        decoded += self.bytes[runStart..<self.offset]
        self.offset += 1
        return String(decoding: decoded, as: UTF8.self)
    }

    private mutating func hex4() throws -> UInt32 {
        guard self.offset + 4 <= self.bytes.count else { throw Failure() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw Failure()
            }
            value = value * 16 + digit
            self.offset += 1
        }
        return value
    }

    private mutating func number() throws -> JSONValue {
        let start = self.offset
        var integral = true
        if self.peek() == UInt8(ascii: "-") { self.offset += 1 }
        guard let first = self.peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { throw Failure() }
        while let byte = self.peek() {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"): self.offset += 1
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                integral = false
                self.offset += 1
            default:
                return try self.finishNumber(from: start, integral: integral)
            }
        }
        return try self.finishNumber(from: start, integral: integral)
    }

    private func finishNumber(from start: Int, integral: Bool) throws -> JSONValue {
        let text = String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.offset]), as: UTF8.self)
        if integral, let integer = Int64(text) { return .int(integer) }
        guard let double = Double(text), double.isFinite else { throw Failure() }
        return .double(double)
    }
}
