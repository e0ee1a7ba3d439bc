import Foundation
import Hummingbird
import ServiceClient

extension Request {
    /// Decodes a contract JSON body. A body over the context's cap answers 413; a body that is not the expected JSON
    /// answers 400 `invalid_request` naming the field at fault (`body` when it is not JSON at all), and so does a
    /// field the contract does not have: a misspelt `file_type` silently ignored would widen a search unnoticed. With
    /// `emptyBody`, a request without a body decodes as that value.
    func decodeBody<Value: ContractBody>(as type: Value.Type, context: some RequestContext, emptyBody: Value? = nil) async throws -> Value {
        let buffer = try await self.body.collect(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 || buffer.readableBytesView.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if let emptyBody { return emptyBody }
            throw APIError.invalid(field: "body", "The request body is empty; send a JSON object.")
        }
        let data = Data(buffer.readableBytesView)
        do {
            let value = try ContractCoding.makeDecoder().decode(Value.self, from: data)
            if let unknown = Self.unknownField(in: data, known: Value.fieldKinds.map(\.0)) { throw unknown }
            try value.validate()
            return value
        } catch let error as DecodingError {
            // Some decoding errors (a fraction where an integer belongs) come without the field's name: find it.
            if Self.codingPath(of: error).isEmpty, let misfit = Self.misfitField(in: data, fields: Value.fieldKinds) { throw misfit }
            throw Self.describe(error)
        }
    }

    private static func codingPath(of error: DecodingError) -> [any CodingKey] {
        switch error {
        case .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            context.codingPath
        @unknown default:
            []
        }
    }

    /// The first field, in name order, that the body has and the contract does not.
    private static func unknownField(in data: Data, known: [String]) -> APIError? {
        guard case .object(let object) = try? JSONDecoder().decode(JSONValue.self, from: data),
            let unknown = object.keys.sorted().first(where: { !known.contains($0) })
        else { return nil }
        return .invalid(field: unknown, "Unknown field '\(unknown)'. Allowed: \(known.joined(separator: ", ")).")
    }

    /// The first field whose JSON value is not of its documented kind.
    private static func misfitField(in data: Data, fields: [(String, FieldKind)]) -> APIError? {
        guard case .object(let object) = try? JSONDecoder().decode(JSONValue.self, from: data) else { return nil }
        for (name, kind) in fields {
            guard let value = object[name], value != .null else { continue }
            let fits: Bool =
                switch (kind, value) {
                case (.string, .string), (.integer, .int), (.bool, .bool): true
                case (.stringArray, .array(let elements)): elements.allSatisfy { if case .string = $0 { true } else { false } }
                default: false
                }
            if !fits { return .invalid(field: name, "'\(name)' must be \(kind.description).") }
        }
        return nil
    }

    private static func describe(_ error: DecodingError) -> APIError {
        switch error {
        case .keyNotFound(let key, let context):
            let path = context.codingPath + [key]
            return .invalid(field: fieldName(path), "'\(pathName(path))' is required.")
        case .typeMismatch(let expected, let context):
            guard !context.codingPath.isEmpty else { return .invalid(field: "body", "The request body must be a JSON object.") }
            return .invalid(field: fieldName(context.codingPath), "'\(pathName(context.codingPath))' must be \(typeDescription(expected)).")
        case .valueNotFound(let expected, let context):
            return .invalid(
                field: fieldName(context.codingPath),
                "'\(pathName(context.codingPath))' must be \(typeDescription(expected)), not null."
            )
        case .dataCorrupted(let context):
            guard !context.codingPath.isEmpty else {
                return .invalid(field: "body", "The request body is not valid JSON.")
            }
            return .invalid(field: fieldName(context.codingPath), "'\(pathName(context.codingPath))' has an invalid value.")
        @unknown default:
            return .invalid(field: "body", "The request body could not be read.")
        }
    }

    /// The contract field at fault: the top-level key (`chunk_ids` for `chunk_ids[3]`).
    private static func fieldName(_ path: [any CodingKey]) -> String {
        path.first.map(\.stringValue) ?? "body"
    }

    /// `chunk_ids[3]` style names from a coding path, for messages.
    private static func pathName(_ path: [any CodingKey]) -> String {
        var name = ""
        for key in path {
            if let index = key.intValue {
                name += "[\(index)]"
            } else {
                name += name.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return name.isEmpty ? "body" : name
    }

    private static func typeDescription(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        case is [String].Type: "an array of strings"
        case is Double.Type: "a number"
        default: "a value of the documented type"
        }
    }
}

/// The JSON kind of a request field, for naming the field at fault.
enum FieldKind: Sendable, CustomStringConvertible {
    case string, integer, bool, stringArray

    var description: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .bool: "true or false"
        case .stringArray: "an array of strings"
        }
    }
}

/// A request body of the contract, with the kinds of its fields.
protocol ContractBody: Decodable {
    static var fieldKinds: [(String, FieldKind)] { get }
    /// Checks what the types cannot say, once the body decoded; throws `invalid_request` naming the field.
    func validate() throws(APIError)
}

extension ContractBody {
    func validate() throws(APIError) {}
}

extension SearchRequest: ContractBody {
    static var fieldKinds: [(String, FieldKind)] { [("query", .string), ("limit", .integer), ("file_type", .string), ("directory", .string)] }
}

extension ChunkLookupRequest: ContractBody {
    static var fieldKinds: [(String, FieldKind)] { [("chunk_ids", .stringArray)] }
}

extension IndexRequest: ContractBody {
    static var fieldKinds: [(String, FieldKind)] { [("repository", .string), ("force", .bool), ("wait", .bool)] }

    /// No repository name or directory holds a control character, and the system calls that resolve a path would
    /// cut it at a NUL, matching a repository the request did not name.
    func validate() throws(APIError) {
        guard let repository, repository.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return }
        throw .invalid(field: "repository", "repository must not contain control characters (U+0000 to U+001F, U+007F).")
    }
}
