import Foundation
import ServiceClient

/// One MCP tool as `tools/list` shows it. Schemas are JSON values written as Swift literals (`JSONSchema`), their
/// bounds the contract's constants.
public struct ToolDefinition: Sendable {
    public let name: String
    public let description: String
    public let inputSchema: JSONValue
    public let outputSchema: JSONValue
    public let readOnly: Bool
    public let destructive: Bool
    public let idempotent: Bool

    public init(_ name: String, _ description: String, input: JSONValue, output: JSONValue, readOnly: Bool, destructive: Bool = false, idempotent: Bool) {
        self.name = name
        self.description = description
        self.inputSchema = input
        self.outputSchema = output
        self.readOnly = readOnly
        self.destructive = destructive
        self.idempotent = idempotent
    }
}

/// Reports how far a long tool call has come: units done, units to do when known, and a line for a person.
public typealias ToolProgress = @Sendable (_ done: Double, _ total: Double?, _ message: String) async -> Void

/// What a tool call returns: the REST body as structured content, its compact text, and whether it is an error.
public struct ToolResult: Sendable, Hashable {
    public var structured: JSONValue
    public var text: String
    public var isError: Bool

    /// A domain error as the model sees it: the error code first, then the message; the error body as structured content.
    public init(error body: ErrorBody) {
        self.structured = (try? ToolArguments.encode(body)) ?? .object([:])
        self.text = "\(body.error): \(body.message)"
        self.isError = true
    }

    public init(structured: JSONValue, text: String) {
        self.structured = structured
        self.text = text
        self.isError = false
    }
}

/// The arguments of one tool call, read the way request bodies are: unknown names and wrong types are
/// `invalid_request` naming the argument (`InvalidToolArgument`).
public struct ToolArguments: Sendable {
    public let values: [String: JSONValue]

    public init(values: [String: JSONValue]) {
        self.values = values
    }

    /// Refuses an argument whose JSON type is not the one the tool's input schema declares (`"limit": "5"` where an
    /// integer belongs), so both doors read one contract: the REST body would refuse it too. `null` reads as absent.
    public func typed(by definition: ToolDefinition?) throws -> Self {
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
                throw InvalidToolArgument(field: name, "'\(name)' must be \(article) \(type).")
            }
        }
        return self
    }

    /// Refuses any argument not in `allowed`, so a misspelt filter never silently widens an answer.
    public func refuseUnknown(_ allowed: Set<String>) throws -> Self {
        if let unknown = self.values.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw InvalidToolArgument(field: unknown, "Unknown argument '\(unknown)'. Allowed: \(allowed.sorted().joined(separator: ", ")).")
        }
        return self
    }

    /// A required string argument.
    public func string(_ name: String) throws -> String {
        guard let value = try self.optionalString(name) else { throw InvalidToolArgument(field: name, "'\(name)' is required.") }
        return value
    }

    public func optionalString(_ name: String) throws -> String? {
        switch self.values[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw InvalidToolArgument(field: name, "'\(name)' must be a string.")
        }
    }

    public func optionalInt(_ name: String) throws -> Int? {
        switch self.values[name] {
        case nil, .null?: return nil
        case .int(let value)?: return Int(exactly: value) ?? Int.max
        default: throw InvalidToolArgument(field: name, "'\(name)' must be an integer.")
        }
    }

    public func optionalBool(_ name: String) throws -> Bool? {
        switch self.values[name] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw InvalidToolArgument(field: name, "'\(name)' must be true or false.")
        }
    }

    /// The arguments without `names`, as a JSON object: the body of the matching REST request.
    public func body(removing names: Set<String> = []) -> JSONValue {
        .object(self.values.filter { !names.contains($0.key) })
    }

    /// Scalar arguments as query-string values, for operations whose REST form is a query string.
    public func queryParameters() throws -> [String: String] {
        var parameters: [String: String] = [:]
        for (name, value) in self.values {
            switch value {
            case .null: continue
            case .string(let text): parameters[name] = text
            case .int(let number): parameters[name] = String(number)
            case .bool(let flag): parameters[name] = String(flag)
            default: throw InvalidToolArgument(field: name, "'\(name)' must be a string, an integer or a boolean.")
            }
        }
        return parameters
    }

    public static func encode(_ value: some Encodable) throws -> JSONValue {
        try JSONValue(parsing: ContractCoding.makeEncoder().encode(value))
    }
}

/// A tool argument that is unknown, missing or of the wrong type: `invalid_request` naming it in `details.field`, the
/// body a service's own `invalid_request` has. Each service's tools answer it as an error result.
public struct InvalidToolArgument: Error, Sendable, Hashable {
    public let body: ErrorBody

    public init(field: String, _ message: String) {
        self.body = ErrorBody(error: ErrorCode.invalidRequest, message: message, details: ["field": .string(field)])
    }
}

/// A service's MCP tools, as the engine serves them: the server's name and instructions, the tool list, and the calls.
public protocol ToolProvider: Sendable {
    /// The server's name in `initialize` and in the unknown-tool message, as its executable is called.
    static var serverName: String { get }
    /// What the server is for, sent with `initialize` (a client may show it to the model).
    static var instructions: String { get }
    /// The tools as `tools/list` shows them, in that order.
    static var definitions: [ToolDefinition] { get }
    /// Runs the tool `name`; `nil` when there is no such tool. Domain errors become error results.
    func call(_ name: String, arguments: [String: JSONValue], progress: ToolProgress?) async throws -> ToolResult?
}
