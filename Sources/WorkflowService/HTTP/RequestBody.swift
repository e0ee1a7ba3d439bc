import Foundation
import Hummingbird
import NIOCore
import ServerKit
import ServiceClient

extension Request {
    /// The body decoded as `Body`, parsed once, read up to the context's cap: 413 when larger, 400 naming `body` when
    /// not JSON. `Body` reads itself strictly (`RequestFields`) and throws `WorkflowError`s naming the field at fault.
    func decodeBody<Body: Decodable>(as type: Body.Type, context: some RequestContext) async throws -> Body {
        let buffer = try await self.collectBody(context: context)
        guard buffer.readableBytes > 0 else { throw APIError.invalid(field: "body", "The request needs a JSON object body.") }
        try self.requireJSONContentType()
        // What a decoder would let pass silently: a duplicate key, a number not stored exactly, nesting past the limit.
        if let problem = JSONTextCheck.refusal(buffer.readableBytesView) { throw APIError.invalid(field: problem.field, problem.message()) }
        do {
            return try ContractCoding.decode(Body.self, from: Data(buffer.readableBytesView))
        } catch let error as WorkflowError {
            throw error
        } catch {
            throw APIError.invalid(field: "body", "The body is not valid JSON.")
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

    /// The whole body, up to the context's cap: 413 when larger.
    func collectBody(context: some RequestContext) async throws -> ByteBuffer {
        do {
            return try await self.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, ErrorCode.payloadTooLarge, "The request body is larger than \(context.maxUploadSize) bytes.")
        }
    }

    /// The query string as a dictionary; a repeated name keeps its last value.
    var queryDictionary: [String: String] {
        var parameters: [String: String] = [:]
        for (name, value) in self.uri.queryParameters { parameters[String(name)] = String(value) }
        return parameters
    }
}
