import Foundation
import Hummingbird
import NIOCore
import ServerKit
import ServiceClient
import WorkflowCore

extension Request {
    /// The body decoded as `Body`, parsed once, read up to the context's cap: 413 when larger, 400 naming `body` when
    /// not JSON. `Body` reads itself strictly (`RequestFields`) and throws `WorkflowError`s naming the field at fault.
    func decodeBody<Body: Decodable>(as type: Body.Type, context: some RequestContext) async throws -> Body {
        let buffer = try await self.collectBody(context: context)
        guard buffer.readableBytes > 0 else { throw APIError.invalid(field: "body", "The request needs a JSON object body.") }
        try self.requireJSONContentType()
        // What a decoder would let pass silently: a duplicate key, a number not stored exactly, nesting past the limit.
        try JSONTextCheck.requireCheckedBody(buffer)
        do {
            return try ContractCoding.decode(Body.self, from: Data(buffer.readableBytesView))
        } catch let error as WorkflowError {
            throw error
        } catch let error as InvalidRequestField {
            throw WorkflowError.invalid(field: error.field, error.message)
        } catch {
            throw APIError.invalid(field: "body", "The body is not valid JSON.")
        }
    }
}
