import Foundation
import Hummingbird
import ServiceClient

/// An error of the REST door: the contract's error body with its HTTP status.
struct APIError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let body: ErrorBody
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: [String: JSONValue] = [:]) {
        self.status = status
        self.body = ErrorBody(error: code, message: message, details: details)
    }

    /// 400 `invalid_request` naming the offending field in `details.field`.
    static func invalid(field: String, _ message: String) -> APIError {
        APIError(.badRequest, ErrorCode.invalidRequest, message, details: ["field": .string(field)])
    }

    /// The REST rendering of a domain error: the one place its kind becomes a status.
    init(_ error: WorkflowError) {
        switch error.kind {
        case .invalidRequest: self.status = .badRequest
        case .notFound: self.status = .notFound
        case .conflict: self.status = .conflict
        case .storageUnavailable:
            self.status = .serviceUnavailable
            self.headers[.retryAfter] = "5"
        }
        self.body = error.body
    }

    /// 500 `internal_error`, without details of the cause (those go to the log).
    static let unexpected = APIError(
        .internalServerError,
        ErrorCode.internalError,
        "The server failed to answer this request. The cause has been logged; try again."
    )

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONResponse.make(self.body, status: self.status, headers: self.headers)
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
