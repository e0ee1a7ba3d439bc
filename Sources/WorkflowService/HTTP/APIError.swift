import Foundation
import Hummingbird
import ServiceClient

/// A domain error that renders as the contract's error body with its status.
struct APIError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let body: ErrorBody

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: [String: JSONValue] = [:]) {
        self.status = status
        self.body = ErrorBody(error: code, message: message, details: details)
    }

    /// 400 `invalid_request` naming the offending field in `details.field`.
    static func invalid(field: String, _ message: String) -> APIError {
        APIError(.badRequest, ErrorCode.invalidRequest, message, details: ["field": .string(field)])
    }

    static func workItemNotFound(_ id: String) -> APIError {
        APIError(
            .notFound,
            ErrorCode.workItemNotFound,
            "Work item '\(id)' not found. List work items with GET /mcp/work_items.",
            details: ["work_item_id": .string(id)]
        )
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONResponse.make(self.body, status: self.status)
    }
}

/// Encodes contract bodies.
enum JSONResponse {
    static let encoder = ContractCoding.makeEncoder()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        let data = try self.encoder.encode(value)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
