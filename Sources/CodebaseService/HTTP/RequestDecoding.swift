import Foundation
import Hummingbird
import NIOCore
import ServiceClient

extension Request {
    /// Decodes a contract JSON body. A body over the context's cap answers 413; a body that is not the expected JSON
    /// answers 400 `invalid_request` naming the field at fault (`body` when it is not JSON at all), and so does a
    /// field the contract does not have: a misspelt `file_type` silently ignored would widen a search unnoticed. With
    /// `emptyBody`, a request without a body decodes as that value.
    func decodeBody<Value: ContractBody>(as type: Value.Type, context: some RequestContext, emptyBody: Value? = nil) async throws -> Value {
        let buffer = try await self.collectBody(context: context)
        if buffer.readableBytes == 0 || buffer.readableBytesView.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if let emptyBody { return emptyBody }
            throw APIError.invalid(field: "body", "The request body is empty; send a JSON object.")
        }
        try self.requireJSONContentType()
        let data = Data(buffer.readableBytesView)
        do {
            let value = try ContractCoding.makeDecoder().decode(Value.self, from: data)
            if let unknown = Self.unknownField(in: data, known: Value.fieldKinds.map(\.0)) { throw unknown }
            return value
        } catch let error as DecodingError {
            // Some decoding errors (a fraction where an integer belongs) come without the field's name: find it.
            if Self.codingPath(of: error).isEmpty, let misfit = Self.misfitField(in: data, fields: Value.fieldKinds) { throw misfit }
            throw Self.describe(error)
        }
    }

    /// JSON routes take `application/json` bodies only: a `text/plain` or form body is what a web page can send
    /// without the browser asking first, so it must never pass for a request (415 `unsupported_media_type`).
    func requireJSONContentType() throws {
        let given = self.headers[.contentType] ?? ""
        let mediaType = given.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard mediaType == "application/json" else {
            throw APIError(
                .unsupportedMediaType,
                "unsupported_media_type",
                "The body must be JSON sent with 'Content-Type: application/json'; got '\(given)'.",
                details: ["content_type": .string(given)]
            )
        }
    }

    /// The whole body, up to the context's cap (413 when larger, through the error middleware).
    func collectBody(context: some RequestContext) async throws -> ByteBuffer {
        try await self.body.collect(upTo: context.maxUploadSize)
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
}

extension SearchRequest: ContractBody {
    static var fieldKinds: [(String, FieldKind)] { [("query", .string), ("limit", .integer), ("file_type", .string), ("directory", .string), ("repository", .string)] }
}

extension ChunkLookupRequest: ContractBody {
    static var fieldKinds: [(String, FieldKind)] { [("chunk_ids", .stringArray)] }
}

extension GrepRequest: ContractBody {
    static var fieldKinds: [(String, FieldKind)] {
        [
            ("pattern", .string), ("regex", .bool), ("case_sensitive", .bool), ("whole_word", .bool), ("file_type", .string),
            ("directory", .string), ("repository", .string), ("limit", .integer),
        ]
    }
}

extension IndexRequest: ContractBody {
    static var fieldKinds: [(String, FieldKind)] { [("repository", .string), ("force", .bool), ("wait", .bool)] }
}
