import Foundation
import Hummingbird
import NIOCore
import ServiceClient

extension Request {
    /// The whole body, up to the context's cap: 413 `payload_too_large` when larger.
    public func collectBody(context: some RequestContext) async throws -> ByteBuffer {
        do {
            return try await self.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError.payloadTooLarge(maxUploadSize: context.maxUploadSize)
        }
    }

    /// JSON routes take `application/json` bodies only: a `text/plain` or form body is what a web page can send
    /// without the browser asking first, so it must never pass for a request (415 `unsupported_media_type`).
    public func requireJSONContentType() throws {
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

    /// The query string as a dictionary; a repeated name keeps its last value.
    public var queryDictionary: [String: String] {
        var parameters: [String: String] = [:]
        for (name, value) in self.uri.queryParameters { parameters[String(name)] = String(value) }
        return parameters
    }
}

extension JSONTextCheck {
    /// Refuses, as 400 `invalid_request` naming the field at fault, what a decoder would let pass silently in a JSON
    /// body: a duplicate key, a number not stored exactly, nesting past the limit.
    public static func requireCheckedBody(_ body: ByteBuffer) throws {
        if let problem = Self.refusal(body.readableBytesView) { throw APIError.invalid(field: problem.field, problem.message()) }
    }
}

extension APIError {
    /// 413 `payload_too_large`: the one wording both services answer a body over their cap with.
    public static func payloadTooLarge(maxUploadSize: Int) -> APIError {
        APIError(.contentTooLarge, ErrorCode.payloadTooLarge, "The request body is larger than the \(maxUploadSize) bytes this service accepts.")
    }
}
