import Foundation
import ServiceClient

/// One MCP tool as `tools/list` shows it. Schemas are JSON Schema text: compact, exact, and read as the model reads them.
struct ToolDefinition: Sendable {
    let name: String
    let description: String
    let inputSchema: JSONValue
    let outputSchema: JSONValue
    let readOnly: Bool
    let destructive: Bool
    let idempotent: Bool

    init(_ name: String, _ description: String, input: String, output: String, readOnly: Bool, destructive: Bool = false, idempotent: Bool) {
        self.name = name
        self.description = description
        self.inputSchema = Self.parse(input)
        self.outputSchema = Self.parse(output)
        self.readOnly = readOnly
        self.destructive = destructive
        self.idempotent = idempotent
    }

    /// The schemas are literals of this module: a typo is a programming error caught by the first test that lists tools.
    private static func parse(_ schema: String) -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(schema.utf8))
        } catch {
            preconditionFailure("invalid tool schema literal: \(error)")
        }
    }
}

/// Reports how far a long tool call has come: units done, units to do when known, and a line for a person.
typealias ToolProgress = @Sendable (_ done: Double, _ total: Double?, _ message: String) async -> Void

/// What a tool call returns: the REST body as structured content, its compact text, and whether it is an error.
struct ToolResult: Sendable, Hashable {
    var structured: JSONValue
    var text: String
    var isError: Bool

    /// A domain error as the model sees it: the error code first, then the message; the error body as structured content.
    init(error body: ErrorBody) {
        self.structured = (try? ToolArguments.encode(body)) ?? .object([:])
        self.text = "\(body.error): \(body.message)"
        self.isError = true
    }

    init(structured: JSONValue, text: String) {
        self.structured = structured
        self.text = text
        self.isError = false
    }
}

/// The arguments of one tool call, read the way request bodies are: unknown names and wrong types are
/// `invalid_request` naming the argument.
struct ToolArguments: Sendable {
    let values: [String: JSONValue]

    /// Refuses an argument whose JSON type is not the one the tool's input schema declares (`"limit": "5"` where an
    /// integer belongs), so both doors read one contract: the REST body would refuse it too. `null` reads as absent.
    func typed(by definition: ToolDefinition?) throws -> Self {
        guard case .object(let schema)? = definition?.inputSchema, case .object(let properties)? = schema["properties"] else { return self }
        for (name, value) in self.values.sorted(by: { $0.key < $1.key }) {
            guard case .object(let property)? = properties[name], case .string(let type)? = property["type"] else { continue }
            let matches: Bool =
                switch (type, value) {
                case (_, .null), ("string", .string), ("integer", .int), ("boolean", .bool), ("array", .array), ("object", .object): true
                case ("number", .int), ("number", .double): true
                default: false
                }
            guard matches else {
                let article = type == "integer" || type == "array" || type == "object" ? "an" : "a"
                throw WorkflowError.invalid(field: name, "'\(name)' must be \(article) \(type).")
            }
        }
        return self
    }

    /// Refuses any argument not in `allowed`, so a misspelt filter never silently widens an answer.
    func refuseUnknown(_ allowed: Set<String>) throws -> Self {
        if let unknown = self.values.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw WorkflowError.invalid(field: unknown, "Unknown argument '\(unknown)'. Allowed: \(allowed.sorted().joined(separator: ", ")).")
        }
        return self
    }

    /// A required string argument.
    func string(_ name: String) throws -> String {
        guard let value = try self.optionalString(name) else { throw WorkflowError.invalid(field: name, "'\(name)' is required.") }
        return value
    }

    func optionalString(_ name: String) throws -> String? {
        switch self.values[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw WorkflowError.invalid(field: name, "'\(name)' must be a string.")
        }
    }

    func optionalInt(_ name: String) throws -> Int? {
        switch self.values[name] {
        case nil, .null?: return nil
        case .int(let value)?: return Int(exactly: value) ?? Int.max
        default: throw WorkflowError.invalid(field: name, "'\(name)' must be an integer.")
        }
    }

    func optionalBool(_ name: String) throws -> Bool? {
        switch self.values[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw WorkflowError.invalid(field: name, "'\(name)' must be true or false.")
        }
    }

    /// The arguments without `names`, as a JSON object: the body of the matching REST request.
    func body(removing names: Set<String> = []) -> JSONValue {
        .object(self.values.filter { !names.contains($0.key) })
    }

    /// Scalar arguments as query-string values, for operations whose REST form is a query string.
    func queryParameters() throws -> [String: String] {
        var parameters: [String: String] = [:]
        for (name, value) in self.values {
            switch value {
            case .null: continue
            case .string(let text): parameters[name] = text
            case .int(let number): parameters[name] = String(number)
            case .bool(let flag): parameters[name] = String(flag)
            default: throw WorkflowError.invalid(field: name, "'\(name)' must be a string, an integer or a boolean.")
            }
        }
        return parameters
    }

    static func encode(_ value: some Encodable) throws -> JSONValue {
        try JSONValue(parsing: ContractCoding.makeEncoder().encode(value))
    }
}
