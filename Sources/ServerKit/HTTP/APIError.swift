import Foundation
import Hummingbird
import ServiceClient

/// An error of the REST door: the contract's error body with its HTTP status.
public struct APIError: Error, HTTPResponseError {
    public let status: HTTPResponse.Status
    public let body: ErrorBody
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, details: [String: JSONValue] = [:]) {
        self.init(status: status, body: ErrorBody(error: code, message: message, details: details))
    }

    /// An error body as it is, with its status and any headers it needs (`Retry-After`, `Allow`).
    public init(status: HTTPResponse.Status, body: ErrorBody, headers: HTTPFields = [:]) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// The REST rendering of a service's domain error, written once by that service (`APIErrorConvertible`).
    public init(_ error: some APIErrorConvertible) {
        self = error.apiError
    }

    /// 400 `invalid_request` naming the offending field in `details.field`.
    public static func invalid(field: String, _ message: String) -> APIError {
        APIError(.badRequest, ErrorCode.invalidRequest, message, details: ["field": .string(field)])
    }

    /// 500 `internal_error`, without details of the cause (those go to the log).
    public static let unexpected = APIError(
        .internalServerError,
        ErrorCode.internalError,
        "The server failed to answer this request. The cause has been logged; try again."
    )

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONResponse.make(self.body, status: self.status, headers: self.headers)
    }
}

/// A service's domain error that the REST door answers with: each service maps its own error kinds to statuses
/// once, in its own module, so that the kit never names a domain type.
public protocol APIErrorConvertible: Error {
    /// The status, error body and headers this error is answered with.
    var apiError: APIError { get }
}

/// Encodes contract bodies.
public enum JSONResponse {
    static let encoder = ContractCoding.makeEncoder()

    /// `value` as contract JSON with `status`; `headers` come first, then `Content-Type`.
    public static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        let data = try self.encoder.encode(value)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
