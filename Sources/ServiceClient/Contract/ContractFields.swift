/// A field the contract always sends, `null` when it has no value (`linked_work_items`, `deleted_at`, `last_error`):
/// the synthesized encoding writes `null` where it would leave the key out, and an absent key reads as `nil`.
@propertyWrapper
public struct Nullable<Value: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value = self.wrappedValue { try container.encode(value) } else { try container.encodeNil() }
    }
}

/// A value with an empty form: what an absent `OrEmpty` field reads as.
public protocol EmptyDefault {
    static var empty: Self { get }
}

extension Array: EmptyDefault {
    public static var empty: Self { [] }
}

extension Dictionary: EmptyDefault {
    public static var empty: Self { [:] }
}

extension String: EmptyDefault {
    public static var empty: Self { "" }
}

/// A field this side always sends but reads leniently: an answer without it (`warnings` from an older peer) reads as
/// empty.
@propertyWrapper
public struct OrEmpty<Value: Codable & Sendable & Hashable & EmptyDefault>: Codable, Sendable, Hashable {
    public var wrappedValue: Value

    public init(wrappedValue: Value) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        self.wrappedValue = try decoder.singleValueContainer().decode(Value.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.wrappedValue)
    }
}

// The synthesized `init(from:)` asks its container for each wrapper by key; these overloads let an absent key through.
extension KeyedDecodingContainer {
    public func decode<Value>(_ type: Nullable<Value>.Type, forKey key: Key) throws -> Nullable<Value> {
        Nullable(wrappedValue: try self.decodeIfPresent(Value.self, forKey: key))
    }

    public func decode<Value>(_ type: OrEmpty<Value>.Type, forKey key: Key) throws -> OrEmpty<Value> {
        OrEmpty(wrappedValue: try self.decodeIfPresent(Value.self, forKey: key) ?? .empty)
    }
}
