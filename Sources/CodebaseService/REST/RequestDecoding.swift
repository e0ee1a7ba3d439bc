import CodebaseCore
import Foundation
import Hummingbird
import NIOCore
import ServerKit
import ServiceClient

extension Request {
    /// Decodes a contract JSON body, parsed once. A body over the context's cap answers 413; a body that is not the
    /// expected JSON answers 400 `invalid_request` naming the field at fault (`body` when it is not JSON at all), and
    /// so does a field the contract does not have (the request types read themselves strictly, with `RequestFields`).
    /// With `emptyBody`, a request without a body decodes as that value.
    func decodeBody<Value: Decodable>(as type: Value.Type, context: some RequestContext, emptyBody: Value? = nil) async throws -> Value {
        let buffer = try await self.collectBody(context: context)
        if buffer.readableBytes == 0 || buffer.readableBytesView.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if let emptyBody { return emptyBody }
            throw APIError.invalid(field: "body", "The request body is empty; send a JSON object.")
        }
        try self.requireJSONContentType()
        // What a decoder would let pass silently: a duplicate key, a number not stored exactly, nesting past the limit.
        try JSONTextCheck.requireCheckedBody(buffer)
        do {
            return try ContractCoding.decode(Value.self, from: Data(buffer.readableBytesView))
        } catch let error as UnknownFieldError {
            throw APIError.invalid(field: error.field, "Unknown field '\(error.field)'. Allowed: \(error.allowed.joined(separator: ", ")).")
        } catch let error as DecodingError {
            throw Self.describe(error)
        }
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
