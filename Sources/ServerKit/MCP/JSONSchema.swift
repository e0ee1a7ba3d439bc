import ServiceClient

/// The JSON Schema pieces the tool catalogs are written with; bounds come from `ContractLimits`, so a schema and the
/// server that enforces it cannot disagree.
public enum JSONSchema {
    /// An object of `properties`; `closed` refuses any other field, as every request body does.
    public static func object(_ properties: [String: JSONValue], required: [String] = [], closed: Bool = true) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        if closed { schema["additionalProperties"] = false }
        return .object(schema)
    }

    /// A string of `length` code points, with a note for the model.
    public static func string(length: ClosedRange<Int>? = nil, maxLength: Int? = nil, description: String? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "string"]
        if let length {
            schema["minLength"] = .int(Int64(length.lowerBound))
            schema["maxLength"] = .int(Int64(length.upperBound))
        }
        if let maxLength { schema["maxLength"] = .int(Int64(maxLength)) }
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    /// An integer in `range` (or from `minimum` up), with its default when absent.
    public static func integer(_ range: ClosedRange<Int>? = nil, minimum: Int? = nil, default value: Int? = nil) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "integer"]
        if let range {
            schema["minimum"] = .int(Int64(range.lowerBound))
            schema["maximum"] = .int(Int64(range.upperBound))
        }
        if let minimum { schema["minimum"] = .int(Int64(minimum)) }
        if let value { schema["default"] = .int(Int64(value)) }
        return .object(schema)
    }

    /// One of the raw values of `Case`, in their declared order.
    public static func oneOf<Case: RawRepresentable & CaseIterable>(_: Case.Type) -> JSONValue where Case.RawValue == String {
        ["enum": .array(Case.allCases.map { .string($0.rawValue) })]
    }
}
