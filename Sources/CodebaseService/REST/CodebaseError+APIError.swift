import CodebaseCore
import Hummingbird
import ServerKit

/// The REST rendering of a codebase error: the one place its kind becomes a status.
extension CodebaseError: APIErrorConvertible {
    public var apiError: APIError {
        switch self.kind {
        case .invalidRequest: APIError(status: .badRequest, body: self.body)
        case .notFound: APIError(status: .notFound, body: self.body)
        case .failed: APIError(status: .internalServerError, body: self.body)
        case .tooCostly: APIError(status: .unprocessableContent, body: self.body)
        case .storageUnavailable: APIError(status: .serviceUnavailable, body: self.body, headers: [.retryAfter: "5"])
        }
    }
}
