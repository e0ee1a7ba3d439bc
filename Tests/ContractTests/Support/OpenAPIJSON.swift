import Foundation

/// A JSON value, read from a response body or converted from the YAML of the OpenAPI document.
///
/// Integers and fractions are kept apart so that `type: integer` can be checked; the service's own `JSONValue` is not
/// used, so that the check does not share code with what it checks.
enum OpenAPIJSON: Hashable, Sendable, Decodable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([OpenAPIJSON])
    case object([String: OpenAPIJSON])

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([OpenAPIJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: OpenAPIJSON].self))
        }
    }

    /// Parses JSON text.
    init(data: Data) throws {
        self = try JSONDecoder().decode(OpenAPIJSON.self, from: data)
    }

    /// Converts what `Yams.load` returns. YAML-only values (timestamps, sets, binary) are refused: a JSON Schema
    /// document has none, and one would mean an unquoted scalar that YAML read as something else.
    init(yaml: Any, at path: String = "$") throws {
        switch yaml {
        case is NSNull: self = .null
        case let value as Bool: self = .bool(value)
        case let value as Int: self = .int(Int64(value))
        case let value as Double: self = .double(value)
        case let value as String: self = .string(value)
        case let values as [Any]:
            self = .array(try values.enumerated().map { try OpenAPIJSON(yaml: $1, at: "\(path)[\($0)]") })
        case let mapping as [AnyHashable: Any]:
            var object: [String: OpenAPIJSON] = [:]
            for (key, value) in mapping {
                guard let name = key.base as? String else { throw Invalid(description: "\(path): key \(key.base) is not a string; quote it") }
                object[name] = try OpenAPIJSON(yaml: value, at: "\(path).\(name)")
            }
            self = .object(object)
        default:
            throw Invalid(description: "\(path): \(type(of: yaml)) '\(yaml)' is not a JSON value; quote it")
        }
    }

    subscript(key: String) -> OpenAPIJSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var object: [String: OpenAPIJSON]? {
        if case .object(let value) = self { return value }
        return nil
    }

    var array: [OpenAPIJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The value as a number, for `minimum` and friends.
    var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// The JSON Schema type name of this value; `integer` for integral numbers.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double(let value): value.rounded() == value ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Compact JSON, cut to a readable length, for failure messages.
    var description: String {
        let text = self.json
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    private var json: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let value):
            let data = (try? JSONEncoder().encode(value)) ?? Data()
            return String(decoding: data, as: UTF8.self)
        case .array(let values): return "[" + values.map(\.json).joined(separator: ",") + "]"
        case .object(let object):
            return "{" + object.keys.sorted().map { "\(OpenAPIJSON.string($0).json):\(object[$0]!.json)" }.joined(separator: ",") + "}"
        }
    }
}
