/// A request body's fields read strictly, as the contract reads every request body: by name, telling an absent field
/// from `null`, and seeing the fields the contract does not have (a misspelt `file_type` silently ignored would widen a
/// search unnoticed). Both services read their bodies through it; each words its own error bodies.
public struct RequestFields {
    private let container: KeyedDecodingContainer<AnyCodingKey>
    /// The fields the body may have, in the order the contract lists them.
    public let allowed: [String]

    /// The body's fields, which may be those `allowed`; throws `DecodingError.typeMismatch` (with an empty coding path)
    /// when the body is not a JSON object.
    public init(_ decoder: any Decoder, allowed: [String]) throws {
        self.container = try decoder.container(keyedBy: AnyCodingKey.self)
        self.allowed = allowed
    }

    /// The body's fields, which may be those of `Key`, in its declared order.
    public init<Key: CodingKey & CaseIterable>(_ decoder: any Decoder, allowed: Key.Type) throws {
        try self.init(decoder, allowed: Key.allCases.map(\.stringValue))
    }

    /// The first field, in name order, that the body has and the contract does not.
    public var unknownField: String? {
        self.container.allKeys.map(\.stringValue).sorted().first { !self.allowed.contains($0) }
    }

    /// Throws `UnknownFieldError` for the first field the contract does not have.
    public func refuseUnknownFields() throws {
        if let unknown = self.unknownField { throw UnknownFieldError(field: unknown, allowed: self.allowed) }
    }

    /// The field as sent. A value not of `Value`'s kind throws a `DecodingError` whose coding path starts with the
    /// field, also where Foundation names no field (a fraction or an out-of-range number where an integer belongs);
    /// a number beyond any `Double` throws `dataCorrupted` about the whole body, which is not JSON this code can read.
    public func field<Value: Decodable>(_ type: Value.Type, _ field: some CodingKey) throws -> BodyField<Value> {
        let key = AnyCodingKey(field.stringValue)
        guard self.container.contains(key) else { return .absent }
        if try self.container.decodeNil(forKey: key) { return .null }
        do {
            return .value(try self.container.decode(Value.self, forKey: key))
        } catch let error as DecodingError {
            throw error
        } catch {
            guard self.isReadable(key) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a number out of range", underlyingError: error))
            }
            let context = DecodingError.Context(codingPath: self.container.codingPath + [key], debugDescription: "\(error)", underlyingError: error)
            throw DecodingError.typeMismatch(Value.self, context)
        }
    }

    /// Whether the field's value is JSON that `JSONValue` can hold: not when a number in it is beyond any `Double`.
    public func isReadable(_ field: some CodingKey) -> Bool {
        (try? self.container.decode(JSONValue.self, forKey: AnyCodingKey(field.stringValue))) != nil
    }

    /// A field the contract requires: `keyNotFound` when absent, `valueNotFound` when `null`.
    public func required<Value: Decodable>(_ type: Value.Type, _ field: some CodingKey) throws -> Value {
        let key = AnyCodingKey(field.stringValue)
        switch try self.field(type, key) {
        case .value(let value):
            return value
        case .absent:
            throw DecodingError.keyNotFound(key, .init(codingPath: self.container.codingPath, debugDescription: "required"))
        case .null:
            // Foundation's own `valueNotFound`, as a plain `Decodable` read of the field throws it.
            return try self.container.decode(type, forKey: key)
        }
    }

    /// An optional field: absent and `null` both read as `nil`.
    public func optional<Value: Decodable>(_ type: Value.Type, _ field: some CodingKey) throws -> Value? {
        if case .value(let value) = try self.field(type, field) { return value }
        return nil
    }
}

/// One field of a request body as sent. A patch needs all three: absent leaves a value, `null` clears it.
public enum BodyField<Value> {
    case absent
    case null
    case value(Value)
}

/// A body field that the contract does not have; each service words the error body.
public struct UnknownFieldError: Error, Sendable {
    public var field: String
    /// The fields the body may have, in the order the contract lists them.
    public var allowed: [String]
}

/// A request body that breaks a rule of the contract, with the field at fault and the words of its error body; each
/// service answers it as its own `invalid_request`.
public struct InvalidRequestField: Error, Sendable, Hashable {
    public var field: String
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

/// A coding key for any JSON object key, so that a strict reader sees the keys its type does not declare.
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    public let stringValue: String
    public var intValue: Int? { nil }

    public init(_ name: String) { self.stringValue = name }
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}
