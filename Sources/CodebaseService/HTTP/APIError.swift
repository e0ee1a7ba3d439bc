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

    /// 404 `chunk_not_found`.
    static func chunkNotFound(_ id: String) -> APIError {
        APIError(
            .notFound,
            ErrorCode.chunkNotFound,
            "Chunk '\(id)' not found. Its code may have changed or been deleted since it was indexed; search again for a current id.",
            details: ["chunk_id": .string(id)]
        )
    }

    /// 404 `job_not_found`.
    static func jobNotFound(_ id: String) -> APIError {
        APIError(
            .notFound,
            ErrorCode.jobNotFound,
            "Index job '\(id)' not found. Job ids come from POST /mcp/index; finished jobs are kept for a while only.",
            details: ["job_id": .string(id)]
        )
    }

    /// 500 `internal_error`, without details of the cause (those go to the log).
    static let unexpected = APIError(
        .internalServerError,
        ErrorCode.internalError,
        "The server failed to answer this request. The cause has been logged; try again."
    )

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONResponse.make(self.body, status: self.status)
    }
}

/// Encodes contract bodies.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try ContractCoding.makeEncoder().encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
