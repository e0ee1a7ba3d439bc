import Foundation
import Hummingbird
import NIOCore
import ServiceClient

extension Request {
    /// The body as JSON, read up to the context's cap: 413 when larger, 400 naming `body` when not JSON.
    func jsonBody(context: some RequestContext) async throws -> JSONValue {
        let buffer = try await self.collectBody(context: context)
        guard buffer.readableBytes > 0 else { throw APIError.invalid(field: "body", "The request needs a JSON object body.") }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError.invalid(field: "body", "The body is not valid JSON.")
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
